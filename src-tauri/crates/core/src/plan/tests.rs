use serde_json::json;

use super::*;
use crate::fixtures::*;
use crate::recommendation::AssessmentType;
use crate::scope::ScopeChoice;

#[test]
fn one_write_per_subscription_with_the_benchmark_reference_ids() {
    let all = [facts(&sub(SUB_A), vec![benchmark(&sub(SUB_A))]), facts(&sub(SUB_B), vec![benchmark(&sub(SUB_B))])];
    let writes = plan_exemptions(&draft(), &recommendation(), &all, &requester(), now()).expect("plans");
    assert_eq!(writes.len(), 2);
    assert_eq!(writes[1].path, format!("/subscriptions/{SUB_B}/providers/Microsoft.Authorization/policyExemptions/storage-transfer"));
    let expected = json!({"properties": {
        "policyAssignmentId": format!("/subscriptions/{SUB_A}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn"),
        "policyDefinitionReferenceIds": ["secureTransferToStorageAccountMonitoring"],
        "exemptionCategory": "Waiver",
        "displayName": "Storage transfer waiver",
        "description": "Legacy clients until Q1",
        "expiresOn": "2027-01-31T23:59:59Z",
        "metadata": {
            "requestedBy": "alex.admin@contoso.example",
            "requestedByObjectId": "74e77bc3-0ae2-4422-a4cc-17de1d485aae",
            "createdWith": "Exemption Desk 0.1.0",
            "assessmentKey": "d763462d-7566-4a55-90a2-fc38e0a59985"
        }
    }});
    assert_eq!(writes[0].body, expected);
    assert!(!writes[0].replaces_existing);
}

#[test]
fn every_initiative_holding_the_recommendation_gets_its_own_exemption() {
    let scope = sub(SUB_A);
    let mut d = draft();
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let writes =
        plan_exemptions(&d, &recommendation(), &[facts(&scope, vec![iso(&scope), benchmark(&scope)])], &requester(), now()).expect("plans");
    assert_eq!(writes.len(), 2);
    assert_eq!(writes[0].initiative_name, "Microsoft cloud security benchmark", "the benchmark first");
    assert_eq!(writes[0].name, "storage-transfer");
    assert!(writes[1].name.starts_with("storage-transfer-iso27001-"), "names never collide at one scope: {}", writes[1].name);
    assert_eq!(writes[1].name, exemption_name("storage-transfer", 1, &iso(&scope).assignment_id), "the suffix is stable");
    assert_ne!(writes[0].path.to_lowercase(), writes[1].path.to_lowercase());
    assert_eq!(writes[1].body["properties"]["policyDefinitionReferenceIds"], json!(["iso-A.10.1.1-secure-transfer"]));
    assert!(writes[1].policy_assignment_id.ends_with("/iso27001"));
}

#[test]
fn an_initiative_without_the_recommendation_is_left_alone() {
    let scope = sub(SUB_A);
    let mut other = iso(&scope);
    other.members[0].policy_definition_id = "/providers/x/unrelated".into();
    let mut d = draft();
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let writes =
        plan_exemptions(&d, &recommendation(), &[facts(&scope, vec![benchmark(&scope), other])], &requester(), now()).expect("plans");
    assert_eq!(writes.len(), 1);
}

#[test]
fn a_regulatory_standard_alone_still_covers_a_scope_without_the_benchmark() {
    let scope = sub(SUB_A);
    let mut d = draft();
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let writes = plan_exemptions(&d, &recommendation(), &[facts(&scope, vec![iso(&scope)])], &requester(), now()).expect("plans");
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].name, "storage-transfer");
}

#[test]
fn names_for_extra_assignments_stay_within_azures_rules() {
    let long = "x".repeat(60);
    let name = exemption_name(&long, 1, "/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/iso:27001.v2");
    assert_eq!(name.encode_utf16().count(), 64);
    assert!(crate::validation::name_errors(&name).is_empty(), "{name}");
    assert!(name.starts_with(&"x".repeat(40)), "{name}");
    let short = exemption_name("base", 1, "/providers/Microsoft.Authorization/policyAssignments/a.b");
    assert!(short.starts_with("base-ab-") && short.len() == "base-ab-".len() + 6, "{short}");
}

#[test]
fn sixty_four_character_names_do_not_collide_with_themselves() {
    // The issue: at 64 characters every derived name was cut back to the base.
    let scope = sub(SUB_A);
    let mut third = iso(&scope);
    third.assignment_id = third.assignment_id.replace("iso27001", "nist80053");
    let mut d = draft();
    d.name = "n".repeat(64);
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let writes = plan_exemptions(&d, &recommendation(), &[facts(&scope, vec![benchmark(&scope), iso(&scope), third])], &requester(), now())
        .expect("plans");
    let mut paths: Vec<String> = writes.iter().map(|w| w.path.to_lowercase()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(writes.iter().all(|w| w.name.encode_utf16().count() <= 64));
    // At 60 characters the suffixes stay whole (they used to be cut to `-mcs` / `-ISO`).
    d.name = "n".repeat(60);
    let writes =
        plan_exemptions(&d, &recommendation(), &[facts(&scope, vec![benchmark(&scope), iso(&scope)])], &requester(), now()).expect("plans");
    assert!(writes[1].name.contains("-iso27001-"), "{}", writes[1].name);
}

#[test]
fn names_cut_before_the_suffix_never_end_in_a_blank_and_never_split_a_character() {
    let id = "/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/iso27001";
    // 48 units of room before a 16-unit suffix (`-iso27001-` + 6 hex digits): the cut lands right after a space.
    let base = format!("{} tail", "a".repeat(47));
    let name = exemption_name(&base, 1, id);
    assert!(name.starts_with(&format!("{}-iso27001-", "a".repeat(47))), "{name}");
    assert_eq!(name.len(), 47 + 16, "{name}");
    // An astral character (2 units) that would straddle the limit is left out whole.
    let base = format!("{}\u{1F600}", "b".repeat(47));
    let name = exemption_name(&base, 1, id);
    assert!(name.starts_with(&format!("{}-iso27001-", "b".repeat(47))), "{name}");
    assert!(name.encode_utf16().count() <= 64, "{name}");
    assert!(crate::validation::name_errors(&name).is_empty());
}

#[test]
fn an_assignment_listed_twice_is_written_once_and_two_writes_to_one_path_are_refused() {
    let scope = sub(SUB_A);
    let mut d = draft();
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let f = facts(&scope, vec![benchmark(&scope), iso(&scope), iso(&scope)]);
    let writes = plan_exemptions(&d, &recommendation(), &[f], &requester(), now()).expect("plans");
    assert_eq!(writes.len(), 2, "{writes:#?}");
    // The last guard, should anything else ever derive one path twice (ARM ids are case-insensitive).
    let mut twin = writes[0].clone();
    twin.path = twin.path.to_uppercase();
    let error = check_distinct_paths(&[writes[0].clone(), twin]).expect_err("refused");
    assert!(matches!(error, CoreError::DuplicateWrite { .. }), "{error:?}");
    assert_eq!(error.code(), "duplicate_write");
}

#[test]
fn write_paths_are_re_derived_strictly_from_scope_and_name() {
    let scope = sub(SUB_A);
    let path = exemption_path(&scope, "waiver").expect("valid");
    assert_eq!(path.to_string(), format!("{scope}/providers/Microsoft.Authorization/policyExemptions/waiver"));
    for (bad_scope, bad_name) in [
        (scope.clone(), "victim#new"),
        (scope.clone(), "a/../b"),
        (format!("{scope}/resourceGroups/rg/providers/Microsoft.Web/sites/app?x=1"), "waiver"),
        (format!("{scope}/resourceGroups/rg/providers/Microsoft.Web/sites/app/../.."), "waiver"),
        ("https://elsewhere.example/subscriptions/x".to_owned(), "waiver"),
    ] {
        let error = exemption_path(&bad_scope, bad_name).expect_err(bad_name);
        assert_eq!(error.code(), "invalid_path", "{bad_scope} {bad_name}");
    }
}

#[test]
fn an_existing_name_is_planned_as_an_update() {
    let scope = sub(SUB_A);
    let mut f = facts(&scope, vec![benchmark(&scope)]);
    f.existing_names = vec!["STORAGE-TRANSFER".into()];
    let mut d = draft();
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let writes = plan_exemptions(&d, &recommendation(), &[f], &requester(), now()).expect("plans");
    assert!(writes[0].replaces_existing);
}

#[test]
fn optional_fields_are_left_out_and_display_name_defaults_to_name() {
    let mut d = draft();
    d.display_name.clear();
    d.description = "  ".into();
    d.expires_on = None;
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let writes =
        plan_exemptions(&d, &recommendation(), &[facts(&sub(SUB_A), vec![benchmark(&sub(SUB_A))])], &requester(), now()).expect("plans");
    let props = &writes[0].body["properties"];
    assert_eq!(props["displayName"], "storage-transfer");
    assert!(props.get("description").is_none());
    assert!(props.get("expiresOn").is_none());
}

#[test]
fn a_scope_without_any_covering_initiative_is_refused_by_name() {
    let all = [facts(&sub(SUB_A), vec![benchmark(&sub(SUB_A))]), facts(&sub(SUB_B), vec![])];
    let error = plan_exemptions(&draft(), &recommendation(), &all, &requester(), now()).expect_err("refused");
    assert_eq!(error, CoreError::BenchmarkNotAssigned { scope: sub(SUB_B) });
    assert_eq!(error.code(), "benchmark_not_assigned");

    let mut rec = recommendation();
    rec.policy_definition_id = Some("/providers/Microsoft.Authorization/policyDefinitions/elsewhere".into());
    let error = plan_exemptions(&draft(), &rec, &all, &requester(), now()).expect_err("refused");
    assert_eq!(error.code(), "not_in_initiative");
}

#[test]
fn invalid_drafts_and_custom_recommendations_are_refused_before_planning() {
    let all = [facts(&sub(SUB_A), vec![benchmark(&sub(SUB_A))])];
    let mut d = draft();
    d.name = "bad.name".into();
    let error = plan_exemptions(&d, &recommendation(), &all, &requester(), now()).expect_err("refused");
    assert_eq!(error.code(), "invalid_request");
    assert!(error.payload().details.is_some());

    let mut rec = recommendation();
    rec.assessment_type = AssessmentType::CustomPolicy;
    let error = plan_exemptions(&draft(), &rec, &all, &requester(), now()).expect_err("refused");
    assert_eq!(error.code(), "not_exemptible");
}

#[test]
fn a_management_group_covers_the_subscriptions_own_assignments_below_it() {
    let group = mg("landing-zones");
    let mut d = draft();
    d.scope = ScopeChoice::ManagementGroup { name: "landing-zones".into() };
    let mut f = facts(&group, vec![benchmark(&group)]);
    f.below = vec![below(&sub(SUB_A), vec![benchmark(&sub(SUB_A)), iso(&sub(SUB_A))]), below(&sub(SUB_B), vec![benchmark(&sub(SUB_B))])];
    let writes = plan_exemptions(&d, &recommendation(), &[f], &requester(), now()).expect("plans");
    let placed: Vec<(&str, &str, bool)> = writes
        .iter()
        .map(|w| (w.scope.as_str(), w.policy_assignment_id.rsplit('/').next().unwrap_or_default(), w.below_chosen_scope))
        .collect();
    assert_eq!(
        placed,
        vec![
            (group.as_str(), "SecurityCenterBuiltIn", false),
            (sub(SUB_A).as_str(), "SecurityCenterBuiltIn", true),
            (sub(SUB_A).as_str(), "iso27001", true),
            (sub(SUB_B).as_str(), "SecurityCenterBuiltIn", true),
        ]
    );
    assert!(
        writes.iter().all(|w| w.policy_assignment_id.starts_with(&w.scope)),
        "each below-scope exemption sits at its assignment's own scope"
    );
    assert_eq!(writes[1].path, format!("/subscriptions/{SUB_A}/providers/Microsoft.Authorization/policyExemptions/storage-transfer"));
    assert_eq!(writes[2].body["properties"]["policyDefinitionReferenceIds"], json!(["iso-A.10.1.1-secure-transfer"]));
    let mut paths: Vec<String> = writes.iter().map(|w| w.path.to_ascii_lowercase()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), writes.len(), "no two writes to one path");
}

#[test]
fn a_subscription_covers_resource_group_and_resource_assignments_within_it() {
    let scope = sub(SUB_A);
    let group = rg(SUB_A, "rg-data");
    let account = format!("{group}/providers/Microsoft.Storage/storageAccounts/st1");
    let mut d = draft();
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let mut f = facts(&scope, vec![benchmark(&scope)]);
    let mut account_below = below(&account, vec![iso(&account)]);
    account_below.existing_names = vec!["STORAGE-TRANSFER".into()];
    f.below = vec![below(&group, vec![iso(&group)]), account_below];
    let writes = plan_exemptions(&d, &recommendation(), &[f], &requester(), now()).expect("plans");
    let scopes: Vec<&str> = writes.iter().map(|w| w.scope.as_str()).collect();
    assert_eq!(scopes, vec![scope.as_str(), group.as_str(), account.as_str()]);
    assert_eq!(writes[2].policy_assignment_id, format!("{account}/providers/Microsoft.Authorization/policyAssignments/iso27001"));
    assert!(writes[2].replaces_existing, "existing names are those at the write's own scope");
    assert!(!writes[1].replaces_existing);
}

#[test]
fn an_assignment_below_that_does_not_hold_the_recommendation_gets_nothing() {
    let scope = sub(SUB_A);
    let group = rg(SUB_A, "rg-data");
    let mut other = iso(&group);
    other.members[0].policy_definition_id = "/providers/x/unrelated".into();
    let mut d = draft();
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    let mut f = facts(&scope, vec![benchmark(&scope)]);
    f.below = vec![below(&group, vec![other])];
    let writes = plan_exemptions(&d, &recommendation(), &[f], &requester(), now()).expect("plans");
    assert_eq!(writes.len(), 1);
}

#[test]
fn a_group_with_assignments_only_below_it_is_covered_through_them() {
    let group = mg("platform");
    let mut d = draft();
    d.scope = ScopeChoice::ManagementGroup { name: "platform".into() };
    let mut f = facts(&group, vec![]);
    f.below = vec![below(&sub(SUB_A), vec![benchmark(&sub(SUB_A))])];
    let writes = plan_exemptions(&d, &recommendation(), &[f.clone()], &requester(), now()).expect("plans");
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].scope, sub(SUB_A));
    f.below.clear();
    assert!(matches!(plan_exemptions(&d, &recommendation(), &[f], &requester(), now()), Err(CoreError::BenchmarkNotAssigned { .. })));
}

#[test]
fn a_resource_group_scope_is_exempted_at_the_group_and_for_resources_assigned_within_it() {
    let group = rg(SUB_A, "rg-data");
    let account = format!("{group}/providers/Microsoft.Storage/storageAccounts/st1");
    let mut d = draft();
    d.scope = ScopeChoice::ResourceGroups { ids: vec![group.clone()] };
    let mut f = facts(&group, vec![benchmark(&sub(SUB_A)), iso(&sub(SUB_A))]);
    f.below = vec![below(&account, vec![iso(&account)])];
    let writes = plan_exemptions(&d, &recommendation(), &[f], &requester(), now()).expect("plans");
    let placed: Vec<(&str, &str)> = writes.iter().map(|w| (w.scope.as_str(), w.name.as_str())).collect();
    assert_eq!(
        placed,
        vec![
            (group.as_str(), "storage-transfer"),
            (group.as_str(), exemption_name("storage-transfer", 1, &iso(&sub(SUB_A)).assignment_id).as_str()),
            (account.as_str(), "storage-transfer")
        ]
    );
    assert!(writes[0].path.starts_with(&format!("{group}/providers/Microsoft.Authorization/policyExemptions/")));
}

#[test]
fn an_assignment_reached_from_two_chosen_scopes_is_written_once() {
    // Two chosen resources, one inside the other: the inner one's own assignment is below the outer.
    let outer = format!("{}/providers/Microsoft.Sql/servers/sql1", rg(SUB_A, "rg-data"));
    let inner = format!("{outer}/databases/db1");
    let mut d = draft();
    d.scope = ScopeChoice::Resources { ids: vec![outer.clone(), inner.clone()] };
    let mut first = facts(&outer, vec![benchmark(&sub(SUB_A))]);
    first.below = vec![below(&inner, vec![iso(&inner)])];
    let second = facts(&inner, vec![benchmark(&sub(SUB_A)), iso(&inner)]);
    let writes = plan_exemptions(&d, &recommendation(), &[first, second], &requester(), now()).expect("plans");
    let at_inner_iso = writes.iter().filter(|w| w.scope == inner && w.policy_assignment_id.ends_with("/iso27001")).count();
    assert_eq!(at_inner_iso, 1, "{writes:#?}");
    assert_eq!(writes.len(), 3);
}
