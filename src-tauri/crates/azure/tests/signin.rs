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
use tokio::sync::oneshot;

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
async fn a_redirect_with_someone_elses_state_is_answered_and_ignored() {
    let world = World::start().await;
    let (open, page) = browser(true);
    let request = BrowserSignIn { timeout: Duration::from_secs(3), ..browser_sign_in(&world) };
    let error = sign_in_with_browser(reqwest::Client::new(), request, open).await.expect_err("never completed");
    assert_eq!(error.code(), "sign_in_stopped", "the attempt waited for its own redirect: {error}");
    let (status, html) = page.await.expect("browser finished");
    assert_eq!(status, 400);
    assert!(html.contains("does not belong to the sign-in in progress"), "{html}");
    assert!(token_requests(&world.requests().await).is_empty(), "the code was not redeemed");
}

/// A raw HTTP/1.1 request to the loopback listener: status and body.
async fn raw_get(port: u16, target: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connects");
    let head = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("sends");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("reads");
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer)
}

/// A browser that first lets `before` loose on the loopback port, then
/// follows the real redirect; sends back what `before` saw and the page.
/// What the stray requests saw, then the status and page of the real redirect.
type Seen = oneshot::Receiver<(Value, u16, String)>;

fn browser_after<F, Fut>(before: F) -> (impl FnOnce(&Url) -> Result<(), String>, Seen)
where
    F: FnOnce(u16, String) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Value> + Send,
{
    let (tx, rx) = oneshot::channel();
    let open = move |url: &Url| {
        let url = url.clone();
        tokio::spawn(async move {
            let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
            let authorize = no_redirects.get(url).send().await.expect("authorize");
            let location = Url::parse(authorize.headers()["location"].to_str().expect("text")).expect("redirect url");
            assert_eq!(location.host_str(), Some("127.0.0.1"), "the redirect URI is bound to 127.0.0.1");
            let port = location.port().expect("port");
            let state = location.query_pairs().find(|(k, _)| k == "state").map(|(_, v)| v.into_owned()).expect("state");
            let seen = before(port, state).await;
            let page = reqwest::get(location).await.expect("loopback answers");
            let status = page.status().as_u16();
            let _ = tx.send((seen, status, page.text().await.expect("page")));
        });
        Ok(())
    };
    (open, rx)
}

#[tokio::test]
async fn slow_connections_and_stray_requests_do_not_hold_up_the_real_redirect() {
    let world = World::start().await;
    let (open, page) = browser_after(|port, _| async move {
        use tokio::io::AsyncWriteExt;
        // Twenty connections that never finish their request (a slowloris, idle pre-connects).
        let mut idle = Vec::new();
        for _ in 0..20 {
            let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connects");
            stream.write_all(b"GET /?state=").await.expect("half a request");
            idle.push(stream);
        }
        let favicon = raw_get(port, "/favicon.ico").await.0;
        let elsewhere = raw_get(port, "/callback?code=x").await.0;
        // Kept open while the real redirect comes back.
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(60)).await;
            drop(idle);
        });
        json!({"favicon": favicon, "elsewhere": elsewhere})
    });
    let started = std::time::Instant::now();
    let credential = sign_in_with_browser(reqwest::Client::new(), browser_sign_in(&world), open).await.expect("signs in");
    assert!(started.elapsed() < Duration::from_secs(10), "not held up: {:?}", started.elapsed());
    let (seen, status, html) = page.await.expect("browser finished");
    assert_eq!(seen, json!({"favicon": 404, "elsewhere": 404}), "stray requests are answered");
    assert_eq!(status, 200);
    assert!(html.contains("You can return to Exemption Desk"), "{html}");
    assert!(credential.refresh_token().await.is_some());
}

#[tokio::test]
async fn a_forged_error_without_this_attempts_state_neither_ends_the_sign_in_nor_shows_its_text() {
    let world = World::start().await;
    let (open, page) = browser_after(|port, state| async move {
        let forged = "/?error=access_denied&error_description=%3Cb%3ECall+0800-SCAM+now%3C%2Fb%3E";
        let (without, without_page) = raw_get(port, forged).await;
        let (wrong, wrong_page) = raw_get(port, &format!("{forged}&state=not-{state}")).await;
        let (post, _) = {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connects");
            stream
                .write_all(format!("POST /?state={state}&error=x HTTP/1.1\r\nContent-Length: 0\r\n\r\n").as_bytes())
                .await
                .expect("sends");
            let mut answer = String::new();
            stream.read_to_string(&mut answer).await.expect("reads");
            (answer.split(' ').nth(1).unwrap_or("").to_owned(), answer)
        };
        for page in [&without_page, &wrong_page] {
            assert!(!page.contains("SCAM") && !page.contains("access_denied"), "the forged text is not shown: {page}");
        }
        json!({"without": without, "wrong": wrong, "post": post})
    });
    let credential = sign_in_with_browser(reqwest::Client::new(), browser_sign_in(&world), open).await.expect("signs in anyway");
    let (seen, status, _) = page.await.expect("browser finished");
    assert_eq!(seen, json!({"without": 400, "wrong": 400, "post": "405"}));
    assert_eq!(status, 200, "the real redirect completed the sign-in");
    let (_, identity) = world.connection(SignIn::Signed(Arc::new(credential))).connect().await.expect("connects");
    assert_eq!(identity.account, MORGAN);
}

#[tokio::test]
async fn an_error_entra_sends_with_this_attempts_state_ends_the_sign_in() {
    let world = World::start().await;
    let (tx, rx) = oneshot::channel();
    let open = move |url: &Url| {
        let redirect = url.query_pairs().find(|(k, _)| k == "redirect_uri").map(|(_, v)| v.into_owned()).expect("redirect_uri");
        let state = url.query_pairs().find(|(k, _)| k == "state").map(|(_, v)| v.into_owned()).expect("state");
        tokio::spawn(async move {
            let page = reqwest::get(format!("{redirect}?error=access_denied&error_description=The+user+cancelled&state={state}"))
                .await
                .expect("answers");
            let _ = tx.send((page.status().as_u16(), page.text().await.expect("page")));
        });
        Ok(())
    };
    let error = sign_in_with_browser(reqwest::Client::new(), browser_sign_in(&world), open).await.expect_err("refused");
    assert!(
        error.to_string().contains("cancelled or denied in the browser") && error.to_string().contains("The user cancelled"),
        "{error}"
    );
    let (status, html) = rx.await.expect("page");
    assert_eq!(status, 400);
    assert!(html.contains("Sign-in did not complete"), "{html}");
}

#[tokio::test]
async fn a_browser_that_never_comes_back_times_out() {
    let world = World::start().await;
    let request = BrowserSignIn { timeout: Duration::from_millis(200), ..browser_sign_in(&world) };
    let error = sign_in_with_browser(reqwest::Client::new(), request, |_| Ok(())).await.expect_err("times out");
    assert_eq!(error.code(), "sign_in_stopped", "{error}");
    let error =
        sign_in_with_browser(reqwest::Client::new(), browser_sign_in(&world), |_| Err("no browser".into())).await.expect_err("refused");
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
    let credential = device_code(&world, |user_code| ("/_sim/devicecode/approve", json!({"userCode": user_code, "upn": MORGAN})))
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

    let error = device_code(&world, |user_code| ("/_sim/devicecode/approve", json!({"userCode": user_code, "decline": true})))
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
    let error = sign_in_with_device_code(reqwest::Client::new(), device_code_sign_in(&world), show, &cancel).await.expect_err("cancelled");
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
