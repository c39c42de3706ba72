//! The exemption register across every level: rows at management groups,
//! subscriptions, resource groups and resources, said in words, each once;
//! Resource Graph and ARM's lists give the same rows; batches are handed
//! over as they arrive; a cancelled read stops.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::*;
use desk_azure::{AzureError, Cancel, ReadOptions, Rows, Tenant, Watch};
use desk_core::arm_path::ArmPath;
use desk_core::register::{ExpiryState, RegisterEntry, ScopeLevel};
use serde_json::json;

const CONCURRENT_ARM: ReadOptions = ReadOptions { resource_graph: false, concurrency: 8 };
const GRAPH: ReadOptions = ReadOptions { resource_graph: true, concurrency: 8 };
const EVERY_WAY: [ReadOptions; 3] = [ReadOptions::SEQUENTIAL, CONCURRENT_ARM, GRAPH];
const LANDING_ZONES: &str = "/providers/Microsoft.Management/managementGroups/contoso-landingzones";
const MG_ASSIGNMENT: &str =
    "/providers/Microsoft.Management/managementGroups/contoso-landingzones/providers/Microsoft.Authorization/policyAssignments/mcsb-landingzones";

async fn tenant(world: &World, options: ReadOptions) -> Tenant {
    world.as_service_principal().await.0.with_read_options(options)
}

async fn start(seed: &str) -> World {
    let sim = azure_sim::Simulator::start(seed, "127.0.0.1:0".parse().expect("addr")).await.expect("simulator starts");
    let principals = reqwest::get(format!("{}/_sim/principals", sim.base_url())).await.expect("principals").json().await.expect("json");
    World { sim, principals }
}

/// The rows by lower-case id, as JSON (order-free, comparable).
fn by_id(entries: &[RegisterEntry]) -> BTreeMap<String, String> {
    entries.iter().map(|e| (e.exemption.id.to_lowercase(), serde_json::to_string(e).expect("serializes"))).collect()
}

/// An exemption at management group `contoso-landingzones`: the demo seeds none there.
async fn exempt_landing_zones(tenant: &Tenant) {
    let path = ArmPath::parse_id(LANDING_ZONES).and_then(|p| p.policy_exemption("lz-secure-transfer")).expect("path");
    let body = json!({"properties": {
        "policyAssignmentId": MG_ASSIGNMENT,
        "policyDefinitionReferenceIds": ["secureTransferToStorageAccountMonitoring"],
        "exemptionCategory": "Mitigated",
        "displayName": "Landing zones: storage behind private endpoints",
        "metadata": {"requestedBy": "alex.admin@contoso.example", "approvedBy": "morgan.manager@contoso.example", "ticket": "CHG-9"}
    }});
    tenant.arm().put(&path, desk_azure::api_version::POLICY_EXEMPTIONS, &body).await.expect("exempts the landing zones");
}

fn named<'a>(entries: &'a [RegisterEntry], name: &str) -> &'a RegisterEntry {
    let found: Vec<&RegisterEntry> = entries.iter().filter(|e| e.exemption.name == name).collect();
    assert_eq!(found.len(), 1, "{name} once: {found:?}");
    found[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_demo_register_holds_every_level_in_words() {
    let world = World::start().await;
    exempt_landing_zones(&tenant(&world, ReadOptions::SEQUENTIAL).await).await;
    for options in EVERY_WAY {
        let entries = tenant(&world, options).await.exemption_register(30).await.expect("register");
        let levels: BTreeSet<String> = entries.iter().map(|e| format!("{:?}", e.level)).collect();
        assert_eq!(levels.len(), 4, "{options:?}: every level: {levels:?}");
        assert_eq!(by_id(&entries).len(), entries.len(), "{options:?}: each id once");

        let lz = named(&entries, "lz-secure-transfer");
        assert_eq!(lz.level, ScopeLevel::ManagementGroup);
        assert_eq!(lz.scope_name, "Landing Zones (management group)");
        assert_eq!((lz.subscription_id.as_deref(), lz.subscription_name.as_deref()), (None, None));
        assert_eq!(lz.assignment_name.as_deref(), Some("Microsoft cloud security benchmark (Landing Zones)"));
        assert_eq!(lz.initiative_name.as_deref(), Some("Microsoft cloud security benchmark"));
        let recs: Vec<(&str, Option<&str>)> =
            lz.recommendations.iter().map(|r| (r.display_name.as_str(), r.recommendation_key.as_deref())).collect();
        assert_eq!(recs, [("Secure transfer to storage accounts should be enabled", Some(SECURE_TRANSFER))]);
        assert_eq!(
            (lz.requested_by.as_deref(), lz.approved_by.as_deref(), lz.ticket.as_deref()),
            (Some("alex.admin@contoso.example"), Some("morgan.manager@contoso.example"), Some("CHG-9"))
        );
        assert!(lz.created_by.is_some() && lz.created_at.is_some(), "systemData: {lz:?}");
        assert_eq!(lz.expiry, ExpiryState::Never);

        let sub = named(&entries, "prod-jit-legacy-migration");
        assert_eq!((sub.level, sub.expiry), (ScopeLevel::Subscription, ExpiryState::Expired));
        assert_eq!(sub.scope_name, "Contoso Production");
        assert_eq!(sub.subscription_id.as_deref(), Some(PRODUCTION));
        assert_eq!(sub.created_at.as_deref(), Some("2024-08-01T09:30:00Z"));
        assert_eq!(sub.ticket.as_deref(), Some("CHG-0815"), "the portal's ticketRef");

        let rg = named(&entries, "dev-apps-functions-https");
        assert_eq!(rg.level, ScopeLevel::ResourceGroup);
        assert!(rg.scope_name.starts_with("rg-dev-apps in "), "{}", rg.scope_name);
        assert_eq!(rg.approved_by.as_deref(), Some("morgan.manager@contoso.example"));

        let kv = named(&entries, "kv-certs-purge-protection");
        assert_eq!(kv.level, ScopeLevel::Resource);
        assert!(kv.scope_name.starts_with("kv-contoso-certs (key vault) in rg-shared-registry, "), "{}", kv.scope_name);
        assert!(matches!(kv.expiry, ExpiryState::ExpiresSoon { days: 12..=14 }), "{:?}", kv.expiry);
        assert_eq!(kv.recommendations[0].display_name, "Key vaults should have deletion protection enabled");
        assert!(
            matches!(
                tenant(&world, options)
                    .await
                    .exemption_register(7)
                    .await
                    .expect("register")
                    .iter()
                    .find(|e| e.exemption.name == "kv-certs-purge-protection")
                    .map(|e| e.expiry),
                Some(ExpiryState::Active)
            ),
            "outside a window of 7 days it is active"
        );
    }
}

/// Every way of reading gives the same rows: the demo with a group's
/// exemption (listed at every group below it and in every subscription's
/// list, kept once), and a scale seed with exemptions at every level.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn resource_graph_and_arm_give_the_same_rows() {
    for seed in ["demo", "scale:6x40x600"] {
        let world = start(seed).await;
        if seed == "demo" {
            exempt_landing_zones(&tenant(&world, ReadOptions::SEQUENTIAL).await).await;
        }
        let expected = by_id(&tenant(&world, ReadOptions::SEQUENTIAL).await.exemption_register(30).await.expect("register"));
        if seed != "demo" {
            assert_eq!(expected.len(), 600, "every seeded exemption once");
        }
        for options in [CONCURRENT_ARM, GRAPH] {
            let seen = by_id(&tenant(&world, options).await.exemption_register(30).await.expect("register"));
            assert_eq!(seen.len(), expected.len(), "{seed} {options:?}");
            assert_eq!(seen, expected, "{seed} {options:?}");
        }
        let requests = world.requests().await;
        let graph_ok =
            requests.iter().filter(|r| r["path"] == "/providers/Microsoft.ResourceGraph/resources" && r["status"] == 200).count();
        assert!(graph_ok > 0, "{seed}: Resource Graph answered");
        let group_lists = requests
            .iter()
            .filter(|r| {
                r["path"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("/providers/Microsoft.Management/managementGroups/") && p.ends_with("/policyExemptions"))
            })
            .filter(|r| r["query"]["$filter"] == "atScope()")
            .count();
        assert!(group_lists > 1, "{seed}: ARM read each group's list with atScope(): {group_lists}");

        world.control("/_sim/settings", json!({"resourceGraphAnswer": "denied"})).await;
        let fell_back = by_id(&tenant(&world, GRAPH).await.exemption_register(30).await.expect("register"));
        assert_eq!(fell_back, expected, "{seed}: a denied Resource Graph hands the read to ARM");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scale_register_has_rows_at_every_level_with_their_recommendations() {
    let world = start("scale:4x60x400").await;
    let entries = tenant(&world, GRAPH).await.exemption_register(30).await.expect("register");
    assert_eq!(entries.len(), 400);
    let mut levels: BTreeMap<String, usize> = BTreeMap::new();
    for e in &entries {
        *levels.entry(format!("{:?}", e.level)).or_default() += 1;
    }
    assert_eq!(levels.len(), 4, "{levels:?}");
    assert!(entries.iter().all(|e| !e.scope_name.contains("/subscriptions/") && !e.scope_name.contains("/providers/")), "names, not ids");
    assert!(entries.iter().all(|e| e.created_by.is_some() && e.created_at.is_some()));
    let resolved = entries.iter().filter(|e| e.recommendations.iter().any(|r| r.recommendation_key.is_some())).count();
    let whole = entries.iter().filter(|e| e.exemption.policy_definition_reference_ids.is_empty()).count();
    assert!(resolved > 0 && whole > 0, "some exempt named recommendations ({resolved}), some the whole initiative ({whole})");
    assert!(entries.iter().any(|e| matches!(e.expiry, ExpiryState::ExpiresSoon { .. })));
    assert!(entries.iter().any(|e| e.expiry == ExpiryState::Expired));
}

/// Keeps every batch handed over.
#[derive(Default)]
struct Batches(Mutex<Vec<Vec<RegisterEntry>>>);

impl Rows<RegisterEntry> for Batches {
    fn arrived(&self, rows: &[RegisterEntry]) {
        self.0.lock().expect("lock").push(rows.to_vec());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rows_are_handed_over_as_they_arrive_once_each() {
    let world = start("scale:6x40x600").await;
    // One subscription's list answers seconds after the rest, so ARM's lists
    // end in at least two batches however fast or slow the machine names the
    // first ones (on a loaded machine every list once came back before the
    // names did, and all went over as one batch).
    let everything = tenant(&world, GRAPH).await.exemption_register(30).await.expect("register");
    let late = everything
        .iter()
        .find_map(|e| e.exemption.id.strip_prefix("/subscriptions/").and_then(|rest| rest.split('/').next()))
        .expect("an exemption in a subscription");
    let late_list = format!("/subscriptions/{late}/providers/Microsoft.Authorization/policyExemptions");
    world.control("/_sim/faults", json!({"rules": [{"pathPattern": late_list, "latencyMs": {"fixed": 3000}}]})).await;
    for options in EVERY_WAY {
        let batches = Batches::default();
        let answer = tenant(&world, options)
            .await
            .exemption_register_watched(30, Watch { rows: &batches, cancel: &Cancel::default() })
            .await
            .expect("register");
        let batches = batches.0.into_inner().expect("lock");
        let handed: Vec<RegisterEntry> = batches.iter().flatten().cloned().collect();
        assert_eq!(handed.len(), answer.len(), "{options:?}: each row once");
        assert_eq!(by_id(&handed), by_id(&answer), "{options:?}: every row, as in the answer");
        if options != GRAPH {
            assert!(batches.len() > 1, "{options:?}: in several batches, not held back until the last list");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_register_read_stops_at_once() {
    let world = World::start().await;
    for options in EVERY_WAY {
        let tenant = tenant(&world, options).await;
        world.control("/_sim/faults", json!({"rules": [{"pathPattern": "**", "latencyMs": {"fixed": 5000}}]})).await;
        let cancel = cancelled_after(Duration::from_millis(200));
        let started = Instant::now();
        let answer = tenant.exemption_register_watched(30, Watch { rows: &desk_azure::Unwatched, cancel: &cancel }).await;
        assert!(matches!(answer, Err(AzureError::ReadCancelled)), "{options:?}: {answer:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{options:?}: stopped in {:?}", started.elapsed());
        world.control("/_sim/faults", json!({"rules": []})).await;
    }
}
