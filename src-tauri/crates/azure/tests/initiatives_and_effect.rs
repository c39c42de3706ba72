//! A recommendation held by several initiatives is exempted in each; after
//! an apply, the effect is pending until Defender shows the resources exempt.

mod common;

use chrono::Utc;
use common::*;
use desk_core::apply::{ApplyItem, ApplyReport, ItemState};
use desk_core::resource::ResourceStatus;
use desk_core::scope::ScopeChoice;
use serde_json::json;

const SHARED_SERVICES: &str = "644229d8-401b-4ed5-9b1c-5f7bf2d941da";

#[tokio::test]
async fn each_initiative_holding_the_recommendation_gets_an_exemption_with_its_own_reference_ids() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let writes = plan(&tenant, &draft(&[SHARED_SERVICES], SECURE_TRANSFER), &identity.account).await.expect("plans");
    let mut initiatives: Vec<&str> = writes.iter().map(|w| w.initiative_name.as_str()).collect();
    initiatives.sort();
    assert_eq!(initiatives, vec!["ISO 27001:2013", "Microsoft cloud security benchmark"]);
    let iso = writes.iter().find(|w| w.initiative_name.starts_with("ISO")).expect("ISO write");
    assert_eq!(iso.policy_definition_reference_ids, vec!["AuditSecureTransferToStorageAccounts"]);
    assert_ne!(iso.name, writes[0].name, "two exemptions at one scope need two names");
    let (outcomes, _) = apply(&tenant, &writes).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
    assert!(world.puts().await.iter().all(|p| p["status"] == 201), "Azure accepted each initiative's reference ids");
}

#[tokio::test]
async fn an_initiative_assigned_on_the_resource_itself_is_exempted_there_too() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let rg = |name: &str| format!("/subscriptions/{DEVELOPMENT}/resourceGroups/{name}/providers/Microsoft.Storage/storageAccounts");
    // ISO 27001 is assigned on stcontosodevdata alone; its neighbour in another group has only the benchmark.
    let data = format!("{}/stcontosodevdata", rg("rg-dev-data"));
    let apps = format!("{}/stcontosodevapps", rg("rg-dev-apps"));
    let mut d = draft(&[], SECURE_TRANSFER);
    d.scope = ScopeChoice::Resources { ids: vec![data.clone(), apps.clone()] };
    let writes = plan(&tenant, &d, &identity.account).await.expect("plans");
    let at = |scope: &str| {
        let mut found: Vec<(String, String)> = writes
            .iter()
            .filter(|w| w.scope.eq_ignore_ascii_case(scope))
            .map(|w| (w.initiative_name.clone(), w.policy_assignment_id.rsplit('/').next().unwrap_or_default().to_owned()))
            .collect();
        found.sort();
        found
    };
    // Both have the benchmark twice (the subscription's and the Landing Zones management group's).
    let assignments = |scope: &str| at(scope).into_iter().map(|(_, a)| a).collect::<Vec<_>>();
    assert_eq!(assignments(&data), vec!["iso27001-devdata", "SecurityCenterBuiltIn", "mcsb-landingzones"], "{writes:?}");
    assert_eq!(assignments(&apps), vec!["SecurityCenterBuiltIn", "mcsb-landingzones"]);
    assert_eq!(at(&data)[0].0, "ISO 27001:2013");

    let (outcomes, _) = apply(&tenant, &writes).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
    assert!(world.puts().await.iter().all(|p| p["status"] == 201), "Azure accepted an exemption of the resource's own assignment");
}

#[tokio::test]
async fn the_effect_is_pending_until_defender_catches_up_then_shows_the_exemption() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let subs = vec![PRODUCTION.to_owned()];
    let resources = tenant.recommendation_resources(SECURE_TRANSFER, &subs).await.expect("lists");
    let target = resources.iter().find(|r| r.status == ResourceStatus::Unhealthy).expect("an unhealthy account").id.clone();
    let mut d = draft(&[], SECURE_TRANSFER);
    d.scope = ScopeChoice::Resources { ids: vec![target.clone()] };
    let writes = plan(&tenant, &d, &identity.account).await.expect("plans");
    apply(&tenant, &writes).await;
    let report = ApplyReport {
        id: "a".into(),
        started_at: Utc::now().to_rfc3339(),
        recommendation_key: SECURE_TRANSFER.into(),
        items: writes
            .iter()
            .enumerate()
            .map(|(i, w)| ApplyItem { index: i as u32, write: w.clone(), state: ItemState::Succeeded, attempts: 1, message: None })
            .collect(),
        finished: true,
    };
    let before = tenant.effect(&report, None).await.expect("reads");
    assert!(!before.complete);
    assert_eq!((before.items[0].pending, before.items[0].exempt), (1, 0));

    reqwest::Client::new()
        .post(format!("{}/_sim/clock", world.sim.base_url()))
        .json(&json!({"advanceSeconds": 3600}))
        .send()
        .await
        .expect("clock");
    let after = tenant.effect(&report, None).await.expect("reads");
    assert!(after.complete, "{after:?}");
    assert_eq!((after.items[0].pending, after.items[0].exempt), (0, 1));
    let shown = tenant.recommendation_resources(SECURE_TRANSFER, &subs).await.expect("lists");
    let exempt = shown.iter().find(|r| r.id == target).expect("still listed");
    assert_eq!((exempt.status, exempt.cause.as_deref()), (ResourceStatus::NotApplicable, Some("Exempt")));
    assert!(exempt.exemption_id.as_deref().is_some_and(|id| id.contains("/policyExemptions/backend-test")), "{exempt:?}");
}
