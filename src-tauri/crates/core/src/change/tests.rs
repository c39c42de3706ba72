use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

use super::*;
use crate::checks::blocks;
use crate::permissions::{PermissionEntry, Permissions};

const SUB: &str = "/subscriptions/11111111-1111-1111-1111-111111111111";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().expect("valid time")
}

fn id(name: &str) -> String {
    format!("{SUB}/providers/Microsoft.Authorization/policyExemptions/{name}")
}

fn owner() -> Option<Permissions> {
    Some(Permissions { entries: vec![PermissionEntry { actions: vec!["*".into()], not_actions: vec![] }] })
}

/// An exemption as Azure returns it, with what the app never shows.
fn as_read(name: &str, expires: Option<&str>) -> Value {
    let mut props = json!({
        "policyAssignmentId": format!("{SUB}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn"),
        "policyDefinitionReferenceIds": ["storageSecureTransfer"],
        "exemptionCategory": "Waiver",
        "displayName": "Storage waiver",
        "metadata": {"requestedBy": "ada@contoso.com", "ticketRef": "CHG-1", "costCentre": "42"},
        "resourceSelectors": [{"name": "eu", "selectors": [{"kind": "resourceLocation", "in": ["westeurope"]}]}],
        "assignmentScopeValidation": "DoNotValidate",
        "futureProperty": {"nested": true},
    });
    if let Some(e) = expires {
        props["expiresOn"] = json!(e);
    }
    json!({
        "properties": props,
        "systemData": {"createdBy": "ada@contoso.com", "lastModifiedBy": "ada@contoso.com", "lastModifiedAt": "2026-01-01T00:00:00Z"},
        "id": id(name), "type": "Microsoft.Authorization/policyExemptions", "name": name,
    })
}

fn read(name: &str, expires: Option<&str>) -> TargetRead {
    let request = ChangeRequest { exemption_ids: vec![id(name)], change: ExemptionChange::Delete };
    let target = targets(&request).expect("valid id").remove(0);
    TargetRead { target, read: Some(as_read(name, expires)), permissions: owner(), assignment_permissions: owner() }
}

fn extend_to(date: &str) -> ExemptionChange {
    ExemptionChange::ExtendTo(NewExpiry { date: date.into(), utc_offset_minutes: 0 })
}

#[test]
fn extending_changes_only_the_expiry_and_keeps_everything_else() {
    let plan = plan_change(&extend_to("2027-03-31"), &[read("a", Some("2026-12-01T00:00:00Z"))], now());
    assert!(!blocks(&plan.checks), "{:?}", plan.checks);
    let write = &plan.writes[0];
    assert_eq!(write.method, WriteMethod::Put);
    assert_eq!(write.path, id("a"));
    let before = as_read("a", Some("2026-12-01T00:00:00Z"));
    let changed = differences(&before, &write.body);
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0].field, "expiresOn");
    assert_eq!(write.body["properties"]["expiresOn"], "2027-03-31T23:59:59Z");
    for key in ["id", "name", "type", "systemData"] {
        assert!(write.body.get(key).is_none(), "{key} is ARM's own");
    }
    assert_eq!(write.as_read.as_ref(), Some(&before));
}

#[test]
fn extending_by_days_counts_from_each_current_expiry_and_skips_those_without_one() {
    let change = ExemptionChange::ExtendBy(ExtendBy { days: 30 });
    let plan = plan_change(&change, &[read("a", Some("2026-12-01T00:00:00Z")), read("b", None)], now());
    assert_eq!(plan.writes.len(), 1);
    assert_eq!(plan.writes[0].body["properties"]["expiresOn"], "2026-12-31T00:00:00Z");
    let expiry = plan.checks.iter().find(|c| c.kind == CheckKind::Expiry).expect("expiry check");
    assert_eq!(expiry.status, CheckStatus::Warning);
    assert!(expiry.detail.contains('b'));
}

#[test]
fn an_expiry_in_the_past_blocks() {
    let change = ExemptionChange::ExtendBy(ExtendBy { days: 2 });
    let plan = plan_change(&change, &[read("a", Some("2026-01-01T00:00:00Z"))], now());
    assert!(blocks(&plan.checks));
    let plan = plan_change(&extend_to("2026-11-24"), &[read("a", Some("2026-12-01T00:00:00Z"))], now());
    assert!(blocks(&plan.checks));
}

#[test]
fn an_edit_keeps_unknown_metadata_and_writes_the_ticket_where_it_already_lives() {
    let edit = ExemptionEdit {
        display_name: Some("New name".into()),
        description: Some("Until the migration".into()),
        category: Some(ExemptionCategory::Mitigated),
        expires_on: None,
        ticket: Some("CHG-2".into()),
    };
    let plan = plan_change(&ExemptionChange::Edit(edit), &[read("a", None)], now());
    assert!(!blocks(&plan.checks), "{:?}", plan.checks);
    let props = &plan.writes[0].body["properties"];
    assert_eq!(props["metadata"], json!({"requestedBy": "ada@contoso.com", "ticketRef": "CHG-2", "costCentre": "42"}));
    assert_eq!(props["futureProperty"], json!({"nested": true}));
    assert_eq!(props["assignmentScopeValidation"], "DoNotValidate");
    assert_eq!(props["resourceSelectors"][0]["name"], "eu");
    assert_eq!(props["exemptionCategory"], "Mitigated");
    let fields: Vec<String> = differences(&as_read("a", None), &plan.writes[0].body).into_iter().map(|c| c.field).collect();
    assert_eq!(fields, ["description", "displayName", "exemptionCategory", "metadata.ticketRef"]);
}

#[test]
fn edit_field_rules_are_azures() {
    let edit = ExemptionEdit { display_name: Some("x".repeat(129)), description: Some("y".repeat(513)), ..ExemptionEdit::default() };
    let plan = plan_change(&ExemptionChange::Edit(edit), &[read("a", None)], now());
    let fields = plan.checks.iter().find(|c| c.kind == CheckKind::Fields).expect("fields check");
    assert_eq!(fields.status, CheckStatus::Failed);
    assert!(fields.detail.contains("128") && fields.detail.contains("512"), "{}", fields.detail);
    assert!(!change_errors(&ExemptionChange::ExtendBy(ExtendBy { days: 0 })).is_empty());
    assert!(!change_errors(&extend_to("31/12/2027")).is_empty());
}

#[test]
fn removing_an_absent_expiry_writes_nothing() {
    let plan = plan_change(&ExemptionChange::RemoveExpiry, &[read("a", Some("2027-01-01T00:00:00Z")), read("b", None)], now());
    assert_eq!(plan.writes.len(), 1);
    assert!(plan.writes[0].body["properties"].get("expiresOn").is_none());
    let plan = plan_change(&ExemptionChange::RemoveExpiry, &[read("b", None)], now());
    assert!(plan.writes.is_empty() && blocks(&plan.checks));
}

#[test]
fn delete_plans_a_delete_and_needs_the_delete_permission() {
    let mut r = read("a", None);
    let plan = plan_change(&ExemptionChange::Delete, &[r.clone()], now());
    assert_eq!(plan.writes[0].method, WriteMethod::Delete);
    assert_eq!(plan.writes[0].body, Value::Null);
    r.permissions = Some(Permissions {
        entries: vec![PermissionEntry { actions: vec!["Microsoft.Authorization/policyExemptions/write".into()], not_actions: vec![] }],
    });
    let plan = plan_change(&ExemptionChange::Delete, &[r.clone()], now());
    let permissions = plan.checks.iter().find(|c| c.kind == CheckKind::Permissions).expect("permissions check");
    assert_eq!(permissions.status, CheckStatus::Failed);
    assert!(permissions.detail.starts_with("You may not delete exemptions at"), "{}", permissions.detail);
    assert_eq!(permissions.title, "You may not delete these exemptions");
    assert!(!blocks(&plan_change(&extend_to("2027-01-01"), &[r], now()).checks));
}

#[test]
fn a_gone_exemption_blocks_an_edit_but_not_a_delete() {
    let mut r = read("a", None);
    r.read = None;
    assert!(blocks(&plan_change(&extend_to("2027-01-01"), &[r.clone()], now()).checks));
    let plan = plan_change(&ExemptionChange::Delete, &[r, read("b", None)], now());
    assert!(!blocks(&plan.checks));
    assert_eq!(plan.writes.len(), 1);
}

#[test]
fn ids_are_parsed_strictly() {
    let bad = |ids: Vec<String>| targets(&ChangeRequest { exemption_ids: ids, change: ExemptionChange::Delete }).is_err();
    assert!(bad(vec![]));
    assert!(bad(vec![format!("{SUB}/providers/Microsoft.Authorization/policyAssignments/x")]));
    assert!(bad(vec![id("a"), id("A")]));
    assert!(bad(vec![format!("{SUB}/providers/Microsoft.Authorization/policyExemptions/a%2F..")]));
    assert!(bad(vec![format!("/subscriptions/x/y/providers/Microsoft.Authorization/policyExemptions/a")]));
    let ok = targets(&ChangeRequest { exemption_ids: vec![id("a")], change: ExemptionChange::Delete }).expect("valid");
    assert_eq!((ok[0].scope.as_str(), ok[0].name.as_str()), (SUB, "a"));
}

#[test]
fn before_send_sends_only_what_is_as_previewed() {
    let plan = plan_change(&extend_to("2027-03-31"), &[read("a", Some("2026-12-01T00:00:00Z"))], now());
    let write = &plan.writes[0];
    let same = as_read("a", Some("2026-12-01T00:00:00.0000000+00:00"));
    assert_eq!(before_send(write, Some(&same)), BeforeSend::Send, "a time written differently is the same time");

    let mut other = as_read("a", Some("2027-06-30T00:00:00Z"));
    other["systemData"]["lastModifiedBy"] = json!("bob@contoso.com");
    let BeforeSend::Changed(message) = before_send(write, Some(&other)) else { panic!("a changed exemption is not overwritten") };
    assert!(message.contains("bob@contoso.com") && message.contains("expiresOn"), "{message}");
    assert!(message.contains("2026-12-01T00:00:00Z") && message.contains("2027-06-30T00:00:00Z"), "{message}");

    let mut done = write.body.clone();
    done["systemData"] = json!({});
    assert!(matches!(before_send(write, Some(&done)), BeforeSend::AlreadyDone(_)), "resumed after it was sent");
    assert!(matches!(before_send(write, None), BeforeSend::Changed(_)), "deleted since the preview");

    let delete = &plan_change(&ExemptionChange::Delete, &[read("a", None)], now()).writes[0];
    assert!(matches!(before_send(delete, None), BeforeSend::AlreadyDone(_)), "already gone is done");
}

#[test]
fn a_new_exemption_is_always_sent() {
    let mut write = plan_change(&ExemptionChange::Delete, &[read("a", None)], now()).writes.remove(0);
    write.as_read = None;
    assert_eq!(before_send(&write, None), BeforeSend::Send);
}

#[test]
fn journals_from_before_changes_read_as_puts() {
    let old = json!({
        "scope": SUB, "name": "a", "path": id("a"), "policyAssignmentId": "x", "initiativeName": "MCSB",
        "policyDefinitionReferenceIds": [], "replacesExisting": false, "body": {"properties": {}},
    });
    let write: PlannedWrite = serde_json::from_value(old).expect("old journal entry");
    assert_eq!((write.method, write.as_read), (WriteMethod::Put, None));
}

#[test]
fn a_put_needs_the_exempt_action_on_the_assignment_but_a_delete_does_not() {
    let mut r = read("a", Some("2026-12-01T00:00:00Z"));
    r.assignment_permissions = Some(Permissions { entries: vec![PermissionEntry { actions: vec!["*/read".into()], not_actions: vec![] }] });
    let plan = plan_change(&extend_to("2027-01-31"), &[r.clone()], now());
    let permissions = plan.checks.iter().find(|c| c.kind == CheckKind::Permissions).expect("permissions check");
    assert_eq!(permissions.status, CheckStatus::Failed);
    assert!(permissions.detail.contains("exempt from /subscriptions/"), "{}", permissions.detail);
    assert!(!blocks(&plan_change(&ExemptionChange::Delete, &[r], now()).checks));
}

#[test]
fn extending_to_an_earlier_day_warns_that_it_ends_sooner() {
    let plan =
        plan_change(&extend_to("2027-01-31"), &[read("a", Some("2028-01-01T00:00:00Z")), read("b", Some("2026-12-01T00:00:00Z"))], now());
    assert!(!blocks(&plan.checks));
    let expiry = plan.checks.iter().find(|c| c.kind == CheckKind::Expiry).expect("expiry check");
    assert_eq!(expiry.status, CheckStatus::Warning);
    assert!(expiry.detail.contains("earlier than the current one for a:"), "{}", expiry.detail);
}
