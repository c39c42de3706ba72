use proptest::prelude::*;

use super::*;
use crate::fixtures::{draft, now};

fn person(account: &str, object_id: &str) -> Person {
    Person { account: account.into(), object_id: object_id.into() }
}

fn requester() -> Person {
    person("reader@contoso.com", "0000aaaa-1111-2222-3333-444455556666")
}

fn approver() -> Person {
    person("owner@contoso.com", "9999bbbb-1111-2222-3333-444455556666")
}

fn request(state: RequestState) -> ExemptionRequest {
    let mut history = vec![RequestEvent { state: RequestState::Pending, by: requester(), at: "2026-12-01T10:00:00Z".into(), note: None }];
    if matches!(state, RequestState::Approved | RequestState::Applied | RequestState::PartlyApplied | RequestState::Failed) {
        let approved = RequestEvent { state: RequestState::Approved, by: approver(), at: "2026-12-01T11:00:00Z".into(), note: None };
        history.push(approved);
    }
    ExemptionRequest {
        id: "6f1c2a8e-0000-4000-8000-000000000001".into(),
        tenant_id: "contoso".into(),
        state,
        draft: draft(),
        recommendation_name: "A recommendation".into(),
        scope_summary: "1 subscription".into(),
        writes: Vec::new(),
        checks: Vec::new(),
        justification: "Compensating control".into(),
        ticket: None,
        requested_by: requester(),
        requested_at: "2026-12-01T10:00:00Z".into(),
        requester_verified: true,
        approver_changes: None,
        apply_id: None,
        history,
    }
}

const STATES: [RequestState; 8] = [
    RequestState::Pending,
    RequestState::Approved,
    RequestState::Applied,
    RequestState::PartlyApplied,
    RequestState::Failed,
    RequestState::Rejected,
    RequestState::Withdrawn,
    RequestState::ChangesRequested,
];

fn actions() -> Vec<RequestAction> {
    vec![
        RequestAction::Withdraw,
        RequestAction::Resubmit,
        RequestAction::Approve,
        RequestAction::Reject { reason: "Not a compensating control".into() },
        RequestAction::RequestChanges { comment: "Shorten the expiry".into() },
        RequestAction::RecordOutcome { succeeded: 2, failed: 0 },
        RequestAction::RecordOutcome { succeeded: 1, failed: 1 },
        RequestAction::RecordOutcome { succeeded: 0, failed: 2 },
    ]
}

/// Who: the requester (`true`) or the approver.
fn allowed(from: RequestState, action: &RequestAction, by_requester: bool) -> Option<RequestState> {
    use RequestAction as A;
    use RequestState as S;
    match (from, action, by_requester) {
        (S::Pending, A::Approve, false) => Some(S::Approved),
        (S::Pending, A::Reject { .. }, false) => Some(S::Rejected),
        (S::Pending, A::RequestChanges { .. }, false) => Some(S::ChangesRequested),
        (S::Pending | S::ChangesRequested, A::Withdraw, true) => Some(S::Withdrawn),
        (S::ChangesRequested, A::Resubmit, true) => Some(S::Pending),
        (S::Approved | S::PartlyApplied | S::Failed, A::RecordOutcome { succeeded: 2, .. }, false) => Some(S::Applied),
        (S::Approved | S::PartlyApplied | S::Failed, A::RecordOutcome { succeeded: 1, .. }, false) => Some(S::PartlyApplied),
        (S::Approved | S::PartlyApplied | S::Failed, A::RecordOutcome { succeeded: 0, .. }, false) => Some(S::Failed),
        _ => None,
    }
}

#[test]
fn every_state_action_and_actor_is_allowed_or_refused_as_the_table_says() {
    let at = now();
    for from in STATES {
        for action in actions() {
            for by_requester in [true, false] {
                let actor = if by_requester { requester() } else { approver() };
                let before = request(from);
                let result = transition(&before, &action, &actor, at);
                match allowed(from, &action, by_requester) {
                    Some(to) => {
                        let after = result.unwrap_or_else(|e| panic!("{from:?} {action:?} by_requester={by_requester}: {e}"));
                        assert_eq!(after.state, to);
                        assert_eq!(after.history.len(), before.history.len() + 1, "one event per transition");
                        let last = after.history.last().expect("as built");
                        assert_eq!((last.state, &last.by, last.at.as_str()), (to, &actor, "2026-11-25T12:00:00Z"));
                    }
                    None => {
                        let e = result.expect_err(&format!("{from:?} {action:?} by_requester={by_requester} must be refused"));
                        assert!(matches!(e, CoreError::RequestRefused(_) | CoreError::RequestNotAllowed(_)), "{e:?}");
                        assert!(!e.to_string().is_empty());
                    }
                }
            }
        }
    }
}

#[test]
fn the_requester_is_told_why_not_in_words() {
    let at = now();
    let own = transition(&request(RequestState::Pending), &RequestAction::Approve, &requester(), at).expect_err("refused");
    assert_eq!(own.to_string(), "You cannot approve your own request; another approver must decide it.");
    let late = transition(&request(RequestState::Withdrawn), &RequestAction::Approve, &approver(), at).expect_err("refused");
    assert_eq!(late.to_string(), "You cannot approve a request that is withdrawn.");
    let stranger = transition(&request(RequestState::Pending), &RequestAction::Withdraw, &approver(), at).expect_err("refused");
    assert_eq!(stranger.to_string(), "Only the requester can withdraw a request.");
}

#[test]
fn object_ids_are_compared_without_case_and_never_by_account() {
    let at = now();
    let same_id_other_case = person("someone-else@contoso.com", &requester().object_id.to_uppercase());
    assert!(transition(&request(RequestState::Pending), &RequestAction::Approve, &same_id_other_case, at).is_err());
    let same_account_other_id = person("reader@contoso.com", "12345678-0000-0000-0000-000000000000");
    assert!(transition(&request(RequestState::Pending), &RequestAction::Approve, &same_account_other_id, at).is_ok());
    let blank = person("x", " ");
    assert!(!blank.same_as(&person("y", " ")), "two blank ids are not the same person");
}

#[test]
fn a_reason_or_comment_is_required_and_bounded() {
    let at = now();
    let pending = request(RequestState::Pending);
    for action in [RequestAction::Reject { reason: "  ".into() }, RequestAction::RequestChanges { comment: String::new() }] {
        assert!(matches!(transition(&pending, &action, &approver(), at), Err(CoreError::RequestRefused(_))));
    }
    let long = RequestAction::Reject { reason: "x".repeat(NOTE_MAX + 1) };
    assert!(transition(&pending, &long, &approver(), at).is_err());
    let after = transition(&pending, &RequestAction::Reject { reason: " No ".into() }, &approver(), at).expect("as built");
    assert_eq!(after.history.last().expect("as built").note.as_deref(), Some("No"));
}

#[test]
fn only_the_approver_records_the_outcome() {
    let other = person("third@contoso.com", "77777777-0000-0000-0000-000000000000");
    let outcome = RequestAction::RecordOutcome { succeeded: 1, failed: 0 };
    assert!(transition(&request(RequestState::Approved), &outcome, &other, now()).is_err());
}

#[test]
fn the_history_is_bounded() {
    let mut r = request(RequestState::Pending);
    let mut k = 0;
    loop {
        let step = if r.state == RequestState::Pending {
            transition(&r, &RequestAction::RequestChanges { comment: "again".into() }, &approver(), now())
        } else {
            transition(&r, &RequestAction::Resubmit, &requester(), now())
        };
        match step {
            Ok(next) => r = next,
            Err(e) => {
                assert!(e.to_string().contains("make a new request"), "{e}");
                break;
            }
        }
        k += 1;
        assert!(k <= HISTORY_MAX, "the history must stop growing");
    }
    assert_eq!(r.history.len(), HISTORY_MAX);
}

fn any_action() -> impl Strategy<Value = RequestAction> {
    prop_oneof![
        Just(RequestAction::Withdraw),
        Just(RequestAction::Resubmit),
        Just(RequestAction::Approve),
        Just(RequestAction::Reject { reason: "r".into() }),
        Just(RequestAction::RequestChanges { comment: "c".into() }),
        (0u32..3, 0u32..3).prop_map(|(succeeded, failed)| RequestAction::RecordOutcome { succeeded, failed }),
    ]
}

proptest! {
    /// Whatever the sequence and whoever acts, the requester never appears
    /// in the history as the one who approved, rejected or asked changes.
    #[test]
    fn no_sequence_lets_the_requester_decide(steps in proptest::collection::vec((any_action(), 0u8..3), 0..40)) {
        let people = [requester(), approver(), person("REQ", &requester().object_id.to_uppercase())];
        let mut r = request(RequestState::Pending);
        for (action, who) in steps {
            if let Ok(next) = transition(&r, &action, &people[usize::from(who)], now()) {
                r = next;
            }
        }
        for event in &r.history[1..] {
            if matches!(event.state, RequestState::Approved | RequestState::Rejected | RequestState::ChangesRequested) {
                prop_assert!(!event.by.same_as(&requester()), "{:?} by the requester", event.state);
            }
        }
    }
}
