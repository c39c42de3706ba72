//! The checks shown before anything is sent: each passed, failed (with the
//! reason and what to do), a warning, or not applicable. They are computed
//! from the same facts the plan is made from, so they cannot disagree.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::exemption::ExemptionDraft;
use crate::permissions::{ASSIGNMENT_EXEMPT, EXEMPTION_WRITE};
use crate::plan::{plan_targets, ScopeFacts, ScopeLevel, Target};
use crate::recommendation::Recommendation;
use crate::scope::ScopeChoice;
use crate::validation::validate;

/// Azure keeps at most this many exemptions at one scope.
pub const EXEMPTIONS_PER_SCOPE_MAX: usize = 1_000;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum CheckStatus {
    Passed,
    Warning,
    Failed,
    NotApplicable,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum CheckKind {
    Recommendation,
    Fields,
    Benchmark,
    Initiatives,
    Permissions,
    SecurityReader,
    ScopeLimit,
    ExistingNames,
    /// A change to existing exemptions: each one still exists.
    Exists,
    /// A change to existing exemptions: each new expiry lies in the future.
    Expiry,
    /// A change to existing exemptions: some are already as asked, so not written.
    Unchanged,
    /// The tenant's policy: this exemption must be requested and approved, not written directly.
    Approval,
    /// The tenant's policy: the longest expiry allowed.
    MaxExpiry,
    /// The tenant's policy: a ticket reference is required.
    Ticket,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub kind: CheckKind,
    pub status: CheckStatus,
    pub title: String,
    pub detail: String,
    /// What the user can do about a failure or warning.
    pub remedy: Option<String>,
    /// Set when the app can fix this itself: the name of the management group
    /// (e.g. `contoso-corp`) on which to grant the Security Resource Provider Reader.
    pub grant_security_reader_at: Option<String>,
}

pub(crate) fn check(kind: CheckKind, status: CheckStatus, title: &str, detail: impl Into<String>) -> Check {
    Check { kind, status, title: title.to_owned(), detail: detail.into(), remedy: None, grant_security_reader_at: None }
}

/// A failed check, its title phrased as the failure ("You may not write
/// these exemptions"), never as the passing title with a red mark beside it.
pub(crate) fn failed(kind: CheckKind, title: &str, detail: impl Into<String>) -> Check {
    check(kind, CheckStatus::Failed, title, detail)
}

pub(crate) fn with_remedy(mut c: Check, remedy: impl Into<String>) -> Check {
    c.remedy = Some(remedy.into());
    c
}

/// True when any check failed: nothing may be sent.
pub fn blocks(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.status == CheckStatus::Failed)
}

/// Every check, in the order the pane shows them.
pub fn evaluate(draft: &ExemptionDraft, recommendation: &Recommendation, facts: &[ScopeFacts], now: DateTime<Utc>) -> Vec<Check> {
    let definition = recommendation.policy_definition_id.as_deref().unwrap_or_default();
    vec![
        recommendation_check(recommendation),
        fields_check(draft, now),
        benchmark_check(facts),
        initiatives_check(facts, definition),
        permissions_check(facts, definition),
        security_reader_check(&draft.scope, facts),
        scope_limit_check(draft, facts, definition),
        existing_names_check(draft, facts, definition),
    ]
}

fn recommendation_check(recommendation: &Recommendation) -> Check {
    let title = "The recommendation can be exempted";
    match &recommendation.not_exemptible_reason {
        None => check(CheckKind::Recommendation, CheckStatus::Passed, title, "Defender for Cloud supports exemptions for it."),
        Some(reason) => with_remedy(
            failed(CheckKind::Recommendation, "The recommendation cannot be exempted", reason.clone()),
            "Remediate the resources, or change the policy behind a custom recommendation.",
        ),
    }
}

fn fields_check(draft: &ExemptionDraft, now: DateTime<Utc>) -> Check {
    let title = "Name, expiry, category and description are valid";
    let errors = validate(draft, now);
    if errors.is_empty() {
        return check(CheckKind::Fields, CheckStatus::Passed, title, "Every field meets Azure's rules.");
    }
    let detail = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
    with_remedy(failed(CheckKind::Fields, "Some fields are not valid", detail), "Correct the fields marked in the form.")
}

fn benchmark_check(facts: &[ScopeFacts]) -> Check {
    let title = "The Microsoft cloud security benchmark is assigned";
    let missing: Vec<&str> = facts.iter().filter(|f| !f.has_benchmark()).map(|f| f.scope.as_str()).collect();
    if facts.is_empty() {
        return check(CheckKind::Benchmark, CheckStatus::NotApplicable, title, "Choose a scope first.");
    }
    if missing.is_empty() {
        return check(CheckKind::Benchmark, CheckStatus::Passed, title, "It is assigned at, above or below every chosen scope.");
    }
    with_remedy(
        check(
            CheckKind::Benchmark,
            CheckStatus::Warning,
            title,
            format!(
                "It is not assigned at {}. Defender for Cloud then works only partly there: the recommendation is exempted only in the other initiatives that hold it.",
                missing.join(", ")
            ),
        ),
        "Assign the benchmark in Defender for Cloud's environment settings, then exempt again.",
    )
}

fn initiatives_check(facts: &[ScopeFacts], definition: &str) -> Check {
    let title = "Every assigned initiative holding the recommendation is covered";
    let uncovered: Vec<&str> = facts.iter().filter(|f| f.targets(definition).is_empty()).map(|f| f.scope.as_str()).collect();
    if facts.is_empty() {
        return check(CheckKind::Initiatives, CheckStatus::NotApplicable, title, "Choose a scope first.");
    }
    if !uncovered.is_empty() {
        return with_remedy(
            failed(
                CheckKind::Initiatives,
                "No assigned initiative holds the recommendation at some scopes",
                format!("No initiative assigned at, above or below {} holds this recommendation.", uncovered.join(", ")),
            ),
            "Choose scopes where the benchmark or a regulatory standard holding it is assigned.",
        );
    }
    let targets: Vec<Target<'_>> = plan_targets(facts, definition);
    let mut names: Vec<&str> = targets.iter().map(|t| t.assignment.initiative_name.as_str()).collect();
    names.sort();
    names.dedup();
    check(
        CheckKind::Initiatives,
        CheckStatus::Passed,
        title,
        format!("{} Exempted in: {}.", coverage_summary(facts, &targets), names.join("; ")),
    )
}

/// "3 initiative assignments: 1 at the management group, 2 on subscriptions below it."
pub fn coverage_summary(facts: &[ScopeFacts], targets: &[Target<'_>]) -> String {
    let total = targets.len();
    let mut parts = Vec::new();
    let at = targets.iter().filter(|t| !t.below).count();
    if at > 0 {
        let level = facts.first().map(|f| ScopeLevel::of(&f.scope)).unwrap_or(ScopeLevel::Subscription);
        let place = if level == ScopeLevel::Resource { "on or above" } else { "at or above" };
        parts.push(format!("{at} {place} the {}", level.noun(facts.len())));
    }
    let mut below: Vec<ScopeLevel> = targets.iter().filter(|t| t.below).map(|t| ScopeLevel::of(t.scope)).collect();
    below.sort();
    let mut levels = below.clone();
    levels.dedup();
    for level in levels {
        let n = below.iter().filter(|l| **l == level).count();
        let mut scopes: Vec<String> =
            targets.iter().filter(|t| t.below && ScopeLevel::of(t.scope) == level).map(|t| t.scope.to_ascii_lowercase()).collect();
        scopes.sort();
        scopes.dedup();
        let k = scopes.len();
        parts.push(match (n, k) {
            (1, _) => format!("1 on a {} below it", level.noun(1)),
            (n, k) if n == k => format!("{n} on {} below it", level.noun(k)),
            (n, k) => format!("{n} on {k} {} below it", level.noun(k)),
        });
    }
    let noun = if total == 1 { "initiative assignment" } else { "initiative assignments" };
    format!("{total} {noun}: {}.", parts.join(", "))
}

fn permissions_check(facts: &[ScopeFacts], definition: &str) -> Check {
    let title = "You may write these exemptions";
    if facts.is_empty() {
        return check(CheckKind::Permissions, CheckStatus::NotApplicable, title, "Choose a scope first.");
    }
    let mut refused = Vec::new();
    let mut unknown = Vec::new();
    for f in facts {
        if f.permissions.is_none() {
            unknown.push(f.scope.clone());
        }
        // Each write's own scope: the chosen one, or an assignment's scope below it.
        for t in f.targets(definition) {
            match t.permissions {
                None if t.below => unknown.push(t.scope.to_owned()),
                Some(p) if !p.allows(EXEMPTION_WRITE) => refused.push(format!("write exemptions at {}", t.scope)),
                _ => {}
            }
            if let Some(p) = &t.assignment.permissions {
                if !p.allows(ASSIGNMENT_EXEMPT) {
                    refused.push(format!("exempt from {}", t.assignment.assignment_id));
                }
            }
        }
        if f.targets(definition).is_empty() {
            if let Some(p) = &f.permissions {
                if !p.allows(EXEMPTION_WRITE) {
                    refused.push(format!("write exemptions at {}", f.scope));
                }
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    refused.sort();
    refused.dedup();
    if !refused.is_empty() {
        return with_remedy(
            failed(CheckKind::Permissions, "You may not write these exemptions", format!("You may not {}.", refused.join("; "))),
            "Ask for Security Admin, Resource Policy Contributor or Owner there, or send the request to someone who has it.",
        );
    }
    if !unknown.is_empty() {
        return check(
            CheckKind::Permissions,
            CheckStatus::Warning,
            title,
            format!("Your permissions at {} could not be read; Azure will decide.", unknown.join(", ")),
        );
    }
    check(CheckKind::Permissions, CheckStatus::Passed, title, "You hold policyExemptions/write and policyAssignments/exempt/action.")
}

fn security_reader_check(scope: &ScopeChoice, facts: &[ScopeFacts]) -> Check {
    let title = "Defender for Cloud can read the management group";
    let ScopeChoice::ManagementGroup { .. } = scope else {
        return check(CheckKind::SecurityReader, CheckStatus::NotApplicable, title, "Only needed for management-group exemptions.");
    };
    let Some(f) = facts.first() else {
        return check(CheckKind::SecurityReader, CheckStatus::NotApplicable, title, "Choose a management group first.");
    };
    match f.security_reader {
        Some(r) if r.has_reader => {
            check(CheckKind::SecurityReader, CheckStatus::Passed, title, "The Windows Azure Security Resource Provider holds Reader there.")
        }
        Some(r) => {
            let mut c = failed(
                CheckKind::SecurityReader,
                "Defender for Cloud cannot read the management group",
                "The Windows Azure Security Resource Provider does not hold Reader on this management group, so Defender for Cloud cannot apply the exemption.",
            );
            if r.can_grant {
                c.remedy = Some("Grant it Reader here (you may; the app asks you to confirm).".into());
                c.grant_security_reader_at = f.scope.rsplit('/').next().map(str::to_owned);
            } else {
                c.remedy = Some("Ask an Owner or User Access Administrator of the management group to grant it Reader.".into());
            }
            c
        }
        None => check(CheckKind::SecurityReader, CheckStatus::Warning, title, "Its role assignments could not be read."),
    }
}

/// The names the plan writes, with the scope each goes to and the names already there.
fn planned_names<'a>(draft: &'a ExemptionDraft, facts: &'a [ScopeFacts], definition: &'a str) -> Vec<(String, &'a str, &'a [String])> {
    plan_targets(facts, definition).into_iter().map(|t| (t.name(&draft.name), t.scope, t.existing_names)).collect()
}

fn scope_limit_check(draft: &ExemptionDraft, facts: &[ScopeFacts], definition: &str) -> Check {
    let title = "Each scope stays within 1,000 exemptions";
    let mut full: Vec<String> = Vec::new();
    {
        let planned = planned_names(draft, facts, definition);
        let mut scopes: Vec<(&str, &[String])> = Vec::new();
        for (_, scope, existing) in &planned {
            if !scopes.iter().any(|(s, _)| s.eq_ignore_ascii_case(scope)) {
                scopes.push((scope, existing));
            }
        }
        for (scope, existing) in scopes {
            let new = planned
                .iter()
                .filter(|(n, s, _)| s.eq_ignore_ascii_case(scope) && !existing.iter().any(|e| e.eq_ignore_ascii_case(n)))
                .count();
            if existing.len().saturating_add(new) > EXEMPTIONS_PER_SCOPE_MAX {
                full.push(format!("{scope} (has {})", existing.len()));
            }
        }
    }
    if full.is_empty() {
        return check(CheckKind::ScopeLimit, CheckStatus::Passed, title, "There is room at every scope.");
    }
    with_remedy(
        failed(CheckKind::ScopeLimit, "A scope would hold more than 1,000 exemptions", format!("Full: {}.", full.join(", "))),
        "Remove expired exemptions there, or exempt at a broader scope.",
    )
}

fn existing_names_check(draft: &ExemptionDraft, facts: &[ScopeFacts], definition: &str) -> Check {
    let title = "New exemptions, or updates of existing ones";
    let updates: Vec<String> = planned_names(draft, facts, definition)
        .into_iter()
        .filter(|(n, _, existing)| existing.iter().any(|e| e.eq_ignore_ascii_case(n)))
        .map(|(n, scope, _)| format!("{n} at {scope}"))
        .collect();
    if updates.is_empty() {
        return check(CheckKind::ExistingNames, CheckStatus::Passed, title, "Every exemption is new.");
    }
    with_remedy(
        check(
            CheckKind::ExistingNames,
            CheckStatus::Warning,
            title,
            format!("{} existing exemption(s) will be replaced: {}.", updates.len(), updates.join(", ")),
        ),
        "Choose another name to keep them.",
    )
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
