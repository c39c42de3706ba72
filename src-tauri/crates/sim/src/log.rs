//! The request log behind `GET /_sim/requests`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::model::log::{Examined, InjectedFault, LoggedPrincipal, SchemaErrors};
use crate::state::{lock, App};

/// Form fields that are never written to the log.
const SECRET_FIELDS: &[&str] =
    &["client_secret", "client_assertion", "code", "code_verifier", "refresh_token", "password", "assertion", "device_code"];

const MAX_BODY: usize = 8 * 1024 * 1024;

/// Decode a query string into ordered pairs.
pub fn query_pairs(raw: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw).unwrap_or_default()
}

fn body_for_log(bytes: &[u8], is_form: bool) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    if is_form {
        let mut map = serde_json::Map::new();
        for (k, v) in query_pairs(&String::from_utf8_lossy(bytes)) {
            let redacted = SECRET_FIELDS.iter().any(|s| s.eq_ignore_ascii_case(&k));
            map.insert(k, if redacted { json!("[redacted]") } else { json!(v) });
        }
        return Value::Object(map);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v) => v,
        Err(_) => Value::String(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// Claims of the request's bearer token that say who called and for what
/// (`oid`, `upn`, `appid`, `aud`, `iss`, `tid`), read without checking the
/// signature (the handler checks it); null without a JWT bearer token.
fn token_claims(headers: &axum::http::HeaderMap) -> Value {
    use base64::Engine;
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return Value::Null;
    };
    let Some(token) = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")) else {
        return Value::Null;
    };
    let payload = token.trim().split('.').nth(1).unwrap_or("");
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')) else {
        return Value::Null;
    };
    let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(&bytes) else {
        return Value::Null;
    };
    let kept: serde_json::Map<String, Value> =
        ["oid", "upn", "appid", "aud", "iss", "tid"].iter().filter_map(|k| claims.get(*k).map(|v| (k.to_string(), v.clone()))).collect();
    Value::Object(kept)
}

/// Middleware: record every request except `/_sim/*`.
pub async fn record(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/_sim/") || path == "/_sim" {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let raw_query = req.uri().query().unwrap_or("").to_string();
    let is_form = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.starts_with("application/x-www-form-urlencoded"))
        .unwrap_or(false);
    let token = token_claims(req.headers());
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return crate::errors::HttpError::arm(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                "The request content size exceeds the maximum allowed.",
            )
            .into_response()
        }
    };
    let logged_body = body_for_log(&bytes, is_form);
    let req = Request::from_parts(parts, Body::from(bytes));
    let resp = next.run(req).await;

    let mut query = BTreeMap::new();
    for (k, v) in query_pairs(&raw_query) {
        let redacted = SECRET_FIELDS.iter().any(|s| s.eq_ignore_ascii_case(&k));
        query.insert(k, if redacted { "[redacted]".to_string() } else { v });
    }
    let principal = resp.extensions().get::<LoggedPrincipal>().map(|p| json!(p.0)).unwrap_or(Value::Null);
    let raw_query_logged = if query_pairs(&raw_query).iter().any(|(k, _)| SECRET_FIELDS.iter().any(|s| s.eq_ignore_ascii_case(k))) {
        serde_urlencoded::to_string(&query).unwrap_or_default()
    } else {
        raw_query
    };
    let schema_errors = resp.extensions().get::<SchemaErrors>().map(|s| s.0.clone()).unwrap_or_default();
    let fault = resp.extensions().get::<InjectedFault>().map(|f| json!(f.0)).unwrap_or(Value::Null);
    let examined = resp.extensions().get::<Examined>().map(|e| json!(e.0)).unwrap_or(Value::Null);
    let dropped = resp.extensions().get::<crate::model::faults::DropConnection>().is_some();
    let entry = json!({
        "method": method,
        "path": path,
        "query": query,
        "rawQuery": raw_query_logged,
        "body": logged_body,
        "status": resp.status().as_u16(),
        "principal": principal,
        "token": token,
        "schemaErrors": schema_errors,
        "fault": fault,
        "dropped": dropped,
        "examined": examined,
    });
    lock(&app.requests).push(entry);
    resp
}
