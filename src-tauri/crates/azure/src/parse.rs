//! ARM JSON into domain types, through serde wire structs. Azure's answers
//! are input like any other: a missing field, or one of the wrong shape, is
//! an error that names its path (`properties.policyAssignmentId: missing
//! field …`), never a panic. Text fields that are only shown are read
//! leniently (another type reads as absent), as they were before.

use chrono::{DateTime, Utc};
use desk_core::exemption::{scope_of, Exemption, ExemptionCategory};
use desk_core::permissions::{PermissionEntry, Permissions};
use desk_core::plan::InitiativeMember;
use desk_core::recommendation::{AssessmentType, Severity};
use desk_core::scope::{ManagementGroupNode, Subscription};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::AzureError;

/// `v` as the wire type `T`, or an error naming `what` and the field's path.
fn wire<T: DeserializeOwned>(v: &Value, what: &str) -> Result<T, AzureError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            AzureError::unexpected(what, e.into_inner())
        } else {
            AzureError::unexpected(what, format!("{path}: {}", e.into_inner()))
        }
    })
}

/// A text field that is only shown: a string, or absent (also when null or
/// of another type).
fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        _ => None,
    })
}

/// A list of strings, skipping what is not one; absent or null is empty.
fn lenient_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items.into_iter().filter_map(|v| if let Value::String(s) = v { Some(s) } else { None }).collect(),
        _ => Vec::new(),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionWire {
    subscription_id: String,
    display_name: String,
    #[serde(default, deserialize_with = "lenient")]
    state: Option<String>,
}

pub fn subscription(v: &Value) -> Result<Subscription, AzureError> {
    let w: SubscriptionWire = wire(v, "a subscription")?;
    Ok(Subscription { id: w.subscription_id, display_name: w.display_name, state: w.state.unwrap_or_else(|| "Unknown".into()) })
}

/// What an assessment metadata object says about a recommendation.
pub struct Metadata {
    pub display_name: String,
    pub description: String,
    pub severity: Severity,
    pub assessment_type: AssessmentType,
    pub policy_definition_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetadataWire {
    display_name: String,
    #[serde(default, deserialize_with = "lenient")]
    description: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    severity: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    assessment_type: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    policy_definition_id: Option<String>,
}

/// The `properties` of an assessment metadata object. Severity and type this
/// version does not know (or that are absent) become `Unknown`; only a
/// missing display name is an error.
pub fn metadata(v: &Value) -> Result<Metadata, AzureError> {
    let w: MetadataWire = wire(v, "a recommendation's metadata")?;
    let severity_text = w.severity.unwrap_or_default();
    let severity = Severity::from_arm(&severity_text);
    if severity == Severity::Unknown {
        tracing::warn!(severity = severity_text, "a recommendation's severity is not one Exemption Desk knows");
    }
    let type_text = w.assessment_type.unwrap_or_default();
    let assessment_type = AssessmentType::from_arm(&type_text);
    if assessment_type == AssessmentType::Unknown {
        tracing::warn!(assessment_type = type_text, "a recommendation's assessment type is not one Exemption Desk knows");
    }
    Ok(Metadata {
        display_name: w.display_name,
        description: w.description.unwrap_or_default(),
        severity,
        assessment_type,
        policy_definition_id: w.policy_definition_id,
    })
}

/// An ARM object of which only `name` is read here; `properties` is read
/// by the caller (absent or null reads as `{}`).
#[derive(Deserialize)]
struct Named {
    name: String,
    #[serde(default)]
    properties: Option<Value>,
}

/// One item of the `assessmentMetadata` list: its key (`name`) and what it says.
pub fn metadata_item(v: &Value) -> Result<(String, Metadata), AzureError> {
    let item: Named = wire(v, "a recommendation's metadata")?;
    let props = item.properties.unwrap_or_else(|| Value::Object(Default::default()));
    Ok((item.name, metadata(&props)?))
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Status {
    Healthy,
    Unhealthy,
    NotApplicable,
    /// A status code this version does not know (or none).
    Unknown,
}

/// What is read of an assessment (`Microsoft.Security/assessments`).
#[derive(Deserialize)]
struct AssessmentWire {
    #[serde(default, deserialize_with = "lenient")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    name: Option<String>,
    #[serde(default, deserialize_with = "lenient_object")]
    properties: AssessmentProperties,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssessmentProperties {
    #[serde(default, deserialize_with = "lenient_object")]
    status: AssessmentStatus,
    #[serde(default, deserialize_with = "lenient")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_object")]
    resource_details: ResourceDetails,
}

#[derive(Default, Deserialize)]
struct AssessmentStatus {
    #[serde(default, deserialize_with = "lenient")]
    code: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    cause: Option<String>,
}

/// Defender writes the resource id as `id` or as `Id`.
#[derive(Default, Deserialize)]
struct ResourceDetails {
    #[serde(default, deserialize_with = "lenient")]
    id: Option<String>,
    #[serde(rename = "Id", default, deserialize_with = "lenient")]
    id_capitalised: Option<String>,
}

/// An object read where one is expected; anything else (null, absent, another
/// type) reads as the empty default, as a pointer lookup did.
fn lenient_object<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(d: D) -> Result<T, D::Error> {
    match Option::<Value>::deserialize(d)? {
        Some(v @ Value::Object(_)) => T::deserialize(v).map_err(serde::de::Error::custom),
        _ => Ok(T::default()),
    }
}

/// An assessment of one resource: its recommendation key and status. An
/// unknown or absent status code is `Unknown`; only a missing key is an error.
pub fn assessment_status(v: &Value) -> Result<(String, Status), AzureError> {
    let w: AssessmentWire = wire(v, "an assessment")?;
    let key = w.name.ok_or_else(|| AzureError::unexpected("an assessment", "missing field `name`"))?;
    let code = w.properties.status.code.unwrap_or_default();
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

/// What the counts read of an assessment, parsed once: its recommendation
/// key, status, the recommendation's display name, and whether Defender
/// shows it exempt (Not applicable with cause `Exempt`).
pub fn assessment_summary(v: &Value) -> Result<(String, Status, Option<String>, bool), AzureError> {
    let w: AssessmentWire = wire(v, "an assessment")?;
    let key = w.name.ok_or_else(|| AzureError::unexpected("an assessment", "missing field `name`"))?;
    let status = status_of(w.properties.status.code.as_deref());
    let exempt = is_exempt(status, w.properties.status.cause.as_deref());
    Ok((key, status, w.properties.display_name, exempt))
}

/// Defender's status code as a [`Status`]; `Unknown` for one this version does not know.
pub fn status_of(code: Option<&str>) -> Status {
    match code.unwrap_or_default().to_ascii_lowercase().as_str() {
        "healthy" => Status::Healthy,
        "unhealthy" => Status::Unhealthy,
        "notapplicable" => Status::NotApplicable,
        _ => Status::Unknown,
    }
}

/// Not applicable because an exemption applies (cause `Exempt`, any case).
pub fn is_exempt(status: Status, cause: Option<&str>) -> bool {
    status == Status::NotApplicable && cause.is_some_and(|c| c.eq_ignore_ascii_case("exempt"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssignmentWire {
    id: String,
    properties: AssignmentProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssignmentProperties {
    policy_definition_id: String,
}

/// (assignment id, the policy or policy set it assigns)
pub fn assignment(v: &Value) -> Result<(String, String), AzureError> {
    let w: AssignmentWire = wire(v, "a policy assignment")?;
    Ok((w.id, w.properties.policy_definition_id))
}

#[derive(Deserialize)]
struct PolicySetWire {
    properties: PolicySetProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicySetProperties {
    policy_definitions: Vec<MemberWire>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MemberWire {
    policy_definition_reference_id: String,
    policy_definition_id: String,
}

pub fn initiative_members(v: &Value) -> Result<Vec<InitiativeMember>, AzureError> {
    let w: PolicySetWire = wire(v, "a policy set definition")?;
    Ok(w.properties
        .policy_definitions
        .into_iter()
        .map(|m| InitiativeMember { reference_id: m.policy_definition_reference_id, policy_definition_id: m.policy_definition_id })
        .collect())
}

#[derive(Deserialize)]
struct ExemptionWire {
    id: String,
    name: String,
    properties: ExemptionProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExemptionProperties {
    policy_assignment_id: String,
    #[serde(default, deserialize_with = "lenient")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    description: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    exemption_category: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    expires_on: Option<String>,
    #[serde(default, deserialize_with = "lenient_list")]
    policy_definition_reference_ids: Vec<String>,
}

pub fn exemption(v: &Value, now: DateTime<Utc>) -> Result<Exemption, AzureError> {
    let what = "a policy exemption";
    let w: ExemptionWire = wire(v, what)?;
    let p = w.properties;
    let expired = match &p.expires_on {
        Some(t) => {
            DateTime::parse_from_rfc3339(t).map_err(|e| AzureError::unexpected(what, format!("properties.expiresOn {t}: {e}")))? <= now
        }
        None => false,
    };
    Ok(Exemption {
        scope: scope_of(&w.id).to_owned(),
        name: w.name,
        id: w.id,
        display_name: p.display_name,
        description: p.description,
        category: p.exemption_category.as_deref().and_then(ExemptionCategory::from_arm),
        expires_on: p.expires_on,
        expired,
        policy_assignment_id: p.policy_assignment_id,
        policy_definition_reference_ids: p.policy_definition_reference_ids,
    })
}

/// A management group (or a child of one) as ARM sends it with
/// `$expand=children&$recurse=true`: display name and children either under
/// `properties` or (for children) beside `name`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupWire {
    #[serde(default, deserialize_with = "lenient")]
    name: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "lenient")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    display_name: Option<String>,
    #[serde(default)]
    children: Option<Vec<GroupWire>>,
    #[serde(default, deserialize_with = "lenient_object")]
    properties: GroupProperties,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupProperties {
    #[serde(default, deserialize_with = "lenient")]
    display_name: Option<String>,
    #[serde(default)]
    children: Option<Vec<GroupWire>>,
}

/// A management group with `$expand=children&$recurse=true` as a tree.
pub fn management_group_tree(v: &Value) -> Result<ManagementGroupNode, AzureError> {
    group(wire(v, "a management group")?)
}

fn group(w: GroupWire) -> Result<ManagementGroupNode, AzureError> {
    let what = "a management group";
    let name = w.name.ok_or_else(|| AzureError::unexpected(what, "missing field `name`"))?;
    let mut node = ManagementGroupNode {
        name,
        display_name: w.properties.display_name.or(w.display_name).unwrap_or_default(),
        children: Vec::new(),
        subscription_ids: Vec::new(),
    };
    for child in w.properties.children.or(w.children).unwrap_or_default() {
        let kind = child.kind.as_deref().unwrap_or_default().to_ascii_lowercase();
        if kind.ends_with("/subscriptions") {
            let id = child.name.ok_or_else(|| AzureError::unexpected(what, "a subscription child without `name`"))?;
            node.subscription_ids.push(id);
        } else if kind.ends_with("managementgroups") {
            node.children.push(group(child)?);
        }
    }
    node.children.sort_by_cached_key(|c| c.display_name.to_lowercase());
    Ok(node)
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PermissionWire {
    #[serde(default, deserialize_with = "lenient_list")]
    actions: Vec<String>,
    #[serde(default, deserialize_with = "lenient_list")]
    not_actions: Vec<String>,
}

/// A `Microsoft.Authorization/permissions` answer; an entry of another shape
/// grants nothing.
pub fn permissions(items: &[Value]) -> Permissions {
    Permissions {
        entries: items
            .iter()
            .map(|p| {
                let w: PermissionWire = wire(p, "a permission").unwrap_or_default();
                PermissionEntry { actions: w.actions, not_actions: w.not_actions }
            })
            .collect(),
    }
}

#[derive(Deserialize)]
struct RoleAssignmentWire {
    properties: RoleAssignmentProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleAssignmentProperties {
    principal_id: String,
    role_definition_id: String,
}

/// (principal object id, role definition id) of a role assignment.
pub fn role_assignment(v: &Value) -> Result<(String, String), AzureError> {
    let w: RoleAssignmentWire = wire(v, "a role assignment")?;
    Ok((w.properties.principal_id, w.properties.role_definition_id))
}

/// The resource an assessment is about, and Defender's cause for its status.
pub fn assessed_resource(v: &Value) -> Result<(String, Option<String>), AzureError> {
    let w: AssessmentWire = wire(v, "an assessment")?;
    let details = w.properties.resource_details;
    let id = details
        .id
        .or(details.id_capitalised)
        .or_else(|| {
            let full = w.id?;
            let at = full.to_ascii_lowercase().rfind("/providers/microsoft.security/assessments/")?;
            full.get(..at).map(str::to_owned)
        })
        .ok_or_else(|| AzureError::unexpected("an assessment", "no resource id"))?;
    Ok((id, w.properties.status.cause))
}

/// ARM's and Graph's error body, `{"error": {"code", "message"}}`.
#[derive(Default, Deserialize)]
struct CloudError {
    #[serde(default, deserialize_with = "lenient_object")]
    error: ErrorDetail,
}

/// The code and message of an error answer; either may be absent.
#[derive(Debug, Default, Deserialize, PartialEq)]
pub struct ErrorDetail {
    #[serde(default, deserialize_with = "lenient")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub message: Option<String>,
}

/// What an error answer says; a body of any other shape says nothing (the
/// caller falls back on the status), since the refusal matters more than
/// its wording.
pub fn error_detail(body: &Value) -> ErrorDetail {
    wire::<CloudError>(body, "an error answer").map(|e| e.error).unwrap_or_default()
}

#[derive(Deserialize)]
struct DescendantWire {
    id: String,
    #[serde(rename = "type")]
    kind: String,
}

/// What sits below a management group (`…/descendants`): a group or a
/// subscription, by its id.
#[derive(Debug, Clone, PartialEq)]
pub enum Descendant {
    Group(String),
    Subscription(String),
    /// A kind this client does not know; skipped.
    Other,
}

pub fn descendant(v: &Value) -> Result<Descendant, AzureError> {
    let w: DescendantWire = wire(v, "a management group's descendant")?;
    let kind = w.kind.to_ascii_lowercase();
    Ok(match kind.as_str() {
        "microsoft.management/managementgroups/subscriptions" | "/subscriptions" => Descendant::Subscription(w.id),
        "microsoft.management/managementgroups" => Descendant::Group(w.id),
        _ => Descendant::Other,
    })
}

#[derive(Deserialize)]
struct NamedWire {
    name: String,
}

/// The `name` of an ARM object (a management group in a list).
pub fn name(v: &Value, what: &str) -> Result<String, AzureError> {
    Ok(wire::<NamedWire>(v, what)?.name)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct DisplayNamedWire {
    #[serde(default, deserialize_with = "lenient")]
    display_name: Option<String>,
}

#[derive(Deserialize)]
struct WithDisplayName {
    #[serde(default, deserialize_with = "lenient_object")]
    properties: DisplayNamedWire,
}

/// An object's `properties.displayName`, when it has one (only shown).
pub fn display_name(v: &Value) -> Option<String> {
    serde_json::from_value::<WithDisplayName>(v.clone()).ok().and_then(|w| w.properties.display_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn descendants_are_read_by_kind_and_a_wrong_shape_names_the_field() {
        let sub = json!({"id": "/subscriptions/s1", "type": "Microsoft.Management/managementGroups/subscriptions", "name": "s1"});
        assert_eq!(descendant(&sub).ok(), Some(Descendant::Subscription("/subscriptions/s1".into())));
        let group = json!({"id": "/providers/Microsoft.Management/managementGroups/g", "type": "Microsoft.Management/managementGroups"});
        assert_eq!(descendant(&group).ok(), Some(Descendant::Group("/providers/Microsoft.Management/managementGroups/g".into())));
        assert_eq!(descendant(&json!({"id": "x", "type": "Something/else"})).ok(), Some(Descendant::Other));
        let error = descendant(&json!({"id": 7, "type": "Microsoft.Management/managementGroups"})).expect_err("refused");
        assert!(error.to_string().contains("id"), "{error}");
        assert!(name(&json!({"id": "x"}), "a management group").expect_err("no name").to_string().contains("name"));
        assert_eq!(display_name(&json!({"properties": {"displayName": "MCSB"}})), Some("MCSB".into()));
        assert_eq!(display_name(&json!({"properties": {"displayName": 3}})), None);
    }

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
    fn wrong_shapes_name_their_path() {
        let text = |e: AzureError| e.to_string();
        let e = text(role_assignment(&json!({"properties": {"roleDefinitionId": "r"}})).expect_err("refused"));
        assert!(e.contains("properties") && e.contains("principalId"), "{e}");
        let e = text(assignment(&json!({"id": 5, "properties": {"policyDefinitionId": "p"}})).expect_err("refused"));
        assert!(e.contains("id: invalid type"), "{e}");
        let set = json!({"properties": {"policyDefinitions": [{"policyDefinitionReferenceId": "a", "policyDefinitionId": "p"}, {"policyDefinitionId": "q"}]}});
        let e = text(initiative_members(&set).expect_err("refused"));
        assert!(e.contains("properties.policyDefinitions[1]") && e.contains("policyDefinitionReferenceId"), "{e}");
        // Shown-only text of another type reads as absent, as before.
        let e = exemption(&json!({"id": "/x", "name": "x", "properties": {"policyAssignmentId": "/a", "displayName": 7}}), Utc::now())
            .expect("tolerated");
        assert_eq!(e.display_name, None);
    }

    #[test]
    fn error_answers_of_any_shape_are_read() {
        let said = error_detail(&json!({"error": {"code": "AuthorizationFailed", "message": "no"}}));
        assert_eq!((said.code.as_deref(), said.message.as_deref()), (Some("AuthorizationFailed"), Some("no")));
        assert_eq!(error_detail(&json!({"error": "flat"})), ErrorDetail::default());
        assert_eq!(error_detail(&json!([1, 2])), ErrorDetail::default());
        assert_eq!(error_detail(&json!({"error": {"code": 7, "message": "m"}})).message.as_deref(), Some("m"));
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
