use desk_app::Desk;
use desk_core::apply::Preparation;
use desk_core::change::ChangeRequest;
use desk_core::ErrorPayload;
use tauri::State;

/// Extend, edit, remove the expiry of or delete existing exemptions: the
/// checks and every PUT and DELETE with its exact body; nothing is sent
/// (`apply_plan` sends it).
#[tauri::command]
#[specta::specta]
pub async fn prepare_exemption_change(desk: State<'_, Desk>, request: ChangeRequest) -> Result<Preparation, ErrorPayload> {
    Ok(desk.prepare_change(request).await?)
}
