//! ARM JSON into domain types. Azure's answers are input like any other:
//! a missing field is an error that names it, never a panic.

use chrono::{DateTime, Utc};
use desk_core::exemption::{scope_of, Exemption, ExemptionCategory};
use desk_core::permissions::{PermissionEntry, Permissions};
use desk_core::plan::InitiativeMember;
use desk_core::recommendation::{AssessmentType, Severity};
use desk_core::scope::{ManagementGroupNode, Subscription};
use serde_json::Value;

use crate::error::AzureError;

fn text<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn required<'a>(v: &'a Value, pointer: &str, what: &str) -> Result<&'a str, AzureError> {
    text(v, pointer).ok_or_else(|| AzureError::unexpected(what, format!("missing {pointer}")))
}

pub fn subscription(v: &Value) -> Result<Subscription, AzureError> {
    Ok(Subscription {
        id: required(v, "/subscriptionId", "a subscription")?.to_owned(),
        display_name: required(v, "/displayName", "a subscription")?.to_owned(),
        state: text(v, "/state").unwrap_or("Unknown").to_owned(),
    })
}

/// What an assessment metadata object says about a recommendation.
pub struct Metadata {
    pub display_name: String,
    pub description: String,
    pub severity: Severity,
    pub assessment_type: AssessmentType,
    pub policy_definition_id: Option<String>,
}

/// The `properties` of an assessment metadata object. Severity and type this
/// version does not know (or that are absent) become `Unknown`; only a
/// missing display name is an error.
pub fn metadata(v: &Value) -> Result<Metadata, AzureError> {
    let what = "a recommendation's metadata";
    let severity_text = text(v, "/severity").unwrap_or_default();
    let severity = Severity::from_arm(severity_text);
    if severity == Severity::Unknown {
        tracing::warn!(severity = severity_text, "a recommendation's severity is not one Exemption Desk knows");
    }
    let type_text = text(v, "/assessmentType").unwrap_or_default();
    let assessment_type = AssessmentType::from_arm(type_text);
    if assessment_type == AssessmentType::Unknown {
        tracing::warn!(assessment_type = type_text, "a recommendation's assessment type is not one Exemption Desk knows");
    }
    Ok(Metadata {
        display_name: required(v, "/displayName", what)?.to_owned(),
        description: text(v, "/description").unwrap_or_default().to_owned(),
        severity,
        assessment_type,
        policy_definition_id: text(v, "/policyDefinitionId").map(str::to_owned),
    })
}

/// One item of the `assessmentMetadata` list: its key (`name`) and what it says.
pub fn metadata_item(v: &Value) -> Result<(String, Metadata), AzureError> {
    let key = required(v, "/name", "a recommendation's metadata")?.to_owned();
    let props = v.get("properties").unwrap_or(&Value::Null);
    Ok((key, metadata(props)?))
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Status {
    Healthy,
    Unhealthy,
    NotApplicable,
    /// A status code this version does not know (or none).
    Unknown,
}

/// An assessment of one resource: its recommendation key and status. An
/// unknown or absent status code is `Unknown`; only a missing key is an error.
pub fn assessment_status(v: &Value) -> Result<(String, Status), AzureError> {
    let what = "an assessment";
    let key = required(v, "/name", what)?.to_owned();
    let code = text(v, "/properties/status/code").unwrap_or_default();
    let status = match code.to_ascii_lowercase().as_str() {
        "healthy" => Status::Healthy,
        "unhealthy" => Status::Unhealthy,
        "notapplicable" => Status::NotApplicable,
        _ => {
            tracing::warn!(status = code, "an assessment's status code is not one Exemption Desk knows");
            Status::Unknown
        }
    };
    Ok((key, status))
}

/// The recommendation's display name as the assessment carries it.
pub fn assessment_display_name(v: &Value) -> Option<&str> {
    text(v, "/properties/displayName")
}

/// (assignment id, the policy or policy set it assigns)
pub fn assignment(v: &Value) -> Result<(String, String), AzureError> {
    Ok((
        required(v, "/id", "a policy assignment")?.to_owned(),
        required(v, "/properties/policyDefinitionId", "a policy assignment")?.to_owned(),
    ))
}

pub fn initiative_members(v: &Value) -> Result<Vec<InitiativeMember>, AzureError> {
    let what = "a policy set definition";
    let definitions = v
        .pointer("/properties/policyDefinitions")
        .and_then(Value::as_array)
        .ok_or_else(|| AzureError::unexpected(what, "missing /properties/policyDefinitions"))?;
    definitions
        .iter()
        .map(|d| {
            Ok(InitiativeMember {
                reference_id: required(d, "/policyDefinitionReferenceId", what)?.to_owned(),
                policy_definition_id: required(d, "/policyDefinitionId", what)?.to_owned(),
            })
        })
        .collect()
}

pub fn exemption(v: &Value, now: DateTime<Utc>) -> Result<Exemption, AzureError> {
    let what = "a policy exemption";
    let id = required(v, "/id", what)?.to_owned();
    let expires_on = text(v, "/properties/expiresOn").map(str::to_owned);
    let expired = match &expires_on {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|e| AzureError::unexpected(what, format!("expiresOn {t}: {e}")))?
            <= now,
        None => false,
    };
    let reference_ids = v
        .pointer("/properties/policyDefinitionReferenceIds")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    Ok(Exemption {
        scope: scope_of(&id).to_owned(),
        name: required(v, "/name", what)?.to_owned(),
        id,
        display_name: text(v, "/properties/displayName").map(str::to_owned),
        description: text(v, "/properties/description").map(str::to_owned),
        category: text(v, "/properties/exemptionCategory").and_then(ExemptionCategory::from_arm),
        expires_on,
        expired,
        policy_assignment_id: required(v, "/properties/policyAssignmentId", what)?.to_owned(),
        policy_definition_reference_ids: reference_ids,
    })
}

/// A management group with `$expand=children&$recurse=true` as a tree.
pub fn management_group_tree(v: &Value) -> Result<ManagementGroupNode, AzureError> {
    let what = "a management group";
    let mut node = ManagementGroupNode {
        name: required(v, "/name", what)?.to_owned(),
        display_name: text(v, "/properties/displayName").or_else(|| text(v, "/displayName")).unwrap_or_default().to_owned(),
        children: Vec::new(),
        subscription_ids: Vec::new(),
    };
    let children = v
        .pointer("/properties/children")
        .or_else(|| v.pointer("/children"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for child in &children {
        let kind = text(child, "/type").unwrap_or_default().to_ascii_lowercase();
        if kind.ends_with("/subscriptions") {
            node.subscription_ids.push(required(child, "/name", what)?.to_owned());
        } else if kind.ends_with("managementgroups") {
            node.children.push(management_group_tree(child)?);
        }
    }
    node.children.sort_by_cached_key(|c| c.display_name.to_lowercase());
    Ok(node)
}

/// A `Microsoft.Authorization/permissions` answer.
pub fn permissions(items: &[Value]) -> Permissions {
    let strings = |v: &Value, key: &str| -> Vec<String> {
        v.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
    };
    Permissions {
        entries: items
            .iter()
            .map(|p| PermissionEntry { actions: strings(p, "actions"), not_actions: strings(p, "notActions") })
            .collect(),
    }
}

/// (principal object id, role definition id) of a role assignment.
pub fn role_assignment(v: &Value) -> Result<(String, String), AzureError> {
    Ok((
        required(v, "/properties/principalId", "a role assignment")?.to_owned(),
        required(v, "/properties/roleDefinitionId", "a role assignment")?.to_owned(),
    ))
}

/// The resource an assessment is about, and Defender's cause for its status.
pub fn assessed_resource(v: &Value) -> Result<(String, Option<String>), AzureError> {
    let id = text(v, "/properties/resourceDetails/id")
        .or_else(|| text(v, "/properties/resourceDetails/Id"))
        .map(str::to_owned)
        .or_else(|| {
            let full = text(v, "/id")?;
            let at = full.to_ascii_lowercase().rfind("/providers/microsoft.security/assessments/")?;
            Some(full[..at].to_owned())
        })
        .ok_or_else(|| AzureError::unexpected("an assessment", "no resource id"))?;
    Ok((id, text(v, "/properties/status/cause").map(str::to_owned)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_exemption_past_its_expiry_is_marked_expired() {
        let v = json!({
            "id": "/subscriptions/s/providers/Microsoft.Authorization/policyExemptions/x",
            "name": "x",
            "properties": {"policyAssignmentId": "/a", "exemptionCategory": "waiver", "expiresOn": "2026-01-01T00:00:00Z",
                           "policyDefinitionReferenceIds": ["r1"]}
        });
        let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z").expect("time").with_timezone(&Utc);
        let e = exemption(&v, now).expect("parses");
        assert!(e.expired);
        assert_eq!(e.scope, "/subscriptions/s");
        assert_eq!(e.category, Some(ExemptionCategory::Waiver));
        assert_eq!(e.policy_definition_reference_ids, vec!["r1"]);
    }

    #[test]
    fn missing_fields_are_named_in_the_error() {
        let e = exemption(&json!({"id": "/x", "name": "x", "properties": {}}), Utc::now()).expect_err("refused");
        assert!(e.to_string().contains("policyAssignmentId"), "{e}");
        let e = metadata(&json!({"severity": "High", "assessmentType": "BuiltIn"})).err();
        assert!(e.map(|e| e.to_string()).unwrap_or_default().contains("displayName"));
    }

    #[test]
    fn unknown_enum_values_become_unknown() {
        let m = metadata(&json!({"displayName": "d", "severity": "Critical", "assessmentType": "Partner"})).expect("tolerated");
        assert_eq!((m.severity, m.assessment_type), (Severity::Unknown, AssessmentType::Unknown));
        let m = metadata(&json!({"displayName": "d"})).expect("tolerated");
        assert_eq!((m.severity, m.assessment_type), (Severity::Unknown, AssessmentType::Unknown));
        let m = metadata(&json!({"displayName": "d", "severity": "low", "assessmentType": "CustomerManaged"})).expect("parses");
        assert_eq!((m.severity, m.assessment_type), (Severity::Low, AssessmentType::CustomerManaged));
        let (key, status) = assessment_status(&json!({"name": "k", "properties": {"status": {"code": "Pending"}}})).expect("tolerated");
        assert_eq!((key.as_str(), status), ("k", Status::Unknown));
        assert_eq!(assessment_status(&json!({"name": "k", "properties": {}})).expect("tolerated").1, Status::Unknown);
        assert!(assessment_status(&json!({"properties": {}})).is_err());
    }
}
