//! The local database when it could not be opened: its status, moving the
//! damaged file aside, trying again, or quitting.

use desk_app::Desk;
use desk_core::storage::DatabaseStatus;
use desk_core::ErrorPayload;
use tauri::{AppHandle, State};

#[tauri::command]
#[specta::specta]
pub fn database_status(desk: State<'_, Desk>) -> DatabaseStatus {
    desk.database_status()
}

/// Rename the damaged file (kept, with a timestamp) and start a fresh database.
#[tauri::command]
#[specta::specta]
pub fn move_database_aside(desk: State<'_, Desk>) -> Result<DatabaseStatus, ErrorPayload> {
    Ok(desk.move_database_aside()?)
}

/// Open the database file again (after the user freed disk space, fixed
/// permissions or closed the program holding it).
#[tauri::command]
#[specta::specta]
pub fn open_database_again(desk: State<'_, Desk>) -> Result<DatabaseStatus, ErrorPayload> {
    Ok(desk.open_database_again()?)
}

#[tauri::command]
#[specta::specta]
pub fn quit_app(app: AppHandle) {
    app.exit(0);
}
