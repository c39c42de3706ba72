//! The `demo` seed: Contoso, a believable tenant with a management-group tree,
//! four subscriptions, resources, MCSB recommendations and a few exemptions.
//! Every id is fixed so tests and docs can rely on it.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::recs::*;
use super::{iso_assignment, iso_definition, mcsb_definition, ISO_ID, MCSB_ID};
use crate::errors::SimError;
use crate::state::*;

pub const TENANT_ID: &str = "6c1297b4-fd6e-48e9-a473-c2cd6680ae92";
pub const TENANT_NAME: &str = "Contoso";
pub const TENANT_DOMAIN: &str = "contoso.example";
/// The public client app "Exemption Desk".
pub const PUBLIC_CLIENT_ID: &str = "55b41b4a-3a85-4189-823c-744426dd37b2";

pub const SUB_PRODUCTION: &str = "ccc1c389-e16e-4c4b-b02a-71990e781ba5";
pub const SUB_DEVELOPMENT: &str = "7e1e376c-0a32-45d3-9c1d-6adb8eccc958";
pub const SUB_SHARED: &str = "644229d8-401b-4ed5-9b1c-5f7bf2d941da";
/// Has no MCSB assignment.
pub const SUB_SANDBOX: &str = "e7e255bb-3ca4-4ba3-b95b-58d5b38271e5";

pub const ADMIN_UPN: &str = "alex.admin@contoso.example";
pub const ADMIN_OID: &str = "74e77bc3-0ae2-4422-a4cc-17de1d485aae";
pub const MANAGER_UPN: &str = "morgan.manager@contoso.example";
pub const MANAGER_OID: &str = "06588400-eea3-4c98-ae13-3136bc49adf7";
pub const READER_UPN: &str = "riley.reader@contoso.example";
pub const READER_OID: &str = "3241055d-c045-41c0-a32d-600cdefb8d77";

pub const CI_CLIENT_ID: &str = "740a34f6-1b33-436e-b6f3-b52def46a49d";
pub const CI_OBJECT_ID: &str = "6bbbca31-b9b4-4d56-ad86-4f05d508237a";
/// Demo-only secret of the `exemption-desk-ci` service principal.
pub const CI_CLIENT_SECRET: &str = "demo~ExemptionDeskCI.not-a-real-secret";
/// Public certificate registered on `exemption-desk-ci` (demo only, self-signed;
/// its key is in `data/certificates/exemption-desk-ci.pem` / `.pfx`).
pub const CI_CERTIFICATE_PEM: &str = include_str!("../../data/certificates/exemption-desk-ci.crt");
/// A user of another tenant (Fabrikam), neither member nor guest of Contoso.
pub const EXTERNAL_UPN: &str = "jamie@fabrikam.example";
pub const EXTERNAL_OID: &str = "b3c1f0d2-7a4e-4f19-9c58-2e6d8a0f4b71";
pub const EXTERNAL_TENANT_ID: &str = "0d9f4b2e-58a1-4c3b-b7e6-9a2c1f8e3d54";
/// Well-known app id of the first-party "Windows Azure Security Resource Provider".
pub const WASRP_APP_ID: &str = "8edd93e1-2103-40b4-bd70-6e34e586362d";
pub const WASRP_OBJECT_ID: &str = "8313e63d-0f9a-4c80-970a-40949f41f0d6";

pub const MG_CONTOSO: &str = "contoso";
/// ISO 27001 assigned on a single resource (`stcontosodevdata`).
pub const ISO_DEVDATA_ASSIGNMENT_NAME: &str = "iso27001-devdata";
pub const MG_PLATFORM: &str = "contoso-platform";
pub const MG_LANDING_ZONES: &str = "contoso-landingzones";
pub const MCSB_ASSIGNMENT_NAME: &str = "SecurityCenterBuiltIn";
/// MCSB assigned at management group `contoso-landingzones` (covers Corp and
/// Online, i.e. Production and Development, on top of their own assignments).
pub const MCSB_MG_ASSIGNMENT_NAME: &str = "mcsb-landingzones";
pub const MCSB_MG_ASSIGNMENT_ID: &str =
    "/providers/Microsoft.Management/managementGroups/contoso-landingzones/providers/Microsoft.Authorization/policyAssignments/mcsb-landingzones";
/// Role assignment: the Security Resource Provider is Reader at `contoso-platform`
/// (and nowhere else, so granting it at `contoso-landingzones` can be tested).
pub const WASRP_PLATFORM_READER: &str = "c0b6b2a4-5f0e-4c33-9a4e-3f7d8e21b6a5";
pub const CUSTOM_ASSIGNMENT_NAME: &str = "contoso-require-costcenter-tag";
pub const CUSTOM_DEFINITION_ID: &str =
    "/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policyDefinitions/require-costcenter-tag";

/// The id of the MCSB assignment at a subscription.
pub fn mcsb_assignment_id(sub: &str) -> String {
    format!("/subscriptions/{sub}/providers/Microsoft.Authorization/policyAssignments/{MCSB_ASSIGNMENT_NAME}")
}

/// Static facts the app needs to sign in to the demo tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoIdentity {
    pub tenant_id: String,
    pub public_client_id: String,
    pub default_user_upn: String,
}

pub fn identity() -> DemoIdentity {
    DemoIdentity { tenant_id: TENANT_ID.into(), public_client_id: PUBLIC_CLIENT_ID.into(), default_user_upn: ADMIN_UPN.into() }
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// (subscription, resource group, type, name, kind/OS flavour, location)
type SeedResource = (&'static str, &'static str, &'static str, &'static str, Option<&'static str>, &'static str);
const RESOURCES: &[SeedResource] = &[
    // Production
    (SUB_PRODUCTION, "rg-prod-web", WEB, "app-contoso-shop-prod", Some("app"), "westeurope"),
    (SUB_PRODUCTION, "rg-prod-web", WEB, "app-contoso-api-prod", Some("app"), "westeurope"),
    (SUB_PRODUCTION, "rg-prod-web", WEB, "func-contoso-orders-prod", Some("functionapp"), "westeurope"),
    (SUB_PRODUCTION, "rg-prod-web", STORAGE, "stcontosowebprod", Some("StorageV2"), "westeurope"),
    (SUB_PRODUCTION, "rg-prod-data", SQL, "sql-contoso-prod-weu", None, "westeurope"),
    (SUB_PRODUCTION, "rg-prod-data", SQL, "sql-contoso-reporting-prod", None, "westeurope"),
    (SUB_PRODUCTION, "rg-prod-data", STORAGE, "stcontosoproddata", Some("StorageV2"), "westeurope"),
    (SUB_PRODUCTION, "rg-prod-data", STORAGE, "stcontosoprodbackup", Some("StorageV2"), "northeurope"),
    (SUB_PRODUCTION, "rg-prod-data", KV, "kv-contoso-prod-weu", None, "westeurope"),
    (SUB_PRODUCTION, "rg-prod-aks", AKS, "aks-contoso-prod-weu", None, "westeurope"),
    (SUB_PRODUCTION, "rg-prod-aks", ACR, "acrcontosoprod", None, "westeurope"),
    (SUB_PRODUCTION, "rg-prod-aks", KV, "kv-contoso-aks-prod", None, "westeurope"),
    (SUB_PRODUCTION, "rg-prod-network", VNET, "vnet-prod-weu", None, "westeurope"),
    (SUB_PRODUCTION, "rg-prod-network", VNET, "vnet-prod-neu", None, "northeurope"),
    (SUB_PRODUCTION, "rg-prod-vms", VM, "vm-prod-sql01", Some("windows"), "westeurope"),
    (SUB_PRODUCTION, "rg-prod-vms", VM, "vm-prod-app01", Some("linux"), "westeurope"),
    (SUB_PRODUCTION, "rg-prod-vms", VM, "vm-prod-app02", Some("linux"), "westeurope"),
    (SUB_PRODUCTION, "rg-prod-vms", VM, "vm-prod-jump01", Some("windows"), "westeurope"),
    // Development
    (SUB_DEVELOPMENT, "rg-dev-apps", WEB, "app-contoso-shop-dev", Some("app"), "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-apps", WEB, "func-contoso-orders-dev", Some("functionapp"), "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-apps", WEB, "func-contoso-batch-dev", Some("functionapp"), "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-apps", STORAGE, "stcontosodevapps", Some("StorageV2"), "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-data", SQL, "sql-contoso-dev-weu", None, "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-data", STORAGE, "stcontosodevdata", Some("StorageV2"), "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-data", KV, "kv-contoso-dev-weu", None, "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-aks", AKS, "aks-contoso-dev-weu", None, "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-aks", ACR, "acrcontosodev", None, "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-vms", VM, "vm-dev-build01", Some("linux"), "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-vms", VM, "vm-dev-test01", Some("windows"), "westeurope"),
    (SUB_DEVELOPMENT, "rg-dev-network", VNET, "vnet-dev-weu", None, "westeurope"),
    // Shared services
    (SUB_SHARED, "rg-shared-identity", VM, "vm-shared-dc01", Some("windows"), "westeurope"),
    (SUB_SHARED, "rg-shared-identity", VM, "vm-shared-dc02", Some("windows"), "northeurope"),
    (SUB_SHARED, "rg-shared-identity", KV, "kv-contoso-shared-weu", None, "westeurope"),
    (SUB_SHARED, "rg-shared-network", VNET, "vnet-hub-weu", None, "westeurope"),
    (SUB_SHARED, "rg-shared-network", VNET, "vnet-hub-neu", None, "northeurope"),
    (SUB_SHARED, "rg-shared-monitoring", STORAGE, "stcontosologs", Some("StorageV2"), "westeurope"),
    (SUB_SHARED, "rg-shared-monitoring", STORAGE, "stcontosodiag", Some("StorageV2"), "westeurope"),
    (SUB_SHARED, "rg-shared-monitoring", WEB, "func-contoso-alerts", Some("functionapp"), "westeurope"),
    (SUB_SHARED, "rg-shared-registry", ACR, "acrcontososhared", None, "westeurope"),
    (SUB_SHARED, "rg-shared-registry", KV, "kv-contoso-certs", None, "westeurope"),
    // Sandbox
    (SUB_SANDBOX, "rg-sandbox-experiments", STORAGE, "stcontososandbox01", Some("StorageV2"), "eastus"),
    (SUB_SANDBOX, "rg-sandbox-experiments", VM, "vm-sandbox-try01", Some("linux"), "eastus"),
    (SUB_SANDBOX, "rg-sandbox-experiments", WEB, "app-sandbox-demo", Some("app"), "eastus"),
    (SUB_SANDBOX, "rg-sandbox-experiments", KV, "kv-sandbox-eus", None, "eastus"),
    (SUB_SANDBOX, "rg-sandbox-ml", STORAGE, "stcontosomlsandbox", Some("StorageV2"), "eastus"),
    (SUB_SANDBOX, "rg-sandbox-ml", AKS, "aks-sandbox-eus", None, "eastus"),
    (SUB_SANDBOX, "rg-sandbox-ml", SQL, "sql-sandbox-eus", None, "eastus"),
];

pub fn role(name: &str, principal: &str, ptype: &str, role: &str, scope: &str) -> RoleAssignment {
    RoleAssignment {
        name: name.into(),
        principal_id: principal.into(),
        principal_type: ptype.into(),
        role: role.into(),
        scope: scope.into(),
    }
}

#[allow(clippy::too_many_arguments)]
fn exemption(
    scope: &str,
    name: &str,
    sub: &str,
    refs: &[&str],
    category: &str,
    display: &str,
    description: &str,
    expires: Option<DateTime<Utc>>,
    metadata: Value,
    by: (&str, &str),
    at: DateTime<Utc>,
) -> Exemption {
    let mut p = Map::new();
    p.insert("policyAssignmentId".into(), json!(mcsb_assignment_id(sub)));
    p.insert("policyDefinitionReferenceIds".into(), json!(refs));
    p.insert("exemptionCategory".into(), json!(category));
    if let Some(t) = expires {
        p.insert("expiresOn".into(), json!(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)));
    }
    p.insert("displayName".into(), json!(display));
    p.insert("description".into(), json!(description));
    p.insert("metadata".into(), metadata);
    Exemption {
        id: format!("{scope}/providers/Microsoft.Authorization/policyExemptions/{name}"),
        name: name.into(),
        scope: scope.into(),
        properties: p,
        expires_on: expires,
        created_by: by.0.into(),
        created_by_type: by.1.into(),
        created_at: at,
        last_modified_by: by.0.into(),
        last_modified_by_type: by.1.into(),
        last_modified_at: at,
    }
}

/// Subscriptions the ISO 27001:2013 initiative is assigned to.
pub const ISO_SUBSCRIPTIONS: &[&str] = &[SUB_PRODUCTION, SUB_SHARED];

/// Tenant, users (and one user of another tenant), service principals (the CI
/// one with a secret and a certificate), the public client and their roles at
/// MG `contoso`.
pub fn principals(w: &mut World) -> Result<(), SimError> {
    w.tenant_id = TENANT_ID.into();
    w.tenant_display_name = TENANT_NAME.into();
    w.tenant_domain = TENANT_DOMAIN.into();
    w.public_client_id = PUBLIC_CLIENT_ID.into();
    w.default_user_upn = ADMIN_UPN.into();
    w.users = vec![
        User { upn: ADMIN_UPN.into(), object_id: ADMIN_OID.into(), display_name: "Alex Admin".into() },
        User { upn: MANAGER_UPN.into(), object_id: MANAGER_OID.into(), display_name: "Morgan Manager".into() },
        User { upn: READER_UPN.into(), object_id: READER_OID.into(), display_name: "Riley Reader".into() },
    ];
    w.external_users = vec![ExternalUser {
        upn: EXTERNAL_UPN.into(),
        object_id: EXTERNAL_OID.into(),
        display_name: "Jamie (Fabrikam)".into(),
        home_tenant_id: EXTERNAL_TENANT_ID.into(),
    }];
    let ci_certificate = crate::entra::certificate::from_pem(CI_CERTIFICATE_PEM)?;
    w.service_principals = vec![
        ServicePrincipal {
            display_name: "exemption-desk-ci".into(),
            client_id: CI_CLIENT_ID.into(),
            object_id: CI_OBJECT_ID.into(),
            client_secret: Some(CI_CLIENT_SECRET.into()),
            certificates: vec![ci_certificate],
        },
        ServicePrincipal {
            display_name: "Windows Azure Security Resource Provider".into(),
            client_id: WASRP_APP_ID.into(),
            object_id: WASRP_OBJECT_ID.into(),
            client_secret: None,
            certificates: Vec::new(),
        },
    ];
    w.public_clients = vec![PublicClient { display_name: "Exemption Desk".into(), client_id: PUBLIC_CLIENT_ID.into() }];
    let mg = |n: &str| format!("/providers/Microsoft.Management/managementGroups/{n}");
    w.role_assignments = vec![
        role("13045e1a-401b-4336-bde2-cbad08daa7da", ADMIN_OID, "User", "Security Admin", &mg(MG_CONTOSO)),
        role("28d12de4-da14-4c9c-a274-a056039156c6", ADMIN_OID, "User", "Resource Policy Contributor", &mg(MG_CONTOSO)),
        role("85239f92-73ef-451d-9958-c911503ffb8d", MANAGER_OID, "User", "Owner", &mg(MG_CONTOSO)),
        role("05ad0950-6e80-412b-b5af-8bc7034b528b", READER_OID, "User", "Reader", &mg(MG_CONTOSO)),
        role("5a4302cd-302a-4930-a561-682de9d84eb8", CI_OBJECT_ID, "ServicePrincipal", "Resource Policy Contributor", &mg(MG_CONTOSO)),
        role("d79ce7ca-4022-4a1b-9792-c6dcf063d240", CI_OBJECT_ID, "ServicePrincipal", "Security Admin", &mg(MG_CONTOSO)),
    ];
    Ok(())
}

/// The MCSB assignment Defender creates at a subscription.
pub fn mcsb_assignment(sub_id: &str, instance: &str) -> PolicyAssignment {
    PolicyAssignment {
        id: mcsb_assignment_id(sub_id),
        name: MCSB_ASSIGNMENT_NAME.into(),
        scope: format!("/subscriptions/{sub_id}"),
        display_name: format!("ASC Default (subscription: {sub_id})"),
        description: Some("This policy assignment was automatically created by Azure Security Center".into()),
        policy_definition_id: format!("/providers/Microsoft.Authorization/policySetDefinitions/{MCSB_ID}"),
        definition_version: Some("57.*.*".into()),
        metadata: json!({ "assignedBy": "Security Center", "createdBy": "8edd93e1-2103-40b4-bd70-6e34e586362d", "createdOn": "2024-01-15T09:30:00.0000000Z" }),
        parameters: json!({}),
        enforcement_mode: "Default".into(),
        instance_id: instance.into(),
    }
}

pub fn build(now: DateTime<Utc>) -> Result<World, SimError> {
    let mcsb = mcsb_definition()?;
    let mut w = World::default();
    principals(&mut w)?;
    w.role_assignments.push(role(
        WASRP_PLATFORM_READER,
        WASRP_OBJECT_ID,
        "ServicePrincipal",
        "Reader",
        &format!("/providers/Microsoft.Management/managementGroups/{MG_PLATFORM}"),
    ));
    let group = |name: &str, display: &str, parent: Option<&str>| ManagementGroup {
        name: name.into(),
        display_name: display.into(),
        parent: parent.map(str::to_string),
    };
    w.management_groups = vec![
        group(TENANT_ID, "Tenant Root Group", None),
        group(MG_CONTOSO, "Contoso", Some(TENANT_ID)),
        group(MG_PLATFORM, "Platform", Some(MG_CONTOSO)),
        group(MG_LANDING_ZONES, "Landing Zones", Some(MG_CONTOSO)),
        group("contoso-corp", "Corp", Some(MG_LANDING_ZONES)),
        group("contoso-online", "Online", Some(MG_LANDING_ZONES)),
        group("contoso-sandbox", "Sandbox", Some(MG_CONTOSO)),
    ];
    let sub = |id: &str, name: &str, mg: &str, env: &str| Subscription {
        id: id.into(),
        display_name: name.into(),
        parent_mg: mg.into(),
        tags: vec![("environment".into(), env.into()), ("owner".into(), "cloud-platform@contoso.example".into())],
        managed_by_tenants: vec![],
    };
    w.subscriptions = vec![
        sub(SUB_PRODUCTION, "Contoso Production", "contoso-corp", "production"),
        sub(SUB_DEVELOPMENT, "Contoso Development", "contoso-online", "development"),
        sub(SUB_SHARED, "Contoso Shared Services", "contoso-platform", "shared"),
        sub(SUB_SANDBOX, "Contoso Sandbox", "contoso-sandbox", "sandbox"),
    ];

    for (s, rg, type_, name, kind, loc) in RESOURCES {
        if w.resource_group(s, rg).is_none() {
            w.resource_groups.push(ResourceGroup { subscription_id: (*s).into(), name: (*rg).into(), location: (*loc).into() });
        }
        let is_vm = *type_ == VM;
        let mut tags = vec![("environment".to_string(), rg.split('-').nth(1).unwrap_or("").to_string())];
        // About half of the resources carry the costCenter tag Contoso requires.
        if Sha256::digest(name.as_bytes())[1] % 2 == 0 {
            tags.push(("costCenter".into(), "CC-4711".into()));
        }
        w.resources.push(Resource {
            id: format!("/subscriptions/{s}/resourceGroups/{rg}/providers/{type_}/{name}"),
            name: (*name).into(),
            type_: (*type_).into(),
            kind: if is_vm { None } else { kind.map(str::to_string) },
            location: (*loc).into(),
            subscription_id: (*s).into(),
            resource_group: (*rg).into(),
            tags: if is_vm { [tags, vec![("os".into(), kind.unwrap_or("").into())]].concat() } else { tags },
        });
    }

    w.policy_set_definitions.insert(MCSB_ID.to_string(), mcsb);
    w.policy_set_definitions.insert(ISO_ID.to_string(), iso_definition()?);
    let instance_ids =
        ["06da6f96-3bf4-44d8-a7d5-16f5a1dcd687", "8b29a149-9d22-403a-b3d7-6766962c64cd", "bf41dc74-9117-4c0a-b528-aeab7b7c03c2"];
    for (sub_id, instance) in [SUB_PRODUCTION, SUB_DEVELOPMENT, SUB_SHARED].iter().zip(instance_ids) {
        w.policy_assignments.push(mcsb_assignment(sub_id, instance));
    }
    for sub_id in ISO_SUBSCRIPTIONS {
        w.policy_assignments.push(iso_assignment(sub_id));
    }
    // A standard assigned on one resource only (the data store holding audited records).
    let devdata =
        format!("/subscriptions/{SUB_DEVELOPMENT}/resourceGroups/rg-dev-data/providers/Microsoft.Storage/storageAccounts/stcontosodevdata");
    w.policy_assignments.push(PolicyAssignment {
        id: format!("{devdata}/providers/Microsoft.Authorization/policyAssignments/{ISO_DEVDATA_ASSIGNMENT_NAME}"),
        name: ISO_DEVDATA_ASSIGNMENT_NAME.into(),
        scope: devdata,
        display_name: "ISO 27001:2013 (audit records store)".into(),
        description: Some("ISO 27001 on the storage account that keeps audit records, assigned by the compliance team.".into()),
        ..iso_assignment(SUB_DEVELOPMENT)
    });
    let mg = |n: &str| format!("/providers/Microsoft.Management/managementGroups/{n}");
    w.policy_assignments.push(PolicyAssignment {
        id: MCSB_MG_ASSIGNMENT_ID.into(),
        name: MCSB_MG_ASSIGNMENT_NAME.into(),
        scope: mg(MG_LANDING_ZONES),
        display_name: "Microsoft cloud security benchmark (Landing Zones)".into(),
        description: Some(
            "The Microsoft cloud security benchmark for every landing zone subscription, assigned by the platform team.".into(),
        ),
        policy_definition_id: format!("/providers/Microsoft.Authorization/policySetDefinitions/{MCSB_ID}"),
        definition_version: Some("57.*.*".into()),
        metadata: json!({ "assignedBy": "Morgan Manager", "createdOn": "2024-04-02T07:45:00.0000000Z" }),
        parameters: json!({}),
        enforcement_mode: "Default".into(),
        instance_id: "5d0b9f3e-2c41-4a8f-b6e7-91c3a0d4e852".into(),
    });
    w.policy_assignments.push(PolicyAssignment {
        id: format!("{}/providers/Microsoft.Authorization/policyAssignments/{CUSTOM_ASSIGNMENT_NAME}", mg(MG_CONTOSO)),
        name: CUSTOM_ASSIGNMENT_NAME.into(),
        scope: mg(MG_CONTOSO),
        display_name: "[Contoso] Require a costCenter tag on resources".into(),
        description: Some("Audits storage accounts and virtual machines without a costCenter tag.".into()),
        policy_definition_id: CUSTOM_DEFINITION_ID.into(),
        definition_version: Some("1.*.*".into()),
        metadata: json!({ "assignedBy": "Morgan Manager" }),
        parameters: json!({ "tagName": { "value": "costCenter" } }),
        enforcement_mode: "Default".into(),
        instance_id: "71153d15-279b-4919-9a86-d0b36f86decf".into(),
    });

    let first_eval = time("2024-03-01T08:00:00Z");
    add_assessments(&mut w, first_eval, CUSTOM_DEFINITION_ID, seeded_status);

    let admin = (ADMIN_UPN, "User");
    let seeded: Vec<Exemption> = vec![
        exemption(
            &format!("/subscriptions/{SUB_PRODUCTION}/resourceGroups/rg-prod-data/providers/{STORAGE}/stcontosoproddata"),
            "stcontosoproddata-vnet-rules",
            SUB_PRODUCTION,
            &["storageAccountsShouldRestrictNetworkAccessUsingVirtualNetworkRulesMonitoringEffect"],
            "Waiver",
            "Partner SFTP ingest needs public endpoint",
            "The partner ingest pipeline connects from fixed public IPs until the private link migration (CHG-1042) completes.",
            Some(time("2027-06-30T00:00:00Z")),
            json!({ "requestedBy": READER_UPN, "approvedBy": MANAGER_UPN, "approvedOn": "2025-06-02T10:15:00Z", "ticketRef": "CHG-1042", "createdWith": "Exemption Desk" }),
            admin,
            time("2025-06-02T10:20:00Z"),
        ),
        exemption(
            &format!("/subscriptions/{SUB_DEVELOPMENT}/resourceGroups/rg-dev-apps"),
            "dev-apps-functions-https",
            SUB_DEVELOPMENT,
            &["functionAppEnforceHttpsMonitoring"],
            "Mitigated",
            "Dev function apps sit behind Front Door (HTTPS only)",
            "HTTPS is enforced by the Front Door profile in front of every development function app.",
            None,
            json!({ "requestedBy": ADMIN_UPN, "approvedBy": MANAGER_UPN, "approvedOn": "2025-03-11T08:00:00Z", "ticketRef": "SEC-207", "createdWith": "Exemption Desk" }),
            (CI_CLIENT_ID, "Application"),
            time("2025-03-11T08:05:00Z"),
        ),
        exemption(
            &format!("/subscriptions/{SUB_PRODUCTION}"),
            "prod-jit-legacy-migration",
            SUB_PRODUCTION,
            &["jitNetworkAccessMonitoring"],
            "Waiver",
            "JIT postponed during datacenter migration",
            "Just-in-time access was postponed while the legacy workloads moved to Azure.",
            Some(time("2025-01-31T00:00:00Z")),
            json!({ "requestedBy": ADMIN_UPN, "approvedBy": MANAGER_UPN, "approvedOn": "2024-08-01T09:00:00Z", "ticketRef": "CHG-0815", "createdWith": "Azure portal" }),
            admin,
            time("2024-08-01T09:30:00Z"),
        ),
        exemption(
            &format!("/subscriptions/{SUB_SHARED}/resourceGroups/rg-shared-registry/providers/{KV}/kv-contoso-certs"),
            "kv-certs-purge-protection",
            SUB_SHARED,
            &["keyVaultsShouldHavePurgeProtectionEnabledMonitoringEffect"],
            "Waiver",
            "Certificate vault rebuild pending",
            "The certificate vault is being rebuilt with purge protection; the old vault is retired when the rebuild completes.",
            Some((now + Duration::days(14)).date_naive().and_hms_opt(0, 0, 0).map(|t| t.and_utc()).unwrap_or(now)),
            json!({ "requestedBy": ADMIN_UPN, "approvedBy": MANAGER_UPN, "approvedOn": "2025-05-20T14:00:00Z", "ticketRef": "CHG-1101", "createdWith": "Exemption Desk" }),
            admin,
            time("2025-05-20T14:10:00Z"),
        ),
    ];
    for e in seeded {
        w.exemptions.insert(e.id.to_ascii_lowercase(), e);
    }
    // After the assessments: the register's account carries no recommendations.
    super::storage::add(&mut w);
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::policy::set_members;

    #[test]
    fn builds_and_is_consistent() {
        let w = build(Utc::now()).expect("demo seed");
        assert_eq!(w.subscriptions.len(), 4);
        assert!((20..=30).contains(&w.assessment_metadata.len()));
        let members = set_members(&w.policy_set_definitions[MCSB_ID]);
        // Every built-in recommendation maps to a definition that is in MCSB.
        for m in w.assessment_metadata.iter().filter(|m| m.assessment_type == "BuiltIn") {
            let d = m.policy_definition_id.as_deref().expect("policy definition");
            assert!(members.iter().any(|(_, id)| id.eq_ignore_ascii_case(d)), "{} not in MCSB", m.display_name);
        }
        // Every seeded exemption references existing MCSB reference ids.
        for e in w.exemptions.values() {
            for r in e.properties["policyDefinitionReferenceIds"].as_array().expect("refs") {
                assert!(members.iter().any(|(m, _)| m == r.as_str().unwrap_or("")), "{r}");
            }
        }
        // At least three recommendations are on Defender's non-exemptible list.
        let non_exemptible = include_str!("../../tests/data/non-exemptible-recommendations.txt");
        let n = w.assessment_metadata.iter().filter(|m| non_exemptible.lines().any(|l| l == m.display_name)).count();
        assert!(n >= 3, "{n}");
        for s in [SUB_PRODUCTION, SUB_DEVELOPMENT, SUB_SHARED, SUB_SANDBOX] {
            let count = w.resources.iter().filter(|r| r.subscription_id == s).count();
            assert!((7..=25).contains(&count), "{s}: {count}");
        }
    }
}
