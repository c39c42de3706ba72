//! Interactive sign-in: authorization code + PKCE (S256) with the system
//! browser and a one-shot loopback redirect listener (RFC 8252).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{timeout_at, Instant};
use url::Url;

use super::{explain, Pkce};
use crate::credential::{authorization_code, Authority, EntraCredential};
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
/// How long one browser connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Sign in through the browser: `open` is handed the authorize URL (the app
/// opens the system browser with it); the redirect comes back to a loopback
/// port, the browser is told how it went, and the code is redeemed.
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

    let deadline = Instant::now() + request.timeout;
    let (mut stream, target) = loop {
        let accepted = timeout_at(deadline, listener.accept()).await.map_err(|_| {
            AzureError::SignInStopped(format!(
                "No answer came back from the browser within {} seconds. Sign in again.",
                request.timeout.as_secs()
            ))
        })?;
        let Ok((mut stream, _)) = accepted else { continue };
        match read_target(&mut stream, deadline).await {
            Some(target) if target == "/" || target.starts_with("/?") => break (stream, target),
            Some(_) => answer(&mut stream, "404 Not Found", "Not found", "").await,
            None => {}
        }
    };
    drop(listener);

    let outcome = match authorization_code(&format!("{redirect_uri}{}", &target[1..]), &pkce.state) {
        Ok(code) => EntraCredential::exchange_code(
            http,
            request.authority,
            &request.client_id,
            &code,
            &redirect_uri,
            &pkce.verifier,
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

fn no_listener(e: std::io::Error) -> AzureError {
    AzureError::Config(format!("no loopback port for the sign-in redirect: {e}"))
}

/// The request target of a `GET`, or `None` for anything else (an idle
/// pre-connection, a malformed or oversized request).
async fn read_target(stream: &mut TcpStream, deadline: Instant) -> Option<String> {
    let until = deadline.min(Instant::now() + READ_TIMEOUT);
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
        (Some("GET"), Some(target)) => Some(target.to_owned()),
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
}
