//! The `E` of `scale:SxRxE`: E policy exemptions spread over every level of
//! the generated tenant, on its seeded assignments.
//!
//! One in 20 is at a management group (Contoso or below; on the costCenter
//! assignment, the only one at a group), 3 in 20 at a subscription, 6 in 20 at
//! a resource group, 10 in 20 at a resource; within a level they are spread
//! evenly over its scopes. Below the groups, one in four is on the costCenter
//! assignment, the rest on the subscription's MCSB assignment (a third of
//! those for the whole initiative, the others for one recommendation's
//! reference id). Both categories alternate; one in ten has expired, one in
//! ten expires within 14 days, four in ten later, four in ten never; a third
//! were created by the CI service principal, the rest by Alex; every one has
//! systemData and metadata like the app writes.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Map};

use super::demo::{ADMIN_UPN, CI_CLIENT_ID, MG_CONTOSO};
use crate::arm::exemptions::MAX_PER_SCOPE;
use crate::errors::SimError;
use crate::index::set_members;
use crate::state::{Exemption, World};

/// Upper bound of E (the per-scope limit of 1,000 binds first in small tenants).
pub const MAX_EXEMPTIONS: usize = 200_000;

/// The level of the `i`-th exemption: 0 group, 1 subscription, 2 resource group, 3 resource.
fn level(i: usize) -> usize {
    match i % 20 {
        0 => 0,
        1..=3 => 1,
        4..=9 => 2,
        _ => 3,
    }
}

/// The `n`-th of `total` items spread evenly over `len` scopes.
fn spread(n: usize, total: usize, len: usize) -> usize {
    (n.saturating_mul(len) / total.max(1)).min(len.saturating_sub(1))
}

/// Add `count` exemptions to a generated scale world (after its assignments
/// and assessments). Fails when a scope would exceed Azure's 1,000.
pub fn add(w: &mut World, count: usize, now: DateTime<Utc>) -> Result<(), SimError> {
    let contoso = format!("/providers/Microsoft.Management/managementGroups/{MG_CONTOSO}");
    let costcenter = w
        .policy_assignments
        .iter()
        .find(|a| a.scope.eq_ignore_ascii_case(&contoso))
        .map(|a| a.id.clone())
        .ok_or_else(|| SimError::SeedData("scale: no assignment at the Contoso group".into()))?;
    // Groups at or below Contoso (every group but the tenant root).
    let groups: Vec<String> = w
        .management_groups
        .iter()
        .filter(|m| m.parent.is_some())
        .map(|m| format!("/providers/Microsoft.Management/managementGroups/{}", m.name))
        .collect();
    let subs: Vec<String> = w.subscriptions.iter().map(|s| s.id.clone()).collect();
    let rgs: Vec<(String, String)> = w.resource_groups.iter().map(|g| (g.subscription_id.clone(), g.name.clone())).collect();
    let resources: Vec<(String, String)> = w.resources.iter().map(|r| (r.subscription_id.clone(), r.id.clone())).collect();
    // MCSB reference ids of the seeded recommendations (so exemptions change statuses).
    let members = w
        .policy_set_by_id(&format!("/providers/Microsoft.Authorization/policySetDefinitions/{}", super::MCSB_ID))
        .map(set_members)
        .unwrap_or_default();
    let refs: Vec<String> = members
        .into_iter()
        .filter(|(_, d)| w.assessment_metadata.iter().any(|m| m.policy_definition_id.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(d))))
        .map(|(r, _)| r)
        .collect();
    let mcsb_by_sub: std::collections::HashMap<String, String> = w
        .policy_assignments
        .iter()
        .filter_map(|a| Some((a.scope.strip_prefix("/subscriptions/")?.to_ascii_lowercase(), a.id.clone())))
        .collect();
    let mcsb_of = |sub: &str| mcsb_by_sub.get(&sub.to_ascii_lowercase()).cloned();

    let per_level: Vec<usize> = (0..4).map(|l| (0..count).filter(|&i| level(i) == l).count()).collect();
    let sizes = [groups.len(), subs.len(), rgs.len(), resources.len()];
    for l in 0..4 {
        if per_level[l] > 0 && per_level[l].div_ceil(sizes[l].max(1)) > MAX_PER_SCOPE {
            return Err(SimError::UnknownSeed(format!(
                "scale: {count} exemptions put more than {MAX_PER_SCOPE} at one scope of this tenant; use fewer or a larger tenant"
            )));
        }
    }
    let mut seen = [0usize; 4];
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let l = level(i);
        let n = seen[l];
        seen[l] += 1;
        let at = spread(n, per_level[l], sizes[l]);
        let (scope, sub) = match l {
            0 => (groups[at].clone(), None),
            1 => (format!("/subscriptions/{}", subs[at]), Some(subs[at].clone())),
            2 => (format!("/subscriptions/{}/resourceGroups/{}", rgs[at].0, rgs[at].1), Some(rgs[at].0.clone())),
            _ => (resources[at].1.clone(), Some(resources[at].0.clone())),
        };
        let mcsb = sub.as_deref().and_then(mcsb_of).filter(|_| i % 4 != 1);
        let mut p = Map::new();
        match &mcsb {
            Some(id) => {
                p.insert("policyAssignmentId".into(), json!(id));
                if i % 3 != 0 && !refs.is_empty() {
                    p.insert("policyDefinitionReferenceIds".into(), json!([refs[i % refs.len()]]));
                }
            }
            None => {
                p.insert("policyAssignmentId".into(), json!(costcenter));
            }
        }
        let category = if i % 2 == 0 { "Waiver" } else { "Mitigated" };
        p.insert("exemptionCategory".into(), json!(category));
        let days = |d: usize| Duration::days(d as i64);
        let expires = match i % 10 {
            0 => Some(now - days(1 + i % 30)),
            1 => Some(now + days(1 + i % 13)),
            2..=5 => Some(now + days(90 + i % 275)),
            _ => None,
        };
        if let Some(t) = expires {
            p.insert("expiresOn".into(), json!(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)));
        }
        p.insert("displayName".into(), json!(format!("Scale exemption {i:05}")));
        p.insert("description".into(), json!(format!("{category} {i} generated by the scale seed.")));
        p.insert(
            "metadata".into(),
            json!({ "ticketRef": format!("SCALE-{i:05}"), "requestedBy": ADMIN_UPN, "createdWith": "Exemption Desk" }),
        );
        let (by, by_type) = if i % 3 == 0 { (CI_CLIENT_ID, "Application") } else { (ADMIN_UPN, "User") };
        let created = now - days(30 + i % 300);
        let name = format!("scale-exemption-{i:05}");
        out.push(Exemption {
            id: format!("{scope}/providers/Microsoft.Authorization/policyExemptions/{name}"),
            name,
            scope,
            properties: p,
            expires_on: expires,
            created_by: by.into(),
            created_by_type: by_type.into(),
            created_at: created,
            last_modified_by: by.into(),
            last_modified_by_type: by_type.into(),
            last_modified_at: created + days(i % 7),
        });
    }
    for e in out {
        w.exemptions.insert(e.id.to_ascii_lowercase(), e);
    }
    Ok(())
}
