use chrono::Utc;
use desk_core::exemption::{Exemption, ExemptionDraft};
use desk_core::plan::Requester;
use desk_core::validation::{validate, FieldError};
use desk_core::ErrorPayload;
use tauri::State;

use crate::state::Desk;

/// The rules, as the user types; the same ones `create_exemption` enforces.
#[tauri::command]
pub fn validate_exemption(draft: ExemptionDraft) -> Vec<FieldError> {
    validate(&draft, Utc::now())
}

#[tauri::command]
pub async fn create_exemption(desk: State<'_, Desk>, draft: ExemptionDraft) -> Result<Vec<Exemption>, ErrorPayload> {
    let connected = desk.connected().await?;
    let requester = Requester { account: &connected.identity.account, app_version: env!("CARGO_PKG_VERSION") };
    let tenant = &connected.tenant;
    let writes = tenant.plan(&draft, &requester).await.map_err(|e| e.payload())?;
    tracing::info!(writes = writes.len(), name = %draft.name, "creating exemptions");
    tenant.apply(&writes).await.map_err(|e| e.payload())
}
