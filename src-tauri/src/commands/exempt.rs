use chrono::Utc;
use desk_core::apply::Preparation;
use desk_core::exemption::ExemptionDraft;
use desk_core::plan::Requester;
use desk_core::validation::{validate, FieldError};
use desk_core::ErrorPayload;
use tauri::State;

use crate::state::{lock, Desk, PendingPlan};

/// The rules, as the user types; the same ones every later step enforces.
#[tauri::command]
#[specta::specta]
pub fn validate_exemption(draft: ExemptionDraft) -> Vec<FieldError> {
    validate(&draft, Utc::now())
}

/// The checks and the exact writes; nothing is sent.
#[tauri::command]
#[specta::specta]
pub async fn prepare_exemption(desk: State<'_, Desk>, draft: ExemptionDraft) -> Result<Preparation, ErrorPayload> {
    let connected = desk.connected().await?;
    let requester = Requester {
        account: &connected.identity.account,
        object_id: &connected.identity.object_id,
        app_version: env!("CARGO_PKG_VERSION"),
    };
    let prepared = desk_azure::caught(connected.tenant.prepare(&draft, &requester)).await.map_err(|e| e.payload())?;
    let plan_id = uuid::Uuid::new_v4().to_string();
    let (writes, plan_error) = match prepared.writes {
        Ok(writes) => (writes, None),
        Err(e) => (Vec::new(), Some(e.payload())),
    };
    let blocked = plan_error.is_some() || writes.is_empty();
    if !blocked {
        let pending = PendingPlan { recommendation_key: draft.recommendation_key.clone(), writes: writes.clone() };
        lock(&desk.plans).insert(plan_id.clone(), pending);
    }
    Ok(Preparation { plan_id, checks: prepared.checks, writes, blocked, plan_error })
}

#[tauri::command]
#[specta::specta]
pub async fn grant_security_reader(desk: State<'_, Desk>, management_group: String) -> Result<(), ErrorPayload> {
    let connected = desk.connected().await?;
    desk_azure::caught(connected.tenant.grant_security_reader(&management_group)).await.map_err(|e| e.payload())?;
    let detail = format!("Reader for the Security Resource Provider at management group {management_group}");
    desk.store.audit(&connected.who(), "grant_security_reader", &detail).map_err(crate::store_error)
}

#[tauri::command]
#[specta::specta]
pub fn save_draft(desk: State<'_, Desk>, draft: ExemptionDraft) -> Result<(), ErrorPayload> {
    desk.store.save_draft(&draft).map_err(crate::store_error)
}

#[tauri::command]
#[specta::specta]
pub fn load_draft(desk: State<'_, Desk>) -> Result<Option<ExemptionDraft>, ErrorPayload> {
    desk.store.load_draft().map_err(crate::store_error)
}

#[tauri::command]
#[specta::specta]
pub fn discard_draft(desk: State<'_, Desk>) -> Result<(), ErrorPayload> {
    desk.store.discard_draft().map_err(crate::store_error)
}
