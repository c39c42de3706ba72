//! How the app reaches a tenant: where ARM and Entra are, and who signs in.

use std::sync::Arc;

use azure_core::credentials::Secret;
use url::Url;

use crate::arm::Arm;
use crate::certificate::ClientCertificate;
use crate::cloud::{check_arm_scope, default_arm_scope, default_graph_scope};
use crate::credential::{Authority, EntraCredential, Identity, SessionCredential};
use crate::error::AzureError;
use crate::graph::Graph;
use crate::signin::DeveloperSession;
use crate::tenant::Tenant;

/// Who signs in, and how.
pub enum SignIn {
    /// A service principal with a client secret.
    ClientSecret { client_id: String, secret: Secret },
    /// A service principal with a certificate.
    ClientCertificate { client_id: String, certificate: Box<ClientCertificate> },
    /// A user, through an authorize endpoint that consents without a browser
    /// (the simulator's); real Entra needs the interactive flow.
    UserWithoutPrompt { client_id: String, login_hint: String },
    /// A user already signed in: [`crate::signin`] (browser, device code) or
    /// [`EntraCredential::from_refresh_token`] with a stored refresh token.
    /// Shared, so the app can save the rotated refresh token later.
    Signed(Arc<EntraCredential>),
    /// The account signed in to the Azure CLI (`az login`), or else the Azure
    /// Developer CLI (`azd auth login`), on this machine; tokens for `tenant`,
    /// or the tools' default tenant when `None`. See [`DeveloperSession`].
    DeveloperTools { tenant: Option<String> },
}

pub struct Connection {
    pub arm_endpoint: Url,
    /// Microsoft Graph (for the Security Resource Provider's object id).
    pub graph_endpoint: Url,
    pub authority_host: Url,
    pub tenant: String,
    pub token_scope: String,
    pub sign_in: SignIn,
}

/// The environment variables an external connection is read from.
pub mod env {
    pub const ARM_ENDPOINT: &str = "EXEMPTION_DESK_ARM_ENDPOINT";
    pub const AUTHORITY: &str = "EXEMPTION_DESK_AUTHORITY";
    pub const TENANT_ID: &str = "EXEMPTION_DESK_TENANT_ID";
    pub const CLIENT_ID: &str = "EXEMPTION_DESK_CLIENT_ID";
    pub const CLIENT_SECRET: &str = "EXEMPTION_DESK_CLIENT_SECRET";
    /// A PEM (key + certificate) or PKCS #12 file, instead of a secret.
    pub const CLIENT_CERTIFICATE: &str = "EXEMPTION_DESK_CLIENT_CERTIFICATE";
    pub const CLIENT_CERTIFICATE_PASSWORD: &str = "EXEMPTION_DESK_CLIENT_CERTIFICATE_PASSWORD";
    pub const LOGIN_HINT: &str = "EXEMPTION_DESK_LOGIN_HINT";
    pub const TOKEN_SCOPE: &str = "EXEMPTION_DESK_TOKEN_SCOPE";
    pub const GRAPH_ENDPOINT: &str = "EXEMPTION_DESK_GRAPH_ENDPOINT";
}

/// The HTTP client every Entra, ARM and Graph call goes through.
pub(crate) fn http_client() -> Result<reqwest::Client, AzureError> {
    crate::http::client()
}

/// ARM's token scope in the public cloud (the simulator accepts it too).
pub const PUBLIC_TOKEN_SCOPE: &str = "https://management.azure.com/.default";

fn url(name: &str, value: &str) -> Result<Url, AzureError> {
    let with_slash = if value.ends_with('/') { value.to_owned() } else { format!("{value}/") };
    Url::parse(&with_slash).map_err(|e| AzureError::Config(format!("{name}={value} is not a URL: {e}")))
}

impl Connection {
    /// An external connection from `EXEMPTION_DESK_*` variables, or `None`
    /// when `EXEMPTION_DESK_ARM_ENDPOINT` is unset (demo mode).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Option<Connection>, AzureError> {
        let Some(arm) = get(env::ARM_ENDPOINT).filter(|v| !v.trim().is_empty()) else {
            return Ok(None);
        };
        let need = |name: &str| {
            get(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| AzureError::Config(format!("{name} must be set when {} is", env::ARM_ENDPOINT)))
        };
        let authority = get(env::AUTHORITY).unwrap_or_else(|| arm.clone());
        let client_id = need(env::CLIENT_ID)?;
        let sign_in = match (get(env::CLIENT_SECRET), get(env::CLIENT_CERTIFICATE), get(env::LOGIN_HINT)) {
            (Some(secret), _, _) => SignIn::ClientSecret { client_id, secret: Secret::new(secret) },
            (None, Some(path), _) => {
                let password = get(env::CLIENT_CERTIFICATE_PASSWORD).map(Secret::new);
                let certificate = ClientCertificate::from_file(&path, password.as_ref())
                    .map_err(|e| AzureError::Config(format!("{}: {e}", env::CLIENT_CERTIFICATE)))?;
                SignIn::ClientCertificate { client_id, certificate: Box::new(certificate) }
            }
            (None, None, Some(login_hint)) => SignIn::UserWithoutPrompt { client_id, login_hint },
            (None, None, None) => {
                return Err(AzureError::Config(format!(
                    "set {} or {} (service principal) or {} (simulated user)",
                    env::CLIENT_SECRET,
                    env::CLIENT_CERTIFICATE,
                    env::LOGIN_HINT
                )))
            }
        };
        let graph = get(env::GRAPH_ENDPOINT).unwrap_or_else(|| {
            // A loopback ARM is the simulator, which serves Graph on the same port.
            if arm.starts_with("http://127.") || arm.starts_with("http://localhost") {
                arm.clone()
            } else {
                crate::graph::GRAPH_PUBLIC.to_owned()
            }
        });
        let arm_endpoint = url(env::ARM_ENDPOINT, &arm)?;
        // The endpoint's own audience unless one is named; never another cloud's.
        let token_scope = get(env::TOKEN_SCOPE).filter(|s| !s.trim().is_empty()).unwrap_or_else(|| default_arm_scope(&arm_endpoint));
        check_arm_scope(&arm_endpoint, &token_scope).map_err(|e| AzureError::Config(format!("{}: {e}", env::TOKEN_SCOPE)))?;
        Ok(Some(Connection {
            arm_endpoint,
            graph_endpoint: url(env::GRAPH_ENDPOINT, &graph)?,
            authority_host: url(env::AUTHORITY, &authority)?,
            tenant: need(env::TENANT_ID)?,
            token_scope,
            sign_in,
        }))
    }

    /// Sign in and return the tenant handle with who signed in.
    pub async fn connect(self) -> Result<(Tenant, Identity), AzureError> {
        let http = http_client()?;
        let authority = Authority { host: self.authority_host, tenant: self.tenant };
        let credential: Arc<dyn SessionCredential> = match self.sign_in {
            SignIn::ClientSecret { client_id, secret } => {
                Arc::new(EntraCredential::client_secret(http.clone(), authority, client_id, secret))
            }
            SignIn::ClientCertificate { client_id, certificate } => {
                Arc::new(EntraCredential::client_certificate(http.clone(), authority, client_id, *certificate))
            }
            SignIn::DeveloperTools { tenant } => Arc::new(DeveloperSession::new(tenant)?),
            SignIn::UserWithoutPrompt { client_id, login_hint } => Arc::new(
                EntraCredential::sign_in_without_prompt(http.clone(), authority, &client_id, &login_hint, &self.token_scope).await?,
            ),
            SignIn::Signed(credential) => credential,
        };
        let scope = default_graph_scope(&self.graph_endpoint);
        let graph = Graph { http: http.clone(), endpoint: self.graph_endpoint, credential: credential.clone(), scope };
        let arm = Arm::new(http, self.arm_endpoint, credential, self.token_scope);
        let identity = Identity::from_token(&arm.access_token().await?)?;
        Ok((Tenant::new(arm, identity.clone(), Some(graph)), identity))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn no_endpoint_means_demo_mode() {
        assert!(Connection::from_env(vars(&[])).expect("fine").is_none());
    }

    #[test]
    fn a_service_principal_connection_defaults_authority_to_arm() {
        let c = Connection::from_env(vars(&[
            (env::ARM_ENDPOINT, "http://127.0.0.1:9000"),
            (env::TENANT_ID, "t"),
            (env::CLIENT_ID, "c"),
            (env::CLIENT_SECRET, "s"),
        ]))
        .expect("valid")
        .expect("external");
        assert_eq!(c.authority_host.as_str(), "http://127.0.0.1:9000/");
        assert_eq!(c.token_scope, PUBLIC_TOKEN_SCOPE);
        assert!(matches!(c.sign_in, SignIn::ClientSecret { .. }));
    }

    #[test]
    fn missing_settings_are_named() {
        let e = Connection::from_env(vars(&[(env::ARM_ENDPOINT, "http://127.0.0.1:9000"), (env::CLIENT_ID, "c")]))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains(env::CLIENT_SECRET), "{e}");
        let e = Connection::from_env(vars(&[
            (env::ARM_ENDPOINT, "not a url"),
            (env::TENANT_ID, "t"),
            (env::CLIENT_ID, "c"),
            (env::LOGIN_HINT, "u"),
        ]))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(e.contains("not a URL"), "{e}");
    }

    #[test]
    fn an_external_endpoint_gets_its_own_token_audience_unless_one_is_named() {
        let base = [(env::TENANT_ID, "t"), (env::CLIENT_ID, "c"), (env::CLIENT_SECRET, "s")];
        let with = |extra: &[(&'static str, &'static str)]| Connection::from_env(vars(&[&base[..], extra].concat()));
        let c = with(&[(env::ARM_ENDPOINT, "https://arm.stack.example")]).expect("valid").expect("external");
        assert_eq!(c.token_scope, "https://arm.stack.example/.default");
        let c = with(&[(env::ARM_ENDPOINT, "https://arm.stack.example"), (env::TOKEN_SCOPE, "https://management.stack.example/.default")])
            .expect("valid")
            .expect("external");
        assert_eq!(c.token_scope, "https://management.stack.example/.default");
        let e = with(&[(env::ARM_ENDPOINT, "https://arm.stack.example"), (env::TOKEN_SCOPE, PUBLIC_TOKEN_SCOPE)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("does not send them to arm.stack.example"), "{e}");
    }
}
