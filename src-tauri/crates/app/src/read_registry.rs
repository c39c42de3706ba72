//! The long reads running now, each under an id the window chose, so the
//! window can stop one it no longer shows (`Desk::cancel_read`).
//!
//! Bounded: at most [`MAX_READS`] at once; starting one more cancels the
//! oldest (a window never waits on that many, so the oldest is one it
//! forgot). A read leaves the registry when it ends, however it ends.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

use desk_azure::{AzureError, Cancel};

use crate::{lock, AppError};

/// Reads running at once, at most.
pub const MAX_READS: usize = 32;

/// The longest read id the window may choose.
const MAX_ID_LEN: usize = 100;

#[derive(Default)]
pub(crate) struct ReadRegistry {
    running: Mutex<Running>,
}

#[derive(Default)]
struct Running {
    /// Counts every start; tells a read from a later one under the same id, and the oldest.
    started: u64,
    reads: HashMap<String, (u64, Cancel)>,
}

/// One running read; it leaves the registry when dropped.
pub(crate) struct Read<'a> {
    registry: &'a ReadRegistry,
    id: String,
    started: u64,
    cancel: Cancel,
}

impl ReadRegistry {
    /// Register a read under `id`. A read already running under the same id
    /// is cancelled: the window asks again, so it no longer waits for it.
    pub(crate) fn start(&self, id: &str) -> Result<Read<'_>, AppError> {
        if id.is_empty() || id.len() > MAX_ID_LEN || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(AppError::InvalidReadId);
        }
        let cancel = Cancel::default();
        let mut running = lock(&self.running);
        running.started = running.started.wrapping_add(1);
        let started = running.started;
        if let Some((_, older)) = running.reads.remove(id) {
            older.cancel();
        }
        if running.reads.len() >= MAX_READS {
            let oldest = running.reads.iter().min_by_key(|(_, (n, _))| *n).map(|(id, _)| id.clone());
            if let Some((_, evicted)) = oldest.and_then(|id| running.reads.remove(&id)) {
                evicted.cancel();
            }
        }
        running.reads.insert(id.to_owned(), (started, cancel.clone()));
        Ok(Read { registry: self, id: id.to_owned(), started, cancel })
    }

    /// Stop the read running under `id`; whether one was.
    pub(crate) fn cancel(&self, id: &str) -> bool {
        match lock(&self.running).reads.remove(id) {
            Some((_, cancel)) => {
                cancel.cancel();
                true
            }
            None => false,
        }
    }

    pub(crate) fn len(&self) -> usize {
        lock(&self.running).reads.len()
    }
}

impl Read<'_> {
    /// Set when the window cancels this read.
    pub(crate) fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    /// Run `work` until it ends or the read is cancelled; a cancelled read
    /// drops `work` at once, so it sends nothing more.
    pub(crate) async fn run<T>(&self, work: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => Err(AzureError::ReadCancelled.into()),
            result = work => match result {
                // A read that stopped itself between pages says so the same way.
                Err(_) if self.cancel.is_cancelled() => Err(AzureError::ReadCancelled.into()),
                other => other,
            },
        }
    }
}

impl Drop for Read<'_> {
    fn drop(&mut self) {
        let mut running = lock(&self.registry.running);
        if running.reads.get(&self.id).is_some_and(|(n, _)| *n == self.started) {
            running.reads.remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_leaves_when_it_ends_and_a_later_one_under_its_id_stays() {
        let registry = ReadRegistry::default();
        let first = registry.start("read-1").expect("starts");
        let again = registry.start("read-1").expect("starts again");
        assert!(first.cancel().is_cancelled(), "the window asked again: the older read stops");
        drop(first);
        assert_eq!(registry.len(), 1, "the older read's end leaves the newer registered");
        assert!(registry.cancel("read-1"));
        assert!(again.cancel().is_cancelled());
        drop(again);
        assert_eq!(registry.len(), 0);
        assert!(!registry.cancel("read-1"), "cancelling a read that ended is no error, and does nothing");
    }

    #[test]
    fn bounded_the_oldest_read_is_cancelled_past_the_limit() {
        let registry = ReadRegistry::default();
        let reads: Vec<Read<'_>> = (0..MAX_READS + 5).map(|i| registry.start(&format!("r{i}")).expect("starts")).collect();
        assert_eq!(registry.len(), MAX_READS);
        let cancelled: Vec<bool> = reads.iter().map(|r| r.cancel().is_cancelled()).collect();
        assert!(cancelled[..5].iter().all(|c| *c), "the five oldest are cancelled");
        assert!(cancelled[5..].iter().all(|c| !*c), "the rest run on");
        drop(reads);
        assert_eq!(registry.len(), 0);
    }

    #[test]
    fn a_read_id_is_a_short_plain_token() {
        let registry = ReadRegistry::default();
        for bad in ["", "a b", "ü", &"x".repeat(MAX_ID_LEN + 1)] {
            assert!(matches!(registry.start(bad), Err(AppError::InvalidReadId)), "{bad:?}");
        }
        assert!(registry.start("recommendations-7_b").is_ok());
    }

    #[tokio::test]
    async fn a_cancelled_read_stops_waiting_at_once() {
        let registry = ReadRegistry::default();
        let read = registry.start("slow").expect("starts");
        let forever = std::future::pending::<Result<(), AppError>>();
        let (result, ()) = tokio::join!(read.run(forever), async {
            tokio::task::yield_now().await;
            assert!(registry.cancel("slow"));
        });
        assert_eq!(result.map_err(|e| e.code().as_str().to_owned()), Err("read_cancelled".to_owned()));
    }
}
