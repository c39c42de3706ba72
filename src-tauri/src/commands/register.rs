use desk_app::Desk;
use desk_core::register::RegisterEntry;
use desk_core::ErrorPayload;
use tauri::ipc::Channel;
use tauri::State;

use crate::rows::ToWindow;

/// The register: every exemption the user can read, at every level. Batches
/// go to `on_rows` as they arrive; the answer is the whole list.
#[tauri::command]
#[specta::specta]
pub async fn exemption_register(
    desk: State<'_, Desk>,
    read_id: String,
    on_rows: Channel<Vec<RegisterEntry>>,
) -> Result<Vec<RegisterEntry>, ErrorPayload> {
    Ok(desk.exemption_register(&read_id, &ToWindow(on_rows)).await?)
}

/// The exemptions within the reminder window, soonest first.
#[tauri::command]
#[specta::specta]
pub async fn expiring_exemptions(desk: State<'_, Desk>) -> Result<Vec<RegisterEntry>, ErrorPayload> {
    Ok(desk.expiring_exemptions().await?)
}
