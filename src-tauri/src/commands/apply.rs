use desk_app::Desk;
use desk_core::apply::{ApplyReport, EffectReport};
use desk_core::ErrorPayload;
use tauri::{AppHandle, State};

use crate::window::Window;

/// Send a plan the user confirmed: exactly the writes they were shown.
#[tauri::command]
#[specta::specta]
pub async fn apply_plan(app: AppHandle, desk: State<'_, Desk>, plan_id: String) -> Result<String, ErrorPayload> {
    Ok(desk.apply_plan(Window::events(app), &plan_id).await?)
}

#[tauri::command]
#[specta::specta]
pub fn cancel_apply(desk: State<'_, Desk>, apply_id: String) -> Result<(), ErrorPayload> {
    Ok(desk.cancel_apply(&apply_id)?)
}

#[tauri::command]
#[specta::specta]
pub fn apply_report(desk: State<'_, Desk>, apply_id: String) -> Result<ApplyReport, ErrorPayload> {
    Ok(desk.apply_report(&apply_id)?)
}

/// Send again the writes that failed or were cancelled.
#[tauri::command]
#[specta::specta]
pub async fn retry_failed(app: AppHandle, desk: State<'_, Desk>, apply_id: String) -> Result<(), ErrorPayload> {
    Ok(desk.retry_failed(Window::events(app), apply_id).await?)
}

/// Finish an apply that was interrupted (the app was closed or killed).
#[tauri::command]
#[specta::specta]
pub async fn resume_apply(app: AppHandle, desk: State<'_, Desk>, apply_id: String) -> Result<(), ErrorPayload> {
    Ok(desk.resume_apply(Window::events(app), apply_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn unfinished_applies(desk: State<'_, Desk>) -> Result<Vec<ApplyReport>, ErrorPayload> {
    Ok(desk.unfinished_applies().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn effect_status(desk: State<'_, Desk>, apply_id: String) -> Result<EffectReport, ErrorPayload> {
    Ok(desk.effect_status(&apply_id).await?)
}
