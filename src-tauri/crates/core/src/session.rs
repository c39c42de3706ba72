//! Who is signed in, to which tenant and cloud, and how a user asks to sign in.

use std::fmt;

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum SessionMode {
    /// The embedded simulator with the demo tenant.
    Demo,
    /// An ARM/Entra endpoint given by `EXEMPTION_DESK_*` variables.
    External,
    /// A profile signed in from the Connect screen.
    Profile,
}

/// Who is signed in, to which tenant, through which endpoint.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub mode: SessionMode,
    pub tenant_id: String,
    /// UPN for a user, application id for a service principal.
    pub account: String,
    pub object_id: String,
    pub arm_endpoint: String,
    /// The cloud's name for people ("Azure", "Azure US Government", …).
    pub cloud: String,
    pub profile_name: Option<String>,
    /// Something the user should know about the session, e.g. that no keyring
    /// was available so the sign-in lasts only until the app closes.
    pub warning: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum CloudKind {
    Public,
    UsGovernment,
    China,
    /// An endpoint pair of your own (the simulator, Azure Stack).
    Custom,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct CloudChoice {
    pub kind: CloudKind,
    /// Custom only: Entra's host, ARM and Graph base URLs.
    pub authority_host: Option<String>,
    pub arm_endpoint: Option<String>,
    pub graph_endpoint: Option<String>,
    /// Custom only: the token audience Resource Manager expects (e.g.
    /// `https://management.stack.example/`); empty for the endpoint's origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub arm_audience: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum SignInMethod {
    /// Authorization code with PKCE in the system browser.
    Browser,
    DeviceCode,
    /// Reuse an `az login` / `azd auth login` session.
    AzureCli,
    /// An application with a client secret.
    ServicePrincipal,
    /// An application with a certificate (PEM with its private key, or PKCS #12).
    ServicePrincipalCertificate,
}

/// What the Connect screen sends. The secret, if any, goes to the OS keyring
/// and nowhere else: its `Debug` prints `<redacted>` for the client secret and
/// the certificate password.
#[derive(Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct SignInRequest {
    /// The profile to remember this sign-in under.
    pub profile_name: String,
    pub cloud: CloudChoice,
    /// A tenant id or domain, or `organizations` for any work account.
    pub tenant: String,
    pub method: SignInMethod,
    /// Empty for the default public client (see the README).
    pub client_id: String,
    /// Service principal with a secret only.
    pub client_secret: String,
    /// Service principal with a certificate only: the file on this machine.
    #[serde(default)]
    pub certificate_path: String,
    /// The PKCS #12 file's password, if it has one (kept in the OS keyring).
    #[serde(default)]
    pub certificate_password: String,
    /// Browser only: the account to suggest.
    pub login_hint: String,
}

/// What `Debug` prints in place of a secret that is set (an empty one prints
/// as `""`, so a log still shows which was given).
const REDACTED: &str = "<redacted>";

impl fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |secret: &str| if secret.is_empty() { "" } else { REDACTED };
        f.debug_struct("SignInRequest")
            .field("profile_name", &self.profile_name)
            .field("cloud", &self.cloud)
            .field("tenant", &self.tenant)
            .field("method", &self.method)
            .field("client_id", &self.client_id)
            .field("client_secret", &redact(&self.client_secret))
            .field("certificate_path", &self.certificate_path)
            .field("certificate_password", &redact(&self.certificate_password))
            .field("login_hint", &self.login_hint)
            .finish()
    }
}

/// A remembered sign-in: nothing secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub name: String,
    pub cloud: CloudChoice,
    pub tenant: String,
    pub method: SignInMethod,
    pub client_id: String,
    /// Service principal with a certificate: the certificate file (its
    /// password, if any, is in the OS keyring).
    #[serde(default)]
    pub certificate_path: String,
    /// Who signed in last time.
    pub account: String,
}

/// Sent as the `device-code` event: what to show while the user signs in elsewhere.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    pub message: String,
    /// A JSON number: the sign-in clamps Entra's value, so it stays far below 2^53.
    #[specta(type = u32)]
    pub expires_in_seconds: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(secret: &str, password: &str) -> SignInRequest {
        SignInRequest {
            profile_name: "ci".into(),
            cloud: CloudChoice {
                kind: CloudKind::Public,
                authority_host: None,
                arm_endpoint: None,
                graph_endpoint: None,
                arm_audience: None,
            },
            tenant: "contoso.onmicrosoft.com".into(),
            method: SignInMethod::ServicePrincipal,
            client_id: "740a34f6-1b33-436e-b6f3-b52def46a49d".into(),
            client_secret: secret.into(),
            certificate_path: "ci.pfx".into(),
            certificate_password: password.into(),
            login_hint: String::new(),
        }
    }

    #[test]
    fn debug_redacts_the_client_secret_and_certificate_password() {
        let shown = format!("{:?}", request("s3cr3t~value", "pfx-pa55word"));
        assert!(!shown.contains("s3cr3t~value"), "{shown}");
        assert!(!shown.contains("pfx-pa55word"), "{shown}");
        assert!(shown.contains("client_secret: \"<redacted>\""), "{shown}");
        assert!(shown.contains("certificate_password: \"<redacted>\""), "{shown}");
        // What is not secret still shows, for diagnosis.
        assert!(shown.contains("740a34f6-1b33-436e-b6f3-b52def46a49d") && shown.contains("ci.pfx"), "{shown}");
        let pretty = format!("{:#?}", request("s3cr3t~value", "pfx-pa55word"));
        assert!(!pretty.contains("s3cr3t~value") && !pretty.contains("pfx-pa55word"), "{pretty}");
    }

    #[test]
    fn debug_shows_an_absent_secret_as_empty() {
        let shown = format!("{:?}", request("", ""));
        assert!(shown.contains("client_secret: \"\"") && shown.contains("certificate_password: \"\""), "{shown}");
    }
}
