//! Entra token endpoint and ARM authentication.

mod common;
use common::*;
use serde_json::Value;

#[tokio::test]
async fn client_credentials_and_errors() {
    let env = start().await;
    let (id, secret) = env.sp("exemption-desk-ci");
    let r = env
        .token_form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", "https://management.azure.com/.default"),
        ])
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 3599);
    assert!(v.get("refresh_token").is_none());
    let at = v["access_token"].as_str().expect("at");
    assert_eq!(at.split('.').count(), 3);
    let (s, body) = env.get(at, "/subscriptions?api-version=2022-12-01").await;
    assert_eq!(s, 200, "{body}");

    // Wrong secret: 401 invalid_client, AADSTS7000215.
    let r = env
        .token_form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", "nope"),
            ("scope", "https://management.azure.com/.default"),
        ])
        .await;
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["error"], "invalid_client");
    assert_eq!(v["error_codes"][0], 7000215);
    assert!(v["error_description"].as_str().expect("d").starts_with("AADSTS7000215:"));
    for k in ["timestamp", "trace_id", "correlation_id"] {
        assert!(v[k].is_string(), "{k}");
    }

    // Scope without /.default.
    let r = env
        .token_form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", "https://management.azure.com/user_impersonation"),
        ])
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "invalid_scope");

    // Unknown grant type and missing grant type.
    let r = env.token_form(&[("grant_type", "password"), ("client_id", &id)]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "unsupported_grant_type");
    let r = env.token_form(&[("client_id", &id)]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "invalid_request");
    env.sim.shutdown().await;
}

#[tokio::test]
async fn arm_refuses_missing_bad_and_foreign_tokens() {
    let env = start().await;
    let r = env.http.get(format!("{}/subscriptions?api-version=2022-12-01", env.base)).send().await.expect("req");
    assert_eq!(r.status(), 401);
    let www = r.headers()["www-authenticate"].to_str().expect("hdr").to_string();
    assert!(www.starts_with("Bearer authorization_uri=") && www.contains("error=\"invalid_token\""), "{www}");
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["error"]["code"], "AuthenticationFailed");
    assert_eq!(v["error"]["message"], "Authentication failed. The 'Authorization' header is missing.");

    let (s, v) = env.get("not.a.token", "/subscriptions?api-version=2022-12-01").await;
    assert_eq!((s, v["error"]["code"].as_str()), (401, Some("InvalidAuthenticationToken")));

    // A token signed by another simulator instance is refused.
    let other = start().await;
    let foreign = other.sp_token().await;
    let (s, v) = env.get(&foreign, "/subscriptions?api-version=2022-12-01").await;
    assert_eq!((s, v["error"]["code"].as_str()), (401, Some("InvalidAuthenticationToken")));

    // A Graph token is not for ARM.
    let (id, secret) = env.sp("exemption-desk-ci");
    let r = env
        .token_form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .await;
    let graph: Value = r.json().await.expect("json");
    let (s, v) = env.get(graph["access_token"].as_str().expect("at"), "/subscriptions?api-version=2022-12-01").await;
    assert_eq!((s, v["error"]["code"].as_str()), (401, Some("InvalidAuthenticationTokenAudience")));
    other.sim.shutdown().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn auth_code_with_pkce_and_refresh() {
    let env = start().await;
    let v = env.user_token("morgan.manager@contoso.example").await;
    assert!(v["refresh_token"].is_string());
    assert!(v["id_token"].is_string());
    let at = v["access_token"].as_str().expect("at");
    // Claims carry the user.
    let payload = at.split('.').nth(1).expect("payload");
    let claims: Value = {
        use base64::Engine;
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("claims")
    };
    assert_eq!(claims["upn"], "morgan.manager@contoso.example");
    assert_eq!(claims["aud"], "https://management.azure.com/");
    assert_eq!(claims["tid"], env.tenant());
    assert!(claims["exp"].as_i64().expect("exp") - claims["iat"].as_i64().expect("iat") >= 3599);

    // Refresh.
    let client = env.principals["publicClientId"].as_str().expect("client").to_string();
    let rt = v["refresh_token"].as_str().expect("rt");
    let r = env
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("client_id", &client),
            ("refresh_token", rt),
            ("scope", "https://management.azure.com//.default offline_access"),
        ])
        .await;
    assert_eq!(r.status(), 200);
    let r = env.token_form(&[("grant_type", "refresh_token"), ("client_id", &client), ("refresh_token", "bogus")]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.expect("json")["error"], "invalid_grant");

    // Wrong verifier is refused, and the code cannot be reused afterwards.
    let redirect = "http://localhost:40123/callback";
    let challenge = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(b"the-right-verifier-0123456789-abcdefghijkl"))
    };
    let code = env.authorize_code(&client, redirect, &challenge, None).await;
    let r = env
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", "wrong"),
            ("scope", "https://management.azure.com//.default"),
        ])
        .await;
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["error"], "invalid_grant");
    assert!(e["error_description"].as_str().expect("d").contains("Code_Verifier"));

    // Mismatched redirect_uri.
    let code = env.authorize_code(&client, redirect, &challenge, None).await;
    let r = env
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client),
            ("code", &code),
            ("redirect_uri", "http://localhost:1/"),
            ("code_verifier", "the-right-verifier-0123456789-abcdefghijkl"),
        ])
        .await;
    assert_eq!(r.status(), 400);

    // Default user is the security admin.
    let code = env.authorize_code(&client, redirect, &challenge, None).await;
    let r = env
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", "the-right-verifier-0123456789-abcdefghijkl"),
            ("scope", "https://management.azure.com//.default"),
        ])
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    assert!(v.get("refresh_token").is_none(), "no offline_access, no refresh token");

    // Unknown client: error page, no redirect. Non-loopback redirect: error page.
    let r = env
        .http
        .get(format!("{}/organizations/oauth2/v2.0/authorize", env.base))
        .query(&[
            ("client_id", "00000000-0000-0000-0000-000000000000"),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("scope", "openid"),
        ])
        .send()
        .await
        .expect("req");
    assert_eq!(r.status(), 400);
    let r = env
        .http
        .get(format!("{}/common/oauth2/v2.0/authorize", env.base))
        .query(&[("client_id", client.as_str()), ("response_type", "code"), ("redirect_uri", "https://evil.example/"), ("scope", "openid")])
        .send()
        .await
        .expect("req");
    assert_eq!(r.status(), 400);
    env.sim.shutdown().await;
}
