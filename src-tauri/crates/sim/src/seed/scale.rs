//! `scale:<S>x<R>[x<E>]`: a generated Contoso with S subscriptions under a few
//! management-group levels, R resources per subscription (in resource groups
//! of 50), MCSB assigned at every subscription, the demo recommendations'
//! assessments on every resource they target and E exemptions over every
//! level (`scale_exemptions`; none when E is left out). Same principals as `demo`.

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

/// Parse `SxR` or `SxRxE`, e.g. `200x250` or `200x250x10000` (E = 0 when left out).
pub fn parse(spec: &str) -> Option<(usize, usize, usize)> {
    let parts: Vec<&str> = spec.split(['x', 'X']).collect();
    let num = |p: &str| p.trim().parse::<usize>().ok();
    let (s, r, e) = match parts.as_slice() {
        [s, r] => (num(s)?, num(r)?, 0),
        [s, r, e] => (num(s)?, num(r)?, num(e)?),
        _ => return None,
    };
    (1..=MAX_SUBSCRIPTIONS).contains(&s).then_some(())?;
    (e <= super::scale_exemptions::MAX_EXEMPTIONS).then_some(())?;
    (1..=MAX_RESOURCES).contains(&r).then_some((s, r, e))
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

/// Build `scale:{spec}`; `now` places the exemptions' dates.
pub fn build(spec: &str, now: DateTime<Utc>) -> Result<World, SimError> {
    let Some((subs, per_sub, exemptions)) = parse(spec) else {
        return Err(SimError::UnknownSeed(format!(
            "scale:{spec} (expected scale:<subscriptions>x<resources>[x<exemptions>], 1..={MAX_SUBSCRIPTIONS} x 1..={MAX_RESOURCES} [x 0..={}])",
            super::scale_exemptions::MAX_EXEMPTIONS
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
    super::scale_exemptions::add(&mut w, exemptions, now)?;
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_builds() {
        assert_eq!(parse("200x250"), Some((200, 250, 0)));
        assert_eq!(parse("200x250x10000"), Some((200, 250, 10_000)));
        assert_eq!(parse("0x5"), None);
        assert_eq!(parse("5"), None);
        assert_eq!(parse("1x2x3x4"), None);
        let w = build("3x20", Utc::now()).expect("builds");
        assert!(w.exemptions.is_empty(), "no E, no exemptions");
        assert_eq!(w.subscriptions.len(), 3);
        assert_eq!(w.resources.len(), 60);
        assert!(w.assessments.len() > 60);
        assert!(w.management_groups.iter().any(|m| m.name == "contoso-lz-00"));
        assert!(build("nope", Utc::now()).is_err());
    }

    #[test]
    fn exemptions_spread_over_every_level_with_every_kind() {
        let now = Utc::now();
        let w = build("3x120x400", now).expect("builds");
        assert_eq!(w.exemptions.len(), 400);
        let level = |scope: &str| match scope.split('/').filter(|s| !s.is_empty()).count() {
            4 if scope.starts_with("/providers/") => "group",
            2 => "subscription",
            4 => "resource group",
            _ => "resource",
        };
        let mut levels = std::collections::BTreeMap::new();
        let mut per_scope = std::collections::HashMap::new();
        for (key, e) in &w.exemptions {
            // The index relies on it: the key is the lower-case id, the id the scope's plus the name.
            assert_eq!(key, &e.id.to_ascii_lowercase());
            assert_eq!(e.id, format!("{}/providers/Microsoft.Authorization/policyExemptions/{}", e.scope, e.name));
            *levels.entry(level(&e.scope)).or_insert(0) += 1;
            *per_scope.entry(e.scope.to_ascii_lowercase()).or_insert(0) += 1;
            // On a seeded assignment at or above the exemption's scope.
            let a = e.properties["policyAssignmentId"].as_str().and_then(|id| w.policy_assignment(id)).expect("assignment");
            assert!(crate::arm::scope::contains_id(&w, &a.scope, &e.scope), "{} not under {}", e.scope, a.scope);
            assert!(!e.created_by.is_empty() && e.last_modified_at >= e.created_at);
        }
        assert_eq!(levels.get("group"), Some(&20));
        assert_eq!(levels.get("subscription"), Some(&60));
        assert_eq!(levels.get("resource group"), Some(&120));
        assert_eq!(levels.get("resource"), Some(&200));
        assert!(per_scope.values().all(|&n| n <= crate::arm::exemptions::MAX_PER_SCOPE));
        let values = w.exemptions.values();
        let expired = values.clone().filter(|e| e.expires_on.is_some_and(|t| t <= now)).count();
        let soon = values.clone().filter(|e| e.expires_on.is_some_and(|t| t > now && t <= now + chrono::Duration::days(14))).count();
        let never = values.clone().filter(|e| e.expires_on.is_none()).count();
        assert_eq!((expired, soon, never), (40, 40, 160));
        let mitigated = values.clone().filter(|e| e.properties["exemptionCategory"] == "Mitigated").count();
        assert_eq!(mitigated, 200);
        assert!(values.clone().any(|e| e.created_by_type == "Application") && values.clone().any(|e| e.created_by_type == "User"));
        assert!(values.clone().any(|e| e.properties.contains_key("policyDefinitionReferenceIds")));
        // A tenant too small for E fails instead of breaking Azure's per-scope limit.
        assert!(build("1x1x5000", now).is_err());
    }
}
