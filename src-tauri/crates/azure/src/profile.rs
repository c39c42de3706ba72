//! Signing in from the Connect screen's request, or again from a remembered
//! profile with the secret the OS keyring kept for it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::Secret;
use desk_core::session::{CloudChoice, CloudKind, Profile, SignInMethod, SignInRequest};
use url::Url;

use crate::apply::Cancel;
use crate::certificate::ClientCertificate;
use crate::cloud::{arm_scope_from, check_arm_scope, default_arm_scope, Cloud};
use crate::connect::{http_client as http, SignIn};
use crate::credential::{EntraCredential, Identity};
use crate::error::AzureError;
use crate::signin::{sign_in_with_browser, BrowserSignIn};
use crate::signin::{sign_in_with_device_code, DeviceCodePrompt, DeviceCodeSignIn};
use crate::tenant::Tenant;

/// The public client used when the user gives none: the Azure CLI's
/// well-known application, consented in most tenants. Organisations can
/// register their own (README, "Signing in").
pub const DEFAULT_PUBLIC_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/// How long the browser may take before the sign-in gives up.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);

/// A session and what to keep in the OS keyring for next time (a refresh
/// token or a client secret), if anything.
pub struct SignedIn {
    pub tenant: Tenant,
    pub identity: Identity,
    pub keep: Option<Secret>,
}

pub fn cloud_label(kind: CloudKind) -> &'static str {
    match kind {
        CloudKind::Public => "Azure",
        CloudKind::UsGovernment => "Azure US Government",
        CloudKind::China => "Azure China",
        CloudKind::Custom => "Custom endpoints",
    }
}

fn endpoint(name: &str, value: &Option<String>) -> Result<Url, AzureError> {
    let text = value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AzureError::InvalidInput(format!("Enter the {name} for custom endpoints.")))?;
    let with_slash = if text.ends_with('/') { text.to_owned() } else { format!("{text}/") };
    let url = Url::parse(&with_slash).map_err(|e| AzureError::InvalidInput(format!("The {name} \"{text}\" is not a URL: {e}.")))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
        return Err(AzureError::InvalidInput(format!("The {name} must use https (plain http only on this machine).")));
    }
    Ok(url)
}

pub fn cloud_of(choice: &CloudChoice) -> Result<Cloud, AzureError> {
    Ok(match choice.kind {
        CloudKind::Public => Cloud::Public,
        CloudKind::UsGovernment => Cloud::UsGovernment,
        CloudKind::China => Cloud::China,
        CloudKind::Custom => {
            let arm = endpoint("Resource Manager endpoint", &choice.arm_endpoint)?;
            let arm_scope = match choice.arm_audience.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
                Some(typed) => arm_scope_from(typed).ok_or_else(|| {
                    AzureError::InvalidInput(format!(
                        "The token audience \"{typed}\" is not a URI such as https://management.example.com/."
                    ))
                })?,
                None => default_arm_scope(&arm),
            };
            check_arm_scope(&arm, &arm_scope).map_err(AzureError::InvalidInput)?;
            Cloud::Custom {
                authority_host: endpoint("sign-in host", &choice.authority_host)?,
                graph_endpoint: endpoint("Microsoft Graph endpoint", &choice.graph_endpoint)?,
                arm_scope,
                arm_endpoint: arm,
            }
        }
    })
}

fn check(request: &SignInRequest) -> Result<(), AzureError> {
    let name = request.profile_name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(AzureError::InvalidInput("Give the profile a name of 1 to 64 characters.".into()));
    }
    let tenant = request.tenant.trim();
    if tenant.is_empty() || !tenant.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)) {
        return Err(AzureError::InvalidInput(format!(
            "\"{tenant}\" is not a tenant: use a tenant id, a domain such as contoso.onmicrosoft.com, or organizations."
        )));
    }
    if request.method == SignInMethod::ServicePrincipal && (request.client_id.trim().is_empty() || request.client_secret.is_empty()) {
        return Err(AzureError::InvalidInput("A service principal needs its client id and a client secret.".into()));
    }
    if request.method == SignInMethod::ServicePrincipalCertificate
        && (request.client_id.trim().is_empty() || request.certificate_path.trim().is_empty())
    {
        return Err(AzureError::InvalidInput("A service principal needs its client id and a certificate file.".into()));
    }
    Ok(())
}

fn client_id(given: &str) -> String {
    let given = given.trim();
    if given.is_empty() {
        DEFAULT_PUBLIC_CLIENT_ID.to_owned()
    } else {
        given.to_owned()
    }
}

/// Run `work` until it ends or `cancel` is set.
async fn unless_cancelled<T>(cancel: &Cancel, work: impl Future<Output = Result<T, AzureError>>) -> Result<T, AzureError> {
    let watch = async {
        while !cancel.is_cancelled() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::select! {
        done = work => done,
        () = watch => Err(AzureError::SignInStopped("Sign-in cancelled.".into())),
    }
}

async fn connect_user(cloud: &Cloud, tenant: &str, credential: EntraCredential) -> Result<SignedIn, AzureError> {
    let credential = Arc::new(credential);
    let (tenant, identity) = cloud.connection(tenant, SignIn::Signed(credential.clone())).connect().await?;
    Ok(SignedIn { tenant, identity, keep: credential.refresh_token().await })
}

/// Sign in as the Connect screen asks. `open` shows the browser the sign-in
/// page; `show` shows a device code.
pub async fn sign_in(
    request: &SignInRequest,
    open: impl FnOnce(&Url) -> Result<(), String>,
    show: impl FnOnce(&DeviceCodePrompt) -> Result<(), String>,
    cancel: &Cancel,
) -> Result<SignedIn, AzureError> {
    check(request)?;
    let cloud = cloud_of(&request.cloud)?;
    let tenant = request.tenant.trim();
    let authority = cloud.authority(tenant);
    match request.method {
        SignInMethod::Browser => {
            let hint = Some(request.login_hint.trim().to_owned()).filter(|h| !h.is_empty());
            let browser = BrowserSignIn {
                authority,
                client_id: client_id(&request.client_id),
                scope: cloud.arm_scope(),
                login_hint: hint,
                timeout: BROWSER_TIMEOUT,
            };
            let credential = unless_cancelled(cancel, sign_in_with_browser(http()?, browser, open)).await?;
            connect_user(&cloud, tenant, credential).await
        }
        SignInMethod::DeviceCode => {
            let device =
                DeviceCodeSignIn { authority, client_id: client_id(&request.client_id), scope: cloud.arm_scope(), poll_interval: None };
            let credential = sign_in_with_device_code(http()?, device, show, cancel).await?;
            connect_user(&cloud, tenant, credential).await
        }
        SignInMethod::ServicePrincipal => {
            let secret = Secret::new(request.client_secret.clone());
            let sign_in = SignIn::ClientSecret { client_id: request.client_id.trim().to_owned(), secret: secret.clone() };
            let (tenant, identity) = cloud.connection(tenant, sign_in).connect().await?;
            Ok(SignedIn { tenant, identity, keep: Some(secret) })
        }
        SignInMethod::ServicePrincipalCertificate => {
            let password = Some(Secret::new(request.certificate_password.clone())).filter(|p| !p.secret().is_empty());
            certificate_session(&cloud, tenant, &request.client_id, &request.certificate_path, password).await
        }
        SignInMethod::AzureCli => developer_session(&cloud, tenant).await,
    }
}

/// Sign in with the certificate file at `path`; keep its password, if any.
async fn certificate_session(
    cloud: &Cloud,
    tenant: &str,
    client_id: &str,
    path: &str,
    password: Option<Secret>,
) -> Result<SignedIn, AzureError> {
    let certificate = ClientCertificate::load(path.to_owned(), password.clone()).await?;
    let sign_in = SignIn::ClientCertificate { client_id: client_id.trim().to_owned(), certificate: Box::new(certificate) };
    let (tenant, identity) = cloud.connection(tenant, sign_in).connect().await?;
    Ok(SignedIn { tenant, identity, keep: password })
}

/// Sign in again as a remembered profile, with the secret kept for it.
pub async fn restore(profile: &Profile, kept: Option<Secret>) -> Result<SignedIn, AzureError> {
    let cloud = cloud_of(&profile.cloud)?;
    let again = || AzureError::SignInStopped(format!("Sign in to \"{}\" again: its saved sign-in is not available.", profile.name));
    match profile.method {
        SignInMethod::Browser | SignInMethod::DeviceCode => {
            let refresh = kept.ok_or_else(again)?;
            let credential =
                EntraCredential::from_refresh_token(http()?, cloud.authority(&profile.tenant), client_id(&profile.client_id), refresh);
            connect_user(&cloud, &profile.tenant, credential).await
        }
        SignInMethod::ServicePrincipal => {
            let secret = kept.ok_or_else(again)?;
            let sign_in = SignIn::ClientSecret { client_id: profile.client_id.clone(), secret: secret.clone() };
            let (tenant, identity) = cloud.connection(&profile.tenant, sign_in).connect().await?;
            Ok(SignedIn { tenant, identity, keep: Some(secret) })
        }
        SignInMethod::ServicePrincipalCertificate => {
            certificate_session(&cloud, &profile.tenant, &profile.client_id, &profile.certificate_path, kept).await
        }
        SignInMethod::AzureCli => developer_session(&cloud, &profile.tenant).await,
    }
}

/// Reuse an `az login` / `azd auth login` session; nothing to keep: the CLI keeps it.
async fn developer_session(cloud: &Cloud, tenant: &str) -> Result<SignedIn, AzureError> {
    let tenant_arg = Some(tenant.to_owned()).filter(|t| !t.is_empty() && *t != "organizations");
    let (tenant, identity) = cloud.connection(tenant, SignIn::DeveloperTools { tenant: tenant_arg }).connect().await?;
    Ok(SignedIn { tenant, identity, keep: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: SignInMethod) -> SignInRequest {
        SignInRequest {
            profile_name: "Contoso".into(),
            cloud: CloudChoice {
                kind: CloudKind::Public,
                authority_host: None,
                arm_endpoint: None,
                graph_endpoint: None,
                arm_audience: None,
            },
            tenant: "organizations".into(),
            method,
            client_id: String::new(),
            client_secret: String::new(),
            certificate_path: String::new(),
            certificate_password: String::new(),
            login_hint: String::new(),
        }
    }

    #[test]
    fn requests_are_checked_before_anything_is_opened() {
        assert!(check(&request(SignInMethod::Browser)).is_ok());
        let mut r = request(SignInMethod::Browser);
        r.profile_name = " ".into();
        assert!(check(&r).err().map(|e| e.to_string()).unwrap_or_default().contains("profile a name"));
        r = request(SignInMethod::Browser);
        r.tenant = "contoso/../x".into();
        assert!(check(&r).err().map(|e| e.to_string()).unwrap_or_default().contains("is not a tenant"));
        let sp = request(SignInMethod::ServicePrincipal);
        assert!(check(&sp).err().map(|e| e.to_string()).unwrap_or_default().contains("client id and a client secret"));
        let mut cert = request(SignInMethod::ServicePrincipalCertificate);
        cert.client_id = "app".into();
        assert!(check(&cert).err().map(|e| e.to_string()).unwrap_or_default().contains("a certificate file"));
        cert.certificate_path = "/tmp/cert.pem".into();
        assert!(check(&cert).is_ok());
    }

    #[test]
    fn custom_endpoints_must_be_https_except_on_this_machine() {
        let mut choice = CloudChoice {
            kind: CloudKind::Custom,
            authority_host: Some("http://127.0.0.1:9000".into()),
            arm_endpoint: Some("http://localhost:9000".into()),
            graph_endpoint: Some("https://graph.example".into()),
            arm_audience: None,
        };
        let cloud = cloud_of(&choice).expect("loopback http and https are fine");
        assert_eq!(cloud.arm_endpoint().as_str(), "http://localhost:9000/");
        assert_eq!(cloud.arm_scope(), crate::PUBLIC_TOKEN_SCOPE, "loopback: the simulator");
        choice.arm_endpoint = Some("https://arm.stack.example".into());
        assert_eq!(cloud_of(&choice).expect("fine").arm_scope(), "https://arm.stack.example/.default", "its own audience by default");
        choice.arm_audience = Some("https://management.stack.example/".into());
        assert_eq!(cloud_of(&choice).expect("fine").arm_scope(), "https://management.stack.example/.default");
        choice.arm_audience = Some("https://management.azure.com/".into());
        assert!(cloud_of(&choice).err().map(|e| e.to_string()).unwrap_or_default().contains("does not send them to arm.stack.example"));
        choice.arm_audience = Some("nonsense".into());
        assert!(cloud_of(&choice).err().map(|e| e.to_string()).unwrap_or_default().contains("is not a URI"));
        choice.arm_audience = None;
        choice.arm_endpoint = Some("http://arm.example".into());
        assert!(cloud_of(&choice).err().map(|e| e.to_string()).unwrap_or_default().contains("must use https"));
        choice.arm_endpoint = None;
        assert!(cloud_of(&choice).err().map(|e| e.to_string()).unwrap_or_default().contains("Resource Manager endpoint"));
    }

    #[test]
    fn the_default_client_is_used_when_none_is_given() {
        assert_eq!(client_id("  "), DEFAULT_PUBLIC_CLIENT_ID);
        assert_eq!(client_id(" mine "), "mine");
        assert_eq!(cloud_label(CloudKind::UsGovernment), "Azure US Government");
    }
}
