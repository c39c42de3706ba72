use desk_app::Desk;
use desk_core::session::{Profile, SessionInfo, SignInRequest};
use desk_core::{ErrorCode, ErrorPayload};
use tauri::{AppHandle, State};

use crate::window::Window;

#[tauri::command]
#[specta::specta]
pub async fn session_info(desk: State<'_, Desk>) -> Result<SessionInfo, ErrorPayload> {
    Ok(desk.session_info().await?)
}

#[tauri::command]
#[specta::specta]
pub fn list_profiles(desk: State<'_, Desk>) -> Result<Vec<Profile>, ErrorPayload> {
    Ok(desk.list_profiles()?)
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(app: AppHandle, desk: State<'_, Desk>, request: SignInRequest) -> Result<SessionInfo, ErrorPayload> {
    Ok(desk.sign_in(&Window(app), request).await?)
}

#[tauri::command]
#[specta::specta]
pub fn cancel_sign_in(desk: State<'_, Desk>) {
    desk.cancel_sign_in();
}

/// Open the device-code sign-in page Entra named (not one the web view
/// names) in the system browser.
#[tauri::command]
#[specta::specta]
pub fn open_device_code_page(desk: State<'_, Desk>) -> Result<(), ErrorPayload> {
    Ok(desk.open_device_code_page()?)
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

fn failure(code: ErrorCode, message: impl Into<String>) -> ErrorPayload {
    ErrorPayload { code, message: message.into(), details: None }
}

#[tauri::command]
#[specta::specta]
pub async fn use_profile(desk: State<'_, Desk>, name: String) -> Result<SessionInfo, ErrorPayload> {
    Ok(desk.use_profile(name).await?)
}

/// Forget a profile and its secret; signing out of the current one returns to the start.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(desk: State<'_, Desk>, name: String) -> Result<(), ErrorPayload> {
    Ok(desk.sign_out(name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn open_demo(desk: State<'_, Desk>) -> Result<SessionInfo, ErrorPayload> {
    Ok(desk.open_demo().await?)
}
