use chrono::TimeZone;

use super::*;
use crate::exemption::ExemptionCategory;
use crate::recommendation::{AssessmentType, Severity};

const SUB_A: &str = "11111111-1111-1111-1111-111111111111";
const SUB_B: &str = "22222222-2222-2222-2222-222222222222";
const DEF: &str = "/providers/Microsoft.Authorization/policyDefinitions/34c877ad-507e-4c82-993e-3452a6e0ad3c";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().expect("valid time")
}

fn recommendation() -> Recommendation {
    Recommendation {
        key: "45d313c3-3fca-5040-035f-d61928366d31".into(),
        display_name: "Storage accounts should restrict network access".into(),
        description: String::new(),
        severity: Severity::Medium,
        assessment_type: AssessmentType::BuiltIn,
        policy_definition_id: Some(DEF.into()),
        unhealthy_count: 3,
        healthy_count: 1,
        not_applicable_count: 0,
        not_exemptible_reason: None,
    }
}

fn draft() -> ExemptionDraft {
    ExemptionDraft {
        recommendation_key: recommendation().key,
        subscription_ids: vec![SUB_A.into(), SUB_B.into()],
        name: "storage-network".into(),
        display_name: "Storage network waiver".into(),
        expires_on: Some("2027-01-31".into()),
        utc_offset_minutes: 0,
        category: Some(ExemptionCategory::Waiver),
        description: "Private endpoints arrive in Q1".into(),
    }
}

fn benchmark(sub: &str) -> AssignedInitiative {
    AssignedInitiative {
        assignment_id: format!("/subscriptions/{sub}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn"),
        policy_set_definition_id: BENCHMARK_SET_ID.to_uppercase(),
        members: vec![
            InitiativeMember { reference_id: "storageAccountShouldUseAPrivateLinkConnectionMonitoringEffect".into(), policy_definition_id: "/providers/x/other".into() },
            InitiativeMember { reference_id: "storageAccountsShouldRestrictNetworkAccess".into(), policy_definition_id: DEF.to_lowercase() },
        ],
    }
}

fn target(sub: &str, assignments: Vec<AssignedInitiative>) -> ScopeTarget {
    ScopeTarget { scope: format!("/subscriptions/{sub}"), assignments }
}

fn requester() -> Requester<'static> {
    Requester { account: "alex.admin@contoso.example", app_version: "0.1.0" }
}

#[test]
fn one_write_per_subscription_with_the_benchmark_reference_ids() {
    let targets = [target(SUB_A, vec![benchmark(SUB_A)]), target(SUB_B, vec![benchmark(SUB_B)])];
    let writes = plan_exemptions(&draft(), &recommendation(), &targets, &requester(), now()).expect("plans");
    assert_eq!(writes.len(), 2);
    assert_eq!(writes[1].path, format!("/subscriptions/{SUB_B}/providers/Microsoft.Authorization/policyExemptions/storage-network"));
    let expected = json!({"properties": {
        "policyAssignmentId": format!("/subscriptions/{SUB_A}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn"),
        "policyDefinitionReferenceIds": ["storageAccountsShouldRestrictNetworkAccess"],
        "exemptionCategory": "Waiver",
        "displayName": "Storage network waiver",
        "description": "Private endpoints arrive in Q1",
        "expiresOn": "2027-01-31T23:59:59Z",
        "metadata": {
            "requestedBy": "alex.admin@contoso.example",
            "createdWith": "Exemption Desk 0.1.0",
            "assessmentKey": "45d313c3-3fca-5040-035f-d61928366d31"
        }
    }});
    assert_eq!(writes[0].body, expected);
}

#[test]
fn optional_fields_are_left_out_and_display_name_defaults_to_name() {
    let mut d = draft();
    d.display_name.clear();
    d.description = "  ".into();
    d.expires_on = None;
    d.subscription_ids.truncate(1);
    let writes = plan_exemptions(&d, &recommendation(), &[target(SUB_A, vec![benchmark(SUB_A)])], &requester(), now())
        .expect("plans");
    let props = &writes[0].body["properties"];
    assert_eq!(props["displayName"], "storage-network");
    assert!(props.get("description").is_none());
    assert!(props.get("expiresOn").is_none());
}

#[test]
fn a_subscription_without_the_benchmark_is_refused_by_name() {
    let targets = [target(SUB_A, vec![benchmark(SUB_A)]), target(SUB_B, vec![])];
    let error = plan_exemptions(&draft(), &recommendation(), &targets, &requester(), now()).expect_err("refused");
    assert_eq!(error, CoreError::BenchmarkNotAssigned { subscription: format!("/subscriptions/{SUB_B}") });
    assert_eq!(error.code(), "benchmark_not_assigned");
}

#[test]
fn a_recommendation_outside_the_initiative_is_refused() {
    let mut rec = recommendation();
    rec.policy_definition_id = Some("/providers/Microsoft.Authorization/policyDefinitions/elsewhere".into());
    let error = plan_exemptions(&draft(), &rec, &[target(SUB_A, vec![benchmark(SUB_A)])], &requester(), now())
        .expect_err("refused");
    assert_eq!(error.code(), "not_in_initiative");
}

#[test]
fn invalid_drafts_and_custom_recommendations_are_refused_before_planning() {
    let targets = [target(SUB_A, vec![benchmark(SUB_A)])];
    let mut d = draft();
    d.name = "bad.name".into();
    let error = plan_exemptions(&d, &recommendation(), &targets, &requester(), now()).expect_err("refused");
    assert_eq!(error.code(), "invalid_request");
    assert!(error.payload().details.is_some());

    let mut rec = recommendation();
    rec.assessment_type = AssessmentType::CustomPolicy;
    let error = plan_exemptions(&draft(), &rec, &targets, &requester(), now()).expect_err("refused");
    assert_eq!(error.code(), "not_exemptible");
}
