use std::time::{Duration, Instant};

use desk_core::exemption::ExemptionDraft;
use desk_core::plan::PlannedWrite;
use serde_json::json;

use super::*;

fn draft(recommendation: &str, name: &str) -> ExemptionDraft {
    ExemptionDraft { recommendation_key: recommendation.into(), name: name.into(), ..ExemptionDraft::default() }
}

fn writes(name: &str) -> Vec<PlannedWrite> {
    vec![PlannedWrite {
        method: Default::default(),
        as_read: None,
        scope: "/subscriptions/s".into(),
        name: name.into(),
        path: format!("/subscriptions/s/providers/Microsoft.Authorization/policyExemptions/{name}"),
        policy_assignment_id: "/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/a".into(),
        initiative_name: "Benchmark".into(),
        policy_definition_reference_ids: vec!["r".into()],
        replaces_existing: false,
        below_chosen_scope: false,
        body: json!({}),
    }]
}

fn preview(registry: &PlanRegistry, d: &ExemptionDraft) -> String {
    let ticket = registry.ticket();
    registry.register(ticket, d, Some(writes(&d.name)))
}

#[test]
fn a_thousand_previews_of_one_draft_keep_one_plan() {
    let registry = PlanRegistry::default();
    let mut last = String::new();
    for i in 0..1000 {
        last = preview(&registry, &draft("rec", &format!("typed-{i}")));
        assert_eq!(registry.len(), 1, "after preview {i}");
    }
    assert_eq!(registry.take(&last).map(|p| p.writes[0].name.clone()), Ok("typed-999".to_owned()));
    assert!(registry.is_empty());
}

#[test]
fn a_thousand_previews_of_different_drafts_stay_within_the_bound() {
    let registry = PlanRegistry::default();
    let ids: Vec<String> = (0..1000).map(|i| preview(&registry, &draft(&format!("rec-{i}"), "x"))).collect();
    assert_eq!(registry.len(), MAX_PLANS);
    // The newest are kept; the oldest were dropped, saying so while that is recent.
    assert!(registry.take(&ids[1000 - MAX_PLANS]).is_ok());
    assert_eq!(registry.take(&ids[999 - MAX_PLANS]), Err(Gone::Evicted));
    assert_eq!(registry.take(&ids[0]), Err(Gone::Unknown), "why is remembered for a bounded number of plans too");
}

#[test]
fn an_applied_plan_is_gone_with_the_other_previews_of_its_draft() {
    let registry = PlanRegistry::default();
    let d = draft("rec", "same");
    let first = preview(&registry, &d);
    let second = preview(&registry, &d);
    let other = preview(&registry, &draft("another-rec", "x"));
    assert_eq!(registry.len(), 3, "identical previews both stay valid");
    let plan = registry.take(&second).expect("waiting");
    assert_eq!(plan.recommendation_key, "rec");
    assert_eq!(plan.writes, writes("same"));
    assert_eq!(registry.take(&second), Err(Gone::Applied), "a plan is sent once");
    assert_eq!(registry.take(&first), Err(Gone::Superseded));
    assert!(registry.take(&other).is_ok(), "another draft's plan is untouched");
}

#[test]
fn a_newer_preview_of_the_same_draft_supersedes_the_older() {
    let registry = PlanRegistry::default();
    let old = preview(&registry, &draft("rec", "before"));
    let new = preview(&registry, &draft("rec", "after"));
    assert_eq!(registry.len(), 1);
    assert_eq!(registry.take(&old), Err(Gone::Superseded));
    assert_eq!(registry.take(&new).map(|p| p.writes[0].name.clone()), Ok("after".to_owned()));
}

#[test]
fn a_blocked_preview_supersedes_and_cannot_be_applied() {
    let registry = PlanRegistry::default();
    let old = preview(&registry, &draft("rec", "before"));
    let ticket = registry.ticket();
    let blocked = registry.register(ticket, &draft("rec", "blocked"), None);
    assert!(registry.is_empty());
    assert_eq!(registry.take(&old), Err(Gone::Superseded));
    assert_eq!(registry.take(&blocked), Err(Gone::Unknown));
}

#[test]
fn a_slow_answer_to_an_older_draft_never_replaces_a_newer_one() {
    let registry = PlanRegistry::default();
    let asked_first = registry.ticket();
    let asked_second = registry.ticket();
    let newer = registry.register(asked_second, &draft("rec", "newer"), Some(writes("newer")));
    let older = registry.register(asked_first, &draft("rec", "older"), Some(writes("older")));
    assert_eq!(registry.take(&older), Err(Gone::Superseded));
    assert_eq!(registry.take(&newer).map(|p| p.writes[0].name.clone()), Ok("newer".to_owned()));
}

#[test]
fn a_plan_older_than_an_hour_is_gone() {
    let registry = PlanRegistry::default();
    let start = Instant::now();
    let ticket = registry.ticket();
    let old = registry.register_at(ticket, &draft("rec", "x"), Some(writes("x")), start);
    let ticket = registry.ticket();
    let fresh = registry.register_at(ticket, &draft("rec-2", "y"), Some(writes("y")), start + Duration::from_secs(30 * 60));
    let later = start + MAX_AGE + Duration::from_secs(1);
    assert_eq!(registry.take_at(&old, later), Err(Gone::Expired));
    assert!(registry.take_at(&fresh, later).is_ok(), "half an hour old is still fine");
    // Expired plans leave even when nobody asks for them.
    let ticket = registry.ticket();
    registry.register_at(ticket, &draft("rec-3", "z"), Some(writes("z")), start);
    let ticket = registry.ticket();
    registry.register_at(ticket, &draft("rec-4", "w"), Some(writes("w")), later + MAX_AGE);
    assert_eq!(registry.len(), 1);
}

#[test]
fn an_unknown_plan_is_a_clear_error() {
    let registry = PlanRegistry::default();
    assert_eq!(registry.take("never-made"), Err(Gone::Unknown));
    assert!(Gone::Unknown.message().contains("preview again"));
}
