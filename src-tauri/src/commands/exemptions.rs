use desk_app::Desk;
use desk_core::exemption::Exemption;
use desk_core::ErrorPayload;
use tauri::ipc::Channel;
use tauri::State;

use crate::rows::ToWindow;

/// Batches go to `on_rows` as they arrive; the answer is the whole list.
#[tauri::command]
#[specta::specta]
pub async fn list_exemptions(
    desk: State<'_, Desk>,
    read_id: String,
    subscription_ids: Vec<String>,
    on_rows: Channel<Vec<Exemption>>,
) -> Result<Vec<Exemption>, ErrorPayload> {
    Ok(desk.list_exemptions(&read_id, &subscription_ids, &ToWindow(on_rows)).await?)
}
