//! Signing in through a session the developer tools already hold: the Azure
//! CLI (`az login`) first, then the Azure Developer CLI (`azd auth login`).
//!
//! `azure_identity`'s `DeveloperToolsCredential` tries the same two tools in
//! the same order, but (in 1.0) cannot be told which tenant to ask for; this
//! chain is built from its two parts, [`AzureCliCredential`] and
//! [`AzureDeveloperCliCredential`], so the tenant is passed on. Neither caches
//! (each token request runs the tool), so tokens are kept here per scope until
//! five minutes before they expire.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use azure_core::time::{Duration, OffsetDateTime};
use azure_identity::{AzureCliCredential, AzureCliCredentialOptions, AzureDeveloperCliCredential, AzureDeveloperCliCredentialOptions};
use tokio::sync::Mutex;

use crate::credential::SessionCredential;
use crate::error::AzureError;

/// Tokens are asked for anew this long before they expire.
const EARLY_REFRESH: Duration = Duration::minutes(5);

/// No tool has answered yet.
const NONE_CHOSEN: usize = usize::MAX;

/// The account signed in to `az` (or else `azd`) on this machine.
pub struct DeveloperSession {
    tenant: Option<String>,
    /// `(tool, credential)`, tried in order.
    sources: Vec<(&'static str, Arc<dyn TokenCredential>)>,
    /// The tool that answered first; later requests go to it alone.
    chosen: AtomicUsize,
    cached: Mutex<HashMap<String, AccessToken>>,
}

impl fmt::Debug for DeveloperSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeveloperSession").field("tenant", &self.tenant).finish_non_exhaustive()
    }
}

impl DeveloperSession {
    /// The developer tools' session, asking for tokens in `tenant` (the
    /// tools' default tenant when `None`). Nothing runs until the first token.
    pub fn new(tenant: Option<String>) -> Result<Self, AzureError> {
        let tenant = tenant.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let invalid = |e: azure_core::Error| AzureError::Config(format!("developer tools sign-in: {e}"));
        // `az` and `azd` run without the app's secret variables.
        let executor: Arc<dyn azure_identity::Executor> = Arc::new(crate::child::SecretFreeExecutor);
        let az = AzureCliCredential::new(Some(AzureCliCredentialOptions {
            tenant_id: tenant.clone(),
            executor: Some(executor.clone()),
            ..Default::default()
        }))
        .map_err(invalid)?;
        let azd = AzureDeveloperCliCredential::new(Some(AzureDeveloperCliCredentialOptions {
            tenant_id: tenant.clone(),
            executor: Some(executor),
        }))
        .map_err(invalid)?;
        Ok(DeveloperSession {
            tenant,
            sources: vec![("az", az), ("azd", azd)],
            chosen: AtomicUsize::new(NONE_CHOSEN),
            cached: Mutex::new(HashMap::new()),
        })
    }

    /// The tenant tokens are asked for, if one was given.
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    /// A token for `scope`, from the cache while it has five minutes left.
    pub async fn token(&self, scope: &str) -> Result<AccessToken, AzureError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.get(scope) {
            if token.expires_on - EARLY_REFRESH > OffsetDateTime::now_utc() {
                return Ok(token.clone());
            }
        }
        let token = self.ask(scope).await?;
        cached.insert(scope.to_owned(), token.clone());
        Ok(token)
    }

    async fn ask(&self, scope: &str) -> Result<AccessToken, AzureError> {
        let chosen = self.chosen.load(Ordering::Relaxed);
        if let Some((tool, source)) = self.sources.get(chosen) {
            return source.get_token(&[scope], None).await.map_err(|e| refused(&[(*tool, e)]));
        }
        let mut failures = Vec::new();
        for (index, (tool, source)) in self.sources.iter().enumerate() {
            match source.get_token(&[scope], None).await {
                Ok(token) => {
                    self.chosen.store(index, Ordering::Relaxed);
                    tracing::debug!(tool, "signed in through the developer tools' session");
                    return Ok(token);
                }
                Err(e) => failures.push((*tool, e)),
            }
        }
        Err(refused(&failures))
    }
}

/// What the tools said, as the error the user can act on: `CliNotSignedIn`
/// when each tool is missing or has nobody signed in, `SignIn` otherwise
/// (signed in, but refused: another tenant, a revoked session, ...).
fn refused(failures: &[(&'static str, azure_core::Error)]) -> AzureError {
    let detail = failures.iter().map(|(tool, e)| format!("{tool}: {}", tidy(&e.to_string()))).collect::<Vec<_>>().join("; ");
    if failures.iter().all(|(_, e)| not_signed_in(&e.to_string())) {
        AzureError::CliNotSignedIn(detail)
    } else {
        AzureError::SignIn { error: "developer_tools".into(), description: detail }
    }
}

/// The tool is not installed, or nobody is signed in to it.
fn not_signed_in(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["not found on path", "wasn't found on path", "az login", "azd auth login", "not logged in", "no subscription found"]
        .iter()
        .any(|hint| m.contains(hint))
}

/// One line, without `azure_identity`'s troubleshooting link.
fn tidy(message: &str) -> String {
    let first = message.split("\nTo troubleshoot").next().unwrap_or(message);
    first.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[async_trait]
impl TokenCredential for DeveloperSession {
    async fn get_token(&self, scopes: &[&str], _options: Option<TokenRequestOptions<'_>>) -> azure_core::Result<AccessToken> {
        let scope = scopes.join(" ");
        self.token(&scope).await.map_err(|e| azure_core::Error::new(ErrorKind::Credential, e))
    }
}

#[async_trait]
impl SessionCredential for DeveloperSession {
    /// Drop the cached token; the next request runs the tool again (which
    /// refreshes from its own cache when needed).
    async fn forget(&self, scope: &str) {
        self.cached.lock().await.remove(scope);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(message: &str) -> azure_core::Error {
        azure_core::Error::with_message(ErrorKind::Credential, message.to_owned())
    }

    #[test]
    fn missing_or_signed_out_tools_ask_for_az_login() {
        let e = refused(&[
            ("az", error("AzureCliCredential authentication failed. az not found on PATH\nTo troubleshoot, visit https://aka.ms/x")),
            ("azd", error("AzureDeveloperCliCredential authentication failed. \nERROR: not logged in, run `azd auth login` to login")),
        ]);
        assert!(matches!(e, AzureError::CliNotSignedIn(_)), "{e:?}");
        let text = e.to_string();
        assert!(text.starts_with("Sign in with `az login` (or `azd auth login`) first"), "{text}");
        assert!(text.contains("az: AzureCliCredential authentication failed. az not found on PATH;"), "{text}");
        assert!(!text.contains("troubleshoot"), "{text}");
        assert_eq!(e.code(), "cli_not_signed_in");
    }

    #[test]
    fn a_refusal_while_signed_in_is_a_sign_in_error() {
        let e = refused(&[("az", error("ERROR: AADSTS90002: Tenant 'x' not found.")), ("azd", error("azd not found on PATH"))]);
        assert!(matches!(e, AzureError::SignIn { ref error, .. } if error == "developer_tools"), "{e:?}");
    }

    #[test]
    fn an_invalid_tenant_is_a_configuration_error() {
        assert!(matches!(DeveloperSession::new(Some("no spaces allowed".into())), Err(AzureError::Config(_))));
        let session = DeveloperSession::new(Some("  ".into())).expect("blank means the default tenant");
        assert_eq!(session.tenant(), None);
    }
}
