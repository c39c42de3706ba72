use desk_app::Desk;
use desk_core::details::ExemptionDetails;
use desk_core::ErrorPayload;
use tauri::State;

/// One exemption in detail: as Azure returned it, every property, the
/// resources it covers and whether Defender shows them exempt yet, and what
/// this app did to it. The id is parsed strictly before anything is read.
#[tauri::command]
#[specta::specta]
pub async fn exemption_details(desk: State<'_, Desk>, exemption_id: String) -> Result<ExemptionDetails, ErrorPayload> {
    Ok(desk.exemption_details(&exemption_id).await?)
}
