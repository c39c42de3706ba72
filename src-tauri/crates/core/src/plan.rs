//! Turning a validated request into the exact ARM writes that carry it out.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{json, Map, Value};
use ts_rs::TS;

use crate::error::CoreError;
use crate::exemption::ExemptionDraft;
use crate::recommendation::{not_exemptible_reason, Recommendation};
use crate::validation::{expiry_instant, validate};

/// The Microsoft cloud security benchmark initiative.
pub const BENCHMARK_SET_ID: &str =
    "/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8";

/// One policy definition inside an initiative.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeMember {
    pub reference_id: String,
    pub policy_definition_id: String,
}

/// A policy assignment of an initiative, with the initiative's members.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignedInitiative {
    pub assignment_id: String,
    pub policy_set_definition_id: String,
    pub members: Vec<InitiativeMember>,
}

/// A scope to exempt at and the initiative assignments that cover it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeTarget {
    pub scope: String,
    pub assignments: Vec<AssignedInitiative>,
}

/// One `PUT` of a policy exemption, exactly as it will be sent.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedWrite {
    pub scope: String,
    pub name: String,
    /// The ARM path (scope + provider + name), without the api-version.
    pub path: String,
    pub policy_assignment_id: String,
    pub policy_definition_reference_ids: Vec<String>,
    #[ts(type = "unknown")]
    pub body: Value,
}

/// Who asks, for the exemption's metadata.
pub struct Requester<'a> {
    pub account: &'a str,
    pub app_version: &'a str,
}

/// Plan the benchmark exemptions for `draft` at each target scope.
///
/// Re-validates the draft (the UI's word is never trusted), refuses
/// recommendations that cannot be exempted, and refuses a scope where the
/// benchmark is not assigned or does not hold the recommendation.
pub fn plan_exemptions(
    draft: &ExemptionDraft,
    recommendation: &Recommendation,
    targets: &[ScopeTarget],
    requester: &Requester<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<PlannedWrite>, CoreError> {
    let errors = validate(draft, now);
    if !errors.is_empty() {
        return Err(CoreError::InvalidDraft(errors));
    }
    let policy_definition_id = recommendation.policy_definition_id.as_deref();
    if let Some(reason) = not_exemptible_reason(
        &recommendation.display_name,
        recommendation.assessment_type,
        policy_definition_id,
    ) {
        return Err(CoreError::NotExemptible { name: recommendation.display_name.clone(), reason });
    }
    let policy_definition_id = policy_definition_id.unwrap_or_default();
    let properties = shared_properties(draft, recommendation, requester);
    targets
        .iter()
        .map(|target| {
            let assignment = target
                .assignments
                .iter()
                .find(|a| a.policy_set_definition_id.eq_ignore_ascii_case(BENCHMARK_SET_ID))
                .ok_or_else(|| CoreError::BenchmarkNotAssigned { subscription: target.scope.clone() })?;
            let reference_ids: Vec<String> = assignment
                .members
                .iter()
                .filter(|m| m.policy_definition_id.eq_ignore_ascii_case(policy_definition_id))
                .map(|m| m.reference_id.clone())
                .collect();
            if reference_ids.is_empty() {
                return Err(CoreError::NotInInitiative {
                    policy_definition_id: policy_definition_id.to_owned(),
                    assignment_id: assignment.assignment_id.clone(),
                });
            }
            let mut props = properties.clone();
            props.insert("policyAssignmentId".into(), json!(assignment.assignment_id));
            props.insert("policyDefinitionReferenceIds".into(), json!(reference_ids));
            Ok(PlannedWrite {
                scope: target.scope.clone(),
                name: draft.name.clone(),
                path: format!("{}/providers/Microsoft.Authorization/policyExemptions/{}", target.scope, draft.name),
                policy_assignment_id: assignment.assignment_id.clone(),
                policy_definition_reference_ids: reference_ids,
                body: json!({ "properties": props }),
            })
        })
        .collect()
}

fn shared_properties(
    draft: &ExemptionDraft,
    recommendation: &Recommendation,
    requester: &Requester<'_>,
) -> Map<String, Value> {
    let mut props = Map::new();
    if let Some(category) = draft.category {
        props.insert("exemptionCategory".into(), json!(category.as_arm()));
    }
    let display_name = if draft.display_name.trim().is_empty() { &draft.name } else { &draft.display_name };
    props.insert("displayName".into(), json!(display_name));
    if !draft.description.trim().is_empty() {
        props.insert("description".into(), json!(draft.description));
    }
    let expiry = draft.expires_on.as_deref().filter(|d| !d.trim().is_empty());
    if let Some(t) = expiry.and_then(|d| expiry_instant(d.trim(), draft.utc_offset_minutes)) {
        props.insert("expiresOn".into(), json!(t.to_rfc3339_opts(SecondsFormat::Secs, true)));
    }
    props.insert(
        "metadata".into(),
        json!({
            "requestedBy": requester.account,
            "createdWith": format!("Exemption Desk {}", requester.app_version),
            "assessmentKey": recommendation.key,
        }),
    );
    props
}

#[cfg(test)]
mod tests;
