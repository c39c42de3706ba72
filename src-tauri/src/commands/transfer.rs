//! The register in and out of files. The native dialogs are opened here,
//! on the Rust side (as for the certificate), so the window needs no dialog
//! permission; the app crate checks and writes or reads the path.

use desk_app::Desk;
use desk_core::register::RegisterEntry;
use desk_core::transfer::{ExportFormat, ImportPreparation, ImportRequest};
use desk_core::{ErrorCode, ErrorPayload};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

fn failure(message: impl Into<String>) -> ErrorPayload {
    ErrorPayload { code: ErrorCode::Dialog, message: message.into(), details: None }
}

/// The native save dialog for `format`; `None` when cancelled.
pub(crate) async fn save_path(app: &AppHandle, title: &str, file_name: &str, format: ExportFormat) -> Result<Option<String>, ErrorPayload> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let label = match format {
        ExportFormat::Csv => "CSV (opens in Excel)",
        ExportFormat::Json => "JSON",
    };
    app.dialog().file().set_title(title).set_file_name(file_name).add_filter(label, &[format.extension()]).save_file(move |picked| {
        let _ = tx.send(picked);
    });
    let picked = rx.await.map_err(|_| failure("The save dialog closed unexpectedly."))?;
    match picked.map(|p| p.into_path()) {
        None => Ok(None),
        Some(Ok(path)) => Ok(Some(path.to_string_lossy().into_owned())),
        Some(Err(e)) => Err(failure(format!("That place cannot be used: {e}"))),
    }
}

/// Save the register's rows the window shows as CSV or JSON where the user
/// chooses; the path written, or `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_register(
    app: AppHandle,
    desk: State<'_, Desk>,
    entries: Vec<RegisterEntry>,
    format: ExportFormat,
    utc_offset_minutes: i32,
) -> Result<Option<String>, ErrorPayload> {
    let name = desk_app::export_file_name(format);
    let Some(path) = save_path(&app, "Export the exemptions shown", &name, format).await? else {
        return Ok(None);
    };
    Ok(Some(desk.export_register(&entries, format, &path, utc_offset_minutes)?))
}

/// Save a CSV with the export's header only, to fill in and import.
#[tauri::command]
#[specta::specta]
pub async fn save_import_template(app: AppHandle, desk: State<'_, Desk>) -> Result<Option<String>, ErrorPayload> {
    let Some(path) = save_path(&app, "Save an empty import template", "exemptions-template.csv", ExportFormat::Csv).await? else {
        return Ok(None);
    };
    Ok(Some(desk.save_import_template(&path)?))
}

/// The native open dialog for a CSV to import; `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_import_file(app: AppHandle) -> Result<Option<String>, ErrorPayload> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Choose a CSV of exemptions to import")
        .add_filter("CSV", &["csv"])
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

/// Every row of the file checked, and for the rows imported the checks and
/// every write; nothing is sent (`apply_plan` sends it).
#[tauri::command]
#[specta::specta]
pub async fn prepare_import(desk: State<'_, Desk>, request: ImportRequest) -> Result<ImportPreparation, ErrorPayload> {
    Ok(desk.prepare_import(request).await?)
}
