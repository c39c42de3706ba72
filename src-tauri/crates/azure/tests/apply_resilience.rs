//! The apply engine under Azure's throttle and injected faults: every write
//! ends up present exactly once, 429s are waited out, nothing is retried that
//! should not be, and cancel stops cleanly.

mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::*;
use desk_azure::{apply_writes, ApplyObserver, ApplyOptions, Cancel};
use desk_core::apply::ItemState;
use desk_core::plan::PlannedWrite;
use serde_json::{json, Value};

/// `n` distinct exemptions at Production, each a copy of a real planned write.
async fn writes(world: &World, n: usize) -> (desk_azure::Tenant, Vec<PlannedWrite>) {
    let (tenant, identity) = world.as_service_principal().await;
    let base = plan(&tenant, &draft(&[PRODUCTION], SECURE_TRANSFER), &identity.account).await.expect("plans");
    let template = base.into_iter().find(|w| w.policy_assignment_id.ends_with("/SecurityCenterBuiltIn")).expect("benchmark write");
    let all = (0..n)
        .map(|i| {
            let mut w = template.clone();
            w.name = format!("bulk-{i:03}");
            w.path = format!("{}/providers/Microsoft.Authorization/policyExemptions/{}", w.scope, w.name);
            w
        })
        .collect();
    (tenant, all)
}

async fn set_faults(world: &World, config: Value) {
    world.control("/_sim/faults", config).await;
}

async fn names_at_production(world: &World) -> Vec<String> {
    let (tenant, _) = world.as_service_principal().await;
    let mut names: Vec<String> = tenant
        .exemptions(&[PRODUCTION.to_owned()])
        .await
        .expect("lists")
        .into_iter()
        .filter(|e| e.name.starts_with("bulk-"))
        .map(|e| e.name)
        .collect();
    names.sort();
    names
}

/// Keeps every state change with when it happened.
#[derive(Default)]
struct Timeline(Mutex<Vec<Change>>);

/// One state change: the item, its new state, when, and the message.
type Change = (u32, ItemState, Instant, Option<String>);

impl ApplyObserver for Timeline {
    fn changed(&self, index: u32, state: ItemState, _attempts: u32, message: Option<&str>) -> Result<(), String> {
        self.0.lock().map_err(|e| e.to_string())?.push((index, state, Instant::now(), message.map(str::to_owned)));
        Ok(())
    }
}

fn fast_retries() -> ApplyOptions {
    ApplyOptions {
        backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        max_attempts: 12,
        ..ApplyOptions::default()
    }
}

#[tokio::test]
async fn server_errors_and_dropped_connections_are_retried_until_every_write_lands_once() {
    let world = World::start().await;
    let (tenant, all) = writes(&world, 40).await;
    set_faults(
        &world,
        json!({"seed": 7, "rules": [{
            "pathPattern": "/subscriptions/*/providers/Microsoft.Authorization/policyExemptions/*",
            "methods": ["PUT"], "latencyMs": {"uniformMin": 2, "uniformMax": 15},
            "errorRate": 0.25, "errorStatus": 503, "dropRate": 0.1
        }]}),
    )
    .await;
    let timeline = Timeline::default();
    let items = all.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    let outcomes = apply_writes(tenant.arm(), items, &fast_retries(), &timeline, &Cancel::default()).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");

    let requests = world.requests().await;
    let puts: Vec<&Value> = requests.iter().filter(|r| r["method"] == "PUT").collect();
    assert!(puts.iter().any(|r| r["status"] == 503), "faults were injected");
    assert!(puts.iter().any(|r| r["dropped"] == true), "connections were dropped");
    assert!(puts.iter().all(|r| r["schemaErrors"].as_array().is_none_or(|e| e.is_empty())), "bodies match the OpenAPI");
    let expected: Vec<String> = (0..40).map(|i| format!("bulk-{i:03}")).collect();
    set_faults(&world, json!({"rules": []})).await;
    assert_eq!(names_at_production(&world).await, expected, "each exemption exactly once");
    let retried = timeline.0.lock().expect("log").iter().filter(|(_, s, _, _)| *s == ItemState::Retrying).count();
    assert!(retried > 0);
}

#[tokio::test]
async fn throttled_writes_wait_for_retry_after_and_then_pace_themselves() {
    let world = World::start().await;
    let (tenant, all) = writes(&world, 30).await;
    set_faults(&world, json!({"throttle": {"enabled": true, "writes": {"capacity": 10, "refillPerSecond": 10}}})).await;
    let timeline = Timeline::default();
    let started = Instant::now();
    let items = all.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    let outcomes = apply_writes(tenant.arm(), items, &fast_retries(), &timeline, &Cancel::default()).await;
    let took = started.elapsed();
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
    assert!(took >= Duration::from_millis(1_800), "20 writes beyond a budget of 10 at 10/s need ~2 s, took {took:?}");

    let log: Vec<Change> = timeline.0.lock().expect("log").clone();
    for (index, state, at, message) in log.iter() {
        if *state != ItemState::Retrying || !message.as_deref().unwrap_or_default().contains("SubscriptionRequestsThrottled") {
            continue;
        }
        let next = log.iter().find(|(i, s, t, _)| i == index && *s == ItemState::Sending && t > at).expect("sent again");
        assert!(next.2.duration_since(*at) >= Duration::from_millis(990), "Retry-After honoured for item {index}");
    }
    let throttled = world.requests().await.iter().filter(|r| r["status"] == 429).count();
    assert!(throttled <= 10, "pacing keeps 429s rare once ARM reports its budget: {throttled}");
}

#[tokio::test]
async fn a_refused_write_fails_at_once_and_cancel_stops_the_rest() {
    let world = World::start().await;
    let (tenant, mut all) = writes(&world, 30).await;
    all[0].body["properties"]["exemptionCategory"] = json!("Forgiven");
    set_faults(&world, json!({"rules": [{"pathPattern": "/subscriptions/**", "methods": ["PUT"], "latencyMs": {"fixed": 60}}]})).await;
    let cancel = Cancel::default();
    let timeline = Timeline::default();
    let options = ApplyOptions { concurrency_per_subscription: 2, ..fast_retries() };
    let items = all.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    let stopper = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            cancel.cancel();
        })
    };
    let outcomes = apply_writes(tenant.arm(), items, &options, &timeline, &cancel).await;
    stopper.await.expect("stopper");
    assert_eq!(outcomes[0].1, ItemState::Failed);
    let sends_of_first = timeline.0.lock().expect("log").iter().filter(|(i, s, _, _)| *i == 0 && *s == ItemState::Sending).count();
    assert_eq!(sends_of_first, 1, "a 400 is never retried");
    let cancelled = outcomes.iter().filter(|(_, s)| *s == ItemState::Cancelled).count();
    let succeeded = outcomes.iter().filter(|(_, s)| *s == ItemState::Succeeded).count();
    assert!(cancelled > 0 && succeeded > 0, "some sent before the cancel, the rest cancelled: {outcomes:?}");
    assert_eq!(cancelled + succeeded + 1, 30);
    set_faults(&world, json!({"rules": []})).await;
    assert_eq!(names_at_production(&world).await.len(), succeeded, "nothing sent after the cancel");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_expiring_mid_apply_is_renewed_and_no_write_is_lost() {
    let world = World::start().await;
    let client = reqwest::Client::new();
    let base = world.sim.base_url();
    client.post(format!("{base}/_sim/tokens")).json(&json!({"lifetimeSeconds": 60})).send().await.expect("lifetime");
    let (tenant, all) = writes(&world, 30).await;
    set_faults(&world, json!({"rules": [{"pathPattern": "/subscriptions/**", "methods": ["PUT"], "latencyMs": {"fixed": 40}}]})).await;
    let clock = {
        let client = client.clone();
        let base = base.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(250)).await;
            client.post(format!("{base}/_sim/clock")).json(&json!({"advanceSeconds": 120})).send().await.expect("clock");
        })
    };
    let options = ApplyOptions { concurrency_per_subscription: 2, ..fast_retries() };
    let items = all.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    let outcomes = apply_writes(tenant.arm(), items, &options, &Timeline::default(), &Cancel::default()).await;
    clock.await.expect("clock moved");
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
    let requests = world.requests().await;
    assert!(requests.iter().any(|r| r["status"] == 401 && r["method"] == "PUT"), "the clock jump expired the token during the apply");
    let grants = requests.iter().filter(|r| r["path"].as_str().unwrap_or("").ends_with("/oauth2/v2.0/token")).count();
    assert!(grants >= 2, "a new token was fetched: {grants} token requests");
    set_faults(&world, json!({"rules": []})).await;
    assert_eq!(names_at_production(&world).await.len(), 30, "every write landed once");
}
