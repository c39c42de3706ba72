//! Requests and approvals (issue 13): each command is one call into `desk_app::Desk`.

use desk_core::activity::{ActivityEntry, ActivityQuery};
use desk_core::exemption::ExemptionDraft;
use desk_core::request::{ApproverChanges, ExemptionRequest, RequestListKind, RequestReview, TenantSettings};
use desk_core::ErrorPayload;
use tauri::{AppHandle, State};

use desk_app::Desk;

use super::request_dialogs;
use crate::window::Window;

/// Ask for approval of a draft: prepares it under the requester's identity
/// and stores the request (draft, plan, checks) in the tenant's table.
#[tauri::command]
#[specta::specta]
pub async fn submit_request(
    desk: State<'_, Desk>,
    draft: ExemptionDraft,
    justification: String,
    ticket: Option<String>,
) -> Result<ExemptionRequest, ErrorPayload> {
    Ok(desk.submit_request(draft, justification, ticket).await?)
}

/// Save a request as a `*.exemption-request.json` file (a native save dialog);
/// `None` when the user cancelled the dialog.
#[tauri::command]
#[specta::specta]
pub async fn save_request_file(
    app: AppHandle,
    desk: State<'_, Desk>,
    draft: ExemptionDraft,
    justification: String,
    ticket: Option<String>,
) -> Result<Option<String>, ErrorPayload> {
    let Some(path) = request_dialogs::save_path(&app, &desk_app::request_file_name(&draft)).await? else {
        return Ok(None);
    };
    Ok(Some(desk.save_request_file(draft, justification, ticket, &path).await?))
}

#[tauri::command]
#[specta::specta]
pub async fn list_requests(desk: State<'_, Desk>, kind: RequestListKind) -> Result<Vec<ExemptionRequest>, ErrorPayload> {
    Ok(desk.list_requests(kind).await?)
}

/// An approver opens a request: checks and plan again under their identity,
/// with `changes` applied, and what differs from what was requested.
#[tauri::command]
#[specta::specta]
pub async fn review_request(desk: State<'_, Desk>, request_id: String, changes: ApproverChanges) -> Result<RequestReview, ErrorPayload> {
    Ok(desk.review_request(&request_id, changes).await?)
}

/// Choose a request file (a native open dialog) and review it; `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_request_file(app: AppHandle, desk: State<'_, Desk>) -> Result<Option<RequestReview>, ErrorPayload> {
    let Some(path) = request_dialogs::open_path(&app).await? else {
        return Ok(None);
    };
    Ok(Some(desk.review_request_file(&path, ApproverChanges::default()).await?))
}

/// Review the request file at `path` (opened from outside: a file association or the command line).
#[tauri::command]
#[specta::specta]
pub async fn review_request_file(desk: State<'_, Desk>, path: String, changes: ApproverChanges) -> Result<RequestReview, ErrorPayload> {
    Ok(desk.review_request_file(&path, changes).await?)
}

/// Approve the reviewed request and send its plan (`plan_id` from the review)
/// under the approver's identity; answers the apply's id. The transition is
/// conditional: if someone else decided first, nothing is sent.
#[tauri::command]
#[specta::specta]
pub async fn approve_request(
    app: AppHandle,
    desk: State<'_, Desk>,
    request_id: String,
    plan_id: String,
    changes: ApproverChanges,
) -> Result<String, ErrorPayload> {
    Ok(desk.approve_request(Window::events(app), &request_id, &plan_id, changes).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn reject_request(desk: State<'_, Desk>, request_id: String, reason: String) -> Result<ExemptionRequest, ErrorPayload> {
    Ok(desk.reject_request(&request_id, reason).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn request_changes(desk: State<'_, Desk>, request_id: String, comment: String) -> Result<ExemptionRequest, ErrorPayload> {
    Ok(desk.request_changes(&request_id, comment).await?)
}

/// Open the request's ticket in the system browser, when it is a web page
/// (the address is the one stored with the request, never one the window names).
#[tauri::command]
#[specta::specta]
pub async fn open_request_ticket(desk: State<'_, Desk>, request_id: String) -> Result<(), ErrorPayload> {
    Ok(desk.open_request_ticket(&request_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn withdraw_request(desk: State<'_, Desk>, request_id: String) -> Result<ExemptionRequest, ErrorPayload> {
    Ok(desk.withdraw_request(&request_id).await?)
}

/// The requester sends a request back after changes were asked, with the edited draft.
#[tauri::command]
#[specta::specta]
pub async fn resubmit_request(
    desk: State<'_, Desk>,
    request_id: String,
    draft: ExemptionDraft,
    justification: String,
    ticket: Option<String>,
) -> Result<ExemptionRequest, ErrorPayload> {
    Ok(desk.resubmit_request(&request_id, draft, justification, ticket).await?)
}

/// The signed-in tenant profile's request table and policy.
#[tauri::command]
#[specta::specta]
pub async fn get_tenant_settings(desk: State<'_, Desk>) -> Result<TenantSettings, ErrorPayload> {
    Ok(desk.tenant_settings().await?)
}

/// Validates and saves; answers the settings as saved.
#[tauri::command]
#[specta::specta]
pub async fn save_tenant_settings(desk: State<'_, Desk>, settings: TenantSettings) -> Result<TenantSettings, ErrorPayload> {
    Ok(desk.save_tenant_settings(settings).await?)
}

/// The local audit log, newest first, filtered.
#[tauri::command]
#[specta::specta]
pub async fn activity_log(desk: State<'_, Desk>, query: ActivityQuery) -> Result<Vec<ActivityEntry>, ErrorPayload> {
    Ok(desk.activity(&query)?)
}

/// Export the whole log as CSV (a native save dialog); `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_activity(app: AppHandle, desk: State<'_, Desk>, query: ActivityQuery) -> Result<Option<String>, ErrorPayload> {
    let name = desk_app::activity_file_name();
    let Some(path) = super::transfer::save_path(&app, "Export the activity", &name, desk_core::transfer::ExportFormat::Csv).await? else {
        return Ok(None);
    };
    Ok(Some(desk.export_activity(&query, &path)?))
}
