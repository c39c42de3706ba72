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

/// The outcome of taking a token.
#[derive(Debug, Clone, PartialEq)]
pub enum Taken {
    /// Throttling is off.
    Off,
    /// Allowed; the header to send and the whole tokens left.
    Allowed { header: String, remaining: u64 },
    /// Refused; seconds until a token is available.
    Throttled { header: String, retry_after: u64 },
}

#[derive(Debug, Default)]
pub struct Throttle {
    pub config: ThrottleConfig,
    buckets: HashMap<(String, String, Kind), Bucket>,
}

impl Throttle {
    pub fn set_config(&mut self, config: ThrottleConfig) {
        self.config = config;
        self.buckets.clear();
    }

    /// Refill every bucket (on `/_sim/reset`).
    pub fn refill(&mut self) {
        self.buckets.clear();
    }

    /// Take one token for `principal` at `subscription` (`None` = tenant level).
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
        let key = (subscription.unwrap_or("").to_ascii_lowercase(), principal.to_ascii_lowercase(), kind);
        let now = Instant::now();
        let b = self.buckets.entry(key).or_insert(Bucket { tokens: cfg.capacity, last: now });
        let elapsed = now.duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * cfg.refill_per_second).min(cfg.capacity);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Taken::Allowed { header, remaining: b.tokens.floor() as u64 }
        } else {
            let wait = if cfg.refill_per_second > 0.0 { (1.0 - b.tokens) / cfg.refill_per_second } else { 3600.0 };
            Taken::Throttled { header, retry_after: wait.ceil().max(1.0) as u64 }
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
        assert!(matches!(t.take(sub, "p", Kind::Writes), Taken::Allowed { remaining: 1, .. }));
        assert!(matches!(t.take(sub, "p", Kind::Writes), Taken::Allowed { remaining: 0, .. }));
        match t.take(sub, "p", Kind::Writes) {
            Taken::Throttled { header, retry_after } => {
                assert_eq!(header, "x-ms-ratelimit-remaining-subscription-writes");
                assert_eq!(retry_after, 2);
            }
            other => panic!("{other:?}"),
        }
        // Another principal, another subscription, reads: own buckets.
        assert!(matches!(t.take(sub, "q", Kind::Writes), Taken::Allowed { .. }));
        assert!(matches!(t.take(Some("T"), "p", Kind::Writes), Taken::Allowed { .. }));
        assert!(matches!(t.take(None, "p", Kind::Reads), Taken::Allowed { remaining: 249, ref header } if header == "x-ms-ratelimit-remaining-tenant-reads"));
        t.config.enabled = false;
        assert_eq!(t.take(sub, "p", Kind::Writes), Taken::Off);
    }
}
