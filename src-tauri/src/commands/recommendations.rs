use desk_app::Desk;
use desk_core::permissions::WriteAccess;
use desk_core::recommendation::{Recommendation, RecommendationsSoFar};
use desk_core::resource::AssessedResource;
use desk_core::scope::{ManagementGroupNode, Subscription};
use desk_core::ErrorPayload;
use tauri::ipc::Channel;
use tauri::State;

use crate::rows::{LatestToWindow, ToWindow};

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

/// Whether the user may write exemptions at any subscription (told on the first screen).
#[tauri::command]
#[specta::specta]
pub async fn write_access(desk: State<'_, Desk>) -> Result<WriteAccess, ErrorPayload> {
    Ok(desk.write_access().await?)
}

/// Cancellable under `read_id` (`cancel_read`); the list so far goes to
/// `on_parts` after each part is counted; the answer is the whole list.
#[tauri::command]
#[specta::specta]
pub async fn list_recommendations(
    desk: State<'_, Desk>,
    read_id: String,
    subscription_ids: Vec<String>,
    on_parts: Channel<RecommendationsSoFar>,
) -> Result<Vec<Recommendation>, ErrorPayload> {
    Ok(desk.list_recommendations(&read_id, &subscription_ids, &LatestToWindow(on_parts)).await?)
}

/// Batches go to `on_rows` as they arrive; the answer is how many rows were
/// sent, not the rows again: a recommendation's resources are thousands of
/// rows, opened one recommendation after another, and every copy the web
/// view parses stays in its process (README "The app alone after browsing").
#[tauri::command]
#[specta::specta]
pub async fn recommendation_resources(
    desk: State<'_, Desk>,
    read_id: String,
    recommendation_key: String,
    subscription_ids: Vec<String>,
    on_rows: Channel<Vec<AssessedResource>>,
) -> Result<u32, ErrorPayload> {
    let rows = desk.recommendation_resources(&read_id, &recommendation_key, &subscription_ids, &ToWindow(on_rows)).await?;
    Ok(u32::try_from(rows.len()).unwrap_or(u32::MAX))
}
