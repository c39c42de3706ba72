//! What Defender shows exempt, read both ways: each recommendation's
//! exempted count, and one exemption's details (as Azure sent it, the
//! resources it covers and which of them show Not applicable / Exempt) are
//! the same through Resource Graph and through ARM's lists.

mod common;

use std::collections::BTreeMap;

use common::*;
use desk_azure::{AzureError, ReadOptions, Tenant};
use desk_core::details::under_scope;
use desk_core::recommendation::Recommendation;
use desk_core::resource::ResourceStatus;
use serde_json::Value;

const ARM: ReadOptions = ReadOptions { resource_graph: false, concurrency: 8 };
const GRAPH: ReadOptions = ReadOptions { resource_graph: true, concurrency: 8 };
const GRAPH_PATH: &str = "/providers/Microsoft.ResourceGraph/resources";

async fn start(seed: &str) -> World {
    if seed == "demo" {
        return World::start().await;
    }
    let sim = azure_sim::Simulator::start(seed, "127.0.0.1:0".parse().expect("addr")).await.expect("simulator starts");
    let principals = reqwest::get(format!("{}/_sim/principals", sim.base_url())).await.expect("principals").json().await.expect("json");
    World { sim, principals }
}

async fn tenant(world: &World, options: ReadOptions) -> Tenant {
    world.as_service_principal().await.0.with_read_options(options)
}

async fn subscriptions(tenant: &Tenant) -> Vec<String> {
    tenant.subscriptions().await.expect("subscriptions").into_iter().map(|s| s.id).collect()
}

async fn graph_queries(world: &World) -> usize {
    world.requests().await.iter().filter(|r| r["method"] == "POST" && r["path"] == GRAPH_PATH && r["status"] == 200).count()
}

/// 0 management group, 1 subscription, 2 resource group, 3 resource.
fn level(scope: &str) -> u8 {
    if scope.to_ascii_lowercase().starts_with("/providers/") {
        return 0;
    }
    match scope.matches('/').count() {
        2 => 1,
        4 => 2,
        _ => 3,
    }
}

fn counts(list: &[Recommendation]) -> BTreeMap<String, [u32; 4]> {
    list.iter().map(|r| (r.key.clone(), [r.healthy_count, r.unhealthy_count, r.not_applicable_count, r.exempted_count])).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exempted_counts_agree_between_resource_graph_and_arm() {
    for seed in ["demo", "scale:3x20x60"] {
        let world = start(seed).await;
        let arm = tenant(&world, ARM).await;
        let subs = subscriptions(&arm).await;
        let by_arm = arm.recommendations(&subs).await.expect("reads from ARM");
        let before = graph_queries(&world).await;
        let by_graph = tenant(&world, GRAPH).await.recommendations(&subs).await.expect("reads through Resource Graph");
        assert!(graph_queries(&world).await > before, "{seed}: Resource Graph answered the counts");
        assert_eq!(counts(&by_graph), counts(&by_arm), "{seed}");
        let exempted: Vec<&Recommendation> = by_arm.iter().filter(|r| r.exempted_count > 0).collect();
        assert!(!exempted.is_empty(), "{seed}: the seed's exemptions show as exempt after the effect delay");
        for r in &by_arm {
            assert!(r.exempted_count <= r.not_applicable_count, "{seed} {}: the exempted are among the not applicable", r.key);
        }
        // The count is the recommendation's resources Defender shows Not applicable with cause Exempt.
        for r in exempted.iter().take(3) {
            let resources = arm.recommendation_resources(&r.key, &subs).await.expect("resources");
            let exempt =
                resources.iter().filter(|x| x.status == ResourceStatus::NotApplicable && x.cause.as_deref() == Some("Exempt")).count();
            assert_eq!(exempt as u32, r.exempted_count, "{seed} {}", r.key);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_exemptions_details_are_the_same_through_resource_graph_and_arm() {
    for seed in ["demo", "scale:3x20x60"] {
        let world = start(seed).await;
        let arm = tenant(&world, ARM).await;
        let graph = tenant(&world, GRAPH).await;
        let subs = subscriptions(&arm).await;
        let mut exemptions = arm.exemptions(&subs).await.expect("exemptions");
        // Every level the seed has: management group, subscription, resource group, resource.
        exemptions.sort_by_key(|e| (level(&e.scope), e.id.clone()));
        exemptions.dedup_by_key(|e| level(&e.scope));
        let (mut covering, mut shown_exempt) = (0, 0);
        for e in &exemptions {
            let by_arm = arm.exemption_details(&e.id).await.expect("details from ARM");
            let before = graph_queries(&world).await;
            let by_graph = graph.exemption_details(&e.id).await.expect("details through Resource Graph");
            let (value, text) = by_arm.raw.clone().expect("it exists");
            assert_eq!(serde_json::from_str::<Value>(&text).expect("the text is JSON"), value, "{seed} {}", e.id);
            assert_eq!(Some(value), arm.exemption_raw(&e.id).await.expect("reads"), "the text is the exemption as read for a change");
            assert_eq!(by_graph.raw.map(|(_, t)| t), Some(text), "{seed} {}", e.id);
            let (a, g) = (by_arm.coverage.expect("coverage"), by_graph.coverage.expect("coverage"));
            assert_eq!(serde_json::to_value(&g).ok(), serde_json::to_value(&a).ok(), "{seed} {}", e.id);
            assert_eq!(a.unavailable, None, "{seed} {}", e.id);
            assert!(!a.recommendations.is_empty(), "{seed} {}: it exempts some recommendation", e.id);
            if a.total > 0 {
                covering += 1;
                assert!(graph_queries(&world).await > before, "{seed} {}: Resource Graph answered", e.id);
            }
            shown_exempt += a.shown_exempt;
            for r in &a.resources {
                assert!(under_scope(&e.scope, &r.resource.id), "{seed} {}: {} is under the scope", e.id, r.resource.id);
                assert!(a.recommendations.iter().any(|x| x.key == r.recommendation_key), "{seed}: one of its recommendations");
            }
        }
        assert!(exemptions.len() >= 3 && covering >= 2, "{seed}: {} exemptions, {covering} covering something", exemptions.len());
        assert!(shown_exempt > 0, "{seed}: Defender shows some covered resource exempt");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_exemption_has_no_details_and_a_malformed_id_is_refused_before_any_read() {
    let world = World::start().await;
    let tenant = tenant(&world, GRAPH).await;
    let gone = format!("/subscriptions/{PRODUCTION}/providers/Microsoft.Authorization/policyExemptions/never-made");
    let read = tenant.exemption_details(&gone).await.expect("reads");
    assert!(read.raw.is_none() && read.coverage.is_none());
    let before = world.requests().await.len();
    for bad in [
        "not an id",
        "/subscriptions/x/providers/Microsoft.Authorization/policyExemptions/a",
        "/subscriptions/../providers/Microsoft.Authorization/policyExemptions/a",
        "/subscriptions/ccc1c389-e16e-4c4b-b02a-71990e781ba5/resourceGroups/rg/providers/Microsoft.Authorization/policyExemptions/a?x=1",
    ] {
        let refused = tenant.exemption_details(bad).await.err();
        assert!(matches!(refused, Some(AzureError::Domain(_))), "{bad}: {refused:?}");
    }
    assert_eq!(world.requests().await.len(), before, "nothing was sent for a malformed id");
}
