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
    let writes = plan_exemptions(&d, &recommendation(), &[facts(&scope, vec![iso(&scope), benchmark(&scope)])], &requester(), now())
        .expect("plans");
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
    let writes = plan_exemptions(&d, &recommendation(), &[facts(&scope, vec![benchmark(&scope), other])], &requester(), now())
        .expect("plans");
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
    let writes = plan_exemptions(&d, &recommendation(), &[facts(&scope, vec![benchmark(&scope), iso(&scope)])], &requester(), now())
        .expect("plans");
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
fn a_plan_with_two_writes_to_one_path_is_refused() {
    let scope = sub(SUB_A);
    let mut d = draft();
    d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
    // The same assignment listed twice derives the same name for both.
    let mut f = facts(&scope, vec![benchmark(&scope), iso(&scope), iso(&scope)]);
    f.assignments[2].initiative_name = "ISO again".into();
    let error = plan_exemptions(&d, &recommendation(), &[f], &requester(), now()).expect_err("refused");
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
    let writes = plan_exemptions(&d, &recommendation(), &[facts(&sub(SUB_A), vec![benchmark(&sub(SUB_A))])], &requester(), now())
        .expect("plans");
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
