//! The Settings screen. STUB: the real commands (one call into `Desk` each)
//! replace these at merge.

use desk_app::Desk;
use desk_core::register::Settings;
use desk_core::ErrorPayload;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn get_settings(desk: State<'_, Desk>) -> Result<Settings, ErrorPayload> {
    let _ = desk;
    Ok(Settings::default())
}

/// Answers the settings as saved.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(desk: State<'_, Desk>, settings: Settings) -> Result<Settings, ErrorPayload> {
    let _ = desk;
    Ok(settings)
}
