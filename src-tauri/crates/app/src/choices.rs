//! The facts gathered for each *choice* (a recommendation and where to
//! exempt it), kept a few minutes so that a preparation which changes only
//! the name, display name, description, expiry or category sends no request:
//! the checks and the writes are decided again from the same facts
//! (`desk_core::choice::decide`), and the preview shows that decision.
//!
//! Facts are keyed by the session (who is signed in where) and the
//! normalised choice ([`ChoiceKey`]); at most [`CHOICES_MAX`] are kept, each
//! for at most [`CHOICE_AGE`]. Everything is dropped when the session
//! changes and whenever the app writes to Azure (an apply, a retry or
//! resume, a grant): what was read may not be true any more. "Check again"
//! drops one choice's facts so they are read anew. Two preparations of one
//! choice at once share one round of reads.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use desk_core::choice::{ChoiceFacts, ChoiceKey};
use tokio::sync::OnceCell;

use crate::lock;

/// At most this many choices' facts are kept.
pub const CHOICES_MAX: usize = 16;
/// Facts older than this are read again.
pub const CHOICE_AGE: Duration = Duration::from_secs(5 * 60);

type Key = (String, ChoiceKey);

struct Entry {
    facts: Arc<OnceCell<Arc<ChoiceFacts>>>,
    made: Instant,
}

pub struct ChoiceCache {
    entries: Mutex<HashMap<Key, Entry>>,
    capacity: usize,
    max_age: Duration,
}

impl Default for ChoiceCache {
    fn default() -> Self {
        ChoiceCache::with_limits(CHOICES_MAX, CHOICE_AGE)
    }
}

impl ChoiceCache {
    pub fn with_limits(capacity: usize, max_age: Duration) -> Self {
        ChoiceCache { entries: Mutex::new(HashMap::new()), capacity: capacity.max(1), max_age }
    }

    /// The facts for `choice` in `session`: kept ones while fresh, else those
    /// `gather` reads (kept only when it succeeds).
    pub async fn facts<E, F, Fut>(&self, session: &str, choice: ChoiceKey, gather: F) -> Result<Arc<ChoiceFacts>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<ChoiceFacts, E>>,
    {
        let cell = self.cell((session.to_owned(), choice), Instant::now());
        let facts = cell.get_or_try_init(|| async { gather().await.map(Arc::new) }).await?;
        Ok(facts.clone())
    }

    fn cell(&self, key: Key, now: Instant) -> Arc<OnceCell<Arc<ChoiceFacts>>> {
        let mut entries = lock(&self.entries);
        entries.retain(|_, e| now.saturating_duration_since(e.made) < self.max_age);
        if let Some(found) = entries.get(&key) {
            return found.facts.clone();
        }
        while entries.len() >= self.capacity {
            let Some(oldest) = entries.iter().min_by_key(|(_, e)| e.made).map(|(k, _)| k.clone()) else {
                break;
            };
            entries.remove(&oldest);
        }
        let facts = Arc::new(OnceCell::new());
        entries.insert(key, Entry { facts: facts.clone(), made: now });
        facts
    }

    /// Read this choice anew next time ("Check again").
    pub fn forget(&self, session: &str, choice: &ChoiceKey) {
        lock(&self.entries).remove(&(session.to_owned(), choice.clone()));
    }

    /// Read every choice anew: the app wrote to Azure, or the session changed.
    pub fn clear(&self) {
        lock(&self.entries).clear();
    }

    /// How many choices' facts are kept (or being read).
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use desk_core::recommendation::{AssessmentType, Recommendation, Severity};
    use desk_core::scope::ScopeChoice;

    use super::*;

    fn key(sub: &str) -> ChoiceKey {
        ChoiceKey::of("rec", &ScopeChoice::Subscriptions { ids: vec![sub.to_owned()] })
    }

    fn facts() -> ChoiceFacts {
        let recommendation = Recommendation {
            key: "rec".into(),
            display_name: "A recommendation".into(),
            description: String::new(),
            severity: Severity::High,
            assessment_type: AssessmentType::BuiltIn,
            policy_definition_id: None,
            unhealthy_count: 0,
            healthy_count: 0,
            not_applicable_count: 0,
            exempted_count: 0,
            not_exemptible_reason: None,
        };
        ChoiceFacts { recommendation, scopes: Vec::new() }
    }

    async fn read(cache: &ChoiceCache, session: &str, choice: ChoiceKey, reads: &AtomicU32) {
        let gathered: Result<_, ()> = cache
            .facts(session, choice, || async {
                reads.fetch_add(1, Ordering::SeqCst);
                Ok(facts())
            })
            .await;
        assert!(gathered.is_ok());
    }

    #[tokio::test]
    async fn one_read_per_choice_and_session_until_forgotten_or_cleared() {
        let cache = ChoiceCache::default();
        let reads = AtomicU32::new(0);
        read(&cache, "alex", key("a"), &reads).await;
        read(&cache, "alex", key("a"), &reads).await;
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        read(&cache, "morgan", key("a"), &reads).await;
        read(&cache, "alex", key("b"), &reads).await;
        assert_eq!(reads.load(Ordering::SeqCst), 3, "another session or scope reads");
        cache.forget("alex", &key("a"));
        read(&cache, "alex", key("a"), &reads).await;
        assert_eq!(reads.load(Ordering::SeqCst), 4);
        cache.clear();
        assert!(cache.is_empty());
        read(&cache, "alex", key("b"), &reads).await;
        assert_eq!(reads.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept() {
        let cache = ChoiceCache::default();
        let failed: Result<_, &str> = cache.facts("alex", key("a"), || async { Err("throttled") }).await;
        assert_eq!(failed.err(), Some("throttled"));
        let reads = AtomicU32::new(0);
        read(&cache, "alex", key("a"), &reads).await;
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn bounded_and_expired() {
        let cache = ChoiceCache::with_limits(3, Duration::from_secs(60));
        let reads = AtomicU32::new(0);
        for i in 0..100 {
            read(&cache, "alex", key(&i.to_string()), &reads).await;
        }
        assert_eq!(cache.len(), 3);
        let short = ChoiceCache::with_limits(3, Duration::ZERO);
        read(&short, "alex", key("a"), &reads).await;
        read(&short, "alex", key("a"), &reads).await;
        assert_eq!(reads.load(Ordering::SeqCst), 102, "expired facts are read again");
    }
}
