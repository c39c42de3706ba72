use desk_app::Desk;
use desk_core::exemption::Exemption;
use desk_core::ErrorPayload;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_exemptions(desk: State<'_, Desk>, subscription_ids: Vec<String>) -> Result<Vec<Exemption>, ErrorPayload> {
    Ok(desk.list_exemptions(&subscription_ids).await?)
}
