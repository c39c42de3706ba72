use super::*;
use crate::fixtures::*;
use crate::permissions::{PermissionEntry, Permissions};
use crate::plan::SecurityReader;
use crate::scope::management_group_scope;

fn status(checks: &[Check], kind: CheckKind) -> CheckStatus {
    checks.iter().find(|c| c.kind == kind).map(|c| c.status).expect("present")
}

fn both_subscriptions() -> Vec<ScopeFacts> {
    vec![facts(&sub(SUB_A), vec![benchmark(&sub(SUB_A))]), facts(&sub(SUB_B), vec![benchmark(&sub(SUB_B))])]
}

#[test]
fn a_good_request_passes_everything_that_applies() {
    let checks = evaluate(&draft(), &recommendation(), &both_subscriptions(), now());
    assert!(!blocks(&checks));
    for c in &checks {
        let expected = if c.kind == CheckKind::SecurityReader { CheckStatus::NotApplicable } else { CheckStatus::Passed };
        assert_eq!(c.status, expected, "{:?}: {}", c.kind, c.detail);
    }
}

#[test]
fn an_unsupported_recommendation_fails_with_the_reason() {
    let mut rec = recommendation();
    rec.not_exemptible_reason = Some("Defender does not support it".into());
    let checks = evaluate(&draft(), &rec, &both_subscriptions(), now());
    assert_eq!(status(&checks, CheckKind::Recommendation), CheckStatus::Failed);
    assert!(blocks(&checks));
}

#[test]
fn invalid_fields_fail_with_their_messages() {
    let mut d = draft();
    d.name = "a?b".into();
    let checks = evaluate(&d, &recommendation(), &both_subscriptions(), now());
    let fields = checks.iter().find(|c| c.kind == CheckKind::Fields).expect("present");
    assert_eq!(fields.status, CheckStatus::Failed);
    assert!(fields.detail.contains("'?'"));
}

#[test]
fn a_missing_benchmark_warns_when_a_standard_still_covers_and_fails_when_nothing_does() {
    let covered_by_iso = vec![facts(&sub(SUB_A), vec![iso(&sub(SUB_A))])];
    let checks = evaluate(&draft(), &recommendation(), &covered_by_iso, now());
    assert_eq!(status(&checks, CheckKind::Benchmark), CheckStatus::Warning);
    assert_eq!(status(&checks, CheckKind::Initiatives), CheckStatus::Passed);
    assert!(checks.iter().any(|c| c.detail.contains("ISO 27001")));

    let uncovered = vec![facts(&sub(SUB_A), vec![])];
    let checks = evaluate(&draft(), &recommendation(), &uncovered, now());
    assert_eq!(status(&checks, CheckKind::Initiatives), CheckStatus::Failed);
    assert!(blocks(&checks));
}

#[test]
fn missing_write_or_exempt_permission_fails() {
    let mut reader = both_subscriptions();
    reader[1].permissions = allow(&["*/read"]);
    let checks = evaluate(&draft(), &recommendation(), &reader, now());
    let c = checks.iter().find(|c| c.kind == CheckKind::Permissions).expect("present");
    assert_eq!(c.status, CheckStatus::Failed);
    assert!(c.detail.contains(SUB_B), "{}", c.detail);
    assert_eq!(c.title, "You may not write these exemptions", "phrased as the failure");

    let mut no_exempt = both_subscriptions();
    no_exempt[0].assignments[0].permissions = Some(Permissions {
        entries: vec![PermissionEntry { actions: vec!["*".into()], not_actions: vec!["Microsoft.Authorization/*/action".into()] }],
    });
    let checks = evaluate(&draft(), &recommendation(), &no_exempt, now());
    assert_eq!(status(&checks, CheckKind::Permissions), CheckStatus::Failed);

    let mut unknown = both_subscriptions();
    unknown[0].permissions = None;
    assert_eq!(status(&evaluate(&draft(), &recommendation(), &unknown, now()), CheckKind::Permissions), CheckStatus::Warning);
}

#[test]
fn a_management_group_needs_the_security_provider_as_reader_and_offers_to_grant_it() {
    let mut d = draft();
    d.scope = crate::scope::ScopeChoice::ManagementGroup { name: "contoso".into() };
    let scope = management_group_scope("contoso");
    let mut f = facts(&scope, vec![benchmark(&scope)]);
    f.security_reader = Some(SecurityReader { has_reader: false, can_grant: true });
    let checks = evaluate(&d, &recommendation(), &[f.clone()], now());
    let c = checks.iter().find(|c| c.kind == CheckKind::SecurityReader).expect("present");
    assert_eq!(c.status, CheckStatus::Failed);
    assert_eq!(c.grant_security_reader_at.as_deref(), Some("contoso"));

    f.security_reader = Some(SecurityReader { has_reader: false, can_grant: false });
    let checks = evaluate(&d, &recommendation(), &[f.clone()], now());
    let c = checks.iter().find(|c| c.kind == CheckKind::SecurityReader).expect("present");
    assert_eq!(c.grant_security_reader_at, None);
    assert!(c.remedy.as_deref().unwrap_or_default().contains("Owner"));

    f.security_reader = Some(SecurityReader { has_reader: true, can_grant: false });
    assert_eq!(status(&evaluate(&d, &recommendation(), &[f], now()), CheckKind::SecurityReader), CheckStatus::Passed);
}

#[test]
fn a_full_scope_fails_but_updates_do_not_count_as_new() {
    let mut full = both_subscriptions();
    full[0].existing_names = (0..EXEMPTIONS_PER_SCOPE_MAX).map(|i| format!("e{i}")).collect();
    assert_eq!(status(&evaluate(&draft(), &recommendation(), &full, now()), CheckKind::ScopeLimit), CheckStatus::Failed);
    full[0].existing_names[0] = "storage-transfer".into();
    let checks = evaluate(&draft(), &recommendation(), &full, now());
    assert_eq!(status(&checks, CheckKind::ScopeLimit), CheckStatus::Passed);
    assert_eq!(status(&checks, CheckKind::ExistingNames), CheckStatus::Warning);
    assert!(!blocks(&checks), "an update is a warning, not a failure");
}

#[test]
fn the_initiatives_check_counts_assignments_at_and_below_a_management_group() {
    let group = management_group_scope("landing-zones");
    let mut d = draft();
    d.scope = ScopeChoice::ManagementGroup { name: "landing-zones".into() };
    let mut f = facts(&group, vec![benchmark(&group)]);
    f.security_reader = Some(SecurityReader { has_reader: true, can_grant: false });
    f.below = vec![below(&sub(SUB_A), vec![benchmark(&sub(SUB_A))]), below(&sub(SUB_B), vec![benchmark(&sub(SUB_B))])];
    let checks = evaluate(&d, &recommendation(), &[f], now());
    let initiatives = checks.iter().find(|c| c.kind == CheckKind::Initiatives).expect("present");
    assert_eq!(initiatives.status, CheckStatus::Passed);
    assert!(
        initiatives.detail.starts_with("3 initiative assignments: 1 at or above the management group, 2 on subscriptions below it."),
        "{}",
        initiatives.detail
    );
}

#[test]
fn the_initiatives_check_names_resource_groups_and_resources_below_a_subscription() {
    let scope = sub(SUB_A);
    let group = rg(SUB_A, "rg-data");
    let account = format!("{group}/providers/Microsoft.Storage/storageAccounts/st1");
    let mut d = draft();
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let mut f = facts(&scope, vec![benchmark(&scope), iso(&scope)]);
    f.below = vec![below(&group, vec![iso(&group)]), below(&account, vec![iso(&account)])];
    let checks = evaluate(&d, &recommendation(), &[f], now());
    let detail = &checks.iter().find(|c| c.kind == CheckKind::Initiatives).expect("present").detail;
    assert!(
        detail.starts_with(
            "4 initiative assignments: 2 at or above the subscription, 1 on a resource group below it, 1 on a resource below it."
        ),
        "{detail}"
    );
}

#[test]
fn permissions_are_checked_at_each_below_scope_write() {
    let group = management_group_scope("landing-zones");
    let mut d = draft();
    d.scope = ScopeChoice::ManagementGroup { name: "landing-zones".into() };
    let mut f = facts(&group, vec![benchmark(&group)]);
    f.security_reader = Some(SecurityReader { has_reader: true, can_grant: false });
    let mut denied = below(&sub(SUB_B), vec![benchmark(&sub(SUB_B))]);
    denied.permissions = allow(&["*/read"]);
    f.below = vec![below(&sub(SUB_A), vec![benchmark(&sub(SUB_A))]), denied];
    let checks = evaluate(&d, &recommendation(), &[f.clone()], now());
    let p = checks.iter().find(|c| c.kind == CheckKind::Permissions).expect("present");
    assert_eq!(p.status, CheckStatus::Failed);
    assert!(p.detail.contains(&format!("write exemptions at {}", sub(SUB_B))), "{}", p.detail);
    assert!(!p.detail.contains(&format!("write exemptions at {};", sub(SUB_A))), "{}", p.detail);

    f.below[1].permissions = None;
    let checks = evaluate(&d, &recommendation(), &[f], now());
    let p = checks.iter().find(|c| c.kind == CheckKind::Permissions).expect("present");
    assert_eq!(p.status, CheckStatus::Warning, "unknown permissions below are said, not hidden");
    assert!(p.detail.contains(&sub(SUB_B)), "{}", p.detail);
}

#[test]
fn existing_names_below_the_scope_are_reported_as_updates() {
    let scope = sub(SUB_A);
    let group = rg(SUB_A, "rg-data");
    let mut d = draft();
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let mut f = facts(&scope, vec![benchmark(&scope)]);
    let mut b = below(&group, vec![iso(&group)]);
    b.existing_names = vec!["storage-transfer".into()];
    f.below = vec![b];
    let checks = evaluate(&d, &recommendation(), &[f], now());
    let names = checks.iter().find(|c| c.kind == CheckKind::ExistingNames).expect("present");
    assert_eq!(names.status, CheckStatus::Warning);
    assert!(names.detail.contains(&format!("storage-transfer at {group}")), "{}", names.detail);
}

/// A failed check's title says what failed; the passing title beside a red
/// mark ("You may write these exemptions") read as the opposite of the truth.
#[test]
fn every_failed_check_is_phrased_as_the_failure() {
    let mut rec = recommendation();
    rec.not_exemptible_reason = Some("Defender does not support it".into());
    let mut d = draft();
    d.name = "a?b".into();
    let mut reader = vec![facts(&sub(SUB_A), vec![]), facts(&sub(SUB_B), vec![benchmark(&sub(SUB_B))])];
    reader[1].permissions = allow(&["*/read"]);
    reader[1].existing_names = (0..EXEMPTIONS_PER_SCOPE_MAX).map(|i| format!("e{i}")).collect();
    let checks = evaluate(&d, &rec, &reader, now());
    let failed: Vec<&Check> = checks.iter().filter(|c| c.status == CheckStatus::Failed).collect();
    assert!(failed.len() >= 4, "{checks:?}");
    let passing_titles = evaluate(&draft(), &recommendation(), &both_subscriptions(), now());
    for c in failed {
        let passing = passing_titles.iter().find(|p| p.kind == c.kind).map(|p| p.title.as_str());
        assert_ne!(Some(c.title.as_str()), passing, "{:?} failed under its passing title", c.kind);
    }
}
