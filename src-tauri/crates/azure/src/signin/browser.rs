//! Interactive sign-in: authorization code + PKCE (S256) with the system
//! browser and a one-shot loopback redirect listener (RFC 8252), served by
//! hyper's HTTP/1 server.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{sleep_until, Instant};
use url::Url;

use super::{explain, Pkce};
use crate::credential::{Authority, EntraCredential};
use crate::error::AzureError;

/// What an interactive sign-in asks Entra for.
#[derive(Debug, Clone)]
pub struct BrowserSignIn {
    /// Entra host and tenant: `organizations`, or a tenant id / domain.
    pub authority: Authority,
    /// The app registration (a public client with a loopback redirect).
    pub client_id: String,
    /// ARM's token scope, e.g. `https://management.azure.com/.default`.
    pub scope: String,
    /// Pre-fills the account picker.
    pub login_hint: Option<String>,
    /// How long to wait for the browser to come back.
    pub timeout: Duration,
}

/// Longest request head read from the browser (hyper answers 431 beyond it).
const MAX_REQUEST: usize = 16 * 1024;
/// How long the outcome page may take to reach the browser.
const PAGE_DEADLINE: Duration = Duration::from_secs(5);
/// How long one connection may take to send its request head: short, so a
/// few idle or slow connections (a browser's pre-connects, or another local
/// program) cannot hold up the real redirect; each is served on its own.
const HEADER_DEADLINE: Duration = Duration::from_secs(3);
/// Connections served at once; more are closed unanswered until one ends.
const MAX_CONNECTIONS: usize = 64;

/// Sign in through the browser: `open` is handed the authorize URL (the app
/// opens the system browser with it); the redirect comes back to a loopback
/// port (`127.0.0.1` only), the browser is told how it went, and the code is
/// redeemed. Only a redirect carrying this attempt's `state` is read at all:
/// anything else (a favicon, another path, a forged `error`) is answered with
/// a plain 404/400 and ignored, and the attempt goes on.
pub async fn sign_in_with_browser(
    http: reqwest::Client,
    request: BrowserSignIn,
    open: impl FnOnce(&Url) -> Result<(), String>,
) -> Result<EntraCredential, AzureError> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(no_listener)?;
    let port = listener.local_addr().map_err(no_listener)?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}/");
    let pkce = Pkce::new();
    let scopes = format!("{} offline_access openid profile", request.scope);
    let url = pkce.authorize_url(
        &request.authority,
        &request.client_id,
        &redirect_uri,
        &scopes,
        request.login_hint.as_deref(),
        Some("select_account"),
    )?;
    open(&url).map_err(|e| AzureError::SignInStopped(format!("The browser could not be opened: {e}")))?;

    let (redirect, serving) = wait_for_redirect(listener, pkce.state.secret(), request.timeout).await?;
    let outcome = match pkce.code(&format!("{redirect_uri}?{}", redirect.query)) {
        Ok(code) => {
            EntraCredential::exchange_code(http, request.authority, &request.client_id, &code, &redirect_uri, pkce.verifier, &request.scope)
                .await
                .map_err(explain)
        }
        Err(e) => Err(explain(e)),
    };
    let answer = match &outcome {
        Ok(_) => page(StatusCode::OK, "You are signed in", "You can return to Exemption Desk."),
        Err(e) => page(StatusCode::BAD_REQUEST, "Sign-in did not complete", &format!("{e} You can return to Exemption Desk.")),
    };
    // The browser's loss if it left; the page is given a moment to arrive
    // before every other connection is closed.
    let _ = redirect.reply.send(answer);
    let _ = tokio::time::timeout(PAGE_DEADLINE, redirect.answered).await;
    drop(serving);
    outcome
}

type Page = Response<Full<Bytes>>;

/// The redirect with this attempt's `state`: its query, where its page
/// goes, and word once its connection has ended (the page sent).
struct Redirect {
    query: String,
    reply: oneshot::Sender<Page>,
    answered: oneshot::Receiver<()>,
}

/// Serve connections concurrently until one brings the redirect with
/// `state`; every other request is answered and forgotten. The connections
/// still open are returned too, so the redirect's stays open for its page;
/// dropping them closes them all.
async fn wait_for_redirect(listener: TcpListener, state: &str, timeout: Duration) -> Result<(Redirect, JoinSet<()>), AzureError> {
    let timed_out =
        || AzureError::SignInStopped(format!("No answer came back from the browser within {} seconds. Sign in again.", timeout.as_secs()));
    let deadline = Instant::now().checked_add(timeout).ok_or_else(timed_out)?;
    let state: Arc<str> = Arc::from(state);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (found, mut redirects) = mpsc::channel::<Redirect>(1);
    // Dropped on return: every connection still being served is aborted.
    let mut serving = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                // At the limit the connection is closed unanswered; the browser retries.
                let Ok(slot) = slots.clone().try_acquire_owned() else { continue };
                serving.spawn(serve(stream, state.clone(), found.clone(), slot));
            }
            Some(redirect) = redirects.recv() => return Ok((redirect, serving)),
            Some(_) = serving.join_next(), if !serving.is_empty() => {}
            () = sleep_until(deadline) => return Err(timed_out()),
        }
    }
}

/// One connection, one request (no keep-alive): its head must arrive within
/// [`HEADER_DEADLINE`] and fit in [`MAX_REQUEST`], or hyper closes it.
async fn serve(stream: TcpStream, state: Arc<str>, found: mpsc::Sender<Redirect>, _slot: OwnedSemaphorePermit) {
    let (ended, answered) = oneshot::channel();
    let answered = Arc::new(Mutex::new(Some(answered)));
    let service = service_fn(move |request| route(request, state.clone(), found.clone(), answered.clone()));
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_DEADLINE)
        .max_buf_size(MAX_REQUEST)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    let _ = connection.await;
    let _ = ended.send(());
}

/// The redirect (`GET /?…&state=…` with this attempt's state) goes to the
/// sign-in and is answered with its outcome; anything else gets a fixed answer.
async fn route(
    request: Request<Incoming>,
    state: Arc<str>,
    found: mpsc::Sender<Redirect>,
    answered: Arc<Mutex<Option<oneshot::Receiver<()>>>>,
) -> Result<Page, Infallible> {
    let not_this = || {
        let text = "This address does not belong to the sign-in in progress. You can close this page.";
        page(StatusCode::BAD_REQUEST, "Not this sign-in", text)
    };
    if request.method() != Method::GET {
        return Ok(page(StatusCode::METHOD_NOT_ALLOWED, "Not here", ""));
    }
    if request.uri().path() != "/" {
        return Ok(page(StatusCode::NOT_FOUND, "Not found", ""));
    }
    let query = request.uri().query().unwrap_or_default();
    // `state` before anything else: without it nothing in the request is read or shown.
    let given = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "state").map(|(_, v)| v.into_owned());
    if !given.is_some_and(|given| same(&given, &state)) {
        return Ok(not_this());
    }
    let Some(answered) = answered.lock().ok().and_then(|mut slot| slot.take()) else { return Ok(not_this()) };
    let (reply, page) = oneshot::channel();
    // Single use: once the sign-in has its redirect, no one receives another.
    if found.send(Redirect { query: query.to_owned(), reply, answered }).await.is_err() {
        return Ok(not_this());
    }
    Ok(page.await.unwrap_or_else(|_| not_this()))
}

/// Compare without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn no_listener(e: std::io::Error) -> AzureError {
    AzureError::Config(format!("no loopback port for the sign-in redirect: {e}"))
}

/// A small HTML page back to the browser.
fn page(status: StatusCode, title: &str, text: &str) -> Page {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>{t}</h1><p>{x}</p></body></html>",
        t = escape(title),
        x = escape(text)
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_what_entra_sent() {
        assert_eq!(escape("<script>\"a&b\""), "&lt;script&gt;&quot;a&amp;b&quot;");
    }

    /// hyper's header deadline closes a connection that never sends its
    /// request (an idle pre-connect), unanswered, so its slot is freed.
    #[tokio::test]
    async fn a_connection_that_sends_nothing_is_closed_after_the_header_deadline() {
        use tokio::io::AsyncReadExt;
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("binds");
        let port = listener.local_addr().expect("port").port();
        let (found, _redirects) = mpsc::channel(1);
        let slot = Arc::new(Semaphore::new(1)).try_acquire_owned().expect("slot");
        let server = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("accepts");
            serve(stream, Arc::from("s"), found, slot).await;
        });
        let mut idle = TcpStream::connect(("127.0.0.1", port)).await.expect("connects");
        let started = std::time::Instant::now();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(HEADER_DEADLINE * 3, idle.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "closed by the server");
        assert!(started.elapsed() >= HEADER_DEADLINE - Duration::from_millis(100), "not before the deadline");
        assert!(answer.is_empty() || answer.starts_with(b"HTTP/1.1 408"), "nothing but a timeout is said");
        server.await.expect("served");
    }

    #[test]
    fn states_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd") && !same("abc", "ab") && !same("", "a"));
    }
}
