//! Resource Graph's per-user quota: `limit` queries per `window_secs`
//! window (15 per 5 s by default, as Azure documents), reported on every
//! answer in `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

pub const DEFAULT_LIMIT: u32 = 15;
pub const DEFAULT_WINDOW_SECS: u64 = 5;

#[derive(Debug, Clone)]
pub struct Quota {
    pub limit: u32,
    pub window_secs: u64,
    /// Per caller object id: (window start, queries used in it).
    windows: HashMap<String, (DateTime<Utc>, u32)>,
}

impl Default for Quota {
    fn default() -> Self {
        Quota { limit: DEFAULT_LIMIT, window_secs: DEFAULT_WINDOW_SECS, windows: HashMap::new() }
    }
}

/// The outcome of one query against the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spend {
    pub allowed: bool,
    pub remaining: u32,
    /// Milliseconds until the window resets.
    pub resets_after_ms: i64,
}

impl Quota {
    /// Count one query of `user` at `now` (a refused one is not counted).
    pub fn spend(&mut self, user: &str, now: DateTime<Utc>) -> Spend {
        let window_ms = i64::try_from(self.window_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        let entry = self.windows.entry(user.to_ascii_lowercase()).or_insert((now, 0));
        let elapsed = (now - entry.0).num_milliseconds();
        if elapsed >= window_ms || elapsed < 0 {
            *entry = (now, 0);
        }
        let resets_after_ms = window_ms.saturating_sub((now - entry.0).num_milliseconds()).max(0);
        if entry.1 >= self.limit {
            return Spend { allowed: false, remaining: 0, resets_after_ms };
        }
        entry.1 += 1;
        Spend { allowed: true, remaining: self.limit - entry.1, resets_after_ms }
    }

    pub fn clear(&mut self) {
        self.windows.clear();
    }
}

/// `hh:mm:ss` for `x-ms-user-quota-resets-after` (rounded up to the second).
pub fn hms(ms: i64) -> String {
    let s = (ms.max(0) + 999) / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_user_and_window() {
        let mut q = Quota { limit: 2, window_secs: 5, ..Quota::default() };
        let t0 = Utc::now();
        assert_eq!(q.spend("a", t0).remaining, 1);
        assert_eq!(q.spend("a", t0).remaining, 0);
        let refused = q.spend("a", t0 + chrono::Duration::seconds(1));
        assert!(!refused.allowed);
        assert_eq!(refused.resets_after_ms, 4000);
        assert!(q.spend("b", t0).allowed);
        assert!(q.spend("a", t0 + chrono::Duration::seconds(5)).allowed);
        assert_eq!(hms(4000), "00:00:04");
        assert_eq!(hms(3_723_001), "01:02:04");
    }
}
