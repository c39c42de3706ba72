//! Sending planned writes: bounded concurrency per subscription, pacing to
//! ARM's write budget, retries of 429 / 5xx / dropped connections with
//! backoff, clean cancellation, and every state change reported.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub use desk_core::apply::ApplyObserver;
use desk_core::apply::ItemState;
use desk_core::arm_path::ArmPath;
use desk_core::change::{before_send, BeforeSend};
use desk_core::plan::{exemption_path, PlannedWrite, WriteMethod};
use desk_core::scope::subscription_of;
use futures::stream::{self, StreamExt};
use tokio::sync::Notify;

use crate::api_version as v;
use crate::arm::Arm;
use crate::error::AzureError;
use crate::http::MAX_RETRY_AFTER;
use crate::pacer::Pacer;

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Writes in flight at once to one subscription.
    pub concurrency_per_subscription: usize,
    /// Attempts per write before it is reported failed.
    pub max_attempts: u32,
    /// First backoff after a server error or dropped connection; doubles each time.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// ARM's refill of the write budget (10 a second in public clouds).
    pub writes_per_second: f64,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            concurrency_per_subscription: 16,
            max_attempts: 6,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(16),
            writes_per_second: 10.0,
        }
    }
}

/// Set to stop: writes not yet sent end as `Cancelled`; writes in flight
/// finish. Every wait (back-off, pacing, `Retry-After`, device-code polling)
/// ends as soon as it is set.
#[derive(Clone, Default)]
pub struct Cancel(Arc<CancelState>);

#[derive(Default)]
struct CancelState {
    set: AtomicBool,
    changed: Notify,
}

impl Cancel {
    pub fn cancel(&self) {
        self.0.set.store(true, Ordering::SeqCst);
        self.0.changed.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.set.load(Ordering::SeqCst)
    }

    /// Returns once cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.changed.notified();
            tokio::pin!(notified);
            // Registered before the flag is read, so a cancel in between is not missed.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// Sleep `wait`; `false` when cancelled first (at once if already).
    pub async fn sleep(&self, wait: Duration) -> bool {
        if self.is_cancelled() {
            return false;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => !self.is_cancelled(),
            _ = self.cancelled() => false,
        }
    }
}

/// Send `items` (index, write) and return each one's final state.
pub async fn apply_writes(
    arm: &Arm,
    items: Vec<(u32, PlannedWrite)>,
    options: &ApplyOptions,
    observer: &dyn ApplyObserver,
    cancel: &Cancel,
) -> Vec<(u32, ItemState)> {
    let mut by_subscription: BTreeMap<String, Vec<(u32, PlannedWrite)>> = BTreeMap::new();
    for item in items {
        let key = subscription_of(&item.1.scope).unwrap_or_else(|| "tenant".to_owned());
        by_subscription.entry(key).or_default().push(item);
    }
    let groups = by_subscription.into_values().map(|group| {
        let pacer = Pacer::new(options.writes_per_second);
        async move {
            stream::iter(group)
                .map(|(index, write)| {
                    let pacer = &pacer;
                    async move { (index, send_one(arm, index, &write, options, observer, cancel, pacer).await) }
                })
                .buffer_unordered(options.concurrency_per_subscription.max(1))
                .collect::<Vec<_>>()
                .await
        }
    });
    let mut outcomes: Vec<(u32, ItemState)> = futures::future::join_all(groups).await.into_iter().flatten().collect();
    outcomes.sort_by_key(|(i, _)| *i);
    outcomes
}

async fn send_one(
    arm: &Arm,
    index: u32,
    write: &PlannedWrite,
    options: &ApplyOptions,
    observer: &dyn ApplyObserver,
    cancel: &Cancel,
    pacer: &Pacer,
) -> ItemState {
    let mut attempts = 0;
    // Addressed by its scope and name, re-parsed strictly, never by the display
    // string; a write whose display path says something else is not sent.
    let path = match exemption_path(&write.scope, &write.name) {
        Ok(path) if path.to_string() == write.path => path,
        Ok(path) => {
            let message = format!("Not sent: its path {} is not the one previewed ({}).", path, write.path);
            let _ = observer.changed(index, ItemState::Failed, attempts, Some(&message));
            return ItemState::Failed;
        }
        Err(e) => {
            let _ = observer.changed(index, ItemState::Failed, attempts, Some(&format!("Not sent: {e}.")));
            return ItemState::Failed;
        }
    };
    loop {
        tokio::select! {
            _ = pacer.acquire() => {}
            _ = cancel.cancelled() => {}
        }
        if cancel.is_cancelled() {
            let _ = observer.changed(index, ItemState::Cancelled, attempts, Some("Cancelled before it was sent."));
            return ItemState::Cancelled;
        }
        attempts += 1;
        if let Err(e) = observer.changed(index, ItemState::Sending, attempts, None) {
            let message = format!("Not sent: the journal could not record it ({e}).");
            let _ = observer.changed(index, ItemState::Failed, attempts, Some(&message));
            return ItemState::Failed;
        }
        let error = match send_checked(arm, &path, write).await {
            Ok(Sent::Done { remaining, note }) => {
                if let Some(r) = remaining {
                    pacer.observe_remaining(r).await;
                }
                let _ = observer.changed(index, ItemState::Succeeded, attempts, note.as_deref());
                return ItemState::Succeeded;
            }
            Ok(Sent::Changed(message)) => {
                let _ = observer.changed(index, ItemState::Changed, attempts, Some(&message));
                return ItemState::Changed;
            }
            Err(e) => e,
        };
        if !error.is_transient() || attempts >= options.max_attempts {
            let _ = observer.changed(index, ItemState::Failed, attempts, Some(&error.to_string()));
            return ItemState::Failed;
        }
        let wait = match &error {
            AzureError::Arm { status: 429, retry_after_seconds, .. } => {
                let wait = Duration::from_secs(retry_after_seconds.unwrap_or(1).max(1)).min(MAX_RETRY_AFTER);
                pacer.throttled(wait).await;
                wait
            }
            _ => backoff(options, attempts),
        };
        // The window shows this as it is: it names the attempt once.
        let message = format!("Attempt {attempts} failed: {error}; retrying in {:.1} s.", wait.as_secs_f64());
        let _ = observer.changed(index, ItemState::Retrying, attempts, Some(&message));
        // Cancelled while waiting: the loop's top reports it as Cancelled.
        cancel.sleep(wait).await;
    }
}

/// How a write went when ARM answered without an error.
enum Sent {
    /// Written, or nothing left to write (`note` says why).
    Done { remaining: Option<u32>, note: Option<String> },
    /// Not sent: the exemption changed in Azure since the preview.
    Changed(String),
}

/// A change to an existing exemption reads it again first and is sent only
/// when it is still as previewed; then the PUT or DELETE.
async fn send_checked(arm: &Arm, path: &ArmPath, write: &PlannedWrite) -> Result<Sent, AzureError> {
    if write.as_read.is_some() {
        let now = match arm.get(path, v::POLICY_EXEMPTIONS, &[]).await {
            Ok(found) => Some(found),
            Err(AzureError::Arm { status: 404, .. }) => None,
            Err(other) => return Err(other),
        };
        match before_send(write, now.as_ref()) {
            BeforeSend::Send => {}
            BeforeSend::AlreadyDone(note) => return Ok(Sent::Done { remaining: None, note: Some(note) }),
            BeforeSend::Changed(message) => return Ok(Sent::Changed(message)),
        }
    }
    match write.method {
        WriteMethod::Put => {
            let (_, remaining) = arm.put_with_limits(path, v::POLICY_EXEMPTIONS, &write.body).await?;
            Ok(Sent::Done { remaining, note: None })
        }
        WriteMethod::Delete => {
            let (deleted, remaining) = arm.delete_with_limits(path, v::POLICY_EXEMPTIONS).await?;
            let note = (!deleted).then(|| "Already gone from Azure; nothing to delete.".to_owned());
            Ok(Sent::Done { remaining, note })
        }
    }
}

/// Exponential backoff with up to 25 % jitter, so retries do not arrive together.
fn backoff(options: &ApplyOptions, attempts: u32) -> Duration {
    let base = options.backoff.saturating_mul(1 << attempts.saturating_sub(1).min(16)).min(options.max_backoff);
    let jitter = rand::random::<f64>() * 0.25;
    base.saturating_add(base.mul_f64(jitter).min(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_cancel_ends_a_long_wait_at_once() {
        let cancel = Cancel::default();
        assert!(cancel.sleep(Duration::from_millis(5)).await, "an uncancelled sleep runs out");
        let waiting = {
            let cancel = cancel.clone();
            tokio::spawn(async move { cancel.sleep(Duration::from_secs(10 * 365 * 24 * 3600)).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = std::time::Instant::now();
        cancel.cancel();
        let finished = tokio::time::timeout(Duration::from_secs(1), waiting).await.expect("ends within a second").expect("no panic");
        assert!(!finished, "reported as cancelled");
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(!cancel.sleep(Duration::from_secs(60)).await, "an already cancelled sleep returns at once");
    }

    #[test]
    fn backoff_never_overflows() {
        let options = ApplyOptions { backoff: Duration::MAX, max_backoff: Duration::MAX, ..ApplyOptions::default() };
        assert!(backoff(&options, u32::MAX) >= Duration::from_secs(1));
    }
}
