//! What brings the simulator closer to Azure for real clients: TLS, paged
//! group and assignment lists, the roles' real actions, token-less cloud
//! metadata, provider registration, the api-versions current SDKs send, and
//! recommendations Defender reports oddly.

mod common;
use azure_sim::{Options, Simulator, Tls};
use common::*;
use serde_json::{json, Value};

const ALEX: &str = "alex.admin@contoso.example";

async fn post_sim(env: &Env, path: &str, body: Value) -> (u16, Value) {
    let r = env.http.post(format!("{}{path}", env.base)).json(&body).send().await.expect("post");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// A client that trusts only `pem`.
fn trusting(pem: &str) -> reqwest::Client {
    let cert = reqwest::Certificate::from_pem(pem.as_bytes()).expect("certificate");
    reqwest::Client::builder().tls_certs_only([cert]).build().expect("client")
}

#[tokio::test]
async fn tls_mode_with_a_generated_certificate() {
    let sim = Simulator::start_with("demo", "127.0.0.1:0".parse().expect("addr"), Options { tls: Tls::SelfSigned }).await.expect("start");
    let base = sim.base_url();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let pem = sim.certificate_pem().expect("the generated certificate").to_string();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");

    // A client trusting that certificate signs in and calls ARM over TLS.
    let http = trusting(&pem);
    let tls: Value = http.get(format!("{base}/_sim/tls")).send().await.expect("tls").json().await.expect("json");
    assert_eq!((tls["enabled"].as_bool(), tls["certificate"].as_str()), (Some(true), Some(pem.as_str())));
    let principals: Value = http.get(format!("{base}/_sim/principals")).send().await.expect("principals").json().await.expect("json");
    let sp = principals["servicePrincipals"].as_array().expect("sps").iter().find(|s| s["displayName"] == "exemption-desk-ci").expect("ci");
    let token: Value = http
        .post(format!("{base}/{}/oauth2/v2.0/token", principals["tenantId"].as_str().expect("tenant")))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", sp["clientId"].as_str().expect("id")),
            ("client_secret", sp["clientSecret"].as_str().expect("secret")),
            ("scope", "https://management.azure.com/.default"),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let at = token["access_token"].as_str().expect("access token");
    let r = http.get(format!("{base}/subscriptions?api-version=2022-12-01")).bearer_auth(at).send().await.expect("arm");
    assert_eq!(r.status(), 200);
    // Discovery documents name the https endpoints.
    let oidc: Value = http
        .get(format!("{base}/contoso.example/v2.0/.well-known/openid-configuration"))
        .send()
        .await
        .expect("oidc")
        .json()
        .await
        .expect("json");
    assert!(oidc["token_endpoint"].as_str().expect("te").starts_with(&base), "{oidc}");

    // Plain HTTP on that port, or a client that does not trust the certificate, gets nowhere.
    let plain = base.replacen("https://", "http://", 1);
    let r = reqwest::get(format!("{plain}/_sim/tls")).await;
    assert!(r.is_err() || r.is_ok_and(|r| !r.status().is_success()), "plain HTTP is not served");
    let stranger = reqwest::Client::builder().tls_certs_only([]).build().expect("client");
    assert!(stranger.get(format!("{base}/_sim/tls")).send().await.is_err(), "an untrusted certificate is refused");
    sim.shutdown().await;
}

#[tokio::test]
async fn tls_mode_with_a_given_certificate() {
    let dir = std::env::temp_dir().join(format!("azure-sim-tls-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("dir");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    let (cert_path, key_path) = (dir.join("sim.crt"), dir.join("sim.key"));
    std::fs::write(&cert_path, cert.pem()).expect("write cert");
    std::fs::write(&key_path, key.serialize_pem()).expect("write key");

    let sim = Simulator::start_with(
        "demo",
        "127.0.0.1:0".parse().expect("addr"),
        Options { tls: Tls::Files { cert: cert_path.clone(), key: key_path } },
    )
    .await
    .expect("start");
    assert_eq!(sim.certificate_pem().map(str::trim), Some(cert.pem().trim()));
    let r = trusting(&cert.pem()).get(format!("{}/_sim/clock", sim.base_url())).send().await.expect("clock");
    assert_eq!(r.status(), 200);
    sim.shutdown().await;

    // A file without a certificate is refused at start, naming it.
    let empty = dir.join("empty.pem");
    std::fs::write(&empty, "nothing here").expect("write");
    let e =
        Simulator::start_with("demo", "127.0.0.1:0".parse().expect("addr"), Options { tls: Tls::Files { cert: empty, key: cert_path } })
            .await
            .err()
            .expect("refused");
    assert!(e.to_string().contains("empty.pem"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn group_lists_and_assignment_lists_page() {
    let env = start().await;
    let t = env.user_access(ALEX).await;
    // The group list pages with `@nextLink` (ManagementGroupListResult), 5 per page by default.
    let (s, first) = env.get(&t, "/providers/Microsoft.Management/managementGroups?api-version=2023-04-01").await;
    assert_eq!(s, 200);
    assert_eq!(first["value"].as_array().map(Vec::len), Some(5));
    assert!(first.get("nextLink").is_none(), "{first}");
    let next = first["@nextLink"].as_str().expect("@nextLink");
    assert!(next.starts_with(&env.base) && next.contains("skiptoken=5"), "{next}");
    let (s, second) = env.get(&t, next).await;
    assert_eq!(s, 200);
    assert_eq!(second["value"].as_array().map(Vec::len), Some(2));
    assert!(second["@nextLink"].is_null(), "the last page says null, as Azure's example: {second}");
    let mut names: Vec<&str> =
        first["value"].as_array().into_iter().chain(second["value"].as_array()).flatten().filter_map(|m| m["name"].as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 7, "{names:?}");

    // Descendants page with `nextLink` (DescendantInfoListResult).
    let (s, d) = env.get(&t, "/providers/Microsoft.Management/managementGroups/contoso/descendants?api-version=2023-04-01").await;
    assert_eq!(s, 200);
    assert_eq!(d["value"].as_array().map(Vec::len), Some(5));
    assert!(d["nextLink"].as_str().is_some_and(|n| n.starts_with(&env.base)), "{d}");
    let (all, pages) = env.get_all(&t, "/providers/Microsoft.Management/managementGroups/contoso/descendants?api-version=2023-04-01").await;
    assert_eq!((all.len(), pages), (9, 2));

    // Policy assignment lists page too once the page size is small.
    let base = format!("/subscriptions/{PROD}/providers/Microsoft.Authorization/policyAssignments?api-version=2025-11-01");
    let (one_page, pages) = env.get_all(&t, &base).await;
    assert_eq!(pages, 1);
    let (s, v) = post_sim(&env, "/_sim/settings", json!({"listPageSize": 2})).await;
    assert_eq!((s, v["listPageSize"].as_u64()), (200, Some(2)));
    let (paged, pages) = env.get_all(&t, &base).await;
    assert_eq!(pages, one_page.len().div_ceil(2));
    assert!(pages >= 2, "the demo's Production list pages at 2: {}", one_page.len());
    let ids = |v: &[Value]| v.iter().filter_map(|a| a["id"].as_str().map(str::to_string)).collect::<Vec<_>>();
    assert_eq!(ids(&paged), ids(&one_page), "same items, same order");
    // With a filter, the filtered list is what pages.
    let (exact, _) = env.get_all(&t, &format!("{base}&$filter=atExactScope()")).await;
    assert_eq!(ids(&exact).len(), 2, "{exact:?}");
    assert_eq!(post_sim(&env, "/_sim/settings", json!({"listPageSize": 0})).await.0, 400);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn resource_policy_contributor_reads_everything_as_in_azure() {
    let env = start().await;
    let t = env.user_access(ALEX).await;
    let (s, d) = env
        .get(&t, "/providers/Microsoft.Authorization/roleDefinitions/36243c78-bf99-498c-9df9-86d9f8d28608?api-version=2022-05-01-preview")
        .await;
    assert_eq!(s, 200, "{d}");
    let actions: Vec<&str> =
        d["properties"]["permissions"][0]["actions"].as_array().expect("actions").iter().filter_map(Value::as_str).collect();
    assert_eq!(d["properties"]["roleName"], "Resource Policy Contributor");
    assert!(actions.contains(&"*/read") && actions.contains(&"Microsoft.Authorization/policyexemptions/*"), "{actions:?}");
    // So Alex (Security Admin + Resource Policy Contributor) lists resources and resource groups.
    let (s, v) = env.get(&t, &format!("/subscriptions/{PROD}/resources?api-version=2021-04-01")).await;
    assert_eq!(s, 200, "{v}");
    assert!(!v["value"].as_array().expect("v").is_empty());
    // ... and its permissions say so, while granting roles stays out of reach.
    let (s, v) = env.get(&t, &format!("/subscriptions/{PROD}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01")).await;
    assert_eq!(s, 200);
    let granted: Vec<&str> = v["value"]
        .as_array()
        .expect("v")
        .iter()
        .flat_map(|p| p["actions"].as_array().into_iter().flatten().filter_map(Value::as_str))
        .collect();
    assert!(granted.contains(&"*/read"), "{granted:?}");
    assert!(!granted.iter().any(|a| *a == "*" || a.contains("roleAssignments")), "{granted:?}");
    env.sim.shutdown().await;
}

#[tokio::test]
async fn cloud_metadata_answers_without_a_token() {
    let env = start().await;
    let r = env.http.get(format!("{}/metadata/endpoints?api-version=2022-09-01", env.base)).send().await.expect("get");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    let clouds = v.as_array().expect("2022-09-01 answers a list of clouds");
    let cloud = &clouds[0];
    assert_eq!(cloud["resourceManager"], format!("{}/", env.base));
    assert_eq!(cloud["authentication"]["loginEndpoint"], env.base);
    assert!(cloud["authentication"]["audiences"].as_array().expect("aud").iter().any(|a| a == "https://management.azure.com/"));
    assert_eq!(cloud["microsoftGraphResourceId"], "https://graph.microsoft.com/");
    assert!(cloud["name"].is_string() && cloud["suffixes"]["keyVaultDns"].is_string());
    // Older versions: one object.
    let v: Value = env
        .http
        .get(format!("{}/metadata/endpoints?api-version=2019-05-01", env.base))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(v["authentication"]["loginEndpoint"], format!("{}/", env.base));
    assert!(v["graphEndpoint"].is_string());
    let r = env.http.get(format!("{}/metadata/endpoints?api-version=1999-01-01", env.base)).send().await.expect("get");
    assert_eq!(r.status(), 400);
    // Every other ARM path still wants a token.
    let r = env.http.get(format!("{}/subscriptions?api-version=2022-12-01", env.base)).send().await.expect("get");
    assert_eq!(r.status(), 401);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn provider_registration() {
    let env = start().await;
    let owner = env.user_access("morgan.manager@contoso.example").await;
    let reader = env.user_access("riley.reader@contoso.example").await;
    let base = format!("/subscriptions/{PROD}/providers");
    let (s, v) = env.get(&reader, &format!("{base}?api-version=2021-04-01")).await;
    assert_eq!(s, 200, "{v}");
    let list = v["value"].as_array().expect("v");
    let state = |ns: &str| list.iter().find(|p| p["namespace"] == ns).map(|p| p["registrationState"].clone());
    assert_eq!(state("Microsoft.Security"), Some(json!("Registered")));
    assert_eq!(state("Microsoft.Maintenance"), Some(json!("NotRegistered")));

    let (s, p) = env.get(&reader, &format!("{base}/microsoft.security?api-version=2021-04-01")).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["id"], format!("/subscriptions/{PROD}/providers/Microsoft.Security"));
    assert!(p["resourceTypes"].as_array().expect("types").iter().any(|t| t["resourceType"] == "assessments"));

    // A reader may not register; an owner may, and it settles after a moment.
    let register = format!("{base}/Microsoft.Maintenance/register?api-version=2021-04-01");
    let (s, v) = env.arm(reqwest::Method::POST, &reader, &register, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("AuthorizationFailed")));
    let (s, v) = env.arm(reqwest::Method::POST, &owner, &register, None).await;
    assert_eq!((s, v["registrationState"].as_str()), (200, Some("Registering")));
    let (_, v) = env.get(&owner, &format!("{base}/Microsoft.Maintenance?api-version=2021-04-01")).await;
    assert_eq!(v["registrationState"], "Registering");
    env.sim.advance_clock(5.0);
    let (_, v) = env.get(&owner, &format!("{base}/Microsoft.Maintenance?api-version=2021-04-01")).await;
    assert_eq!(v["registrationState"], "Registered");
    // Only in that subscription.
    let (_, v) = env.get(&owner, &format!("/subscriptions/{DEV}/providers/Microsoft.Maintenance?api-version=2021-04-01")).await;
    assert_eq!(v["registrationState"], "NotRegistered");
    let (s, v) =
        env.arm(reqwest::Method::POST, &owner, &format!("{base}/Microsoft.Maintenance/unregister?api-version=2021-04-01"), None).await;
    assert_eq!((s, v["registrationState"].as_str()), (200, Some("Unregistering")));

    let (s, v) = env.get(&owner, &format!("{base}/Microsoft.Nope?api-version=2021-04-01")).await;
    assert_eq!((s, v["error"]["code"].as_str()), (404, Some("InvalidResourceNamespace")));
    // Policy paths under /providers are still policy paths.
    let (s, _) = env.get(&owner, &format!("{base}/Microsoft.Authorization/policyAssignments?api-version=2025-11-01")).await;
    assert_eq!(s, 200);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn api_versions_current_clients_send() {
    let env = start().await;
    let t = env.sp_token().await;
    let assignment = mcsb_assignment(PROD);
    for v in ["2025-11-01", "2026-06-01"] {
        let (s, a) = env.get(&t, &format!("{assignment}?api-version={v}")).await;
        assert_eq!(s, 200, "{v}: {a}");
    }
    let (s, _) = env.get(&t, "/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-05-01-preview").await;
    assert_eq!(s, 200);

    // Exemptions at 2026-01-01-preview: accepted, and the body is checked
    // against the nearest shipped OpenAPI file (2024-12-01-preview).
    let path =
        format!("/subscriptions/{PROD}/providers/Microsoft.Authorization/policyExemptions/parity-2026?api-version=2026-01-01-preview");
    let good = json!({"properties": {"policyAssignmentId": assignment, "exemptionCategory": "Waiver", "displayName": "parity"}});
    let (s, v) = env.put(&t, &path, good).await;
    assert!(s == 200 || s == 201, "{s} {v}");
    let bad = json!({"properties": {"policyAssignmentId": assignment, "exemptionCategory": "Waiver", "policyDefinitionReferenceIds": "not-an-array"}});
    let (s, v) = env.put(&t, &path, bad).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("InvalidRequestContent")), "{v}");
    let log: Value = env.http.get(format!("{}/_sim/requests", env.base)).send().await.expect("log").json().await.expect("json");
    let last = log.as_array().and_then(|l| l.last()).cloned().expect("entry");
    assert!(last["schemaErrors"][0].as_str().expect("schema error").contains("properties.policyDefinitionReferenceIds"), "{last}");
    env.sim.shutdown().await;
}

#[tokio::test]
async fn recommendations_reported_oddly() {
    let env = start().await;
    let t = env.sp_token().await;
    let (resources, _) = env.get_all(&t, &format!("/subscriptions/{PROD}/resources?api-version=2021-04-01")).await;
    let resource = resources[0]["id"].as_str().expect("id").to_string();
    let odd = "0dd0dd00-0000-4000-8000-000000000001";
    let hidden = "0dd0dd00-0000-4000-8000-000000000002";
    let (s, v) = post_sim(&env, "/_sim/recommendations", json!({"name": odd, "displayName": "Odd one", "severity": "Critical", "assessmentType": "Partner", "statusCode": "Pending", "resources": [resource]})).await;
    assert_eq!((s, v["assessments"].as_u64()), (200, Some(1)), "{v}");
    let (s, v) = post_sim(
        &env,
        "/_sim/recommendations",
        json!({"name": hidden, "displayName": "No metadata", "listed": false, "resources": [resource, format!("/subscriptions/{PROD}")]}),
    )
    .await;
    assert_eq!((s, v["listed"].as_bool()), (200, Some(false)), "{v}");
    assert_eq!(
        post_sim(
            &env,
            "/_sim/recommendations",
            json!({"name": "x", "displayName": "x", "resources": ["/subscriptions/nope/resourceGroups/x"]})
        )
        .await
        .0,
        400
    );

    let (md, _) = env.get_all(&t, "/providers/Microsoft.Security/assessmentMetadata?api-version=2021-06-01").await;
    let m = md.iter().find(|m| m["name"] == odd).expect("odd metadata listed");
    assert_eq!((m["properties"]["severity"].as_str(), m["properties"]["assessmentType"].as_str()), (Some("Critical"), Some("Partner")));
    assert!(md.iter().all(|m| m["name"] != hidden), "unlisted metadata is absent from the list");
    let (s, _) = env.get(&t, &format!("/providers/Microsoft.Security/assessmentMetadata/{hidden}?api-version=2021-06-01")).await;
    assert_eq!(s, 404);

    let (items, _) =
        env.get_all(&t, &format!("/subscriptions/{PROD}/providers/Microsoft.Security/assessments?api-version=2021-06-01")).await;
    let of = |name: &str| items.iter().filter(|a| a["name"] == name).cloned().collect::<Vec<_>>();
    assert_eq!(of(odd)[0]["properties"]["status"]["code"], "Pending");
    assert_eq!(of(hidden).len(), 2, "assessments of the unlisted recommendation are listed");
    assert_eq!(of(hidden)[0]["properties"]["displayName"], "No metadata");
    // A reset removes them.
    post_sim(&env, "/_sim/reset", json!({})).await;
    let (md, _) = env.get_all(&t, "/providers/Microsoft.Security/assessmentMetadata?api-version=2021-06-01").await;
    assert!(md.iter().all(|m| m["name"] != odd));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn management_group_writes_report_the_tenant_write_budget() {
    let env = start().await;
    let t = env.sp_token().await;
    let lz = "/providers/Microsoft.Management/managementGroups/contoso-landingzones";
    let assignment = format!("{lz}/providers/Microsoft.Authorization/policyAssignments/mcsb-landingzones");
    let body = json!({"properties": {"policyAssignmentId": assignment, "exemptionCategory": "Waiver"}});
    let put = |name: &str| env.http.put(format!("{}{}", env.base, exemption_path(lz, name))).bearer_auth(&t).json(&body).send();
    let r = put("tenant-budget-1").await.expect("put");
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["x-ms-ratelimit-remaining-tenant-writes"], "199");
    assert!(r.headers().get("x-ms-ratelimit-remaining-subscription-writes").is_none());
    let r = put("tenant-budget-2").await.expect("put");
    assert_eq!(r.headers()["x-ms-ratelimit-remaining-tenant-writes"], "198");
    env.sim.shutdown().await;
}
