//! `conformance`: the ids and names the official Azure REST examples use
//! (`data/examples/`), so each replayed example succeeds as written.
//! Principals are the demo ones (plus the role-assignment example's user);
//! Morgan (Owner) and the CI service principal (Owner) hold their roles at the
//! tenant root group. The tenant id is the management-group examples' tenant
//! (`20000000-0000-0000-0000-000000000000`, also the root group's name).

use serde_json::{json, Map, Value};

use super::demo::{principals, role, CI_OBJECT_ID, MANAGER_OID};
use super::recs::add_assessments;
use super::{mcsb_definition, uuid_from, MCSB_ID};
use crate::errors::SimError;
use crate::model::roles::Role;
use crate::state::*;

pub const SUB: &str = "ae640e6b-ba3e-4256-9d62-2993eecfa6f2";
/// The subscription of the Defender examples (secure scores).
pub const SECURITY_SUB: &str = "20ff7fc3-e762-44dd-bd96-b71116dcdc23";
pub const MG: &str = "DevOrg";
/// Tenant id and tenant root group of the management-group examples.
pub const TENANT_ID: &str = "20000000-0000-0000-0000-000000000000";
/// Management-group examples: Group 1 (get with `$expand`/`$recurse`).
pub const GROUP_1: &str = "20000000-0001-0000-0000-000000000000";
/// Subscriptions examples (`GetSubscription`, `GetSubscriptions`).
pub const EXAMPLE_SUB: &str = "291bba3f-e0a5-47bc-a099-3bdcb2a50a05";
pub const EXAMPLE_SUB_2: &str = "72ac930a-f34e-42d8-b06d-dc2a9e12ed71";
/// Role-assignment examples: subscription, user and (custom) role definition.
pub const RBAC_SUB: &str = "a925f2f7-5c63-4b7b-8799-25a5f97bc3b2";
pub const RBAC_USER: &str = "ce2ce14e-85d7-4629-bdbc-454d0519d987";
/// Permissions examples (their ids are placeholders, not GUIDs).
pub const PERMISSIONS_SUB: &str = "subId";
/// Defender examples: the recommendation (assessment metadata) key.
pub const ENDPOINT_PROTECTION: &str = "21300918-b2e3-0346-785f-c77ff57d243b";

/// The role definition the role-assignment examples use. It is not a built-in
/// role; the seed holds it as a custom role with read access.
pub static EXAMPLE_ROLE: Role =
    Role { name: "Conformance Example Role", id: "0b5fe924-9a61-425c-96af-cfe6e287ca2d", actions: &["*/read"], not_actions: &[], data_actions: &[] };
pub const GROUP_4: &str = "20000000-0004-0000-0000-000000000000";
/// The Resource Graph examples' subscription and management groups.
pub const ARG_SUB: &str = "cfbbd179-59d2-4052-aa06-9270a38aa9d6";
pub const ARG_MG: &str = "ProductionMG";
pub const ARG_MG_2: &str = "e927f598-c1d4-4f72-8541-95d83a6a4ac8";
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
    principals(&mut w)?;
    w.tenant_id = TENANT_ID.into();
    w.users.push(User {
        upn: "example.user@contoso.example".into(),
        object_id: RBAC_USER.into(),
        display_name: "Role assignment example user".into(),
    });
    w.custom_roles = vec![&EXAMPLE_ROLE];
    let root = format!("/providers/Microsoft.Management/managementGroups/{TENANT_ID}");
    w.role_assignments = vec![
        role("0a3c1c4e-7b3d-4f8e-9d2a-2f6c1e0b5a11", MANAGER_OID, "User", "Owner", &root),
        role("0a3c1c4e-7b3d-4f8e-9d2a-2f6c1e0b5a12", CI_OBJECT_ID, "ServicePrincipal", "Owner", &root),
        role("b0f43c54-e787-4862-89b1-a653fa9cf747", RBAC_USER, "User", EXAMPLE_ROLE.name, &format!("/subscriptions/{RBAC_SUB}")),
    ];
    w.management_groups = vec![
        ManagementGroup { name: TENANT_ID.into(), display_name: "Tenant Root Group".into(), parent: None },
        ManagementGroup { name: MG.into(), display_name: "Dev Org".into(), parent: Some(TENANT_ID.into()) },
    ];
    w.management_groups.extend(
        [
            (GROUP_1, "Group 1 Tenant 2", TENANT_ID),
            (GROUP_4, "Group 4 Tenant 2", TENANT_ID),
            // `GetManagementGroupWithExpandAndRecurse` asks for Group 1 but answers
            // with "RootGroup"'s tree (Child -> Leaf -> Pay-As-You-Go, AnotherChild):
            // that tree hangs under Group 1, before Groups 2 and 3.
            ("Child", "Child", GROUP_1),
            ("Leaf", "Leaf", "Child"),
            ("AnotherChild", "Leaf", GROUP_1),
            ("20000000-0002-0000-0000-000000000000", "Group 2 Tenant 2", GROUP_1),
            ("20000000-0003-0000-0000-000000000000", "Group 3 Tenant 2", GROUP_1),
            (ARG_MG, "Production", TENANT_ID),
            (ARG_MG_2, "Resource Graph example group", TENANT_ID),
        ]
        .map(|(name, display, parent)| ManagementGroup {
            name: name.into(),
            display_name: display.into(),
            parent: Some(parent.into()),
        }),
    );
    let example_tags = || vec![("tagKey1".to_string(), "tagValue1".to_string()), ("tagKey2".to_string(), "tagValue2".to_string())];
    for (id, name, mg, tags, managed) in [
        // First, so `GET /subscriptions` starts with the subscriptions example's.
        (EXAMPLE_SUB, "Example Subscription", MG, example_tags(), vec!["8f70baf1-1f6e-46a2-a1ff-238dac1ebfb7"]),
        (
            EXAMPLE_SUB_2,
            "Example Subscription2",
            MG,
            example_tags(),
            vec!["8f70baf1-1f6e-46a2-a1ff-238dac1ebfb7", "f7fb6af2-321d-47c8-9c0f-b0239eaad39a"],
        ),
        (SUB, "Example subscription", MG, vec![], vec![]),
        (SECURITY_SUB, "Defender example subscription", MG, vec![], vec![]),
        (RBAC_SUB, "Role assignment example subscription", MG, vec![], vec![]),
        (PERMISSIONS_SUB, "Permissions example subscription", MG, vec![], vec![]),
        ("20000000-0004-0000-0000-000000000000", "Subscription 4", TENANT_ID, vec![], vec![]),
        ("10000000-F004-0000-0000-000000000000", "Subscription 4 Tenant 1", GROUP_1, vec![], vec![]),
        ("20000000-F005-0000-0000-000000000000", "Subscription 5 Tenant 2", GROUP_1, vec![], vec![]),
        ("30000000-F003-0000-0000-000000000000", "Subscription 3 Tenant 3", GROUP_1, vec![], vec![]),
        ("728bcbe4-8d56-4510-86c2-4921b8beefbc", "Pay-As-You-Go", "Leaf", vec![], vec![]),
        (ARG_SUB, "Resource Graph example subscription", ARG_MG, vec![], vec![]),
    ] {
        w.subscriptions.push(Subscription {
            id: id.into(),
            display_name: name.into(),
            parent_mg: mg.into(),
            tags,
            managed_by_tenants: managed.into_iter().map(str::to_string).collect(),
        });
    }
    for (sub, rg) in [(SUB, "demoCluster"), (SUB, "TestResourceGroup"), (SECURITY_SUB, "myRg"), (PERMISSIONS_SUB, "rgname")] {
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
    w.resources.push(res(
        format!("{vm}/domainNames/MyTestComputer.cloudapp.net"),
        "MyTestComputer.cloudapp.net",
        "Microsoft.Compute/virtualMachines/domainNames",
        SUB,
        "TestResourceGroup",
    ));
    let vmss = format!("/subscriptions/{SECURITY_SUB}/resourceGroups/myRg/providers/Microsoft.Compute/virtualMachines/vm2");
    w.resources.push(res(vmss, "vm2", "Microsoft.Compute/virtualMachines", SECURITY_SUB, "myRg"));
    let scale_set =
        |n: &str| format!("/subscriptions/{SECURITY_SUB}/resourceGroups/myRg/providers/Microsoft.Compute/virtualMachineScaleSets/{n}");
    for n in ["vmss1", "vmss2"] {
        w.resources.push(res(scale_set(n), n, "Microsoft.Compute/virtualMachineScaleSets", SECURITY_SUB, "myRg"));
    }

    resource_graph_examples(&mut w);

    w.policy_set_definitions.insert(MCSB_ID.to_string(), mcsb_definition()?);
    w.policy_set_definitions.insert(COST_SET.to_ascii_lowercase(), cost_set());
    let cost_set_id = format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policySetDefinitions/{COST_SET}");
    let mcsb_id = format!("/providers/Microsoft.Authorization/policySetDefinitions/{MCSB_ID}");
    let sub_scope = format!("/subscriptions/{SUB}");
    let mg_scope = format!("/providers/Microsoft.Management/managementGroups/{MG}");
    w.policy_assignments = vec![
        assignment(&sub_scope, "CostManagement", &cost_set_id),
        assignment(
            &sub_scope,
            "EnforceNaming",
            &format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policyDefinitions/ResourceNaming"),
        ),
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
    defender_examples(&mut w, first, &scale_set);
    add_assessments(&mut w, first, "/providers/Microsoft.Authorization/policyDefinitions/none", super::recs::seeded_status);
    Ok(w)
}

/// The resources the Resource Graph examples answer with (`Resources |
/// where name contains 'test'` has 7, so the paging examples see two pages
/// of 3 and a third).
fn resource_graph_examples(w: &mut World) {
    for (rg, loc) in [("RG1", "centralus"), ("RG2", "westus")] {
        w.resource_groups.push(ResourceGroup { subscription_id: ARG_SUB.into(), name: rg.into(), location: loc.into() });
    }
    for (rg, path, type_, loc, tags) in [
        (
            "RG1",
            "Microsoft.Network/networkInterfaces/myNetworkInterface",
            "Microsoft.Network/networkInterfaces",
            "centralus",
            vec![("tag1", "Value1")],
        ),
        ("RG2", "Microsoft.Network/virtualNetworks/myVnet", "Microsoft.Network/virtualNetworks", "westus", vec![]),
        ("RG2", "Microsoft.Network/publicIPAddresses/myPublicIp", "Microsoft.Network/publicIPAddresses", "westus", vec![]),
        (
            "RG1",
            "Microsoft.Compute/disks/yetanothertest_OsDisk_1_f396cbcb625a457bb69fe2abf5975820",
            "Microsoft.Compute/disks",
            "eastus",
            vec![],
        ),
        ("RG2", "Microsoft.Automation/automationAccounts/TestAA", "Microsoft.Automation/automationAccounts", "westcentralus", vec![]),
        (
            "RG2",
            "Microsoft.Automation/automationAccounts/TestAA/runbooks/TestRB",
            "Microsoft.Automation/automationAccounts/runbooks",
            "westcentralus",
            vec![],
        ),
        ("RG1", "Microsoft.Compute/disks/second_OsDisk_dddddbcb625a457bb69fe2abf5975820", "Microsoft.Compute/disks", "eastus", vec![]),
        ("RG2", "Microsoft.Automation/automationAccounts/AATest", "Microsoft.Automation/automationAccounts", "westcentralus", vec![]),
        (
            "RG2",
            "Microsoft.Automation/automationAccounts/TestAA/runbooks/RBTest",
            "Microsoft.Automation/automationAccounts/runbooks",
            "westcentralus",
            vec![],
        ),
        // Two more, so the next-page example's answer also has a `$skipToken`.
        ("RG1", "Microsoft.Compute/disks/testdisk-3", "Microsoft.Compute/disks", "eastus", vec![]),
        ("RG1", "Microsoft.Compute/disks/testdisk-4", "Microsoft.Compute/disks", "eastus", vec![]),
    ] {
        w.resources.push(Resource {
            id: format!("/subscriptions/{ARG_SUB}/resourceGroups/{rg}/providers/{path}"),
            name: path.rsplit('/').next().unwrap_or(path).into(),
            type_: type_.into(),
            kind: None,
            location: loc.into(),
            subscription_id: ARG_SUB.into(),
            resource_group: rg.into(),
            tags: tags.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        });
    }
}

/// The Defender examples' recommendations (`ListAssessmentsMetadata_example`)
/// and the endpoint-protection assessments of `vmss1` (Healthy: its policy is
/// assigned on it) and `vmss2` (`NotApplicable` / `OffByPolicy`: not assigned).
fn defender_examples(w: &mut World, first: chrono::DateTime<chrono::Utc>, scale_set: &dyn Fn(&str) -> String) {
    let threats = || vec!["dataExfiltration".to_string(), "dataSpillage".to_string(), "maliciousInsider".to_string()];
    let endpoint_def = "/providers/Microsoft.Authorization/policyDefinitions/26a828e1-e88f-464e-bbb3-c134a282b9de";
    w.assessment_metadata.push(AssessmentMetadata {
        name: ENDPOINT_PROTECTION.into(),
        display_name: "Install endpoint protection solution on virtual machine scale sets".into(),
        policy_definition_id: Some(endpoint_def.into()),
        description: "Install an endpoint protection solution on your virtual machines scale sets, to protect them from threats and vulnerabilities.".into(),
        remediation_description: "To install an endpoint protection solution: 1.  <a href=\"https://docs.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-faq#how-do-i-turn-on-antimalware-in-my-virtual-machine-scale-set\">Follow the instructions in How do I turn on antimalware in my virtual machine scale set</a>".into(),
        categories: vec!["Compute".into()],
        severity: "Medium".into(),
        user_impact: "Low".into(),
        implementation_effort: "Low".into(),
        threats: threats(),
        assessment_type: "BuiltIn".into(),
        preview: false,
        targets: vec![Target::Resource { type_: "Microsoft.Compute/virtualMachineScaleSets".into(), kind: None }],
        planned_deprecation_date: Some("03/2022".into()),
    });
    w.assessment_metadata.push(AssessmentMetadata {
        name: "bc303248-3d14-44c2-96a0-55f5c326b5fe".into(),
        display_name: "Close management ports on your virtual machines".into(),
        policy_definition_id: Some("/providers/Microsoft.Authorization/policyDefinitions/22730e10-96f6-4aac-ad84-9383d35b5917".into()),
        description: "Open remote management ports expose your VM to a high level of risk from internet-based attacks that attempt to brute force credentials to gain admin access to the machine.".into(),
        remediation_description: "We recommend that you edit the inbound rules of the below virtual machines to restrict access to specific source ranges.".into(),
        categories: vec!["Networking".into()],
        severity: "Medium".into(),
        user_impact: "High".into(),
        implementation_effort: "Low".into(),
        threats: threats(),
        assessment_type: "CustomPolicy".into(),
        preview: true,
        targets: vec![Target::Resource { type_: "Microsoft.Compute/virtualMachines".into(), kind: None }],
        planned_deprecation_date: None,
    });
    w.assessment_metadata.push(AssessmentMetadata {
        name: "ca039e75-a276-4175-aebc-bcd41e4b14b7".into(),
        display_name: "My organization security assessment".into(),
        policy_definition_id: None,
        description: "Assessment that my organization created to view our security assessment in Azure Security Center".into(),
        remediation_description: "Fix it with these remediation instructions".into(),
        categories: vec!["Compute".into()],
        severity: "Medium".into(),
        user_impact: "Low".into(),
        implementation_effort: "Low".into(),
        threats: vec![],
        assessment_type: "CustomerManaged".into(),
        preview: false,
        targets: vec![],
        planned_deprecation_date: None,
    });
    let vmss1 = scale_set("vmss1");
    w.policy_assignments.push(assignment(&vmss1, "vmss-endpoint-protection", endpoint_def));
    for (n, code) in [("vmss1", "Healthy"), ("vmss2", "Healthy")] {
        w.assessments.push(Assessment {
            metadata_name: ENDPOINT_PROTECTION.into(),
            resource_id: scale_set(n),
            status: AssessmentStatus { code: code.into(), cause: None, description: None },
            first_evaluation: first,
        });
    }
}
