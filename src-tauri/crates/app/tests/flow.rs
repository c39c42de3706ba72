//! Whole flows through the application layer, with no window, against the
//! simulator: sign in, list, prepare, apply, kill, resume.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::*;
use desk_app::{AppError, Gone, Unwatched};
use desk_core::apply::ItemState;
use desk_core::session::SessionMode;
use serde_json::json;

// The simulator keeps serving on the test's runtime while the first app runs
// (and is killed) on a runtime of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_prepare_apply_kill_and_resume_leave_every_exemption_exactly_once() {
    let world = World::start().await;
    let dir = DataDir::new("kill-resume");
    let keyring = Arc::new(MemorySecrets::default());

    // The first run: sign in, find the recommendation, preview, confirm.
    let first_runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let first = Arc::new(desk(&dir, keyring.clone()));
    let events = Arc::new(Recorder::default());
    let request = world.service_principal("ci");
    let (app, window) = (first.clone(), events.clone());
    let subscriptions = [PRODUCTION, DEVELOPMENT];
    // Every PUT waits, so the apply is still in flight when the app is killed.
    world
        .control("/_sim/faults", json!({"rules": [{"pathPattern": "/subscriptions/**", "methods": ["PUT"], "latencyMs": {"fixed": 300}}]}))
        .await;
    let (apply_id, writes) = first_runtime
        .spawn(async move {
            let session = app.sign_in(&*window, request).await.expect("signs in");
            assert_eq!(session.mode, SessionMode::Profile);
            let listed = app.list_subscriptions().await.expect("subscriptions");
            let ids: Vec<String> = subscriptions.iter().map(|s| s.to_string()).collect();
            assert!(ids.iter().all(|id| listed.iter().any(|s| &s.id == id)), "the seeded subscriptions are listed");
            let recommendations =
                app.list_recommendations("flow-recommendations", &ids, &desk_app::Unwatched).await.expect("recommendations");
            assert!(recommendations.iter().any(|r| r.key == SECURE_TRANSFER), "the recommendation is listed");
            let preparation = app.prepare_exemption(draft(&subscriptions, SECURE_TRANSFER, "flow-kill")).await.expect("prepares");
            assert!(!preparation.blocked, "{:?}", preparation.checks);
            assert_eq!(app.plans().len(), 1);
            let apply_id = app.apply_plan(window, &preparation.plan_id).await.expect("starts");
            assert!(app.plans().is_empty(), "an applied plan leaves the registry");
            (apply_id, preparation.writes)
        })
        .await
        .expect("first run");
    assert!(writes.len() >= 2, "one write per subscription at least: {}", writes.len());

    // Kill the first app while writes are in flight: its runtime stops mid-await.
    let journal = journal(&dir);
    let in_flight = || journal.apply_report(&apply_id).expect("reads").items.iter().any(|i| i.state == ItemState::Sending);
    until("a write is in flight", in_flight).await;
    first_runtime.shutdown_background();
    drop(first);
    let cut = journal.apply_report(&apply_id).expect("reads");
    assert!(cut.items.iter().any(|i| !i.state.is_final()), "killed midway: {:?}", cut.items.iter().map(|i| i.state).collect::<Vec<_>>());

    // The next start: a new app on the same data folder and keyring.
    world.faults_off().await;
    let second = desk(&dir, keyring.clone());
    assert_eq!(second.list_profiles().expect("profiles").iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["ci"]);
    second.use_profile("ci".into()).await.expect("the kept secret signs in again");
    let unfinished = second.unfinished_applies().await.expect("unfinished");
    assert_eq!(unfinished.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [apply_id.as_str()], "offered for resuming");
    let events = Arc::new(Recorder::default());
    second.resume_apply(events.clone(), apply_id.clone()).await.expect("resumes");
    until("the resumed apply ends", || !second.is_running(&apply_id)).await;
    let report = second.apply_report(&apply_id).expect("report");
    assert!(report.items.iter().all(|i| i.state == ItemState::Succeeded), "{:?}", report.items.iter().map(|i| i.state).collect::<Vec<_>>());
    assert!(second.unfinished_applies().await.expect("unfinished").is_empty());
    assert!(
        events.progress.lock().expect("events").iter().any(|p| p.state == ItemState::Succeeded),
        "the window hears of the resumed writes"
    );

    // Every planned exemption exists, once, and nothing else by that name.
    let planned: BTreeSet<String> = writes.iter().map(|w| w.path.to_lowercase()).collect();
    let ids: Vec<String> = subscriptions.iter().map(|s| s.to_string()).collect();
    let present: Vec<String> = second
        .list_exemptions("flow-exemptions", &ids, &Unwatched)
        .await
        .expect("exemptions")
        .into_iter()
        .filter(|e| e.name.starts_with("flow-kill"))
        .map(|e| e.id.to_lowercase())
        .collect();
    assert_eq!(present.len(), planned.len(), "{present:?}");
    assert_eq!(present.into_iter().collect::<BTreeSet<_>>(), planned);
    // PUT is idempotent: only the writes in flight at the kill were sent twice.
    let puts = world.puts().await;
    for path in &planned {
        let sent = puts.iter().filter(|p| p["path"].as_str().is_some_and(|s| s.to_lowercase() == *path)).count();
        assert!((1..=2).contains(&sent), "{path} sent {sent} times");
    }

    // Effect tracking: pending until Defender catches up, then complete.
    let before = second.effect_status(&apply_id).await.expect("effect");
    assert!(!before.complete, "{before:?}");
    world.control("/_sim/clock", json!({"advanceSeconds": 3600})).await;
    let after = second.effect_status(&apply_id).await.expect("effect");
    assert!(after.complete && after.items.iter().all(|i| i.pending == 0), "{after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_current_preview_of_a_draft_can_be_applied_and_only_once() {
    let world = World::start().await;
    let dir = DataDir::new("plans");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let events = Arc::new(Recorder::default());
    app.sign_in(&*events, world.service_principal("ci")).await.expect("signs in");

    let older = app.prepare_exemption(draft(&[PRODUCTION], SECURE_TRANSFER, "first-name")).await.expect("prepares");
    let newer = app.prepare_exemption(draft(&[PRODUCTION], SECURE_TRANSFER, "second-name")).await.expect("prepares");
    assert_eq!(app.plans().len(), 1, "the newer preview replaced the older");
    let code = |e: AppError| (e.code().as_str().to_owned(), e.to_string());
    let superseded = app.apply_plan(events.clone(), &older.plan_id).await.map_err(code).expect_err("superseded");
    assert_eq!(superseded, ("not_found".to_owned(), Gone::Superseded.message().to_owned()));
    let unknown = app.apply_plan(events.clone(), "no-such-plan").await.map_err(code).expect_err("unknown");
    assert_eq!(unknown.1, Gone::Unknown.message());

    let apply_id = app.apply_plan(events.clone(), &newer.plan_id).await.expect("applies");
    let again = app.apply_plan(events.clone(), &newer.plan_id).await.map_err(code).expect_err("applied once");
    assert_eq!(again.1, Gone::Applied.message());
    until("the apply ends", || !app.is_running(&apply_id)).await;
    let report = app.apply_report(&apply_id).expect("report");
    assert!(report.items.iter().all(|i| i.state == ItemState::Succeeded));
    let names: Vec<String> = world.puts().await.iter().filter_map(|p| p["path"].as_str().map(str::to_owned)).collect();
    assert!(names.iter().all(|p| p.contains("second-name")), "only the confirmed plan's writes were sent: {names:?}");
    assert_eq!(names.len(), newer.writes.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_code_reaches_the_window_and_the_demo_is_a_simulated_tenant() {
    let world = World::start().await;
    let dir = DataDir::new("device-code");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    world.control("/_sim/settings", json!({"deviceCodeAutoApproveAfterPolls": 1})).await;
    let events = Recorder::default();
    let session = app.sign_in(&events, world.device_code("me")).await.expect("signs in");
    assert_eq!(session.profile_name.as_deref(), Some("me"));
    let codes = events.codes.lock().expect("events").clone();
    assert_eq!(codes.len(), 1, "the window was shown one code");
    assert!(!codes[0].user_code.is_empty());
    assert!(app.open_device_code_page().is_err(), "no page to open once the sign-in ended");

    let demo = app.open_demo().await.expect("the demo starts");
    assert_eq!(demo.mode, SessionMode::Demo);
    assert!(!app.list_subscriptions().await.expect("the demo lists").is_empty());
}
