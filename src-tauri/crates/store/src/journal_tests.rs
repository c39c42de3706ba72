use desk_core::apply::ItemState;
use desk_core::plan::PlannedWrite;
use serde_json::json;

use crate::Store;

fn write(n: u32) -> PlannedWrite {
    PlannedWrite {
        method: Default::default(),
        as_read: None,
        scope: format!("/subscriptions/s{n}"),
        name: "x".into(),
        path: format!("/subscriptions/s{n}/providers/Microsoft.Authorization/policyExemptions/x"),
        policy_assignment_id: "/a".into(),
        initiative_name: "MCSB".into(),
        policy_definition_reference_ids: vec!["r".into()],
        replaces_existing: false,
        below_chosen_scope: false,
        body: json!({"properties": {"n": n}}),
    }
}

#[test]
fn every_write_is_journalled_as_planned_before_anything_is_sent() {
    let store = Store::in_memory().expect("opens");
    store.record_apply("a1", "key", "alex", &[write(0), write(1)]).expect("records");
    let report = store.apply_report("a1").expect("reads");
    assert_eq!(report.items.len(), 2);
    assert!(report.items.iter().all(|i| i.state == ItemState::Planned));
    assert_eq!(report.items[1].write, write(1), "the exact body comes back");
    assert!(!report.finished);
}

#[test]
fn outcomes_are_kept_and_unfinished_applies_found() {
    let store = Store::in_memory().expect("opens");
    store.record_apply("done", "key", "alex", &[write(0)]).expect("records");
    store.record_apply("cut", "key", "alex", &[write(0), write(1)]).expect("records");
    store.set_item_state("done", 0, ItemState::Succeeded, 1, None).expect("updates");
    store.set_item_state("cut", 0, ItemState::Failed, 3, Some("AuthorizationFailed")).expect("updates");
    store.set_item_state("cut", 1, ItemState::Sending, 1, None).expect("updates");
    let unfinished = store.unfinished_applies("alex").expect("reads");
    assert_eq!(unfinished.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec!["cut"]);
    assert!(store.unfinished_applies("morgan").expect("reads").is_empty(), "only the signed-in account's");
    assert_eq!(unfinished[0].items[0].message.as_deref(), Some("AuthorizationFailed"));
    assert!(store.apply_report("done").expect("reads").finished);
}

#[test]
fn unknown_applies_and_items_are_errors() {
    let store = Store::in_memory().expect("opens");
    assert_eq!(store.apply_report("nope").err().map(|e| e.code()), Some(desk_core::ErrorCode::NotFound));
    assert!(store.set_item_state("nope", 0, ItemState::Succeeded, 1, None).is_err());
}

#[test]
fn a_duplicate_apply_id_journals_nothing() {
    let store = Store::in_memory().expect("opens");
    store.record_apply("a", "key", "alex", &[write(0)]).expect("records");
    assert!(store.record_apply("a", "key", "alex", &[write(0), write(1)]).is_err());
    assert_eq!(store.apply_report("a").expect("reads").items.len(), 1);
}

#[test]
fn resending_picks_items_by_state_and_journals_them_as_planned_again() {
    let store = Store::in_memory().expect("opens");
    store.record_apply("a", "key", "alex", &[write(0), write(1), write(2)]).expect("records");
    store.set_item_state("a", 0, ItemState::Succeeded, 1, None).expect("updates");
    store.set_item_state("a", 1, ItemState::Failed, 6, Some("503")).expect("updates");
    store.set_item_state("a", 2, ItemState::Sending, 1, None).expect("updates");
    let unfinished = store.items_to_send("a", |s| !s.is_final()).expect("picks");
    assert_eq!(unfinished.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![2]);
    let failed = store.items_to_send("a", |s| s == ItemState::Failed).expect("picks");
    assert_eq!(failed, vec![(1, write(1))]);
    let report = store.apply_report("a").expect("reads");
    assert_eq!(
        report.items.iter().map(|i| i.state).collect::<Vec<_>>(),
        vec![ItemState::Succeeded, ItemState::Planned, ItemState::Planned]
    );
}

#[test]
fn a_change_keeps_its_method_and_snapshot_and_changed_is_final() {
    let store = Store::in_memory().expect("opens");
    let mut delete = write(0);
    delete.method = desk_core::plan::WriteMethod::Delete;
    delete.body = serde_json::Value::Null;
    delete.as_read = Some(json!({"properties": {"expiresOn": "2030-01-01T00:00:00Z"}, "systemData": {"lastModifiedBy": "ada"}}));
    store.record_apply("c", "exemption-change", "alex", &[delete.clone()]).expect("records");
    assert_eq!(store.apply_report("c").expect("reads").items[0].write, delete, "method and snapshot come back");
    store.set_item_state("c", 0, ItemState::Changed, 1, Some("changed by bob")).expect("updates");
    assert!(store.apply_report("c").expect("reads").finished);
    assert!(store.unfinished_applies("alex").expect("reads").is_empty(), "a changed item is not resumed");
}
