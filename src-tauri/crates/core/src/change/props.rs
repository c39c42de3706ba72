//! Property: whatever else an exemption holds (unknown properties, unknown
//! metadata keys, resource selectors) and whichever fields an edit sets, the
//! PUT keeps everything as read except the edited fields, and the write is
//! sent unchanged when Azure still holds the exemption as read.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::*;
use crate::exemption::ExemptionCategory;
use crate::permissions::{PermissionEntry, Permissions};

const SUB: &str = "/subscriptions/11111111-1111-1111-1111-111111111111";

fn unknown_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        "[a-zA-Z0-9 ]{0,12}".prop_map(Value::from),
        prop::collection::vec("[a-z]{1,6}", 0..3).prop_map(|v| json!({ "list": v })),
    ]
}

fn extra_keys(prefix: &'static str) -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-z]{1,8}", unknown_value(), 0..5)
        .prop_map(move |m| m.into_iter().map(|(k, v)| (format!("{prefix}{k}"), v)).collect())
}

fn edit() -> impl Strategy<Value = ExemptionEdit> {
    (
        prop::option::of("[A-Za-z ]{0,20}"),
        prop::option::of("[A-Za-z .]{0,40}"),
        prop::option::of(prop_oneof![Just(ExemptionCategory::Mitigated), Just(ExemptionCategory::Waiver)]),
        prop::option::of(0u32..3000),
        prop::option::of("[A-Z]{3}-[0-9]{1,4}"),
    )
        .prop_map(|(display_name, description, category, days, ticket)| ExemptionEdit {
            display_name,
            description,
            category,
            expires_on: days.map(|d| {
                let day = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).single().unwrap_or_default() + chrono::Duration::days(i64::from(d));
                NewExpiry { date: day.format("%Y-%m-%d").to_string(), utc_offset_minutes: 0 }
            }),
            ticket,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn an_edit_changes_only_the_edited_fields(props in extra_keys("x"), metadata in extra_keys("m"), edit in edit()) {
        let mut properties = props;
        properties.insert("policyAssignmentId".into(), json!(format!("{SUB}/providers/Microsoft.Authorization/policyAssignments/a")));
        properties.insert("exemptionCategory".into(), json!("Waiver"));
        properties.insert("expiresOn".into(), json!("2026-12-31T23:59:59Z"));
        properties.insert("resourceSelectors".into(), json!([{"name": "eu", "selectors": []}]));
        let mut metadata = metadata;
        metadata.insert("ticketRef".into(), json!("CHG-1"));
        properties.insert("metadata".into(), Value::Object(metadata));
        let name = "prop";
        let id = format!("{SUB}/providers/Microsoft.Authorization/policyExemptions/{name}");
        let read = json!({ "properties": properties, "id": id, "name": name, "systemData": {"createdBy": "ada"} });
        let request = ChangeRequest { exemption_ids: vec![id], change: ExemptionChange::Edit(edit.clone()) };
        let target = targets(&request).map_err(|e| TestCaseError::fail(e.to_string()))?.remove(0);
        let owner = Permissions { entries: vec![PermissionEntry { actions: vec!["*".into()], not_actions: vec![] }] };
        let reads = [TargetRead { target, read: Some(read.clone()), permissions: Some(owner.clone()), assignment_permissions: Some(owner) }];
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().unwrap_or_default();
        let plan = plan_change(&request.change, &reads, now);

        let allowed = |field: &str| match field {
            "displayName" => edit.display_name.is_some(),
            "description" => edit.description.is_some(),
            "exemptionCategory" => edit.category.is_some(),
            "expiresOn" => edit.expires_on.is_some(),
            "metadata.ticketRef" => edit.ticket.is_some(),
            _ => false,
        };
        match plan.writes.first() {
            Some(write) => {
                for change in differences(&read, &write.body) {
                    prop_assert!(allowed(&change.field), "{} changed though not edited", change.field);
                }
                prop_assert_eq!(before_send(write, Some(&read)), BeforeSend::Send);
            }
            None => prop_assert!(plan.checks.iter().any(|c| c.kind == crate::checks::CheckKind::Unchanged && c.status != crate::checks::CheckStatus::Passed)),
        }
    }
}
