//! The OAuth 2.0 grants Entra speaks (authorization code + PKCE, refresh,
//! client credentials, device code), built by the `oauth2` crate and sent
//! through the app's own HTTP client ([`Hardened`]), so every request keeps
//! the time limits, refuses redirects and caps the answer's size as before.
//!
//! Entra's answers are read by [`EntraToken`], which keeps the app's tolerant
//! and clamped reading of token lifetimes; Entra's refusals (with their
//! `AADSTS` codes) become [`AzureError::SignIn`] word for word.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use oauth2::basic::{BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType};
use oauth2::http::header::CONTENT_TYPE;
use oauth2::{
    AuthType, AuthUrl, ClientId, DeviceAuthorizationUrl, EndpointNotSet, EndpointSet, ErrorResponseType, HttpRequest, HttpResponse,
    RequestTokenError, Scope, StandardErrorResponse, StandardRevocableToken, TokenUrl,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use url::Url;

use crate::credential::Authority;
use crate::error::AzureError;
use crate::http::{self as limits, Body, MAX_TOKEN_LIFETIME_SECONDS};

/// An `oauth2` client for one app registration at one authority, with the
/// authorize, device-code and token endpoints set.
pub(crate) type EntraClient = oauth2::Client<
    BasicErrorResponse,
    EntraToken,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The client for `client_id` at `authority`; the client id (and a secret,
/// when there is one) travel in the form body, as Entra expects.
pub(crate) fn client(authority: &Authority, client_id: &str) -> Result<EntraClient, AzureError> {
    Ok(oauth2::Client::new(ClientId::new(client_id.to_owned()))
        .set_auth_type(AuthType::RequestBody)
        .set_auth_uri(AuthUrl::from_url(authority.endpoint("authorize")?))
        .set_device_authorization_url(DeviceAuthorizationUrl::from_url(authority.endpoint("devicecode")?))
        .set_token_uri(TokenUrl::from_url(authority.endpoint("token")?)))
}

/// `scope` (space-separated, as Entra takes it) as `oauth2` scopes.
pub(crate) fn scopes(scope: &str) -> impl Iterator<Item = Scope> + '_ {
    scope.split_whitespace().map(|s| Scope::new(s.to_owned()))
}

/// Entra's token answer. `expires_in` may be a number or a numeric string
/// (or absent, with `expires_on` instead); it is read by [`EntraToken::lifetime`].
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EntraToken {
    pub access_token: oauth2::AccessToken,
    /// Entra always issues bearer tokens; a missing `token_type` is not refused.
    #[serde(skip, default = "bearer")]
    token_type: BasicTokenType,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    /// Unix seconds; older endpoints send it instead of (or beside) `expires_in`.
    #[serde(default)]
    expires_on: Option<serde_json::Value>,
    #[serde(default)]
    pub refresh_token: Option<oauth2::RefreshToken>,
}

fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}

impl EntraToken {
    /// Seconds the token lives, clamped to `0..=MAX_TOKEN_LIFETIME_SECONDS`
    /// (a token claiming longer is renewed sooner; Azure refusing it earlier
    /// is handled by renewing on `ExpiredAuthenticationToken`).
    pub(crate) fn lifetime(&self, now_unix: i64) -> Result<azure_core::time::Duration, AzureError> {
        let max = MAX_TOKEN_LIFETIME_SECONDS;
        let in_seconds = limits::seconds(self.expires_in.as_ref(), max.unsigned_abs());
        let on_seconds = || {
            let at = limits::seconds(self.expires_on.as_ref(), u64::MAX)?;
            let at = i64::try_from(at).unwrap_or(i64::MAX);
            Some(at.saturating_sub(now_unix).clamp(0, max).unsigned_abs())
        };
        let seconds =
            in_seconds.or_else(on_seconds).ok_or_else(|| AzureError::unexpected("the token request", "a token without `expires_in`"))?;
        Ok(azure_core::time::Duration::seconds(i64::try_from(seconds).unwrap_or(max).min(max)))
    }
}

impl oauth2::TokenResponse for EntraToken {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &oauth2::AccessToken {
        &self.access_token
    }

    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }

    fn expires_in(&self) -> Option<std::time::Duration> {
        let now = chrono::Utc::now().timestamp();
        let seconds = self.lifetime(now).ok()?.whole_seconds();
        Some(std::time::Duration::from_secs(seconds.unsigned_abs()))
    }

    fn refresh_token(&self) -> Option<&oauth2::RefreshToken> {
        self.refresh_token.as_ref()
    }

    fn scopes(&self) -> Option<&Vec<Scope>> {
        None
    }
}

/// The error Entra's refusal body must at least carry.
#[derive(Deserialize)]
struct Refusal {
    #[allow(dead_code)]
    error: String,
}

/// Sends `oauth2`'s requests through the app's client: its timeouts, no
/// redirects followed (nor answers from elsewhere accepted), and at most
/// [`Body::Token`] bytes read. A refusal whose body is not Entra's JSON is
/// an unexpected answer naming its status, as `what`.
pub(crate) struct Hardened {
    http: reqwest::Client,
    what: &'static str,
    /// The first failure of the exchange itself, for loops (the device-code
    /// poll) that would otherwise retry it.
    failed: Arc<(Mutex<Option<AzureError>>, Notify)>,
}

impl Hardened {
    pub(crate) fn new(http: reqwest::Client, what: &'static str) -> Self {
        Hardened { http, what, failed: Arc::default() }
    }

    /// Resolves with the first request that failed (network, redirect, size,
    /// an answer that is not Entra's), whatever `oauth2` made of it.
    pub(crate) async fn failure(&self) -> AzureError {
        loop {
            let notified = self.failed.1.notified();
            if let Some(e) = self.failed.0.lock().ok().and_then(|mut slot| slot.take()) {
                return e;
            }
            notified.await;
        }
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, AzureError> {
        let (parts, body) = request.into_parts();
        let url = Url::parse(&parts.uri.to_string()).map_err(|e| AzureError::Config(format!("token endpoint: {e}")))?;
        let response = self
            .http
            .request(parts.method, url.clone())
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(|e| limits::network(&url, e))?;
        limits::not_redirected(&url, &response)?;
        let status = response.status();
        let content_type = response.headers().get(CONTENT_TYPE).cloned();
        let body = limits::read_body(&url, response, Body::Token).await?;
        if !status.is_success() && serde_json::from_slice::<Refusal>(&body).is_err() {
            return Err(AzureError::unexpected(self.what, format!("status {status}")));
        }
        let mut answer = oauth2::http::Response::builder().status(status);
        if let Some(content_type) = content_type {
            answer = answer.header(CONTENT_TYPE, content_type);
        }
        answer.body(body).map_err(|e| AzureError::unexpected(self.what, e))
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for Hardened {
    type Error = AzureError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, AzureError>> + Send + 'c>>;

    /// A failure is kept for [`Hardened::refusal`] and [`Hardened::failure`];
    /// `oauth2` is handed a stand-in (it may drop it and retry).
    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            match self.send(request).await {
                Ok(answer) => Ok(answer),
                Err(e) => {
                    if let Ok(mut slot) = self.failed.0.lock() {
                        slot.get_or_insert(e);
                    }
                    self.failed.1.notify_one();
                    Err(AzureError::unexpected(self.what, "the request failed"))
                }
            }
        })
    }
}

impl Hardened {
    /// An `oauth2` failure as the app's error: Entra's refusal as
    /// [`AzureError::SignIn`] with its own words (not yet explained), the
    /// client's failure as it was, an answer of the wrong shape naming the field.
    pub(crate) fn refusal<T>(&self, e: RequestTokenError<AzureError, StandardErrorResponse<T>>) -> AzureError
    where
        T: ErrorResponseType + Display + 'static,
    {
        match e {
            RequestTokenError::Request(stand_in) => self.failed.0.lock().ok().and_then(|mut slot| slot.take()).unwrap_or(stand_in),
            RequestTokenError::ServerResponse(refused) => AzureError::SignIn {
                error: refused.error().to_string(),
                description: refused.error_description().cloned().unwrap_or_default(),
            },
            RequestTokenError::Parse(e, _) => AzureError::unexpected(self.what, e),
            RequestTokenError::Other(e) => AzureError::unexpected(self.what, e),
        }
    }
}
