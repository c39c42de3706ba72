//! Long reads hand rows to the window as they arrive, and stop when the
//! window cancels them, against the simulator.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use desk_app::{AppError, Desk, Rows};
use serde_json::json;

/// What the window would be sent: every batch, in order.
struct Batches<T>(Mutex<Vec<Vec<T>>>);

impl<T> Default for Batches<T> {
    fn default() -> Self {
        Batches(Mutex::new(Vec::new()))
    }
}

impl<T: Clone + Send + Sync> Rows<T> for Batches<T> {
    fn arrived(&self, rows: &[T]) {
        self.0.lock().expect("batches").push(rows.to_vec());
    }
}

async fn signed_in(world: &World, name: &str) -> (Arc<Desk>, Vec<String>, DataDir) {
    let dir = DataDir::new(name);
    let app = Arc::new(desk(&dir, Arc::new(MemorySecrets::default())));
    app.sign_in(&Recorder::default(), world.service_principal("ci")).await.expect("signs in");
    let ids = app.list_subscriptions().await.expect("subscriptions").into_iter().map(|s| s.id).collect();
    (app, ids, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_hands_over_its_rows_in_batches_then_answers_with_the_whole_list() {
    let world = World::seeded("scale:6x4").await;
    // ARM's reads answer a subscription at a time; Resource Graph would answer the whole tenant in one page.
    world.control("/_sim/settings", json!({"resourceGraphAnswer": "denied"})).await;
    let (app, ids, _dir) = signed_in(&world, "batches").await;
    assert_eq!(ids.len(), 6);

    let batches = Batches::default();
    let whole = app.recommendation_resources("resources-1", SECURE_TRANSFER, &ids, &batches).await.expect("reads");
    let batches = batches.0.into_inner().expect("batches");
    assert!(!whole.is_empty(), "the scale tenant has storage accounts");
    assert!(batches.iter().filter(|b| !b.is_empty()).count() > 1, "rows arrived in several batches: {}", batches.len());
    let mut streamed: Vec<String> = batches.concat().into_iter().map(|r| r.id.to_lowercase()).collect();
    let mut answered: Vec<String> = whole.iter().map(|r| r.id.to_lowercase()).collect();
    streamed.sort();
    answered.sort();
    assert_eq!(streamed, answered, "every row was handed over once, and the answer holds them all");
    assert_eq!(app.reads_running(), 0, "a read that ended leaves the registry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recommendations_arrive_as_lists_so_far_ending_in_the_answer() {
    let world = World::seeded("scale:6x4").await;
    let (app, ids, _dir) = signed_in(&world, "parts").await;
    let parts = Batches::default();
    let whole = app.list_recommendations("recommendations-1", &ids, &parts).await.expect("reads");
    let parts: Vec<_> = parts.0.into_inner().expect("parts").concat();
    // A first Resource Graph chunk of one subscription, then the rest: several parts, whatever the machine's speed.
    assert!(parts.len() > 1, "several parts: {}", parts.len());
    assert_eq!(parts.first().map(|p| (p.counted, p.subscriptions)), Some((1, 6)), "the first part counts one of six");
    let last = parts.last().expect("a part");
    assert_eq!((last.counted, last.subscriptions), (6, 6));
    assert_eq!(last.recommendations, whole, "the last part is the answer");
    assert_eq!(app.reads_running(), 0, "a read that ended leaves the registry");
}

/// Starts one kind of read on its own task; it answers with how many rows it read.
type StartRead = Box<dyn Fn(Arc<Desk>, Vec<String>) -> tokio::task::JoinHandle<Result<usize, AppError>>>;

/// Requests the simulator answered so far, on the read's paths.
async fn reads_sent(world: &World) -> usize {
    world
        .requests()
        .await
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.starts_with("/subscriptions/") || p.contains("ResourceGraph")))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_the_window_left_stops_with_read_cancelled_and_sends_nothing_more() {
    // More subscriptions than reads run at once, so a read takes several latencies.
    const SUBSCRIPTIONS: usize = 200;
    const LATENCY: Duration = Duration::from_millis(300);
    let world = World::seeded(&format!("scale:{SUBSCRIPTIONS}x1")).await;
    // The concurrent ARM reads (Resource Graph would answer in one page, before the cancel).
    world.control("/_sim/settings", json!({"resourceGraphAnswer": "denied"})).await;
    let (app, ids, _dir) = signed_in(&world, "cancel").await;
    assert_eq!(ids.len(), SUBSCRIPTIONS);
    let slow = json!({"fixed": LATENCY.as_millis() as u64});
    world
        .control(
            "/_sim/faults",
            json!({"rules": [
                {"pathPattern": "/subscriptions/**", "methods": ["GET"], "latencyMs": slow},
                {"pathPattern": "/providers/Microsoft.ResourceGraph/**", "methods": ["POST"], "latencyMs": slow},
            ]}),
        )
        .await;

    let kinds: [(&str, StartRead); 3] = [
        (
            "exemptions",
            Box::new(|app, ids| {
                tokio::spawn(async move { app.list_exemptions("exemptions", &ids, &Batches::default()).await.map(|l| l.len()) })
            }),
        ),
        (
            "resources",
            Box::new(|app, ids| {
                tokio::spawn(async move {
                    app.recommendation_resources("resources", SECURE_TRANSFER, &ids, &Batches::default()).await.map(|l| l.len())
                })
            }),
        ),
        (
            "recommendations",
            Box::new(|app, ids| {
                tokio::spawn(async move { app.list_recommendations("recommendations", &ids, &Batches::default()).await.map(|l| l.len()) })
            }),
        ),
    ];
    for (read_id, start) in kinds {
        let before = reads_sent(&world).await;
        let running = start(app.clone(), ids.clone());
        // Past the first answers, far from the end of a read of 200 subscriptions.
        tokio::time::sleep(LATENCY + LATENCY / 2).await;
        assert_eq!(app.reads_running(), 1, "{read_id} is registered while it runs");
        app.cancel_read(read_id);
        let ended = tokio::time::timeout(Duration::from_secs(2), running).await.expect("stops at once").expect("joins");
        assert_eq!(ended.map_err(|e| e.code().as_str().to_owned()), Err("read_cancelled".to_owned()), "{read_id}");
        assert_eq!(app.reads_running(), 0, "{read_id} left the registry");

        // Requests in flight at the cancel are answered (and logged) within a latency; then nothing more.
        tokio::time::sleep(LATENCY * 2).await;
        let settled = reads_sent(&world).await;
        tokio::time::sleep(LATENCY * 3).await;
        assert_eq!(reads_sent(&world).await, settled, "{read_id}: no request after the cancel");
        assert!(settled - before < SUBSCRIPTIONS, "{read_id} stopped before reading every subscription: {}", settled - before);
    }
    world.faults_off().await;
    app.cancel_read("never-started");
}
