//! Signing in: from the Connect screen's request, or again as a remembered
//! profile whose secret the keyring kept; signing out forgets both.

use std::sync::Arc;

use azure_core::credentials::Secret;
use desk_azure::profile::{self, cloud_label, SignedIn};
use desk_azure::{AzureError, Cancel, Url};
use desk_core::session::{DeviceCodePrompt, Profile, SessionInfo, SessionMode, SignInRequest};

use crate::{lock, AppError, Connected, Desk, Events, Secrets};

/// `EXEMPTION_DESK_BROWSER` (a program given the URL) or the system browser,
/// started without the app's secret variables.
pub(crate) fn open_browser(url: &Url) -> Result<(), String> {
    desk_azure::child::open_url(std::env::var_os("EXEMPTION_DESK_BROWSER").as_deref(), url)
}

/// Only web pages are opened for the user (never files or other schemes).
pub(crate) fn is_web_page(url: &Url) -> bool {
    matches!(url.scheme(), "https" | "http") && url.host_str().is_some()
}

/// Keep the profile's secret in the keyring (or remove an earlier one
/// when there is nothing to keep); say so when there is no keyring.
async fn keep(secrets: Arc<dyn Secrets>, name: &str, secret: Option<Secret>) -> Option<String> {
    let name = name.to_owned();
    let had_secret = secret.is_some();
    let kept = tokio::task::spawn_blocking(move || secrets.keep(&name, secret.as_ref())).await;
    match kept {
        Ok(Ok(())) => None,
        // Nothing needed keeping: a keyring that cannot be reached changes nothing for this sign-in.
        Ok(Err(_)) if !had_secret => None,
        Ok(Err(e @ (AzureError::KeyringUnavailable(_) | AzureError::KeyringLocked))) => Some(e.to_string()),
        Ok(Err(e)) => Some(format!("Your sign-in was not saved: {e}")),
        Err(e) => Some(format!("Your sign-in was not saved: {e}")),
    }
}

impl Desk {
    pub fn list_profiles(&self) -> Result<Vec<Profile>, AppError> {
        Ok(self.store.profiles()?)
    }

    async fn switch_to(&self, name: &str, signed: SignedIn, profile: Profile) -> Result<SessionInfo, AppError> {
        let warning = keep(self.secrets.clone(), name, signed.keep).await;
        let profile = Profile { account: signed.identity.account.clone(), tenant: signed.identity.tenant_id.clone(), ..profile };
        self.store.save_profile(&profile)?;
        let detail = format!("profile {name} ({})", cloud_label(profile.cloud.kind));
        let connected = Connected {
            tenant: signed.tenant,
            identity: signed.identity,
            mode: SessionMode::Profile,
            cloud: cloud_label(profile.cloud.kind).to_owned(),
            profile_name: Some(name.to_owned()),
            warning,
            demo_request_table: None,
            _keep_alive: None,
        };
        self.log_sign_in(&connected, &detail);
        Ok(self.replace(connected).await.session_info())
    }

    /// Sign in as the Connect screen asks and remember it as a profile; a
    /// device code is shown through `events`.
    pub async fn sign_in(&self, events: &dyn Events, request: SignInRequest) -> Result<SessionInfo, AppError> {
        let cancel = Cancel::default();
        *lock(&self.sign_in_cancel) = Some(cancel.clone());
        let show = |prompt: &desk_azure::signin::DeviceCodePrompt| {
            *lock(&self.device_code_page) = Url::parse(&prompt.verification_uri).ok().filter(is_web_page);
            let shown = DeviceCodePrompt {
                user_code: prompt.user_code.clone(),
                verification_uri: prompt.verification_uri.clone(),
                message: prompt.message.clone(),
                expires_in_seconds: prompt.expires_in,
            };
            events.device_code(&shown)
        };
        let signed = desk_azure::caught(profile::sign_in(&request, open_browser, show, &cancel)).await;
        lock(&self.sign_in_cancel).take();
        lock(&self.device_code_page).take();
        let signed = signed?;
        let name = request.profile_name.trim().to_owned();
        let profile = Profile {
            name: name.clone(),
            cloud: request.cloud.clone(),
            tenant: request.tenant.trim().to_owned(),
            method: request.method,
            client_id: request.client_id.trim().to_owned(),
            certificate_path: request.certificate_path.trim().to_owned(),
            account: String::new(),
        };
        self.switch_to(&name, signed, profile).await
    }

    pub fn cancel_sign_in(&self) {
        if let Some(cancel) = lock(&self.sign_in_cancel).as_ref() {
            cancel.cancel();
        }
    }

    /// Open the device-code sign-in page Entra named (not one the web view
    /// names) in the system browser.
    pub fn open_device_code_page(&self) -> Result<(), AppError> {
        let page = lock(&self.device_code_page).clone().ok_or(AppError::NoDeviceCodeSignIn)?;
        open_browser(&page).map_err(|reason| AppError::Browser { reason, page: page.to_string() })
    }

    /// Sign in again as a remembered profile, with the secret kept for it.
    pub async fn use_profile(&self, name: String) -> Result<SessionInfo, AppError> {
        let profile = self.store.profiles()?.into_iter().find(|p| p.name == name).ok_or_else(|| AppError::NoProfile(name.clone()))?;
        let key = name.clone();
        let secrets = self.secrets.clone();
        let kept =
            tokio::task::spawn_blocking(move || secrets.load(&key)).await.map_err(|e| AppError::Keyring(e.to_string()))?.map_err(|e| {
                match e {
                    AzureError::KeyringLocked => AppError::KeyringLocked(name.clone()),
                    other => AppError::Azure(other),
                }
            })?;
        let signed = desk_azure::caught(profile::restore(&profile, kept)).await?;
        self.switch_to(&name, signed, profile).await
    }

    /// Forget a profile and its secret; signing out of the current one returns to the start.
    pub async fn sign_out(&self, name: String) -> Result<(), AppError> {
        let remembered = self.store.profiles()?.into_iter().find(|p| p.name == name);
        let key = name.clone();
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || secrets.delete(&key)).await.map_err(|e| AppError::Keyring(e.to_string()))??;
        self.store.delete_profile(&name)?;
        let current = self.current().await.filter(|c| c.profile_name.as_deref() == Some(name.as_str()));
        // Who signs out: the session's account when it is this profile's, else the account the profile remembered.
        let who = match (&current, &remembered) {
            (Some(c), _) => Some(c.who()),
            (None, Some(p)) if !p.account.is_empty() => Some(p.account.clone()),
            _ => None,
        };
        if let Some(who) = who {
            if let Err(e) = self.store.audit(&who, "sign_out", &format!("profile {name}")) {
                tracing::warn!("audit log: {e}");
            }
        }
        if current.is_some() {
            self.disconnect().await;
        }
        Ok(())
    }
}
