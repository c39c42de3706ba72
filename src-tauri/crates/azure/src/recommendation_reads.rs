//! The tenant's recommendations with their resource counts, read in parts so
//! the list shows at once and its counts grow as the rest is counted.
//!
//! Counting goes through Resource Graph first: one `summarize` query over a
//! small first chunk of the subscriptions, then the rest in a few larger
//! chunks at once (no more than the caller's Resource Graph quota leaves room
//! for; a query the quota holds up waits as [`Tenant::graph_query`] does). A
//! chunk Resource Graph cannot count (denied, throttled beyond patience,
//! unavailable) is counted from ARM instead: each of its subscriptions'
//! assessment lists, [`crate::ReadOptions::concurrency`] at a time. Each part
//! is summed into the counts so far and, joined with Defender's
//! `assessmentMetadata` and sorted as the finished list, handed over whole
//! ([`RecommendationsSoFar`]): a screen replaces what it shows. Parts go over
//! when the subscriptions counted pass a milestone (about every twentieth, and
//! the last), so hundreds of subscriptions make some twenty parts of a few
//! hundred rows, however fast the answers come. Custom recommendations (keys
//! the provider's metadata lacks) are named from the subscriptions' own
//! metadata lists, read as soon as a part shows one, while the rest is counted.

use std::collections::BTreeMap;

use desk_core::arm_path::ArmPath;
use desk_core::recommendation::{without_metadata, Recommendation, RecommendationsSoFar};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::sync::oneshot;

use crate::apply::Cancel;
use crate::error::AzureError;
use crate::fan_out::fan_out;
use crate::parse;
use crate::rows::{Unwatched, Watch};
use crate::tenant::{check_subscription_ids, count, falling_back, recommendation, until_cancelled, Counts, Tenant};

/// About how many parts a read is handed over in (and the last).
const PARTS: usize = 20;
/// Resource Graph queries in flight at once after the first…
const MORE_CHUNKS: usize = 4;
/// …leaving this many of the caller's quota to the app's other reads.
const QUOTA_RESERVE: u64 = 3;

type Metadata = BTreeMap<String, parse::Metadata>;

/// What one chunk (or one subscription) counted.
struct Part {
    counts: Counts,
    subscriptions: usize,
}

/// How many subscriptions the first query counts, and how many make a
/// milestone: a twentieth, at least one.
fn step(subscriptions: usize) -> usize {
    (subscriptions / PARTS).max(1)
}

/// `ids` in `chunks` chunks of near-equal size (fewer when there are fewer ids).
fn split(ids: &[String], chunks: usize) -> Vec<Vec<String>> {
    if ids.is_empty() {
        return Vec::new();
    }
    let size = ids.len().div_ceil(chunks.clamp(1, ids.len()));
    ids.chunks(size).map(<[String]>::to_vec).collect()
}

/// How many chunks to count at once with `quota_left` Resource Graph queries left.
fn at_once(quota_left: Option<u64>) -> usize {
    match quota_left {
        None => MORE_CHUNKS,
        Some(left) => usize::try_from(left.saturating_sub(QUOTA_RESERVE)).unwrap_or(MORE_CHUNKS).clamp(1, MORE_CHUNKS),
    }
}

/// Add `part` into `into`: counts summed, the first display name kept.
fn merge(into: &mut Counts, part: Counts) {
    for (lower, (key, display_name, counts)) in part {
        let entry = into.entry(lower).or_insert_with(|| (key, None, [0; 4]));
        if entry.1.is_none() {
            entry.1 = display_name;
        }
        for (sum, n) in entry.2.iter_mut().zip(counts) {
            *sum = sum.saturating_add(n);
        }
    }
}

/// The counts joined with the metadata, most severe and most widespread first.
fn joined(counts: &Counts, metadata: &Metadata) -> Vec<Recommendation> {
    let mut list: Vec<Recommendation> = counts
        .iter()
        .map(|(lower, (key, display_name, [healthy, unhealthy, not_applicable, exempted]))| {
            let mut r = match metadata.get(lower) {
                Some(meta) => recommendation(key, meta),
                None => without_metadata(key, display_name.as_deref()),
            };
            r.healthy_count = *healthy;
            r.unhealthy_count = *unhealthy;
            r.not_applicable_count = *not_applicable;
            r.exempted_count = *exempted;
            r
        })
        .collect();
    // Stable: equal rows stay in key order.
    list.sort_by(|a, b| a.severity.cmp(&b.severity).then(b.unhealthy_count.cmp(&a.unhealthy_count)));
    list
}

/// The counts so far, and when the next part is due.
struct Tally {
    counts: Counts,
    counted: usize,
    total: usize,
    next: usize,
}

impl Tally {
    fn new(total: usize) -> Self {
        Tally { counts: Counts::new(), counted: 0, total, next: step(total) }
    }

    /// Add a part; whether the list so far is due to be handed over (a
    /// milestone passed, or every subscription is counted).
    fn add(&mut self, part: Part) -> bool {
        merge(&mut self.counts, part.counts);
        self.counted = self.counted.saturating_add(part.subscriptions).min(self.total);
        if self.counted < self.next && self.counted < self.total {
            return false;
        }
        let step = step(self.total);
        self.next = (self.counted / step).saturating_add(1).saturating_mul(step);
        true
    }

    fn so_far(&self, metadata: &Metadata) -> RecommendationsSoFar {
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        RecommendationsSoFar { recommendations: joined(&self.counts, metadata), counted: n(self.counted), subscriptions: n(self.total) }
    }
}

/// Sends a part to be tallied; the tally is gone only when the read already failed.
fn send(to_tally: &UnboundedSender<Part>, counts: Counts, subscriptions: usize) {
    if to_tally.send(Part { counts, subscriptions }).is_err() {
        tracing::debug!("the recommendations' read ended before a part was tallied");
    }
}

impl Tenant {
    /// Recommendations assessed in these subscriptions, with resource counts
    /// summed across them, most severe and most widespread first.
    ///
    /// The assessments are counted without `$expand` (the 2021-06-01 spec has
    /// none on the list) and joined by key (the assessment's `name`) to the
    /// documented `assessmentMetadata` list, read once at the provider; the
    /// subscription-level lists (custom recommendations) are read only when
    /// some key is missing there. A recommendation still without metadata is
    /// listed with what its assessments say and cannot be exempted; an
    /// unreadable metadata item, an unknown severity, type or status leaves
    /// the rest of the list intact.
    pub async fn recommendations(&self, subscription_ids: &[String]) -> Result<Vec<Recommendation>, AzureError> {
        self.recommendations_watched(subscription_ids, Watch { rows: &Unwatched, cancel: &Cancel::default() }).await
    }

    /// [`Tenant::recommendations`], handing the list so far over after each
    /// part is counted (the last part's list is the answer, unless custom
    /// recommendations' metadata was read after it: then that list is handed
    /// over too), and stopping with [`AzureError::ReadCancelled`] when the
    /// watcher cancels.
    pub async fn recommendations_watched(
        &self,
        subscription_ids: &[String],
        watch: Watch<'_, RecommendationsSoFar>,
    ) -> Result<Vec<Recommendation>, AzureError> {
        check_subscription_ids(subscription_ids)?;
        until_cancelled(watch.cancel, Box::pin(self.recommendations_read(subscription_ids, watch))).await
    }

    async fn recommendations_read(
        &self,
        subscription_ids: &[String],
        watch: Watch<'_, RecommendationsSoFar>,
    ) -> Result<Vec<Recommendation>, AzureError> {
        let provider = ArmPath::root().provider("Microsoft.Security", ["assessmentMetadata"])?;
        // Reading one call after another: the metadata first, then the counts.
        let early = if self.options.limit() > 1 { None } else { Some(self.metadata_list(&provider).await?) };
        let (to_tally, mut parts) = unbounded_channel::<Part>();
        // Told once a part names a recommendation the provider's metadata
        // lacks (a custom one): the subscriptions' own lists are then read
        // while the rest is counted (after it, when reading one call after another).
        let concurrent = self.options.limit() > 1;
        let (custom_found, custom_wanted) = oneshot::channel::<()>();
        let counting = async move {
            // The sender ends with the counting, and so does the tally's loop.
            let to_tally = to_tally;
            self.count_in_parts(subscription_ids, watch.cancel, &to_tally).await
        };
        let tallying = async {
            let metadata = match early {
                Some(metadata) => metadata,
                None => self.metadata_list(&provider).await?,
            };
            let mut custom_found = Some(custom_found);
            let mut missing = false;
            let mut tally = Tally::new(subscription_ids.len());
            while let Some(part) = parts.recv().await {
                if !missing && part.counts.keys().any(|k| !metadata.contains_key(k)) {
                    missing = true;
                    if let Some(found) = custom_found.take().filter(|_| concurrent) {
                        if found.send(()).is_err() {
                            tracing::debug!("the recommendations' read ended before custom metadata was read");
                        }
                    }
                }
                if tally.add(part) {
                    watch.rows.arrived(std::slice::from_ref(&tally.so_far(&metadata)));
                }
            }
            Ok::<_, AzureError>((tally, metadata, missing))
        };
        // Every subscription's list; the first to name a key wins.
        let read_custom = || {
            fan_out(subscription_ids.to_vec(), self.options.limit(), watch.cancel, |id| async move {
                let path = ArmPath::subscription(&id)?.provider("Microsoft.Security", ["assessmentMetadata"])?;
                self.metadata_list(&path).await
            })
        };
        let custom = async {
            // No custom recommendation (or one call after another): the sender is dropped unused.
            match custom_wanted.await {
                Ok(()) => read_custom().await.map(Some),
                Err(_) => Ok(None),
            }
        };
        let ((), (tally, mut metadata, missing), lists) = tokio::try_join!(counting, tallying, custom)?;
        let lists = match lists {
            Some(lists) => lists,
            None if missing => read_custom().await?,
            None => Vec::new(),
        };
        if missing {
            for (k, m) in lists.into_iter().flatten() {
                metadata.entry(k).or_insert(m);
            }
            watch.rows.arrived(std::slice::from_ref(&tally.so_far(&metadata)));
        }
        Ok(joined(&tally.counts, &metadata))
    }

    /// Count every subscription's assessments, sending each chunk's (or
    /// subscription's) counts to be tallied as they arrive.
    async fn count_in_parts(
        &self,
        subscription_ids: &[String],
        cancel: &Cancel,
        to_tally: &UnboundedSender<Part>,
    ) -> Result<(), AzureError> {
        let left = if self.options.resource_graph && !subscription_ids.is_empty() {
            self.graph_count_in_parts(subscription_ids, cancel, to_tally).await?
        } else {
            subscription_ids.to_vec()
        };
        fan_out(left, self.options.limit(), cancel, |id| async move {
            let mut counts = Counts::new();
            for item in self.assessments(&id).await? {
                let (key, status, display_name, exempt) = parse::assessment_summary(&item)?;
                count(&mut counts, &key, display_name, status, exempt, 1);
            }
            send(to_tally, counts, 1);
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// Count through Resource Graph: a small first chunk, then the rest a few
    /// chunks at once. Answers the subscriptions it could not count (every one
    /// when the first query fails), for ARM to count.
    async fn graph_count_in_parts(
        &self,
        subscription_ids: &[String],
        cancel: &Cancel,
        to_tally: &UnboundedSender<Part>,
    ) -> Result<Vec<String>, AzureError> {
        let (first, rest) = subscription_ids.split_at(step(subscription_ids.len()).min(subscription_ids.len()));
        let quota_left = match self.graph_assessment_counts(first, cancel).await {
            Ok((counts, quota_left)) => {
                send(to_tally, counts, first.len());
                quota_left
            }
            Err(failed) => {
                falling_back("recommendations", failed)?;
                return Ok(subscription_ids.to_vec());
            }
        };
        let at_once = at_once(quota_left);
        let uncounted = fan_out(split(rest, at_once), at_once, cancel, |chunk| async move {
            match self.graph_assessment_counts(&chunk, cancel).await {
                Ok((counts, _)) => {
                    send(to_tally, counts, chunk.len());
                    Ok(Vec::new())
                }
                Err(failed) => {
                    falling_back("recommendations", failed)?;
                    Ok(chunk)
                }
            }
        })
        .await?;
        Ok(uncounted.into_iter().flatten().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| i.to_string()).collect()
    }

    #[test]
    fn the_first_chunk_is_a_twentieth_and_the_rest_splits_evenly() {
        assert_eq!(step(200), 10);
        assert_eq!(step(3), 1);
        assert_eq!(step(0), 1);
        let sizes = |n: usize, k: usize| split(&ids(n), k).iter().map(Vec::len).collect::<Vec<_>>();
        assert_eq!(sizes(190, 4), vec![48, 48, 48, 46]);
        assert_eq!(sizes(2, 4), vec![1, 1]);
        assert_eq!(sizes(5, 0), vec![5]);
        assert!(split(&[], 4).is_empty());
    }

    #[test]
    fn the_quota_left_bounds_the_queries_at_once() {
        assert_eq!(at_once(None), MORE_CHUNKS);
        assert_eq!(at_once(Some(14)), MORE_CHUNKS);
        assert_eq!(at_once(Some(5)), 2);
        assert_eq!(at_once(Some(0)), 1);
        assert_eq!(at_once(Some(u64::MAX)), MORE_CHUNKS);
    }

    #[test]
    fn parts_are_due_at_each_milestone_and_the_last() {
        let part = |n: usize| Part { counts: Counts::new(), subscriptions: n };
        let mut tally = Tally::new(200);
        let due: Vec<bool> = [10, 1, 8, 1, 48, 132].into_iter().map(|n| tally.add(part(n))).collect();
        assert_eq!(due, vec![true, false, false, true, true, true]);
        assert_eq!(tally.counted, 200);
        let mut few = Tally::new(3);
        assert!((0..3).all(|_| few.add(part(1))), "each of three subscriptions is a part");
    }

    #[test]
    fn parts_are_summed_per_recommendation() {
        let mut sum = Counts::new();
        let mut a = Counts::new();
        count(&mut a, "Key", None, parse::Status::Unhealthy, false, 2);
        let mut b = Counts::new();
        count(&mut b, "key", Some("Name".into()), parse::Status::Unhealthy, false, 3);
        count(&mut b, "key", None, parse::Status::NotApplicable, true, 1);
        merge(&mut sum, a);
        merge(&mut sum, b);
        assert_eq!(sum.get("key"), Some(&("Key".to_owned(), Some("Name".to_owned()), [0, 5, 1, 1])));
    }
}
