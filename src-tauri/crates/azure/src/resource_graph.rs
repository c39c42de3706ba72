//! Azure Resource Graph (`POST /providers/Microsoft.ResourceGraph/resources`):
//! one paged KQL query across every subscription instead of a call per
//! subscription. Pages of at most 1,000 rows follow `$skipToken`; the
//! per-user quota (`x-ms-user-quota-remaining`, `…-resets-after`) is waited
//! for within a patience budget. Anything that makes Resource Graph unusable
//! (denied, throttled beyond patience, unavailable, a query it refuses) is
//! [`GraphFailed::Unusable`], and the caller reads the same rows from ARM.

use std::time::Duration;

use desk_core::arm_path::ArmPath;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::apply::Cancel;
use crate::error::AzureError;
use crate::tenant::Tenant;

pub const API_VERSION: &str = "2024-04-01";
/// Resource Graph's largest page.
const PAGE_ROWS: u32 = 1000;
/// Paging stops here (a misbehaving `$skipToken` cannot go on for ever).
const MAX_PAGES: usize = 1000;
/// How long one read waits, in all, for Resource Graph's quota before it
/// reads from ARM instead.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// Why a query gave no answer.
#[derive(Debug)]
pub(crate) enum GraphFailed {
    /// Resource Graph cannot serve this read: use ARM (the reason is logged).
    Unusable(String),
    /// The read itself must stop (cancelled, or an error ARM would give too).
    Stop(AzureError),
}

impl From<AzureError> for GraphFailed {
    fn from(e: AzureError) -> Self {
        match e {
            AzureError::ReadCancelled | AzureError::InvalidInput(_) => GraphFailed::Stop(e),
            other => GraphFailed::Unusable(other.to_string()),
        }
    }
}

/// Where a query looks: these subscriptions, or every one the caller can read.
pub(crate) enum Reach<'a> {
    Subscriptions(&'a [String]),
    Tenant,
}

/// Resource Graph's answer, as far as it is read.
#[derive(Deserialize)]
struct PageWire {
    #[serde(default)]
    data: Vec<Value>,
    #[serde(rename = "$skipToken", default)]
    skip_token: Option<String>,
    #[serde(rename = "totalRecords", default)]
    total_records: Option<u64>,
}

/// Azure's documented per-user quota: this many queries…
const QUOTA_QUERIES: u64 = 15;
/// …per this window.
const QUOTA_WINDOW: Duration = Duration::from_secs(5);

/// How long the quota would keep a read of `pages_left` more pages waiting,
/// with `quota_left` queries left in a window that resets after `resets`.
fn quota_wait(pages_left: u64, quota_left: u64, resets: Duration) -> Duration {
    if pages_left <= quota_left {
        return Duration::ZERO;
    }
    let windows = (pages_left - quota_left).div_ceil(QUOTA_QUERIES);
    let further = u32::try_from(windows.saturating_sub(1)).unwrap_or(u32::MAX);
    resets.saturating_add(QUOTA_WINDOW.saturating_mul(further))
}

/// `hh:mm:ss` (or `d.hh:mm:ss`) as ARG's `x-ms-user-quota-resets-after` spells it.
pub(crate) fn resets_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let (days, rest) = match value.split_once('.') {
        Some((d, rest)) if !d.contains(':') => (d.parse::<u64>().ok()?, rest),
        _ => (0, value),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let [h, m, s] = parts.as_slice() else { return None };
    let seconds = s.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0)?;
    let whole = days
        .saturating_mul(86_400)
        .saturating_add(h.parse::<u64>().ok()?.saturating_mul(3600))
        .saturating_add(m.parse::<u64>().ok()?.saturating_mul(60));
    Some(Duration::from_secs(whole).saturating_add(Duration::from_secs_f64(seconds.min(86_400.0))).min(crate::http::MAX_RETRY_AFTER))
}

fn header<'h>(headers: &'h reqwest::header::HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

impl Tenant {
    /// Every row `query` returns, page by page: `page` is called with each
    /// page's rows as it arrives. Waits for the quota at most [`PATIENCE`] in
    /// all, and not at all once `cancel` is set.
    pub(crate) async fn graph_query(
        &self,
        reach: Reach<'_>,
        query: &str,
        cancel: &Cancel,
        page: impl FnMut(Vec<Value>) -> Result<(), AzureError>,
    ) -> Result<(), GraphFailed> {
        self.graph_query_quota(reach, query, cancel, page).await.map(|_| ())
    }

    /// [`Tenant::graph_query`], answering how many queries the caller's
    /// quota had left after the last page (`None` when Resource Graph did not say).
    pub(crate) async fn graph_query_quota(
        &self,
        reach: Reach<'_>,
        query: &str,
        cancel: &Cancel,
        mut page: impl FnMut(Vec<Value>) -> Result<(), AzureError>,
    ) -> Result<Option<u64>, GraphFailed> {
        let path = ArmPath::root().provider("Microsoft.ResourceGraph", ["resources"]).map_err(AzureError::from)?;
        let mut body = json!({"query": query, "options": {"$top": PAGE_ROWS, "resultFormat": "objectArray"}});
        if let Reach::Subscriptions(ids) = reach {
            crate::tenant::check_subscription_ids(ids)?;
            body["subscriptions"] = json!(ids);
        }
        let mut waited = Duration::ZERO;
        let mut pages = 0;
        while pages < MAX_PAGES {
            if cancel.is_cancelled() {
                return Err(GraphFailed::Stop(AzureError::ReadCancelled));
            }
            let answer = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(GraphFailed::Stop(AzureError::ReadCancelled)),
                answer = self.arm.post_query(&path, API_VERSION, &body) => answer?,
            };
            let status = answer.status;
            let quota_left = header(&answer.headers, "x-ms-user-quota-remaining").and_then(|v| v.trim().parse::<u64>().ok());
            let resets = header(&answer.headers, "x-ms-user-quota-resets-after").and_then(resets_after);
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = answer.retry_after_seconds.map(Duration::from_secs).or(resets).unwrap_or(Duration::from_secs(1));
                self.wait_for_quota(wait, &mut waited, cancel).await?;
                continue;
            }
            let (_, value) = answer.into_result()?;
            let wire: PageWire = serde_json::from_value(value)
                .map_err(|e| GraphFailed::Unusable(format!("Resource Graph's answer was not understood: {e}")))?;
            pages += 1;
            let rows = wire.data.len() as u64;
            page(wire.data)?;
            let Some(token) = wire.skip_token.filter(|t| !t.is_empty()) else { return Ok(quota_left) };
            if pages == 1 {
                // A read the quota would hold up beyond patience goes to ARM now, not pages later.
                let pages_left = wire.total_records.unwrap_or(0).saturating_sub(rows).div_ceil(u64::from(PAGE_ROWS));
                let wait = quota_wait(pages_left, quota_left.unwrap_or(u64::MAX), resets.unwrap_or(QUOTA_WINDOW));
                if wait > PATIENCE {
                    return Err(GraphFailed::Unusable(format!(
                        "would keep this read of {pages_left} more pages waiting {} s for its quota",
                        wait.as_secs()
                    )));
                }
            }
            body["options"]["$skipToken"] = json!(token);
            if quota_left == Some(0) {
                self.wait_for_quota(resets.unwrap_or(Duration::from_secs(1)), &mut waited, cancel).await?;
            }
        }
        Err(GraphFailed::Unusable(format!("more than {MAX_PAGES} pages")))
    }

    async fn wait_for_quota(&self, wait: Duration, waited: &mut Duration, cancel: &Cancel) -> Result<(), GraphFailed> {
        let total = waited.saturating_add(wait);
        if total > PATIENCE {
            return Err(GraphFailed::Unusable(format!("its quota resets only in {} s", wait.as_secs())));
        }
        *waited = total;
        let started = Instant::now();
        if !cancel.sleep(wait).await {
            return Err(GraphFailed::Stop(AzureError::ReadCancelled));
        }
        tracing::debug!(waited_ms = started.elapsed().as_millis() as u64, "waited for Resource Graph's quota");
        Ok(())
    }
}

/// A string KQL may hold between double quotes as it is: letters, digits,
/// `-`, `_` and `.` (assessment keys are GUIDs or such names). Anything else
/// is read from ARM instead of being escaped into a query.
pub(crate) fn kql_literal(value: &str) -> Option<String> {
    let plain = !value.is_empty() && value.len() <= 256 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    plain.then(|| format!("\"{value}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_reset_times_are_read_and_clamped() {
        assert_eq!(resets_after("00:00:03"), Some(Duration::from_secs(3)));
        assert_eq!(resets_after("00:01:02.5"), Some(Duration::from_millis(62_500)));
        assert_eq!(resets_after("1.00:00:00"), Some(crate::http::MAX_RETRY_AFTER));
        assert_eq!(resets_after("99999999999999:00:00"), Some(crate::http::MAX_RETRY_AFTER));
        assert_eq!(resets_after("soon"), None);
        assert_eq!(resets_after("00:-1:00"), None);
        assert_eq!(resets_after("00:00:NaN"), None);
    }

    #[test]
    fn a_read_the_quota_would_hold_up_is_known_from_its_first_page() {
        assert_eq!(quota_wait(10, 14, Duration::from_secs(4)), Duration::ZERO);
        assert_eq!(quota_wait(20, 14, Duration::from_secs(4)), Duration::from_secs(4));
        assert_eq!(quota_wait(49, 14, Duration::from_secs(4)), Duration::from_secs(14));
        assert!(quota_wait(u64::MAX, 0, Duration::from_secs(4)) > PATIENCE, "no overflow, just long");
    }

    #[test]
    fn only_plain_names_go_into_a_query() {
        assert_eq!(kql_literal("4fb67663-9ab9-475d-b026-8c544cced439").as_deref(), Some("\"4fb67663-9ab9-475d-b026-8c544cced439\""));
        assert_eq!(kql_literal("a\" or 1 == 1"), None);
        assert_eq!(kql_literal(""), None);
        assert_eq!(kql_literal("a\\b"), None);
    }
}
