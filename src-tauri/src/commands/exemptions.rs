use desk_core::exemption::Exemption;
use desk_core::ErrorPayload;
use tauri::State;

use crate::state::Desk;

#[tauri::command]
#[specta::specta]
pub async fn list_exemptions(desk: State<'_, Desk>, subscription_ids: Vec<String>) -> Result<Vec<Exemption>, ErrorPayload> {
    desk_azure::caught(desk.connected().await?.tenant.exemptions(&subscription_ids)).await.map_err(|e| e.payload())
}
