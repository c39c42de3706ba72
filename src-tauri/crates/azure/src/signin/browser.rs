//! Interactive sign-in: authorization code + PKCE (S256) with the system
//! browser and a one-shot loopback redirect listener (RFC 8252).

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{sleep_until, timeout_at, Instant};
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

/// Longest request head read from the browser.
const MAX_REQUEST: usize = 16 * 1024;
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

    let (mut stream, target) = wait_for_redirect(listener, pkce.state.secret(), request.timeout).await?;
    let outcome = match pkce.code(&format!("{redirect_uri}{}", target.get(1..).unwrap_or_default())) {
        Ok(code) => EntraCredential::exchange_code(
            http,
            request.authority,
            &request.client_id,
            &code,
            &redirect_uri,
            pkce.verifier,
            &request.scope,
        )
        .await
        .map_err(explain),
        Err(e) => Err(explain(e)),
    };
    match &outcome {
        Ok(_) => answer(&mut stream, "200 OK", "You are signed in", "You can return to Exemption Desk.").await,
        Err(e) => {
            let text = format!("{e} You can return to Exemption Desk.");
            answer(&mut stream, "400 Bad Request", "Sign-in did not complete", &text).await
        }
    }
    outcome
}

/// Serve connections concurrently until one brings the redirect with
/// `state`; every other request is answered and forgotten.
async fn wait_for_redirect(listener: TcpListener, state: &str, timeout: Duration) -> Result<(TcpStream, String), AzureError> {
    let timed_out = || {
        AzureError::SignInStopped(format!("No answer came back from the browser within {} seconds. Sign in again.", timeout.as_secs()))
    };
    let deadline = Instant::now().checked_add(timeout).ok_or_else(timed_out)?;
    let state: Arc<str> = Arc::from(state);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (found, mut redirects) = mpsc::channel::<(TcpStream, String)>(1);
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
            Some(redirect) = redirects.recv() => return Ok(redirect),
            Some(_) = serving.join_next(), if !serving.is_empty() => {}
            () = sleep_until(deadline) => return Err(timed_out()),
        }
    }
}

/// One connection: the redirect (`GET /?…&state=…` with this attempt's
/// state) goes to the sign-in; anything else gets a fixed answer.
async fn serve(mut stream: TcpStream, state: Arc<str>, found: mpsc::Sender<(TcpStream, String)>, _slot: OwnedSemaphorePermit) {
    let Some(until) = Instant::now().checked_add(HEADER_DEADLINE) else { return };
    let Some((method, target)) = read_request(&mut stream, until).await else { return };
    if method != "GET" {
        return answer(&mut stream, "405 Method Not Allowed", "Not here", "").await;
    }
    let Some(query) = target.strip_prefix("/?").or_else(|| (target == "/").then_some("")) else {
        return answer(&mut stream, "404 Not Found", "Not found", "").await;
    };
    // `state` before anything else: without it nothing in the request is read or shown.
    let given = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "state").map(|(_, v)| v.into_owned());
    if !given.is_some_and(|given| same(&given, &state)) {
        let text = "This address does not belong to the sign-in in progress. You can close this page.";
        return answer(&mut stream, "400 Bad Request", "Not this sign-in", text).await;
    }
    let _ = found.send((stream, target)).await;
}

/// Compare without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn no_listener(e: std::io::Error) -> AzureError {
    AzureError::Config(format!("no loopback port for the sign-in redirect: {e}"))
}

/// The method and target of a request, or `None` for an idle
/// pre-connection, a slow, malformed or oversized request.
async fn read_request(stream: &mut TcpStream, until: Instant) -> Option<(String, String)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = timeout_at(until, stream.read(&mut chunk)).await.ok()?.ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = std::str::from_utf8(&buf).ok()?;
    let mut parts = head.lines().next()?.split(' ');
    match (parts.next(), parts.next()) {
        (Some(method), Some(target)) => Some((method.to_owned(), target.to_owned())),
        _ => None,
    }
}

/// A small HTML page back to the browser; failures to write are the browser's loss.
async fn answer(stream: &mut TcpStream, status: &str, title: &str, text: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>{t}</h1><p>{x}</p></body></html>",
        t = escape(title),
        x = escape(text)
    );
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
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

    #[test]
    fn states_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd") && !same("abc", "ab") && !same("", "a"));
    }
}
