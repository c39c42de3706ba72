//! Approving: the conditional transition to Approved comes FIRST (if someone
//! else decided, nothing is sent), then the journalled apply under the
//! approver's identity; when it ends, its outcome is recorded on the request
//! (conditionally again). A request opened from a file has no table row: its
//! decision and outcome go to the local audit log only.

use std::sync::Arc;

use chrono::{SecondsFormat, Utc};
use desk_core::exemption::ExemptionDraft;
use desk_core::validation::expiry_instant;
use desk_azure::{AzureError, RequestTable};
use desk_core::plan::{stamp_approval, Approval, PlannedWrite, WriteMethod};
use desk_core::request::{transition, ApproverChanges, ExemptionRequest, Person, RequestAction};
use desk_store::Store;
use serde_json::Value;

use super::review::{changes_in_words, with_changes};
use super::{approval_of, me, now_text, race, refused};
use crate::runner::{run_apply, AfterApply, ApplyEnd};
use crate::{AppError, Connected, Desk, Events};

/// What the review stamped on a plan's writes: which request, and who asked.
struct Stamp {
    request_id: String,
    requested_by: Person,
    requested_at: String,
    ticket: Option<String>,
    verified: bool,
}

fn text(metadata: &Value, key: &str) -> String {
    metadata.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// The request every PUT of the plan was stamped with at review; `None` when
/// the plan is not a reviewed request's (or its writes disagree).
fn stamp_of(writes: &[PlannedWrite]) -> Option<Stamp> {
    let mut stamps = writes.iter().filter(|w| w.method == WriteMethod::Put).map(|w| {
        let m = &w.body["properties"]["metadata"];
        Stamp {
            request_id: text(m, "requestId"),
            requested_by: Person { account: text(m, "requestedBy"), object_id: text(m, "requestedByObjectId") },
            requested_at: text(m, "requestedAt"),
            ticket: m.get("ticket").and_then(Value::as_str).map(str::to_owned),
            verified: m.get("requesterVerified").and_then(Value::as_bool) != Some(false),
        }
    });
    let first = stamps.next()?;
    if first.request_id.is_empty() || stamps.any(|s| s.request_id != first.request_id || !s.requested_by.same_as(&first.requested_by)) {
        return None;
    }
    Some(first)
}

/// Every PUT carries the category and expiry of `draft` (the request with
/// the changes the approver names now): the changes are those reviewed.
fn as_reviewed(writes: &[PlannedWrite], draft: &ExemptionDraft) -> bool {
    let category = draft.category.map(|c| Value::String(c.as_arm().to_owned()));
    let expiry = draft
        .expires_on
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .and_then(|d| expiry_instant(d, draft.utc_offset_minutes))
        .map(|t| Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true)));
    writes.iter().filter(|w| w.method == WriteMethod::Put).all(|w| {
        let properties = &w.body["properties"];
        properties.get("exemptionCategory").cloned() == category && properties.get("expiresOn").cloned() == expiry
    })
}

impl Desk {
    /// Approve the reviewed request and send its plan (`plan_id` from the
    /// review) under the approver's identity; answers the apply's id.
    pub async fn approve_request(
        &self,
        events: Arc<dyn Events>,
        request_id: &str,
        plan_id: &str,
        changes: ApproverChanges,
    ) -> Result<String, AppError> {
        let connected = self.connected().await?;
        let approver = me(&connected);
        let plan = self.plans.take(plan_id).map_err(AppError::PlanNotCurrent)?;
        let stamp = stamp_of(&plan.writes).filter(|s| s.request_id == request_id);
        let Some(stamp) = stamp else {
            return Err(refused("That preview is not of this request; review the request again."));
        };
        if stamp.requested_by.same_as(&approver) {
            return Err(AzureError::from(desk_core::CoreError::RequestNotAllowed(
                "You cannot approve your own request; another approver must decide it.".into(),
            ))
            .into());
        }
        let mut writes = plan.writes;
        let apply_id = uuid::Uuid::new_v4().to_string();
        let approved_at = now_text();
        let after: AfterApply = if stamp.verified {
            let settings = self.tenant_settings().await?;
            let table = self.request_table_of(&connected, &settings)?;
            let tenant = connected.identity.tenant_id.clone();
            let (current, etag) = desk_azure::caught(table.get(&tenant, request_id)).await?;
            if !as_reviewed(&writes, &with_changes(&current, &changes)?) {
                return Err(refused("The changes differ from those reviewed; review the request again."));
            }
            let mut next = transition(&current, &RequestAction::Approve, &approver, Utc::now()).map_err(AzureError::from)?;
            let said = changes_in_words(&current, &changes);
            if let Some(event) = next.history.last_mut() {
                event.note = (!said.is_empty()).then(|| said.join(" "));
                event.at.clone_from(&approved_at);
            }
            next.approver_changes = (changes != ApproverChanges::default()).then_some(changes);
            next.apply_id = Some(apply_id.clone());
            // The transition is stored first: if someone else decided since, nothing is sent.
            desk_azure::caught(table.replace(&next, &etag)).await.map_err(race)?;
            stamp_approval(&mut writes, &approval_of(&next, &approver, &approved_at));
            let detail = format!("Approved request {} ({}) of {}; apply {apply_id}", next.id, next.recommendation_name, next.requested_by.account);
            self.store.audit(&connected.who(), "decision", &detail)?;
            outcome_in_table(table, tenant, request_id.to_owned(), approver.clone(), self.store.clone(), connected.who())
        } else {
            let approval = Approval {
                request_id: &stamp.request_id,
                requested_by: &stamp.requested_by,
                requested_at: &stamp.requested_at,
                approved_by: &approver,
                approved_at: &approved_at,
                ticket: stamp.ticket.as_deref(),
                requester_verified: false,
            };
            stamp_approval(&mut writes, &approval);
            // The opened file's request is approved for the rest of the session, so it is not approved twice.
            if let Some(opened) = self.file_requests.find(request_id, &connected.identity.tenant_id) {
                let next = transition(&opened, &RequestAction::Approve, &approver, Utc::now()).map_err(AzureError::from)?;
                self.file_requests.remember(&next);
            }
            let detail = format!(
                "Approved request {} from a file, requested by {} ({}) as the file states it (unverified); apply {apply_id}",
                stamp.request_id, stamp.requested_by.account, stamp.requested_by.object_id
            );
            self.store.audit(&connected.who(), "decision", &detail)?;
            outcome_in_log(stamp.request_id.clone(), self.store.clone(), connected.who())
        };
        self.store.record_apply(&apply_id, &plan.recommendation_key, &connected.identity.account, &writes)?;
        let items = writes.into_iter().enumerate().map(|(i, w)| (u32::try_from(i).unwrap_or(u32::MAX), w)).collect();
        run_apply(events, self, connected, apply_id.clone(), items, Some(after));
        Ok(apply_id)
    }
}

impl Desk {
    /// When a retried or resumed apply carries out an approved request from
    /// the table (its writes stamped at approval), what records its outcome.
    pub(crate) async fn request_outcome_for(&self, connected: &Connected, apply_id: &str) -> Option<AfterApply> {
        let report = self.store.apply_report(apply_id).ok()?;
        let writes: Vec<PlannedWrite> = report.items.into_iter().map(|i| i.write).collect();
        let stamp = stamp_of(&writes).filter(|s| s.verified)?;
        let settings = self.tenant_settings().await.ok()?;
        let table = self.request_table_of(connected, &settings).ok()?;
        let tenant = connected.identity.tenant_id.clone();
        Some(outcome_in_table(table, tenant, stamp.request_id, me(connected), self.store.clone(), connected.who()))
    }
}

fn outcome_words(end: ApplyEnd) -> String {
    format!("{} written, {} not", end.succeeded, end.failed)
}

/// When the apply ends, the request records Applied, Partly applied or Failed.
/// An apply that stopped before every write ended stays Approved: it can be resumed.
fn outcome_in_table(table: RequestTable, tenant: String, id: String, approver: Person, store: Arc<Store>, who: String) -> AfterApply {
    Box::new(move |end: ApplyEnd| {
        Box::pin(async move {
            if end.stopped {
                tracing::warn!("request {id}: the apply stopped; the request stays approved until it is resumed");
                return;
            }
            let action = RequestAction::RecordOutcome { succeeded: end.succeeded, failed: end.failed };
            let recorded = async {
                let (current, etag) = desk_azure::caught(table.get(&tenant, &id)).await?;
                let next: ExemptionRequest = transition(&current, &action, &approver, Utc::now()).map_err(AzureError::from)?;
                desk_azure::caught(table.replace(&next, &etag)).await?;
                Ok::<_, AzureError>(next.state)
            }
            .await;
            let detail = match recorded {
                Ok(state) => format!("Request {id} is now {} ({})", state.words(), outcome_words(end)),
                Err(e) => format!("Request {id}: the outcome ({}) could not be recorded: {e}", outcome_words(end)),
            };
            if let Err(e) = store.audit(&who, "decision", &detail) {
                tracing::warn!("audit log: {e}");
            }
        })
    })
}

/// A file request's outcome goes to the local audit log.
fn outcome_in_log(id: String, store: Arc<Store>, who: String) -> AfterApply {
    Box::new(move |end: ApplyEnd| {
        Box::pin(async move {
            let detail = format!("Request {id} (from a file): {}", outcome_words(end));
            if let Err(e) = store.audit(&who, "decision", &detail) {
                tracing::warn!("audit log: {e}");
            }
        })
    })
}
