use desk_app::Desk;
use desk_core::apply::Preparation;
use desk_core::exemption::ExemptionDraft;
use desk_core::validation::FieldError;
use desk_core::ErrorPayload;
use tauri::State;

/// The rules, as the user types; the same ones every later step enforces.
#[tauri::command]
#[specta::specta]
pub fn validate_exemption(draft: ExemptionDraft) -> Vec<FieldError> {
    desk_app::validate_exemption(&draft)
}

/// The checks and the exact writes; nothing is sent. Azure is read once per
/// choice (recommendation and scope); other fields are decided locally.
#[tauri::command]
#[specta::specta]
pub async fn prepare_exemption(desk: State<'_, Desk>, draft: ExemptionDraft) -> Result<Preparation, ErrorPayload> {
    Ok(desk.prepare_exemption(draft).await?)
}

/// "Check again": read the draft's choice from Azure anew, then prepare.
#[tauri::command]
#[specta::specta]
pub async fn recheck_exemption(desk: State<'_, Desk>, draft: ExemptionDraft) -> Result<Preparation, ErrorPayload> {
    Ok(desk.recheck_exemption(draft).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn grant_security_reader(desk: State<'_, Desk>, management_group: String) -> Result<(), ErrorPayload> {
    Ok(desk.grant_security_reader(&management_group).await?)
}

#[tauri::command]
#[specta::specta]
pub fn save_draft(desk: State<'_, Desk>, draft: ExemptionDraft) -> Result<(), ErrorPayload> {
    Ok(desk.save_draft(&draft)?)
}

#[tauri::command]
#[specta::specta]
pub fn load_draft(desk: State<'_, Desk>) -> Result<Option<ExemptionDraft>, ErrorPayload> {
    Ok(desk.load_draft()?)
}

#[tauri::command]
#[specta::specta]
pub fn discard_draft(desk: State<'_, Desk>) -> Result<(), ErrorPayload> {
    Ok(desk.discard_draft()?)
}
