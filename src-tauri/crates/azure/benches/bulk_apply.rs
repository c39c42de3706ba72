//! Bulk apply benchmark: 1,000 selected-resource exemptions over 4
//! subscriptions against the simulator with ARM's real write throttle (200,
//! refilled at 10/s, per subscription) and 100 ms of latency per write.
//!
//! `cargo bench -p exemption-desk-azure --bench bulk_apply [-- --quick]`
//! prints the wall time against the throttle-bound minimum and against
//! sending the same writes one by one (`--quick` times 100 of those and
//! scales up).

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use azure_sim::Simulator;
use desk_azure::{apply_writes, ApplyOptions, Cancel, Tenant};
use desk_core::apply::{ApplyObserver, ItemState};
use desk_core::exemption::{ExemptionCategory, ExemptionDraft};
use desk_core::plan::{PlannedWrite, Requester};
use desk_core::resource::ResourceStatus;

use desk_core::scope::ScopeChoice;
use serde_json::{json, Value};

const SUBSCRIPTIONS: usize = 4;
const PER_SUBSCRIPTION: usize = 250;
const LATENCY_MS: u64 = 100;
const BURST: f64 = 200.0;
const REFILL: f64 = 10.0;

struct Quiet;
impl ApplyObserver for Quiet {
    fn changed(&self, _: u32, _: ItemState, _: u32, _: Option<&str>) -> Result<(), String> {
        Ok(())
    }
}

/// 250 resource-scope writes in each of 4 subscriptions, planned by the app's
/// own prepare step, recommendation by recommendation (a resource assessed by
/// two recommendations gets two exemptions, named per recommendation).
async fn plan_thousand(tenant: &Tenant) -> Vec<PlannedWrite> {
    let subs: Vec<String> = tenant.subscriptions().await.expect("subs").into_iter().take(SUBSCRIPTIONS).map(|s| s.id).collect();
    let recommendations = tenant.recommendations(&subs).await.expect("recommendations");
    let mut per_sub: BTreeMap<String, Vec<PlannedWrite>> = BTreeMap::new();
    let mut taken = std::collections::HashSet::new();
    for rec in recommendations.iter().filter(|r| r.not_exemptible_reason.is_none()) {
        let resources = tenant.recommendation_resources(&rec.key, &subs).await.expect("resources");
        let ids: Vec<String> = resources
            .into_iter()
            .filter(|r| r.status != ResourceStatus::NotApplicable && r.resource_type != "Microsoft.Resources/subscriptions")
            .filter(|r| {
                per_sub.get(&r.subscription_id).map_or(0, Vec::len) < PER_SUBSCRIPTION
                    && taken.insert((r.id.to_lowercase(), rec.key.clone()))
            })
            .map(|r| r.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let draft = ExemptionDraft {
            recommendation_key: rec.key.clone(),
            scope: ScopeChoice::Resources { ids },
            name: format!("bench-{}", &rec.key[..8]),
            category: Some(ExemptionCategory::Waiver),
            description: "benchmark".into(),
            ..Default::default()
        };
        let requester = Requester { account: "bench", object_id: "bench", app_version: "bench" };
        let writes = tenant.prepare(&draft, &requester).await.expect("prepares").writes.expect("plans");
        for w in writes.into_iter().filter(|w| w.policy_assignment_id.ends_with("/SecurityCenterBuiltIn")) {
            let sub = desk_core::scope::subscription_of(&w.scope).expect("sub");
            let list = per_sub.entry(sub).or_default();
            if list.len() < PER_SUBSCRIPTION {
                list.push(w);
            }
        }
        if per_sub.values().map(Vec::len).sum::<usize>() >= SUBSCRIPTIONS * PER_SUBSCRIPTION {
            break;
        }
    }
    per_sub.into_values().flatten().collect()
}

/// Applies all at once (`one_by_one` false) or each write after the last.
async fn timed_apply(sim: &Simulator, writes: &[PlannedWrite], one_by_one: bool) -> (Duration, usize, usize) {
    let tenant = common::connect(sim).await;
    let options = ApplyOptions::default();
    let items: Vec<(u32, PlannedWrite)> = writes.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    let started = Instant::now();
    let outcomes = if one_by_one {
        let mut all = Vec::new();
        for item in items {
            all.extend(apply_writes(tenant.arm(), vec![item], &options, &Quiet, &Cancel::default()).await);
        }
        all
    } else {
        apply_writes(tenant.arm(), items, &options, &Quiet, &Cancel::default()).await
    };
    let took = started.elapsed();
    let ok = outcomes.iter().filter(|(_, s)| *s == ItemState::Succeeded).count();
    let requests: Vec<Value> = reqwest::get(format!("{}/_sim/requests", sim.base_url())).await.expect("log").json().await.expect("json");
    let throttled = requests.iter().filter(|r| r["method"] == "PUT" && r["status"] == 429).count();
    (took, ok, throttled)
}

async fn fresh(sim: &Simulator) {
    let client = reqwest::Client::new();
    client.post(format!("{}/_sim/reset", sim.base_url())).send().await.expect("reset");
    let faults =
        json!({"rules": [{"pathPattern": "/subscriptions/**/policyExemptions/*", "methods": ["PUT"], "latencyMs": {"fixed": LATENCY_MS}}]});
    client.post(format!("{}/_sim/faults", sim.base_url())).json(&faults).send().await.expect("faults");
    // Let the write buckets fill up again after planning.
    tokio::time::sleep(Duration::from_secs(2)).await;
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let sim =
        Simulator::start(&format!("scale:{SUBSCRIPTIONS}x{PER_SUBSCRIPTION}"), "127.0.0.1:0".parse().expect("addr")).await.expect("sim");
    let writes = plan_thousand(&common::connect(&sim).await).await;
    let n = writes.len();
    let per_sub = n as f64 / SUBSCRIPTIONS as f64;
    let bound = ((per_sub - BURST).max(0.0) / REFILL) + LATENCY_MS as f64 / 1000.0;

    fresh(&sim).await;
    let (took, ok, throttled) = timed_apply(&sim, &writes, false).await;
    fresh(&sim).await;
    let sample = if quick { 100.min(n) } else { n };
    let (one_took, one_ok, _) = timed_apply(&sim, &writes[..sample], true).await;
    let one_by_one = one_took.as_secs_f64() * n as f64 / sample as f64;

    println!("bulk apply: {n} writes over {SUBSCRIPTIONS} subscriptions, {LATENCY_MS} ms latency, throttle {BURST} + {REFILL}/s");
    println!("  throttle-bound minimum   {bound:>7.2} s");
    println!(
        "  Exemption Desk           {:>7.2} s  ({:.3}x the minimum; {ok} ok, {throttled} answered 429)",
        took.as_secs_f64(),
        took.as_secs_f64() / bound
    );
    println!(
        "  one by one               {one_by_one:>7.2} s  ({}; {one_ok} ok)",
        if quick { format!("{sample} timed, scaled to {n}") } else { "all timed".to_owned() }
    );
    sim.shutdown().await;
}
