//! Changes to existing exemptions (extend, edit, remove the expiry, delete):
//! the checks and the exact writes, kept in the plan registry like
//! creation's so `apply_plan` sends only what was previewed, through the same
//! journalled runner. The tenant's policy holds here too: a waiver changed
//! where approval is demanded, or an expiry past the longest allowed, blocks.

use desk_core::apply::Preparation;
use desk_core::change::ChangeRequest;
use desk_core::checks::blocks;
use desk_core::request::change_policy_checks;

use crate::{AppError, Desk};

impl Desk {
    /// The checks and every PUT and DELETE with its exact body; nothing is
    /// sent. An unblocked plan waits for `apply_plan`, replacing older change
    /// previews.
    pub async fn prepare_change(&self, request: ChangeRequest) -> Result<Preparation, AppError> {
        let ticket = self.plans.ticket();
        let connected = self.connected().await?;
        let mut plan = desk_azure::caught(connected.tenant.prepare_change(&request)).await?;
        let policy = self.tenant_settings().await?.policy;
        plan.checks.extend(change_policy_checks(&request.change, &plan.writes, &policy, chrono::Utc::now().date_naive()));
        let blocked = blocks(&plan.checks) || plan.writes.is_empty();
        let plan_id = self.plans.register_change(ticket, &request, (!blocked).then(|| plan.writes.clone()));
        Ok(Preparation { plan_id, checks: plan.checks, writes: plan.writes, blocked, plan_error: None })
    }
}
