//! The crate's error enum ([`SimError`]) and the HTTP error responses the
//! simulator sends ([`HttpError`]: ARM `{"error":{"code","message"}}` bodies and
//! Entra OAuth error bodies).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Everything that can go wrong when starting or running the simulator itself.
/// (Errors *served to clients* are [`HttpError`] responses, not `SimError`s.)
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("unknown seed '{0}' (known seeds: demo, conformance, scale:<subscriptions>x<resources>)")]
    UnknownSeed(String),
    #[error("cannot bind {addr}: {source}")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("invalid seed data: {0}")]
    SeedData(String),
    #[error("invalid certificate: {0}")]
    Certificate(String),
    #[error("TLS setup failed: {0}")]
    Tls(String),
}

/// An error response, already shaped the way Azure shapes it.
#[derive(Debug, Clone)]
pub struct HttpError {
    pub status: StatusCode,
    pub body: Value,
    pub headers: Vec<(header::HeaderName, String)>,
}

impl HttpError {
    /// ARM error: `{"error":{"code","message"}}`.
    pub fn arm(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        HttpError { status, body: json!({"error": {"code": code, "message": message.into()}}), headers: Vec::new() }
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::arm(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        Self::arm(StatusCode::NOT_FOUND, code, message)
    }

    /// ARM 401 with the `WWW-Authenticate` challenge ARM sends.
    pub fn unauthorized(code: &str, message: impl Into<String>, authority: &str, description: &str) -> Self {
        let mut e = Self::arm(StatusCode::UNAUTHORIZED, code, message);
        e.headers.push((
            header::WWW_AUTHENTICATE,
            format!("Bearer authorization_uri=\"{authority}\", error=\"invalid_token\", error_description=\"{description}\""),
        ));
        e
    }

    pub fn with_header(mut self, name: header::HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body)).into_response();
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                resp.headers_mut().append(name, v);
            }
        }
        resp
    }
}
