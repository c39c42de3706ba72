//! The `demo` seed: Contoso, a believable tenant with a management-group tree,
//! four subscriptions, resources, MCSB recommendations and a few exemptions.
//! Every id is fixed so tests and docs can rely on it.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::{mcsb_definition, MCSB_ID};
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
/// Well-known app id of the first-party "Windows Azure Security Resource Provider".
pub const WASRP_APP_ID: &str = "8edd93e1-2103-40b4-bd70-6e34e586362d";
pub const WASRP_OBJECT_ID: &str = "8313e63d-0f9a-4c80-970a-40949f41f0d6";

pub const MG_CONTOSO: &str = "contoso";
pub const MCSB_ASSIGNMENT_NAME: &str = "SecurityCenterBuiltIn";
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
    DemoIdentity {
        tenant_id: TENANT_ID.into(),
        public_client_id: PUBLIC_CLIENT_ID.into(),
        default_user_upn: ADMIN_UPN.into(),
    }
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn pd(guid: &str) -> Option<String> {
    Some(format!("/providers/Microsoft.Authorization/policyDefinitions/{guid}"))
}

const STORAGE: &str = "Microsoft.Storage/storageAccounts";
const VM: &str = "Microsoft.Compute/virtualMachines";
const KV: &str = "Microsoft.KeyVault/vaults";
const SQL: &str = "Microsoft.Sql/servers";
const WEB: &str = "Microsoft.Web/sites";
const AKS: &str = "Microsoft.ContainerService/managedClusters";
const VNET: &str = "Microsoft.Network/virtualNetworks";
const ACR: &str = "Microsoft.ContainerRegistry/registries";

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

struct Rec {
    name: &'static str,
    display: &'static str,
    def: Option<&'static str>,
    severity: &'static str,
    category: &'static str,
    targets: &'static [(&'static str, Option<&'static str>)],
    kind: &'static str,
    description: &'static str,
    remediation: &'static str,
}

/// Target type `"subscription"` means the subscription itself.
const SUBSCRIPTION: &str = "subscription";

#[rustfmt::skip]
const RECS: &[Rec] = &[
    Rec { name: "5be3a0d9-8150-4d49-9a4c-58549078b10d", display: "Storage accounts should restrict network access using virtual network rules", def: Some("2a1a9cdf-e04d-429a-8416-3bfb72a1b26f"), severity: "Medium", category: "Networking", targets: &[(STORAGE, None)], kind: "BuiltIn",
        description: "Protect your storage accounts from potential threats using virtual network rules as a preferred method instead of IP-based filtering.", remediation: "In the storage account, open Networking, choose 'Enabled from selected virtual networks and IP addresses' and add the virtual networks that need access." },
    Rec { name: "d763462d-7566-4a55-90a2-fc38e0a59985", display: "Secure transfer to storage accounts should be enabled", def: Some("404c3081-a854-4457-ae30-26a93ef643f9"), severity: "High", category: "Data", targets: &[(STORAGE, None)], kind: "BuiltIn",
        description: "Secure transfer forces your storage account to accept requests only over HTTPS, protecting data in transit from man-in-the-middle attacks.", remediation: "In the storage account, open Configuration and set 'Secure transfer required' to Enabled." },
    Rec { name: "e0c5155a-3491-446a-ab0f-244681925f7a", display: "Storage account public access should be disallowed", def: Some("4fa4b6c0-31ca-4c0d-b10d-24b96f62a751"), severity: "Medium", category: "Data", targets: &[(STORAGE, None)], kind: "BuiltIn",
        description: "Anonymous public read access to containers and blobs is a convenient way to share data but might present security risks.", remediation: "In the storage account, open Configuration and set 'Allow Blob anonymous access' to Disabled." },
    Rec { name: "0438baac-9fb7-40ef-b851-5fd1fb76bb43", display: "Storage accounts should prevent shared key access", def: Some("8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54"), severity: "Medium", category: "IdentityAndAccess", targets: &[(STORAGE, None)], kind: "BuiltIn",
        description: "Require Microsoft Entra ID to authorize requests to the storage account instead of account keys.", remediation: "In the storage account, open Configuration and set 'Allow storage account key access' to Disabled." },
    Rec { name: "3ff74e73-e205-487c-bb71-34708d2c44cd", display: "Key vaults should have soft delete enabled", def: Some("1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d"), severity: "High", category: "Data", targets: &[(KV, None)], kind: "BuiltIn",
        description: "Deleting a key vault without soft delete enabled permanently deletes all secrets, keys and certificates stored in it.", remediation: "Enable soft delete on the key vault (Properties > Soft-delete)." },
    Rec { name: "82eb94ac-599f-44b0-8466-0bc3dec051e2", display: "Key vaults should have deletion protection enabled", def: Some("0b60c0b2-2dc2-4e1c-b5c9-abbed971de53"), severity: "Medium", category: "Data", targets: &[(KV, None)], kind: "BuiltIn",
        description: "Malicious deletion of a key vault can lead to permanent data loss. Purge protection enforces a mandatory retention period for soft-deleted vaults.", remediation: "Enable purge protection on the key vault (Properties > Purge protection)." },
    Rec { name: "c4fa06b3-efeb-4684-9977-5a4f6f5b89ee", display: "Azure Key Vault should have firewall enabled", def: Some("55615ac9-af46-4a59-874e-391cc3dfb490"), severity: "Medium", category: "Networking", targets: &[(KV, None)], kind: "BuiltIn",
        description: "Enable the key vault firewall so that the key vault is not accessible by default to any public IPs.", remediation: "In the key vault, open Networking and allow access only from selected networks." },
    Rec { name: "03b364ad-01b1-4cb8-86ce-46c46ded529f", display: "Auditing on SQL server should be enabled", def: Some("a6fb4358-5bf4-4ad7-ba82-2cd2f41ce5e9"), severity: "Low", category: "Data", targets: &[(SQL, None)], kind: "BuiltIn",
        description: "Auditing on your SQL Server should be enabled to track database activities across all databases on the server.", remediation: "In the SQL server, open Auditing and enable Azure SQL Auditing." },
    Rec { name: "4ea0f8f5-086d-47fb-8f98-42bf439bdf33", display: "SQL servers should have a Microsoft Entra administrator provisioned", def: Some("1f314764-cb73-4fc9-b863-8eca98ac36e9"), severity: "High", category: "IdentityAndAccess", targets: &[(SQL, None)], kind: "BuiltIn",
        description: "Provision a Microsoft Entra administrator for your SQL server to enable Microsoft Entra authentication.", remediation: "In the SQL server, open Microsoft Entra ID and set an admin." },
    Rec { name: "ab4edc1d-f4c2-43a5-b913-f56f8b0e0e35", display: "Public network access on Azure SQL Database should be disabled", def: Some("1b8ca024-1d5c-4dec-8995-b1a932b41780"), severity: "Medium", category: "Networking", targets: &[(SQL, None)], kind: "BuiltIn",
        description: "Disabling public network access ensures that Azure SQL Database can only be accessed from a private endpoint.", remediation: "In the SQL server, open Networking and set Public network access to Disable." },
    Rec { name: "ad64fd33-c8b3-4348-b88b-2cd0f408e60f", display: "Windows virtual machines should enable Azure Disk Encryption or EncryptionAtHost", def: Some("3dc5edcd-002d-444c-b216-e123bbfa37c0"), severity: "High", category: "Data", targets: &[(VM, Some("windows"))], kind: "BuiltIn",
        description: "Virtual machines without encryption at host or Azure Disk Encryption keep temp disks, caches and data flowing between compute and storage unencrypted.", remediation: "Enable encryption at host or Azure Disk Encryption on the virtual machine." },
    Rec { name: "de54a3de-44f1-4f08-a072-06ea9e310772", display: "Linux virtual machines should enable Azure Disk Encryption or EncryptionAtHost", def: Some("ca88aadc-6e2b-416c-9de2-5a0f01d1693f"), severity: "High", category: "Data", targets: &[(VM, Some("linux"))], kind: "BuiltIn",
        description: "Virtual machines without encryption at host or Azure Disk Encryption keep temp disks, caches and data flowing between compute and storage unencrypted.", remediation: "Enable encryption at host or Azure Disk Encryption on the virtual machine." },
    Rec { name: "beded5f7-3c63-4be1-a1d7-73598bdc6364", display: "Management ports of virtual machines should be protected with just-in-time network access control", def: Some("b0f33259-77d7-4c9e-aac6-3aabcfae693c"), severity: "High", category: "Networking", targets: &[(VM, None)], kind: "BuiltIn",
        description: "Just-in-time VM access locks down inbound traffic to management ports and opens them only when requested and approved.", remediation: "Enable just-in-time VM access on the virtual machine." },
    Rec { name: "d4049e2a-a1ce-4ed9-b5a4-8d1dccf79752", display: "Machines should be configured to periodically check for missing system updates", def: Some("bd876905-5b84-4f73-ab2d-2e7a7c4568d9"), severity: "Medium", category: "Compute", targets: &[(VM, None)], kind: "BuiltIn",
        description: "Periodic assessment of missing system updates every 24 hours keeps the update compliance of your machines visible.", remediation: "Set the machine's patch assessment mode to AutomaticByPlatform in Azure Update Manager." },
    Rec { name: "3e192d15-91bc-48bd-b051-96651ba134ba", display: "Authentication to Linux machines should require SSH keys", def: Some("630c64f9-8b6b-4c64-b511-6544ceff6fd6"), severity: "Medium", category: "IdentityAndAccess", targets: &[(VM, Some("linux"))], kind: "BuiltIn",
        description: "SSH keys are more secure than passwords for authenticating to Linux machines.", remediation: "Disable password authentication and configure SSH public keys on the machine." },
    Rec { name: "25f956e5-ae21-4e6c-b7ef-98642a7d8e3c", display: "App Service apps should only be accessible over HTTPS", def: Some("a4af4a39-4135-47fb-b175-47fbdf85311d"), severity: "Medium", category: "Data", targets: &[(WEB, Some("app"))], kind: "BuiltIn",
        description: "Use of HTTPS ensures server/service authentication and protects data in transit.", remediation: "In the app, open TLS/SSL settings and set 'HTTPS Only' to On." },
    Rec { name: "e5681307-e5f3-4807-b0e4-811394d88c6a", display: "Function apps should only be accessible over HTTPS", def: Some("6d555dd1-86f2-4f1c-8ed7-5abae7c6cbab"), severity: "Medium", category: "Data", targets: &[(WEB, Some("functionapp"))], kind: "BuiltIn",
        description: "Use of HTTPS ensures server/service authentication and protects data in transit.", remediation: "In the function app, open TLS/SSL settings and set 'HTTPS Only' to On." },
    Rec { name: "9745555a-2d73-46f8-b4b5-fefaea0711db", display: "App Service apps should use the latest TLS version", def: Some("f0e6e85b-9b9f-4a4b-b67b-f730d42f1b0b"), severity: "Low", category: "Data", targets: &[(WEB, Some("app"))], kind: "BuiltIn",
        description: "Upgrade to the latest TLS version to benefit from security fixes and new functionality.", remediation: "In the app, open TLS/SSL settings and set the minimum TLS version to 1.2." },
    Rec { name: "55d0293a-5b45-4a5a-82d5-3743d3e16d5c", display: "Azure Kubernetes Service clusters should have Defender profile enabled", def: Some("a1840de2-8088-4ea8-b153-b4c723e9cb01"), severity: "High", category: "Compute", targets: &[(AKS, None)], kind: "BuiltIn",
        description: "The Defender profile provides runtime protection and collects signals from the cluster nodes.", remediation: "Enable the Defender sensor in the cluster's security profile." },
    Rec { name: "180526a2-6e88-49ab-a31e-ddbdbeff26d8", display: "Container CPU and memory limits should be enforced", def: Some("e345eecc-fa47-480f-9e88-67dcc122b164"), severity: "Medium", category: "Compute", targets: &[(AKS, None)], kind: "BuiltIn",
        description: "Enforcing CPU and memory limits prevents resource exhaustion attacks.", remediation: "Set CPU and memory limits on every container in the cluster's workloads." },
    Rec { name: "1d91282b-4096-42b9-bd97-0c67864a39e3", display: "Privileged containers should be avoided", def: Some("95edb821-ddaf-4404-9732-666045e056b4"), severity: "High", category: "Compute", targets: &[(AKS, None)], kind: "BuiltIn",
        description: "To prevent unrestricted host access, avoid privileged containers whenever possible.", remediation: "Remove 'privileged: true' from the security context of the cluster's workloads." },
    Rec { name: "9849b744-ff36-4273-ab32-3f86b2d94f95", display: "Running containers as root user should be avoided", def: Some("f06ddb64-5fa3-4b77-b166-acb36f7f6042"), severity: "High", category: "Compute", targets: &[(AKS, None)], kind: "BuiltIn",
        description: "Containers shouldn't run as root users in your Kubernetes cluster.", remediation: "Set 'runAsNonRoot: true' in the security context of the cluster's workloads." },
    Rec { name: "4e233f3e-6dfd-4715-9fa1-fc4577d9f5b6", display: "Container registries should not allow unrestricted network access", def: Some("d0793b48-0edc-4296-a390-4c75d1bdfd71"), severity: "Medium", category: "Networking", targets: &[(ACR, None)], kind: "BuiltIn",
        description: "Azure container registries by default accept connections over the internet from hosts on any network.", remediation: "In the registry, open Networking and restrict public access to selected networks." },
    Rec { name: "49b61058-ddcc-4ea8-bee2-f69e2ce81e41", display: "Azure registry container images should have vulnerabilities resolved", def: Some("090c7b07-b4ed-4561-ad20-e9075f3ccaff"), severity: "High", category: "Compute", targets: &[(ACR, None)], kind: "BuiltIn",
        description: "Container image vulnerability assessment scans your registry for commonly known vulnerabilities (CVEs).", remediation: "Rebuild the affected images from patched base images and push them to the registry." },
    Rec { name: "7d4a2bd3-935d-43df-88ea-2c83f4920288", display: "Subnets should be associated with a network security group", def: Some("e71308d3-144b-4262-b144-efdc3cc90517"), severity: "High", category: "Networking", targets: &[(VNET, None)], kind: "BuiltIn",
        description: "Protect your subnet from potential threats by restricting access to it with a network security group.", remediation: "Associate a network security group with every subnet of the virtual network." },
    Rec { name: "6e85ecb6-5ba0-4dc5-b4d1-264996c64ecc", display: "Subscriptions should have a contact email address for security issues", def: Some("4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7"), severity: "Low", category: "IdentityAndAccess", targets: &[(SUBSCRIPTION, None)], kind: "BuiltIn",
        description: "Set a security contact to receive email notifications from Microsoft Defender for Cloud.", remediation: "In Environment settings > Email notifications, add a security contact email address." },
    Rec { name: "0cc5acf8-136a-48d6-8852-2f5cdc680568", display: "A maximum of 3 owners should be designated for your subscription", def: Some("4f11b553-d42e-4e3a-89be-32ca364cad4c"), severity: "High", category: "IdentityAndAccess", targets: &[(SUBSCRIPTION, None)], kind: "BuiltIn",
        description: "Designate fewer than four subscription owners to reduce the potential for breach by a compromised owner.", remediation: "Remove the Owner role from accounts that do not need it." },
    Rec { name: "a4597c10-883c-448c-b4ae-bd921fbbb611", display: "[Contoso] Resources should have a costCenter tag", def: None, severity: "Low", category: "Compute", targets: &[(STORAGE, None), (VM, None)], kind: "CustomPolicy",
        description: "Contoso requires a costCenter tag on every storage account and virtual machine.", remediation: "Add a costCenter tag with the owning team's cost center." },
    Rec { name: "c440b3c9-86bc-4625-a7b1-79daf19a6e79", display: "Contoso: virtual machines should be registered in the CMDB", def: None, severity: "Medium", category: "Compute", targets: &[(VM, None)], kind: "CustomerManaged",
        description: "Every virtual machine must have an owner and a record in Contoso's configuration management database.", remediation: "Register the machine in the CMDB and link its resource id." },
];

fn user_impact(sev: &str) -> &'static str {
    match sev {
        "High" => "High",
        "Medium" => "Moderate",
        _ => "Low",
    }
}

/// Deterministic status for (recommendation, resource): ~40% Unhealthy,
/// ~50% Healthy, ~10% NotApplicable.
fn seeded_status(rec: &str, resource: &str) -> AssessmentStatus {
    let h = Sha256::digest(format!("{rec}|{}", resource.to_ascii_lowercase()).as_bytes());
    match h[0] % 10 {
        0..=3 => AssessmentStatus { code: "Unhealthy".into(), cause: None, description: None },
        4..=8 => AssessmentStatus { code: "Healthy".into(), cause: None, description: None },
        _ => AssessmentStatus {
            code: "NotApplicable".into(),
            cause: Some("ResourceNotSupported".into()),
            description: Some("The resource's configuration is not supported by this assessment".into()),
        },
    }
}

fn role(name: &str, principal: &str, ptype: &str, role: &str, scope: &str) -> RoleAssignment {
    RoleAssignment { name: name.into(), principal_id: principal.into(), principal_type: ptype.into(), role: role.into(), scope: scope.into() }
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

pub fn build() -> Result<World, SimError> {
    let mcsb = mcsb_definition()?;
    let mut w = World {
        tenant_id: TENANT_ID.into(),
        tenant_display_name: TENANT_NAME.into(),
        tenant_domain: TENANT_DOMAIN.into(),
        public_client_id: PUBLIC_CLIENT_ID.into(),
        default_user_upn: ADMIN_UPN.into(),
        ..Default::default()
    };
    w.users = vec![
        User { upn: ADMIN_UPN.into(), object_id: ADMIN_OID.into(), display_name: "Alex Admin".into() },
        User { upn: MANAGER_UPN.into(), object_id: MANAGER_OID.into(), display_name: "Morgan Manager".into() },
        User { upn: READER_UPN.into(), object_id: READER_OID.into(), display_name: "Riley Reader".into() },
    ];
    w.service_principals = vec![
        ServicePrincipal { display_name: "exemption-desk-ci".into(), client_id: CI_CLIENT_ID.into(), object_id: CI_OBJECT_ID.into(), client_secret: Some(CI_CLIENT_SECRET.into()) },
        ServicePrincipal { display_name: "Windows Azure Security Resource Provider".into(), client_id: WASRP_APP_ID.into(), object_id: WASRP_OBJECT_ID.into(), client_secret: None },
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

    let group = |name: &str, display: &str, parent: Option<&str>| ManagementGroup { name: name.into(), display_name: display.into(), parent: parent.map(str::to_string) };
    w.management_groups = vec![
        group(TENANT_ID, "Tenant Root Group", None),
        group(MG_CONTOSO, "Contoso", Some(TENANT_ID)),
        group("contoso-platform", "Platform", Some(MG_CONTOSO)),
        group("contoso-landingzones", "Landing Zones", Some(MG_CONTOSO)),
        group("contoso-corp", "Corp", Some("contoso-landingzones")),
        group("contoso-online", "Online", Some("contoso-landingzones")),
        group("contoso-sandbox", "Sandbox", Some(MG_CONTOSO)),
    ];
    let sub = |id: &str, name: &str, mg: &str, env: &str| Subscription {
        id: id.into(),
        display_name: name.into(),
        parent_mg: mg.into(),
        tags: vec![("environment".into(), env.into()), ("owner".into(), "cloud-platform@contoso.example".into())],
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
    let instance_ids = ["06da6f96-3bf4-44d8-a7d5-16f5a1dcd687", "8b29a149-9d22-403a-b3d7-6766962c64cd", "bf41dc74-9117-4c0a-b528-aeab7b7c03c2"];
    for (sub_id, instance) in [SUB_PRODUCTION, SUB_DEVELOPMENT, SUB_SHARED].iter().zip(instance_ids) {
        w.policy_assignments.push(PolicyAssignment {
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
        });
    }
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
    for rec in RECS {
        let targets: Vec<Target> = rec
            .targets
            .iter()
            .map(|(t, k)| if *t == SUBSCRIPTION { Target::Subscription } else { Target::Resource { type_: (*t).into(), kind: k.map(str::to_string) } })
            .collect();
        let policy_definition_id = match (rec.def, rec.kind) {
            (Some(d), _) => pd(d),
            (None, "CustomPolicy") => Some(CUSTOM_DEFINITION_ID.to_string()),
            _ => None,
        };
        w.assessment_metadata.push(AssessmentMetadata {
            name: rec.name.into(),
            display_name: rec.display.into(),
            policy_definition_id,
            description: rec.description.into(),
            remediation_description: rec.remediation.into(),
            categories: vec![rec.category.into()],
            severity: rec.severity.into(),
            user_impact: user_impact(rec.severity).into(),
            implementation_effort: if rec.severity == "High" { "Moderate".into() } else { "Low".into() },
            threats: vec!["dataExfiltration".into(), "dataSpillage".into(), "maliciousInsider".into()],
            assessment_type: rec.kind.into(),
            preview: false,
            targets,
        });
        for t in rec.targets {
            if t.0 == SUBSCRIPTION {
                for s in &w.subscriptions {
                    let id = format!("/subscriptions/{}", s.id);
                    w.assessments.push(Assessment { metadata_name: rec.name.into(), status: seeded_status(rec.name, &id), resource_id: id, first_evaluation: first_eval });
                }
                continue;
            }
            for r in &w.resources {
                let flavour = r.kind.clone().or_else(|| r.tags.iter().find(|(k, _)| k == "os").map(|(_, v)| v.clone()));
                let kind_ok = t.1.is_none_or(|k| flavour.as_deref().is_some_and(|f| f.eq_ignore_ascii_case(k)));
                if r.type_ == t.0 && kind_ok {
                    let status = if rec.kind == "CustomPolicy" {
                        // The costCenter policy really looks at the tag.
                        if r.tags.iter().any(|(k, _)| k == "costCenter") {
                            AssessmentStatus { code: "Healthy".into(), cause: None, description: None }
                        } else {
                            AssessmentStatus { code: "Unhealthy".into(), cause: None, description: None }
                        }
                    } else {
                        seeded_status(rec.name, &r.id)
                    };
                    w.assessments.push(Assessment { metadata_name: rec.name.into(), resource_id: r.id.clone(), status, first_evaluation: first_eval });
                }
            }
        }
    }

    let now = Utc::now();
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
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::policy::set_members;

    #[test]
    fn builds_and_is_consistent() {
        let w = build().expect("demo seed");
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
