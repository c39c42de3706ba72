//! `conformance`: the ids and names the official Azure REST examples use
//! (`shared/azure-fixtures/`), so each replayed example succeeds as written.
//! Principals are the demo ones; Morgan (Owner) and the CI service principal
//! (Owner) hold their roles at the tenant root group.

use serde_json::{json, Map, Value};

use super::demo::{principals, role, CI_OBJECT_ID, MANAGER_OID, TENANT_ID};
use super::recs::add_assessments;
use super::{mcsb_definition, uuid_from, MCSB_ID};
use crate::errors::SimError;
use crate::state::*;

pub const SUB: &str = "ae640e6b-ba3e-4256-9d62-2993eecfa6f2";
/// The subscription of the Defender examples (secure scores).
pub const SECURITY_SUB: &str = "20ff7fc3-e762-44dd-bd96-b71116dcdc23";
pub const MG: &str = "DevOrg";
pub const COST_SET: &str = "CostManagementInitiative";

fn exemption(scope: &str, name: &str, assignment: &str, refs: &[&str], category: &str) -> Exemption {
    let t = chrono::DateTime::parse_from_rfc3339("2020-07-01T01:01:01Z").map(|t| t.with_timezone(&chrono::Utc)).unwrap_or_default();
    let mut p = Map::new();
    p.insert("policyAssignmentId".into(), json!(assignment));
    p.insert("policyDefinitionReferenceIds".into(), json!(refs));
    p.insert("exemptionCategory".into(), json!(category));
    p.insert("displayName".into(), json!(format!("Exemption {name}")));
    p.insert("description".into(), json!("Seeded for the conformance suite"));
    p.insert("metadata".into(), json!({ "reason": "conformance" }));
    Exemption {
        id: format!("{scope}/providers/Microsoft.Authorization/policyExemptions/{name}"),
        name: name.into(),
        scope: scope.into(),
        properties: p,
        expires_on: None,
        created_by: "morgan.manager@contoso.example".into(),
        created_by_type: "User".into(),
        created_at: t,
        last_modified_by: "morgan.manager@contoso.example".into(),
        last_modified_by_type: "User".into(),
        last_modified_at: t,
    }
}

fn assignment(scope: &str, name: &str, definition: &str) -> PolicyAssignment {
    PolicyAssignment {
        id: format!("{scope}/providers/Microsoft.Authorization/policyAssignments/{name}"),
        name: name.into(),
        scope: scope.into(),
        display_name: name.into(),
        description: Some(format!("{name} (conformance seed)")),
        policy_definition_id: definition.into(),
        definition_version: Some("1.*.*".into()),
        metadata: json!({ "assignedBy": "Special Someone" }),
        parameters: json!({}),
        enforcement_mode: "Default".into(),
        instance_id: uuid_from(name),
    }
}

fn cost_set() -> Value {
    let def = |r: &str, d: &str| json!({ "policyDefinitionReferenceId": r, "policyDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policyDefinitions/{d}"), "parameters": {} });
    json!({
        "properties": {
            "displayName": "Cost Management", "policyType": "Custom", "description": "Policies to enforce low cost storage SKUs",
            "metadata": { "category": "Cost Management" }, "version": "1.0.0", "versions": ["1.0.0"], "parameters": {},
            "policyDefinitions": [def("Limit_Skus", "storageSkus"), def("Limit_Locations", "allowedLocations")],
        },
        "id": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policySetDefinitions/{COST_SET}"),
        "type": "Microsoft.Authorization/policySetDefinitions",
        "name": COST_SET,
    })
}

pub fn build() -> Result<World, SimError> {
    let mut w = World::default();
    principals(&mut w);
    let root = format!("/providers/Microsoft.Management/managementGroups/{TENANT_ID}");
    w.role_assignments = vec![
        role("0a3c1c4e-7b3d-4f8e-9d2a-2f6c1e0b5a11", MANAGER_OID, "User", "Owner", &root),
        role("0a3c1c4e-7b3d-4f8e-9d2a-2f6c1e0b5a12", CI_OBJECT_ID, "ServicePrincipal", "Owner", &root),
    ];
    w.management_groups = vec![
        ManagementGroup { name: TENANT_ID.into(), display_name: "Tenant Root Group".into(), parent: None },
        ManagementGroup { name: MG.into(), display_name: "Dev Org".into(), parent: Some(TENANT_ID.into()) },
    ];
    for (id, name) in [(SUB, "Example subscription"), (SECURITY_SUB, "Defender example subscription")] {
        w.subscriptions.push(Subscription { id: id.into(), display_name: name.into(), parent_mg: MG.into(), tags: vec![] });
    }
    for (sub, rg) in [(SUB, "demoCluster"), (SUB, "TestResourceGroup"), (SECURITY_SUB, "myRg")] {
        w.resource_groups.push(ResourceGroup { subscription_id: sub.into(), name: rg.into(), location: "eastus".into() });
    }
    let vm = format!("/subscriptions/{SUB}/resourceGroups/TestResourceGroup/providers/Microsoft.Compute/virtualMachines/MyTestVm");
    let res = |id: String, name: &str, type_: &str, sub: &str, rg: &str| Resource {
        id,
        name: name.into(),
        type_: type_.into(),
        kind: None,
        location: "eastus".into(),
        subscription_id: sub.into(),
        resource_group: rg.into(),
        tags: vec![("os".into(), "linux".into())],
    };
    w.resources.push(res(vm.clone(), "MyTestVm", "Microsoft.Compute/virtualMachines", SUB, "TestResourceGroup"));
    w.resources.push(res(format!("{vm}/domainNames/MyTestComputer.cloudapp.net"), "MyTestComputer.cloudapp.net", "Microsoft.Compute/virtualMachines/domainNames", SUB, "TestResourceGroup"));
    let vmss = format!("/subscriptions/{SECURITY_SUB}/resourceGroups/myRg/providers/Microsoft.Compute/virtualMachines/vm2");
    w.resources.push(res(vmss, "vm2", "Microsoft.Compute/virtualMachines", SECURITY_SUB, "myRg"));

    w.policy_set_definitions.insert(MCSB_ID.to_string(), mcsb_definition()?);
    w.policy_set_definitions.insert(COST_SET.to_ascii_lowercase(), cost_set());
    let cost_set_id = format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policySetDefinitions/{COST_SET}");
    let mcsb_id = format!("/providers/Microsoft.Authorization/policySetDefinitions/{MCSB_ID}");
    let sub_scope = format!("/subscriptions/{SUB}");
    let mg_scope = format!("/providers/Microsoft.Management/managementGroups/{MG}");
    w.policy_assignments = vec![
        assignment(&sub_scope, "CostManagement", &cost_set_id),
        assignment(&sub_scope, "EnforceNaming", &format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policyDefinitions/ResourceNaming")),
        assignment(&mg_scope, "CostManagement", &cost_set_id),
        assignment(&format!("/subscriptions/{SECURITY_SUB}"), "SecurityCenterBuiltIn", &mcsb_id),
    ];
    let cost = format!("{sub_scope}/providers/Microsoft.Authorization/policyAssignments/CostManagement");
    let mg_cost = format!("{mg_scope}/providers/Microsoft.Authorization/policyAssignments/CostManagement");
    for e in [
        exemption(&mg_scope, "ResearchBudgetExemption", &mg_cost, &["Limit_Skus"], "Waiver"),
        exemption(&sub_scope, "TestVMSub", &cost, &["Limit_Skus"], "Mitigated"),
        exemption(&format!("{sub_scope}/resourceGroups/TestResourceGroup"), "DemoExpensiveVMGroup", &cost, &["Limit_Skus"], "Waiver"),
        exemption(&vm, "jumpBoxExemption", &cost, &["Limit_Skus"], "Mitigated"),
    ] {
        w.exemptions.insert(e.id.to_ascii_lowercase(), e);
    }
    let first = chrono::DateTime::parse_from_rfc3339("2024-03-01T08:00:00Z").map(|t| t.with_timezone(&chrono::Utc)).unwrap_or_default();
    add_assessments(&mut w, first, "/providers/Microsoft.Authorization/policyDefinitions/none", super::recs::seeded_status);
    Ok(w)
}
