//! What the exemption register relies on, as ARM does it: `systemData` kept
//! across PUTs (created unchanged, last modified updated), DELETE 200 then
//! 204, `excludeExpired()` following the clock, `atScope()` at management
//! groups (the group and those above, nothing below), `nextLink` paging of
//! lists of thousands, and the scale seed's exemptions at every level.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use serde_json::{json, Value};

const LZ: &str = "/providers/Microsoft.Management/managementGroups/contoso-landingzones";
const CONTOSO: &str = "/providers/Microsoft.Management/managementGroups/contoso";
const LZ_ASSIGNMENT: &str = "/providers/Microsoft.Management/managementGroups/contoso-landingzones/providers/Microsoft.Authorization/policyAssignments/mcsb-landingzones";
const REF: &str = "secureTransferToStorageAccountMonitoring";

fn list(scope: &str, filter: &str) -> String {
    let f = if filter.is_empty() { String::new() } else { format!("&$filter={filter}") };
    format!("{scope}/providers/Microsoft.Authorization/policyExemptions?api-version={EXEMPTIONS_API}{f}")
}

fn names(v: &Value) -> BTreeSet<String> {
    v["value"].as_array().into_iter().flatten().filter_map(|e| e["name"].as_str().map(str::to_owned)).collect()
}

fn lz_body(expires: Option<&str>) -> Value {
    let mut b =
        json!({"properties": {"policyAssignmentId": LZ_ASSIGNMENT, "policyDefinitionReferenceIds": [REF], "exemptionCategory": "Waiver"}});
    if let Some(t) = expires {
        b["properties"]["expiresOn"] = json!(t);
    }
    b
}

/// Every item of a list, following `nextLink`; and how many pages it took.
async fn every_page(env: &Env, token: &str, first: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut next) = (Vec::new(), 0, Some(first.to_owned()));
    while let Some(url) = next.take() {
        let (s, body) = env.get(token, &url).await;
        assert_eq!(s, 200, "{body}");
        pages += 1;
        let page = body["value"].as_array().expect("value");
        assert!(page.len() <= 100, "a page holds at most 100");
        items.extend(page.iter().cloned());
        next = body["nextLink"].as_str().map(str::to_owned);
        assert!(pages <= 1000, "paging ends");
    }
    (items, pages)
}

#[tokio::test]
async fn system_data_is_kept_on_every_put_and_delete_answers_200_then_204() {
    let env = start().await;
    let alex = env.user_access("alex.admin@contoso.example").await;
    let path = exemption_path(LZ, "lz-secure-transfer");

    let (s, created) = env.put(&alex, &path, lz_body(None)).await;
    assert_eq!(s, 201, "{created}");
    let sd = created["systemData"].clone();
    assert_eq!((sd["createdBy"].as_str(), sd["createdByType"].as_str()), (Some("alex.admin@contoso.example"), Some("User")));
    assert_eq!(sd["lastModifiedAt"], sd["createdAt"]);

    for (round, as_sp) in [true, false, true].into_iter().enumerate() {
        env.sim.advance_clock(3600.0);
        // Tokens live an hour of simulated time: ask again.
        let (alex, sp) = (env.user_access("alex.admin@contoso.example").await, env.sp_token().await);
        let token = if as_sp { &sp } else { &alex };
        let (s, replaced) = env.put(token, &path, lz_body(Some("2099-01-01T00:00:00Z"))).await;
        assert_eq!(s, 200, "round {round}: {replaced}");
        let now = replaced["systemData"].clone();
        assert_eq!(now["createdBy"], sd["createdBy"], "round {round}");
        assert_eq!(now["createdByType"], sd["createdByType"], "round {round}");
        assert_eq!(now["createdAt"], sd["createdAt"], "round {round}");
        assert!(now["lastModifiedAt"].as_str() > sd["lastModifiedAt"].as_str(), "round {round}: {now}");
        let by = if as_sp { "Application" } else { "User" };
        assert_eq!(now["lastModifiedByType"], by, "round {round}");
        let (_, read) = env.get(&alex, &path).await;
        assert_eq!(read["systemData"], now, "round {round}: a GET shows what the PUT answered");
    }
    // PATCH too moves lastModified only.
    env.sim.advance_clock(60.0);
    let alex = env.user_access("alex.admin@contoso.example").await;
    let (s, patched) =
        env.arm(reqwest::Method::PATCH, &alex, &path, Some(json!({"properties": {"assignmentScopeValidation": "Default"}}))).await;
    assert_eq!(s, 200, "{patched}");
    assert_eq!(patched["systemData"]["createdAt"], sd["createdAt"]);
    assert_ne!(patched["systemData"]["lastModifiedAt"], sd["lastModifiedAt"]);

    assert_eq!(env.delete(&alex, &path).await.0, 200);
    assert_eq!(env.delete(&alex, &path).await.0, 204, "deleting what is gone: 204, no error");
    assert_eq!(env.get(&alex, &path).await.0, 404);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn at_scope_at_a_group_holds_it_and_the_groups_above_and_exclude_expired_follows_the_clock() {
    let env = start().await;
    let t = env.sp_token().await;
    let soon = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(env.put(&t, &exemption_path(LZ, "lz-soon"), lz_body(Some(&soon))).await.0, 201);
    let contoso_body = json!({"properties": {
        "policyAssignmentId": format!("{CONTOSO}/providers/Microsoft.Authorization/policyAssignments/contoso-require-costcenter-tag"),
        "exemptionCategory": "Mitigated"}});
    let (s, v) = env.put(&t, &exemption_path(CONTOSO, "contoso-tags"), contoso_body).await;
    assert_eq!(s, 201, "{v}");

    let (_, at_lz) = env.get(&t, &list(LZ, "atScope()")).await;
    assert_eq!(names(&at_lz), BTreeSet::from(["contoso-tags".to_owned(), "lz-soon".to_owned()]), "the group's and the one above");
    let (_, at_contoso) = env.get(&t, &list(CONTOSO, "atScope()")).await;
    assert_eq!(names(&at_contoso), BTreeSet::from(["contoso-tags".to_owned()]), "nothing below");
    let (_, exact) = env.get(&t, &list(LZ, "atExactScope()")).await;
    assert_eq!(names(&exact), BTreeSet::from(["lz-soon".to_owned()]));
    let (_, unfiltered) = env.get(&t, &list(CONTOSO, "")).await;
    assert!(
        names(&unfiltered).is_superset(&BTreeSet::from(["lz-soon".to_owned(), "kv-certs-purge-protection".to_owned()])),
        "unfiltered: below too"
    );

    let (_, live) = env.get(&t, &list(LZ, "atScope() and excludeExpired()")).await;
    assert!(names(&live).contains("lz-soon"));
    env.sim.advance_clock(4.0 * 86_400.0);
    let t = env.sp_token().await;
    let (_, live) = env.get(&t, &list(LZ, "atScope() and excludeExpired()")).await;
    assert_eq!(names(&live), BTreeSet::from(["contoso-tags".to_owned()]), "expired by the simulated clock");
    let (_, all) = env.get(&t, &list(LZ, "atScope()")).await;
    assert!(names(&all).contains("lz-soon"), "still listed without the filter");
    env.sim.shutdown().await;
}

/// `scale:200x250x10000`: ten thousand exemptions spread over every level,
/// every list paged by `nextLink`, each exemption once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scale_seed_pages_thousands_of_exemptions_at_every_level() {
    let sim = azure_sim::Simulator::start("scale:200x250x10000", "127.0.0.1:0".parse().expect("addr")).await.expect("start");
    let base = sim.base_url();
    let http = reqwest::Client::new();
    let principals = http.get(format!("{base}/_sim/principals")).send().await.expect("principals").json().await.expect("json");
    let env = Env { sim, base, http, principals };
    let t = env.sp_token().await;

    // The root group's unfiltered list holds every exemption in the tenant: 100 pages.
    let (all, pages) = every_page(&env, &t, &list(CONTOSO, "")).await;
    assert_eq!(all.len(), 10_000);
    assert_eq!(pages, 100);
    let ids: BTreeSet<String> = all.iter().filter_map(|e| e["id"].as_str()).map(str::to_lowercase).collect();
    assert_eq!(ids.len(), 10_000, "no exemption twice across pages");
    let mut levels: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &ids {
        let scope = &id[..id.find("/providers/microsoft.authorization/").unwrap_or(id.len())];
        let level = match scope.matches('/').count() {
            _ if scope.starts_with("/providers/microsoft.management/") => "group",
            2 => "subscription",
            4 => "resource group",
            _ => "resource",
        };
        *levels.entry(level).or_default() += 1;
    }
    let expected = BTreeMap::from([("group", 500), ("subscription", 1500), ("resource group", 3000), ("resource", 5000)]);
    assert_eq!(levels, expected);
    assert!(all.iter().all(|e| e["systemData"]["createdAt"].is_string() && e["systemData"]["createdBy"].is_string()));

    // A subscription's list pages too, and holds its own, those below and those of the groups above.
    let sub = all
        .iter()
        .filter_map(|e| e["id"].as_str())
        .find_map(|id| id.strip_prefix("/subscriptions/").and_then(|rest| rest.split('/').next()))
        .expect("a subscription's exemption")
        .to_owned();
    let (listed, pages) = every_page(&env, &t, &list(&format!("/subscriptions/{sub}"), "")).await;
    assert!(pages > 1 || listed.len() <= 100);
    let in_sub = listed.iter().filter(|e| e["id"].as_str().is_some_and(|id| id.contains(&sub))).count();
    let above = listed.len() - in_sub;
    assert!(in_sub > 0 && above > 0, "{in_sub} in it, {above} above it");
    env.sim.shutdown().await;
}
