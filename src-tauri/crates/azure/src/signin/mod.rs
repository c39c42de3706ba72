//! How a user signs in: authorization code + PKCE through the system browser
//! on a loopback redirect, or the device-code flow. Both end in an
//! [`EntraCredential`] holding the refresh token, which the ARM client uses.
//! Or, for developers, the session `az login` / `azd auth login` already holds:
//! [`DeveloperSession`].

mod browser;
mod cli;
mod device_code;

use url::Url;

use crate::credential::{authorization_code, network, pkce_challenge, random_urlsafe, Authority, EntraCredential};
use crate::error::AzureError;
pub(crate) use crate::refusal::explain;

pub use browser::{sign_in_with_browser, BrowserSignIn};
pub use cli::DeveloperSession;
pub use device_code::{sign_in_with_device_code, DeviceCodePrompt, DeviceCodeSignIn};

/// One authorization-code attempt: the PKCE verifier and the `state` the
/// redirect must carry back.
pub(crate) struct Pkce {
    pub verifier: String,
    pub state: String,
}

impl Pkce {
    pub fn new() -> Self {
        Pkce { verifier: random_urlsafe(48), state: random_urlsafe(16) }
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
        let mut url = authority.endpoint("authorize")?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", client_id)
                .append_pair("response_type", "code")
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("scope", scopes)
                .append_pair("state", &self.state)
                .append_pair("code_challenge", &pkce_challenge(&self.verifier))
                .append_pair("code_challenge_method", "S256");
            if let Some(prompt) = prompt {
                q.append_pair("prompt", prompt);
            }
            if let Some(hint) = login_hint.filter(|h| !h.trim().is_empty()) {
                q.append_pair("login_hint", hint);
            }
        }
        Ok(url)
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
        let code = authorization_code(location, &pkce.state)?;
        Self::exchange_code(http, authority, client_id, &code, redirect_uri, &pkce.verifier, scope).await
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
        assert_eq!(q["code_challenge"], pkce_challenge(&pkce.verifier));
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!((q["prompt"].as_str(), q["login_hint"].as_str(), q["state"].as_str()), ("select_account", "a@b.example", pkce.state.as_str()));
        assert!(!q.contains_key("code_verifier"));
    }
}
