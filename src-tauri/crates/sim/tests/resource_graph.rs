//! Resource Graph served by the simulator: the KQL subset (each operator and
//! the errors), rows that agree with the ARM endpoints, paging, RBAC and scope
//! narrowing, the per-user quota and the faults that make it fail.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use serde_json::{json, Value};

const ARG: &str = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01";

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn arg(env: &Env, token: &str, body: Value) -> Answer {
    let r = env.http.post(format!("{}{ARG}", env.base)).bearer_auth(token).json(&body).send().await.expect("arg request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.json().await.unwrap_or(Value::Null);
    Answer { status, headers, body }
}

/// The rows of a query that must succeed in one page.
async fn rows(env: &Env, token: &str, query: &str) -> Vec<Value> {
    let a = arg(env, token, json!({ "query": query })).await;
    assert_eq!(a.status, 200, "{query}: {}", a.body);
    assert!(a.body.get("$skipToken").is_none(), "{query}: more than one page");
    assert_eq!(a.body["count"], a.body["totalRecords"]);
    a.body["data"].as_array().expect("data").clone()
}

async fn settings(env: &Env, v: Value) {
    let r = env.http.post(format!("{}/_sim/settings", env.base)).json(&v).send().await.expect("settings");
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
}

fn col<'a>(rows: &'a [Value], c: &str) -> Vec<&'a str> {
    rows.iter().map(|r| r[c].as_str().unwrap_or("")).collect()
}

async fn quota_off(env: &Env) {
    settings(env, json!({ "resourceGraphQuota": 1000 })).await;
}

#[tokio::test]
async fn each_operator_of_the_subset() {
    let env = start().await;
    quota_off(&env).await;
    let t = env.user_access("alex.admin@contoso.example").await;
    let all = rows(&env, &t, "resources").await;
    assert!(all.len() > 10, "{}", all.len());
    let r0 = &all[0];
    for c in ["id", "name", "type", "tenantId", "kind", "location", "resourceGroup", "subscriptionId", "properties", "tags"] {
        assert!(r0.get(c).is_some(), "missing {c}: {r0}");
    }
    assert_eq!(r0["type"].as_str().map(str::to_lowercase).as_deref(), r0["type"].as_str());
    let n = |q: &'static str| {
        let (env, t) = (&env, t.clone());
        async move { rows(env, &t, q).await.len() }
    };
    let storage = all.iter().filter(|r| r["type"] == "microsoft.storage/storageaccounts").count();
    assert!(storage > 0);
    // where: ==, =~, !=, !~, in, !in, in~, has, contains, startswith, and/or/not, isempty
    assert_eq!(n("resources | where type == 'microsoft.storage/storageaccounts'").await, storage);
    assert_eq!(n("resources | where type == 'Microsoft.Storage/storageAccounts'").await, 0, "== is case-sensitive");
    assert_eq!(n("resources | where type =~ 'Microsoft.Storage/storageAccounts'").await, storage);
    assert_eq!(n("resources | where type != 'microsoft.storage/storageaccounts'").await, all.len() - storage);
    assert_eq!(n("resources | where type !~ 'MICROSOFT.STORAGE/storageaccounts'").await, all.len() - storage);
    assert_eq!(n("resources | where type in ('microsoft.storage/storageaccounts', 'x')").await, storage);
    assert_eq!(n("resources | where type in~ ('Microsoft.Storage/StorageAccounts')").await, storage);
    assert_eq!(n("resources | where type !in ('microsoft.storage/storageaccounts')").await, all.len() - storage);
    assert_eq!(n("resources | where type has 'storageaccounts'").await, storage);
    assert_eq!(n("resources | where type has 'storageacc'").await, 0, "has matches whole terms");
    assert_eq!(n("resources | where type contains 'STORAGEACC'").await, storage);
    assert_eq!(n("resources | where type startswith 'microsoft.storage/'").await, storage);
    assert_eq!(n("resources | where type == 'microsoft.storage/storageaccounts' or type == 'nothing'").await, storage);
    assert_eq!(n("resources | where type == 'microsoft.storage/storageaccounts' and not(isempty(name))").await, storage);
    assert_eq!(n("resources | where isnotempty(kind) or isempty(kind)").await, all.len());
    // comparison of numbers, extend with property paths and functions
    let ext = rows(&env, &t, "resources | extend t = tolower(toupper(type)), l = iff(type has 'storageaccounts', 1, 0), c = case(type has 'storageaccounts', 'st', 'other') | where l > 0 and l >= 1 and l < 2 | project name, t, c").await;
    assert_eq!(ext.len(), storage);
    assert!(
        ext.iter().all(|r| r["c"] == "st" && r["t"] == "microsoft.storage/storageaccounts" && r.as_object().map(|o| o.len()) == Some(3)),
        "{ext:?}"
    );
    // project with renames and paths, project-away, take/limit, order by
    let p = rows(&env, &t, "resources | project n = name, sub = subscriptionId, tags.env, properties['missing'] | order by n asc | take 3")
        .await;
    assert_eq!(p.len(), 3);
    assert!(p[0].get("n").is_some() && p[0].get("tags_env").is_some() && p[0].get("properties_missing").is_some(), "{}", p[0]);
    let mut names: Vec<&str> = col(&all, "name");
    names.sort();
    assert_eq!(col(&p, "n"), names[..3].to_vec());
    let desc = rows(&env, &t, "resources | sort by name desc | limit 2 | project-away properties, tags").await;
    assert_eq!(col(&desc, "name"), names.iter().rev().take(2).copied().collect::<Vec<_>>());
    assert!(desc[0].get("properties").is_none() && desc[0].get("id").is_some());
    let dflt = rows(&env, &t, "resources | order by name | take 1").await;
    assert_eq!(dflt[0]["name"].as_str(), names.last().copied(), "order by defaults to descending");
    // summarize count() / countif() by, distinct
    let s = rows(&env, &t, "resources | summarize total = count(), st = countif(type has 'storageaccounts') by subscriptionId").await;
    let subs: BTreeSet<&str> = col(&all, "subscriptionId").into_iter().collect();
    assert_eq!(s.len(), subs.len());
    assert_eq!(s.iter().map(|r| r["total"].as_u64().unwrap_or(0)).sum::<u64>() as usize, all.len());
    assert_eq!(s.iter().map(|r| r["st"].as_u64().unwrap_or(0)).sum::<u64>() as usize, storage);
    let c = rows(&env, &t, "resources | summarize count()").await;
    assert_eq!(c[0]["count_"].as_u64(), Some(all.len() as u64));
    let d = rows(&env, &t, "resources | distinct subscriptionId, type").await;
    let pairs: BTreeSet<(String, String)> = all.iter().map(|r| (r["subscriptionId"].to_string(), r["type"].to_string())).collect();
    assert_eq!(d.len(), pairs.len());
    // join: leftouter with $left/$right, inner on a shared column
    let j = rows(&env, &t, "resources | join kind=leftouter (resourcecontainers | where type == 'microsoft.resources/subscriptions' | project subscriptionId, subName = name) on $left.subscriptionId == $right.subscriptionId | project name, subName, subscriptionId1").await;
    assert_eq!(j.len(), all.len());
    assert!(j.iter().all(|r| r["subName"].as_str().is_some_and(|s| !s.is_empty()) && r["subscriptionId1"].is_string()), "{:?}", j[0]);
    let inner = rows(&env, &t, "resources | join kind=inner (resources | where type has 'storageaccounts' | project id) on id").await;
    assert_eq!(inner.len(), storage);
    let unique = rows(&env, &t, "resources | project subscriptionId | join (resourcecontainers | where type == 'microsoft.resources/subscriptions' | project subscriptionId) on subscriptionId").await;
    assert_eq!(unique.len(), subs.len(), "kind=innerunique (the default) keeps one row per left key");
    // mv-expand
    let mv = rows(&env, &t, "resourcecontainers | where type == 'microsoft.resources/subscriptions' | mv-expand g = properties.managementGroupAncestorsChain | project name, g = tostring(g.name)").await;
    assert!(mv.len() > subs.len(), "{mv:?}");
    // comments and double-quoted strings
    assert_eq!(n("resources // every resource\n| where type == \"microsoft.storage/storageaccounts\"").await, storage);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn queries_outside_the_subset_are_args_400() {
    let env = start().await;
    let t = env.user_access("alex.admin@contoso.example").await;
    for (q, token, line, pos) in [
        ("resources | render piechart", "render", 1, 12),
        ("securityresources\n| where name matches regex 'x'", "matches", 2, 13),
        ("resources | where name == ", "<end of query>", 1, 26),
        ("Heartbeat | take 1", "Heartbeat", 1, 0),
        ("resources | extend k = bag_keys(properties)", "bag_keys", 1, 23),
        ("resources | where name == 'open", "'open", 1, 26),
    ] {
        let a = arg(&env, &t, json!({ "query": q })).await;
        assert_eq!(a.status, 400, "{q}: {}", a.body);
        assert_eq!(a.body["error"]["code"], "BadRequest", "{}", a.body);
        let d = &a.body["error"]["details"];
        assert_eq!(d[0]["code"], "InvalidQuery", "{}", a.body);
        assert!(d[0]["message"].as_str().unwrap_or("").contains(token), "{q}: {}", a.body);
        assert_eq!(d[1]["token"], token, "{q}: {}", a.body);
        assert_eq!((d[1]["line"].as_u64(), d[1]["characterPositionInLine"].as_u64()), (Some(line), Some(pos)), "{q}: {}", a.body);
        assert!(a.headers.contains_key("x-ms-user-quota-remaining"));
    }
    for body in [
        json!({}),
        json!({ "query": "resources", "options": { "$top": 1001 } }),
        json!({ "query": "resources", "options": { "$skipToken": "bm9wZQ==" } }),
    ] {
        let a = arg(&env, &t, body.clone()).await;
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert_eq!(a.body["error"]["code"], "BadRequest");
    }
    env.sim.shutdown().await;
}

/// (recommendation, status code) -> count, from the ARM assessment lists of every subscription.
async fn arm_counts(env: &Env, t: &str) -> BTreeMap<(String, String), u64> {
    let (subs, _) = env.get_all(t, "/subscriptions?api-version=2022-12-01").await;
    let mut counts = BTreeMap::new();
    for s in subs {
        let id = s["subscriptionId"].as_str().expect("sub").to_string();
        let (items, _) =
            env.get_all(t, &format!("/subscriptions/{id}/providers/Microsoft.Security/assessments?api-version=2021-06-01")).await;
        for a in items {
            let key = (a["name"].as_str().unwrap_or("").to_string(), a["properties"]["status"]["code"].as_str().unwrap_or("").to_string());
            *counts.entry(key).or_insert(0) += 1;
        }
    }
    counts
}

#[tokio::test]
async fn assessments_and_exemptions_agree_with_arm() {
    let env = start().await;
    quota_off(&env).await;
    env.sim.set_exemption_effect_delay(0);
    let t = env.user_access("alex.admin@contoso.example").await;
    // Exemptions at a resource group, a subscription and a management group.
    let scopes = [format!("/subscriptions/{PROD}/resourceGroups/rg-prod-web"), format!("/subscriptions/{DEV}")];
    for (i, scope) in scopes.iter().enumerate() {
        let sub = if i == 0 { PROD } else { DEV };
        let (s, b) = env
            .put(&t, &exemption_path(scope, &format!("arg-{i}")), json!({ "properties": { "policyAssignmentId": mcsb_assignment(sub), "exemptionCategory": "Waiver", "displayName": "ARG test" } }))
            .await;
        assert!(s == 201 || s == 200, "{s} {b}");
    }
    let mg_scope = "/providers/Microsoft.Management/managementGroups/contoso-landingzones";
    let mg_assignment = format!("{mg_scope}/providers/Microsoft.Authorization/policyAssignments/mcsb-landingzones");
    let (s, b) = env
        .put(
            &t,
            &exemption_path(mg_scope, "arg-mg"),
            json!({ "properties": { "policyAssignmentId": mg_assignment, "exemptionCategory": "Mitigated" } }),
        )
        .await;
    assert!(s == 201 || s == 200, "{s} {b}");

    let q = "securityresources | where type == 'microsoft.security/assessments' | extend key = name, code = tostring(properties.status.code) | summarize count() by key, code";
    let ours: BTreeMap<(String, String), u64> = rows(&env, &t, q)
        .await
        .iter()
        .map(|r| {
            ((r["key"].as_str().unwrap_or("").to_string(), r["code"].as_str().unwrap_or("").to_string()), r["count_"].as_u64().unwrap_or(0))
        })
        .collect();
    assert_eq!(ours, arm_counts(&env, &t).await);
    assert!(ours.keys().any(|(_, c)| c == "Unhealthy") && ours.keys().any(|(_, c)| c == "Healthy"), "{ours:?}");
    let exempt = rows(&env, &t, "securityresources | where properties.status.cause == 'Exempt' | project id, properties").await;
    assert!(!exempt.is_empty(), "the resource-group exemption makes assessments Exempt");
    // One assessment row is the ARM GET of that assessment.
    let one = &exempt[0];
    let id = one["id"].as_str().expect("id");
    let (s, arm) = env.get(&t, &format!("{id}?api-version=2021-06-01")).await;
    assert_eq!(s, 200, "{arm}");
    assert_eq!(one["properties"], arm["properties"]);

    // Exemptions: the same set as ARM's lists, properties as ARM renders them.
    let ex = rows(&env, &t, "policyresources | where type == 'microsoft.authorization/policyexemptions' | project id, name, subscriptionId, resourceGroup, properties, systemData").await;
    let ours: BTreeSet<String> = ex.iter().map(|r| r["id"].as_str().unwrap_or("").to_lowercase()).collect();
    let (subs, _) = env.get_all(&t, "/subscriptions?api-version=2022-12-01").await;
    let mut theirs = BTreeSet::new();
    for s in &subs {
        let id = s["subscriptionId"].as_str().expect("sub");
        let (items, _) = env
            .get_all(&t, &format!("/subscriptions/{id}/providers/Microsoft.Authorization/policyExemptions?api-version={EXEMPTIONS_API}"))
            .await;
        theirs.extend(items.iter().map(|e| e["id"].as_str().unwrap_or("").to_lowercase()));
    }
    let (items, _) =
        env.get_all(&t, &format!("{mg_scope}/providers/Microsoft.Authorization/policyExemptions?api-version={EXEMPTIONS_API}")).await;
    theirs.extend(items.iter().map(|e| e["id"].as_str().unwrap_or("").to_lowercase()));
    assert_eq!(ours, theirs);
    assert!(ours.len() >= 3);
    let rg_row = ex.iter().find(|r| r["name"] == "arg-0").expect("arg-0");
    assert_eq!((rg_row["subscriptionId"].as_str(), rg_row["resourceGroup"].as_str()), (Some(PROD), Some("rg-prod-web")));
    let (s, arm) = env.get(&t, &format!("{}?api-version=2026-07-01", rg_row["id"].as_str().unwrap_or(""))).await;
    assert_eq!(s, 200, "{arm}");
    assert_eq!(rg_row["properties"], arm["properties"]);
    assert_eq!(rg_row["systemData"], arm["systemData"]);
    let mg_row = ex.iter().find(|r| r["name"] == "arg-mg").expect("arg-mg");
    assert_eq!(mg_row["subscriptionId"], "");
    // Assignments: ARM's properties too.
    let pa = rows(
        &env,
        &t,
        &format!("policyresources | where type == 'microsoft.authorization/policyassignments' and id =~ '{}'", mcsb_assignment(PROD)),
    )
    .await;
    assert_eq!(pa.len(), 1);
    let (s, arm) = env.get(&t, &format!("{}?api-version=2024-04-01", mcsb_assignment(PROD))).await;
    assert_eq!(s, 200);
    assert_eq!(pa[0]["properties"], arm["properties"]);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn rbac_and_the_requested_scope_narrow_the_rows() {
    let env = start().await;
    quota_off(&env).await;
    let owner = env.user_access("morgan.manager@contoso.example").await;
    let reader_oid = "3241055d-c045-41c0-a32d-600cdefb8d77";
    // Riley loses the Reader role on the root group and gets it on one subscription.
    let mg_ra = "/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/roleAssignments/05ad0950-6e80-412b-b5af-8bc7034b528b?api-version=2022-04-01";
    let (s, b) = env.delete(&owner, mg_ra).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = env
        .put(
            &owner,
            &format!("/subscriptions/{DEV}/providers/Microsoft.Authorization/roleAssignments/6f1d7a35-8c55-4c3e-9a5b-0b7a5a3c1e11?api-version=2022-04-01"),
            json!({ "properties": { "roleDefinitionId": format!("/subscriptions/{DEV}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"), "principalId": reader_oid, "principalType": "User" } }),
        )
        .await;
    assert!(s == 201 || s == 200, "{b}");
    let reader = env.user_access("riley.reader@contoso.example").await;
    for table in ["securityresources", "policyresources", "resources", "resourcecontainers"] {
        let subs: BTreeSet<String> = rows(&env, &reader, &format!("{table} | distinct subscriptionId"))
            .await
            .iter()
            .map(|r| r["subscriptionId"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(subs, BTreeSet::from([DEV.to_string()]), "{table}");
    }
    // The owner sees everything; `subscriptions` and `managementGroups` narrow it.
    let all: BTreeSet<String> =
        rows(&env, &owner, "resourcecontainers | where type == 'microsoft.resources/subscriptions' | project subscriptionId")
            .await
            .iter()
            .map(|r| r["subscriptionId"].as_str().unwrap_or("").to_string())
            .collect();
    assert!(all.len() >= 4 && all.contains(PROD) && all.contains(SANDBOX));
    let a = arg(&env, &owner, json!({ "subscriptions": [PROD, SHARED], "query": "securityresources | distinct subscriptionId" })).await;
    let got: BTreeSet<&str> = a.body["data"].as_array().expect("data").iter().filter_map(|r| r["subscriptionId"].as_str()).collect();
    assert_eq!(got, BTreeSet::from([PROD, SHARED]));
    // Group-level policy rows: at tenant scope and when the group is named, not for subscriptions only.
    let q = "policyresources | where subscriptionId == '' | project id";
    let tenant = rows(&env, &owner, q).await;
    assert!(tenant.iter().any(|r| r["id"].as_str().unwrap_or("").contains("/managementGroups/contoso-landingzones/")), "{tenant:?}");
    let named = arg(&env, &owner, json!({ "managementGroups": ["contoso-landingzones"], "query": q })).await;
    assert_eq!(named.status, 200);
    assert!(!named.body["data"].as_array().expect("data").is_empty());
    let in_group = arg(&env, &owner, json!({ "managementGroups": ["contoso-landingzones"], "query": "resourcecontainers | where type == 'microsoft.resources/subscriptions' | project subscriptionId" })).await;
    let in_group: BTreeSet<&str> =
        in_group.body["data"].as_array().expect("data").iter().filter_map(|r| r["subscriptionId"].as_str()).collect();
    assert!(!in_group.is_empty() && in_group.len() < all.len(), "{in_group:?}");
    let subs_only = arg(&env, &owner, json!({ "subscriptions": [PROD], "query": q })).await;
    assert_eq!(subs_only.body["data"], json!([]));
    // Riley (no group role) sees no group-level rows.
    assert!(rows(&env, &reader, q).await.is_empty());
    env.sim.shutdown().await;
}

#[tokio::test]
async fn pages_of_1000_rows_in_the_scale_tenant() {
    let sim = azure_sim::Simulator::start("scale:200x250", "127.0.0.1:0".parse().expect("addr")).await.expect("scale seed");
    let base = sim.base_url();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let principals: Value = http.get(format!("{base}/_sim/principals")).send().await.expect("p").json().await.expect("json");
    let env = Env { sim, base, http, principals };
    quota_off(&env).await;
    let t = env.user_access("morgan.manager@contoso.example").await;
    let body = |token: Option<&str>| {
        let mut b = json!({ "query": "resources | project id, name, type | order by id asc" });
        if let Some(tok) = token {
            b["options"] = json!({ "$skipToken": tok });
        }
        b
    };
    let first = arg(&env, &t, body(None)).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["totalRecords"], 50_000);
    assert_eq!(first.body["count"], 1000);
    assert_eq!(first.body["resultTruncated"], "false");
    // A resource deleted after the first page: later pages come from that
    // query's evaluated result, not a new evaluation.
    let gone = first.body["data"][5]["id"].as_str().expect("id").to_string();
    let (s, b) = env.delete(&t, &format!("{gone}?api-version=2024-03-01")).await;
    assert!(s == 200 || s == 202 || s == 204, "{s} {b}");
    let mut ids: Vec<String> = Vec::new();
    let mut page = first;
    let mut pages = 1;
    loop {
        assert_eq!(page.status, 200, "{}", page.body);
        let data = page.body["data"].as_array().expect("data");
        assert!(data.len() <= 1000);
        assert_eq!(page.body["totalRecords"], 50_000);
        ids.extend(data.iter().map(|r| r["id"].as_str().unwrap_or("").to_string()));
        let Some(tok) = page.body["$skipToken"].as_str().map(str::to_string) else { break };
        page = arg(&env, &t, body(Some(&tok))).await;
        pages += 1;
        assert!(pages <= 50);
    }
    assert_eq!(pages, 50);
    assert_eq!(ids.len(), 50_000);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "one ordered, gap-free result");
    // A new query sees the deletion.
    let again = arg(&env, &t, json!({ "query": "resources | summarize count()" })).await;
    assert_eq!(again.body["data"][0]["count_"], 49_999);
    // $top and $skip.
    let small = arg(&env, &t, json!({ "query": "resources | project id | order by id asc", "options": { "$top": 3, "$skip": 10 } })).await;
    let live: Vec<&str> = ids.iter().map(String::as_str).filter(|i| *i != gone).collect();
    assert_eq!(col(small.body["data"].as_array().expect("data"), "id"), live[10..13].to_vec());
    let next = arg(
        &env,
        &t,
        json!({ "query": "resources | project id | order by id asc", "options": { "$skipToken": small.body["$skipToken"] } }),
    )
    .await;
    assert_eq!(next.body["count"], 3);
    assert_eq!(next.body["data"][0]["id"].as_str(), Some(live[13]));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn quota_headers_and_429() {
    let env = start().await;
    settings(&env, json!({ "resourceGraphQuota": 3, "resourceGraphQuotaWindowSeconds": 60 })).await;
    let t = env.user_access("alex.admin@contoso.example").await;
    let other = env.user_access("morgan.manager@contoso.example").await;
    let q = json!({ "query": "resourcecontainers | take 1" });
    for left in ["2", "1", "0"] {
        let a = arg(&env, &t, q.clone()).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.headers["x-ms-user-quota-remaining"], left);
        let resets = a.headers["x-ms-user-quota-resets-after"].to_str().expect("ascii");
        assert!(resets.len() == 8 && resets.starts_with("00:0") || resets == "00:01:00", "{resets}");
    }
    let a = arg(&env, &t, q.clone()).await;
    assert_eq!(a.status, 429, "{}", a.body);
    assert_eq!(a.body["error"]["code"], "RateLimiting");
    assert_eq!(a.body["error"]["details"][0]["code"], "RateLimiting");
    let retry: u64 = a.headers["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(a.headers["x-ms-user-quota-remaining"], "0");
    // Per user: another caller still has its quota.
    assert_eq!(arg(&env, &other, q.clone()).await.status, 200);
    // The window passes (simulated clock).
    env.sim.advance_clock(61.0);
    let a = arg(&env, &t, q.clone()).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers["x-ms-user-quota-remaining"], "2");
    let s: Value = env.http.get(format!("{}/_sim/settings", env.base)).send().await.expect("s").json().await.expect("json");
    assert_eq!((s["resourceGraphQuota"].as_u64(), s["resourceGraphQuotaWindowSeconds"].as_u64()), (Some(3), Some(60)));
    let bad = env.http.post(format!("{}/_sim/settings", env.base)).json(&json!({ "resourceGraphQuota": 0 })).send().await.expect("s");
    assert_eq!(bad.status(), 400);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn faults_and_settings_make_resource_graph_fail() {
    let env = start().await;
    quota_off(&env).await;
    let t = env.user_access("alex.admin@contoso.example").await;
    let q = json!({ "query": "resources | take 1" });
    settings(&env, json!({ "resourceGraphAnswer": "denied" })).await;
    let a = arg(&env, &t, q.clone()).await;
    assert_eq!(a.status, 403, "{}", a.body);
    assert_eq!(a.body["error"]["code"], "AuthorizationFailed");
    settings(&env, json!({ "resourceGraphAnswer": "unavailable" })).await;
    let a = arg(&env, &t, q.clone()).await;
    assert_eq!(a.status, 503, "{}", a.body);
    settings(&env, json!({ "resourceGraphAnswer": "normal" })).await;
    assert_eq!(arg(&env, &t, q.clone()).await.status, 200);
    // The existing fault rules match Resource Graph's path like any other.
    let rule = azure_sim::FaultRule {
        path_pattern: "/providers/Microsoft.ResourceGraph/**".into(),
        methods: Some(vec!["POST".into()]),
        latency_ms: None,
        error_rate: 1.0,
        error_status: 503,
        retry_after_seconds: Some(2),
        drop_rate: 0.0,
    };
    env.sim.set_faults(azure_sim::FaultConfig { seed: 1, rules: vec![rule], throttle: None }).expect("faults");
    let a = arg(&env, &t, q.clone()).await;
    assert_eq!(a.status, 503);
    assert_eq!(a.headers["retry-after"], "2");
    // ARM reads are untouched by that rule (the client's fallback path).
    let (s, _) = env.get(&t, "/subscriptions?api-version=2022-12-01").await;
    assert_eq!(s, 200);
    env.sim.set_faults(azure_sim::FaultConfig::default()).expect("faults");
    assert_eq!(arg(&env, &t, q).await.status, 200);
    let wrong = env.http.get(format!("{}{ARG}", env.base)).bearer_auth(&t).send().await.expect("get");
    assert_eq!(wrong.status(), 405);
    env.sim.shutdown().await;
}
