//! `scale:<S>x<R>`: a generated Contoso with S subscriptions under a few
//! management-group levels, R resources per subscription (in resource groups
//! of 50), MCSB assigned at every subscription and the demo recommendations'
//! assessments on every resource they target. Same principals as `demo`.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::demo::{mcsb_assignment, principals, MG_CONTOSO, TENANT_ID};
use super::recs::*;
use super::{iso_definition, mcsb_definition, uuid_from, ISO_ID, MCSB_ID};
use crate::errors::SimError;
use crate::state::*;

pub const MAX_SUBSCRIPTIONS: usize = 2_000;
pub const MAX_RESOURCES: usize = 5_000;
const SUBS_PER_GROUP: usize = 50;
const RESOURCES_PER_RG: usize = 50;

/// (type, kind or OS, name prefix)
const KINDS: &[(&str, Option<&str>, &str)] = &[
    (STORAGE, Some("StorageV2"), "st"),
    (VM, Some("linux"), "vm-lnx-"),
    (WEB, Some("app"), "app-"),
    (KV, None, "kv-"),
    (VM, Some("windows"), "vm-win-"),
    (SQL, None, "sql-"),
    (WEB, Some("functionapp"), "func-"),
    (STORAGE, Some("StorageV2"), "stlogs"),
    (VNET, None, "vnet-"),
    (ACR, None, "acr"),
    (AKS, None, "aks-"),
];

/// Parse `SxR`, e.g. `200x250`.
pub fn parse(spec: &str) -> Option<(usize, usize)> {
    let (s, r) = spec.split_once(['x', 'X'])?;
    let s: usize = s.trim().parse().ok()?;
    let r: usize = r.trim().parse().ok()?;
    (1..=MAX_SUBSCRIPTIONS).contains(&s).then_some(())?;
    (1..=MAX_RESOURCES).contains(&r).then_some((s, r))
}

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b.to_ascii_lowercase() as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn status(rec: &str, resource: &str) -> AssessmentStatus {
    status_from((fnv(rec) ^ fnv(resource)).to_le_bytes()[3])
}

pub fn build(spec: &str) -> Result<World, SimError> {
    let Some((subs, per_sub)) = parse(spec) else {
        return Err(SimError::UnknownSeed(format!(
            "scale:{spec} (expected scale:<subscriptions>x<resources>, 1..={MAX_SUBSCRIPTIONS} x 1..={MAX_RESOURCES})"
        )));
    };
    let mut w = World::default();
    principals(&mut w)?;
    let group = |name: &str, display: &str, parent: &str| ManagementGroup {
        name: name.into(),
        display_name: display.into(),
        parent: Some(parent.into()),
    };
    w.management_groups = vec![
        ManagementGroup { name: TENANT_ID.into(), display_name: "Tenant Root Group".into(), parent: None },
        group(MG_CONTOSO, "Contoso", TENANT_ID),
        group("contoso-platform", "Platform", MG_CONTOSO),
        group("contoso-landingzones", "Landing Zones", MG_CONTOSO),
    ];
    let groups = subs.div_ceil(SUBS_PER_GROUP);
    for g in 0..groups {
        let region = ["emea", "amer", "apac"][g % 3];
        w.management_groups.push(group(
            &format!("contoso-lz-{region}"),
            &format!("Landing Zones {}", region.to_uppercase()),
            "contoso-landingzones",
        ));
        w.management_groups.push(group(&format!("contoso-lz-{g:02}"), &format!("Business unit {g:02}"), &format!("contoso-lz-{region}")));
    }
    w.management_groups.sort_by(|a, b| a.name.cmp(&b.name));
    w.management_groups.dedup_by(|a, b| a.name == b.name);

    w.policy_set_definitions.insert(MCSB_ID.to_string(), mcsb_definition()?);
    w.policy_set_definitions.insert(ISO_ID.to_string(), iso_definition()?);
    w.resources.reserve(subs * per_sub);
    for i in 0..subs {
        let sub = uuid_from(&format!("scale-subscription|{i}"));
        w.subscriptions.push(Subscription {
            id: sub.clone(),
            display_name: format!("Contoso Workload {i:04}"),
            parent_mg: format!("contoso-lz-{:02}", i / SUBS_PER_GROUP),
            tags: vec![("environment".into(), if i % 3 == 0 { "production" } else { "development" }.into())],
            managed_by_tenants: vec![],
        });
        w.policy_assignments.push(mcsb_assignment(&sub, &uuid_from(&format!("mcsb|{sub}"))));
        for k in 0..per_sub {
            let rg = format!("rg-workload-{:02}", k / RESOURCES_PER_RG);
            if k % RESOURCES_PER_RG == 0 {
                w.resource_groups.push(ResourceGroup { subscription_id: sub.clone(), name: rg.clone(), location: "westeurope".into() });
            }
            let (type_, kind, prefix) = KINDS[k % KINDS.len()];
            let name = format!("{prefix}{i:04}x{k:04}");
            let id = format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/{type_}/{name}");
            let mut tags = vec![("environment".to_string(), "workload".to_string())];
            if fnv(&name).is_multiple_of(2) {
                tags.push(("costCenter".into(), format!("CC-{:04}", i)));
            }
            let is_vm = type_ == VM;
            if is_vm {
                tags.push(("os".into(), kind.unwrap_or("").into()));
            }
            w.resources.push(Resource {
                id,
                name,
                type_: type_.into(),
                kind: if is_vm { None } else { kind.map(str::to_string) },
                location: "westeurope".into(),
                subscription_id: sub.clone(),
                resource_group: rg,
                tags,
            });
        }
    }
    let custom = format!("/providers/Microsoft.Management/managementGroups/{MG_CONTOSO}/providers/Microsoft.Authorization/policyDefinitions/require-costcenter-tag");
    let first_eval: DateTime<Utc> = DateTime::parse_from_rfc3339("2024-03-01T08:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default();
    add_assessments(&mut w, first_eval, &custom, status);
    w.policy_assignments.push(PolicyAssignment {
        id: format!("/providers/Microsoft.Management/managementGroups/{MG_CONTOSO}/providers/Microsoft.Authorization/policyAssignments/contoso-require-costcenter-tag"),
        name: "contoso-require-costcenter-tag".into(),
        scope: format!("/providers/Microsoft.Management/managementGroups/{MG_CONTOSO}"),
        display_name: "[Contoso] Require a costCenter tag on resources".into(),
        description: None,
        policy_definition_id: custom,
        definition_version: Some("1.*.*".into()),
        metadata: json!({}),
        parameters: json!({ "tagName": { "value": "costCenter" } }),
        enforcement_mode: "Default".into(),
        instance_id: uuid_from("costcenter"),
    });
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_builds() {
        assert_eq!(parse("200x250"), Some((200, 250)));
        assert_eq!(parse("0x5"), None);
        assert_eq!(parse("5"), None);
        let w = build("3x20").expect("builds");
        assert_eq!(w.subscriptions.len(), 3);
        assert_eq!(w.resources.len(), 60);
        assert!(w.assessments.len() > 60);
        assert!(w.management_groups.iter().any(|m| m.name == "contoso-lz-00"));
        assert!(build("nope").is_err());
    }
}
