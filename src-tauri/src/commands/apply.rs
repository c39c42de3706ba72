use desk_core::apply::{ApplyReport, EffectReport, ItemState};
use desk_core::{ErrorCode, ErrorPayload};
use tauri::{AppHandle, State};

use crate::runner::run_apply;
use crate::state::{failure, lock, Desk};
use crate::store_error;

/// Send a plan the user confirmed: exactly the writes they were shown.
#[tauri::command]
#[specta::specta]
pub async fn apply_plan(app: AppHandle, desk: State<'_, Desk>, plan_id: String) -> Result<String, ErrorPayload> {
    let connected = desk.connected().await?;
    let plan = lock(&desk.plans)
        .remove(&plan_id)
        .ok_or_else(|| failure(ErrorCode::NotFound, "That preview is no longer current; preview again."))?;
    let apply_id = uuid::Uuid::new_v4().to_string();
    desk.store
        .record_apply(&apply_id, &plan.recommendation_key, &connected.identity.account, &plan.writes)
        .map_err(store_error)?;
    let items = plan.writes.into_iter().enumerate().map(|(i, w)| (i as u32, w)).collect();
    run_apply(app, &desk, connected, apply_id.clone(), items);
    Ok(apply_id)
}

#[tauri::command]
#[specta::specta]
pub fn cancel_apply(desk: State<'_, Desk>, apply_id: String) -> Result<(), ErrorPayload> {
    match lock(&desk.running).get(&apply_id) {
        Some(cancel) => {
            cancel.cancel();
            Ok(())
        }
        None => Err(failure(ErrorCode::NotRunning, "That apply is not running.")),
    }
}

#[tauri::command]
#[specta::specta]
pub fn apply_report(desk: State<'_, Desk>, apply_id: String) -> Result<ApplyReport, ErrorPayload> {
    desk.store.apply_report(&apply_id).map_err(store_error)
}

/// Send again the writes that failed or were cancelled.
#[tauri::command]
#[specta::specta]
pub async fn retry_failed(app: AppHandle, desk: State<'_, Desk>, apply_id: String) -> Result<(), ErrorPayload> {
    resend(app, &desk, apply_id, |s| matches!(s, ItemState::Failed | ItemState::Cancelled)).await
}

/// Finish an apply that was interrupted (the app was closed or killed).
#[tauri::command]
#[specta::specta]
pub async fn resume_apply(app: AppHandle, desk: State<'_, Desk>, apply_id: String) -> Result<(), ErrorPayload> {
    resend(app, &desk, apply_id, |s| !s.is_final()).await
}

async fn resend(app: AppHandle, desk: &Desk, apply_id: String, pick: fn(ItemState) -> bool) -> Result<(), ErrorPayload> {
    if lock(&desk.running).contains_key(&apply_id) {
        return Err(failure(ErrorCode::AlreadyRunning, "That apply is already running."));
    }
    let connected = desk.connected().await?;
    let items = desk.store.items_to_send(&apply_id, pick).map_err(store_error)?;
    run_apply(app, desk, connected, apply_id, items);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn unfinished_applies(desk: State<'_, Desk>) -> Result<Vec<ApplyReport>, ErrorPayload> {
    let connected = desk.connected().await?;
    let running = lock(&desk.running).keys().cloned().collect::<Vec<_>>();
    let all = desk.store.unfinished_applies(&connected.identity.account).map_err(store_error)?;
    Ok(all.into_iter().filter(|r| !running.contains(&r.id)).collect())
}

#[tauri::command]
#[specta::specta]
pub async fn effect_status(desk: State<'_, Desk>, apply_id: String) -> Result<EffectReport, ErrorPayload> {
    let connected = desk.connected().await?;
    let report = desk.store.apply_report(&apply_id).map_err(store_error)?;
    let tenant = &connected.tenant;
    let needs_tree = report.items.iter().any(|i| desk_core::scope::subscription_of(&i.write.scope).is_none());
    let tree = if needs_tree { desk_azure::caught(tenant.management_groups()).await.map_err(|e| e.payload())? } else { None };
    desk_azure::caught(tenant.effect(&report, tree.as_ref())).await.map_err(|e| e.payload())
}
