//! Requests and approvals: anyone signed in asks (the request goes to the
//! tenant's request table, or to a file), someone else who may write it
//! reviews it under their own identity and approves, and the approver's
//! journalled apply writes it with the request and the approval in each
//! exemption's metadata. Every step is a `core` transition stored with a
//! conditional replace: when someone else acted first, nothing is sent.

mod approve;
mod files;
mod news;
mod prepare;
mod review;
mod ticket_link;

use chrono::{SecondsFormat, Utc};
use desk_azure::{AzureError, RequestFilter, RequestTable};
use desk_core::apply::Preparation;
use desk_core::exemption::ExemptionDraft;
use desk_core::plan::{stamp_approval, Approval};
use desk_core::request::{
    transition, ApproverChanges, ExemptionRequest, Person, PolicyUse, RequestAction, RequestEvent, RequestListKind, RequestReview,
    RequestState, TenantPolicy, TenantSettings,
};

pub use files::{request_file_name, OpenedFiles};
pub use news::{NewsSeen, RequestNews};
pub use prepare::TICKET_MAX;

use prepare::{day_of, failed_titles, justification, refused, scope_summary, ticket};
use review::{changes_in_words, differences, with_changes};

use crate::{AppError, Connected, Desk};

/// The signed-in person, as requests name them.
pub(crate) fn me(connected: &Connected) -> Person {
    Person { account: connected.identity.account.clone(), object_id: connected.identity.object_id.clone() }
}

/// A conditional replace that lost: someone else acted on the request first.
pub(crate) fn race(e: AzureError) -> AppError {
    match e {
        AzureError::RequestChanged { .. } => AppError::RequestRace,
        other => other.into(),
    }
}

pub(crate) fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Desk {
    /// The signed-in tenant's request table, or why there is none.
    pub(crate) fn request_table_of(&self, connected: &Connected, settings: &TenantSettings) -> Result<RequestTable, AppError> {
        let choice = settings.request_table.as_ref().ok_or(AppError::NoRequestTable)?;
        Ok(connected.tenant.request_table(choice)?)
    }

    async fn table(&self) -> Result<(std::sync::Arc<Connected>, TenantSettings, RequestTable), AppError> {
        let connected = self.connected().await?;
        let settings = self.tenant_settings().await?;
        let table = self.request_table_of(&connected, &settings)?;
        Ok((connected, settings, table))
    }

    /// A new request for `draft`, prepared under the signed-in identity.
    async fn new_request(
        &self,
        connected: &Connected,
        policy: &TenantPolicy,
        draft: ExemptionDraft,
        justification_text: &str,
        ticket_text: Option<String>,
    ) -> Result<ExemptionRequest, AppError> {
        let justification = justification(justification_text)?;
        let ticket = ticket(ticket_text)?;
        let now = Utc::now();
        let prepared = self.prepare_for_request(connected, &draft, ticket.as_deref(), policy, PolicyUse::Request, now.date_naive()).await?;
        let writes = prepared.writes?;
        let by = me(connected);
        let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        Ok(ExemptionRequest {
            id: uuid::Uuid::new_v4().to_string(),
            tenant_id: connected.identity.tenant_id.clone(),
            state: RequestState::Pending,
            recommendation_name: prepared.recommendation_name,
            scope_summary: scope_summary(&draft.scope),
            draft,
            writes,
            checks: prepared.checks,
            justification,
            ticket,
            requested_by: by.clone(),
            requested_at: at.clone(),
            requester_verified: true,
            approver_changes: None,
            apply_id: None,
            history: vec![RequestEvent { state: RequestState::Pending, by, at, note: None }],
        })
    }

    /// Ask for approval of `draft`: prepared under the requester's identity
    /// (a missing permission is why one asks; any other failed check stops
    /// it), checked against the tenant's policy, stored in the request table.
    pub async fn submit_request(
        &self,
        draft: ExemptionDraft,
        justification: String,
        ticket: Option<String>,
    ) -> Result<ExemptionRequest, AppError> {
        let (connected, settings, table) = self.table().await?;
        let request = self.new_request(&connected, &settings.policy, draft, &justification, ticket).await?;
        desk_azure::caught(table.insert(&request)).await?;
        let detail = format!("Asked for approval of request {}: {} at {}", request.id, request.recommendation_name, request.scope_summary);
        self.store.audit(&connected.who(), "request", &detail)?;
        Ok(request)
    }

    /// The tenant's requests of one kind, newest first.
    pub async fn list_requests(&self, kind: RequestListKind) -> Result<Vec<ExemptionRequest>, AppError> {
        let (connected, _, table) = self.table().await?;
        let me = me(&connected);
        let filter = match kind {
            RequestListKind::AwaitingDecision => RequestFilter { state: Some(RequestState::Pending), ..Default::default() },
            RequestListKind::Mine => RequestFilter { requester_object_id: Some(me.object_id.clone()), ..Default::default() },
            RequestListKind::All => RequestFilter::default(),
        };
        let listed = desk_azure::caught(table.list(&connected.identity.tenant_id, &filter)).await?;
        for unreadable in &listed.unreadable {
            tracing::warn!("request table: {unreadable}");
        }
        let mut requests: Vec<ExemptionRequest> = listed
            .requests
            .into_iter()
            .map(|(r, _)| r)
            .filter(|r| match kind {
                RequestListKind::AwaitingDecision => r.state == RequestState::Pending && !r.requested_by.same_as(&me),
                RequestListKind::Mine => r.requested_by.same_as(&me),
                RequestListKind::All => true,
            })
            .collect();
        requests.sort_by(|a, b| b.requested_at.cmp(&a.requested_at));
        Ok(requests)
    }

    /// Read the request with its ETag, take `action` as the signed-in person,
    /// let `edit` complete it, and store it only if nobody changed it since.
    async fn act(
        &self,
        request_id: &str,
        action: RequestAction,
        audit_action: &str,
        edit: impl FnOnce(&mut ExemptionRequest),
    ) -> Result<ExemptionRequest, AppError> {
        let connected = self.connected().await?;
        if let Some(opened) = self.file_requests.find(request_id, &connected.identity.tenant_id) {
            // A request from a file has no row to update: the decision is the audit log's.
            let mut next = transition(&opened, &action, &me(&connected), Utc::now()).map_err(AzureError::from)?;
            edit(&mut next);
            self.file_requests.remember(&next);
            let note = next.history.last().and_then(|e| e.note.clone()).map(|n| format!(": {n}")).unwrap_or_default();
            let detail = format!("Request {} from a file ({}) is now {}{note}", next.id, next.recommendation_name, next.state.words());
            self.store.audit(&connected.who(), audit_action, &detail)?;
            return Ok(next);
        }
        let (connected, _, table) = self.table().await?;
        let tenant = connected.identity.tenant_id.clone();
        let (current, etag) = desk_azure::caught(table.get(&tenant, request_id)).await?;
        let mut next = transition(&current, &action, &me(&connected), Utc::now()).map_err(AzureError::from)?;
        edit(&mut next);
        desk_azure::caught(table.replace(&next, &etag)).await.map_err(race)?;
        let note = next.history.last().and_then(|e| e.note.clone()).map(|n| format!(": {n}")).unwrap_or_default();
        let detail = format!("Request {} ({}) is now {}{note}", next.id, next.recommendation_name, next.state.words());
        self.store.audit(&connected.who(), audit_action, &detail)?;
        Ok(next)
    }

    pub async fn withdraw_request(&self, request_id: &str) -> Result<ExemptionRequest, AppError> {
        self.act(request_id, RequestAction::Withdraw, "request", |_| {}).await
    }

    pub async fn reject_request(&self, request_id: &str, reason: String) -> Result<ExemptionRequest, AppError> {
        self.act(request_id, RequestAction::Reject { reason }, "decision", |_| {}).await
    }

    pub async fn request_changes(&self, request_id: &str, comment: String) -> Result<ExemptionRequest, AppError> {
        self.act(request_id, RequestAction::RequestChanges { comment }, "decision", |_| {}).await
    }

    /// The requester sends a request back after changes were asked, with the
    /// edited draft prepared again.
    pub async fn resubmit_request(
        &self,
        request_id: &str,
        draft: ExemptionDraft,
        justification: String,
        ticket: Option<String>,
    ) -> Result<ExemptionRequest, AppError> {
        let (connected, settings, _) = self.table().await?;
        let fresh = self.new_request(&connected, &settings.policy, draft, &justification, ticket).await?;
        self.act(request_id, RequestAction::Resubmit, "request", move |r| {
            r.draft = fresh.draft;
            r.recommendation_name = fresh.recommendation_name;
            r.scope_summary = fresh.scope_summary;
            r.writes = fresh.writes;
            r.checks = fresh.checks;
            r.justification = fresh.justification;
            r.ticket = fresh.ticket;
        })
        .await
    }

    /// An approver opens a request from the table (or a request file opened
    /// this session, by its id): see [`Desk::review`].
    pub async fn review_request(&self, request_id: &str, changes: ApproverChanges) -> Result<RequestReview, AppError> {
        let connected = self.connected().await?;
        let settings = self.tenant_settings().await?;
        let request = self.request_by_id(&connected, &settings, request_id).await?;
        self.review(&connected, &settings.policy, request, &changes).await
    }

    /// Request `request_id`: a request file opened this session, else the
    /// tenant's table.
    pub(crate) async fn request_by_id(
        &self,
        connected: &Connected,
        settings: &TenantSettings,
        request_id: &str,
    ) -> Result<ExemptionRequest, AppError> {
        if let Some(opened) = self.file_requests.find(request_id, &connected.identity.tenant_id) {
            return Ok(opened);
        }
        let table = self.request_table_of(connected, settings)?;
        let (mut request, _) = desk_azure::caught(table.get(&connected.identity.tenant_id, request_id)).await?;
        // A request from the table is approved through the table (with its
        // conditional transitions), whatever the stored entity says.
        request.requester_verified = true;
        Ok(request)
    }

    /// The checks and plan made again under the approver's identity with
    /// `changes` applied, what differs from what was requested, and why the
    /// approver may not approve, if so. The plan waits in the registry (each
    /// write stamped with the request and the approval) only when it may be
    /// approved, so `approve_request` sends exactly it.
    pub(crate) async fn review(
        &self,
        connected: &Connected,
        policy: &TenantPolicy,
        request: ExemptionRequest,
        changes: &ApproverChanges,
    ) -> Result<RequestReview, AppError> {
        let registry_ticket = self.plans.ticket();
        let approver = me(connected);
        let draft = with_changes(&request, changes)?;
        let since = day_of(&request.requested_at, Utc::now());
        let prepared = self.prepare_for_request(connected, &draft, request.ticket.as_deref(), policy, PolicyUse::Approval, since).await?;
        let mut cannot = Vec::new();
        if request.requested_by.same_as(&approver) {
            cannot.push("This is your own request; another approver must decide it.".to_owned());
        }
        if request.state != RequestState::Pending {
            cannot.push(format!("This request is {}; only a pending request can be approved.", request.state.words()));
        }
        let failed = failed_titles(&prepared.checks);
        if let Some(failed) = &failed {
            cannot.push(format!("A check fails under your identity: {failed}."));
        }
        let (writes, plan_error) = match prepared.writes {
            Ok(mut writes) => {
                let approved_at = now_text();
                stamp_approval(&mut writes, &approval_of(&request, &approver, &approved_at));
                (writes, None)
            }
            Err(e) => {
                if failed.is_none() {
                    cannot.push(e.to_string());
                }
                (Vec::new(), Some(e.payload()))
            }
        };
        let blocked = !cannot.is_empty();
        let plan_id = self.plans.register(registry_ticket, &draft, (!blocked).then(|| writes.clone()));
        let mut said = changes_in_words(&request, changes);
        said.extend(differences(&request, &writes, &prepared.checks));
        Ok(RequestReview {
            request,
            preparation: Preparation { plan_id, checks: prepared.checks, writes, blocked, plan_error },
            differences: said,
            cannot_approve: blocked.then(|| cannot.join(" ")),
        })
    }
}

/// The request and its approval by `approver` at `approved_at`, for the metadata.
pub(crate) fn approval_of<'a>(request: &'a ExemptionRequest, approver: &'a Person, approved_at: &'a str) -> Approval<'a> {
    Approval {
        request_id: &request.id,
        requested_by: &request.requested_by,
        requested_at: &request.requested_at,
        approved_by: approver,
        approved_at,
        ticket: request.ticket.as_deref(),
        requester_verified: request.requester_verified,
    }
}
