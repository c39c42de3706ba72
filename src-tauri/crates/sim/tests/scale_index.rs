//! The simulator's lists cost time in proportion to the page, not to the
//! tenant: shown without timing, by the number of stored items each request
//! examined (`examined` in `/_sim/requests`), on `scale:200x250x10000`
//! (50,000 resources, ≈180,000 assessments, 10,000 exemptions), ARM's lists
//! and a Resource Graph query for one recommendation.

use azure_sim::Simulator;
use serde_json::Value;

const SECURITY_API: &str = "2021-06-01";

async fn examined(http: &reqwest::Client, base: &str) -> Vec<(String, u64)> {
    let log: Value = http.get(format!("{base}/_sim/requests")).send().await.expect("log").json().await.expect("json");
    log.as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| Some((format!("{}?{}", e["path"].as_str()?, e["rawQuery"].as_str()?), e["examined"].as_u64()?)))
        .collect()
}

#[tokio::test]
async fn a_page_examines_what_it_shows_not_the_tenant() {
    let sim = Simulator::start("scale:200x250x10000", "127.0.0.1:0".parse().expect("addr")).await.expect("start");
    let base = sim.base_url();
    let http = reqwest::Client::new();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", azure_sim::seed::demo::CI_CLIENT_ID),
        ("client_secret", azure_sim::seed::demo::CI_CLIENT_SECRET),
        ("scope", "https://management.azure.com/.default"),
    ];
    let tenant = azure_sim::demo_identity().tenant_id;
    let token: Value =
        http.post(format!("{base}/{tenant}/oauth2/v2.0/token")).form(&form).send().await.expect("token").json().await.expect("json");
    let token = token["access_token"].as_str().expect("access_token").to_string();
    let get = |url: String| {
        let (http, token) = (http.clone(), token.clone());
        async move {
            let r = http.get(url).bearer_auth(token).send().await.expect("get");
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.expect("json")
        }
    };

    let subs = get(format!("{base}/subscriptions?api-version=2022-12-01")).await;
    let sub = subs["value"][7]["subscriptionId"].as_str().expect("a subscription").to_string();
    let first = get(format!("{base}/subscriptions/{sub}/providers/Microsoft.Security/assessments?api-version={SECURITY_API}")).await;
    assert_eq!(first["value"].as_array().map(Vec::len), Some(100));
    assert!(first["value"].as_array().into_iter().flatten().all(|a| a["id"].as_str().is_some_and(|id| id.contains(&sub))));
    let next = first["nextLink"].as_str().expect("more pages").to_string();
    get(next).await;
    let group = get(format!(
        "{base}/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Security/assessments?api-version={SECURITY_API}&$skiptoken=90000"
    ))
    .await;
    assert_eq!(group["value"].as_array().map(Vec::len), Some(100));
    let exemptions =
        get(format!("{base}/subscriptions/{sub}/providers/Microsoft.Authorization/policyExemptions?api-version=2022-07-01-preview")).await;
    let listed = exemptions["value"].as_array().map(Vec::len).unwrap_or(0);
    assert!(listed > 0, "the subscription sees exemptions at and above it");
    get(format!("{base}/subscriptions/{sub}/resources?api-version=2021-04-01&$skiptoken=100")).await;
    get(format!("{base}/subscriptions/{sub}/providers/Microsoft.Authorization/policyAssignments?api-version=2023-04-01")).await;
    // Resource Graph: one recommendation's assessments across the tenant, two pages.
    let key = first["value"][0]["name"].as_str().expect("an assessment's key").to_string();
    let arg = format!("{base}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01");
    let query = format!("securityresources | where type == 'microsoft.security/assessments' and name =~ '{key}'");
    let post = |body: Value| {
        let (http, token, arg) = (http.clone(), token.clone(), arg.clone());
        async move {
            let r = http.post(arg).bearer_auth(token).json(&body).send().await.expect("post");
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.expect("json")
        }
    };
    let graph_first = post(serde_json::json!({"query": query, "options": {"$top": 1000}})).await;
    let matching = graph_first["totalRecords"].as_u64().expect("totalRecords");
    assert!(matching > 1000, "{key} is assessed across the tenant: {matching}");
    let token_next = graph_first["$skipToken"].as_str().expect("a second page").to_string();
    post(serde_json::json!({"query": query, "options": {"$top": 1000, "$skipToken": token_next}})).await;

    let counts = examined(&http, &base).await;
    let of = |needle: &str| -> Vec<u64> { counts.iter().filter(|(p, _)| p.contains(needle)).map(|(_, n)| *n).collect() };
    // One subscription's page: its 100 assessments, each with the two
    // assignments and the few exemptions that cover it — hundreds, where the
    // tenant holds ≈180,000 assessments and 10,000 exemptions.
    let pages = of(&format!("/subscriptions/{sub}/providers/Microsoft.Security/assessments"));
    assert_eq!(pages.len(), 2);
    for n in &pages {
        assert!((100..2_000).contains(n), "a subscription's page examined {n}: {counts:?}");
    }
    // A page deep into the whole tenant's list: found by binary search over
    // the 200 subscriptions' lists, not by walking the 90,000 before it.
    let deep = of("/managementGroups/contoso/providers/Microsoft.Security/assessments");
    assert!(deep.iter().all(|n| (100..15_000).contains(n)), "{deep:?}");
    let ex = of(&format!("/subscriptions/{sub}/providers/Microsoft.Authorization/policyExemptions"));
    assert!(ex.iter().all(|&n| n as usize >= listed && n < 1_000), "{ex:?} for {listed} listed");
    for needle in
        [format!("/subscriptions/{sub}/resources"), format!("/subscriptions/{sub}/providers/Microsoft.Authorization/policyAssignments")]
    {
        assert!(of(&needle).iter().all(|&n| n < 300), "{needle}: {counts:?}");
    }
    // Its first page renders that recommendation's assessments (each with
    // what covers it), not the tenant's ≈180,000; a later page is a slice of
    // the kept result and renders nothing.
    let graph = of("/providers/Microsoft.ResourceGraph/resources");
    assert_eq!(graph.len(), 2, "{counts:?}");
    assert!(graph[0] >= matching && graph[0] < matching * 12 && graph[0] < 90_000, "first page examined {} for {matching} rows", graph[0]);
    assert_eq!(graph[1], 0, "a later page is a slice");
    sim.shutdown().await;
}
