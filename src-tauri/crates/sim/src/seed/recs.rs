//! The recommendations (assessment metadata) every seed uses, and how their
//! per-resource assessments are generated.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::state::*;

pub const STORAGE: &str = "Microsoft.Storage/storageAccounts";
pub const VM: &str = "Microsoft.Compute/virtualMachines";
pub const KV: &str = "Microsoft.KeyVault/vaults";
pub const SQL: &str = "Microsoft.Sql/servers";
pub const WEB: &str = "Microsoft.Web/sites";
pub const AKS: &str = "Microsoft.ContainerService/managedClusters";
pub const VNET: &str = "Microsoft.Network/virtualNetworks";
pub const ACR: &str = "Microsoft.ContainerRegistry/registries";

pub struct Rec {
    pub name: &'static str,
    pub display: &'static str,
    pub def: Option<&'static str>,
    pub severity: &'static str,
    pub category: &'static str,
    pub targets: &'static [(&'static str, Option<&'static str>)],
    pub kind: &'static str,
    pub description: &'static str,
    pub remediation: &'static str,
}

/// Target type `"subscription"` means the subscription itself.
pub const SUBSCRIPTION: &str = "subscription";

#[rustfmt::skip]
pub const RECS: &[Rec] = &[
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

pub fn user_impact(sev: &str) -> &'static str {
    match sev {
        "High" => "High",
        "Medium" => "Moderate",
        _ => "Low",
    }
}

/// Deterministic status for (recommendation, resource): ~40% Unhealthy,
/// ~50% Healthy, ~10% NotApplicable.
pub fn seeded_status(rec: &str, resource: &str) -> AssessmentStatus {
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

/// The `AssessmentMetadata` of a recommendation; `custom_definition` is the
/// policy definition id `CustomPolicy` recommendations point at.
pub fn metadata_of(rec: &Rec, custom_definition: &str) -> AssessmentMetadata {
    let targets: Vec<Target> =
        rec.targets
            .iter()
            .map(|(t, k)| {
                if *t == SUBSCRIPTION {
                    Target::Subscription
                } else {
                    Target::Resource { type_: (*t).into(), kind: k.map(str::to_string) }
                }
            })
            .collect();
    let policy_definition_id = match (rec.def, rec.kind) {
        (Some(d), _) => Some(format!("/providers/Microsoft.Authorization/policyDefinitions/{d}")),
        (None, "CustomPolicy") => Some(custom_definition.to_string()),
        _ => None,
    };
    AssessmentMetadata {
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
        planned_deprecation_date: None,
    }
}

/// Does a recommendation target apply to this resource?
pub fn applies(target: &(&str, Option<&str>), r: &Resource) -> bool {
    if r.type_ != target.0 {
        return false;
    }
    let flavour = r.kind.as_deref().or_else(|| r.tags.iter().find(|(k, _)| k == "os").map(|(_, v)| v.as_str()));
    target.1.is_none_or(|k| flavour.is_some_and(|f| f.eq_ignore_ascii_case(k)))
}

/// Add metadata and assessments for every recommendation to the world.
/// `status` gives the seeded status of (recommendation, resource id).
pub fn add_assessments(w: &mut World, first_eval: DateTime<Utc>, custom_definition: &str, status: impl Fn(&str, &str) -> AssessmentStatus) {
    for rec in RECS {
        w.assessment_metadata.push(metadata_of(rec, custom_definition));
        for t in rec.targets {
            if t.0 == SUBSCRIPTION {
                for s in &w.subscriptions {
                    let id = format!("/subscriptions/{}", s.id);
                    w.assessments.push(Assessment {
                        metadata_name: rec.name.into(),
                        status: status(rec.name, &id),
                        resource_id: id,
                        first_evaluation: first_eval,
                    });
                }
                continue;
            }
            for r in &w.resources {
                if !applies(t, r) {
                    continue;
                }
                let st = if rec.kind == "CustomPolicy" {
                    // The costCenter policy really looks at the tag.
                    let code = if r.tags.iter().any(|(k, _)| k == "costCenter") { "Healthy" } else { "Unhealthy" };
                    AssessmentStatus { code: code.into(), cause: None, description: None }
                } else {
                    status(rec.name, &r.id)
                };
                w.assessments.push(Assessment {
                    metadata_name: rec.name.into(),
                    resource_id: r.id.clone(),
                    status: st,
                    first_evaluation: first_eval,
                });
            }
        }
    }
}

/// The ~40 % Unhealthy / 50 % Healthy / 10 % NotApplicable mix from a byte.
pub fn status_from(b: u8) -> AssessmentStatus {
    match b % 10 {
        0..=3 => AssessmentStatus { code: "Unhealthy".into(), cause: None, description: None },
        4..=8 => AssessmentStatus { code: "Healthy".into(), cause: None, description: None },
        _ => AssessmentStatus {
            code: "NotApplicable".into(),
            cause: Some("ResourceNotSupported".into()),
            description: Some("The resource's configuration is not supported by this assessment".into()),
        },
    }
}
