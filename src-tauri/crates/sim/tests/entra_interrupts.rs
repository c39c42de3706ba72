//! Sign-in interruptions (`POST /_sim/signin`): MFA required, consent
//! missing, blocked by Conditional Access — and an account of another tenant.

mod common;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use serde_json::{json, Value};

const ARM_APP_ID: &str = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
const EXTERNAL: &str = "jamie@fabrikam.example";
const SCOPE: &str = "https://management.azure.com//.default offline_access openid profile";
const REDIRECT: &str = "http://127.0.0.1:53117/";

async fn set_interrupt(env: &Env, interrupt: Value) -> Value {
    let r = env.http.post(format!("{}/_sim/signin", env.base)).json(&json!({ "interrupt": interrupt })).send().await.expect("signin");
    assert_eq!(r.status(), 200);
    r.json().await.expect("json")
}

fn client(env: &Env) -> String {
    env.principals["publicClientId"].as_str().expect("client").to_string()
}

/// Authorize and return the redirect's query pairs.
async fn authorize(env: &Env, hint: &str) -> Vec<(String, String)> {
    let client = client(env);
    let q = [
        ("client_id", client.as_str()),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", SCOPE),
        ("state", "st4te"),
        ("login_hint", hint),
    ];
    let r = env.http.get(format!("{}/{}/oauth2/v2.0/authorize", env.base, env.tenant())).query(&q).send().await.expect("authorize");
    assert_eq!(r.status(), 302);
    let loc = r.headers()["location"].to_str().expect("location").to_string();
    assert!(loc.starts_with(REDIRECT), "{loc}");
    serde_urlencoded::from_str(loc.split_once('?').expect("query").1).expect("pairs")
}

fn get<'a>(pairs: &'a [(String, String)], k: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

async fn refresh(env: &Env, rt: &str) -> (u16, Value) {
    let client = client(env);
    let r = env.token_form(&[("grant_type", "refresh_token"), ("client_id", &client), ("refresh_token", rt)]).await;
    (r.status().as_u16(), r.json().await.expect("json"))
}

/// Start a device-code sign-in, approve it with `approval` and redeem it once.
async fn device_flow(env: &Env, approval: Value) -> (u16, Value) {
    let client = client(env);
    let r = env
        .http
        .post(format!("{}/{}/oauth2/v2.0/devicecode", env.base, env.tenant()))
        .form(&[("client_id", client.as_str()), ("scope", SCOPE)])
        .send()
        .await
        .expect("devicecode");
    let dc: Value = r.json().await.expect("json");
    let mut body = approval;
    body["userCode"] = dc["user_code"].clone();
    let r = env.http.post(format!("{}/_sim/devicecode/approve", env.base)).json(&body).send().await.expect("approve");
    assert_eq!(r.status(), 200);
    let r = env
        .token_form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", &client),
            ("device_code", dc["device_code"].as_str().expect("device code")),
        ])
        .await;
    (r.status().as_u16(), r.json().await.expect("json"))
}

fn claims_of(token: &Value) -> Value {
    let at = token["access_token"].as_str().expect("access token");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(at.split('.').nth(1).expect("payload")).expect("b64")).expect("claims")
}

fn assert_grant_error(res: &(u16, Value), code: u64, suberror: Option<&str>) {
    assert_eq!(res.0, 400, "{}", res.1);
    assert_eq!(res.1["error"], "invalid_grant", "{}", res.1);
    assert_eq!(res.1["error_codes"][0], code, "{}", res.1);
    assert!(res.1["error_description"].as_str().expect("d").starts_with(&format!("AADSTS{code}: ")), "{}", res.1);
    assert_eq!(res.1["suberror"].as_str(), suberror, "{}", res.1);
}

#[tokio::test]
async fn mfa_required_by_conditional_access() {
    let env = start().await;
    let before = env.user_token("alex.admin@contoso.example").await;
    assert_eq!(claims_of(&before)["amr"], json!(["pwd"]));
    let old_rt = before["refresh_token"].as_str().expect("rt").to_string();

    assert_eq!(set_interrupt(&env, json!("mfa")).await, json!({ "interrupt": "mfa" }));
    let got: Value = env.http.get(format!("{}/_sim/signin", env.base)).send().await.expect("get").json().await.expect("json");
    assert_eq!(got, json!({ "interrupt": "mfa" }));

    // The old refresh token (no MFA): 50076 with a claims challenge.
    let res = refresh(&env, &old_rt).await;
    assert_grant_error(&res, 50076, Some("basic_action"));
    let d = res.1["error_description"].as_str().expect("d");
    assert!(d.contains("you must use multi-factor authentication to access"), "{d}");
    assert!(d.contains(ARM_APP_ID), "{d}");
    let challenge: Value = serde_json::from_str(res.1["claims"].as_str().expect("claims is a JSON string")).expect("claims json");
    assert_eq!(challenge["access_token"]["capolids"]["essential"], true, "{challenge}");
    assert!(challenge["access_token"]["capolids"]["values"][0].is_string(), "{challenge}");

    // Device code approved without MFA: 50076; with MFA on the device page: tokens.
    let res = device_flow(&env, json!({ "upn": "alex.admin@contoso.example" })).await;
    assert_grant_error(&res, 50076, Some("basic_action"));
    let res = device_flow(&env, json!({ "upn": "alex.admin@contoso.example", "mfa": true })).await;
    assert_eq!(res.0, 200, "{}", res.1);
    assert_eq!(claims_of(&res.1)["amr"], json!(["pwd", "mfa"]));

    // Interactive sign-in completes MFA in the browser; its tokens carry it and
    // its refresh token keeps working.
    let after = env.user_token("alex.admin@contoso.example").await;
    assert_eq!(claims_of(&after)["amr"], json!(["pwd", "mfa"]));
    let (s, v) = refresh(&env, after["refresh_token"].as_str().expect("rt")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(claims_of(&v)["amr"], json!(["pwd", "mfa"]));
    let (s, v) = refresh(&env, v["refresh_token"].as_str().expect("rt")).await;
    assert_eq!(s, 200, "{v}");

    // The setting survives a reset; clearing it lets the old grant through again.
    env.http.post(format!("{}/_sim/reset", env.base)).send().await.expect("reset");
    let got: Value = env.http.get(format!("{}/_sim/signin", env.base)).send().await.expect("get").json().await.expect("json");
    assert_eq!(got["interrupt"], "mfa");
    let rt = env.user_token("morgan.manager@contoso.example").await["refresh_token"].as_str().expect("rt").to_string();
    assert_eq!(set_interrupt(&env, Value::Null).await, json!({ "interrupt": null }));
    assert_eq!(refresh(&env, &rt).await.0, 200);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn consent_required() {
    let env = start().await;
    let rt = env.user_token("alex.admin@contoso.example").await["refresh_token"].as_str().expect("rt").to_string();
    set_interrupt(&env, json!("consent")).await;

    let pairs = authorize(&env, "alex.admin@contoso.example").await;
    assert_eq!(get(&pairs, "error"), Some("consent_required"), "{pairs:?}");
    let d = get(&pairs, "error_description").expect("description");
    assert!(d.starts_with("AADSTS65001: The user or administrator has not consented to use the application with ID '55b41b4a-3a85-4189-823c-744426dd37b2'"), "{d}");
    assert_eq!(get(&pairs, "state"), Some("st4te"));
    assert_eq!(get(&pairs, "code"), None);

    assert_grant_error(&refresh(&env, &rt).await, 65001, Some("consent_required"));
    assert_grant_error(&device_flow(&env, json!({})).await, 65001, Some("consent_required"));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn blocked_by_conditional_access() {
    let env = start().await;
    let rt = env.user_token("alex.admin@contoso.example").await["refresh_token"].as_str().expect("rt").to_string();
    // An authorization code issued before the policy applies is refused at redemption too.
    let verifier = "v".repeat(43);
    let challenge = {
        use sha2::Digest;
        URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
    };
    let client = client(&env);
    let code = env.authorize_code(&client, REDIRECT, &challenge, None).await;
    set_interrupt(&env, json!("blocked")).await;

    let pairs = authorize(&env, "morgan.manager@contoso.example").await;
    assert_eq!(get(&pairs, "error"), Some("access_denied"), "{pairs:?}");
    assert!(get(&pairs, "error_description")
        .expect("d")
        .starts_with("AADSTS53003: Access has been blocked by Conditional Access policies."));
    assert_eq!(get(&pairs, "state"), Some("st4te"));

    let r = env
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .await;
    assert_grant_error(&(r.status().as_u16(), r.json().await.expect("json")), 53003, Some("message_only"));
    assert_grant_error(&refresh(&env, &rt).await, 53003, Some("message_only"));
    assert_grant_error(&device_flow(&env, json!({ "mfa": true })).await, 53003, Some("message_only"));

    // Service principals are not user sign-ins.
    env.sp_token().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn account_of_another_tenant_is_refused() {
    let env = start().await;
    let ext = env.principals["externalUsers"].as_array().expect("external users");
    assert_eq!(ext.len(), 1);
    assert_eq!(ext[0]["upn"], EXTERNAL);
    assert!(env.principals["users"].as_array().expect("users").iter().all(|u| u["upn"] != EXTERNAL), "not a member or guest");

    let pairs = authorize(&env, EXTERNAL).await;
    assert_eq!(get(&pairs, "error"), Some("invalid_request"), "{pairs:?}");
    let d = get(&pairs, "error_description").expect("d");
    assert!(d.starts_with(&format!("AADSTS50020: User account '{EXTERNAL}' from identity provider 'https://sts.windows.net/")), "{d}");
    assert!(
        d.contains(
            "does not exist in tenant 'Contoso' and cannot access the application '55b41b4a-3a85-4189-823c-744426dd37b2'(Exemption Desk)"
        ),
        "{d}"
    );
    assert!(d.contains("added as an external user in the tenant first"), "{d}");
    assert_eq!(get(&pairs, "state"), Some("st4te"));

    // Device code signed in with that account ends the same way at redemption.
    let res = device_flow(&env, json!({ "upn": EXTERNAL })).await;
    assert_grant_error(&res, 50020, None);
    assert!(res.1["error_description"].as_str().expect("d").contains(EXTERNAL));

    // Unknown accounts are still AADSTS50034.
    let pairs = authorize(&env, "nobody@contoso.example").await;
    assert!(get(&pairs, "error_description").expect("d").starts_with("AADSTS50034"));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn signin_control_validates_its_body() {
    let env = start().await;
    let got: Value = env.http.get(format!("{}/_sim/signin", env.base)).send().await.expect("get").json().await.expect("json");
    assert_eq!(got, json!({ "interrupt": null }));
    for body in [json!({}), json!({ "interrupt": "MFA" }), json!({ "interrupt": 1 })] {
        let r = env.http.post(format!("{}/_sim/signin", env.base)).json(&body).send().await.expect("post");
        assert_eq!(r.status(), 400, "{body}");
        assert_eq!(r.json::<Value>().await.expect("json")["error"]["code"], "SimBadRequest");
    }
    // Library control: same setting.
    env.sim.set_signin_interrupt(Some(azure_sim::SignInInterrupt::Blocked));
    let got: Value = env.http.get(format!("{}/_sim/signin", env.base)).send().await.expect("get").json().await.expect("json");
    assert_eq!(got["interrupt"], "blocked");
    env.sim.shutdown().await;
}
