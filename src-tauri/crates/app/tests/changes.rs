//! Changes to existing exemptions through the application layer: prepared
//! into the plan registry, applied through the same journalled runner.

mod common;

use std::sync::Arc;

use common::*;
use desk_app::Gone;
use desk_core::apply::ItemState;
use desk_core::change::{ChangeRequest, ExemptionChange, ExtendBy, CHANGE_KEY};
use desk_core::checks::{CheckKind, CheckStatus};
use desk_core::exemption::ExemptionCategory;
use desk_core::plan::WriteMethod;
use desk_core::request::{ApprovalRequirement, TenantPolicy, TenantSettings};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extend_two_then_delete_one_through_the_registry_and_the_journal() {
    let world = World::start().await;
    let dir = DataDir::new("changes");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let events = Arc::new(Recorder::default());
    app.sign_in(&*events, world.service_principal("ci")).await.expect("signs in");

    // Two exemptions to change, made the usual way.
    let created = app.prepare_exemption(draft(&[PRODUCTION, DEVELOPMENT], SECURE_TRANSFER, "to-change")).await.expect("prepares");
    let apply_id = app.apply_plan(events.clone(), &created.plan_id).await.expect("applies");
    until("the creation ends", || !app.is_running(&apply_id)).await;
    let ids: Vec<String> = created.writes.iter().map(|w| w.path.clone()).collect();
    assert!(ids.len() >= 2);

    // A newer change preview replaces an older one; a creation preview stays.
    let draft_preview = app.prepare_exemption(draft(&[PRODUCTION], SECURE_TRANSFER, "other")).await.expect("prepares");
    let extend = |days| ChangeRequest { exemption_ids: ids[..2].to_vec(), change: ExemptionChange::ExtendBy(ExtendBy { days }) };
    let older = app.prepare_change(extend(10)).await.expect("prepares");
    let newer = app.prepare_change(extend(30)).await.expect("prepares");
    assert!(!newer.blocked, "{:?}", newer.checks);
    assert_eq!(newer.writes.len(), 2);
    assert!(newer.writes.iter().all(|w| w.method == WriteMethod::Put && w.as_read.is_some()));
    assert_eq!(app.plans().len(), 2, "the creation preview and the newer change preview");
    let superseded = app.apply_plan(events.clone(), &older.plan_id).await.expect_err("superseded");
    assert_eq!(superseded.to_string(), Gone::Superseded.message());

    let apply_id = app.apply_plan(events.clone(), &newer.plan_id).await.expect("applies");
    until("the extension ends", || !app.is_running(&apply_id)).await;
    let report = app.apply_report(&apply_id).expect("report");
    assert_eq!(report.recommendation_key, CHANGE_KEY);
    assert!(report.items.iter().all(|i| i.state == ItemState::Succeeded), "{:?}", report.items);
    let subscriptions = [PRODUCTION.to_owned(), DEVELOPMENT.to_owned()];
    let listed = app.list_exemptions("changes", &subscriptions, &desk_app::Unwatched).await.expect("lists");
    for (write, id) in newer.writes.iter().zip(&ids) {
        let now = listed.iter().find(|e| e.id.eq_ignore_ascii_case(id)).expect("still there");
        let planned = write.body["properties"]["expiresOn"].as_str().expect("an expiry");
        assert_eq!(now.expires_on.as_deref(), Some(planned));
    }

    let delete =
        app.prepare_change(ChangeRequest { exemption_ids: vec![ids[0].clone()], change: ExemptionChange::Delete }).await.expect("prepares");
    assert_eq!(delete.writes[0].method, WriteMethod::Delete);
    let apply_id = app.apply_plan(events.clone(), &delete.plan_id).await.expect("applies");
    until("the delete ends", || !app.is_running(&apply_id)).await;
    assert!(app.apply_report(&apply_id).expect("report").finished);
    let listed = app.list_exemptions("changes", &subscriptions, &desk_app::Unwatched).await.expect("lists");
    assert!(!listed.iter().any(|e| e.id.eq_ignore_ascii_case(&ids[0])), "deleted");
    assert!(listed.iter().any(|e| e.id.eq_ignore_ascii_case(&ids[1])), "the other stays");
    assert!(app.plans().len() == 1 && !draft_preview.blocked, "the creation preview is untouched");
}

/// The tenant's policy holds for changes too: where waivers need approval, a
/// waiver is not extended directly (a mitigated one is), an expiry past the
/// longest allowed blocks, and a blocked preview can never be sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiver_is_not_changed_directly_where_the_tenant_demands_approval() {
    let world = World::start().await;
    let dir = DataDir::new("change-policy");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let events = Arc::new(Recorder::default());
    app.sign_in(&*events, world.service_principal("ci")).await.expect("signs in");
    let mut waiver = draft(&[PRODUCTION], SECURE_TRANSFER, "waived");
    waiver.category = Some(ExemptionCategory::Waiver);
    let mut ids = Vec::new();
    for d in [waiver, draft(&[DEVELOPMENT], SECURE_TRANSFER, "mitigated")] {
        let created = app.prepare_exemption(d).await.expect("prepares");
        let apply_id = app.apply_plan(events.clone(), &created.plan_id).await.expect("applies");
        until("the creation ends", || !app.is_running(&apply_id)).await;
        ids.push(created.writes[0].path.clone());
    }
    let policy = TenantPolicy { approval: ApprovalRequirement::Waivers, max_expiry_days: Some(3650), ticket_required: false };
    app.save_tenant_settings(TenantSettings { request_table: None, policy }).await.expect("settings saved");
    let extend =
        |id: &String, days| ChangeRequest { exemption_ids: vec![id.clone()], change: ExemptionChange::ExtendBy(ExtendBy { days }) };
    let failed = |p: &desk_core::apply::Preparation, kind| p.checks.iter().any(|c| c.kind == kind && c.status == CheckStatus::Failed);

    let waived = app.prepare_change(extend(&ids[0], 30)).await.expect("prepares");
    assert!(waived.blocked && failed(&waived, CheckKind::Approval), "{:?}", waived.checks);
    assert!(app.apply_plan(events.clone(), &waived.plan_id).await.is_err(), "a blocked preview is never sent");
    let mitigated = app.prepare_change(extend(&ids[1], 30)).await.expect("prepares");
    assert!(!mitigated.blocked, "{:?}", mitigated.checks);
    // 2030-06-30 and 3,650 more days lie beyond ten years from today.
    let too_long = app.prepare_change(extend(&ids[1], 3650)).await.expect("prepares");
    assert!(too_long.blocked && failed(&too_long, CheckKind::MaxExpiry), "{:?}", too_long.checks);
    let delete =
        app.prepare_change(ChangeRequest { exemption_ids: vec![ids[0].clone()], change: ExemptionChange::Delete }).await.expect("prepares");
    assert!(!delete.blocked, "deleting a waiver takes no risk on: {:?}", delete.checks);
}
