//! ARM's request throttling: token buckets per (subscription or tenant,
//! principal, kind). Azure's numbers: reads 250 refilled at 25/s, writes and
//! deletes 200 refilled at 10/s each. Refill uses real (wall-clock) time, not
//! the simulated clock, so benchmarks measure it.

use std::collections::HashMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketConfig {
    pub capacity: f64,
    pub refill_per_second: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ThrottleConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "reads")]
    pub reads: BucketConfig,
    #[serde(default = "writes")]
    pub writes: BucketConfig,
    #[serde(default = "writes")]
    pub deletes: BucketConfig,
}

fn yes() -> bool {
    true
}
fn reads() -> BucketConfig {
    BucketConfig { capacity: 250.0, refill_per_second: 25.0 }
}
fn writes() -> BucketConfig {
    BucketConfig { capacity: 200.0, refill_per_second: 10.0 }
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig { enabled: true, reads: reads(), writes: writes(), deletes: writes() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Reads,
    Writes,
    Deletes,
}

impl Kind {
    pub fn of(method: &axum::http::Method) -> Kind {
        match *method {
            axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS => Kind::Reads,
            axum::http::Method::DELETE => Kind::Deletes,
            _ => Kind::Writes,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Kind::Reads => "reads",
            Kind::Writes => "writes",
            Kind::Deletes => "deletes",
        }
    }
}

#[derive(Debug, Clone)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// Refill for the time since the last call; take a token when one is
    /// there. `Err(seconds until one is)` otherwise.
    fn take(&mut self, cfg: BucketConfig, now: Instant) -> Result<u64, u64> {
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * cfg.refill_per_second).min(cfg.capacity);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(self.tokens.floor() as u64)
        } else {
            let wait = if cfg.refill_per_second > 0.0 { (1.0 - self.tokens) / cfg.refill_per_second } else { 3600.0 };
            Err(wait.ceil().clamp(1.0, 3600.0) as u64)
        }
    }

    fn peek(&self) -> u64 {
        self.tokens.max(0.0).floor() as u64
    }
}

/// Azure's global subscription limit is 15 times a principal's, shared by
/// every principal calling that subscription.
pub const GLOBAL_FACTOR: f64 = 15.0;

/// The outcome of taking a token.
#[derive(Debug, Clone, PartialEq)]
pub enum Taken {
    /// Throttling is off.
    Off,
    /// Allowed; the `x-ms-ratelimit-remaining-*` headers to send, each with
    /// the whole tokens left.
    Allowed { headers: Vec<(String, u64)> },
    /// Refused; seconds until a token is available, the headers to send, and
    /// whether the subscription's global bucket (not the principal's) was empty.
    Throttled { headers: Vec<(String, u64)>, retry_after: u64, global: bool },
}

#[derive(Debug, Default)]
pub struct Throttle {
    pub config: ThrottleConfig,
    buckets: HashMap<(String, String, Kind), Bucket>,
}

/// The principal key of a subscription's global bucket (no object id looks like it).
const GLOBAL: &str = "*global*";

impl Throttle {
    pub fn set_config(&mut self, config: ThrottleConfig) {
        self.config = config;
        self.buckets.clear();
    }

    /// Refill every bucket (on `/_sim/reset`).
    pub fn refill(&mut self) {
        self.buckets.clear();
    }

    /// Take one token for `principal` at `subscription` (`None` = tenant
    /// level). A subscription call also takes one from the subscription's
    /// global bucket (every principal together), as ARM does since 2024.
    pub fn take(&mut self, subscription: Option<&str>, principal: &str, kind: Kind) -> Taken {
        if !self.config.enabled {
            return Taken::Off;
        }
        let cfg = match kind {
            Kind::Reads => self.config.reads,
            Kind::Writes => self.config.writes,
            Kind::Deletes => self.config.deletes,
        };
        let level = if subscription.is_some() { "subscription" } else { "tenant" };
        let header = format!("x-ms-ratelimit-remaining-{level}-{}", kind.name());
        let scope = subscription.unwrap_or("").to_ascii_lowercase();
        let now = Instant::now();
        let own_key = (scope.clone(), principal.to_ascii_lowercase(), kind);
        let global_cfg = BucketConfig { capacity: cfg.capacity * GLOBAL_FACTOR, refill_per_second: cfg.refill_per_second * GLOBAL_FACTOR };
        let own = self.buckets.entry(own_key.clone()).or_insert(Bucket { tokens: cfg.capacity, last: now });
        let own_result = own.take(cfg, now);
        let Some(_) = subscription else {
            return match own_result {
                Ok(remaining) => Taken::Allowed { headers: vec![(header, remaining)] },
                Err(retry_after) => Taken::Throttled { headers: vec![(header, 0)], retry_after, global: false },
            };
        };
        let global_header = format!("x-ms-ratelimit-remaining-subscription-global-{}", kind.name());
        let global_key = (scope, GLOBAL.to_string(), kind);
        match own_result {
            Err(retry_after) => {
                let global_left = self.buckets.get(&global_key).map(Bucket::peek).unwrap_or(global_cfg.capacity as u64);
                Taken::Throttled { headers: vec![(header, 0), (global_header, global_left)], retry_after, global: false }
            }
            Ok(remaining) => {
                let global = self.buckets.entry(global_key).or_insert(Bucket { tokens: global_cfg.capacity, last: now });
                match global.take(global_cfg, now) {
                    Ok(global_left) => Taken::Allowed { headers: vec![(header, remaining), (global_header, global_left)] },
                    Err(retry_after) => {
                        // Refused: give the principal its token back.
                        if let Some(b) = self.buckets.get_mut(&own_key) {
                            b.tokens = (b.tokens + 1.0).min(cfg.capacity);
                        }
                        Taken::Throttled { headers: vec![(header, remaining + 1), (global_header, 0)], retry_after, global: true }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_drain_and_are_separate() {
        let mut t = Throttle::default();
        t.set_config(ThrottleConfig { writes: BucketConfig { capacity: 2.0, refill_per_second: 0.5 }, ..Default::default() });
        let sub = Some("S");
        let allowed = |t: &Taken| match t {
            Taken::Allowed { headers } => headers.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            allowed(&t.take(sub, "p", Kind::Writes)),
            vec![
                ("x-ms-ratelimit-remaining-subscription-writes".to_string(), 1),
                ("x-ms-ratelimit-remaining-subscription-global-writes".to_string(), 29)
            ]
        );
        assert_eq!(allowed(&t.take(sub, "p", Kind::Writes))[0].1, 0);
        match t.take(sub, "p", Kind::Writes) {
            Taken::Throttled { headers, retry_after, global } => {
                assert_eq!(headers[0], ("x-ms-ratelimit-remaining-subscription-writes".to_string(), 0));
                assert_eq!(retry_after, 2);
                assert!(!global);
            }
            other => panic!("{other:?}"),
        }
        // Another principal, another subscription, reads: own buckets.
        assert!(matches!(t.take(sub, "q", Kind::Writes), Taken::Allowed { .. }));
        assert!(matches!(t.take(Some("T"), "p", Kind::Writes), Taken::Allowed { .. }));
        assert_eq!(allowed(&t.take(None, "p", Kind::Reads)), vec![("x-ms-ratelimit-remaining-tenant-reads".to_string(), 249)]);
        t.config.enabled = false;
        assert_eq!(t.take(sub, "p", Kind::Writes), Taken::Off);
    }

    #[test]
    fn the_global_bucket_is_shared_by_every_principal() {
        let mut t = Throttle::default();
        t.set_config(ThrottleConfig { reads: BucketConfig { capacity: 1.0, refill_per_second: 0.0001 }, ..Default::default() });
        // 15 principals may each read once; the 16th finds the global bucket empty.
        for p in 0..15 {
            assert!(matches!(t.take(Some("S"), &format!("p{p}"), Kind::Reads), Taken::Allowed { .. }), "{p}");
        }
        match t.take(Some("S"), "p15", Kind::Reads) {
            Taken::Throttled { global, headers, .. } => {
                assert!(global);
                assert_eq!(headers[1], ("x-ms-ratelimit-remaining-subscription-global-reads".to_string(), 0));
                assert_eq!(headers[0].1, 1, "the principal's own token is given back");
            }
            other => panic!("{other:?}"),
        }
    }
}
