//! The one HTTP client every Entra, ARM and Graph call goes through, and how
//! their answers are read: time limits, no redirects, a size cap per kind of
//! answer read as it streams in, and every number a server sends clamped.
//!
//! A redirect is never followed: a 307 from a token endpoint would post the
//! secret again to whatever host it names, and a redirected PUT would be
//! answered by a host that is not ARM.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, CONTENT_LENGTH, LOCATION, RETRY_AFTER};
use reqwest::Response;
use url::Url;

use crate::error::AzureError;

/// Time limits of the client. The defaults suit the app; tests shorten them.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Establishing a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// One whole request: sending it, the server's answer and its body.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { connect_timeout: Duration::from_secs(15), request_timeout: Duration::from_secs(120) }
    }
}

/// How large an answer may be, by what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Entra's token and device-code answers.
    Token,
    /// One ARM or Graph object (a GET, a PUT's answer, an error).
    Object,
    /// One page of an ARM list.
    Page,
}

impl Body {
    pub const fn limit(self) -> usize {
        match self {
            Body::Token => 64 * 1024,
            Body::Object => 4 * 1024 * 1024,
            Body::Page => 32 * 1024 * 1024,
        }
    }
}

/// The longest `Retry-After` obeyed; a longer one is waited this long.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// The longest token lifetime believed; a token claiming more is renewed after this.
pub const MAX_TOKEN_LIFETIME_SECONDS: i64 = 24 * 60 * 60;
/// The longest a device code is waited for (Entra's last 15 minutes).
pub const MAX_DEVICE_CODE_SECONDS: u64 = 60 * 60;
/// The slowest device-code polling (Entra asks for 5 s; `slow_down` adds 5).
pub const MAX_POLL_INTERVAL_SECONDS: u64 = 60;

/// The environment variable naming a PEM file of extra CA certificates to
/// trust beside the system's (a TLS-inspecting proxy's, a test emulator's).
pub const CA_CERTIFICATE_ENV: &str = "EXEMPTION_DESK_CA_CERTIFICATE";

/// The most read from a CA certificate file: a bundle, not a disk image.
const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// The client with [`Limits::default`].
pub fn client() -> Result<reqwest::Client, AzureError> {
    client_with(&Limits::default())
}

/// A client with these time limits that never follows a redirect, trusting
/// the system's CAs and those in [`CA_CERTIFICATE_ENV`]'s file when set.
pub fn client_with(limits: &Limits) -> Result<reqwest::Client, AzureError> {
    let chosen = EXTRA_CA_FILE.read().map(|f| f.clone()).unwrap_or_default();
    let extra = match chosen.or_else(|| std::env::var_os(CA_CERTIFICATE_ENV).filter(|v| !v.is_empty()).map(Into::into)) {
        Some(path) => extra_ca_file(&path)?,
        None => Vec::new(),
    };
    build(limits, extra)
}

/// The extra CA file the user chose in Settings; it comes before the environment variable.
static EXTRA_CA_FILE: std::sync::RwLock<Option<std::path::PathBuf>> = std::sync::RwLock::new(None);

/// Trust the CA certificates in `path` (the Settings screen's choice) in every
/// client made from now on, or only the system's and the environment
/// variable's with `None`. The file is read again for each client, so one
/// that became unreadable fails the connection with its name.
pub fn trust_extra_ca_file(path: Option<std::path::PathBuf>) {
    if let Ok(mut chosen) = EXTRA_CA_FILE.write() {
        *chosen = path;
    }
}

/// [`client_with`] trusting the CA certificates in `pem` too (a PEM bundle).
pub fn client_trusting(limits: &Limits, pem: &[u8]) -> Result<reqwest::Client, AzureError> {
    build(limits, extra_ca(pem, "the extra CA certificate")?)
}

fn build(limits: &Limits, extra_roots: Vec<reqwest::Certificate>) -> Result<reqwest::Client, AzureError> {
    // reqwest is built without a crypto provider of its own (no aws-lc in the
    // shipped binary): TLS uses ring, which also signs the certificate
    // credential's assertions. Installed once per process; a provider already
    // installed (by a test, say) is kept.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("ExemptionDesk/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(limits.connect_timeout)
        .timeout(limits.request_timeout)
        .tls_certs_merge(extra_roots)
        .build()
        .map_err(|e| AzureError::Config(e.to_string()))
}

/// The certificates of the PEM file at `path`, refused when unreadable, too
/// large or holding none.
pub fn extra_ca_file(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, AzureError> {
    use std::io::Read;
    let named = || format!("The extra CA certificate file {} (Settings, or {CA_CERTIFICATE_ENV})", path.display());
    let file = std::fs::File::open(path).map_err(|e| AzureError::Config(format!("{}: {e}", named())))?;
    let mut pem = Vec::new();
    file.take(MAX_CA_FILE_BYTES + 1).read_to_end(&mut pem).map_err(|e| AzureError::Config(format!("{}: {e}", named())))?;
    if pem.len() as u64 > MAX_CA_FILE_BYTES {
        return Err(AzureError::Config(format!("{}: larger than {} KiB", named(), MAX_CA_FILE_BYTES / 1024)));
    }
    extra_ca(&pem, &named())
}

fn extra_ca(pem: &[u8], named: &str) -> Result<Vec<reqwest::Certificate>, AzureError> {
    let certificates =
        reqwest::Certificate::from_pem_bundle(pem).map_err(|e| AzureError::Config(format!("{named}: not PEM certificates ({e})")))?;
    if certificates.is_empty() {
        return Err(AzureError::Config(format!("{named}: no \"BEGIN CERTIFICATE\" section")));
    }
    Ok(certificates)
}

/// The error for a failed exchange with `url`, naming a timeout as such.
pub(crate) fn network(url: &Url, e: reqwest::Error) -> AzureError {
    // reqwest's own text names only the URL; the cause (DNS, refused, the
    // proxy, the certificate) is in its sources, which the advice reads.
    let mut chain = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !chain.contains(&text) {
            chain = format!("{chain}: {text}");
        }
        source = cause.source();
    }
    let reason = if e.is_timeout() { format!("no answer in time ({chain})") } else { chain };
    AzureError::Network { url: without_query(url), reason }
}

/// A URL for messages: scheme, host and path (a query may hold a code or state).
fn without_query(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Refuse an answer that is a redirect, or that came from anywhere but
/// `requested` (a client that follows redirects was passed in).
pub(crate) fn not_redirected(requested: &Url, response: &Response) -> Result<(), AzureError> {
    let status = response.status();
    if status.is_redirection() {
        let target = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| requested.join(l).ok())
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "an unnamed place".to_owned());
        return Err(AzureError::unexpected(
            without_query(requested),
            format!("a redirect (HTTP {}) to {target}; Exemption Desk does not follow redirects", status.as_u16()),
        ));
    }
    let answered = response.url();
    if answered.origin() != requested.origin() || answered.path() != requested.path() {
        return Err(AzureError::unexpected(
            without_query(requested),
            format!("an answer from {} instead; Exemption Desk does not follow redirects", answered.host_str().unwrap_or("another host")),
        ));
    }
    Ok(())
}

/// The body of `response`, read chunk by chunk and refused as soon as it
/// grows past `kind`'s limit (or announces it will).
pub(crate) async fn read_body(url: &Url, mut response: Response, kind: Body) -> Result<Vec<u8>, AzureError> {
    let limit = kind.limit();
    let too_large =
        || AzureError::unexpected(without_query(url), format!("an answer larger than {} KiB, the most Exemption Desk reads", limit / 1024));
    let announced = response.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(announced.map_or(0, |n| n as usize).min(64 * 1024));
    while let Some(chunk) = response.chunk().await.map_err(|e| network(url, e))? {
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// [`read_body`] as text (lossy: an error body is shown, not trusted).
pub(crate) async fn read_text(url: &Url, response: Response, kind: Body) -> Result<String, AzureError> {
    let bytes = read_body(url, response, kind).await?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `Retry-After` in seconds or as an HTTP date, at most [`MAX_RETRY_AFTER`].
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    retry_after_value(value, Utc::now())
}

pub(crate) fn retry_after_value(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only: seconds, however many (a value past u64 is "very long").
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    let when = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    let wait = (when - now).to_std().unwrap_or(Duration::ZERO);
    Some(wait.min(MAX_RETRY_AFTER))
}

/// A whole number of seconds from JSON a server sent: a number or a numeric
/// string (some token endpoints send strings), clamped to `0..=max`;
/// `None` when it is neither.
pub(crate) fn seconds(value: Option<&serde_json::Value>, max: u64) -> Option<u64> {
    use serde_json::Value;
    let clamp_f = |f: f64| {
        if f.is_nan() || f <= 0.0 {
            0
        } else if f >= max as f64 {
            max
        } else {
            f as u64
        }
    };
    match value? {
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Some(u.min(max)),
            (None, Some(_), _) => Some(0),
            (None, None, Some(f)) => Some(clamp_f(f)),
            _ => None,
        },
        Value::String(s) => {
            let s = s.trim();
            match s.parse::<u64>() {
                Ok(u) => Some(u.min(max)),
                Err(_) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => Some(max),
                Err(_) => s.parse::<f64>().ok().filter(|f| f.is_finite()).map(clamp_f),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn retry_after_is_clamped_in_both_forms() {
        let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").expect("date").with_timezone(&Utc);
        assert_eq!(retry_after_value("7", now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after_value("18446744073709551615", now), Some(MAX_RETRY_AFTER));
        assert_eq!(retry_after_value("99999999999999999999999999", now), Some(MAX_RETRY_AFTER));
        assert_eq!(retry_after_value("Thu, 01 Jan 2026 00:00:30 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after_value("Tue, 01 Jan 2036 00:00:00 GMT", now), Some(MAX_RETRY_AFTER));
        assert_eq!(retry_after_value("Wed, 31 Dec 2025 00:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after_value("-5", now), None);
        assert_eq!(retry_after_value("soon", now), None);
        assert_eq!(retry_after_value("", now), None);
    }

    #[test]
    fn seconds_are_clamped_whatever_their_form() {
        assert_eq!(seconds(Some(&json!(3599)), 86400), Some(3599));
        assert_eq!(seconds(Some(&json!(u64::MAX)), 86400), Some(86400));
        assert_eq!(seconds(Some(&json!(i64::MIN)), 86400), Some(0));
        assert_eq!(seconds(Some(&json!(1e300)), 86400), Some(86400));
        assert_eq!(seconds(Some(&json!(-1.5)), 86400), Some(0));
        assert_eq!(seconds(Some(&json!("3600")), 86400), Some(3600));
        assert_eq!(seconds(Some(&json!("999999999999999999999999")), 86400), Some(86400));
        assert_eq!(seconds(Some(&json!("soon")), 86400), None);
        assert_eq!(seconds(Some(&json!(null)), 86400), None);
        assert_eq!(seconds(None, 86400), None);
    }
}
