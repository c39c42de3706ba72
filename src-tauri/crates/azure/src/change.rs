//! Changes to existing exemptions: reading each one exactly as Azure returns
//! it and the caller's permissions at its scope, then the checks and the
//! writes `desk_core::change` makes from them. The apply (`apply.rs`) reads
//! each again just before sending.

use std::collections::HashMap;

use chrono::Utc;
use desk_core::arm_path::{ArmPath, AUTHORIZATION_PROVIDER};
use desk_core::change::{plan_change, targets, ChangePlan, ChangeRequest, ChangeTarget, ExemptionChange, TargetRead};
use desk_core::permissions::{Permissions, WriteAccess};
use desk_core::plan::exemption_path;
use desk_core::scope::is_subscription_id;
use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::api_version as v;
use crate::apply::Cancel;
use crate::error::AzureError;
use crate::parse;
use crate::tenant::Tenant;

/// Reads in flight at once while preparing a change.
const READS_AT_ONCE: usize = 8;

/// The scope of an exemption's policy assignment (lower-cased), from the exemption as read.
fn assignment_scope_of(read: &Value) -> Option<String> {
    let id = read.get("properties")?.get("policyAssignmentId")?.as_str()?.to_ascii_lowercase();
    let at = id.rfind("/providers/microsoft.authorization/policyassignments/")?;
    Some(id[..at].to_owned()).filter(|s| !s.is_empty())
}

impl Tenant {
    /// One exemption exactly as Azure returns it; `None` when it does not exist.
    pub async fn exemption_raw(&self, exemption_id: &str) -> Result<Option<Value>, AzureError> {
        let request = ChangeRequest { exemption_ids: vec![exemption_id.to_owned()], change: ExemptionChange::Delete };
        let target = targets(&request)?.remove(0);
        self.read_target(&target).await
    }

    async fn read_target(&self, target: &ChangeTarget) -> Result<Option<Value>, AzureError> {
        // Addressed by scope and name, re-parsed strictly, as the apply addresses it.
        let path = exemption_path(&target.scope, &target.name)?;
        match self.arm.get(&path, v::POLICY_EXEMPTIONS, &[]).await {
            Ok(found) => Ok(Some(found)),
            Err(AzureError::Arm { status: 404, .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Whether the caller may write exemptions at each of `subscription_ids`
    /// (bare ids), read a few at a time.
    pub async fn write_access(&self, subscription_ids: &[String]) -> Result<WriteAccess, AzureError> {
        let found = crate::fan_out::fan_out(subscription_ids.to_vec(), self.options.limit(), &Cancel::default(), |id| async move {
            // An id Azure sent in another shape is counted as unreadable, not fatal.
            if !is_subscription_id(&id) {
                return Ok(None);
            }
            self.permissions_of(&format!("/subscriptions/{id}")).await
        })
        .await?;
        let mut access = WriteAccess::default();
        for permissions in &found {
            access.count(permissions.as_ref());
        }
        Ok(access)
    }

    /// The caller's permissions at `scope`; `None` when they cannot be read.
    async fn permissions_of(&self, scope: &str) -> Result<Option<Permissions>, AzureError> {
        let path = ArmPath::parse_id(scope)?.provider(AUTHORIZATION_PROVIDER, ["permissions"])?;
        match self.arm.list(&path, v::PERMISSIONS, &[]).await {
            Ok(items) => Ok(Some(parse::permissions(&items))),
            Err(AzureError::Arm { status: 403 | 404, .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// The checks and exact writes of a change; nothing is sent. Ids that do
    /// not parse are refused before any read.
    pub async fn prepare_change(&self, request: &ChangeRequest) -> Result<ChangePlan, AzureError> {
        let targets = targets(request)?;
        let found: Vec<(ChangeTarget, Option<Value>)> = stream::iter(targets)
            .map(|target| async move { self.read_target(&target).await.map(|read| (target, read)) })
            .buffered(READS_AT_ONCE)
            .try_collect()
            .await?;
        // Permissions at each exemption's scope, and (for a PUT) at each one's assignment's scope.
        let mut scopes: Vec<String> = found.iter().map(|(t, _)| t.scope.to_ascii_lowercase()).collect();
        let deleting = matches!(request.change, ExemptionChange::Delete);
        if !deleting {
            scopes.extend(found.iter().filter_map(|(_, read)| read.as_ref().and_then(assignment_scope_of)));
        }
        scopes.sort();
        scopes.dedup();
        let permissions: HashMap<String, Option<Permissions>> = stream::iter(scopes)
            .map(|scope| async move { self.permissions_of(&scope).await.map(|p| (scope, p)) })
            .buffer_unordered(READS_AT_ONCE)
            .try_collect()
            .await?;
        let at = |scope: Option<String>| scope.and_then(|s| permissions.get(&s).cloned().flatten());
        let reads: Vec<TargetRead> = found
            .into_iter()
            .map(|(target, read)| {
                let assignment_permissions = if deleting { None } else { at(read.as_ref().and_then(assignment_scope_of)) };
                let permissions = at(Some(target.scope.to_ascii_lowercase()));
                TargetRead { target, read, permissions, assignment_permissions }
            })
            .collect();
        Ok(plan_change(&request.change, &reads, Utc::now()))
    }
}
