//! Builders shared by the unit tests of planning and checks.

use chrono::{DateTime, TimeZone, Utc};

use crate::exemption::{ExemptionCategory, ExemptionDraft};
use crate::permissions::{PermissionEntry, Permissions};
use crate::plan::{AssignedInitiative, BelowScope, InitiativeMember, Requester, ScopeFacts, BENCHMARK_SET_ID};
use crate::recommendation::{AssessmentType, Recommendation, Severity};
use crate::scope::ScopeChoice;

pub const SUB_A: &str = "11111111-1111-1111-1111-111111111111";
pub const SUB_B: &str = "22222222-2222-2222-2222-222222222222";
pub const DEF: &str = "/providers/Microsoft.Authorization/policyDefinitions/404c3081-a854-4457-ae30-26a93ef643f9";
pub const ISO_SET_ID: &str = "/providers/Microsoft.Authorization/policySetDefinitions/89c6cddc-1c73-4ac1-b19c-54d1a15a42f2";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().expect("valid time")
}

pub fn recommendation() -> Recommendation {
    Recommendation {
        key: "d763462d-7566-4a55-90a2-fc38e0a59985".into(),
        display_name: "Secure transfer to storage accounts should be enabled".into(),
        description: String::new(),
        severity: Severity::High,
        assessment_type: AssessmentType::BuiltIn,
        policy_definition_id: Some(DEF.into()),
        unhealthy_count: 3,
        healthy_count: 1,
        not_applicable_count: 0,
        exempted_count: 0,
        not_exemptible_reason: None,
    }
}

pub fn draft() -> ExemptionDraft {
    ExemptionDraft {
        recommendation_key: recommendation().key,
        scope: ScopeChoice::Subscriptions { ids: vec![SUB_A.into(), SUB_B.into()] },
        name: "storage-transfer".into(),
        display_name: "Storage transfer waiver".into(),
        expires_on: Some("2027-01-31".into()),
        utc_offset_minutes: 0,
        category: Some(ExemptionCategory::Waiver),
        description: "Legacy clients until Q1".into(),
    }
}

pub fn allow(actions: &[&str]) -> Option<Permissions> {
    Some(Permissions { entries: vec![PermissionEntry { actions: actions.iter().map(|a| a.to_string()).collect(), not_actions: vec![] }] })
}

pub fn benchmark(scope: &str) -> AssignedInitiative {
    AssignedInitiative {
        assignment_id: format!("{scope}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn"),
        initiative_name: "Microsoft cloud security benchmark".into(),
        policy_set_definition_id: BENCHMARK_SET_ID.to_uppercase(),
        members: vec![
            InitiativeMember { reference_id: "otherMonitoring".into(), policy_definition_id: "/providers/x/other".into() },
            InitiativeMember { reference_id: "secureTransferToStorageAccountMonitoring".into(), policy_definition_id: DEF.to_lowercase() },
        ],
        permissions: allow(&["*"]),
    }
}

pub fn iso(scope: &str) -> AssignedInitiative {
    AssignedInitiative {
        assignment_id: format!("{scope}/providers/Microsoft.Authorization/policyAssignments/iso27001"),
        initiative_name: "ISO 27001:2013".into(),
        policy_set_definition_id: ISO_SET_ID.into(),
        members: vec![InitiativeMember { reference_id: "iso-A.10.1.1-secure-transfer".into(), policy_definition_id: DEF.into() }],
        permissions: allow(&["*"]),
    }
}

pub fn facts(scope: &str, assignments: Vec<AssignedInitiative>) -> ScopeFacts {
    ScopeFacts {
        scope: scope.to_owned(),
        assignments,
        below: vec![],
        existing_names: vec![],
        permissions: allow(&["*"]),
        security_reader: None,
    }
}

pub fn sub(id: &str) -> String {
    format!("/subscriptions/{id}")
}

pub fn requester() -> Requester<'static> {
    Requester { account: "alex.admin@contoso.example", object_id: "74e77bc3-0ae2-4422-a4cc-17de1d485aae", app_version: "0.1.0" }
}

pub fn below(scope: &str, assignments: Vec<AssignedInitiative>) -> BelowScope {
    BelowScope { scope: scope.to_owned(), assignments, existing_names: vec![], permissions: allow(&["*"]) }
}

pub fn mg(name: &str) -> String {
    format!("/providers/Microsoft.Management/managementGroups/{name}")
}

pub fn rg(sub_id: &str, name: &str) -> String {
    format!("/subscriptions/{sub_id}/resourceGroups/{name}")
}
