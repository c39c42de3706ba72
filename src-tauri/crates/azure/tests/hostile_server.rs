//! A server that answers with every bad value Azure (or whoever stands in its
//! place) could send: absurd numbers, bodies that never end, redirects,
//! foreign and looping links, silence. Each must end in a clear error, with no
//! panic, no secret sent elsewhere, and nothing journalled as done that was not.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azure_core::credentials::Secret;
use azure_core::time::OffsetDateTime;
use desk_azure::http::{client_with, Limits};
use desk_azure::signin::{sign_in_with_device_code, DeviceCodeSignIn};
use desk_azure::{
    apply_writes, apply_writes_caught, ApplyObserver, ApplyOptions, Arm, Authority, Cancel, EntraCredential, Identity, Tenant, Url,
};
use desk_core::apply::ItemState;
use desk_core::plan::PlannedWrite;
use desk_store::{Journal, Store};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "hostile-test-client-secret";
const SCOPE: &str = "https://management.azure.com/.default";
const SUBSCRIPTION: &str = "11111111-2222-3333-4444-555555555555";

/// One request as the server read it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    target: String,
    body: String,
}

enum Reply {
    Json {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Value,
    },
    Redirect {
        status: u16,
        location: String,
    },
    /// Reads the request and never answers.
    Silent,
    /// Announces a body it sends a byte at a time, for ever.
    Trickle,
    /// Announces `Content-Length: n` and streams zeros for ever.
    Announced(u64),
    /// A chunked body that never ends.
    Endless,
}

fn json(status: u16, body: Value) -> Reply {
    Reply::Json { status, headers: Vec::new(), body }
}

struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn url(&self) -> Url {
        Url::parse(&format!("{}/", self.base())).expect("url")
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("log").clone()
    }

    /// Requests other than for tokens.
    fn arm_requests(&self) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| !s.target.contains("/oauth2/")).collect()
    }
}

async fn serve(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler = Arc::new(handler);
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let handler = handler.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let mut stream = stream;
                let Some(request) = read_request(&mut stream).await else { return };
                log.lock().expect("log").push(request.clone());
                answer(&mut stream, handler(&request)).await;
            });
        }
    });
    Server { port, seen }
}

async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut first = head.lines().next()?.split(' ');
    Some(Seen {
        method: first.next()?.to_owned(),
        target: first.next()?.to_owned(),
        body: String::from_utf8_lossy(&buf[head_end..]).into_owned(),
    })
}

async fn answer(stream: &mut TcpStream, reply: Reply) {
    let reason = |status: u16| match status {
        200 => "OK",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        429 => "Too Many Requests",
        _ => "Whatever",
    };
    match reply {
        Reply::Json { status, headers, body } => {
            let body = body.to_string();
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                reason(status),
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(body.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Reply::Redirect { status, location } => {
            let head =
                format!("HTTP/1.1 {status} {}\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", reason(status));
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Reply::Silent => tokio::time::sleep(Duration::from_secs(3600)).await,
        Reply::Trickle => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for _ in 0..36_000 {
                if stream.write_all(b" ").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Reply::Announced(length) => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n");
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let zeros = vec![b' '; 64 * 1024];
            while stream.write_all(&zeros).await.is_ok() {}
        }
        Reply::Endless => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            while stream.write_all(&chunk).await.is_ok() {}
        }
    }
}

/// A token answer Entra would give.
fn token_ok(seen: &Seen) -> Option<Reply> {
    seen.target
        .contains("/oauth2/v2.0/token")
        .then(|| json(200, json!({"access_token": "tok", "token_type": "Bearer", "expires_in": 3599})))
}

fn limits(request_seconds: u64) -> Limits {
    Limits { connect_timeout: Duration::from_secs(2), request_timeout: Duration::from_secs(request_seconds) }
}

fn credential(server: &Server, limits: &Limits) -> EntraCredential {
    let http = client_with(limits).expect("client");
    let authority = Authority { host: server.url(), tenant: "t".into() };
    EntraCredential::client_secret(http, authority, "app".into(), Secret::new(SECRET.to_owned()))
}

fn tenant(server: &Server, limits: &Limits) -> Tenant {
    let http = client_with(limits).expect("client");
    let arm = Arm::new(http, server.url(), Arc::new(credential(server, limits)), SCOPE.to_owned());
    let identity = Identity { tenant_id: "t".into(), object_id: "o".into(), account: "a@b.example".into() };
    Tenant::new(arm, identity, None)
}

fn subscription(n: usize) -> Value {
    json!({"id": format!("/subscriptions/0000000{n}-0000-0000-0000-000000000000"), "subscriptionId": format!("0000000{n}-0000-0000-0000-000000000000"), "displayName": format!("Sub {n}"), "state": "Enabled"})
}

fn write_at(scope: &str, name: &str) -> PlannedWrite {
    PlannedWrite {
        method: Default::default(),
        as_read: None,
        scope: scope.to_owned(),
        name: name.to_owned(),
        path: format!("{scope}/providers/Microsoft.Authorization/policyExemptions/{name}"),
        policy_assignment_id: format!("{scope}/providers/Microsoft.Authorization/policyAssignments/benchmark"),
        initiative_name: "benchmark".into(),
        policy_definition_reference_ids: vec!["ref".into()],
        replaces_existing: false,
        below_chosen_scope: false,
        body: json!({"properties": {"exemptionCategory": "Mitigated"}}),
    }
}

/// A journal holding `writes` as apply "apply-1", as the app records it before sending.
fn journal(writes: &[PlannedWrite]) -> Store {
    let store = Store::in_memory().expect("journal");
    store.record_apply("apply-1", "rec", "a@b.example", writes).expect("recorded");
    store
}

fn states(store: &Store) -> Vec<(ItemState, Option<String>)> {
    store.apply_report("apply-1").expect("report").items.into_iter().map(|i| (i.state, i.message)).collect()
}

// ---------------------------------------------------------------- numbers

#[tokio::test]
async fn absurd_token_lifetimes_are_clamped_to_a_day() {
    for lifetime in [json!(i64::MAX), json!(u64::MAX), json!(1e300), json!("99999999999999999999999"), json!(-5)] {
        let answer = lifetime.clone();
        let server = serve(move |_| json(200, json!({"access_token": "tok", "expires_in": answer}))).await;
        let token = credential(&server, &limits(5)).token(SCOPE).await.unwrap_or_else(|e| panic!("{lifetime}: {e}"));
        let day_ahead = OffsetDateTime::now_utc() + azure_core::time::Duration::days(1) + azure_core::time::Duration::minutes(1);
        assert!(token.expires_on <= day_ahead, "{lifetime}: believed until {}", token.expires_on);
    }
    let server = serve(|_| json(200, json!({"access_token": "tok", "expires_on": u64::MAX}))).await;
    assert!(credential(&server, &limits(5)).token(SCOPE).await.is_ok(), "an absurd expires_on is clamped too");
}

#[tokio::test]
async fn absurd_device_code_numbers_are_clamped_and_cancel_still_stops_the_wait() {
    let server = serve(|seen| {
        if seen.target.ends_with("/devicecode") {
            json(
                200,
                json!({"user_code": "ABC", "device_code": "dc", "verification_uri": "https://example.invalid/device",
                "expires_in": u64::MAX, "interval": 1e300, "message": "go"}),
            )
        } else {
            json(400, json!({"error": "authorization_pending"}))
        }
    })
    .await;
    let request = DeviceCodeSignIn {
        authority: Authority { host: server.url(), tenant: "t".into() },
        client_id: "app".into(),
        scope: SCOPE.into(),
        poll_interval: None,
    };
    let shown = Arc::new(Mutex::new(None));
    let show = {
        let shown = shown.clone();
        move |p: &desk_azure::signin::DeviceCodePrompt| {
            *shown.lock().expect("shown") = Some(p.expires_in);
            Ok(())
        }
    };
    let cancel = Cancel::default();
    let stopper = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            cancel.cancel();
            Instant::now()
        })
    };
    let http = client_with(&limits(5)).expect("client");
    let outcome = tokio::time::timeout(Duration::from_secs(5), sign_in_with_device_code(http, request, show, &cancel))
        .await
        .expect("the sign-in ends");
    let cancelled_at = stopper.await.expect("stopper");
    assert!(cancelled_at.elapsed() < Duration::from_secs(1), "stopped within a second of Cancel");
    assert_eq!(outcome.expect_err("cancelled").code(), "sign_in_stopped");
    let expires_in = shown.lock().expect("shown").expect("the code was shown");
    assert!(expires_in <= 3600, "the prompt shows a bounded expiry, not {expires_in}");
}

#[tokio::test]
async fn a_device_code_with_an_absurd_expiry_still_signs_in() {
    let server = serve(|seen| {
        if seen.target.ends_with("/devicecode") {
            json(200, json!({"user_code": "ABC", "device_code": "dc", "verification_uri": "https://example.invalid/device", "expires_in": "18446744073709551616", "interval": 1}))
        } else {
            json(200, json!({"access_token": "tok", "refresh_token": "rt", "expires_in": 3599}))
        }
    })
    .await;
    let request = DeviceCodeSignIn {
        authority: Authority { host: server.url(), tenant: "t".into() },
        client_id: "app".into(),
        scope: SCOPE.into(),
        poll_interval: Some(Duration::from_millis(20)),
    };
    let http = client_with(&limits(5)).expect("client");
    let credential = sign_in_with_device_code(http, request, |_| Ok(()), &Cancel::default()).await.expect("signs in");
    assert!(credential.refresh_token().await.is_some());
}

/// PUTs answered 429 with `retry_after`; Cancel 300 ms in must end the apply
/// within a second, with the write journalled as Cancelled (never Succeeded).
async fn throttled_then_cancelled(retry_after: &'static str) {
    let server = serve(move |seen| {
        token_ok(seen).unwrap_or_else(|| Reply::Json {
            status: 429,
            headers: vec![("Retry-After", retry_after.to_owned())],
            body: json!({"error": {"code": "SubscriptionRequestsThrottled", "message": "slow down"}}),
        })
    })
    .await;
    let tenant = tenant(&server, &limits(5));
    let writes = vec![write_at(&format!("/subscriptions/{SUBSCRIPTION}"), "throttled")];
    let store = journal(&writes);
    let observer = Noting { journal: Journal { store: &store, apply_id: "apply-1" }, messages: Mutex::new(Vec::new()) };
    let cancel = Cancel::default();
    let stopper = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            cancel.cancel();
            Instant::now()
        })
    };
    let items = writes.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    let outcomes =
        tokio::time::timeout(Duration::from_secs(5), apply_writes(tenant.arm(), items, &ApplyOptions::default(), &observer, &cancel))
            .await
            .unwrap_or_else(|_| panic!("Retry-After {retry_after}: Cancel was not obeyed"));
    let cancelled_at = stopper.await.expect("stopper");
    assert!(cancelled_at.elapsed() < Duration::from_secs(1), "Retry-After {retry_after}: stopped within a second of Cancel");
    assert_eq!(outcomes, vec![(0, ItemState::Cancelled)], "Retry-After {retry_after}");
    let journalled = states(&store);
    assert_eq!(journalled[0].0, ItemState::Cancelled, "Retry-After {retry_after}: {journalled:?}");
    assert_eq!(server.arm_requests().len(), 1, "one attempt, then the wait");
    let messages = observer.messages.lock().expect("messages").clone();
    assert!(messages.iter().any(|m| m.contains("retrying in 120.0 s")), "Retry-After {retry_after} obeyed as two minutes: {messages:?}");
    let retry = messages.iter().find(|m| m.contains("retrying in")).cloned().unwrap_or_default();
    assert!(retry.starts_with("Attempt 1 failed: ") && retry.matches("Attempt").count() == 1, "names its attempt once: {retry}");
}

/// The journal, keeping every message too.
struct Noting<'a> {
    journal: Journal<'a>,
    messages: Mutex<Vec<String>>,
}

impl ApplyObserver for Noting<'_> {
    fn changed(&self, index: u32, state: ItemState, attempts: u32, message: Option<&str>) -> Result<(), String> {
        if let Some(m) = message {
            self.messages.lock().map_err(|e| e.to_string())?.push(m.to_owned());
        }
        self.journal.changed(index, state, attempts, message)
    }
}

#[tokio::test]
async fn a_huge_retry_after_is_clamped_and_cancel_stops_the_wait() {
    throttled_then_cancelled("18446744073709551615").await;
    throttled_then_cancelled("99999999999999999999999999999").await;
}

#[tokio::test]
async fn a_ten_year_retry_after_date_is_clamped_and_cancel_stops_the_wait() {
    throttled_then_cancelled("Tue, 01 Jan 2036 00:00:00 GMT").await;
}

#[tokio::test]
async fn a_retry_after_is_reported_at_most_two_minutes() {
    let server = serve(|seen| {
        token_ok(seen).unwrap_or_else(|| Reply::Json {
            status: 429,
            headers: vec![("Retry-After", "315360000".into())],
            body: json!({"error": {"code": "SubscriptionRequestsThrottled", "message": "slow down"}}),
        })
    })
    .await;
    let tenant = tenant(&server, &limits(5));
    let writes = vec![write_at(&format!("/subscriptions/{SUBSCRIPTION}"), "throttled")];
    let store = journal(&writes);
    let cancel = Cancel::default();
    let observer = Journal { store: &store, apply_id: "apply-1" };
    let items = writes.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    let options = ApplyOptions::default();
    let apply = apply_writes(tenant.arm(), items, &options, &observer, &cancel);
    tokio::pin!(apply);
    let deadline = Instant::now() + Duration::from_secs(5);
    let retrying = loop {
        tokio::select! {
            _ = &mut apply => panic!("the apply ended before retrying"),
            _ = tokio::time::sleep(Duration::from_millis(20)) => {}
        }
        if let Some((ItemState::Retrying, Some(message))) = states(&store).into_iter().next() {
            break message;
        }
        assert!(Instant::now() < deadline, "never retried");
    };
    cancel.cancel();
    let outcomes = tokio::time::timeout(Duration::from_secs(1), apply).await.expect("Cancel obeyed");
    assert!(retrying.contains("retrying in 120.0 s"), "{retrying}");
    assert_eq!(outcomes[0].1, ItemState::Cancelled);
}

// ---------------------------------------------------------------- sizes and time

fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test]
async fn a_four_gib_answer_is_refused_without_reading_it() {
    let server = serve(|seen| token_ok(seen).unwrap_or(Reply::Announced(4 * 1024 * 1024 * 1024))).await;
    let started = Instant::now();
    let e = tenant(&server, &limits(20)).subscriptions().await.expect_err("refused");
    assert!(e.to_string().contains("larger than"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5), "refused at once, took {:?}", started.elapsed());
}

#[tokio::test]
async fn an_endless_answer_stops_at_the_cap_with_memory_bounded() {
    let before = resident_kib();
    let server = serve(|seen| token_ok(seen).unwrap_or(Reply::Endless)).await;
    let e = tenant(&server, &limits(60)).subscriptions().await.expect_err("refused");
    assert!(e.to_string().contains("larger than"), "{e}");
    assert_eq!(e.code(), "unexpected_response");
    if let (Some(before), Some(after)) = (before, resident_kib()) {
        assert!(after.saturating_sub(before) < 256 * 1024, "memory grew by {} KiB", after.saturating_sub(before));
    }
    let server = serve(|_| Reply::Endless).await;
    let e = credential(&server, &limits(60)).token(SCOPE).await.expect_err("token answers are capped");
    assert!(e.to_string().contains("larger than 64 KiB"), "{e}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = serve(|_| Reply::Silent).await;
    let started = Instant::now();
    let e = credential(&server, &limits(1)).token(SCOPE).await.expect_err("times out");
    assert_eq!(e.code(), "network");
    assert!(e.to_string().contains("no answer in time"), "{e}");
    // The window shows what to do; the technical text is kept behind a link.
    let shown = e.payload();
    assert!(shown.message.starts_with("127.0.0.1 did not answer in time"), "{}", shown.message);
    let technical = shown.details.as_ref().and_then(|d| d["technical"].as_str()).unwrap_or_default().to_owned();
    assert!(technical.contains("no answer in time"), "{technical}");
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());

    let server = serve(|seen| token_ok(seen).unwrap_or(Reply::Silent)).await;
    let started = Instant::now();
    let e = tenant(&server, &limits(1)).subscriptions().await.expect_err("times out");
    assert!(e.to_string().contains("no answer in time"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
}

/// Nothing listening (as when offline or a firewall drops it): advice that
/// says so, and the error chain (the refused connection) behind it.
#[tokio::test]
async fn nothing_answering_reads_as_advice_with_the_technical_text_behind_it() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = closed.local_addr().expect("port").port();
    drop(closed);
    let http = client_with(&limits(5)).expect("client");
    let authority = Authority { host: Url::parse(&format!("http://127.0.0.1:{port}/")).expect("url"), tenant: "t".into() };
    let e = EntraCredential::client_secret(http, authority, "app".into(), Secret::new(SECRET.to_owned()))
        .token(SCOPE)
        .await
        .expect_err("nothing listens");
    let shown = e.payload();
    assert_eq!(shown.code, "network");
    // (Through a proxy from the environment, the advice names the proxy instead.)
    assert!(shown.message.starts_with("Nothing answers at 127.0.0.1") || shown.message.starts_with("The proxy "), "{}", shown.message);
    assert!(!shown.message.contains(SECRET));
    let technical = shown.details.as_ref().and_then(|d| d["technical"].as_str()).unwrap_or_default().to_owned();
    assert!(technical.contains("Could not reach") && technical.to_lowercase().contains("refused"), "{technical}");
}

#[tokio::test]
async fn a_body_that_never_ends_times_out() {
    let server = serve(|seen| token_ok(seen).unwrap_or(Reply::Trickle)).await;
    let started = Instant::now();
    let e = tenant(&server, &limits(1)).subscriptions().await.expect_err("times out");
    assert_eq!(e.code(), "network", "{e}");
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
}

// ---------------------------------------------------------------- redirects

#[tokio::test]
async fn a_token_endpoint_redirect_does_not_repost_the_secret() {
    let elsewhere = serve(|_| json(200, json!({"access_token": "stolen", "expires_in": 3599}))).await;
    let location = format!("http://localhost:{}/steal", elsewhere.port);
    for status in [307, 308] {
        let location = location.clone();
        let server = serve(move |_| Reply::Redirect { status, location: location.clone() }).await;
        let e = credential(&server, &limits(5)).token(SCOPE).await.expect_err("refused");
        assert!(e.to_string().contains("redirect") && e.to_string().contains("localhost"), "{status}: {e}");
        assert!(server.seen()[0].body.contains(SECRET), "the real endpoint got the secret");
    }
    assert!(elsewhere.seen().is_empty(), "the other host saw nothing: {:?}", elsewhere.seen());
}

#[tokio::test]
async fn a_redirected_put_is_failed_not_journalled_as_done() {
    let elsewhere = serve(|_| json(200, json!({"name": "redirected"}))).await;
    let location = format!("http://localhost:{}/subscriptions/{SUBSCRIPTION}/x", elsewhere.port);
    let server = serve(move |seen| token_ok(seen).unwrap_or_else(|| Reply::Redirect { status: 307, location: location.clone() })).await;
    let tenant = tenant(&server, &limits(5));
    let writes = vec![
        write_at(&format!("/subscriptions/{SUBSCRIPTION}"), "moved"),
        write_at("/providers/Microsoft.Management/managementGroups/mg", "moved"),
    ];
    let store = journal(&writes);
    let observer = Journal { store: &store, apply_id: "apply-1" };
    let items = writes.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    let outcomes = apply_writes(tenant.arm(), items, &ApplyOptions::default(), &observer, &Cancel::default()).await;
    assert_eq!(outcomes, vec![(0, ItemState::Failed), (1, ItemState::Failed)]);
    for (state, message) in states(&store) {
        assert_eq!(state, ItemState::Failed);
        let message = message.unwrap_or_default();
        assert!(message.contains("redirect") && message.contains("localhost"), "{message}");
    }
    let sent = server.arm_requests();
    assert_eq!(sent.len(), 2, "a redirect is not retried");
    assert!(sent.iter().all(|r| r.method == "PUT"), "{sent:?}");
    assert!(elsewhere.seen().is_empty(), "the other host saw nothing: {:?}", elsewhere.seen());
}

// ---------------------------------------------------------------- paging

#[tokio::test]
async fn a_next_link_to_another_host_is_refused() {
    let elsewhere = serve(|_| json(200, json!({"value": [subscription(9)]}))).await;
    let link = format!("{}/subscriptions?page=2", elsewhere.base());
    let server =
        serve(move |seen| token_ok(seen).unwrap_or_else(|| json(200, json!({"value": [subscription(1)], "nextLink": link})))).await;
    let e = tenant(&server, &limits(5)).subscriptions().await.expect_err("refused");
    assert!(e.to_string().contains("nextLink"), "{e}");
    assert!(elsewhere.seen().is_empty(), "the bearer token went nowhere else");
}

#[tokio::test]
async fn a_next_link_with_a_user_name_is_refused() {
    let port = Arc::new(AtomicUsize::new(0));
    let seen_port = port.clone();
    let server = serve(move |seen| {
        let port = seen_port.load(Ordering::SeqCst);
        token_ok(seen).unwrap_or_else(|| {
            json(200, json!({"value": [subscription(1)], "nextLink": format!("http://user:pass@127.0.0.1:{port}/subscriptions?page=2")}))
        })
    })
    .await;
    port.store(server.port.into(), Ordering::SeqCst);
    let e = tenant(&server, &limits(5)).subscriptions().await.expect_err("refused");
    assert!(e.to_string().contains("user name or password"), "{e}");
    assert_eq!(server.arm_requests().len(), 1, "the link was not followed");
}

#[tokio::test]
async fn a_next_link_loop_is_stopped() {
    let port = Arc::new(AtomicUsize::new(0));
    let seen_port = port.clone();
    let server = serve(move |seen| {
        let port = seen_port.load(Ordering::SeqCst);
        token_ok(seen).unwrap_or_else(|| {
            // Page 1 leads to page 2, and page 2 back to page 1.
            let next = if seen.target.contains("page=2") { "/subscriptions?api-version=2022-12-01" } else { "/subscriptions?page=2" };
            json(200, json!({"value": [subscription(1)], "nextLink": format!("http://127.0.0.1:{port}{next}")}))
        })
    })
    .await;
    port.store(server.port.into(), Ordering::SeqCst);
    let e = tenant(&server, &limits(5)).subscriptions().await.expect_err("refused");
    assert!(e.to_string().contains("already read"), "{e}");
    assert_eq!(server.arm_requests().len(), 2);
}

#[tokio::test]
async fn at_next_link_pages_are_followed() {
    let port = Arc::new(AtomicUsize::new(0));
    let seen_port = port.clone();
    let server = serve(move |seen| {
        let port = seen_port.load(Ordering::SeqCst);
        token_ok(seen).unwrap_or_else(|| match seen.target.split("page=").nth(1) {
            None => json(
                200,
                json!({"value": [subscription(1), subscription(2)], "@nextLink": format!("http://127.0.0.1:{port}/subscriptions?page=2")}),
            ),
            Some("2") => {
                json(200, json!({"value": [subscription(3)], "@nextLink": format!("http://127.0.0.1:{port}/subscriptions?page=3")}))
            }
            Some(_) => json(200, json!({"value": [subscription(4)]})),
        })
    })
    .await;
    port.store(server.port.into(), Ordering::SeqCst);
    let subs = tenant(&server, &limits(5)).subscriptions().await.expect("lists");
    assert_eq!(subs.len(), 4, "{subs:?}");
}

// ---------------------------------------------------------------- pacing

async fn time_management_group_writes(tenant_header: Option<&'static str>) -> Duration {
    let server = serve(move |seen| {
        token_ok(seen).unwrap_or_else(|| Reply::Json {
            status: 200,
            headers: tenant_header.map(|v| vec![("x-ms-ratelimit-remaining-tenant-writes", v.to_owned())]).unwrap_or_default(),
            body: json!({"name": "x"}),
        })
    })
    .await;
    let tenant = tenant(&server, &limits(5));
    let writes: Vec<_> = (0..6).map(|i| write_at("/providers/Microsoft.Management/managementGroups/mg", &format!("w{i}"))).collect();
    let store = journal(&writes);
    let observer = Journal { store: &store, apply_id: "apply-1" };
    let options = ApplyOptions { concurrency_per_subscription: 1, writes_per_second: 10.0, ..ApplyOptions::default() };
    let items = writes.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    tenant.arm().access_token().await.expect("token first, so only writes are timed");
    let started = Instant::now();
    let outcomes = apply_writes(tenant.arm(), items, &options, &observer, &Cancel::default()).await;
    let took = started.elapsed();
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
    took
}

#[tokio::test]
async fn tenant_write_budget_paces_management_group_writes() {
    let free = time_management_group_writes(None).await;
    let paced = time_management_group_writes(Some("0")).await;
    assert!(paced >= Duration::from_millis(400), "5 writes at 10/s once the tenant budget is spent: {paced:?}");
    assert!(free < Duration::from_millis(400), "no header, no pacing: {free:?}");
}

// ---------------------------------------------------------------- panics

/// The journal, but the engine panics when it reports the second write as sent.
struct PanicsOnSecond<'a>(Journal<'a>);

impl ApplyObserver for PanicsOnSecond<'_> {
    fn changed(&self, index: u32, state: ItemState, attempts: u32, message: Option<&str>) -> Result<(), String> {
        self.0.changed(index, state, attempts, message)?;
        if index == 1 && state == ItemState::Sending {
            panic!("a bug while sending write {index}");
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_panic_in_the_apply_is_an_error_and_leaves_it_resumable() {
    let server = serve(|seen| token_ok(seen).unwrap_or_else(|| json(200, json!({"name": "x"})))).await;
    let tenant = tenant(&server, &limits(5));
    let writes: Vec<_> = (0..3).map(|i| write_at(&format!("/subscriptions/{SUBSCRIPTION}"), &format!("w{i}"))).collect();
    let store = journal(&writes);
    let observer = PanicsOnSecond(Journal { store: &store, apply_id: "apply-1" });
    let options = ApplyOptions { concurrency_per_subscription: 1, ..ApplyOptions::default() };
    let items = writes.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    let e = apply_writes_caught(tenant.arm(), items, &options, &observer, &Cancel::default()).await.expect_err("reported");
    assert_eq!(e.code(), "internal");
    assert!(e.payload().message.contains("a bug while sending write 1"), "{:?}", e.payload());
    let journalled: Vec<ItemState> = states(&store).into_iter().map(|(s, _)| s).collect();
    assert_eq!(journalled, vec![ItemState::Succeeded, ItemState::Sending, ItemState::Planned], "nothing marked done that was not");
    let unfinished = store.unfinished_applies("a@b.example").expect("reads");
    assert_eq!(unfinished.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec!["apply-1"], "offered for resuming");
    let again = store.items_to_send("apply-1", |s| !s.is_final()).expect("resumable");
    assert_eq!(again.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![1, 2]);
}

/// The request table at `server` (plain http: it is loopback).
fn request_table(server: &Server) -> desk_azure::RequestTable {
    let choice = desk_core::request::RequestTableChoice { endpoint: server.base(), table: "requests".into() };
    tenant(server, &limits(5)).request_table(&choice).expect("table")
}

#[tokio::test]
async fn a_table_list_whose_continuation_loops_or_never_ends_is_stopped() {
    let same = serve(|seen| {
        token_ok(seen).unwrap_or_else(|| Reply::Json {
            status: 200,
            headers: vec![("x-ms-continuation-NextPartitionKey", "1!4!dA--".into()), ("x-ms-continuation-NextRowKey", "1!4!dA--".into())],
            body: json!({"value": []}),
        })
    })
    .await;
    let e = request_table(&same).list("t", &desk_azure::RequestFilter::default()).await.expect_err("a loop");
    assert!(e.to_string().contains("continuation back to the page"), "{e}");
    assert_eq!(same.arm_requests().len(), 2, "stopped at the first repeat");

    let count = Arc::new(AtomicUsize::new(0));
    let pages = count.clone();
    let endless = serve(move |seen| {
        token_ok(seen).unwrap_or_else(|| {
            let n = pages.fetch_add(1, Ordering::SeqCst);
            Reply::Json { status: 200, headers: vec![("x-ms-continuation-NextPartitionKey", format!("p{n}"))], body: json!({"value": []}) }
        })
    })
    .await;
    let e = request_table(&endless).list("t", &desk_azure::RequestFilter::default()).await.expect_err("endless");
    assert!(e.to_string().contains("pages"), "{e}");
    assert!(count.load(Ordering::SeqCst) <= 1_000, "capped: {}", count.load(Ordering::SeqCst));
}

#[tokio::test]
async fn a_redirected_table_replace_is_refused_and_the_token_goes_nowhere_else() {
    let elsewhere = serve(|_| json(204, json!({}))).await;
    let location = format!("http://localhost:{}/steal", elsewhere.port);
    let server = serve(move |seen| token_ok(seen).unwrap_or_else(|| Reply::Redirect { status: 307, location: location.clone() })).await;
    let request: desk_core::request::ExemptionRequest = serde_json::from_value(json!({
        "id": "0d5c3a5e-1111-4c4b-b02a-71990e781ba5", "tenantId": "t", "state": "Approved",
        "draft": {"recommendationKey": "k", "scope": {"kind": "subscriptions", "ids": []}, "name": "n", "displayName": "d",
                  "expiresOn": null, "utcOffsetMinutes": 0, "category": null, "description": ""},
        "recommendationName": "r", "scopeSummary": "s", "writes": [], "checks": [], "justification": "j", "ticket": null,
        "requestedBy": {"account": "a", "objectId": "o"}, "requestedAt": "2026-12-01T00:00:00Z", "requesterVerified": true,
        "approverChanges": null, "applyId": null, "history": [],
    }))
    .expect("request");
    let e = request_table(&server).replace(&request, &desk_azure::ETag::new("W/\"x\"")).await.expect_err("refused");
    assert!(e.to_string().contains("redirect"), "{e}");
    assert!(elsewhere.seen().is_empty(), "the other host saw nothing: {:?}", elsewhere.seen());
}

#[tokio::test]
async fn a_table_entity_of_absurd_shape_is_an_error_naming_the_request() {
    let id = "0d5c3a5e-1111-4c4b-b02a-71990e781ba5";
    for (entity, says) in [
        (json!({"PartitionKey": "t", "RowKey": id, "Schema": 1, "BodyParts": 4_000_000_000u64}), "BodyParts"),
        (json!({"PartitionKey": "t", "RowKey": id, "Schema": 1, "BodyParts": -1}), "BodyParts"),
        (json!({"PartitionKey": "t", "RowKey": id, "Schema": 1, "BodyParts": 1, "Body0": 12}), "Body0"),
        (json!({"PartitionKey": "t", "RowKey": id, "Schema": 1, "BodyParts": 1, "Body0": "[1, 2"}), "not a request"),
        (json!({"PartitionKey": "t", "RowKey": id, "Schema": "one"}), "Schema"),
        (json!({"RowKey": id}), "PartitionKey"),
        (json!([1, 2, 3]), "not an entity"),
    ] {
        let server = serve(move |seen| token_ok(seen).unwrap_or_else(|| json(200, entity.clone()))).await;
        let e = request_table(&server).get("t", id).await.expect_err("malformed");
        assert_eq!(e.code(), "unexpected_response", "{e}");
        assert!(e.to_string().contains(id) && e.to_string().contains(says), "{says}: {e}");
    }
}
