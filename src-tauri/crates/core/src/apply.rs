//! What the UI sees of preparing and applying a request: the checks and the
//! exact writes before anything is sent, then each write's progress.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::checks::Check;
use crate::error::ErrorPayload;
use crate::plan::PlannedWrite;

/// Checks and the exact writes for a draft; nothing has been sent.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct Preparation {
    /// Pass to `apply_plan` to send exactly these writes.
    pub plan_id: String,
    pub checks: Vec<Check>,
    pub writes: Vec<PlannedWrite>,
    /// True when a check failed or no plan could be made: nothing may be sent.
    pub blocked: bool,
    /// Why no plan could be made, when that is so.
    pub plan_error: Option<ErrorPayload>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum ItemState {
    /// Recorded, not yet sent.
    Planned,
    Sending,
    /// Waiting before another attempt (throttled, a server error or a dropped connection).
    Retrying,
    Succeeded,
    Failed,
    /// The user cancelled before it was sent.
    Cancelled,
    /// Not sent: the exemption changed in Azure since the preview (the
    /// message says how), so writing would overwrite someone's change.
    Changed,
}

impl ItemState {
    pub fn is_final(self) -> bool {
        matches!(self, ItemState::Succeeded | ItemState::Failed | ItemState::Cancelled | ItemState::Changed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Planned => "Planned",
            ItemState::Sending => "Sending",
            ItemState::Retrying => "Retrying",
            ItemState::Succeeded => "Succeeded",
            ItemState::Failed => "Failed",
            ItemState::Cancelled => "Cancelled",
            ItemState::Changed => "Changed",
        }
    }

    pub fn parse(s: &str) -> Option<ItemState> {
        [
            ItemState::Planned,
            ItemState::Sending,
            ItemState::Retrying,
            ItemState::Succeeded,
            ItemState::Failed,
            ItemState::Cancelled,
            ItemState::Changed,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
    }
}

/// One write of an apply and how it went.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApplyItem {
    pub index: u32,
    pub write: PlannedWrite,
    pub state: ItemState,
    pub attempts: u32,
    /// Why it failed, or why it is being retried.
    pub message: Option<String>,
}

/// An apply: its writes and where each stands.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub id: String,
    /// UTC, RFC 3339.
    pub started_at: String,
    pub recommendation_key: String,
    pub items: Vec<ApplyItem>,
    /// Every item reached a final state.
    pub finished: bool,
}

/// Sent as the `apply-progress` event whenever an item changes state.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApplyProgress {
    pub apply_id: String,
    pub index: u32,
    pub state: ItemState,
    pub attempts: u32,
    pub message: Option<String>,
    pub succeeded: u32,
    pub failed: u32,
    pub total: u32,
}

/// Sent as the `apply-stopped` event when an apply ends before every write
/// reached a final state (an internal error): the journal keeps it resumable.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApplyStopped {
    pub apply_id: String,
    pub error: ErrorPayload,
}

/// Whether Defender shows an exempted scope's resources as exempt yet.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct EffectItem {
    pub scope: String,
    /// Resources there still assessed as unhealthy or healthy for the recommendation.
    pub pending: u32,
    /// Resources there shown as Not applicable with cause Exempt.
    pub exempt: u32,
    /// Assignments that still hold the recommendation for a pending resource
    /// there with no exemption of theirs covering it: Defender will not show
    /// the resource exempt until they are exempted too.
    pub held_by: Vec<HeldBy>,
}

/// An assignment still holding a resource (see [`EffectItem::held_by`]).
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct HeldBy {
    pub assignment_id: String,
    /// The assigned initiative's display name.
    pub initiative_name: String,
    /// A resource it holds (the first one found).
    pub resource_id: String,
    /// How many pending resources there it holds.
    pub resources: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct EffectReport {
    pub apply_id: String,
    pub items: Vec<EffectItem>,
    /// Every exempted resource shows as exempt.
    pub complete: bool,
    /// UTC, RFC 3339: when Defender should have caught up at the latest (24 h after the apply).
    pub expected_by: String,
}

/// Told of every state change of an apply; an error refuses the change (a
/// journal that cannot record `Sending` means the write is not sent).
pub trait ApplyObserver: Send + Sync {
    fn changed(&self, index: u32, state: ItemState, attempts: u32, message: Option<&str>) -> Result<(), String>;
}
