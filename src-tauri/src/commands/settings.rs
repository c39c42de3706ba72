use desk_app::Desk;
use desk_core::register::Settings;
use desk_core::ErrorPayload;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn get_settings(desk: State<'_, Desk>) -> Result<Settings, ErrorPayload> {
    Ok(desk.settings()?)
}

/// Saves a reminder window of 1 to 365 days (refused otherwise, saying so); answers the settings as saved.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(desk: State<'_, Desk>, settings: Settings) -> Result<Settings, ErrorPayload> {
    Ok(desk.save_settings(settings)?)
}
