//! Many ARM reads at once, never more than a limit in flight: the
//! per-subscription and per-scope loops of the tenant's reads run through
//! here. Throttling (429 with `Retry-After`, a low
//! `x-ms-ratelimit-remaining-subscription-reads`) is waited out inside
//! [`crate::arm::Arm`]; here every wait ends as soon as the read is cancelled.

use std::future::Future;

use futures::stream::{self, StreamExt};

use crate::apply::Cancel;
use crate::error::AzureError;

/// How a tenant's lists are read: through Azure Resource Graph first, and how
/// many ARM reads may be in flight at once. `{ resource_graph: false,
/// concurrency: 1 }` reads one call after another, as Exemption Desk did
/// before Resource Graph (the benchmarks' baseline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    pub resource_graph: bool,
    pub concurrency: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { resource_graph: true, concurrency: DEFAULT_CONCURRENCY }
    }
}

impl ReadOptions {
    /// One ARM call after another, no Resource Graph.
    pub const SEQUENTIAL: ReadOptions = ReadOptions { resource_graph: false, concurrency: 1 };

    /// The limit, at least one.
    pub fn limit(&self) -> usize {
        self.concurrency.max(1)
    }
}

/// ARM allows a principal 250 reads a subscription (refilled at 25/s); 64
/// in flight spread over subscriptions stays inside that, and a burst at one
/// subscription is paced by its 429s and `x-ms-ratelimit-remaining-subscription-reads`.
pub const DEFAULT_CONCURRENCY: usize = 64;

/// Run `read` for every item, at most `limit` at a time, answers in the
/// items' order; the first error ends the whole read (reads in flight are
/// dropped), and so does `cancel` ([`AzureError::ReadCancelled`]).
pub async fn fan_out<I, T, F, Fut>(items: Vec<I>, limit: usize, cancel: &Cancel, read: F) -> Result<Vec<T>, AzureError>
where
    F: Fn(I) -> Fut,
    Fut: Future<Output = Result<T, AzureError>>,
{
    fan_out_each(items, limit, cancel, read, |_, _| {}).await
}

/// [`fan_out`], calling `done(index, &answer)` as each read finishes (in
/// whatever order they finish), so rows can be handed over as they arrive.
pub async fn fan_out_each<I, T, F, Fut, D>(items: Vec<I>, limit: usize, cancel: &Cancel, read: F, mut done: D) -> Result<Vec<T>, AzureError>
where
    F: Fn(I) -> Fut,
    Fut: Future<Output = Result<T, AzureError>>,
    D: FnMut(usize, &T),
{
    if cancel.is_cancelled() {
        return Err(AzureError::ReadCancelled);
    }
    let count = items.len();
    let read = &read;
    let mut answers =
        stream::iter(items.into_iter().enumerate()).map(|(i, item)| async move { (i, read(item).await) }).buffer_unordered(limit.max(1));
    let mut out: Vec<Option<T>> = std::iter::repeat_with(|| None).take(count).collect();
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(AzureError::ReadCancelled),
            next = answers.next() => next,
        };
        match next {
            None => break,
            Some((i, Ok(answer))) => {
                done(i, &answer);
                if let Some(slot) = out.get_mut(i) {
                    *slot = Some(answer);
                }
            }
            Some((_, Err(e))) => return Err(e),
        }
    }
    Ok(out.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_in_flight_and_answers_in_order() {
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let started = tokio::time::Instant::now();
        let answers = fan_out((0..40u64).collect(), 8, &Cancel::default(), |i| {
            let (in_flight, most) = (&in_flight, &most);
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100 + (i % 3) * 10)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(i * 2)
            }
        })
        .await
        .expect("reads");
        assert_eq!(answers, (0..40u64).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 8);
        assert!(started.elapsed() < Duration::from_millis(700), "40 reads of ~100 ms, 8 at a time: {:?}", started.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn cancel_ends_reads_in_flight() {
        let cancel = Cancel::default();
        let stopper = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            stopper.cancel();
        });
        let started = tokio::time::Instant::now();
        let answer = fan_out(vec![(); 4], 2, &cancel, |_| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        })
        .await;
        assert!(matches!(answer, Err(AzureError::ReadCancelled)));
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test]
    async fn the_first_error_ends_the_read() {
        let answer = fan_out((0..10).collect(), 3, &Cancel::default(), |i| async move {
            if i == 4 {
                Err(AzureError::InvalidInput("four".into()))
            } else {
                Ok(i)
            }
        })
        .await;
        assert!(matches!(answer, Err(AzureError::InvalidInput(m)) if m == "four"));
    }
}
