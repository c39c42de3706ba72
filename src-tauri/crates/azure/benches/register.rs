//! The exemption register benchmark: the simulator's `scale:200x250x10000`
//! tenant (200 subscriptions, 50,000 resources, 10,000 exemptions over every
//! level: 500 at management groups, 1,500 at subscriptions, 3,000 at
//! resource groups, 5,000 at resources) with 100 ms of latency on every ARM
//! and Resource Graph read, its register read three ways in the same run:
//! every scope one after another (`ReadOptions::SEQUENTIAL`, the baseline),
//! concurrent ARM reads, and Resource Graph (the app's default). Each way:
//! time to the first rows handed over and to all rows, and the ratio to the
//! baseline.
//!
//! `cargo bench -p exemption-desk-azure --bench register`
//! (`REGISTER_SEED=scale:10x20x500` runs another seed: a smoke run).

mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use azure_sim::Simulator;
use desk_azure::{Cancel, ReadOptions, Rows, Watch, DEFAULT_CONCURRENCY};
use desk_core::register::RegisterEntry;
use serde_json::{json, Value};

const LATENCY_MS: u64 = 100;
const SEED: &str = "scale:200x250x10000";

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

/// When the first batch arrived, and how many rows came in all.
struct Watched(Mutex<(Option<Instant>, usize)>);

impl Rows<RegisterEntry> for Watched {
    fn arrived(&self, rows: &[RegisterEntry]) {
        let mut seen = self.0.lock().expect("lock");
        if !rows.is_empty() {
            seen.0.get_or_insert_with(Instant::now);
        }
        seen.1 += rows.len();
    }
}

/// (first rows, all rows, rows) of one register read.
async fn read(sim: &Simulator, options: ReadOptions) -> (Duration, Duration, usize) {
    let tenant = common::connect(sim).await.with_read_options(options);
    let watched = Watched(Mutex::new((None, 0)));
    let started = Instant::now();
    let entries =
        tenant.exemption_register_watched(30, Watch { rows: &watched, cancel: &Cancel::default() }).await.expect("the register reads");
    let all = started.elapsed();
    let (first, handed) = watched.0.into_inner().expect("lock");
    assert_eq!(handed, entries.len(), "{options:?}: every row handed over once");
    (first.map_or(all, |f| f.duration_since(started)), all, entries.len())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let seed = std::env::var("REGISTER_SEED").unwrap_or_else(|_| SEED.to_owned());
    let sim = start(&seed).await;
    // Build the simulator's lookup tables before anything is timed.
    read(&sim, ReadOptions { resource_graph: false, concurrency: DEFAULT_CONCURRENCY }).await;
    println!("exemption register on {seed}, {LATENCY_MS} ms per read");
    println!("{:<34} {:>12} {:>12} {:>8} {:>10} {:>10}", "way", "first rows", "all rows", "rows", "first ×", "all ×");
    let ways = [
        ("one scope after another (baseline)", ReadOptions::SEQUENTIAL),
        ("concurrent ARM", ReadOptions { resource_graph: false, concurrency: DEFAULT_CONCURRENCY }),
        ("Resource Graph (the app's default)", ReadOptions::default()),
    ];
    let mut baseline: Option<(Duration, Duration, usize)> = None;
    for (name, options) in ways {
        let (first, all, rows) = read(&sim, options).await;
        let base = *baseline.get_or_insert((first, all, rows));
        assert_eq!(rows, base.2, "{name}: the same rows as the baseline");
        println!(
            "{name:<34} {:>10.2} s {:>10.2} s {rows:>8} {:>9.1}× {:>9.1}×",
            first.as_secs_f64(),
            all.as_secs_f64(),
            base.0.as_secs_f64() / first.as_secs_f64().max(1e-9),
            base.1.as_secs_f64() / all.as_secs_f64().max(1e-9),
        );
    }
    sim.shutdown().await;
}
