//! Microsoft Graph (minimal): service principals by appId, Graph-audience
//! tokens from every grant, and audiences kept apart from ARM.

mod common;
use common::*;
use serde_json::Value;

const SRP_APP_ID: &str = "8edd93e1-2103-40b4-bd70-6e34e586362d";
const SRP_OBJECT_ID: &str = "8313e63d-0f9a-4c80-970a-40949f41f0d6";
const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";

fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("claims")
}

async fn graph_get(env: &Env, token: Option<&str>, path_and_query: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = env.http.get(format!("{}{}", env.base, path_and_query));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("graph request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("text");
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn sp_graph_token(env: &Env) -> String {
    let (id, secret) = env.sp("exemption-desk-ci");
    let r = env
        .token_form(&[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", &secret), ("scope", GRAPH_SCOPE)])
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    v["access_token"].as_str().expect("at").to_string()
}

#[tokio::test]
async fn service_principal_by_app_id() {
    let env = start().await;
    let t = sp_graph_token(&env).await;
    let c = claims(&t);
    assert_eq!(c["aud"], "https://graph.microsoft.com/");
    assert_eq!(c["roles"][0], "Application.Read.All");

    let path = format!("/v1.0/servicePrincipals(appId='{SRP_APP_ID}')?$select=id,appId,displayName");
    let (s, h, v) = graph_get(&env, Some(&t), &path).await;
    assert_eq!(s, 200, "{v}");
    assert!(h["content-type"].to_str().expect("ct").starts_with("application/json;odata.metadata=minimal"));
    assert!(h.contains_key("request-id"));
    assert_eq!(v["id"], SRP_OBJECT_ID);
    assert_eq!(v["appId"], SRP_APP_ID);
    assert_eq!(v["displayName"], "Windows Azure Security Resource Provider");
    assert_eq!(v["@odata.context"], "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(id,appId,displayName)/$entity");
    assert_eq!(v.as_object().map(|o| o.len()), Some(4), "only the selected properties: {v}");

    // Without $select, percent-encoded quotes, any casing of the segment.
    let (s, _, v) = graph_get(&env, Some(&t), &format!("/v1.0/serviceprincipals(appId=%27{SRP_APP_ID}%27)")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["@odata.context"], "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity");
    assert_eq!(v["id"], SRP_OBJECT_ID);
    assert_eq!(v["servicePrincipalType"], "Application");

    // The CI service principal, by object id, and through a list filter.
    let ci = env.principals["servicePrincipals"]
        .as_array()
        .expect("sps")
        .iter()
        .find(|s| s["displayName"] == "exemption-desk-ci")
        .cloned()
        .expect("ci");
    let (s, _, v) = graph_get(&env, Some(&t), &format!("/v1.0/servicePrincipals/{}", ci["objectId"].as_str().expect("oid"))).await;
    assert_eq!((s, &v["appId"]), (200, &ci["clientId"]));
    let (s, _, v) = graph_get(&env, Some(&t), &format!("/v1.0/servicePrincipals?$filter=appId eq '{SRP_APP_ID}'&$select=id")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["value"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["value"][0]["id"], SRP_OBJECT_ID);

    // Unknown app id: Graph's 404.
    let unknown = "00000000-1111-2222-3333-444444444444";
    let (s, _, v) = graph_get(&env, Some(&t), &format!("/v1.0/servicePrincipals(appId='{unknown}')?$select=id")).await;
    assert_eq!(s, 404);
    assert_eq!(v["error"]["code"], "Request_ResourceNotFound");
    assert_eq!(
        v["error"]["message"],
        format!("Resource '{unknown}' does not exist or one of its queried reference-property objects are not present.")
    );
    for k in ["date", "request-id", "client-request-id"] {
        assert!(v["error"]["innerError"][k].is_string(), "{k}: {v}");
    }

    // Logged like everything else, with the caller.
    let log: Value = env.http.get(format!("{}/_sim/requests", env.base)).send().await.expect("log").json().await.expect("json");
    let entry = log
        .as_array()
        .expect("log")
        .iter()
        .find(|e| e["path"] == format!("/v1.0/servicePrincipals(appId='{SRP_APP_ID}')"))
        .cloned()
        .expect("logged");
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["principal"], ci["clientId"]);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn graph_and_arm_audiences_stay_apart() {
    let env = start().await;
    let path = format!("/v1.0/servicePrincipals(appId='{SRP_APP_ID}')");

    // No token.
    let (s, h, v) = graph_get(&env, None, &path).await;
    assert_eq!((s, v["error"]["code"].as_str()), (401, Some("InvalidAuthenticationToken")), "{v}");
    assert_eq!(v["error"]["message"], "Access token is empty.");
    assert!(h["www-authenticate"].to_str().expect("hdr").starts_with("Bearer "));

    // An ARM token is not for Graph.
    let arm = env.sp_token().await;
    let (s, _, v) = graph_get(&env, Some(&arm), &path).await;
    assert_eq!((s, v["error"]["code"].as_str()), (401, Some("InvalidAuthenticationToken")));
    assert!(v["error"]["message"].as_str().expect("m").contains("Invalid audience"), "{v}");
    let (s, _, _) = graph_get(&env, Some("not.a.token"), &path).await;
    assert_eq!(s, 401);

    // A user signs in for ARM; the refresh token is redeemed for Graph, as in Entra.
    let client = env.principals["publicClientId"].as_str().expect("client").to_string();
    let user = env.user_token("alex.admin@contoso.example").await;
    let rt = user["refresh_token"].as_str().expect("rt");
    let r = env.token_form(&[("grant_type", "refresh_token"), ("client_id", &client), ("refresh_token", rt), ("scope", GRAPH_SCOPE)]).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    assert!(v["refresh_token"].is_string(), "the grant keeps offline access");
    assert!(v["scope"].as_str().expect("scope").contains("https://graph.microsoft.com/Application.Read.All"), "{v}");
    let graph = v["access_token"].as_str().expect("at").to_string();
    let c = claims(&graph);
    assert_eq!((c["aud"].as_str(), c["upn"].as_str()), (Some("https://graph.microsoft.com/"), Some("alex.admin@contoso.example")));
    assert!(c["scp"].as_str().expect("scp").contains("Application.Read.All"));
    let (s, _, v) = graph_get(&env, Some(&graph), &format!("{path}?$select=id")).await;
    assert_eq!((s, v["id"].as_str()), (200, Some(SRP_OBJECT_ID)), "{v}");
    // ...and ARM refuses that Graph token.
    let (s, v) = env.get(&graph, "/subscriptions?api-version=2022-12-01").await;
    assert_eq!((s, v["error"]["code"].as_str()), (401, Some("InvalidAuthenticationTokenAudience")));

    // Auth code straight for Graph works too.
    let verifier = "graph-verifier-0123456789-abcdefghijklmnop";
    let challenge = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
    };
    let redirect = "http://127.0.0.1:53117/";
    let code = env.authorize_code(&client, redirect, &challenge, Some("morgan.manager@contoso.example")).await;
    let r = env
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
            ("scope", GRAPH_SCOPE),
        ])
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    let (s, _, _) = graph_get(&env, Some(v["access_token"].as_str().expect("at")), &path).await;
    assert_eq!(s, 200);

    // Only GET.
    let r = env.http.post(format!("{}{path}", env.base)).bearer_auth(&graph).send().await.expect("post");
    assert_eq!(r.status(), 405);
    env.sim.shutdown().await;
}
