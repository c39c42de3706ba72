//! The tenant's reads three ways — one ARM call after another (the old
//! way), concurrent ARM reads, and Resource Graph — give the same rows; a
//! Resource Graph that fails hands the read to ARM; ARM's 429s on reads are
//! waited out; a cancelled read stops; rows are handed over once each.

mod common;

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::*;
use desk_azure::{AzureError, Cancel, ReadOptions, Rows, Tenant, Watch};
use desk_core::recommendation::{Recommendation, RecommendationsSoFar};
use desk_core::resource::AssessedResource;
use serde::Serialize;
use serde_json::{json, Value};

const CONCURRENT_ARM: ReadOptions = ReadOptions { resource_graph: false, concurrency: 8 };
const GRAPH: ReadOptions = ReadOptions { resource_graph: true, concurrency: 8 };
const GRAPH_PATH: &str = "/providers/Microsoft.ResourceGraph/resources";

async fn tenant(world: &World, options: ReadOptions) -> Tenant {
    world.as_service_principal().await.0.with_read_options(options)
}

fn rows<T: Serialize>(items: &[T]) -> BTreeSet<String> {
    items.iter().map(|i| serde_json::to_string(i).expect("serializes")).collect()
}

/// Everything the screens read, as sets of rows.
#[derive(Debug, PartialEq)]
struct Seen {
    recommendations: BTreeSet<String>,
    resources: BTreeSet<String>,
    exemptions: BTreeSet<String>,
    prepared: BTreeSet<String>,
}

async fn everything(tenant: &Tenant) -> Seen {
    let subs: Vec<String> = tenant.subscriptions().await.expect("subscriptions").into_iter().map(|s| s.id).collect();
    let recommendations = tenant.recommendations(&subs).await.expect("recommendations");
    let mut resources = BTreeSet::new();
    for r in &recommendations {
        let found = tenant.recommendation_resources(&r.key, &subs).await.expect("resources");
        resources.extend(rows(&found).into_iter().map(|row| format!("{} {row}", r.key)));
    }
    let exemptions = tenant.exemptions(&subs).await.expect("exemptions");
    let exemptible = recommendations.iter().find(|r| r.not_exemptible_reason.is_none()).expect("an exemptible recommendation");
    let sub_refs: Vec<&str> = subs.iter().map(String::as_str).collect();
    let prepared = tenant.prepare(&draft(&sub_refs, &exemptible.key), &requester("reads@contoso.example")).await.expect("prepares");
    let mut prepared_rows = rows(&prepared.checks);
    match &prepared.writes {
        Ok(writes) => prepared_rows.extend(rows(writes)),
        Err(refused) => {
            prepared_rows.insert(format!("refused: {refused}"));
        }
    }
    assert!(!recommendations.is_empty() && !resources.is_empty(), "the seed has something to read");
    Seen { recommendations: rows(&recommendations), resources, exemptions: rows(&exemptions), prepared: prepared_rows }
}

async fn start(seed: &str) -> World {
    if seed == "demo" {
        return World::start().await;
    }
    let sim = azure_sim::Simulator::start(seed, "127.0.0.1:0".parse().expect("addr")).await.expect("simulator starts");
    let principals = reqwest::get(format!("{}/_sim/principals", sim.base_url())).await.expect("principals").json().await.expect("json");
    World { sim, principals }
}

fn graph_answers(requests: &[Value], status: u16) -> usize {
    requests.iter().filter(|r| r["method"] == "POST" && r["path"] == GRAPH_PATH && r["status"] == status).count()
}

async fn same_rows_three_ways(seed: &str) {
    let world = start(seed).await;
    let sequential = everything(&tenant(&world, ReadOptions::SEQUENTIAL).await).await;
    assert_eq!(graph_answers(&world.requests().await, 200), 0, "the sequential reads never ask Resource Graph");
    let concurrent = everything(&tenant(&world, CONCURRENT_ARM).await).await;
    assert_eq!(concurrent, sequential, "{seed}: concurrent ARM reads");
    let before = graph_answers(&world.requests().await, 200);
    let graph = everything(&tenant(&world, GRAPH).await).await;
    let requests = world.requests().await;
    // One count query, one query per recommendation's resources, two for exemptions: none fell back.
    let wanted = sequential.recommendations.len() + 3;
    assert!(graph_answers(&requests, 200) - before >= wanted, "{seed}: Resource Graph answered every list ({wanted} queries)");
    // (A 429 is Resource Graph's quota, waited out.)
    for refused in [400, 403, 500, 503] {
        assert_eq!(graph_answers(&requests, refused), 0, "{seed}: no query was answered {refused}");
    }
    assert_eq!(graph, sequential, "{seed}: Resource Graph");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_way_of_reading_gives_the_same_rows_demo() {
    same_rows_three_ways("demo").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_way_of_reading_gives_the_same_rows_at_scale() {
    same_rows_three_ways("scale:4x30").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unavailable_resource_graph_hands_the_read_to_arm() {
    let world = World::start().await;
    let expected = everything(&tenant(&world, ReadOptions::SEQUENTIAL).await).await;
    for status in [503, 500] {
        let rule = json!({"pathPattern": GRAPH_PATH, "errorRate": 1.0, "errorStatus": status});
        world.control("/_sim/faults", json!({"rules": [rule]})).await;
        let seen = everything(&tenant(&world, GRAPH).await).await;
        assert_eq!(seen, expected, "HTTP {status}");
        assert!(graph_answers(&world.requests().await, status) > 0, "Resource Graph was asked and answered {status}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_denied_or_spent_resource_graph_hands_the_read_to_arm() {
    let world = World::start().await;
    let expected = everything(&tenant(&world, ReadOptions::SEQUENTIAL).await).await;

    world.control("/_sim/settings", json!({"resourceGraphAnswer": "denied"})).await;
    assert_eq!(everything(&tenant(&world, GRAPH).await).await, expected, "denied");
    assert!(graph_answers(&world.requests().await, 403) > 0, "Resource Graph was asked and refused");

    // One query an hour: the second waits far beyond patience, so ARM answers.
    world
        .control(
            "/_sim/settings",
            json!({"resourceGraphAnswer": "normal", "resourceGraphQuota": 1, "resourceGraphQuotaWindowSeconds": 3600}),
        )
        .await;
    let started = Instant::now();
    assert_eq!(everything(&tenant(&world, GRAPH).await).await, expected, "quota spent");
    assert!(graph_answers(&world.requests().await, 429) > 0, "Resource Graph's quota ran out");
    assert!(started.elapsed() < Duration::from_secs(60), "nobody waited for the hour: {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn arm_reads_answered_429_are_sent_again_after_retry_after() {
    let world = World::start().await;
    let subs = vec![PRODUCTION.to_owned(), DEVELOPMENT.to_owned(), SANDBOX.to_owned()];
    let tenant = tenant(&world, CONCURRENT_ARM).await;
    let expected = rows(&tenant.exemptions(&subs).await.expect("exemptions"));
    world.control("/_sim/faults", json!({"throttle": {"reads": {"capacity": 2.0, "refillPerSecond": 4.0}}})).await;
    let reads = (0..4).map(|_| tenant.exemptions(&subs));
    for read in futures::future::join_all(reads).await {
        assert_eq!(rows(&read.expect("throttled reads still finish")), expected);
    }
    let requests = world.requests().await;
    let throttled = requests.iter().filter(|r| r["method"] == "GET" && r["status"] == 429).count();
    assert!(throttled > 0, "the bucket of 2 was overrun");
}

/// Keeps every batch handed over.
#[derive(Default)]
struct Batches(Mutex<Vec<AssessedResource>>);

impl Rows<AssessedResource> for Batches {
    fn arrived(&self, rows: &[AssessedResource]) {
        self.0.lock().expect("lock").extend_from_slice(rows);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rows_are_handed_over_once_each_and_all_of_them() {
    let world = World::start().await;
    let subs = vec![PRODUCTION.to_owned(), DEVELOPMENT.to_owned(), SANDBOX.to_owned()];
    for options in [ReadOptions::SEQUENTIAL, CONCURRENT_ARM, GRAPH] {
        let tenant = tenant(&world, options).await;
        let batches = Batches::default();
        let answer = tenant
            .recommendation_resources_watched(SECURE_TRANSFER, &subs, Watch { rows: &batches, cancel: &Cancel::default() })
            .await
            .expect("resources");
        let handed = batches.0.into_inner().expect("lock");
        assert_eq!(handed.len(), answer.len(), "{options:?}: each row once");
        assert_eq!(rows(&handed), rows(&answer), "{options:?}: every row, as in the answer");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_read_stops_at_once() {
    let world = World::start().await;
    let subs = vec![PRODUCTION.to_owned(), DEVELOPMENT.to_owned(), SANDBOX.to_owned()];
    for options in [ReadOptions::SEQUENTIAL, CONCURRENT_ARM, GRAPH] {
        let tenant = tenant(&world, options).await;
        world.control("/_sim/faults", json!({"rules": [{"pathPattern": "**", "latencyMs": {"fixed": 5000}}]})).await;
        let cancel = cancelled_after(Duration::from_millis(200));
        let started = Instant::now();
        let answer = tenant.exemptions_watched(&subs, Watch { rows: &desk_azure::Unwatched, cancel: &cancel }).await;
        assert!(matches!(answer, Err(AzureError::ReadCancelled)), "{options:?}: {answer:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{options:?}: stopped in {:?}", started.elapsed());
        world.control("/_sim/faults", json!({"rules": []})).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn what_the_app_wrote_shows_before_resource_graph_does() {
    let world = World::start().await;
    let subs = vec![PRODUCTION.to_owned()];
    let graph = tenant(&world, GRAPH).await;
    let arm = tenant(&world, ReadOptions::SEQUENTIAL).await;
    let writes = plan(&graph, &draft(&[PRODUCTION], SECURE_TRANSFER), "reads@contoso.example").await.expect("plans");
    assert!(!writes.is_empty());
    let items: Vec<(u32, desk_core::plan::PlannedWrite)> = writes.iter().cloned().enumerate().map(|(i, w)| (i as u32 + 7, w)).collect();
    let ids = |found: &[desk_core::exemption::Exemption]| found.iter().map(|e| e.id.to_lowercase()).collect::<BTreeSet<_>>();
    let written: BTreeSet<String> = writes.iter().map(|w| w.path.to_lowercase()).collect();

    // As if ARM had taken the writes and Resource Graph had not caught up yet.
    let outcomes: Vec<(u32, desk_core::apply::ItemState)> =
        items.iter().map(|(i, _)| (*i, desk_core::apply::ItemState::Succeeded)).collect();
    graph.remember_applied(&items, &outcomes);
    let shown = ids(&graph.exemptions(&subs).await.expect("exemptions"));
    assert!(written.is_subset(&shown), "the writes show through Resource Graph");
    assert!(written.is_disjoint(&ids(&arm.exemptions(&subs).await.expect("exemptions"))), "ARM does not have them");

    // Once written for real, Resource Graph and ARM agree and the overlay changes nothing.
    let (outcomes, _) = apply(&graph, &writes).await;
    assert!(outcomes.iter().all(|(_, s)| *s == desk_core::apply::ItemState::Succeeded), "{outcomes:?}");
    let expected = rows(&arm.exemptions(&subs).await.expect("exemptions"));
    assert_eq!(rows(&graph.exemptions(&subs).await.expect("exemptions")), expected);
    assert_eq!(rows(&graph.exemptions(&subs).await.expect("exemptions")), expected, "and again, with nothing left to lay over");
}

/// Keeps every part of the recommendations handed over.
#[derive(Default)]
struct Parts(Mutex<Vec<RecommendationsSoFar>>);

impl Rows<RecommendationsSoFar> for Parts {
    fn arrived(&self, parts: &[RecommendationsSoFar]) {
        self.0.lock().expect("lock").extend_from_slice(parts);
    }
}

/// The recommendations read watched, with every part handed over.
async fn recommendations_in_parts(tenant: &Tenant, subs: &[String]) -> (Vec<Recommendation>, Vec<RecommendationsSoFar>) {
    let parts = Parts::default();
    let answer = tenant.recommendations_watched(subs, Watch { rows: &parts, cancel: &Cancel::default() }).await.expect("recommendations");
    (answer, parts.0.into_inner().expect("lock"))
}

/// Parts come one per Resource Graph chunk or per milestone of ARM's
/// subscriptions, never merged by timing: with six subscriptions, the first
/// part holds one of them (the first chunk, or the first ARM list), so there
/// are several whatever the machine's speed. Each holds more than the last,
/// and the last is the whole list.
fn assert_parts(parts: &[RecommendationsSoFar], answer: &[Recommendation], subs: usize, what: &str) {
    assert!(parts.len() >= 2, "{what}: several parts, not one ({})", parts.len());
    assert_eq!(parts[0].counted, 1, "{what}: the first part counts one subscription");
    assert!(parts.windows(2).all(|w| w[0].counted < w[1].counted), "{what}: each part counts more subscriptions");
    assert!(parts.iter().all(|p| p.subscriptions as usize == subs), "{what}: out of every subscription");
    let last = parts.last().expect("a part");
    assert_eq!(last.counted as usize, subs, "{what}: the last part counts every subscription");
    assert_eq!(last.recommendations, answer, "{what}: the last part is the answer");
    for part in parts {
        for r in &part.recommendations {
            let whole = answer.iter().find(|a| a.key == r.key).expect("every recommendation of a part is in the answer");
            assert!(r.unhealthy_count <= whole.unhealthy_count && r.healthy_count <= whole.healthy_count, "{what}: counts only grow");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn recommendations_arrive_in_parts_ending_in_the_one_shot_list() {
    let world = start("scale:6x20").await;
    let sequential = tenant(&world, ReadOptions::SEQUENTIAL).await;
    let subs: Vec<String> = sequential.subscriptions().await.expect("subscriptions").into_iter().map(|s| s.id).collect();
    assert_eq!(subs.len(), 6);
    let expected = sequential.recommendations(&subs).await.expect("recommendations");
    assert!(!expected.is_empty());
    for options in [ReadOptions::SEQUENTIAL, CONCURRENT_ARM, GRAPH] {
        let tenant = tenant(&world, options).await;
        let before = graph_answers(&world.requests().await, 200);
        let (answer, parts) = recommendations_in_parts(&tenant, &subs).await;
        let queries = graph_answers(&world.requests().await, 200) - before;
        if options.resource_graph {
            // A first chunk of one subscription, then the other five in three chunks at once.
            assert_eq!(queries, 4, "every chunk counted by Resource Graph");
            assert_eq!(parts.len(), 4, "a part per chunk");
        } else {
            assert_eq!(queries, 0, "{options:?}: ARM only");
            assert_eq!(parts.len(), 6, "{options:?}: a part per subscription");
        }
        assert_eq!(answer, expected, "{options:?}: the streamed list is the one-shot list");
        assert_eq!(tenant.recommendations(&subs).await.expect("recommendations"), expected, "{options:?}: unwatched");
        assert_parts(&parts, &answer, subs.len(), &format!("{options:?}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chunks_resource_graph_cannot_count_are_counted_from_arm() {
    let world = start("scale:6x20").await;
    let sequential = tenant(&world, ReadOptions::SEQUENTIAL).await;
    let subs: Vec<String> = sequential.subscriptions().await.expect("subscriptions").into_iter().map(|s| s.id).collect();
    let expected = sequential.recommendations(&subs).await.expect("recommendations");
    // One query an hour: the first chunk is counted by Resource Graph, the rest waits beyond patience and goes to ARM.
    world.control("/_sim/settings", json!({"resourceGraphQuota": 1, "resourceGraphQuotaWindowSeconds": 3600})).await;
    let started = Instant::now();
    let (answer, parts) = recommendations_in_parts(&tenant(&world, GRAPH).await, &subs).await;
    assert!(started.elapsed() < Duration::from_secs(60), "nobody waited for the hour: {:?}", started.elapsed());
    let requests = world.requests().await;
    assert_eq!(graph_answers(&requests, 200), 1, "Resource Graph counted the first chunk");
    assert!(graph_answers(&requests, 429) > 0, "and then its quota was spent");
    assert_eq!(answer, expected, "the same list, part Resource Graph's, part ARM's");
    assert_parts(&parts, &answer, subs.len(), "Resource Graph, then ARM");
    assert_eq!(parts.len(), 6, "the first chunk, then each of the five ARM lists");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_recommendations_read_stops_at_once() {
    let world = World::start().await;
    let subs = vec![PRODUCTION.to_owned(), DEVELOPMENT.to_owned(), SANDBOX.to_owned()];
    world.control("/_sim/faults", json!({"rules": [{"pathPattern": "**", "latencyMs": {"fixed": 5000}}]})).await;
    for options in [ReadOptions::SEQUENTIAL, CONCURRENT_ARM, GRAPH] {
        let tenant = world.as_service_principal().await.0.with_read_options(options);
        let cancel = cancelled_after(Duration::from_millis(200));
        let started = Instant::now();
        let parts = Parts::default();
        let answer = tenant.recommendations_watched(&subs, Watch { rows: &parts, cancel: &cancel }).await;
        assert!(matches!(answer, Err(AzureError::ReadCancelled)), "{options:?}: {answer:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{options:?}: stopped in {:?}", started.elapsed());
        assert!(parts.0.into_inner().expect("lock").is_empty(), "{options:?}: nothing handed over");
    }
}
