//! The `/_sim` controls: clock, token lifetime, device code, throttle, faults;
//! and the newer ARM surface (resource delete, secure scores, ISO 27001,
//! role assignment writes, schema errors in the log).

mod common;
use common::*;
use serde_json::{json, Value};

async fn post(env: &Env, path: &str, body: Value) -> (u16, Value) {
    let r = env.http.post(format!("{}{path}", env.base)).json(&body).send().await.expect("post");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn clock_drives_token_expiry_and_exemption_expiry() {
    let env = start().await;
    let (s, v) = post(&env, "/_sim/tokens", json!({"lifetimeSeconds": 60})).await;
    assert_eq!((s, v["lifetimeSeconds"].as_i64()), (200, Some(60)));
    let t = env.sp_token().await;
    let sub = format!("/subscriptions/{PROD}?api-version=2022-12-01");
    assert_eq!(env.get(&t, &sub).await.0, 200);
    let before = env.http.get(format!("{}/_sim/clock", env.base)).send().await.expect("clock").json::<Value>().await.expect("json");
    let (s, after) = post(&env, "/_sim/clock", json!({"advanceSeconds": 61})).await;
    assert_eq!(s, 200);
    assert!(after["offsetSeconds"].as_f64() > before["offsetSeconds"].as_f64());
    let (s, v) = env.get(&t, &sub).await;
    assert_eq!((s, v["error"]["code"].as_str()), (401, Some("ExpiredAuthenticationToken")));
    // A new token is valid again; an exemption expiring in 14 days stops being listed by excludeExpired() after 15.
    let t = env.sp_token().await;
    let list = format!(
        "/subscriptions/{SHARED}/providers/Microsoft.Authorization/policyExemptions?api-version={EXEMPTIONS_API}&$filter=excludeExpired()"
    );
    let names =
        |v: &Value| v["value"].as_array().expect("value").iter().map(|e| e["name"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>();
    assert!(names(&env.get(&t, &list).await.1).contains(&"kv-certs-purge-protection".to_string()));
    post(&env, "/_sim/clock", json!({"advanceSeconds": 15 * 86400})).await;
    post(&env, "/_sim/tokens", json!({"lifetimeSeconds": 3599})).await;
    let t = env.sp_token().await;
    assert!(!names(&env.get(&t, &list).await.1).contains(&"kv-certs-purge-protection".to_string()));
    assert_eq!(post(&env, "/_sim/clock", json!({"advanceSeconds": -1})).await.0, 400);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn device_code_flow() {
    let env = start().await;
    let client = env.principals["publicClientId"].as_str().expect("client").to_string();
    let url = format!("{}/{}/oauth2/v2.0/devicecode", env.base, env.tenant());
    let dc: Value = env
        .http
        .post(&url)
        .form(&[("client_id", client.as_str()), ("scope", "https://management.azure.com//.default offline_access")])
        .send()
        .await
        .expect("dc")
        .json()
        .await
        .expect("json");
    let (device, user) = (dc["device_code"].as_str().expect("dc").to_string(), dc["user_code"].as_str().expect("uc").to_string());
    assert_eq!((dc["expires_in"].as_i64(), dc["interval"].as_i64()), (Some(900), Some(5)));
    let poll_form =
        [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", client.as_str()), ("device_code", device.as_str())];
    let r = env.token_form(&poll_form).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "authorization_pending");
    let (s, _) = post(&env, "/_sim/devicecode/approve", json!({"userCode": user, "upn": "morgan.manager@contoso.example"})).await;
    assert_eq!(s, 200);
    let r = env.token_form(&poll_form).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    assert!(v["refresh_token"].is_string());
    let (s, body) = env.get(v["access_token"].as_str().expect("at"), &format!("/subscriptions/{PROD}?api-version=2022-12-01")).await;
    assert_eq!(s, 200, "{body}");
    let log: Value = env.http.get(format!("{}/_sim/requests", env.base)).send().await.expect("log").json().await.expect("json");
    assert_eq!(log.as_array().expect("log").last().expect("entry")["principal"], "morgan.manager@contoso.example");

    // Expiry: a second code, never approved, expires after 15 simulated minutes.
    let dc: Value = env
        .http
        .post(&url)
        .form(&[("client_id", client.as_str()), ("scope", "https://management.azure.com//.default")])
        .send()
        .await
        .expect("dc")
        .json()
        .await
        .expect("json");
    post(&env, "/_sim/clock", json!({"advanceSeconds": 901})).await;
    let r = env
        .token_form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", &client),
            ("device_code", dc["device_code"].as_str().expect("dc")),
        ])
        .await;
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "expired_token");

    // Auto-approval after N polls.
    post(&env, "/_sim/settings", json!({"deviceCodeAutoApproveAfterPolls": 2, "deviceCodeAutoApproveUpn": "riley.reader@contoso.example"}))
        .await;
    let dc: Value = env
        .http
        .post(&url)
        .form(&[("client_id", client.as_str()), ("scope", "https://management.azure.com//.default")])
        .send()
        .await
        .expect("dc")
        .json()
        .await
        .expect("json");
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", client.as_str()),
        ("device_code", dc["device_code"].as_str().expect("dc")),
    ];
    assert_eq!(env.token_form(&form).await.status(), 400);
    assert_eq!(env.token_form(&form).await.status(), 200);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn throttle_and_faults() {
    let env = start().await;
    let t = env.sp_token().await;
    let sub = format!("/subscriptions/{PROD}?api-version=2022-12-01");
    let r = env.http.get(format!("{}{sub}", env.base)).bearer_auth(&t).send().await.expect("get");
    assert_eq!(r.headers()["x-ms-ratelimit-remaining-subscription-reads"], "249");
    // The subscription's global bucket (every principal, 15 times the size) is reported alongside.
    assert_eq!(r.headers()["x-ms-ratelimit-remaining-subscription-global-reads"], "3749");
    let r = env.http.get(format!("{}/subscriptions?api-version=2022-12-01", env.base)).bearer_auth(&t).send().await.expect("get");
    assert_eq!(r.headers()["x-ms-ratelimit-remaining-tenant-reads"], "249");
    assert!(r.headers().get("x-ms-ratelimit-remaining-subscription-global-reads").is_none());
    let (s, _) = post(&env, "/_sim/faults", json!({"throttle": {"enabled": true, "reads": {"capacity": 2, "refillPerSecond": 0.5}}})).await;
    assert_eq!(s, 200);
    assert_eq!(env.get(&t, &sub).await.0, 200);
    assert_eq!(env.get(&t, &sub).await.0, 200);
    let r = env.http.get(format!("{}{sub}", env.base)).bearer_auth(&t).send().await.expect("get");
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "2");
    assert_eq!(r.headers()["x-ms-ratelimit-remaining-subscription-reads"], "0");
    assert!(r.headers().get("x-ms-ratelimit-remaining-subscription-global-reads").is_some());
    let body = r.json::<Value>().await.expect("json");
    assert_eq!(body["error"]["code"], "SubscriptionRequestsThrottled");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(
        message.contains(&format!("subscription '{PROD}'")) && message.contains("'read'") && message.contains("'2' seconds"),
        "{message}"
    );
    // Tenant-level calls (management groups, the subscription list): TenantRequestsThrottled.
    let tenant_url = format!("{}/providers/Microsoft.Management/managementGroups?api-version=2023-04-01", env.base);
    assert_eq!(env.http.get(&tenant_url).bearer_auth(&t).send().await.expect("get").status(), 200);
    assert_eq!(env.http.get(&tenant_url).bearer_auth(&t).send().await.expect("get").status(), 200);
    let r = env.http.get(&tenant_url).bearer_auth(&t).send().await.expect("get");
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["x-ms-ratelimit-remaining-tenant-reads"], "0");
    let body = r.json::<Value>().await.expect("json");
    assert_eq!(body["error"]["code"], "TenantRequestsThrottled");
    assert!(body["error"]["message"].as_str().expect("m").contains(&env.tenant()), "{body}");

    // Injected errors, latency and dropped connections, repeatably seeded.
    let cfg = json!({"seed": 7, "throttle": {"enabled": false}, "rules": [
        {"pathPattern": "/subscriptions/*/resourceGroups", "methods": ["GET"], "errorRate": 1.0, "errorStatus": 500},
        {"pathPattern": "/subscriptions/*/providers/Microsoft.Authorization/policyExemptions", "latencyMs": {"uniformMin": 100, "uniformMax": 150}},
        {"pathPattern": "/subscriptions/*/providers/Microsoft.Security/**", "dropRate": 1.0}
    ]});
    assert_eq!(post(&env, "/_sim/faults", cfg).await.0, 200);
    let (s, v) = env.get(&t, &format!("/subscriptions/{PROD}/resourceGroups?api-version=2021-04-01")).await;
    assert_eq!((s, v["error"]["code"].as_str()), (500, Some("InternalServerError")));
    let started = std::time::Instant::now();
    let (s, _) = env
        .get(&t, &format!("/subscriptions/{PROD}/providers/Microsoft.Authorization/policyExemptions?api-version={EXEMPTIONS_API}"))
        .await;
    assert_eq!(s, 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(100));
    let r = env
        .http
        .get(format!("{}/subscriptions/{PROD}/providers/Microsoft.Security/assessments?api-version=2021-06-01", env.base))
        .bearer_auth(&t)
        .send()
        .await;
    let e = r.expect_err("the connection is dropped");
    assert!(e.is_request() || e.is_connect(), "{e:?}");
    let log: Value = env.http.get(format!("{}/_sim/requests", env.base)).send().await.expect("log").json().await.expect("json");
    assert_eq!(log.as_array().expect("log").last().expect("entry")["dropped"], true);
    let cleared: Value = env.http.delete(format!("{}/_sim/faults", env.base)).send().await.expect("delete").json().await.expect("json");
    assert_eq!(cleared["rules"], json!([]));
    assert_eq!(cleared["throttle"]["writes"]["capacity"], 200.0);
    assert_eq!(env.get(&t, &format!("/subscriptions/{PROD}/providers/Microsoft.Security/assessments?api-version=2021-06-01")).await.0, 200);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn deleting_a_resource_deletes_its_exemptions_and_assessments() {
    let env = start().await;
    let manager = env.user_access("morgan.manager@contoso.example").await;
    let res = format!("/subscriptions/{PROD}/resourceGroups/rg-prod-data/providers/Microsoft.Storage/storageAccounts/stcontosoproddata");
    let ex = exemption_path(&res, "stcontosoproddata-vnet-rules");
    assert_eq!(env.get(&manager, &ex).await.0, 200);
    let reader = env.user_access("riley.reader@contoso.example").await;
    assert_eq!(env.delete(&reader, &format!("{res}?api-version=2023-05-01")).await.0, 403);
    assert_eq!(env.delete(&manager, &format!("{res}?api-version=2023-05-01")).await.0, 200);
    assert_eq!(env.delete(&manager, &format!("{res}?api-version=2023-05-01")).await.0, 204);
    assert_eq!(env.get(&manager, &format!("{res}?api-version=2023-05-01")).await.0, 404);
    let (items, _) = env
        .get_all(
            &manager,
            &format!("/subscriptions/{PROD}/resourceGroups/rg-prod-data/providers/Microsoft.Security/assessments?api-version=2021-06-01"),
        )
        .await;
    assert!(items.iter().all(|a| !a["id"].as_str().unwrap_or("").contains("stcontosoproddata/")));
    let (s, _) = env.get(&manager, &format!("/subscriptions/{PROD}/providers/Microsoft.Authorization/policyExemptions/stcontosoproddata-vnet-rules?api-version={EXEMPTIONS_API}")).await;
    assert_eq!(s, 404);
    let (_, list) = env
        .get(&manager, &format!("/subscriptions/{PROD}/providers/Microsoft.Authorization/policyExemptions?api-version={EXEMPTIONS_API}"))
        .await;
    assert!(!list.to_string().contains("stcontosoproddata-vnet-rules"));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn secure_scores_iso_initiative_role_writes_and_schema_log() {
    let env = start().await;
    let admin = env.user_access("alex.admin@contoso.example").await;
    let (s, v) = env.get(&admin, &format!("/subscriptions/{PROD}/providers/Microsoft.Security/secureScores?api-version=2020-01-01")).await;
    assert_eq!(s, 200, "{v}");
    let score = &v["value"][0];
    assert_eq!(score["name"], "ascScore");
    assert!(score["properties"]["score"]["current"].as_f64() <= score["properties"]["score"]["max"].as_f64());
    assert_eq!(
        env.get(&admin, &format!("/subscriptions/{PROD}/providers/Microsoft.Security/secureScores/ascScore?api-version=2020-01-01"))
            .await
            .0,
        200
    );

    let (s, iso) = env
        .get(&admin, "/providers/Microsoft.Authorization/policySetDefinitions/89c6cddc-1c73-4ac1-b19c-54d1a15a42f2?api-version=2023-04-01")
        .await;
    assert_eq!((s, iso["properties"]["displayName"].as_str()), (200, Some("ISO 27001:2013")));
    let (_, a) = env
        .get(&admin, &format!("/subscriptions/{SHARED}/providers/Microsoft.Authorization/policyAssignments?api-version=2023-04-01"))
        .await;
    assert!(a.to_string().contains("89c6cddc-1c73-4ac1-b19c-54d1a15a42f2"));

    // Granting Reader to the Security Resource Provider at the MG: Owner yes, Security Admin no.
    let mg = "/providers/Microsoft.Management/managementGroups/contoso";
    let body = json!({"properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", "principalId": "8313e63d-0f9a-4c80-970a-40949f41f0d6", "principalType": "ServicePrincipal"}});
    let path =
        format!("{mg}/providers/Microsoft.Authorization/roleAssignments/0e1c6f55-44c1-4f0a-9d55-4b2f3a1c9e01?api-version=2022-04-01");
    let (s, v) = env.put(&admin, &path, body.clone()).await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("AuthorizationFailed")));
    let manager = env.user_access("morgan.manager@contoso.example").await;
    assert_eq!(env.put(&manager, &path, body).await.0, 201);

    // Bodies failing the OpenAPI schema: 400 naming the path, logged in schemaErrors.
    let bad = json!({"properties": {"policyAssignmentId": mcsb_assignment(PROD), "exemptionCategory": "Waiver", "policyDefinitionReferenceIds": "not-an-array"}});
    let (s, v) = env.put(&admin, &exemption_path(&format!("/subscriptions/{PROD}"), "schema-bad"), bad).await;
    assert_eq!(s, 400);
    assert!(v["error"]["message"].as_str().unwrap_or("").contains("properties.policyDefinitionReferenceIds"), "{v}");
    let log: Value = env.http.get(format!("{}/_sim/requests", env.base)).send().await.expect("log").json().await.expect("json");
    let last = log.as_array().expect("log").last().expect("entry").clone();
    assert_eq!(last["schemaErrors"].as_array().map(Vec::len), Some(1));
    assert!(log.as_array().expect("log").iter().all(|e| e["schemaErrors"].is_array()));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn scale_seed_starts_and_pages() {
    let sim = azure_sim::Simulator::start("scale:4x120", "127.0.0.1:0".parse().expect("addr")).await.expect("scale seed");
    let http = reqwest::Client::new();
    let p: Value = http.get(format!("{}/_sim/principals", sim.base_url())).send().await.expect("p").json().await.expect("json");
    assert_eq!(p["users"].as_array().map(Vec::len), Some(3));
    assert!(azure_sim::Simulator::start("scale:0x1", "127.0.0.1:0".parse().expect("addr")).await.is_err());
    sim.shutdown().await;
}
