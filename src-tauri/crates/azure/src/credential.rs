//! Entra ID tokens for ARM: client credentials, refresh tokens, and the
//! authorization-code + PKCE exchange, as `oauth2` grants ([`crate::oauth`]).
//! Tokens stay in memory; nothing here writes or logs a secret.

use std::collections::HashMap;
use std::fmt;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use azure_core::time::{Duration, OffsetDateTime};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2::{AuthorizationCode, ClientSecret, PkceCodeVerifier, RedirectUrl, RefreshToken};
use tokio::sync::Mutex;
use url::Url;

use crate::certificate::ClientCertificate;
use crate::error::AzureError;
use crate::oauth::{self, EntraToken, Hardened};

/// Where tokens come from: `{host}/{tenant}/oauth2/v2.0/...`.
#[derive(Debug, Clone)]
pub struct Authority {
    pub host: Url,
    pub tenant: String,
}

impl Authority {
    pub(crate) fn endpoint(&self, leaf: &str) -> Result<Url, AzureError> {
        self.host
            .join(&format!("{}/oauth2/v2.0/{leaf}", self.tenant))
            .map_err(|e| AzureError::Config(format!("authority {}: {e}", self.host)))
    }
}

enum Grant {
    ClientSecret { client_id: String, secret: Secret },
    ClientCertificate { client_id: String, certificate: Box<ClientCertificate> },
    RefreshToken { client_id: String, refresh_token: Secret },
}

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A token source for one account, refreshing shortly before expiry.
pub struct EntraCredential {
    http: reqwest::Client,
    authority: Authority,
    grant: Mutex<Grant>,
    /// One token per scope (ARM, Graph).
    cached: Mutex<HashMap<String, Cached>>,
}

impl fmt::Debug for EntraCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntraCredential").field("authority", &self.authority).finish_non_exhaustive()
    }
}

/// Who a token speaks for, read from its claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub tenant_id: String,
    pub object_id: String,
    /// The UPN of a user, the application id of a service principal.
    pub account: String,
}

/// Tokens are renewed this long before they expire.
const EARLY_REFRESH: Duration = Duration::minutes(5);

/// A token and the moment to renew it: five minutes before it expires, or
/// after half its life for a short-lived one, so a short token is still reused.
struct Cached {
    token: AccessToken,
    renew_at: OffsetDateTime,
}

impl Cached {
    fn new(token: AccessToken, lifetime: Duration) -> Self {
        let margin = EARLY_REFRESH.min(lifetime / 2);
        Cached { renew_at: token.expires_on.checked_sub(margin).unwrap_or(token.expires_on), token }
    }
}

impl EntraCredential {
    /// A service principal signing in with a client secret.
    pub fn client_secret(http: reqwest::Client, authority: Authority, client_id: String, secret: Secret) -> Self {
        Self::new(http, authority, Grant::ClientSecret { client_id, secret })
    }

    /// A service principal signing in with a certificate (a signed client assertion per token).
    pub fn client_certificate(http: reqwest::Client, authority: Authority, client_id: String, certificate: ClientCertificate) -> Self {
        Self::new(http, authority, Grant::ClientCertificate { client_id, certificate: Box::new(certificate) })
    }

    fn new(http: reqwest::Client, authority: Authority, grant: Grant) -> Self {
        EntraCredential { http, authority, grant: Mutex::new(grant), cached: Mutex::new(HashMap::new()) }
    }

    /// A user's session restored from a stored refresh token; the first
    /// token request redeems it (and fails with `SignIn` if it was revoked).
    pub fn from_refresh_token(http: reqwest::Client, authority: Authority, client_id: String, refresh_token: Secret) -> Self {
        Self::new(http, authority, Grant::RefreshToken { client_id, refresh_token })
    }

    /// A user credential whose first tokens come from `redeem` (auth code, device code).
    pub(crate) fn pending_user(http: reqwest::Client, authority: Authority, client_id: &str) -> Self {
        Self::from_refresh_token(http, authority, client_id.to_owned(), Secret::new(""))
    }

    /// Redeem an authorization code (with its PKCE verifier) for `scope`.
    pub(crate) async fn exchange_code(
        http: reqwest::Client,
        authority: Authority,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        verifier: PkceCodeVerifier,
        scope: &str,
    ) -> Result<Self, AzureError> {
        let redirect =
            RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| AzureError::Config(format!("redirect {redirect_uri}: {e}")))?;
        let hardened = Hardened::new(http.clone(), "the token request");
        let answer = oauth::client(&authority, client_id)?
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(verifier)
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .add_extra_param("scope", format!("{scope} offline_access"))
            .request_async(&hardened)
            .await
            .map_err(|e| crate::refusal::explain(hardened.refusal(e)))?;
        let credential = Self::pending_user(http, authority, client_id);
        credential.store(answer, client_id, scope).await?;
        Ok(credential)
    }

    /// The refresh token of a user session, to keep in the OS keyring.
    /// `None` for a service principal or before the first token.
    pub async fn refresh_token(&self) -> Option<Secret> {
        match &*self.grant.lock().await {
            Grant::RefreshToken { refresh_token, .. } if !refresh_token.secret().is_empty() => Some(refresh_token.clone()),
            _ => None,
        }
    }

    /// A token for `scope`, from the cache while it has five minutes left.
    pub async fn token(&self, scope: &str) -> Result<AccessToken, AzureError> {
        let cached = self.cached.lock().await;
        if let Some(entry) = cached.get(scope) {
            if entry.renew_at > OffsetDateTime::now_utc() {
                return Ok(entry.token.clone());
            }
        }
        let grant = self.grant.lock().await;
        drop(cached);
        let (client_id, answer) = self.request(&grant, scope).await?;
        drop(grant);
        self.store(answer, &client_id, scope).await
    }

    /// Ask the token endpoint for `scope` with `grant`.
    async fn request(&self, grant: &Grant, scope: &str) -> Result<(String, EntraToken), AzureError> {
        let hardened = Hardened::new(self.http.clone(), "the token request");
        let client_id = match grant {
            Grant::ClientSecret { client_id, .. } | Grant::ClientCertificate { client_id, .. } | Grant::RefreshToken { client_id, .. } => {
                client_id
            }
        };
        let client = oauth::client(&self.authority, client_id)?;
        let answer = match grant {
            Grant::ClientSecret { secret, .. } => {
                let client = client.set_client_secret(ClientSecret::new(secret.secret().to_owned()));
                client.exchange_client_credentials().add_scopes(oauth::scopes(scope)).request_async(&hardened).await
            }
            Grant::ClientCertificate { certificate, .. } => {
                let endpoint = self.authority.endpoint("token")?;
                let assertion = certificate.assertion(client_id, &endpoint, chrono::Utc::now())?;
                client
                    .exchange_client_credentials()
                    .add_scopes(oauth::scopes(scope))
                    .add_extra_param("client_assertion_type", JWT_BEARER)
                    .add_extra_param("client_assertion", assertion.secret().to_owned())
                    .request_async(&hardened)
                    .await
            }
            Grant::RefreshToken { refresh_token, .. } => {
                let refresh_token = RefreshToken::new(refresh_token.secret().to_owned());
                client.exchange_refresh_token(&refresh_token).add_scopes(oauth::scopes(scope)).request_async(&hardened).await
            }
        };
        let answer = answer.map_err(|e| crate::refusal::explain(hardened.refusal(e)))?;
        Ok((client_id.clone(), answer))
    }

    /// Cache Entra's `answer` as `scope`'s token, keeping a new refresh token.
    pub(crate) async fn store(&self, token: EntraToken, client_id: &str, scope: &str) -> Result<AccessToken, AzureError> {
        let now = OffsetDateTime::now_utc();
        let lifetime = token.lifetime(now.unix_timestamp())?;
        if let Some(refresh_token) = token.refresh_token {
            let mut grant = self.grant.lock().await;
            if let Grant::RefreshToken { .. } = &*grant {
                *grant = Grant::RefreshToken { client_id: client_id.to_owned(), refresh_token: Secret::new(refresh_token.into_secret()) };
            }
        }
        let expires_on = now.checked_add(lifetime).unwrap_or(now);
        let access = AccessToken::new(token.access_token.into_secret(), expires_on);
        self.cached.lock().await.insert(scope.to_owned(), Cached::new(access.clone(), lifetime));
        Ok(access)
    }
}

/// A credential whose cached token can be dropped when Azure refuses it as
/// expired (its clock and ours may disagree), so the next call signs in anew.
#[async_trait]
pub trait SessionCredential: TokenCredential {
    async fn forget(&self, scope: &str);
}

#[async_trait]
impl SessionCredential for EntraCredential {
    async fn forget(&self, scope: &str) {
        self.cached.lock().await.remove(scope);
    }
}

#[async_trait]
impl TokenCredential for EntraCredential {
    async fn get_token(&self, scopes: &[&str], _options: Option<TokenRequestOptions<'_>>) -> azure_core::Result<AccessToken> {
        let scope = scopes.join(" ");
        self.token(&scope).await.map_err(|e| azure_core::Error::new(ErrorKind::Credential, e))
    }
}

pub(crate) fn network(url: &Url, e: reqwest::Error) -> AzureError {
    crate::http::network(url, e)
}

/// The `code` from the redirect, after checking `state` and any error.
pub(crate) fn authorization_code(location: &str, expected_state: &str) -> Result<String, AzureError> {
    let url = Url::parse(location).map_err(|e| AzureError::unexpected("the sign-in redirect", e))?;
    let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    if let Some(error) = param("error") {
        return Err(AzureError::SignIn { error, description: param("error_description").unwrap_or_default() });
    }
    if param("state").as_deref() != Some(expected_state) {
        return Err(AzureError::SignIn {
            error: "state_mismatch".into(),
            description: "The sign-in answer did not belong to this sign-in attempt; try again.".into(),
        });
    }
    param("code").ok_or_else(|| AzureError::unexpected("the sign-in redirect", "no code"))
}

/// The claims of an access token that name who it speaks for.
#[derive(serde::Deserialize)]
struct Claims {
    tid: String,
    oid: String,
    upn: Option<String>,
    preferred_username: Option<String>,
    /// A service principal's application id.
    appid: Option<String>,
}

impl Identity {
    /// Read tenant, object id and account from an access token's claims
    /// (decoded by `jsonwebtoken`). The signature is Entra's business (ARM
    /// checks it); the claims only label the session, so none is verified here.
    pub fn from_token(token: &str) -> Result<Identity, AzureError> {
        let mut read_only = Validation::new(Algorithm::RS256);
        read_only.insecure_disable_signature_validation();
        read_only.validate_exp = false;
        read_only.validate_aud = false;
        read_only.required_spec_claims.clear();
        let claims = jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(&[]), &read_only)
            .map_err(|e| AzureError::unexpected("the access token", e))?
            .claims;
        let account = claims
            .upn
            .or(claims.preferred_username)
            .or(claims.appid)
            .ok_or_else(|| AzureError::unexpected("the access token", "no upn, preferred_username or appid claim"))?;
        Ok(Identity { tenant_id: claims.tid, object_id: claims.oid, account })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::MAX_TOKEN_LIFETIME_SECONDS;

    #[test]
    fn short_tokens_are_reused_for_half_their_life_long_ones_until_five_minutes_before() {
        let now = OffsetDateTime::now_utc();
        let short = Cached::new(AccessToken::new("a", now + Duration::seconds(60)), Duration::seconds(60));
        assert_eq!(short.renew_at, now + Duration::seconds(30));
        let long = Cached::new(AccessToken::new("b", now + Duration::hours(1)), Duration::hours(1));
        assert_eq!(long.renew_at, now + Duration::minutes(55));
    }

    #[test]
    fn token_lifetimes_are_clamped_to_a_day() {
        let answer = |v: serde_json::Value| serde_json::from_value::<EntraToken>(v).expect("parses");
        let now = 1_800_000_000;
        let day = Duration::seconds(MAX_TOKEN_LIFETIME_SECONDS);
        assert_eq!(answer(serde_json::json!({"access_token": "a", "expires_in": 3599})).lifetime(now).ok(), Some(Duration::seconds(3599)));
        assert_eq!(answer(serde_json::json!({"access_token": "a", "expires_in": i64::MAX})).lifetime(now).ok(), Some(day));
        assert_eq!(answer(serde_json::json!({"access_token": "a", "expires_in": 1e308})).lifetime(now).ok(), Some(day));
        assert_eq!(
            answer(serde_json::json!({"access_token": "a", "expires_in": "4000"})).lifetime(now).ok(),
            Some(Duration::seconds(4000))
        );
        assert_eq!(answer(serde_json::json!({"access_token": "a", "expires_in": -7})).lifetime(now).ok(), Some(Duration::ZERO));
        assert_eq!(
            answer(serde_json::json!({"access_token": "a", "expires_on": now + 600})).lifetime(now).ok(),
            Some(Duration::seconds(600))
        );
        assert_eq!(answer(serde_json::json!({"access_token": "a", "expires_on": u64::MAX})).lifetime(now).ok(), Some(day));
        assert!(answer(serde_json::json!({"access_token": "a"})).lifetime(now).is_err());
    }

    #[test]
    fn pkce_challenge_is_base64url_sha256_without_padding() {
        // RFC 7636 appendix B, through the `oauth2` crate the sign-in uses.
        let verifier = PkceCodeVerifier::new("dBjftJeZ4CVP-mJ0kr7nvv78ByNn-gCCxbc0aK8TWRw".into());
        assert_eq!(
            oauth2::PkceCodeChallenge::from_code_verifier_sha256(&verifier).as_str(),
            // computed independently with Python hashlib + base64.urlsafe_b64encode
            "HYsRUNqAbSTYreklOqRSX9p0DNqO348x-W2BP99oWRU"
        );
    }

    #[test]
    fn redirect_with_another_state_is_refused() {
        let e = authorization_code("http://127.0.0.1:8400/?code=abc&state=other", "mine").expect_err("refused");
        assert!(matches!(e, AzureError::SignIn { ref error, .. } if error == "state_mismatch"));
        assert_eq!(authorization_code("http://127.0.0.1:8400/?code=abc&state=mine", "mine").ok(), Some("abc".into()));
        let e = authorization_code("http://127.0.0.1:8400/?error=access_denied&state=mine", "mine").expect_err("refused");
        assert!(e.to_string().contains("access_denied"));
    }

    #[test]
    fn identity_comes_from_claims() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let h = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"RS256","x5t":"k"}"#);
        let claims = URL_SAFE_NO_PAD.encode(br#"{"tid":"t","oid":"o","upn":"a@b.example","exp":1}"#);
        let id = Identity::from_token(&format!("{h}.{claims}.s")).expect("parses");
        assert_eq!(id, Identity { tenant_id: "t".into(), object_id: "o".into(), account: "a@b.example".into() });
        let app = URL_SAFE_NO_PAD.encode(br#"{"tid":"t","oid":"o","appid":"app"}"#);
        assert_eq!(Identity::from_token(&format!("{h}.{app}.s")).expect("parses").account, "app");
        assert!(Identity::from_token("garbage").is_err());
        let no_tenant = URL_SAFE_NO_PAD.encode(br#"{"oid":"o","upn":"a@b.example"}"#);
        let e = Identity::from_token(&format!("{h}.{no_tenant}.s")).expect_err("refused").to_string();
        assert!(e.contains("tid"), "the missing claim is named: {e}");
        let nobody = URL_SAFE_NO_PAD.encode(br#"{"tid":"t","oid":"o"}"#);
        assert!(Identity::from_token(&format!("{h}.{nobody}.s")).is_err());
    }
}
