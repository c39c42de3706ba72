use azure_core::credentials::Secret;
use desk_azure::profile::{self, cloud_label, SignedIn};
use desk_azure::{AzureError, Cancel, SecretStore, Url};
use desk_core::session::{DeviceCodePrompt, Profile, SessionInfo, SessionMode, SignInRequest};
use desk_core::{ErrorCode, ErrorPayload};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::state::{demo, failure, lock, Connected, Desk};
use crate::store_error;

/// Keyring entries are filed under this service name.
const KEYRING_SERVICE: &str = "Exemption Desk";

#[tauri::command]
#[specta::specta]
pub async fn session_info(desk: State<'_, Desk>) -> Result<SessionInfo, ErrorPayload> {
    Ok(desk.connected().await?.session_info())
}

#[tauri::command]
#[specta::specta]
pub fn list_profiles(desk: State<'_, Desk>) -> Result<Vec<Profile>, ErrorPayload> {
    desk.store.profiles().map_err(store_error)
}

/// `EXEMPTION_DESK_BROWSER` (a program given the URL) or the system browser,
/// started without the app's secret variables.
fn open_browser(url: &Url) -> Result<(), String> {
    desk_azure::child::open_url(std::env::var_os("EXEMPTION_DESK_BROWSER").as_deref(), url)
}

/// Keep the profile's secret in the OS keyring (or remove an earlier one
/// when there is nothing to keep); say so when there is no keyring.
async fn keep(name: &str, secret: Option<Secret>) -> Option<String> {
    let name = name.to_owned();
    let had_secret = secret.is_some();
    let kept = tauri::async_runtime::spawn_blocking(move || SecretStore::new(KEYRING_SERVICE).keep(&name, secret.as_ref())).await;
    match kept {
        Ok(Ok(())) => None,
        // Nothing needed keeping: a keyring that cannot be reached changes nothing for this sign-in.
        Ok(Err(_)) if !had_secret => None,
        Ok(Err(e @ (AzureError::KeyringUnavailable(_) | AzureError::KeyringLocked))) => Some(e.to_string()),
        Ok(Err(e)) => Some(format!("Your sign-in was not saved: {e}")),
        Err(e) => Some(format!("Your sign-in was not saved: {e}")),
    }
}

async fn switch_to(desk: &Desk, name: &str, signed: SignedIn, profile: Profile) -> Result<SessionInfo, ErrorPayload> {
    let warning = keep(name, signed.keep).await;
    let profile = Profile { account: signed.identity.account.clone(), tenant: signed.identity.tenant_id.clone(), ..profile };
    desk.store.save_profile(&profile).map_err(store_error)?;
    let detail = format!("profile {name} ({})", cloud_label(profile.cloud.kind));
    let who = format!("{} ({})", signed.identity.account, signed.identity.object_id);
    if let Err(e) = desk.store.audit(&who, "sign_in", &detail) {
        tracing::warn!("audit log: {e}");
    }
    let connected = Connected {
        tenant: signed.tenant,
        identity: signed.identity,
        mode: SessionMode::Profile,
        cloud: cloud_label(profile.cloud.kind).to_owned(),
        profile_name: Some(name.to_owned()),
        warning,
        simulator: None,
    };
    Ok(desk.replace(connected).await.session_info())
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(app: AppHandle, desk: State<'_, Desk>, request: SignInRequest) -> Result<SessionInfo, ErrorPayload> {
    let cancel = Cancel::default();
    *lock(&desk.sign_in_cancel) = Some(cancel.clone());
    let show = |prompt: &desk_azure::signin::DeviceCodePrompt| {
        *lock(&desk.device_code_page) = Url::parse(&prompt.verification_uri).ok().filter(is_web_page);
        let shown = DeviceCodePrompt {
            user_code: prompt.user_code.clone(),
            verification_uri: prompt.verification_uri.clone(),
            message: prompt.message.clone(),
            expires_in_seconds: prompt.expires_in,
        };
        crate::events::DeviceCodeEvent(shown).emit(&app).map_err(|e| e.to_string())
    };
    let signed = desk_azure::caught(profile::sign_in(&request, open_browser, show, &cancel)).await;
    lock(&desk.sign_in_cancel).take();
    lock(&desk.device_code_page).take();
    let signed = signed.map_err(|e| e.payload())?;
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
    switch_to(&desk, &name, signed, profile).await
}

#[tauri::command]
#[specta::specta]
pub fn cancel_sign_in(desk: State<'_, Desk>) {
    if let Some(cancel) = lock(&desk.sign_in_cancel).as_ref() {
        cancel.cancel();
    }
}

/// Only web pages are opened for the user (never files or other schemes).
fn is_web_page(url: &Url) -> bool {
    matches!(url.scheme(), "https" | "http") && url.host_str().is_some()
}

/// Open the device-code sign-in page Entra named (not one the web view
/// names) in the system browser.
#[tauri::command]
#[specta::specta]
pub fn open_device_code_page(desk: State<'_, Desk>) -> Result<(), ErrorPayload> {
    let page = lock(&desk.device_code_page)
        .clone()
        .ok_or_else(|| failure(ErrorCode::NotFound, "There is no device-code sign-in in progress."))?;
    open_browser(&page).map_err(|e| failure(ErrorCode::Browser, format!("The browser could not be opened ({e}); go to {page} yourself.")))
}

/// The native file picker, for a service principal's certificate; `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_certificate_file(app: AppHandle) -> Result<Option<String>, ErrorPayload> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Choose the service principal's certificate")
        .add_filter("Certificate with private key", &["pem", "pfx", "p12"])
        .add_filter("All files", &["*"])
        .pick_file(move |picked| {
            let _ = tx.send(picked);
        });
    let picked = rx.await.map_err(|_| failure(ErrorCode::Dialog, "The file picker closed unexpectedly."))?;
    match picked.map(|p| p.into_path()) {
        None => Ok(None),
        Some(Ok(path)) => Ok(Some(path.to_string_lossy().into_owned())),
        Some(Err(e)) => Err(failure(ErrorCode::Dialog, format!("That file cannot be used: {e}"))),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn use_profile(desk: State<'_, Desk>, name: String) -> Result<SessionInfo, ErrorPayload> {
    let profile = desk
        .store
        .profiles()
        .map_err(store_error)?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| failure(ErrorCode::NotFound, format!("There is no profile named \"{name}\".")))?;
    let key = name.clone();
    let kept = tauri::async_runtime::spawn_blocking(move || SecretStore::new(KEYRING_SERVICE).load(&key))
        .await
        .map_err(|e| failure(ErrorCode::Keyring, e.to_string()))?
        .map_err(|e| match e {
            AzureError::KeyringLocked => failure(
                ErrorCode::KeyringLocked,
                format!(
                    "The keyring holding the sign-in of \"{name}\" is locked. Unlock it (for example your login keyring) and choose Use again, or sign in anew; that sign-in then lasts until Exemption Desk closes."
                ),
            ),
            other => other.payload(),
        })?;
    let signed = desk_azure::caught(profile::restore(&profile, kept)).await.map_err(|e| e.payload())?;
    switch_to(&desk, &name, signed, profile).await
}

/// Forget a profile and its secret; signing out of the current one returns to the start.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(desk: State<'_, Desk>, name: String) -> Result<(), ErrorPayload> {
    let key = name.clone();
    tauri::async_runtime::spawn_blocking(move || SecretStore::new(KEYRING_SERVICE).delete(&key))
        .await
        .map_err(|e| failure(ErrorCode::Keyring, e.to_string()))?
        .map_err(|e| e.payload())?;
    desk.store.delete_profile(&name).map_err(store_error)?;
    if desk.current().await.is_some_and(|c| c.profile_name.as_deref() == Some(name.as_str())) {
        desk.disconnect().await;
    }
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn open_demo(desk: State<'_, Desk>) -> Result<SessionInfo, ErrorPayload> {
    let connected = demo().await?;
    Ok(desk.replace(connected).await.session_info())
}
