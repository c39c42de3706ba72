//! A small ARM client: bearer tokens, api-versions, ARM's error body, and
//! `nextLink` paging.

use std::sync::Arc;

use desk_core::arm_path::ArmPath;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use crate::credential::SessionCredential;

use crate::error::AzureError;

/// Azure public cloud's Resource Manager.
pub const ARM_PUBLIC: &str = "https://management.azure.com";

/// Paging stops here, so a misbehaving `nextLink` cannot loop forever.
const MAX_PAGES: usize = 10_000;

#[derive(Clone)]
pub struct Arm {
    http: reqwest::Client,
    endpoint: Url,
    credential: Arc<dyn SessionCredential>,
    scope: String,
}

impl Arm {
    /// `endpoint` is ARM's base URL; `scope` the token scope for it
    /// (`https://management.azure.com/.default` in the public cloud).
    pub fn new(http: reqwest::Client, endpoint: Url, credential: Arc<dyn SessionCredential>, scope: String) -> Self {
        Arm { http, endpoint, credential, scope }
    }

    pub fn endpoint(&self) -> &Url {
        &self.endpoint
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
        self.send(Method::GET, url, None).await.map(|(_, body)| body)
    }

    /// Every item of a list, following `nextLink` on the same host.
    pub async fn list(&self, path: &ArmPath, api_version: &str, query: &[(&str, &str)]) -> Result<Vec<Value>, AzureError> {
        let mut url = self.url(path, api_version, query)?;
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let (_, page) = self.send(Method::GET, url.clone(), None).await?;
            match page.get("value") {
                Some(Value::Array(values)) => items.extend(values.iter().cloned()),
                _ => return Err(AzureError::unexpected(path.to_string(), "a list without `value`")),
            }
            match page.get("nextLink").and_then(Value::as_str).filter(|s| !s.is_empty()) {
                Some(next) => url = self.same_host(next)?,
                None => return Ok(items),
            }
        }
        Err(AzureError::unexpected(path.to_string(), format!("more than {MAX_PAGES} pages")))
    }

    pub async fn put(&self, path: &ArmPath, api_version: &str, body: &Value) -> Result<Value, AzureError> {
        self.put_with_limits(path, api_version, body).await.map(|(body, _)| body)
    }

    /// A PUT that also reports how many writes ARM says are left
    /// (`x-ms-ratelimit-remaining-subscription-writes`), for pacing.
    pub async fn put_with_limits(&self, path: &ArmPath, api_version: &str, body: &Value) -> Result<(Value, Option<u32>), AzureError> {
        let url = self.url(path, api_version, &[])?;
        let answer = self.exchange(Method::PUT, url, Some(body)).await?;
        let remaining = answer.remaining_writes;
        answer.into_result().map(|(_, body)| (body, remaining))
    }

    /// DELETE; `true` when something was deleted (200), `false` when absent (204).
    pub async fn delete(&self, path: &ArmPath, api_version: &str) -> Result<bool, AzureError> {
        let url = self.url(path, api_version, &[])?;
        let (status, _) = self.send(Method::DELETE, url, None).await?;
        Ok(status == StatusCode::OK)
    }

    /// A `nextLink` must point back at ARM: the bearer token goes nowhere else.
    fn same_host(&self, next: &str) -> Result<Url, AzureError> {
        let url = Url::parse(next).map_err(|e| AzureError::unexpected("nextLink", e))?;
        if url.origin() != self.endpoint.origin() {
            return Err(AzureError::unexpected("nextLink", format!("{next} is not on {}", self.endpoint)));
        }
        Ok(url)
    }

    pub(crate) async fn send(&self, method: Method, url: Url, body: Option<&Value>) -> Result<(StatusCode, Value), AzureError> {
        self.exchange(method, url, body).await?.into_result()
    }

    /// One request; a token Azure calls expired or invalid is dropped and the
    /// request made once more with a fresh one.
    async fn exchange(&self, method: Method, url: Url, body: Option<&Value>) -> Result<Answer, AzureError> {
        let answer = self.exchange_once(method.clone(), url.clone(), body).await?;
        if answer.status == StatusCode::UNAUTHORIZED
            && (answer.text.contains("ExpiredAuthenticationToken") || answer.text.contains("InvalidAuthenticationToken"))
        {
            tracing::info!("ARM refused the access token; signing in again");
            self.credential.forget(&self.scope).await;
            return self.exchange_once(method, url, body).await;
        }
        Ok(answer)
    }

    async fn exchange_once(&self, method: Method, url: Url, body: Option<&Value>) -> Result<Answer, AzureError> {
        let token = self.access_token().await?;
        let mut request = self.http.request(method, url.clone()).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let network = |e: reqwest::Error| AzureError::Network { url: url.to_string(), reason: e.to_string() };
        let response = request.send().await.map_err(network)?;
        let status = response.status();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_owned());
        let remaining_writes = header("x-ms-ratelimit-remaining-subscription-writes").and_then(|v| v.parse().ok());
        let retry_after_seconds = header("retry-after").and_then(|v| v.parse().ok());
        let text = response.text().await.map_err(network)?;
        Ok(Answer { url, status, text, remaining_writes, retry_after_seconds })
    }
}

/// One HTTP answer from ARM, before it is judged.
struct Answer {
    url: Url,
    status: StatusCode,
    text: String,
    remaining_writes: Option<u32>,
    retry_after_seconds: Option<u64>,
}

impl Answer {
    fn into_result(self) -> Result<(StatusCode, Value), AzureError> {
        let Answer { url, status, text, retry_after_seconds, .. } = self;
        let parsed: Option<Value> = if text.trim().is_empty() { Some(Value::Null) } else { serde_json::from_str(&text).ok() };
        if status.is_success() {
            let body = parsed.ok_or_else(|| AzureError::unexpected(url.path(), "a body that is not JSON"))?;
            return Ok((status, body));
        }
        let error = parsed.as_ref().and_then(|v| v.get("error"));
        let field = |k: &str| error.and_then(|e| e.get(k)).and_then(Value::as_str).map(str::to_owned);
        Err(AzureError::Arm {
            status: status.as_u16(),
            code: field("code").unwrap_or_else(|| status.as_str().to_owned()),
            message: field("message").unwrap_or_else(|| format!("HTTP {status} with no error message")),
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
