//! The Exempt pane's needs: validating as the user types, preparing the
//! checks and writes (kept in the plan registry) from facts kept per choice, granting the Security
//! Resource Provider Reader, and the draft kept between runs.

use chrono::Utc;
use desk_azure::{AzureError, Prepared};
use desk_core::apply::Preparation;
use desk_core::checks::blocks;
use desk_core::choice::ChoiceKey;
use desk_core::exemption::ExemptionDraft;
use desk_core::plan::Requester;
use desk_core::request::{policy_checks, PolicyUse};
use desk_core::validation::{validate, FieldError};
use desk_core::CoreError;

use crate::{AppError, Desk};

/// The rules, as the user types; the same ones every later step enforces.
pub fn validate_exemption(draft: &ExemptionDraft) -> Vec<FieldError> {
    validate(draft, Utc::now())
}

impl Desk {
    /// The checks and the exact writes; nothing is sent. An unblocked plan
    /// waits in the registry for `apply_plan`, replacing older previews of
    /// the same draft. An invalid draft is refused before any read; the
    /// facts for its choice are read once and kept (see `choices.rs`), so a
    /// draft that differs only in name, description, expiry or category
    /// sends no request.
    pub async fn prepare_exemption(&self, draft: ExemptionDraft) -> Result<Preparation, AppError> {
        let ticket = self.plans.ticket();
        let connected = self.connected().await?;
        let errors = validate(&draft, Utc::now());
        if !errors.is_empty() {
            return Err(AzureError::from(CoreError::InvalidDraft(errors)).into());
        }
        let requester = Requester {
            account: &connected.identity.account,
            object_id: &connected.identity.object_id,
            app_version: env!("CARGO_PKG_VERSION"),
        };
        let tenant = &connected.tenant;
        let gather = || async { Ok::<_, AppError>(desk_azure::caught(tenant.gather(&draft.recommendation_key, &draft.scope)).await?) };
        let facts = self.choices.facts(&connected.choice_session(), ChoiceKey::of(&draft.recommendation_key, &draft.scope), gather).await?;
        let mut prepared = Prepared::decide(&draft, &facts, &requester);
        // The tenant's policy (approval required, the longest expiry) holds for a direct Create too.
        let policy = self.tenant_settings().await?.policy;
        prepared.checks.extend(policy_checks(&draft, None, &policy, PolicyUse::Create, Utc::now().date_naive()));
        let (writes, plan_error) = match prepared.writes {
            Ok(writes) => (writes, None),
            Err(e) => (Vec::new(), Some(e.payload())),
        };
        let blocked = plan_error.is_some() || writes.is_empty() || blocks(&prepared.checks);
        let plan_id = self.plans.register(ticket, &draft, (!blocked).then(|| writes.clone()));
        Ok(Preparation { plan_id, checks: prepared.checks, writes, blocked, plan_error })
    }

    /// "Check again": read the draft's choice anew, then prepare.
    pub async fn recheck_exemption(&self, draft: ExemptionDraft) -> Result<Preparation, AppError> {
        if let Some(connected) = self.current().await {
            self.choices.forget(&connected.choice_session(), &ChoiceKey::of(&draft.recommendation_key, &draft.scope));
        }
        self.prepare_exemption(draft).await
    }

    pub async fn grant_security_reader(&self, management_group: &str) -> Result<(), AppError> {
        let connected = self.connected().await?;
        let granted = desk_azure::caught(connected.tenant.grant_security_reader(management_group)).await;
        // Even a failed grant may have written: read every choice anew.
        self.choices.clear();
        granted?;
        let detail = format!("Reader for the Security Resource Provider at management group {management_group}");
        Ok(self.store.audit(&connected.who(), "grant_security_reader", &detail)?)
    }

    pub fn save_draft(&self, draft: &ExemptionDraft) -> Result<(), AppError> {
        Ok(self.store.save_draft(draft)?)
    }

    pub fn load_draft(&self) -> Result<Option<ExemptionDraft>, AppError> {
        Ok(self.store.load_draft()?)
    }

    pub fn discard_draft(&self) -> Result<(), AppError> {
        Ok(self.store.discard_draft()?)
    }
}
