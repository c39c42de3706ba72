//! The details of one exemption: every property and the JSON exactly as Azure
//! returned it, the resources it covers with whether Defender already shows
//! each exempt, and what this app did to it (its journalled writes and audit
//! rows). IPC types and the pure rules that shape them; the app fills them
//! (`Desk::exemption_details`).

use serde::Serialize;
use serde_json::Value;
use specta::Type;

use crate::apply::ItemState;
use crate::change::{differences, FieldChange};
use crate::plan::{PlannedWrite, WriteMethod};
use crate::resource::{AssessedResource, ResourceStatus};

/// At most this many covered resources are listed; the rest are counted.
pub const COVERED_SHOWN: usize = 200;

/// One exemption in detail.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionDetails {
    pub exemption_id: String,
    /// The response body exactly as Azure sent it; `None` when Azure says the
    /// exemption no longer exists (the audit entries may say why).
    pub raw_json: Option<String>,
    /// Every property of the exemption, one leaf per line, by path.
    pub properties: Vec<DetailProperty>,
    /// What it covers; `None` when it no longer exists.
    pub coverage: Option<Coverage>,
    /// What this app did to it, oldest first.
    pub audit: Vec<AuditEntry>,
}

/// One property: its path (`properties.metadata.ticket`) and its value as JSON
/// text (strings unquoted).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct DetailProperty {
    pub path: String,
    pub value: String,
}

/// The resources an exemption covers: those under its scope assessed by the
/// recommendations it exempts.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    /// The recommendations it exempts, as Defender names them.
    pub recommendations: Vec<CoveredRecommendation>,
    /// At most [`COVERED_SHOWN`], those Defender does not show exempt yet first.
    pub resources: Vec<CoveredResource>,
    /// Every covered assessment, listed or not.
    pub total: u32,
    /// How many of them Defender shows Not applicable with cause Exempt.
    pub shown_exempt: u32,
    /// Set when the coverage could not be worked out (the assignment or its
    /// initiative cannot be read): why, in words.
    pub unavailable: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct CoveredRecommendation {
    pub key: String,
    pub display_name: String,
}

/// One resource as one of the exempted recommendations assesses it.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct CoveredResource {
    pub recommendation_key: String,
    pub recommendation_name: String,
    pub resource: AssessedResource,
    /// Defender shows it Not applicable with cause `Exempt`.
    pub shown_exempt: bool,
}

/// Not applicable with cause `Exempt` (any case).
pub fn shown_exempt(resource: &AssessedResource) -> bool {
    resource.status == ResourceStatus::NotApplicable && resource.cause.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("exempt"))
}

/// Is `resource_id` at or under `scope`? Under a management group, everything
/// read for it is (its subscriptions were chosen from the tree).
pub fn under_scope(scope: &str, resource_id: &str) -> bool {
    let scope = scope.trim_end_matches('/').to_ascii_lowercase();
    let id = resource_id.trim_end_matches('/').to_ascii_lowercase();
    scope.starts_with("/providers/microsoft.management/managementgroups/")
        || id == scope
        || id.strip_prefix(&scope).is_some_and(|rest| rest.starts_with('/'))
}

/// The coverage from every covered row: counted, those not yet shown exempt
/// first (then by resource name), cut to [`COVERED_SHOWN`].
pub fn coverage(recommendations: Vec<CoveredRecommendation>, mut rows: Vec<CoveredResource>) -> Coverage {
    let total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let shown = rows.iter().filter(|r| r.shown_exempt).count();
    rows.sort_by(|a, b| {
        a.shown_exempt
            .cmp(&b.shown_exempt)
            .then_with(|| a.resource.name.to_lowercase().cmp(&b.resource.name.to_lowercase()))
            .then_with(|| a.resource.id.cmp(&b.resource.id))
            .then_with(|| a.recommendation_name.cmp(&b.recommendation_name))
    });
    rows.truncate(COVERED_SHOWN);
    Coverage { recommendations, resources: rows, total, shown_exempt: u32::try_from(shown).unwrap_or(u32::MAX), unavailable: None }
}

/// Every leaf of `value` as a path and its text; arrays by index
/// (`properties.policyDefinitionReferenceIds[0]`), an empty object or array
/// as itself.
pub fn properties(value: &Value) -> Vec<DetailProperty> {
    fn walk(path: &str, value: &Value, out: &mut Vec<DetailProperty>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (k, v) in map {
                    let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    walk(&child, v, out);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, v) in items.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), v, out);
                }
            }
            Value::String(s) => out.push(DetailProperty { path: path.to_owned(), value: s.clone() }),
            other => out.push(DetailProperty { path: path.to_owned(), value: other.to_string() }),
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

/// What a journalled write did to the exemption.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Type)]
pub enum AuditAction {
    Created,
    /// Created where one of the same name already was.
    Replaced,
    /// An extend, edit or expiry removal of the exemption as read.
    Changed,
    Deleted,
    /// A line of the audit log that names the exemption.
    Logged,
}

/// One thing this app did to the exemption.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// When it was recorded (RFC 3339).
    pub at: String,
    /// Who was signed in.
    pub account: String,
    pub action: AuditAction,
    /// The write's outcome; `None` for a logged line.
    pub state: Option<ItemState>,
    /// Azure's answer or the reason, or the logged line's text.
    pub message: Option<String>,
    /// The apply it was part of.
    pub apply_id: Option<String>,
    /// For a change: each property as it was read and as it was written.
    pub changes: Vec<FieldChange>,
}

/// A journalled write to the exemption as an audit entry.
pub fn audit_of_write(
    write: &PlannedWrite,
    at: String,
    account: String,
    state: ItemState,
    message: Option<String>,
    apply_id: String,
) -> AuditEntry {
    let (action, changes) = match (write.method, &write.as_read) {
        (WriteMethod::Delete, _) => (AuditAction::Deleted, Vec::new()),
        (_, Some(read)) => (AuditAction::Changed, differences(read, &write.body)),
        (_, None) if write.replaces_existing => (AuditAction::Replaced, Vec::new()),
        (_, None) => (AuditAction::Created, Vec::new()),
    };
    AuditEntry { at, account, action, state: Some(state), message, apply_id: Some(apply_id), changes }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resource(name: &str, status: ResourceStatus, cause: Option<&str>) -> AssessedResource {
        AssessedResource {
            id: format!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/{name}"),
            name: name.into(),
            resource_type: "Microsoft.Storage/storageAccounts".into(),
            subscription_id: "s".into(),
            resource_group: Some("rg".into()),
            status,
            cause: cause.map(str::to_owned),
            exemption_id: None,
        }
    }

    fn covered(name: &str, status: ResourceStatus, cause: Option<&str>) -> CoveredResource {
        let resource = resource(name, status, cause);
        CoveredResource { recommendation_key: "k".into(), recommendation_name: "R".into(), shown_exempt: shown_exempt(&resource), resource }
    }

    #[test]
    fn only_not_applicable_with_cause_exempt_is_shown_exempt() {
        assert!(shown_exempt(&resource("a", ResourceStatus::NotApplicable, Some("Exempt"))));
        assert!(shown_exempt(&resource("a", ResourceStatus::NotApplicable, Some("exempt"))));
        assert!(!shown_exempt(&resource("a", ResourceStatus::NotApplicable, Some("OffByPolicy"))));
        assert!(!shown_exempt(&resource("a", ResourceStatus::Unhealthy, Some("Exempt"))));
        assert!(!shown_exempt(&resource("a", ResourceStatus::NotApplicable, None)));
    }

    #[test]
    fn scopes_hold_what_is_at_or_under_them_only() {
        let rg = "/subscriptions/s/resourceGroups/rg";
        assert!(under_scope(rg, "/subscriptions/s/resourceGroups/RG/providers/A.B/c/d"));
        assert!(under_scope(rg, "/subscriptions/s/resourceGroups/rg"));
        assert!(!under_scope(rg, "/subscriptions/s/resourceGroups/rg-other/providers/A.B/c/d"));
        assert!(!under_scope("/subscriptions/s", "/subscriptions/s2"));
        assert!(under_scope("/providers/Microsoft.Management/managementGroups/m", "/subscriptions/any"));
    }

    #[test]
    fn coverage_lists_the_pending_first_and_counts_what_it_cuts() {
        let mut rows = vec![covered("a-exempt", ResourceStatus::NotApplicable, Some("Exempt"))];
        for i in 0..COVERED_SHOWN + 5 {
            rows.push(covered(&format!("pending-{i:03}"), ResourceStatus::Unhealthy, None));
        }
        let c = coverage(Vec::new(), rows);
        assert_eq!((c.total, c.shown_exempt, c.resources.len()), (COVERED_SHOWN as u32 + 6, 1, COVERED_SHOWN));
        assert_eq!(c.resources[0].resource.name, "pending-000");
        assert!(c.resources.iter().all(|r| !r.shown_exempt), "the exempt one is past the cut");
    }

    #[test]
    fn every_leaf_is_a_property_in_order() {
        let raw: Value = json!({
            "id": "/x", "properties": {"policyDefinitionReferenceIds": ["a", "b"], "metadata": {"ticket": "T-1", "n": 3}, "resourceSelectors": []}
        });
        let got: Vec<(String, String)> = properties(&raw).into_iter().map(|p| (p.path, p.value)).collect();
        assert!(got.contains(&("id".into(), "/x".into())));
        assert!(got.contains(&("properties.policyDefinitionReferenceIds[1]".into(), "b".into())));
        assert!(got.contains(&("properties.metadata.ticket".into(), "T-1".into())));
        assert!(got.contains(&("properties.metadata.n".into(), "3".into())));
        assert!(got.contains(&("properties.resourceSelectors".into(), "[]".into())), "{got:?}");
    }

    #[test]
    fn a_write_reads_as_what_it_did() {
        let write = |method: WriteMethod, as_read: Option<Value>, replaces: bool| PlannedWrite {
            method,
            scope: "/subscriptions/s".into(),
            name: "e".into(),
            path: "/subscriptions/s/providers/Microsoft.Authorization/policyExemptions/e".into(),
            policy_assignment_id: "/a".into(),
            initiative_name: "I".into(),
            policy_definition_reference_ids: Vec::new(),
            replaces_existing: replaces,
            below_chosen_scope: false,
            body: json!({"properties": {"expiresOn": "2027-01-01T00:00:00Z"}}),
            as_read,
        };
        let entry = |w: &PlannedWrite| audit_of_write(w, "t".into(), "me".into(), ItemState::Succeeded, None, "a1".into());
        assert_eq!(entry(&write(WriteMethod::Put, None, false)).action, AuditAction::Created);
        assert_eq!(entry(&write(WriteMethod::Put, None, true)).action, AuditAction::Replaced);
        assert_eq!(entry(&write(WriteMethod::Delete, Some(json!({})), false)).action, AuditAction::Deleted);
        let changed = entry(&write(WriteMethod::Put, Some(json!({"properties": {"expiresOn": "2026-12-01T00:00:00Z"}})), false));
        assert_eq!(changed.action, AuditAction::Changed);
        assert_eq!(changed.changes.len(), 1);
        assert_eq!(changed.changes[0].field, "expiresOn");
    }
}
