use desk_app::Desk;
use desk_core::recommendation::Recommendation;
use desk_core::resource::AssessedResource;
use desk_core::scope::{ManagementGroupNode, Subscription};
use desk_core::ErrorPayload;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_subscriptions(desk: State<'_, Desk>) -> Result<Vec<Subscription>, ErrorPayload> {
    Ok(desk.list_subscriptions().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_management_groups(desk: State<'_, Desk>) -> Result<Option<ManagementGroupNode>, ErrorPayload> {
    Ok(desk.list_management_groups().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_recommendations(desk: State<'_, Desk>, subscription_ids: Vec<String>) -> Result<Vec<Recommendation>, ErrorPayload> {
    Ok(desk.list_recommendations(&subscription_ids).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn recommendation_resources(
    desk: State<'_, Desk>,
    recommendation_key: String,
    subscription_ids: Vec<String>,
) -> Result<Vec<AssessedResource>, ErrorPayload> {
    Ok(desk.recommendation_resources(&recommendation_key, &subscription_ids).await?)
}
