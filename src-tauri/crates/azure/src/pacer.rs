//! Client-side pacing of writes to one subscription, or to the tenant's
//! management groups: spend ARM's write budget as it is reported
//! (`x-ms-ratelimit-remaining-subscription-writes`, or `…-tenant-writes` for
//! writes above subscriptions), then send at its refill rate instead of
//! running into 429s.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// No single wait is longer (a `Retry-After` is clamped to this too).
const MAX_WAIT: Duration = crate::http::MAX_RETRY_AFTER;

pub struct Pacer {
    refill_per_second: f64,
    state: Mutex<State>,
}

struct State {
    /// Writes we believe are left; unknown (unbounded) until ARM first says.
    tokens: f64,
    known: bool,
    last: Instant,
    blocked_until: Option<Instant>,
}

impl Pacer {
    pub fn new(refill_per_second: f64) -> Self {
        // A rate of nothing (or not a number) would wait for ever: ARM's public rate instead.
        let refill_per_second = if refill_per_second.is_finite() && refill_per_second > 0.0 { refill_per_second } else { 10.0 };
        Pacer { refill_per_second, state: Mutex::new(State { tokens: 0.0, known: false, last: Instant::now(), blocked_until: None }) }
    }

    /// Wait until a write may be sent, and take one token.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut s = self.state.lock().await;
                let now = Instant::now();
                let elapsed = now.duration_since(s.last).as_secs_f64();
                s.last = now;
                if s.known {
                    s.tokens += elapsed * self.refill_per_second;
                }
                match s.blocked_until {
                    Some(until) if until > now => until - now,
                    _ if !s.known => return,
                    _ if s.tokens >= 1.0 => {
                        s.tokens -= 1.0;
                        return;
                    }
                    _ => Duration::try_from_secs_f64((1.0 - s.tokens) / self.refill_per_second).unwrap_or(MAX_WAIT).min(MAX_WAIT),
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// ARM reported how many writes are left after one of ours.
    pub async fn observe_remaining(&self, remaining: u32) {
        let mut s = self.state.lock().await;
        let remaining = f64::from(remaining);
        if !s.known || remaining < s.tokens {
            s.tokens = remaining;
        }
        s.known = true;
    }

    /// ARM throttled us: send nothing until `retry_after` has passed.
    pub async fn throttled(&self, retry_after: Duration) {
        let mut s = self.state.lock().await;
        let now = Instant::now();
        let until = now.checked_add(retry_after.min(MAX_WAIT)).unwrap_or(now);
        s.blocked_until = Some(s.blocked_until.map_or(until, |b| b.max(until)));
        s.tokens = 0.0;
        s.known = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn sends_freely_until_told_then_at_the_refill_rate() {
        let pacer = Pacer::new(10.0);
        let start = Instant::now();
        for _ in 0..50 {
            pacer.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(1), "no pacing before ARM reports a budget");
        pacer.observe_remaining(2).await;
        for _ in 0..12 {
            pacer.acquire().await;
        }
        let waited = start.elapsed().as_secs_f64();
        assert!((0.95..1.1).contains(&waited), "2 left, then 10 at 10/s: ~1 s, took {waited}");
    }

    #[tokio::test(start_paused = true)]
    async fn absurd_waits_are_clamped_not_panics() {
        let pacer = Pacer::new(0.0);
        pacer.throttled(Duration::MAX).await;
        let start = Instant::now();
        pacer.acquire().await;
        let waited = start.elapsed();
        assert!(waited >= MAX_WAIT && waited < MAX_WAIT * 3, "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_blocks_for_retry_after() {
        let pacer = Pacer::new(10.0);
        pacer.throttled(Duration::from_secs(3)).await;
        let start = Instant::now();
        pacer.acquire().await;
        assert!(start.elapsed() >= Duration::from_secs(3));
    }
}
