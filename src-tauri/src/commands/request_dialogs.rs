//! The native dialogs for request files (`*.exemption-request.json`), opened
//! here as the register's are (`transfer.rs`), so the window holds no dialog
//! permission; the app crate checks the path and reads or writes it.

use desk_core::{ErrorCode, ErrorPayload};
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

fn failure(message: impl Into<String>) -> ErrorPayload {
    ErrorPayload { code: ErrorCode::Dialog, message: message.into(), details: None }
}

const LABEL: &str = "Exemption request";
const EXTENSION: &str = "json";

/// Where to save a request file; `None` when cancelled.
pub async fn save_path(app: &AppHandle, file_name: &str) -> Result<Option<String>, ErrorPayload> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().set_title("Save the request for an approver").set_file_name(file_name).add_filter(LABEL, &[EXTENSION]).save_file(
        move |picked| {
            let _ = tx.send(picked);
        },
    );
    let picked = rx.await.map_err(|_| failure("The save dialog closed unexpectedly."))?;
    match picked.map(|p| p.into_path()) {
        None => Ok(None),
        Some(Ok(path)) => Ok(Some(path.to_string_lossy().into_owned())),
        Some(Err(e)) => Err(failure(format!("That place cannot be used: {e}"))),
    }
}

/// A request file to open; `None` when cancelled.
pub async fn open_path(app: &AppHandle) -> Result<Option<String>, ErrorPayload> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Open a request to review")
        .add_filter(LABEL, &[EXTENSION])
        .add_filter("All files", &["*"])
        .pick_file(move |picked| {
            let _ = tx.send(picked);
        });
    let picked = rx.await.map_err(|_| failure("The file picker closed unexpectedly."))?;
    match picked.map(|p| p.into_path()) {
        None => Ok(None),
        Some(Ok(path)) => Ok(Some(path.to_string_lossy().into_owned())),
        Some(Err(e)) => Err(failure(format!("That file cannot be used: {e}"))),
    }
}
