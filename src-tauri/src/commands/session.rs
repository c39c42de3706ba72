use desk_core::session::SessionInfo;
use desk_core::ErrorPayload;
use tauri::State;

use crate::state::Desk;

#[tauri::command]
pub async fn session_info(desk: State<'_, Desk>) -> Result<SessionInfo, ErrorPayload> {
    Ok(desk.connected().await?.session_info())
}
