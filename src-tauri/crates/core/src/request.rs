//! Requests and approvals: anyone signed in asks for an exemption, someone
//! else who may write it approves, and the exemption is written under the
//! approver's name. These are the IPC types; the state machine
//! ([`transition`]) decides which transitions are allowed and by whom.
//! Requests live in an Azure Table shared by the tenant (`azure::request_table`)
//! or travel as a file (`*.exemption-request.json`).

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::checks::Check;
use crate::exemption::{ExemptionCategory, ExemptionDraft};
use crate::plan::PlannedWrite;

mod change_policy;
mod policy;
mod transition;

pub use change_policy::change_policy_checks;
pub use policy::{approval_required, policy_checks, PolicyUse};
pub use transition::{transition, HISTORY_MAX, NOTE_MAX};

/// Where a request stands. The app never deletes a request.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, Type)]
pub enum RequestState {
    Pending,
    /// Approved; the approver's apply is sending the writes.
    Approved,
    Applied,
    PartlyApplied,
    Failed,
    Rejected,
    Withdrawn,
    ChangesRequested,
}

/// Someone, as Entra names them: UPN (or application id) and object id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub account: String,
    pub object_id: String,
}

/// What someone did to a request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RequestAction {
    /// The requester takes back a pending request (or one sent back for changes).
    Withdraw,
    /// The requester sends a request back for approval after changes were asked.
    Resubmit,
    /// An approver (never the requester) approves; the apply starts.
    Approve,
    Reject {
        reason: String,
    },
    RequestChanges {
        comment: String,
    },
    /// The approver's apply ended: all writes succeeded, some did, or none.
    RecordOutcome {
        succeeded: u32,
        failed: u32,
    },
}

/// One line of a request's history: who moved it to which state, when, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct RequestEvent {
    pub state: RequestState,
    pub by: Person,
    /// UTC, RFC 3339.
    pub at: String,
    /// A rejection's reason, a comment asking for changes, what the approver changed.
    pub note: Option<String>,
}

/// What an approver changed before approving: a shorter expiry, another category.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApproverChanges {
    /// `YYYY-MM-DD`, no later than the requested expiry.
    pub expires_on: Option<String>,
    pub category: Option<ExemptionCategory>,
}

/// A request for an exemption, as stored and as the screens show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionRequest {
    /// A UUID; the table's row key.
    pub id: String,
    /// Requests belong to a tenant; the table's partition key.
    pub tenant_id: String,
    pub state: RequestState,
    /// What the requester asked for.
    pub draft: ExemptionDraft,
    /// For the lists: the recommendation's display name and the scope in words.
    pub recommendation_name: String,
    pub scope_summary: String,
    /// The writes and the checks as the requester saw them.
    pub writes: Vec<PlannedWrite>,
    pub checks: Vec<Check>,
    pub justification: String,
    /// A ticket reference or link.
    pub ticket: Option<String>,
    pub requested_by: Person,
    /// UTC, RFC 3339.
    pub requested_at: String,
    /// False when the request came from a file: the requester is as the file states it.
    pub requester_verified: bool,
    /// The approver's changes, once approved.
    pub approver_changes: Option<ApproverChanges>,
    /// The apply that carries out an approved request.
    pub apply_id: Option<String>,
    /// Every transition, oldest first; the first is the request itself.
    pub history: Vec<RequestEvent>,
}

/// Which requests a list shows.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum RequestListKind {
    /// Pending requests someone else made (the approver's queue).
    AwaitingDecision,
    /// The signed-in user's own requests, in every state.
    Mine,
    /// Every request of the tenant.
    All,
}

/// When a tenant demands approval before an exemption is written.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum ApprovalRequirement {
    /// Whoever may write writes; requesting is for those who may not.
    #[default]
    Never,
    /// Waivers (risk accepted) need approval; mitigated exemptions do not.
    Waivers,
    /// Every exemption needs approval.
    Always,
}

/// A tenant's rules for exemptions, checked on request and on approval.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct TenantPolicy {
    pub approval: ApprovalRequirement,
    /// The longest expiry allowed, in days from the day of the request.
    pub max_expiry_days: Option<u16>,
    pub ticket_required: bool,
}

/// Where a tenant keeps its requests: an Azure Table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct RequestTableChoice {
    /// The table service's endpoint, e.g. `https://contosorisk.table.core.windows.net`.
    pub endpoint: String,
    /// The table's name (3–63 letters and digits, starting with a letter).
    pub table: String,
}

/// A tenant profile's settings for requests (the Settings screen).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct TenantSettings {
    /// None: requests travel as files only.
    pub request_table: Option<RequestTableChoice>,
    pub policy: TenantPolicy,
}

/// An approver's view of a request: the checks and plan made again under the
/// approver's identity, and what differs from what the requester saw.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct RequestReview {
    pub request: ExemptionRequest,
    /// The preparation under the approver's identity, with the approver's
    /// changes applied; pass its plan id to `approve_request`.
    pub preparation: crate::apply::Preparation,
    /// What differs from what was requested, in words ("An initiative was
    /// assigned since: …", "An exemption named … now exists").
    pub differences: Vec<String>,
    /// Why the signed-in user may not approve, when so (their own request,
    /// missing permissions, a state that cannot be approved, the tenant's policy).
    pub cannot_approve: Option<String>,
}
