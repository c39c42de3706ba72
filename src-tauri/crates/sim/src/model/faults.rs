//! What fault injection is configured to do (`POST /_sim/faults`) and the
//! seeded draws deciding it per request; the middleware applying it is
//! `crate::faults`. Imports nothing of the simulator but the throttle's
//! configuration (itself a leaf).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::throttle::ThrottleConfig;

/// Response extension: the server closes the connection instead of answering.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Latency {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uniform_min: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uniform_max: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exponential_mean: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// Glob over the request path, case-insensitive: `*` = any characters
    /// within one segment, `**` = anything (including `/`).
    pub path_pattern: String,
    /// HTTP methods the rule applies to (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<Latency>,
    /// Share (0..1) of requests answered with `errorStatus`.
    #[serde(default)]
    pub error_rate: f64,
    /// 500 or 503 (default 503).
    #[serde(default = "default_status")]
    pub error_status: u16,
    /// `Retry-After` seconds on injected errors (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
    /// Share (0..1) of requests whose connection is dropped.
    #[serde(default)]
    pub drop_rate: f64,
}

fn default_status() -> u16 {
    503
}

/// The body of `POST /_sim/faults` (and the answer of `GET /_sim/faults`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultConfig {
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<ThrottleConfig>,
}

/// (latency ms, drop the connection?, injected error (status, Retry-After))
pub type Draw = (u64, bool, Option<(u16, Option<u64>)>);

#[derive(Debug)]
pub struct Faults {
    pub config: FaultConfig,
    rng: StdRng,
}

impl Default for Faults {
    fn default() -> Self {
        Faults { config: FaultConfig::default(), rng: StdRng::seed_from_u64(0) }
    }
}

impl FaultConfig {
    pub fn validate(&self) -> Result<(), String> {
        for r in &self.rules {
            if !(0.0..=1.0).contains(&r.error_rate) || !(0.0..=1.0).contains(&r.drop_rate) {
                return Err(format!("{}: errorRate and dropRate must be between 0 and 1", r.path_pattern));
            }
            if ![500, 502, 503, 504].contains(&r.error_status) {
                return Err(format!("{}: errorStatus must be 500, 502, 503 or 504", r.path_pattern));
            }
            if let Some(l) = &r.latency_ms {
                let shapes = [l.fixed.is_some(), l.uniform_min.is_some() || l.uniform_max.is_some(), l.exponential_mean.is_some()];
                if shapes.iter().filter(|x| **x).count() != 1 {
                    return Err(format!(
                        "{}: latencyMs needs exactly one of fixed, uniformMin+uniformMax, exponentialMean",
                        r.path_pattern
                    ));
                }
                if l.uniform_min.is_some() != l.uniform_max.is_some() || l.uniform_min > l.uniform_max {
                    return Err(format!("{}: latencyMs needs uniformMin <= uniformMax", r.path_pattern));
                }
            }
        }
        Ok(())
    }
}

impl Faults {
    pub fn set(&mut self, config: FaultConfig) {
        self.rng = StdRng::seed_from_u64(config.seed);
        self.config = config;
    }

    fn latency(&mut self, l: &Latency) -> u64 {
        if let Some(f) = l.fixed {
            return f;
        }
        if let (Some(a), Some(b)) = (l.uniform_min, l.uniform_max) {
            return self.rng.gen_range(a..=b);
        }
        let mean = l.exponential_mean.unwrap_or(0) as f64;
        let u: f64 = self.rng.gen_range(f64::EPSILON..1.0);
        (-mean * u.ln()).round() as u64
    }

    /// Decide what happens to one request: (latency, drop?, error status).
    pub fn draw(&mut self, method: &str, path: &str) -> Option<Draw> {
        let rule = self
            .config
            .rules
            .iter()
            .find(|r| glob(&r.path_pattern, path) && r.methods.as_ref().is_none_or(|m| m.iter().any(|x| x.eq_ignore_ascii_case(method))))?
            .clone();
        let latency = rule.latency_ms.as_ref().map(|l| self.latency(l)).unwrap_or(0);
        let dropped = rule.drop_rate > 0.0 && self.rng.gen_bool(rule.drop_rate);
        let error = (!dropped && rule.error_rate > 0.0 && self.rng.gen_bool(rule.error_rate))
            .then_some((rule.error_status, rule.retry_after_seconds));
        Some((latency, dropped, error))
    }
}

/// Case-insensitive glob: `*` matches within a segment, `**` across segments.
pub fn glob(pattern: &str, path: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p {
            [] => s.is_empty(),
            [b'*', b'*', rest @ ..] => (0..=s.len()).any(|i| go(rest, &s[i..])),
            [b'*', rest @ ..] => (0..=s.len()).take_while(|&i| i == 0 || s[i - 1] != b'/').any(|i| go(rest, &s[i..])),
            [c, rest @ ..] => s.first().is_some_and(|d| c.eq_ignore_ascii_case(d)) && go(rest, &s[1..]),
        }
    }
    go(pattern.as_bytes(), path.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let p = "/subscriptions/*/providers/Microsoft.Authorization/policyExemptions/*";
        assert!(glob(p, "/subscriptions/abc/providers/microsoft.authorization/policyExemptions/x"));
        assert!(!glob(p, "/subscriptions/abc/resourceGroups/r/providers/Microsoft.Authorization/policyExemptions/x"));
        assert!(glob(
            "/subscriptions/**/policyExemptions/*",
            "/subscriptions/abc/resourceGroups/r/providers/Microsoft.Authorization/policyExemptions/x"
        ));
        assert!(glob("**", "/anything/at/all"));
    }

    #[test]
    fn seeded_draws_repeat() {
        let cfg = FaultConfig {
            seed: 42,
            rules: vec![Rule {
                path_pattern: "**".into(),
                methods: None,
                latency_ms: Some(Latency { fixed: None, uniform_min: Some(1), uniform_max: Some(100), exponential_mean: None }),
                error_rate: 0.3,
                error_status: 503,
                retry_after_seconds: None,
                drop_rate: 0.1,
            }],
            throttle: None,
        };
        assert!(cfg.validate().is_ok());
        let run = || {
            let mut f = Faults::default();
            f.set(cfg.clone());
            (0..50).map(|_| f.draw("GET", "/x")).collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert!(a.iter().any(|d| d.is_some_and(|d| d.1)) && a.iter().any(|d| d.is_some_and(|d| d.2.is_some())));
    }
}
