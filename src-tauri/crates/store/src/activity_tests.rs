use std::time::Instant;

use desk_core::activity::{ActivityKind, ActivityQuery, ACTIVITY_LIMIT_MAX};
use desk_core::apply::ItemState;
use desk_core::plan::{PlannedWrite, WriteMethod};
use rusqlite::params;
use serde_json::json;

use crate::Store;

fn write(name: &str, method: WriteMethod) -> PlannedWrite {
    PlannedWrite {
        method,
        as_read: None,
        scope: "/subscriptions/s1".into(),
        name: name.into(),
        path: format!("/subscriptions/s1/providers/Microsoft.Authorization/policyExemptions/{name}"),
        policy_assignment_id: "/a".into(),
        initiative_name: "MCSB".into(),
        policy_definition_reference_ids: vec!["r".into()],
        replaces_existing: false,
        below_chosen_scope: false,
        body: json!({"properties": {"displayName": name}}),
    }
}

fn line(store: &Store, at: &str, account: &str, action: &str, detail: &str) {
    store
        .conn()
        .expect("open")
        .execute("INSERT INTO audit (at, account, action, detail) VALUES (?1, ?2, ?3, ?4)", params![at, account, action, detail])
        .expect("logs");
}

fn at_time(store: &Store, apply_id: &str, at: &str) {
    store.conn().expect("open").execute("UPDATE apply_items SET updated_at = ?2 WHERE apply_id = ?1", params![apply_id, at]).expect("dates");
}

fn query(text: &str, kinds: &[ActivityKind], limit: u32) -> ActivityQuery {
    ActivityQuery { text: text.into(), kinds: kinds.to_vec(), limit }
}

/// A small log: a sign-in, a request, a write and a delete, a decision, an export, a sign-out.
fn small_log() -> Store {
    let store = Store::in_memory().expect("opens");
    line(&store, "2026-12-01T09:00:00.000Z", "ann@contoso.example (oid-ann)", "sign_in", "profile contoso (Azure)");
    line(&store, "2026-12-01T09:01:00.000Z", "ann@contoso.example (oid-ann)", "request", "Asked for approval of request r-1: waiver-1 (ticket CHG-7)");
    line(&store, "2026-12-01T09:02:00.000Z", "bob@contoso.example (oid-bob)", "decision", "Approved request r-1 of ann@contoso.example");
    store.record_apply("apply-1", "k", "bob@contoso.example", &[write("waiver-1", WriteMethod::Put), write("old", WriteMethod::Delete)]).expect("records");
    store.set_item_state("apply-1", 0, ItemState::Succeeded, 1, None).expect("state");
    store.set_item_state("apply-1", 1, ItemState::Failed, 3, Some("AuthorizationFailed: no delete")).expect("state");
    at_time(&store, "apply-1", "2026-12-01T09:03:00.000Z");
    line(&store, "2026-12-01T09:04:00.000Z", "Exemption Desk", "export_register", "12 rows to /tmp/x.csv");
    line(&store, "2026-12-01T09:05:00.000Z", "ann@contoso.example (oid-ann)", "sign_out", "profile contoso");
    store
}

#[test]
fn the_log_and_the_journal_read_as_one_list_newest_first() {
    let store = small_log();
    let all = store.activity(&query("", &[], 0)).expect("reads");
    let kinds: Vec<ActivityKind> = all.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            ActivityKind::SignOut,
            ActivityKind::Other,
            ActivityKind::Delete,
            ActivityKind::Write,
            ActivityKind::Decision,
            ActivityKind::Request,
            ActivityKind::SignIn
        ]
    );
    assert_eq!(all[0].account, "ann@contoso.example", "the account without its object id");
    assert_eq!(all[0].summary, "Signed out: profile contoso");
    assert_eq!(all[0].outcome, "Succeeded");
    assert_eq!(all[1].summary, "Exported the register: 12 rows to /tmp/x.csv");
    let delete = &all[2];
    assert_eq!(delete.summary, "DELETE /subscriptions/s1/providers/Microsoft.Authorization/policyExemptions/old (apply apply-1)");
    assert_eq!(delete.outcome, "Failed: AuthorizationFailed: no delete");
    assert_eq!(delete.subject.as_deref(), Some("/subscriptions/s1/providers/Microsoft.Authorization/policyExemptions/old"));
    assert_eq!(delete.account, "bob@contoso.example");
    assert_eq!(all[3].outcome, "Succeeded");
    assert!(all[3].summary.starts_with("PUT /subscriptions/s1/"));
    assert_eq!(all[4].summary, "Approved request r-1 of ann@contoso.example");
    assert_eq!(all[4].outcome, "Approved");
    assert_eq!(all[5].outcome, "Pending", "a request asked for waits");
    assert_eq!(all[6].at, "2026-12-01T09:00:00.000Z");
}

#[test]
fn a_decisions_outcome_is_read_from_its_sentence() {
    let store = Store::in_memory().expect("opens");
    line(&store, "2026-12-01T10:00:00.000Z", "bob (b)", "decision", "Request r-2 (Storage) is now Rejected: no compensating control");
    line(&store, "2026-12-01T10:01:00.000Z", "bob (b)", "decision", "Request r-3 is now Partly applied (2 of 3 writes)");
    line(&store, "2026-12-01T10:02:00.000Z", "ann (a)", "request", "Saved request r-4 (Storage at Production) as /tmp/r.exemption-request.json");
    line(&store, "2026-12-01T10:03:00.000Z", "bob (b)", "decision", "something else entirely");
    let outcomes: Vec<String> = store.activity(&query("", &[], 0)).expect("reads").into_iter().map(|e| e.outcome).collect();
    assert_eq!(outcomes, ["Decided", "Saved as a file", "Partly applied", "Rejected"]);
}

#[test]
fn text_kinds_and_limit_narrow_the_list() {
    let store = small_log();
    let found = |text: &str, kinds: &[ActivityKind], limit| {
        store.activity(&query(text, kinds, limit)).expect("reads").into_iter().map(|e| e.kind).collect::<Vec<_>>()
    };
    assert_eq!(found("WAIVER-1", &[], 0), [ActivityKind::Write, ActivityKind::Request], "any case, in the path and the detail");
    assert_eq!(found("authorizationfailed", &[], 0), [ActivityKind::Delete], "the outcome's message");
    assert_eq!(found("APPLY-1", &[], 0), [ActivityKind::Delete, ActivityKind::Write], "the apply id");
    assert_eq!(found("oid-bob", &[], 0), [ActivityKind::Decision], "the object id the log keeps");
    assert_eq!(found("", &[ActivityKind::SignIn, ActivityKind::SignOut], 0), [ActivityKind::SignOut, ActivityKind::SignIn]);
    assert_eq!(found("contoso", &[ActivityKind::Write, ActivityKind::Delete], 0), [ActivityKind::Delete, ActivityKind::Write]);
    assert_eq!(found("", &[], 2), [ActivityKind::SignOut, ActivityKind::Other]);
    assert!(found("nothing like it", &[], 0).is_empty());
    assert_eq!(found("%", &[], 0), Vec::<ActivityKind>::new(), "a LIKE wildcard is plain text");
    line(&store, "2026-12-01T09:06:00.000Z", "ZOË@contoso.example (oid-zoe)", "sign_in", "profile ÆRØ");
    assert_eq!(found("zoë@", &[], 0), [ActivityKind::SignIn], "case folds beyond ASCII");
    assert_eq!(found("ærø", &[], 0), [ActivityKind::SignIn]);
}

/// 50,000 lines (half log, half journal): the query answers the newest
/// matching lines; the time is printed (run with `--nocapture`), not asserted.
#[test]
fn fifty_thousand_lines_are_searched_in_sql() {
    let store = Store::in_memory().expect("opens");
    {
        let mut conn = store.conn().expect("open");
        let tx = conn.transaction().expect("tx");
        for n in 0..25_000u32 {
            let at = format!("2026-01-01T00:00:{:02}.{:03}Z", n / 1000 % 60, n % 1000);
            let at = format!("2026-{:02}-{:02}T{}", 1 + n / 2500, 1 + n % 28, &at[11..]);
            let action = ["sign_in", "request", "decision", "apply", "sign_out"][n as usize % 5];
            tx.execute(
                "INSERT INTO audit (at, account, action, detail) VALUES (?1, ?2, ?3, ?4)",
                params![at, format!("user{}@contoso.example (oid)", n % 50), action, format!("line {n}")],
            )
            .expect("logs");
        }
        for a in 0..2_500u32 {
            let id = format!("apply-{a}");
            tx.execute("INSERT INTO applies (id, started_at, recommendation_key, account) VALUES (?1, 'x', 'k', 'ci')", params![id]).expect("apply");
            for i in 0..10u32 {
                let method = if i == 9 { WriteMethod::Delete } else { WriteMethod::Put };
                let json = serde_json::to_string(&write(&format!("e{a}-{i}"), method)).expect("json");
                let at = format!("2026-{:02}-15T12:{:02}:{:02}.000Z", 1 + a / 250, a % 60, i);
                tx.execute(
                    "INSERT INTO apply_items (apply_id, idx, write_json, state, updated_at) VALUES (?1, ?2, ?3, 'Succeeded', ?4)",
                    params![id, i, json, at],
                )
                .expect("item");
            }
        }
        tx.commit().expect("commits");
    }
    let timed = |q: ActivityQuery| {
        let started = Instant::now();
        let found = store.activity(&q).expect("reads");
        println!("activity {q:?}: {} lines in {:?}", found.len(), started.elapsed());
        found
    };
    let newest = timed(query("", &[], 0));
    assert_eq!(newest.len(), 1_000, "the default limit");
    assert!(newest.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
    let capped = timed(query("", &[], u32::MAX));
    assert_eq!(capped.len(), ACTIVITY_LIMIT_MAX as usize);
    let deletes = timed(query("", &[ActivityKind::Delete], 0));
    assert_eq!(deletes.len(), 1_000);
    assert!(deletes.iter().all(|e| e.kind == ActivityKind::Delete && e.summary.starts_with("DELETE ")));
    let one_user = timed(query("USER5@", &[ActivityKind::SignIn], 10_000));
    assert_eq!(one_user.len(), 500, "user5 signs in every 50th line of 25,000");
    assert!(one_user.iter().all(|e| e.account == "user5@contoso.example"));
    let one_write = timed(query("e2499-3", &[], 0));
    assert_eq!(one_write.len(), 1);
    assert_eq!(one_write[0].at, "2026-10-15T12:39:03.000Z");
}
