//! An apply whose process is killed midway resumes from the journal and ends
//! with every planned exemption present exactly once.

mod common;

use std::time::{Duration, Instant};

use common::*;
use desk_core::apply::ItemState;
use desk_store::Store;
use serde_json::json;

// The simulator must keep serving while this test blocks on the journal and the worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_apply_resumes_with_every_exemption_present_exactly_once() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let base = plan(&tenant, &draft(&[PRODUCTION], SECURE_TRANSFER), &identity.account).await.expect("plans");
    let template = base.into_iter().find(|w| w.policy_assignment_id.ends_with("/SecurityCenterBuiltIn")).expect("benchmark write");
    let writes: Vec<_> = (0..60)
        .map(|i| {
            let mut w = template.clone();
            w.name = format!("resume-{i:02}");
            w.path = format!("{}/providers/Microsoft.Authorization/policyExemptions/{}", w.scope, w.name);
            w
        })
        .collect();
    reqwest::Client::new()
        .post(format!("{}/_sim/faults", world.sim.base_url()))
        .json(&json!({"rules": [{"pathPattern": "/subscriptions/**", "methods": ["PUT"], "latencyMs": {"fixed": 50}}]}))
        .send()
        .await
        .expect("faults");

    let dir = std::env::temp_dir().join(format!("desk-kill-resume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let journal_path = dir.join("journal.sqlite");
    let store = Store::open(&journal_path).expect("journal");
    store.record_apply("apply-1", SECURE_TRANSFER, &identity.account, &writes).expect("journalled before sending");

    let spawn = || world.spawn_apply_worker(&journal_path, "apply-1");
    let mut first = spawn();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let done = store.apply_report("apply-1").expect("reads").items.iter().filter(|i| i.state == ItemState::Succeeded).count();
        if done >= 10 {
            break;
        }
        assert!(Instant::now() < deadline, "the worker made no progress");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first.kill().expect("killed");
    first.wait().expect("reaped");
    let cut = store.apply_report("apply-1").expect("reads");
    let unfinished = cut.items.iter().filter(|i| !i.state.is_final()).count();
    assert!(unfinished > 0, "killed midway");
    assert!(!store.unfinished_applies(&identity.account).expect("reads").is_empty(), "the next start sees it");

    let status = spawn().wait().expect("resumed worker ends");
    assert!(status.success());
    let report = store.apply_report("apply-1").expect("reads");
    assert!(report.items.iter().all(|i| i.state == ItemState::Succeeded), "{:?}", report.items.iter().map(|i| i.state).collect::<Vec<_>>());

    reqwest::Client::new().delete(format!("{}/_sim/faults", world.sim.base_url())).send().await.expect("faults off");
    let mut names: Vec<String> = tenant
        .exemptions(&[PRODUCTION.to_owned()])
        .await
        .expect("lists")
        .into_iter()
        .filter(|e| e.name.starts_with("resume-"))
        .map(|e| e.name)
        .collect();
    names.sort();
    let expected: Vec<String> = (0..60).map(|i| format!("resume-{i:02}")).collect();
    assert_eq!(names, expected, "every planned exemption, once");
    let puts = world.puts().await;
    let resent = puts.len() - 60;
    assert!(resent <= 2, "only the writes in flight at the kill are sent twice (PUT is idempotent): {resent}");
    let _ = std::fs::remove_dir_all(&dir);
}
