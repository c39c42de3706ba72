//! What an approver sees differ from what was requested, in words, and the
//! approver's changes (a shorter expiry, another category) applied to the draft.

use desk_core::checks::{Check, CheckKind};
use desk_core::exemption::ExemptionDraft;
use desk_core::plan::PlannedWrite;
use desk_core::request::{ApproverChanges, ExemptionRequest};

use super::prepare::refused;
use crate::AppError;

/// The request's draft with the approver's changes; an expiry later than the
/// requested one (or one added to a request that never expires is fine, a
/// removed one is not possible) is refused.
pub(crate) fn with_changes(request: &ExemptionRequest, changes: &ApproverChanges) -> Result<ExemptionDraft, AppError> {
    let mut draft = request.draft.clone();
    if let Some(expiry) = changes.expires_on.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        let requested = request.draft.expires_on.as_deref().map(str::trim).filter(|e| !e.is_empty());
        // `YYYY-MM-DD` dates compare as text; validation rejects any other shape later.
        if let Some(requested) = requested {
            if expiry > requested {
                return Err(refused(format!(
                    "An approver may only shorten the expiry: {expiry} is later than the requested {requested}."
                )));
            }
        }
        draft.expires_on = Some(expiry.to_owned());
    }
    if let Some(category) = changes.category {
        draft.category = Some(category);
    }
    Ok(draft)
}

/// The approver's changes in words, for the history and the review.
pub(crate) fn changes_in_words(request: &ExemptionRequest, changes: &ApproverChanges) -> Vec<String> {
    let mut words = Vec::new();
    if let Some(expiry) = changes.expires_on.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        if request.draft.expires_on.as_deref().map(str::trim) != Some(expiry) {
            let was = request.draft.expires_on.as_deref().unwrap_or("never");
            words.push(format!("The approver set the expiry to {expiry} (requested: {was})."));
        }
    }
    if let Some(category) = changes.category {
        if request.draft.category != Some(category) {
            words.push(format!("The approver changed the category to {}.", category.as_arm()));
        }
    }
    words
}

fn same_path(a: &PlannedWrite, b: &PlannedWrite) -> bool {
    a.path.eq_ignore_ascii_case(&b.path)
}

/// What differs between the writes and checks the requester saw and those
/// made now under the approver's identity. The Permissions check is left out:
/// it differs by design (the approver may write what the requester may not).
pub(crate) fn differences(request: &ExemptionRequest, writes: &[PlannedWrite], checks: &[Check]) -> Vec<String> {
    let mut out = Vec::new();
    for now in writes {
        match request.writes.iter().find(|w| same_path(w, now)) {
            None => out.push(format!(
                "A write was added since the request: {} at {} for {} (an initiative assigned since?).",
                now.name, now.scope, now.initiative_name
            )),
            Some(then) if now.replaces_existing && !then.replaces_existing => {
                out.push(format!("An exemption named {} now exists at {}; approving replaces it.", now.name, now.scope))
            }
            Some(_) => {}
        }
    }
    for then in &request.writes {
        if !writes.iter().any(|w| same_path(w, then)) {
            out.push(format!("A requested write is no longer planned: {} at {} for {}.", then.name, then.scope, then.initiative_name));
        }
    }
    for now in checks.iter().filter(|c| c.kind != CheckKind::Permissions) {
        match request.checks.iter().find(|c| c.kind == now.kind) {
            Some(then) if then.status != now.status => {
                out.push(format!("{}: now {:?}, when requested {:?}. {}", now.title, now.status, then.status, now.detail))
            }
            None => out.push(format!("{}: {:?}. {}", now.title, now.status, now.detail)),
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use desk_core::exemption::ExemptionCategory;
    use desk_core::request::{Person, RequestState};

    use super::*;

    fn request(expires_on: Option<&str>) -> ExemptionRequest {
        let by = Person { account: "r@contoso.com".into(), object_id: "oid-r".into() };
        ExemptionRequest {
            id: "id".into(),
            tenant_id: "t".into(),
            state: RequestState::Pending,
            draft: ExemptionDraft { expires_on: expires_on.map(str::to_owned), category: Some(ExemptionCategory::Waiver), ..Default::default() },
            recommendation_name: String::new(),
            scope_summary: String::new(),
            writes: Vec::new(),
            checks: Vec::new(),
            justification: String::new(),
            ticket: None,
            requested_by: by,
            requested_at: String::new(),
            requester_verified: true,
            approver_changes: None,
            apply_id: None,
            history: Vec::new(),
        }
    }

    #[test]
    fn the_expiry_may_only_be_shortened_and_the_category_changed() {
        let r = request(Some("2027-01-31"));
        let shorter = ApproverChanges { expires_on: Some("2026-12-31".into()), category: Some(ExemptionCategory::Mitigated) };
        let draft = with_changes(&r, &shorter).expect("shorter is fine");
        assert_eq!((draft.expires_on.as_deref(), draft.category), (Some("2026-12-31"), Some(ExemptionCategory::Mitigated)));
        assert_eq!(changes_in_words(&r, &shorter).len(), 2);
        let later = ApproverChanges { expires_on: Some("2027-02-01".into()), category: None };
        assert!(with_changes(&r, &later).is_err());
        assert!(with_changes(&request(None), &later).is_ok(), "a request that never expires may be given an expiry");
        assert!(changes_in_words(&r, &ApproverChanges::default()).is_empty());
    }
}
