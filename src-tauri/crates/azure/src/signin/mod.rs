//! How a user signs in: authorization code + PKCE through the system browser
//! on a loopback redirect, or the device-code flow. Both end in an
//! [`EntraCredential`] holding the refresh token, which the ARM client uses.
//! Or, for developers, the session `az login` / `azd auth login` already holds:
//! [`DeveloperSession`].

mod browser;
mod cli;
mod device_code;

use std::borrow::Cow;

use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl};
use url::Url;

use crate::credential::{authorization_code, network, Authority, EntraCredential};
use crate::error::AzureError;
use crate::oauth;
pub(crate) use crate::refusal::explain;

pub use browser::{sign_in_with_browser, BrowserSignIn};
pub use cli::DeveloperSession;
pub use device_code::{sign_in_with_device_code, DeviceCodePrompt, DeviceCodeSignIn};

/// One authorization-code attempt (from `oauth2`): the PKCE verifier and
/// its S256 challenge, and the random `state` the redirect must carry back.
pub(crate) struct Pkce {
    pub verifier: PkceCodeVerifier,
    challenge: PkceCodeChallenge,
    pub state: CsrfToken,
}

impl Pkce {
    pub fn new() -> Self {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        Pkce { verifier, challenge, state: CsrfToken::new_random() }
    }

    /// `{authority}/authorize?…` for `scopes`, with an S256 challenge.
    pub fn authorize_url(
        &self,
        authority: &Authority,
        client_id: &str,
        redirect_uri: &str,
        scopes: &str,
        login_hint: Option<&str>,
        prompt: Option<&str>,
    ) -> Result<Url, AzureError> {
        let redirect =
            RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| AzureError::Config(format!("redirect {redirect_uri}: {e}")))?;
        let state = self.state.clone();
        let client = oauth::client(authority, client_id)?;
        let mut request = client
            .authorize_url(move || state)
            .set_redirect_uri(Cow::Owned(redirect))
            .add_scopes(oauth::scopes(scopes))
            .set_pkce_challenge(self.challenge.clone());
        if let Some(prompt) = prompt {
            request = request.add_extra_param("prompt", prompt);
        }
        if let Some(hint) = login_hint.filter(|h| !h.trim().is_empty()) {
            request = request.add_extra_param("login_hint", hint);
        }
        Ok(request.url().0)
    }

    /// The `code` of a redirect to `location`, once its `state` is this attempt's.
    pub fn code(&self, location: &str) -> Result<String, AzureError> {
        authorization_code(location, self.state.secret())
    }
}

impl EntraCredential {
    /// Authorization code with PKCE against an authorize endpoint that
    /// consents without a browser (the simulator's), as `login_hint`.
    pub async fn sign_in_without_prompt(
        http: reqwest::Client,
        authority: Authority,
        client_id: &str,
        login_hint: &str,
        scope: &str,
    ) -> Result<Self, AzureError> {
        let pkce = Pkce::new();
        let redirect_uri = "http://127.0.0.1:8400/";
        let scopes = format!("{scope} offline_access");
        let authorize = pkce.authorize_url(&authority, client_id, redirect_uri, &scopes, Some(login_hint), None)?;
        // The app's client never follows redirects; `http` may be one that does.
        let no_redirects = crate::http::client()?;
        let response = no_redirects.get(authorize.clone()).send().await.map_err(|e| network(&authorize, e))?;
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| AzureError::unexpected("authorize", format!("no redirect (status {})", response.status())))?;
        let code = pkce.code(location)?;
        Self::exchange_code(http, authority, client_id, &code, redirect_uri, pkce.verifier, scope).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_url_carries_pkce_and_hint() {
        let authority = Authority { host: Url::parse("https://login.microsoftonline.com/").expect("url"), tenant: "organizations".into() };
        let pkce = Pkce::new();
        let url = pkce
            .authorize_url(&authority, "app", "http://127.0.0.1:1234/", "s offline_access", Some("a@b.example"), Some("select_account"))
            .expect("url");
        assert_eq!(url.path(), "/organizations/oauth2/v2.0/authorize");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["code_challenge"], PkceCodeChallenge::from_code_verifier_sha256(&pkce.verifier).as_str());
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(
            (q["prompt"].as_str(), q["login_hint"].as_str(), q["state"].as_str()),
            ("select_account", "a@b.example", pkce.state.secret().as_str())
        );
        assert!(!q.contains_key("code_verifier"));
    }
}
