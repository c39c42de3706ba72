use desk_core::recommendation::Recommendation;
use desk_core::scope::Subscription;
use desk_core::ErrorPayload;
use tauri::State;

use crate::state::Desk;

#[tauri::command]
pub async fn list_subscriptions(desk: State<'_, Desk>) -> Result<Vec<Subscription>, ErrorPayload> {
    desk.connected().await?.tenant.subscriptions().await.map_err(|e| e.payload())
}

#[tauri::command]
pub async fn list_recommendations(
    desk: State<'_, Desk>,
    subscription_ids: Vec<String>,
) -> Result<Vec<Recommendation>, ErrorPayload> {
    desk.connected().await?.tenant.recommendations(&subscription_ids).await.map_err(|e| e.payload())
}
