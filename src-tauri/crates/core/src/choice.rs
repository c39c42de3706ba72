//! One *choice* — a recommendation and where to exempt it — and what Azure
//! says about it. The facts are gathered once per choice (every read the
//! checks need); the checks and the writes for any draft of that choice are
//! then decided here, with no IO, so a change of name, description, expiry
//! or category costs no request.

use chrono::{DateTime, Utc};

use crate::checks::{evaluate, Check, CheckKind, CheckStatus};
use crate::exemption::ExemptionDraft;
use crate::plan::{plan_exemptions, PlannedWrite, Requester, ScopeFacts};
use crate::recommendation::Recommendation;
use crate::scope::ScopeChoice;
use crate::CoreError;

/// What Azure said about one choice: the recommendation, and each chosen
/// scope's assignments, permissions, existing names and Security RP role.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceFacts {
    pub recommendation: Recommendation,
    pub scopes: Vec<ScopeFacts>,
}

/// Which choice facts belong to: the recommendation key and the chosen scopes,
/// compared as ARM compares them (case-insensitively, in any order). Two
/// drafts with the same key need the same reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChoiceKey {
    recommendation: String,
    kind: &'static str,
    scopes: Vec<String>,
}

fn normalised(scope: &str) -> String {
    scope.trim().trim_end_matches('/').to_ascii_lowercase()
}

impl ChoiceKey {
    pub fn of(recommendation_key: &str, scope: &ScopeChoice) -> ChoiceKey {
        let kind = match scope {
            ScopeChoice::ManagementGroup { .. } => "managementGroup",
            ScopeChoice::Subscriptions { .. } => "subscriptions",
            ScopeChoice::ResourceGroups { .. } => "resourceGroups",
            ScopeChoice::Resources { .. } => "resources",
        };
        let mut scopes: Vec<String> = scope.scopes().iter().map(|s| normalised(s)).collect();
        scopes.sort();
        scopes.dedup();
        ChoiceKey { recommendation: recommendation_key.trim().to_ascii_lowercase(), kind, scopes }
    }

    pub fn recommendation(&self) -> &str {
        &self.recommendation
    }
}

impl ChoiceFacts {
    /// The scopes' facts in the order (and spelling) of `choice`, which has
    /// this choice's key but may list its scopes differently.
    pub fn scopes_for(&self, choice: &ScopeChoice) -> Vec<ScopeFacts> {
        let wanted = choice.scopes();
        let position = |f: &ScopeFacts| wanted.iter().position(|w| normalised(w) == normalised(&f.scope)).unwrap_or(wanted.len());
        let mut scopes = self.scopes.clone();
        scopes.sort_by_key(|f| position(f));
        for f in &mut scopes {
            if let Some(spelled) = wanted.get(position(f)) {
                f.scope = spelled.clone();
            }
        }
        scopes
    }
}

/// The checks and, when none fails, the writes for a draft.
#[derive(Debug, PartialEq)]
pub struct Decision {
    pub checks: Vec<Check>,
    pub writes: Result<Vec<PlannedWrite>, CoreError>,
}

/// Decide the checks and the writes for `draft` from the facts gathered for its choice.
pub fn decide(draft: &ExemptionDraft, facts: &ChoiceFacts, requester: &Requester<'_>, now: DateTime<Utc>) -> Decision {
    decide_with(draft, facts, requester, now, Vec::new(), Planning::Write)
}

/// Whether a failed Permissions check stops the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planning {
    /// The signed-in user writes it: every check must pass.
    Write,
    /// The signed-in user asks for it: the plan is made even when they may
    /// not write it (that is why one requests); the approver's own checks decide.
    Request,
}

/// As [`decide`], with `extra` checks (the tenant's policy) after the others.
pub fn decide_with(
    draft: &ExemptionDraft,
    facts: &ChoiceFacts,
    requester: &Requester<'_>,
    now: DateTime<Utc>,
    extra: Vec<Check>,
    planning: Planning,
) -> Decision {
    let scopes = facts.scopes_for(&draft.scope);
    let mut checks = evaluate(draft, &facts.recommendation, &scopes, now);
    checks.extend(extra);
    let stops = |c: &Check| c.status == CheckStatus::Failed && !(planning == Planning::Request && c.kind == CheckKind::Permissions);
    let writes = if checks.iter().any(stops) {
        let failed: Vec<&str> = checks.iter().filter(|c| stops(c)).map(|c| c.title.as_str()).collect();
        Err(CoreError::ChecksFailed(failed.join("; ")))
    } else {
        plan_exemptions(draft, &facts.recommendation, &scopes, requester, now)
    };
    Decision { checks, writes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::*;

    fn two_subscriptions() -> ChoiceFacts {
        ChoiceFacts {
            recommendation: recommendation(),
            scopes: vec![facts(&sub(SUB_A), vec![benchmark(&sub(SUB_A))]), facts(&sub(SUB_B), vec![benchmark(&sub(SUB_B))])],
        }
    }

    #[test]
    fn the_key_ignores_order_case_and_everything_but_the_choice() {
        let a = ScopeChoice::Subscriptions { ids: vec![SUB_A.into(), SUB_B.into()] };
        let b = ScopeChoice::Subscriptions { ids: vec![SUB_B.to_uppercase(), SUB_A.into()] };
        assert_eq!(ChoiceKey::of("D763462D-7566-4a55-90a2-fc38e0a59985", &a), ChoiceKey::of("d763462d-7566-4a55-90a2-fc38e0a59985", &b));
        assert_ne!(ChoiceKey::of("k", &a), ChoiceKey::of("k", &ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] }));
        assert_ne!(ChoiceKey::of("k", &a), ChoiceKey::of("other", &a));
        let group = |id: &str| ScopeChoice::ResourceGroups { ids: vec![rg(id, "rg")] };
        let resources = |id: &str| ScopeChoice::Resources { ids: vec![rg(id, "rg")] };
        assert_ne!(ChoiceKey::of("k", &group(SUB_A)), ChoiceKey::of("k", &resources(SUB_A)), "the kind is part of the choice");
    }

    #[test]
    fn facts_follow_the_drafts_order_and_spelling() {
        let mut d = draft();
        d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_B.to_uppercase(), SUB_A.into()] };
        let scopes = two_subscriptions().scopes_for(&d.scope);
        assert_eq!(scopes.iter().map(|f| f.scope.clone()).collect::<Vec<_>>(), vec![sub(&SUB_B.to_uppercase()), sub(SUB_A)]);
        let writes = decide(&d, &two_subscriptions(), &requester(), now()).writes.expect("plans");
        assert!(writes[0].path.starts_with(&sub(&SUB_B.to_uppercase())), "{}", writes[0].path);
    }

    #[test]
    fn a_changed_description_changes_the_writes_but_not_the_checks() {
        let mut d = draft();
        d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into(), SUB_B.into()] };
        let first = decide(&d, &two_subscriptions(), &requester(), now());
        d.description = "Another reason".into();
        let second = decide(&d, &two_subscriptions(), &requester(), now());
        assert_eq!(first.checks, second.checks);
        let body = &second.writes.expect("plans")[0].body;
        assert_eq!(body["properties"]["description"], "Another reason");
    }

    #[test]
    fn a_failed_check_plans_nothing() {
        let mut d = draft();
        d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
        let uncovered = ChoiceFacts { recommendation: recommendation(), scopes: vec![facts(&sub(SUB_A), Vec::new())] };
        let decision = decide(&d, &uncovered, &requester(), now());
        assert!(matches!(decision.writes, Err(CoreError::ChecksFailed(_))), "{:?}", decision.writes);
    }
}
