//! Runs an apply in the background: the journal records each state change
//! before the window hears of it through [`Events::apply_progress`].

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use desk_azure::{apply_writes_caught, ApplyObserver, ApplyOptions, Cancel};
use desk_core::apply::{ApplyProgress, ApplyStopped, ItemState};
use desk_core::plan::PlannedWrite;
use desk_store::{Journal, Store};

use crate::{lock, Connected, Desk, Events};

/// The journal, then the window.
struct Journalled {
    events: Arc<dyn Events>,
    store: Arc<Store>,
    apply_id: String,
    succeeded: AtomicU32,
    failed: AtomicU32,
    total: u32,
}

impl ApplyObserver for Journalled {
    fn changed(&self, index: u32, state: ItemState, attempts: u32, message: Option<&str>) -> Result<(), String> {
        Journal { store: &self.store, apply_id: &self.apply_id }.changed(index, state, attempts, message)?;
        match state {
            ItemState::Succeeded => self.succeeded.fetch_add(1, Ordering::SeqCst),
            ItemState::Failed => self.failed.fetch_add(1, Ordering::SeqCst),
            _ => 0,
        };
        let progress = ApplyProgress {
            apply_id: self.apply_id.clone(),
            index,
            state,
            attempts,
            message: message.map(str::to_owned),
            succeeded: self.succeeded.load(Ordering::SeqCst),
            failed: self.failed.load(Ordering::SeqCst),
            total: self.total,
        };
        if let Err(e) = self.events.apply_progress(&progress) {
            tracing::warn!("could not tell the UI of progress: {e}");
        }
        Ok(())
    }
}

/// How an apply ended: the writes that succeeded and those that did not, of
/// those sent; `stopped` when it ended before every write reached a final
/// state (an internal error: the journal keeps it resumable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ApplyEnd {
    pub succeeded: u32,
    pub failed: u32,
    pub stopped: bool,
}

/// What runs once an apply ends (an approved request records its outcome).
pub(crate) type AfterApply = Box<dyn FnOnce(ApplyEnd) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// Start sending `items` of apply `apply_id` in the background (on the
/// caller's tokio runtime); `after` runs when it ends.
pub(crate) fn run_apply(
    events: Arc<dyn Events>,
    desk: &Desk,
    connected: Arc<Connected>,
    apply_id: String,
    items: Vec<(u32, PlannedWrite)>,
    after: Option<AfterApply>,
) {
    let cancel = Cancel::default();
    lock(&desk.running).insert(apply_id.clone(), cancel.clone());
    // The journal already shows the items about to be sent as Planned.
    let (succeeded, failed, total) = match desk.store.apply_report(&apply_id) {
        Ok(report) => {
            let count = |s: ItemState| report.items.iter().filter(|i| i.state == s).count() as u32;
            (count(ItemState::Succeeded), count(ItemState::Failed), report.items.len() as u32)
        }
        Err(_) => (0, 0, items.len() as u32),
    };
    let observer = Journalled {
        events,
        store: desk.store.clone(),
        apply_id: apply_id.clone(),
        succeeded: AtomicU32::new(succeeded),
        failed: AtomicU32::new(failed),
        total,
    };
    let running = desk.running.clone();
    // What was read before the writes may not hold after them: every choice is read anew.
    let choices = desk.choices.clone();
    choices.clear();
    tokio::spawn(async move {
        let options = options_from_env();
        let written = items.clone();
        let (detail, end) = match apply_writes_caught(connected.tenant.arm(), items, &options, &observer, &cancel).await {
            Ok(outcomes) => {
                // Resource Graph lags: reads show these from ARM's answers until it agrees.
                connected.tenant.remember_applied(&written, &outcomes);
                let ok = outcomes.iter().filter(|(_, s)| *s == ItemState::Succeeded).count();
                let end = ApplyEnd {
                    succeeded: u32::try_from(ok).unwrap_or(u32::MAX),
                    failed: u32::try_from(outcomes.len().saturating_sub(ok)).unwrap_or(u32::MAX),
                    stopped: false,
                };
                (format!("apply {apply_id}: {ok} of {} writes succeeded", outcomes.len()), end)
            }
            Err(e) => {
                let stopped = ApplyStopped { apply_id: apply_id.clone(), error: e.payload() };
                if let Err(emit) = observer.events.apply_stopped(&stopped) {
                    tracing::warn!("could not tell the UI the apply stopped: {emit}");
                }
                let end = ApplyEnd {
                    succeeded: observer.succeeded.load(Ordering::SeqCst),
                    failed: observer.failed.load(Ordering::SeqCst),
                    stopped: true,
                };
                (format!("apply {apply_id} stopped: {e}"), end)
            }
        };
        tracing::info!("{detail}");
        if let Err(e) = observer.store.audit(&connected.who(), "apply", &detail) {
            tracing::warn!("audit log: {e}");
        }
        choices.clear();
        lock(&running).remove(&apply_id);
        if let Some(after) = after {
            // The whole apply's outcome (a retry sends only some of its writes), from the journal.
            let end = match observer.store.apply_report(&apply_id) {
                Ok(report) => {
                    let ok = report.items.iter().filter(|i| i.state == ItemState::Succeeded).count();
                    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                    ApplyEnd { succeeded: count(ok), failed: count(report.items.len().saturating_sub(ok)), stopped: end.stopped }
                }
                Err(_) => end,
            };
            after(end).await;
        }
    });
}

/// `EXEMPTION_DESK_APPLY_CONCURRENCY` overrides the writes in flight per subscription.
fn options_from_env() -> ApplyOptions {
    let mut options = ApplyOptions::default();
    if let Some(n) = std::env::var("EXEMPTION_DESK_APPLY_CONCURRENCY").ok().and_then(|v| v.parse().ok()) {
        options.concurrency_per_subscription = n;
    }
    options
}
