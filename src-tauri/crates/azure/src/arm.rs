//! A small ARM client: bearer tokens, api-versions, ARM's error body, and
//! `nextLink` / `@nextLink` paging. Answers are read through [`crate::http`]:
//! no redirects, a size cap, clamped `Retry-After`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use desk_core::arm_path::ArmPath;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use crate::credential::SessionCredential;

use crate::error::AzureError;
use crate::http::{self as limits, Body};

/// Azure public cloud's Resource Manager.
pub const ARM_PUBLIC: &str = "https://management.azure.com";

/// Paging stops here, so a misbehaving `nextLink` cannot go on for ever.
const MAX_PAGES: usize = 5_000;

#[derive(Clone)]
pub struct Arm {
    http: reqwest::Client,
    endpoint: Url,
    credential: Arc<dyn SessionCredential>,
    scope: String,
    /// The reads ARM last said were left, per subscription (`""` above subscriptions).
    reads_left: Arc<Mutex<HashMap<String, u32>>>,
}

/// The subscription a request path is in, lower case; `""` for one above subscriptions.
fn budget_of(url: &Url) -> String {
    let mut segments = url.path_segments().into_iter().flatten();
    match (segments.next(), segments.next()) {
        (Some(first), Some(id)) if first.eq_ignore_ascii_case("subscriptions") => id.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// A read answered 429 is sent again this many times, each after its `Retry-After`.
const READ_RETRIES: u32 = 4;
/// Waited when a 429 names no `Retry-After`.
const DEFAULT_READ_RETRY: Duration = Duration::from_secs(1);
/// Below this many reads left, reads are spaced out (more the fewer are left).
const READS_LOW: u32 = 25;

impl Arm {
    /// `endpoint` is ARM's base URL; `scope` the token scope for it
    /// (`https://management.azure.com/.default` in the public cloud).
    pub fn new(http: reqwest::Client, endpoint: Url, credential: Arc<dyn SessionCredential>, scope: String) -> Self {
        Arm { http, endpoint, credential, scope, reads_left: Arc::default() }
    }

    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// The hardened client and the session's credential, for the other
    /// services the session reaches (the request register's table).
    pub(crate) fn session(&self) -> (reqwest::Client, Arc<dyn SessionCredential>) {
        (self.http.clone(), self.credential.clone())
    }

    /// A current access token for ARM (from the credential's cache when it can).
    pub async fn access_token(&self) -> Result<String, AzureError> {
        let token = self.credential.get_token(&[&self.scope], None).await.map_err(from_credential)?;
        Ok(token.token.secret().to_owned())
    }

    /// ARM's endpoint with `path`'s percent-encoded segments as its path:
    /// nothing in a segment can become a query, a fragment or another segment.
    fn url(&self, path: &ArmPath, api_version: &str, query: &[(&str, &str)]) -> Result<Url, AzureError> {
        let mut url = self.endpoint.clone();
        url.set_path(&path.encoded());
        url.set_query(None);
        url.set_fragment(None);
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("api-version", api_version);
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    pub async fn get(&self, path: &ArmPath, api_version: &str, query: &[(&str, &str)]) -> Result<Value, AzureError> {
        let url = self.url(path, api_version, query)?;
        self.send(Method::GET, url, None, Body::Object).await.map(|(_, body)| body)
    }

    /// A GET whose answer is also kept as ARM sent it (its text), for
    /// showing exactly what Azure returned.
    pub async fn get_as_sent(&self, path: &ArmPath, api_version: &str, query: &[(&str, &str)]) -> Result<(Value, String), AzureError> {
        let url = self.url(path, api_version, query)?;
        let answer = self.read(url, Body::Object).await?;
        let text = answer.text.clone();
        answer.into_result().map(|(_, body)| (body, text))
    }

    /// Every item of a list, following `nextLink` (or `@nextLink`, as the
    /// management-group lists spell it) on ARM's own origin, never to a link
    /// already followed, for at most [`MAX_PAGES`] pages.
    pub async fn list(&self, path: &ArmPath, api_version: &str, query: &[(&str, &str)]) -> Result<Vec<Value>, AzureError> {
        let mut url = self.url(path, api_version, query)?;
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            seen.insert(url.to_string());
            let (_, mut page) = self.send(Method::GET, url.clone(), None, Body::Page).await?;
            match page.get_mut("value").map(Value::take) {
                Some(Value::Array(values)) => items.extend(values),
                _ => return Err(AzureError::unexpected(path.to_string(), "a list without `value`")),
            }
            match next_link(&page) {
                Some(next) => {
                    url = self.same_host(next)?;
                    if seen.contains(url.as_str()) {
                        return Err(AzureError::unexpected(path.to_string(), "a `nextLink` back to a page already read"));
                    }
                }
                None => return Ok(items),
            }
        }
        Err(AzureError::unexpected(path.to_string(), format!("more than {MAX_PAGES} pages")))
    }

    pub async fn put(&self, path: &ArmPath, api_version: &str, body: &Value) -> Result<Value, AzureError> {
        self.put_with_limits(path, api_version, body).await.map(|(body, _)| body)
    }

    /// A PUT that also reports how many writes ARM says are left
    /// (`x-ms-ratelimit-remaining-subscription-writes`, or `…-tenant-writes`
    /// for a management group), for pacing.
    pub async fn put_with_limits(&self, path: &ArmPath, api_version: &str, body: &Value) -> Result<(Value, Option<u32>), AzureError> {
        let url = self.url(path, api_version, &[])?;
        let answer = self.exchange(Method::PUT, url, Some(body), Body::Object).await?;
        let remaining = answer.remaining_writes;
        answer.into_result().map(|(_, body)| (body, remaining))
    }

    /// DELETE; `true` when something was deleted (200), `false` when absent (204).
    pub async fn delete(&self, path: &ArmPath, api_version: &str) -> Result<bool, AzureError> {
        self.delete_with_limits(path, api_version).await.map(|(deleted, _)| deleted)
    }

    /// A DELETE that also reports how many writes ARM says are left, for pacing.
    pub async fn delete_with_limits(&self, path: &ArmPath, api_version: &str) -> Result<(bool, Option<u32>), AzureError> {
        let url = self.url(path, api_version, &[])?;
        let answer = self.exchange(Method::DELETE, url, None, Body::Object).await?;
        let remaining = answer.remaining_writes;
        answer.into_result().map(|(status, _)| (status == StatusCode::OK, remaining))
    }

    /// One POST of a query (Resource Graph's) at `path`, its answer unjudged:
    /// the caller reads the status and quota headers and decides whether to wait.
    pub(crate) async fn post_query(&self, path: &ArmPath, api_version: &str, body: &Value) -> Result<Answer, AzureError> {
        let url = self.url(path, api_version, &[])?;
        self.exchange(Method::POST, url, Some(body), Body::Page).await
    }

    /// A `nextLink` must point back at ARM (same scheme, host and port) and
    /// carry no user name or password: the bearer token goes nowhere else,
    /// and with nothing beside it.
    fn same_host(&self, next: &str) -> Result<Url, AzureError> {
        let url = self.endpoint.join(next).map_err(|e| AzureError::unexpected("nextLink", e))?;
        if url.origin() != self.endpoint.origin() {
            let host = url.host_str().unwrap_or("another place");
            return Err(AzureError::unexpected("nextLink", format!("a link to {host}, which is not {}", self.endpoint)));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(AzureError::unexpected("nextLink", "a link carrying a user name or password"));
        }
        Ok(url)
    }

    pub(crate) async fn send(&self, method: Method, url: Url, body: Option<&Value>, kind: Body) -> Result<(StatusCode, Value), AzureError> {
        if method != Method::GET {
            return self.exchange(method, url, body, kind).await?.into_result();
        }
        self.read(url, kind).await?.into_result()
    }

    /// A GET: spaced out
    /// when ARM says few reads are left, and sent again after `Retry-After`
    /// when answered 429, at most [`READ_RETRIES`] times. A caller that stops
    /// waiting drops the future, which ends any wait here.
    async fn read(&self, url: Url, kind: Body) -> Result<Answer, AzureError> {
        let budget = budget_of(&url);
        let mut retries = 0;
        loop {
            let left = self.reads_left.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&budget).copied();
            if let Some(left) = left.filter(|l| *l < READS_LOW) {
                tokio::time::sleep(Duration::from_millis(u64::from(READS_LOW - left) * 40)).await;
            }
            let answer = self.exchange(Method::GET, url.clone(), None, kind).await?;
            if let Some(left) = answer.remaining_reads {
                self.reads_left.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(budget.clone(), left);
            }
            if answer.status != StatusCode::TOO_MANY_REQUESTS || retries >= READ_RETRIES {
                return Ok(answer);
            }
            retries += 1;
            let wait = answer.retry_after_seconds.map_or(DEFAULT_READ_RETRY, Duration::from_secs);
            tracing::info!(wait_ms = wait.as_millis() as u64, "ARM throttled a read; waiting as it asked");
            tokio::time::sleep(wait).await;
        }
    }

    /// One request; a token Azure calls expired or invalid is dropped and the
    /// request made once more with a fresh one.
    async fn exchange(&self, method: Method, url: Url, body: Option<&Value>, kind: Body) -> Result<Answer, AzureError> {
        let answer = self.exchange_once(method.clone(), url.clone(), body, kind).await?;
        if answer.status == StatusCode::UNAUTHORIZED
            && (answer.text.contains("ExpiredAuthenticationToken") || answer.text.contains("InvalidAuthenticationToken"))
        {
            tracing::info!("ARM refused the access token; signing in again");
            self.credential.forget(&self.scope).await;
            return self.exchange_once(method, url, body, kind).await;
        }
        Ok(answer)
    }

    /// One request and its answer, read within `kind`'s size cap. A
    /// redirect is an error (a redirected PUT never reached ARM).
    async fn exchange_once(&self, method: Method, url: Url, body: Option<&Value>, kind: Body) -> Result<Answer, AzureError> {
        let token = self.access_token().await?;
        let mut request = self.http.request(method, url.clone()).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| limits::network(&url, e))?;
        limits::not_redirected(&url, &response)?;
        let status = response.status();
        let remaining_writes = remaining_writes(response.headers());
        let remaining_reads = remaining_reads(response.headers());
        let headers = response.headers().clone();
        let retry_after_seconds = limits::retry_after(response.headers()).map(|d| d.as_secs());
        let text = limits::read_text(&url, response, kind).await?;
        Ok(Answer { url, status, text, remaining_writes, remaining_reads, retry_after_seconds, headers })
    }
}

/// The link to a list's next page: `nextLink`, or `@nextLink` as the
/// management-group lists spell it.
fn next_link(page: &Value) -> Option<&str> {
    ["nextLink", "@nextLink"].iter().find_map(|k| page.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()))
}

/// The writes ARM says are left: the subscription's budget, or the tenant's
/// for writes above subscriptions (management groups); the smaller when both.
fn remaining_writes(headers: &reqwest::header::HeaderMap) -> Option<u32> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u32>().ok());
    let subscription = header("x-ms-ratelimit-remaining-subscription-writes");
    let tenant = header("x-ms-ratelimit-remaining-tenant-writes");
    match (subscription, tenant) {
        (Some(s), Some(t)) => Some(s.min(t)),
        (one, other) => one.or(other),
    }
}

/// The reads ARM says are left (the subscription's, or the tenant's; the smaller when both).
fn remaining_reads(headers: &reqwest::header::HeaderMap) -> Option<u32> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u32>().ok());
    let subscription = header("x-ms-ratelimit-remaining-subscription-reads");
    let tenant = header("x-ms-ratelimit-remaining-tenant-reads");
    match (subscription, tenant) {
        (Some(s), Some(t)) => Some(s.min(t)),
        (one, other) => one.or(other),
    }
}

/// One HTTP answer from ARM, before it is judged.
pub(crate) struct Answer {
    url: Url,
    pub(crate) status: StatusCode,
    text: String,
    remaining_writes: Option<u32>,
    remaining_reads: Option<u32>,
    pub(crate) retry_after_seconds: Option<u64>,
    pub(crate) headers: reqwest::header::HeaderMap,
}

impl Answer {
    pub(crate) fn into_result(self) -> Result<(StatusCode, Value), AzureError> {
        let Answer { url, status, text, retry_after_seconds, .. } = self;
        let parsed: Option<Value> = if text.trim().is_empty() { Some(Value::Null) } else { serde_json::from_str(&text).ok() };
        if status.is_success() {
            let body = parsed.ok_or_else(|| AzureError::unexpected(url.path(), "a body that is not JSON"))?;
            return Ok((status, body));
        }
        let said = parsed.as_ref().map(crate::parse::error_detail).unwrap_or_default();
        Err(AzureError::Arm {
            status: status.as_u16(),
            code: said.code.unwrap_or_else(|| status.as_str().to_owned()),
            message: said.message.unwrap_or_else(|| format!("HTTP {status} with no error message")),
            path: url.path().to_owned(),
            retry_after_seconds,
        })
    }
}

/// Credentials report through `azure_core::Error`; ours carry an `AzureError`.
pub(crate) fn from_credential(e: azure_core::Error) -> AzureError {
    match e.into_downcast::<AzureError>() {
        Ok(ours) => ours,
        Err(other) => AzureError::SignIn { error: "credential".into(), description: other.to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_spellings_of_next_link_are_followed() {
        assert_eq!(next_link(&json!({"value": [], "nextLink": "https://a/b"})), Some("https://a/b"));
        assert_eq!(next_link(&json!({"value": [], "@nextLink": "https://a/c"})), Some("https://a/c"));
        assert_eq!(next_link(&json!({"value": [], "nextLink": null, "@nextLink": ""})), None);
    }

    #[test]
    fn read_budgets_are_kept_per_subscription() {
        let url = |p: &str| Url::parse(&format!("https://arm.example{p}")).expect("url");
        assert_eq!(budget_of(&url("/subscriptions/ABC/providers/Microsoft.Security/assessments")), "abc");
        assert_eq!(budget_of(&url("/providers/Microsoft.Security/assessmentMetadata")), "");
        assert_eq!(budget_of(&url("/subscriptions")), "");
    }

    #[test]
    fn tenant_write_budgets_count_like_subscription_ones() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(remaining_writes(&headers), None);
        headers.insert("x-ms-ratelimit-remaining-tenant-writes", "7".parse().expect("value"));
        assert_eq!(remaining_writes(&headers), Some(7));
        headers.insert("x-ms-ratelimit-remaining-subscription-writes", "3".parse().expect("value"));
        assert_eq!(remaining_writes(&headers), Some(3));
        headers.insert("x-ms-ratelimit-remaining-subscription-writes", "99999999999".parse().expect("value"));
        assert_eq!(remaining_writes(&headers), Some(7), "a number past u32 is ignored, not wrapped");
    }
}
