//! Applying a confirmed plan, and what follows: cancelling, the report,
//! retrying failed writes, resuming an interrupted apply, and whether
//! Defender shows the exemptions yet.

use std::sync::Arc;

use desk_core::apply::{ApplyReport, EffectReport, ItemState};

use crate::runner::run_apply;
use crate::{lock, AppError, Desk, Events};

impl Desk {
    /// Send a plan the user confirmed: exactly the writes they were shown.
    /// Returns the apply's id; progress arrives through `events`.
    pub async fn apply_plan(&self, events: Arc<dyn Events>, plan_id: &str) -> Result<String, AppError> {
        let connected = self.connected().await?;
        let plan = self.plans.take(plan_id).map_err(AppError::PlanNotCurrent)?;
        let apply_id = uuid::Uuid::new_v4().to_string();
        self.store.record_apply(&apply_id, &plan.recommendation_key, &connected.identity.account, &plan.writes)?;
        let items = plan.writes.into_iter().enumerate().map(|(i, w)| (i as u32, w)).collect();
        run_apply(events, self, connected, apply_id.clone(), items, None);
        Ok(apply_id)
    }

    pub fn cancel_apply(&self, apply_id: &str) -> Result<(), AppError> {
        match lock(&self.running).get(apply_id) {
            Some(cancel) => {
                cancel.cancel();
                Ok(())
            }
            None => Err(AppError::NotRunning),
        }
    }

    /// Whether the apply is sending now (in this process).
    pub fn is_running(&self, apply_id: &str) -> bool {
        lock(&self.running).contains_key(apply_id)
    }

    pub fn apply_report(&self, apply_id: &str) -> Result<ApplyReport, AppError> {
        Ok(self.store.apply_report(apply_id)?)
    }

    /// Send again the writes that failed or were cancelled.
    pub async fn retry_failed(&self, events: Arc<dyn Events>, apply_id: String) -> Result<(), AppError> {
        self.resend(events, apply_id, |s| matches!(s, ItemState::Failed | ItemState::Cancelled)).await
    }

    /// Finish an apply that was interrupted (the app was closed or killed).
    pub async fn resume_apply(&self, events: Arc<dyn Events>, apply_id: String) -> Result<(), AppError> {
        self.resend(events, apply_id, |s| !s.is_final()).await
    }

    async fn resend(&self, events: Arc<dyn Events>, apply_id: String, pick: fn(ItemState) -> bool) -> Result<(), AppError> {
        if self.is_running(&apply_id) {
            return Err(AppError::AlreadyRunning);
        }
        let connected = self.connected().await?;
        let items = self.store.items_to_send(&apply_id, pick)?;
        // An approved request's apply, retried or resumed, still records its outcome.
        let after = self.request_outcome_for(&connected, &apply_id).await;
        run_apply(events, self, connected, apply_id, items, after);
        Ok(())
    }

    /// The signed-in account's applies left unfinished, except those running now.
    pub async fn unfinished_applies(&self) -> Result<Vec<ApplyReport>, AppError> {
        let connected = self.connected().await?;
        let running = lock(&self.running).keys().cloned().collect::<Vec<_>>();
        let all = self.store.unfinished_applies(&connected.identity.account)?;
        Ok(all.into_iter().filter(|r| !running.contains(&r.id)).collect())
    }

    /// Whether Defender shows the apply's exempted scopes as exempt yet.
    pub async fn effect_status(&self, apply_id: &str) -> Result<EffectReport, AppError> {
        let connected = self.connected().await?;
        let report = self.store.apply_report(apply_id)?;
        let tenant = &connected.tenant;
        let needs_tree = report.items.iter().any(|i| desk_core::scope::subscription_of(&i.write.scope).is_none());
        let tree = if needs_tree { desk_azure::caught(tenant.management_groups()).await? } else { None };
        Ok(desk_azure::caught(tenant.effect(&report, tree.as_ref())).await?)
    }
}
