//! Device-code sign-in (RFC 8628): the user enters a short code on another
//! device while the app polls Entra's token endpoint. The poll (pending,
//! `slow_down`, expiry) is `oauth2`'s; the device-code answer is read here,
//! tolerant of numbers as strings and clamped, then handed to `oauth2`.

use std::time::Duration;

use oauth2::StandardDeviceAuthorizationResponse;
use serde::Deserialize;
use serde_json::json;

use super::explain;
use crate::credential::{network, Authority, EntraCredential};
use crate::error::AzureError;
use crate::http::{MAX_DEVICE_CODE_SECONDS, MAX_POLL_INTERVAL_SECONDS};
use crate::oauth::{self, Hardened};
use crate::Cancel;

/// The slowest polling, whatever `interval` and `slow_down` say.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(MAX_POLL_INTERVAL_SECONDS);

/// What a device-code sign-in asks Entra for.
#[derive(Debug, Clone)]
pub struct DeviceCodeSignIn {
    /// Entra host and tenant: `organizations`, or a tenant id / domain.
    pub authority: Authority,
    pub client_id: String,
    /// ARM's token scope, e.g. `https://management.azure.com/.default`.
    pub scope: String,
    /// `None` polls at the interval Entra asks for (what the app does);
    /// tests shorten it.
    pub poll_interval: Option<Duration>,
}

/// What the user needs to finish signing in elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    /// Entra's ready-made instruction ("To sign in, use a web browser to open…").
    pub message: String,
    /// Seconds until the code expires.
    pub expires_in: u64,
}

/// Entra's answer; the numbers are read by [`crate::http::seconds`], clamped.
#[derive(Deserialize)]
struct DeviceCodeResponse {
    user_code: String,
    device_code: String,
    verification_uri: String,
    expires_in: serde_json::Value,
    #[serde(default)]
    interval: Option<serde_json::Value>,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct Refusal {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// Start a device-code sign-in, hand the code to `show`, and poll until the
/// user approves, declines, the code expires, or `cancel` is set.
pub async fn sign_in_with_device_code(
    http: reqwest::Client,
    request: DeviceCodeSignIn,
    show: impl FnOnce(&DeviceCodePrompt) -> Result<(), String>,
    cancel: &Cancel,
) -> Result<EntraCredential, AzureError> {
    let url = request.authority.endpoint("devicecode")?;
    let scopes = format!("{} offline_access openid profile", request.scope);
    let form = [("client_id", request.client_id.as_str()), ("scope", scopes.as_str())];
    let response = http.post(url.clone()).form(&form).send().await.map_err(|e| network(&url, e))?;
    crate::http::not_redirected(&url, &response)?;
    let status = response.status();
    let body = crate::http::read_text(&url, response, crate::http::Body::Token).await?;
    if !status.is_success() {
        let refused: Refusal =
            serde_json::from_str(&body).map_err(|_| AzureError::unexpected("the device-code request", format!("status {status}")))?;
        return Err(explain(AzureError::SignIn { error: refused.error, description: refused.error_description }));
    }
    let code: DeviceCodeResponse = serde_json::from_str(&body).map_err(|e| AzureError::unexpected("the device-code request", e))?;
    let expires_in = crate::http::seconds(Some(&code.expires_in), MAX_DEVICE_CODE_SECONDS)
        .ok_or_else(|| AzureError::unexpected("the device-code request", "no `expires_in`"))?;
    let asked_interval = crate::http::seconds(code.interval.as_ref(), MAX_POLL_INTERVAL_SECONDS).unwrap_or(5).max(1);
    let prompt = DeviceCodePrompt { user_code: code.user_code, verification_uri: code.verification_uri, message: code.message, expires_in };
    show(&prompt).map_err(|e| AzureError::SignInStopped(format!("The sign-in code could not be shown: {e}")))?;

    // oauth2 reads the code as RFC 8628 has it; the numbers are the clamped ones.
    let asked = Duration::from_secs(asked_interval);
    let details: StandardDeviceAuthorizationResponse = serde_json::from_value(json!({
        "device_code": code.device_code,
        "user_code": prompt.user_code,
        "verification_uri": prompt.verification_uri,
        "expires_in": expires_in,
        "interval": asked_interval,
    }))
    .map_err(|e| AzureError::unexpected("the device-code request", e))?;
    let lifetime = Duration::from_secs(expires_in);
    // The first wait comes before the first poll: a sign-in cancelled while
    // the code is shown sends nothing.
    let first = request.poll_interval.unwrap_or(asked).min(MAX_POLL_INTERVAL);
    wait(first, cancel).await?;
    let remaining = lifetime.saturating_sub(first);
    if remaining.is_zero() {
        return Err(expired());
    }
    // `interval` is oauth2's: Entra's, plus five seconds per `slow_down`. A
    // test's shorter interval keeps the added seconds; all stay under the cap.
    let pace = |interval: Duration| {
        let added = interval.saturating_sub(asked);
        request.poll_interval.map_or(interval, |chosen| chosen.saturating_add(added)).min(MAX_POLL_INTERVAL)
    };
    let hardened = Hardened::new(http.clone(), "the token request");
    let client = oauth::client(&request.authority, &request.client_id)?;
    let poll = client.exchange_device_access_token(&details).request_async(
        &hardened,
        |interval| tokio::time::sleep(pace(interval)),
        Some(remaining),
    );
    let answer = tokio::select! {
        answer = poll => answer,
        () = cancel.cancelled() => return Err(stopped()),
        // oauth2 retries a failed request; the app stops and says why.
        failure = hardened.failure() => return Err(explain(failure)),
    };
    let answer = match answer.map_err(|e| hardened.refusal(e)) {
        Ok(answer) => answer,
        Err(AzureError::SignIn { error, .. }) if error == "expired_token" || error == "code_expired" => return Err(expired()),
        Err(AzureError::SignIn { error, .. }) if error == "authorization_declined" || error == "access_denied" => {
            return Err(AzureError::SignIn {
                error,
                description: "The sign-in was declined on the other device. Sign in again to continue.".into(),
            })
        }
        Err(e) => return Err(explain(e)),
    };
    let credential = EntraCredential::pending_user(http, request.authority, &request.client_id);
    credential.store(answer, &request.client_id, &request.scope).await?;
    Ok(credential)
}

fn expired() -> AzureError {
    AzureError::SignIn {
        error: "expired_token".into(),
        description: "The sign-in code expired before it was used. Start the sign-in again for a new code.".into(),
    }
}

fn stopped() -> AzureError {
    AzureError::SignInStopped("Sign-in was cancelled.".into())
}

/// Sleep `interval`, stopping early when `cancel` is set.
async fn wait(interval: Duration, cancel: &Cancel) -> Result<(), AzureError> {
    if cancel.sleep(interval).await {
        Ok(())
    } else {
        Err(stopped())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_cancelled_wait_stops() {
        let cancel = Cancel::default();
        assert!(wait(Duration::from_millis(10), &cancel).await.is_ok());
        cancel.cancel();
        let e = wait(Duration::from_secs(60), &cancel).await.expect_err("stops");
        assert_eq!(e.code(), "sign_in_stopped");
    }
}
