use desk_core::recommendation::Recommendation;
use desk_core::resource::AssessedResource;
use desk_core::scope::{ManagementGroupNode, Subscription};
use desk_core::ErrorPayload;
use tauri::State;

use desk_azure::caught;

use crate::state::Desk;

#[tauri::command]
#[specta::specta]
pub async fn list_subscriptions(desk: State<'_, Desk>) -> Result<Vec<Subscription>, ErrorPayload> {
    caught(desk.connected().await?.tenant.subscriptions()).await.map_err(|e| e.payload())
}

#[tauri::command]
#[specta::specta]
pub async fn list_management_groups(desk: State<'_, Desk>) -> Result<Option<ManagementGroupNode>, ErrorPayload> {
    caught(desk.connected().await?.tenant.management_groups()).await.map_err(|e| e.payload())
}

#[tauri::command]
#[specta::specta]
pub async fn list_recommendations(
    desk: State<'_, Desk>,
    subscription_ids: Vec<String>,
) -> Result<Vec<Recommendation>, ErrorPayload> {
    caught(desk.connected().await?.tenant.recommendations(&subscription_ids)).await.map_err(|e| e.payload())
}

#[tauri::command]
#[specta::specta]
pub async fn recommendation_resources(
    desk: State<'_, Desk>,
    recommendation_key: String,
    subscription_ids: Vec<String>,
) -> Result<Vec<AssessedResource>, ErrorPayload> {
    let connected = desk.connected().await?;
    caught(connected.tenant.recommendation_resources(&recommendation_key, &subscription_ids)).await.map_err(|e| e.payload())
}
