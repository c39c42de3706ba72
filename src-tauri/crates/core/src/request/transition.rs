//! The request state machine: which action moves a request from which state,
//! and who may take it. Nobody decides their own request (object ids compared
//! without regard to case); every transition appends a [`RequestEvent`].

use chrono::{DateTime, SecondsFormat, Utc};

use super::{ExemptionRequest, Person, RequestAction, RequestEvent, RequestState};
use crate::error::CoreError;

/// A rejection's reason or a comment asking for changes: at most this many characters.
pub const NOTE_MAX: usize = 2_000;
/// A request's history holds at most this many events (a request bounced back
/// and forth cannot grow its table entity past Azure's limits).
pub const HISTORY_MAX: usize = 64;

impl Person {
    /// The same Entra object (ids compared without regard to case, blanks ignored).
    pub fn same_as(&self, other: &Person) -> bool {
        let mine = self.object_id.trim();
        !mine.is_empty() && mine.eq_ignore_ascii_case(other.object_id.trim())
    }
}

impl RequestState {
    /// Decided, and any apply ended (a retry of the approver's failed writes
    /// may still turn Partly applied or Failed into Applied).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            RequestState::Applied | RequestState::PartlyApplied | RequestState::Failed | RequestState::Rejected | RequestState::Withdrawn
        )
    }

    /// For people: "pending", "partly applied", ….
    pub fn words(self) -> &'static str {
        match self {
            RequestState::Pending => "pending",
            RequestState::Approved => "approved",
            RequestState::Applied => "applied",
            RequestState::PartlyApplied => "partly applied",
            RequestState::Failed => "failed",
            RequestState::Rejected => "rejected",
            RequestState::Withdrawn => "withdrawn",
            RequestState::ChangesRequested => "sent back for changes",
        }
    }
}

impl RequestAction {
    fn words(&self) -> &'static str {
        match self {
            RequestAction::Withdraw => "withdraw",
            RequestAction::Resubmit => "resubmit",
            RequestAction::Approve => "approve",
            RequestAction::Reject { .. } => "reject",
            RequestAction::RequestChanges { .. } => "ask for changes to",
            RequestAction::RecordOutcome { .. } => "record the outcome of",
        }
    }
}

fn refused(message: impl Into<String>) -> CoreError {
    CoreError::RequestRefused(message.into())
}

fn not_allowed(message: impl Into<String>) -> CoreError {
    CoreError::RequestNotAllowed(message.into())
}

fn note(text: &str, what: &str) -> Result<String, CoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(refused(format!("Enter {what}.")));
    }
    if text.chars().count() > NOTE_MAX {
        return Err(refused(format!("Keep {what} to {NOTE_MAX} characters.")));
    }
    Ok(text.to_owned())
}

/// The request after `actor` takes `action` at `now`, or why not.
pub fn transition(request: &ExemptionRequest, action: &RequestAction, actor: &Person, now: DateTime<Utc>) -> Result<ExemptionRequest, CoreError> {
    let own = request.requested_by.same_as(actor);
    let from = request.state;
    let illegal = || refused(format!("You cannot {} a request that is {}.", action.words(), from.words()));
    let (state, note) = match (from, action) {
        (RequestState::Pending, RequestAction::Approve) => {
            if own {
                return Err(not_allowed("You cannot approve your own request; another approver must decide it."));
            }
            (RequestState::Approved, None)
        }
        (RequestState::Pending, RequestAction::Reject { reason }) => {
            if own {
                return Err(not_allowed("You cannot reject your own request; withdraw it instead."));
            }
            (RequestState::Rejected, Some(note(reason, "a reason for the rejection")?))
        }
        (RequestState::Pending, RequestAction::RequestChanges { comment }) => {
            if own {
                return Err(not_allowed("You cannot ask for changes to your own request; withdraw it or wait for a decision."));
            }
            (RequestState::ChangesRequested, Some(note(comment, "a comment saying what to change")?))
        }
        (RequestState::Pending | RequestState::ChangesRequested, RequestAction::Withdraw) => {
            if !own {
                return Err(not_allowed("Only the requester can withdraw a request."));
            }
            (RequestState::Withdrawn, None)
        }
        (RequestState::ChangesRequested, RequestAction::Resubmit) => {
            if !own {
                return Err(not_allowed("Only the requester can send a request back for approval."));
            }
            (RequestState::Pending, None)
        }
        // A retry of the failed writes (or a resumed apply) records the outcome again.
        (RequestState::Approved | RequestState::PartlyApplied | RequestState::Failed, RequestAction::RecordOutcome { succeeded, failed }) => {
            let approver = request.history.iter().rev().find(|e| e.state == RequestState::Approved).map(|e| &e.by);
            if !approver.is_some_and(|a| a.same_as(actor)) {
                return Err(not_allowed("Only the approver's apply can record how the request was applied."));
            }
            let state = match (*succeeded, *failed) {
                (0, _) => RequestState::Failed,
                (_, 0) => RequestState::Applied,
                _ => RequestState::PartlyApplied,
            };
            (state, Some(format!("{succeeded} written, {failed} failed")))
        }
        _ => return Err(illegal()),
    };
    if request.history.len() >= HISTORY_MAX {
        return Err(refused(format!("This request has changed {HISTORY_MAX} times; make a new request instead.")));
    }
    let mut next = request.clone();
    next.state = state;
    next.history.push(RequestEvent { state, by: actor.clone(), at: now.to_rfc3339_opts(SecondsFormat::Secs, true), note });
    Ok(next)
}

#[cfg(test)]
#[path = "transition_tests.rs"]
mod tests;
