//! Signing in as a user against the simulator's Entra: the browser flow
//! (auth code + PKCE on a loopback redirect), the device-code flow, and
//! refreshing without asking the user again.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use desk_azure::signin::{sign_in_with_browser, sign_in_with_device_code, BrowserSignIn, DeviceCodeSignIn};
use desk_azure::{Authority, AzureError, Cancel, EntraCredential, SignIn, Url, PUBLIC_TOKEN_SCOPE};
use serde_json::{json, Value};

const MORGAN: &str = "morgan.manager@contoso.example";

fn authority(world: &World) -> Authority {
    Authority { host: Url::parse(&format!("{}/", world.sim.base_url())).expect("url"), tenant: "organizations".into() }
}

fn client_id(world: &World) -> String {
    world.principals["publicClientId"].as_str().expect("client").to_owned()
}

fn browser_sign_in(world: &World) -> BrowserSignIn {
    BrowserSignIn {
        authority: authority(world),
        client_id: client_id(world),
        scope: PUBLIC_TOKEN_SCOPE.into(),
        login_hint: Some(MORGAN.into()),
        timeout: Duration::from_secs(30),
    }
}

fn device_code_sign_in(world: &World) -> DeviceCodeSignIn {
    DeviceCodeSignIn {
        authority: authority(world),
        client_id: client_id(world),
        scope: PUBLIC_TOKEN_SCOPE.into(),
        poll_interval: Some(Duration::from_millis(50)),
    }
}

fn token_requests(requests: &[Value]) -> Vec<&Value> {
    requests.iter().filter(|r| r["path"].as_str().unwrap_or("").ends_with("/oauth2/v2.0/token")).collect()
}

#[tokio::test]
async fn a_user_signs_in_in_the_browser_with_pkce_on_a_loopback_redirect() {
    let world = World::start().await;
    let (open, page) = browser(false);
    let credential = sign_in_with_browser(reqwest::Client::new(), browser_sign_in(&world), open).await.expect("signs in");
    let (status, html) = page.await.expect("browser finished");
    assert_eq!(status, 200);
    assert!(html.contains("You can return to Exemption Desk"), "{html}");

    let refresh = credential.refresh_token().await.expect("a refresh token to keep");
    assert!(!format!("{credential:?} {refresh:?}").contains(refresh.secret()), "never printed");

    let (tenant, identity) = world.connection(SignIn::Signed(Arc::new(credential))).connect().await.expect("connects");
    assert_eq!(identity.account, MORGAN);
    assert_eq!(tenant.subscriptions().await.expect("lists").len(), 4);

    let requests = world.requests().await;
    let authorize = requests.iter().find(|r| r["path"].as_str().unwrap_or("").ends_with("/authorize")).expect("authorize");
    let query = &authorize["query"];
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["prompt"], "select_account");
    assert_eq!(query["login_hint"], MORGAN);
    assert!(query["redirect_uri"].as_str().unwrap_or("").starts_with("http://127.0.0.1:"));
    assert_eq!(query["scope"], format!("{PUBLIC_TOKEN_SCOPE} offline_access openid profile"));
    let tokens = token_requests(&requests);
    assert_eq!(tokens.len(), 1, "one code exchange, then the cache");
    assert_eq!(tokens[0]["body"]["grant_type"], "authorization_code");
    assert!(tokens[0]["body"]["code_verifier"].is_string());
}

#[tokio::test]
async fn a_redirect_with_someone_elses_state_is_refused() {
    let world = World::start().await;
    let (open, page) = browser(true);
    let error = sign_in_with_browser(reqwest::Client::new(), browser_sign_in(&world), open).await.expect_err("refused");
    assert!(matches!(&error, AzureError::SignIn { error, .. } if error == "state_mismatch"), "{error}");
    let (status, html) = page.await.expect("browser finished");
    assert_eq!(status, 400);
    assert!(html.contains("did not belong to this sign-in attempt"), "{html}");
    assert!(token_requests(&world.requests().await).is_empty(), "the code was not redeemed");
}

#[tokio::test]
async fn a_browser_that_never_comes_back_times_out() {
    let world = World::start().await;
    let request = BrowserSignIn { timeout: Duration::from_millis(200), ..browser_sign_in(&world) };
    let error = sign_in_with_browser(reqwest::Client::new(), request, |_| Ok(())).await.expect_err("times out");
    assert_eq!(error.code(), "sign_in_stopped", "{error}");
    let error = sign_in_with_browser(reqwest::Client::new(), browser_sign_in(&world), |_| Err("no browser".into()))
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("no browser"), "{error}");
}

/// Device code, with `then` run (against the simulator) once the code is shown.
async fn device_code(world: &World, then: impl FnOnce(String) -> (&'static str, Value)) -> Result<EntraCredential, AzureError> {
    let base = world.sim.base_url().to_owned();
    let show = move |prompt: &desk_azure::signin::DeviceCodePrompt| {
        assert_eq!(prompt.expires_in, 900);
        assert!(prompt.message.contains(&prompt.user_code));
        let (path, body) = then(prompt.user_code.clone());
        tokio::spawn(async move {
            let response = reqwest::Client::new().post(format!("{base}{path}")).json(&body).send().await.expect("sim");
            assert!(response.status().is_success(), "{path}");
        });
        Ok(())
    };
    sign_in_with_device_code(reqwest::Client::new(), device_code_sign_in(world), show, &Cancel::default()).await
}

#[tokio::test]
async fn a_user_signs_in_with_a_device_code_approved_elsewhere() {
    let world = World::start().await;
    let credential = device_code(&world, |user_code| {
        ("/_sim/devicecode/approve", json!({"userCode": user_code, "upn": MORGAN}))
    })
    .await
    .expect("signs in");
    assert!(credential.refresh_token().await.is_some());
    let (tenant, identity) = world.connection(SignIn::Signed(Arc::new(credential))).connect().await.expect("connects");
    assert_eq!(identity.account, MORGAN);
    assert_eq!(tenant.subscriptions().await.expect("lists").len(), 4);
    let polls = token_requests(&world.requests().await).len();
    assert!(polls >= 1, "polled the token endpoint");
}

#[tokio::test]
async fn an_expired_or_declined_device_code_is_a_clear_error() {
    let world = World::start().await;
    let error = device_code(&world, |_| ("/_sim/clock", json!({"advanceSeconds": 15 * 60 + 1}))).await.expect_err("expired");
    assert!(matches!(&error, AzureError::SignIn { error, .. } if error == "expired_token"), "{error}");
    assert!(error.to_string().contains("expired before it was used"), "{error}");

    let error = device_code(&world, |user_code| {
        ("/_sim/devicecode/approve", json!({"userCode": user_code, "decline": true}))
    })
    .await
    .expect_err("declined");
    assert!(error.to_string().contains("declined"), "{error}");
}

#[tokio::test]
async fn a_cancelled_device_code_sign_in_stops_polling() {
    let world = World::start().await;
    let cancel = Cancel::default();
    let stop = cancel.clone();
    let show = move |_: &desk_azure::signin::DeviceCodePrompt| {
        stop.cancel();
        Ok(())
    };
    let error = sign_in_with_device_code(reqwest::Client::new(), device_code_sign_in(&world), show, &cancel)
        .await
        .expect_err("cancelled");
    assert_eq!(error.code(), "sign_in_stopped");
    assert!(token_requests(&world.requests().await).is_empty());
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_without_asking_the_user() {
    let world = World::start().await;
    world.control("/_sim/tokens", json!({"lifetimeSeconds": 60})).await;
    let (tenant, identity) = world.as_user(MORGAN).await;
    assert_eq!(tenant.subscriptions().await.expect("lists").len(), 4);
    let before = world.requests().await.len();

    world.control("/_sim/clock", json!({"advanceSeconds": 61})).await;
    assert_eq!(tenant.subscriptions().await.expect("still lists").len(), 4);

    let after = world.requests().await;
    let later = &after[before..];
    let refreshes: Vec<_> = token_requests(later).into_iter().filter(|r| r["body"]["grant_type"] == "refresh_token").collect();
    assert!(!refreshes.is_empty(), "a refresh_token grant after the clock moved: {later:?}");
    assert!(refreshes.iter().all(|r| r["body"]["refresh_token"] == "[redacted]" || r["body"]["refresh_token"].is_string()));
    assert!(!later.iter().any(|r| r["path"].as_str().unwrap_or("").ends_with("/authorize")), "the user was not asked");
    let ok_arm = later.iter().filter(|r| r["path"] == "/subscriptions" && r["status"] == 200).count();
    assert!(ok_arm >= 1, "ARM answered with the refreshed token");
    assert_eq!(identity.account, MORGAN);
}
