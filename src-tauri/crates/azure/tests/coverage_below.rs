//! An exemption at a management group, a subscription or a resource group
//! covers every assignment holding the recommendation inside it: those below
//! the scope get an exemption at their own scope, and after the simulator's
//! effect delay every covered resource is Not applicable (Exempt).

mod common;

use chrono::Utc;
use common::*;
use desk_azure::Tenant;
use desk_core::apply::{ApplyItem, ApplyReport, ItemState};
use desk_core::checks::{CheckKind, CheckStatus};
use desk_core::plan::PlannedWrite;
use desk_core::resource::ResourceStatus;
use desk_core::scope::ScopeChoice;
use serde_json::json;

const LANDING_ZONES: &str = "/providers/Microsoft.Management/managementGroups/contoso-landingzones";

fn devdata() -> String {
    format!("/subscriptions/{DEVELOPMENT}/resourceGroups/rg-dev-data/providers/Microsoft.Storage/storageAccounts/stcontosodevdata")
}

/// (scope, assignment name) of each write, in plan order.
fn placed(writes: &[PlannedWrite]) -> Vec<(String, String)> {
    writes.iter().map(|w| (w.scope.clone(), w.policy_assignment_id.rsplit('/').next().unwrap_or_default().to_owned())).collect()
}

async fn advance_past_effect_delay(world: &World) {
    world.control("/_sim/clock", json!({"advanceSeconds": 3600})).await;
}

fn report(writes: &[PlannedWrite]) -> ApplyReport {
    ApplyReport {
        id: "coverage".into(),
        started_at: Utc::now().to_rfc3339(),
        recommendation_key: SECURE_TRANSFER.into(),
        items: writes
            .iter()
            .enumerate()
            .map(|(i, w)| ApplyItem { index: i as u32, write: w.clone(), state: ItemState::Succeeded, attempts: 1, message: None })
            .collect(),
        finished: true,
    }
}

/// Every resource the recommendation assesses in `subs` under `prefix` that
/// was not already Not applicable is now Not applicable with cause Exempt.
async fn assert_all_exempt(tenant: &Tenant, subs: &[&str], prefix: &str, before: &[String]) {
    let subs: Vec<String> = subs.iter().map(|s| s.to_string()).collect();
    let shown = tenant.recommendation_resources(SECURE_TRANSFER, &subs).await.expect("lists");
    let covered: Vec<_> =
        shown.iter().filter(|r| r.id.to_ascii_lowercase().starts_with(&prefix.to_ascii_lowercase()) && before.contains(&r.id)).collect();
    assert!(!covered.is_empty(), "the scope holds assessed resources");
    for r in covered {
        assert_eq!((r.status, r.cause.as_deref()), (ResourceStatus::NotApplicable, Some("Exempt")), "{}", r.id);
    }
}

/// Ids of the resources the recommendation shows as Healthy or Unhealthy now.
async fn assessed(tenant: &Tenant, subs: &[&str]) -> Vec<String> {
    let subs: Vec<String> = subs.iter().map(|s| s.to_string()).collect();
    let shown = tenant.recommendation_resources(SECURE_TRANSFER, &subs).await.expect("lists");
    shown.into_iter().filter(|r| r.status != ResourceStatus::NotApplicable).map(|r| r.id).collect()
}

#[tokio::test]
async fn a_management_group_exemption_reaches_the_subscriptions_and_resource_assignments_below_it() {
    let world = World::start().await;
    let (morgan, id) = world.as_user("morgan.manager@contoso.example").await;
    morgan.grant_security_reader("contoso-landingzones").await.expect("grants");
    let before = assessed(&morgan, &[PRODUCTION, DEVELOPMENT]).await;
    assert!(before.len() >= 3, "{before:?}");

    let mut d = draft(&[], SECURE_TRANSFER);
    d.scope = ScopeChoice::ManagementGroup { name: "contoso-landingzones".into() };
    let prepared = morgan.prepare(&d, &requester(&id.account)).await.expect("prepares");
    for c in &prepared.checks {
        assert_ne!(c.status, CheckStatus::Failed, "{:?}: {}", c.kind, c.detail);
    }
    let initiatives = prepared.checks.iter().find(|c| c.kind == CheckKind::Initiatives).expect("checked");
    assert!(
        initiatives.detail.starts_with(
            "5 initiative assignments: 1 at or above the management group, 3 on 2 subscriptions below it, 1 on a resource below it."
        ),
        "{}",
        initiatives.detail
    );
    let writes = prepared.writes.expect("plans");
    let prod = format!("/subscriptions/{PRODUCTION}");
    let dev = format!("/subscriptions/{DEVELOPMENT}");
    assert_eq!(placed(&writes)[0], (LANDING_ZONES.to_owned(), "mcsb-landingzones".to_owned()), "the group's own first");
    let mut below = placed(&writes[1..]);
    below.sort();
    let mut expected = vec![
        (prod.clone(), "SecurityCenterBuiltIn".to_owned()),
        (prod.clone(), "ISO27001-2013".to_owned()),
        (dev.clone(), "SecurityCenterBuiltIn".to_owned()),
        (devdata(), "iso27001-devdata".to_owned()),
    ];
    expected.sort();
    assert_eq!(below, expected);
    assert_eq!(writes.iter().filter(|w| w.below_chosen_scope).count(), 4);

    // Only the group's own exemption (what the app used to write): the resources stay held,
    // and the tracker names the assignments that still hold them.
    let (outcomes, _) = apply(&morgan, &writes[..1]).await;
    assert_eq!(outcomes, vec![(0, ItemState::Succeeded)]);
    advance_past_effect_delay(&world).await;
    let partial = morgan.effect(&report(&writes[..1]), morgan.management_groups().await.expect("tree").as_ref()).await.expect("reads");
    assert!(!partial.complete);
    let held: Vec<&str> =
        partial.items.iter().flat_map(|i| &i.held_by).map(|h| h.assignment_id.rsplit('/').next().unwrap_or_default()).collect();
    assert!(held.contains(&"SecurityCenterBuiltIn") && held.contains(&"iso27001-devdata"), "{partial:?}");
    assert!(!held.contains(&"mcsb-landingzones"), "the group's own assignment is exempted: {partial:?}");

    let (outcomes, _) = apply(&morgan, &writes[1..]).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
    let puts =
        world.puts().await.into_iter().filter(|p| p["path"].as_str().unwrap_or("").contains("/policyExemptions/")).collect::<Vec<_>>();
    assert_eq!(puts.len(), 5, "each write sent once");
    for (put, write) in puts.iter().zip(&writes) {
        assert_eq!(put["status"], 201);
        assert_eq!(put["body"]["properties"]["policyAssignmentId"], write.policy_assignment_id.as_str());
        assert!(put["path"].as_str().unwrap_or("").to_ascii_lowercase().starts_with(&write.scope.to_ascii_lowercase()), "{put}");
    }
    advance_past_effect_delay(&world).await;
    assert_all_exempt(&morgan, &[PRODUCTION, DEVELOPMENT], "/subscriptions/", &before).await;
    let done = morgan.effect(&report(&writes), morgan.management_groups().await.expect("tree").as_ref()).await.expect("reads");
    assert!(done.complete, "{done:?}");
    assert!(done.items.iter().all(|i| i.held_by.is_empty()), "{done:?}");
}

#[tokio::test]
async fn a_subscription_exemption_reaches_the_resource_assignment_within_it() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let before = assessed(&tenant, &[DEVELOPMENT]).await;
    assert!(before.contains(&devdata()) || before.iter().any(|id| id.eq_ignore_ascii_case(&devdata())), "{before:?}");
    let prepared = tenant.prepare(&draft(&[DEVELOPMENT], SECURE_TRANSFER), &requester(&identity.account)).await.expect("prepares");
    let initiatives = prepared.checks.iter().find(|c| c.kind == CheckKind::Initiatives).expect("checked");
    assert!(
        initiatives.detail.starts_with("3 initiative assignments: 2 at or above the subscription, 1 on a resource below it."),
        "{}",
        initiatives.detail
    );
    let writes = prepared.writes.expect("plans");
    let dev = format!("/subscriptions/{DEVELOPMENT}");
    assert_eq!(
        placed(&writes),
        vec![
            (dev.clone(), "SecurityCenterBuiltIn".to_owned()),
            (dev.clone(), "mcsb-landingzones".to_owned()),
            (devdata(), "iso27001-devdata".to_owned()),
        ]
    );
    let (outcomes, _) = apply(&tenant, &writes).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
    advance_past_effect_delay(&world).await;
    assert_all_exempt(&tenant, &[DEVELOPMENT], &dev, &before).await;
    let effect = tenant.effect(&report(&writes), None).await.expect("reads");
    assert!(effect.complete, "{effect:?}");
}

#[tokio::test]
async fn a_resource_group_is_a_scope_and_covers_the_resource_assignment_in_it() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let group = format!("/subscriptions/{DEVELOPMENT}/resourceGroups/rg-dev-data");
    let before = assessed(&tenant, &[DEVELOPMENT]).await;
    let mut d = draft(&[], SECURE_TRANSFER);
    d.scope = ScopeChoice::ResourceGroups { ids: vec![group.clone()] };
    let prepared = tenant.prepare(&d, &requester(&identity.account)).await.expect("prepares");
    for c in &prepared.checks {
        assert_ne!(c.status, CheckStatus::Failed, "{:?}: {}", c.kind, c.detail);
    }
    let writes = prepared.writes.expect("plans");
    assert_eq!(
        placed(&writes),
        vec![
            (group.clone(), "SecurityCenterBuiltIn".to_owned()),
            (group.clone(), "mcsb-landingzones".to_owned()),
            (devdata(), "iso27001-devdata".to_owned()),
        ]
    );
    assert!(writes[0].path.starts_with(&format!("{group}/providers/Microsoft.Authorization/policyExemptions/")));
    let (outcomes, _) = apply(&tenant, &writes).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
    advance_past_effect_delay(&world).await;
    assert_all_exempt(&tenant, &[DEVELOPMENT], &group, &before).await;
    // Outside the group nothing changed.
    let after = assessed(&tenant, &[DEVELOPMENT]).await;
    assert!(after.iter().all(|id| !id.to_ascii_lowercase().starts_with(&group.to_ascii_lowercase())));
    assert!(before.iter().filter(|id| !id.to_ascii_lowercase().starts_with(&group.to_ascii_lowercase())).all(|id| after.contains(id)));
}
