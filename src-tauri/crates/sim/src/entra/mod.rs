//! Entra ID (v2.0) endpoints: authorize (auto-consent, [`authorize`]), token
//! (client credentials with a secret or a certificate ([`certificate`]),
//! authorization code + PKCE, refresh token, device code; [`token`]),
//! devicecode ([`device`]) and OpenID discovery. Access tokens are minted in
//! [`issue`]; sign-in interruptions (MFA, consent, blocked, wrong tenant) are
//! in [`interrupt`].

pub mod authorize;
pub mod certificate;
pub mod device;
pub mod interrupt;
pub mod issue;
pub mod token;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use serde_json::{json, Value};

use crate::model::log::LoggedPrincipal;
use crate::state::{lock, App, World};

pub use authorize::authorize;
pub(crate) use issue::user_tokens;
pub use token::token;

pub(crate) fn random_token(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(b))
}

/// An Entra OAuth error response.
pub(crate) fn oauth_error(app: &App, status: StatusCode, error: &str, code: u32, message: &str) -> Response {
    oauth_error_with(app, status, error, code, message, Vec::new())
}

/// An Entra OAuth error response with extra fields (`suberror`, `claims`).
pub(crate) fn oauth_error_with(
    app: &App,
    status: StatusCode,
    error: &str,
    code: u32,
    message: &str,
    extra: Vec<(&str, Value)>,
) -> Response {
    let trace = uuid::Uuid::new_v4().to_string();
    let corr = uuid::Uuid::new_v4().to_string();
    let now = app.now();
    let mut body = json!({
        "error": error,
        "error_description": format!(
            "AADSTS{code}: {message} Trace ID: {trace} Correlation ID: {corr} Timestamp: {}",
            now.format("%Y-%m-%d %H:%M:%SZ")
        ),
        "error_codes": [code],
        "timestamp": now.format("%Y-%m-%d %H:%M:%SZ").to_string(),
        "trace_id": trace,
        "correlation_id": corr,
        "error_uri": format!("{}/error?code={code}", app.base_url),
    });
    for (k, v) in extra {
        body[k] = v;
    }
    (status, axum::Json(body)).into_response()
}

pub(crate) fn bad(app: &App, error: &str, code: u32, message: &str) -> Response {
    oauth_error(app, StatusCode::BAD_REQUEST, error, code, message)
}

/// Is `tenant` (from the path) this tenant? `organizations`/`common` only when
/// `allow_multi` (user flows).
pub(crate) fn tenant_ok(world: &World, tenant: &str, allow_multi: bool) -> bool {
    tenant.eq_ignore_ascii_case(&world.tenant_id)
        || tenant.eq_ignore_ascii_case(&world.tenant_domain)
        || (allow_multi && (tenant.eq_ignore_ascii_case("organizations") || tenant.eq_ignore_ascii_case("common")))
}

pub(crate) fn ok_json(body: serde_json::Map<String, Value>, principal: &str) -> Response {
    let mut resp =
        (StatusCode::OK, [(header::CACHE_CONTROL, "no-store, no-cache"), (header::PRAGMA, "no-cache")], axum::Json(Value::Object(body)))
            .into_response();
    resp.extensions_mut().insert(LoggedPrincipal(principal.to_string()));
    resp
}

pub(crate) fn param<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

pub(crate) fn missing(app: &App, name: &str) -> Response {
    bad(app, "invalid_request", 900144, &format!("The request body must contain the following parameter: '{name}'."))
}

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`
pub async fn openid_configuration(State(app): State<Arc<App>>, Path(tenant): Path<String>) -> Response {
    let tid = lock(&app.world).tenant_id.clone();
    let b = &app.base_url;
    let body = json!({
        "issuer": format!("{b}/{tid}/v2.0"),
        "authorization_endpoint": format!("{b}/{tenant}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{b}/{tenant}/oauth2/v2.0/token"),
        "device_authorization_endpoint": format!("{b}/{tenant}/oauth2/v2.0/devicecode"),
        "jwks_uri": format!("{b}/{tenant}/discovery/v2.0/keys"),
        "response_types_supported": ["code"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "tenant_region_scope": "NA",
        "cloud_instance_name": "microsoftonline.com",
    });
    axum::Json(body).into_response()
}
