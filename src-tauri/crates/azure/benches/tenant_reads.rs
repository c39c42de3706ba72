//! Tenant reads benchmark: the simulator's `scale:200x250` tenant (200
//! subscriptions, 50,000 resources) with 100 ms of latency on every ARM and
//! Resource Graph call, read three ways in the same run: one call after
//! another (the old reads, `ReadOptions::SEQUENTIAL`), concurrent ARM reads,
//! and Resource Graph. Exemptions are read in `scale:200x250x10000`.
//!
//! `cargo bench -p exemption-desk-azure --bench tenant_reads [-- --quick]`
//! (`--quick` times the sequential reads over 20 subscriptions and scales
//! them up to 200; the full baseline takes several minutes).
//! `TENANT_READS_SEEDS=scale:10x20,scale:10x20x500` runs other seeds (a smoke run).

mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use azure_sim::Simulator;
use desk_azure::{Cancel, ReadOptions, Rows, Tenant, Watch};
use desk_core::exemption::{ExemptionCategory, ExemptionDraft};
use desk_core::plan::Requester;
use desk_core::recommendation::RecommendationsSoFar;
use desk_core::resource::ResourceStatus;
use desk_core::scope::ScopeChoice;
use serde_json::{json, Value};

const LATENCY_MS: u64 = 100;
const SEED: &str = "scale:200x250";
const EXEMPTIONS_SEED: &str = "scale:200x250x10000";

async fn start(seed: &str) -> Simulator {
    let sim = Simulator::start(seed, "127.0.0.1:0".parse().expect("addr")).await.unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    let rules: Vec<Value> = ["/subscriptions/**", "/providers/**"]
        .iter()
        .map(|p| json!({"pathPattern": p, "methods": ["GET", "POST"], "latencyMs": {"fixed": LATENCY_MS}}))
        .collect();
    let answer =
        reqwest::Client::new().post(format!("{}/_sim/faults", sim.base_url())).json(&json!({"rules": rules})).send().await.expect("faults");
    assert!(answer.status().is_success(), "latency rule refused: {}", answer.status());
    sim
}

/// A tenant on `sim` that reads as `options` says.
async fn connect(sim: &Simulator, options: ReadOptions) -> Tenant {
    common::connect(sim).await.with_read_options(options)
}

/// When the first batch arrived.
struct First(Mutex<Option<Instant>>);
impl<T> Rows<T> for First {
    fn arrived(&self, rows: &[T]) {
        if !rows.is_empty() {
            let mut first = self.0.lock().expect("lock");
            first.get_or_insert_with(Instant::now);
        }
    }
}

/// When the first part of the recommendations arrived, and when each did (printed).
struct Parts(First, Instant);
impl Rows<RecommendationsSoFar> for Parts {
    fn arrived(&self, parts: &[RecommendationsSoFar]) {
        self.0.arrived(parts);
        for p in parts {
            eprintln!("      {:>5.2} s: {} of {} subscriptions counted", self.1.elapsed().as_secs_f64(), p.counted, p.subscriptions);
        }
    }
}

/// (first rows, all) in seconds.
type Timing = (f64, f64);

fn since(start: Instant, at: Option<Instant>, all: Duration) -> Timing {
    (at.map_or(all, |a| a.duration_since(start)).as_secs_f64(), all.as_secs_f64())
}

fn draft(key: &str, scope: ScopeChoice) -> ExemptionDraft {
    ExemptionDraft {
        recommendation_key: key.to_owned(),
        scope,
        name: "bench-reads".into(),
        category: Some(ExemptionCategory::Waiver),
        description: "benchmark".into(),
        ..Default::default()
    }
}

const REQUESTER: Requester<'static> = Requester { account: "bench", object_id: "bench", app_version: "bench" };

/// Every timed read of one way of reading, over `subs`.
async fn timings(sim: &Simulator, options: ReadOptions, subs: &[String], widest: &str) -> Vec<(&'static str, Timing)> {
    let tenant = connect(sim, options).await;
    let mut out = Vec::new();

    let started = Instant::now();
    let parts = Parts(First(Mutex::new(None)), started);
    let recommendations =
        tenant.recommendations_watched(subs, Watch { rows: &parts, cancel: &Cancel::default() }).await.expect("recommendations");
    let took = started.elapsed();
    eprintln!("      {:>5.2} s: the whole list", took.as_secs_f64());
    let at = *parts.0 .0.lock().expect("lock");
    out.push(("recommendations", since(started, at, took)));

    assert!(recommendations.iter().any(|r| r.key == widest), "{widest} is listed");
    let first = First(Mutex::new(None));
    let started = Instant::now();
    let resources =
        tenant.recommendation_resources_watched(widest, subs, Watch { rows: &first, cancel: &Cancel::default() }).await.expect("resources");
    let took = started.elapsed();
    let at = *first.0.lock().expect("lock");
    out.push(("one recommendation's resources", since(started, at, took)));
    eprintln!("    ({:?}: {} resources of {})", options, resources.len(), widest);

    let started = Instant::now();
    let prepared = tenant.prepare(&draft(widest, ScopeChoice::Subscriptions { ids: subs.to_vec() }), &REQUESTER).await.expect("prepares");
    out.push(("prepare over the subscriptions", since(started, None, started.elapsed())));
    drop(prepared);

    let ids: Vec<String> = resources
        .iter()
        .filter(|r| r.status != ResourceStatus::NotApplicable && r.resource_type != "Microsoft.Resources/subscriptions")
        .take(1000 * subs.len() / 200)
        .map(|r| r.id.clone())
        .collect();
    let started = Instant::now();
    tenant.prepare(&draft(widest, ScopeChoice::Resources { ids }), &REQUESTER).await.expect("prepares");
    out.push(("prepare over 1,000 selected resources", since(started, None, started.elapsed())));
    out
}

async fn exemption_timing(sim: &Simulator, options: ReadOptions, subs: &[String]) -> (&'static str, Timing) {
    let tenant = connect(sim, options).await;
    let first = First(Mutex::new(None));
    let started = Instant::now();
    let found = tenant.exemptions_watched(subs, Watch { rows: &first, cancel: &Cancel::default() }).await.expect("exemptions");
    let took = started.elapsed();
    eprintln!("    ({options:?}: {} exemptions)", found.len());
    let at = *first.0.lock().expect("lock");
    ("exemptions across every level", since(started, at, took))
}

fn print(rows: &[(&str, Timing, Timing, Timing)], scaled: bool) {
    println!(
        "  {:<40} {:>17} {:>17} {:>17} {:>8} {:>8}",
        if scaled { "read (baseline: 20 subs x10)" } else { "read" },
        "sequential",
        "concurrent ARM",
        "Resource Graph",
        "x (ARM)",
        "x (ARG)"
    );
    for (name, base, arm, graph) in rows {
        let cell = |(first, all): Timing| format!("{first:>6.2} / {all:>7.2} s");
        println!("  {name:<40} {} {} {} {:>7.1}x {:>7.1}x", cell(*base), cell(*arm), cell(*graph), base.1 / arm.1, base.1 / graph.1);
    }
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let base_count = if quick { 20 } else { usize::MAX };
    let concurrent = ReadOptions { resource_graph: false, concurrency: desk_azure::DEFAULT_CONCURRENCY };
    let graph = ReadOptions { resource_graph: true, concurrency: desk_azure::DEFAULT_CONCURRENCY };
    let seeds = std::env::var("TENANT_READS_SEEDS").unwrap_or_else(|_| format!("{SEED},{EXEMPTIONS_SEED}"));
    let (seed, exemptions_seed) = seeds.split_once(',').unwrap_or((SEED, EXEMPTIONS_SEED));
    println!("tenant reads: {seed}, {LATENCY_MS} ms latency per call; times are first rows / all");

    let sim = start(seed).await;
    let subs: Vec<String> = connect(&sim, graph).await.subscriptions().await.expect("subs").into_iter().map(|s| s.id).collect();
    let base_subs: Vec<String> = subs.iter().take(base_count).cloned().collect();
    // The same recommendation every way: the exemptible one with most unhealthy resources in the tenant.
    let all = connect(&sim, concurrent).await.recommendations(&subs).await.expect("recommendations");
    let mut exemptible: Vec<_> = all.iter().filter(|r| r.not_exemptible_reason.is_none()).collect();
    exemptible.sort_by(|a, b| b.unhealthy_count.cmp(&a.unhealthy_count).then(a.key.cmp(&b.key)));
    let widest = exemptible.first().expect("an exemptible recommendation").key.clone();
    let scale = subs.len() as f64 / base_subs.len() as f64;
    let scaled = |t: Vec<(&'static str, Timing)>| t.into_iter().map(|(n, (f, a))| (n, (f, a * scale))).collect::<Vec<_>>();
    eprintln!("  timing the sequential reads over {} subscriptions", base_subs.len());
    let base = scaled(timings(&sim, ReadOptions::SEQUENTIAL, &base_subs, &widest).await);
    eprintln!("  timing concurrent ARM reads");
    let arm = timings(&sim, concurrent, &subs, &widest).await;
    eprintln!("  timing Resource Graph");
    let arg = timings(&sim, graph, &subs, &widest).await;
    let one_query = one_summarize(&sim, &subs).await;
    let mut rows: Vec<(&str, Timing, Timing, Timing)> =
        base.iter().zip(&arm).zip(&arg).map(|(((name, b), (_, a)), (_, g))| (*name, *b, *a, *g)).collect();
    sim.shutdown().await;

    println!("  exemptions in {exemptions_seed}");
    {
        let sim = start(exemptions_seed).await;
        let subs: Vec<String> = connect(&sim, graph).await.subscriptions().await.expect("subs").into_iter().map(|s| s.id).collect();
        let base_subs: Vec<String> = subs.iter().take(base_count).cloned().collect();
        let (name, (f, a)) = exemption_timing(&sim, ReadOptions::SEQUENTIAL, &base_subs).await;
        let (_, arm) = exemption_timing(&sim, concurrent, &subs).await;
        let (_, arg) = exemption_timing(&sim, graph, &subs).await;
        rows.push((name, (f, a * scale), arm, arg));
        sim.shutdown().await;
    }
    print(&rows, quick);
    println!("  the recommendations' old read, one summarize over every subscription (the query alone): {one_query:.2} s");
}

/// The query the recommendations were counted with before they came in
/// parts (one `summarize` over every subscription), timed alone with the
/// same latency: the old read's floor, side by side.
async fn one_summarize(sim: &Simulator, subs: &[String]) -> f64 {
    const COUNTS: &str = "securityresources | where type == \"microsoft.security/assessments\" \
| extend code = tostring(properties.status.code), cause = tostring(properties.status.cause), displayName = tostring(properties.displayName) \
| summarize count() by name, code, cause, displayName";
    let base = sim.base_url();
    let http = reqwest::Client::new();
    let token = common::ci_token(sim).await;
    // The reads timed before spent the quota; this query waits for none.
    http.post(format!("{base}/_sim/settings")).json(&json!({"resourceGraphQuota": 1000})).send().await.expect("settings");
    let started = Instant::now();
    let answer = http
        .post(format!("{base}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01"))
        .bearer_auth(token)
        .json(&json!({"query": COUNTS, "subscriptions": subs, "options": {"$top": 1000, "resultFormat": "objectArray"}}))
        .send()
        .await
        .expect("query");
    assert!(answer.status().is_success(), "the summarize answered {}", answer.status());
    answer.bytes().await.expect("body");
    started.elapsed().as_secs_f64()
}
