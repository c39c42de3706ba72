//! A bulk delete whose process is killed midway resumes from the journal:
//! every exemption ends deleted, each item Succeeded (those deleted just
//! before the kill are found gone on the re-read and noted), none failed.

mod common;

use std::time::{Duration, Instant};

use common::*;
use desk_core::apply::ItemState;
use desk_core::change::{ChangeRequest, ExemptionChange};
use desk_core::checks::blocks;
use desk_store::Store;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_bulk_delete_resumes_and_deletes_every_one() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let base = plan(&tenant, &draft(&[PRODUCTION], SECURE_TRANSFER), &identity.account).await.expect("plans");
    let template = base.into_iter().find(|w| w.policy_assignment_id.ends_with("/SecurityCenterBuiltIn")).expect("benchmark write");
    let seeds: Vec<_> = (0..40)
        .map(|i| {
            let mut w = template.clone();
            w.name = format!("bulk-{i:02}");
            w.path = format!("{}/providers/Microsoft.Authorization/policyExemptions/{}", w.scope, w.name);
            w
        })
        .collect();
    let (seeded, _) = apply(&tenant, &seeds).await;
    assert!(seeded.iter().all(|(_, s)| *s == ItemState::Succeeded));
    let ids: Vec<String> = seeds.iter().map(|w| w.path.clone()).collect();
    let prepared = tenant.prepare_change(&ChangeRequest { exemption_ids: ids, change: ExemptionChange::Delete }).await.expect("prepares");
    assert!(!blocks(&prepared.checks) && prepared.writes.len() == 40);

    world
        .control(
            "/_sim/faults",
            json!({"rules": [{"pathPattern": "/subscriptions/**", "methods": ["DELETE"], "latencyMs": {"fixed": 50}}]}),
        )
        .await;
    let dir = std::env::temp_dir().join(format!("desk-kill-resume-change-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let journal_path = dir.join("journal.sqlite");
    let store = Store::open(&journal_path).expect("journal");
    store.record_apply("delete-1", desk_core::change::CHANGE_KEY, &identity.account, &prepared.writes).expect("journalled");

    let spawn = || world.spawn_apply_worker(&journal_path, "delete-1");
    let mut first = spawn();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let items = store.apply_report("delete-1").expect("reads").items;
        if items.iter().filter(|i| i.state == ItemState::Succeeded).count() >= 8 {
            break;
        }
        let states: Vec<_> = items.iter().map(|i| (i.state, i.message.clone())).take(3).collect();
        assert!(Instant::now() < deadline, "the worker made no progress: {states:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first.kill().expect("killed");
    first.wait().expect("reaped");
    let cut = store.apply_report("delete-1").expect("reads");
    assert!(cut.items.iter().any(|i| !i.state.is_final()), "killed midway");
    assert!(!store.unfinished_applies(&identity.account).expect("reads").is_empty(), "the next start sees it");

    assert!(spawn().wait().expect("resumed worker ends").success());
    let report = store.apply_report("delete-1").expect("reads");
    let states: Vec<ItemState> = report.items.iter().map(|i| i.state).collect();
    assert!(states.iter().all(|s| *s == ItemState::Succeeded), "{states:?}");
    world.control("/_sim/faults", json!({"rules": []})).await;
    let left =
        tenant.exemptions(&[PRODUCTION.to_owned()]).await.expect("lists").into_iter().filter(|e| e.name.starts_with("bulk-")).count();
    assert_eq!(left, 0, "every one deleted");
    let deletes = world.requests().await.into_iter().filter(|r| r["method"] == "DELETE").count();
    assert!((40..=42).contains(&deletes), "each deleted once, at most the ones in flight at the kill twice: {deletes}");
    let _ = std::fs::remove_dir_all(&dir);
}
