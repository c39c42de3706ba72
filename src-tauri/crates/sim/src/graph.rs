//! A minimal Microsoft Graph (v1.0) on the same port: service principals by
//! `appId` or object id, and a list with `$filter=appId|displayName eq '…'`.
//! Tokens must be issued for Graph (`https://graph.microsoft.com/.default`);
//! errors are Graph's `{"error":{"code","message","innerError"}}`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::jwt::{self, TokenProblem};
use crate::log::query_pairs;
use crate::model::log::LoggedPrincipal;
use crate::state::{is_graph_audience, lock, App, ServicePrincipal};

const CONTEXT: &str = "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals";
const ODATA_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
/// Properties of `microsoft.graph.servicePrincipal` the simulator models
/// (a `$select` of any other property leaves it out).
const PROPERTIES: &[&str] =
    &["id", "appId", "displayName", "appDisplayName", "servicePrincipalType", "accountEnabled", "servicePrincipalNames"];

#[derive(Debug, Clone)]
struct GraphError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

fn err(status: StatusCode, code: &'static str, message: impl Into<String>) -> GraphError {
    GraphError { status, code, message: message.into() }
}

fn not_found(key: &str) -> GraphError {
    err(
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
        format!("Resource '{key}' does not exist or one of its queried reference-property objects are not present."),
    )
}

/// Who called, from a Graph-audience bearer token.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<String, GraphError> {
    let unauthorized = |m: &str| err(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", m);
    let value = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    let token = match value.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("Bearer") && !t.trim().is_empty() => t.trim(),
        _ => return Err(unauthorized("Access token is empty.")),
    };
    let claims = match jwt::verify(&app.jwt_secret, token, app.now().timestamp()) {
        Ok(c) => c,
        Err(TokenProblem::Expired { .. }) => return Err(unauthorized("Lifetime validation failed, the token is expired.")),
        Err(_) => return Err(unauthorized("Access token validation failure.")),
    };
    let aud = claims.get("aud").and_then(Value::as_str).unwrap_or("");
    if !is_graph_audience(aud) {
        return Err(unauthorized("Access token validation failure. Invalid audience."));
    }
    let name = claims.get("upn").or_else(|| claims.get("appid")).and_then(Value::as_str).unwrap_or("").to_string();
    Ok(name)
}

/// The service principal as Graph returns it, limited to `select` when given.
fn sp_json(sp: &ServicePrincipal, select: &Option<Vec<String>>) -> Map<String, Value> {
    let mut m = Map::new();
    for p in PROPERTIES {
        if let Some(sel) = select {
            if !sel.iter().any(|s| s.eq_ignore_ascii_case(p)) {
                continue;
            }
        }
        let v = match *p {
            "id" => json!(sp.object_id),
            "appId" => json!(sp.client_id),
            "displayName" | "appDisplayName" => json!(sp.display_name),
            "servicePrincipalType" => json!("Application"),
            "accountEnabled" => json!(true),
            "servicePrincipalNames" => json!([sp.client_id]),
            _ => continue,
        };
        m.insert((*p).to_string(), v);
    }
    m
}

/// `servicePrincipals(appId='…')` -> `Some("…")`.
fn key_of(segment: &str, name: &str) -> Option<String> {
    let rest = segment.get(..name.len()).filter(|p| p.eq_ignore_ascii_case(name)).map(|_| &segment[name.len()..])?;
    let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
    let (k, v) = inner.split_once('=')?;
    if !k.trim().eq_ignore_ascii_case("appId") {
        return None;
    }
    let v = v.trim();
    Some(v.strip_prefix('\'')?.strip_suffix('\'')?.replace("''", "'"))
}

/// `$filter=appId eq '…'` or `displayName eq '…'` -> (property, value).
fn parse_filter(f: &str) -> Option<(&'static str, String)> {
    let (prop, rest) = f.trim().split_once(' ')?;
    let prop = ["appId", "displayName"].into_iter().find(|p| p.eq_ignore_ascii_case(prop))?;
    let rest = rest.trim_start();
    let value = rest.get(..2).filter(|op| op.eq_ignore_ascii_case("eq")).map(|_| rest[2..].trim())?;
    Some((prop, value.strip_prefix('\'')?.strip_suffix('\'')?.replace("''", "'")))
}

fn route(app: &App, method: &Method, path: &str, query: &[(String, String)]) -> Result<Value, GraphError> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if method != Method::GET {
        return Err(err(
            StatusCode::METHOD_NOT_ALLOWED,
            "Request_BadRequest",
            "Specified HTTP method is not allowed for the request target.",
        ));
    }
    let q = |name: &str| query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let select: Option<Vec<String>> = q("$select").map(|s| s.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect());
    let context_for = |entity: bool| {
        let sel = select.as_ref().map(|s| format!("({})", s.join(","))).unwrap_or_default();
        format!("{CONTEXT}{sel}{}", if entity { "/$entity" } else { "" })
    };
    let world = lock(&app.world);
    let one = |sp: Option<&ServicePrincipal>, key: &str| -> Result<Value, GraphError> {
        let sp = sp.ok_or_else(|| not_found(key))?;
        let mut m = Map::new();
        m.insert("@odata.context".into(), json!(context_for(true)));
        m.extend(sp_json(sp, &select));
        Ok(Value::Object(m))
    };
    match segs.as_slice() {
        ["v1.0", seg] if key_of(seg, "servicePrincipals").is_some() => {
            let app_id = key_of(seg, "servicePrincipals").unwrap_or_default();
            one(world.sp_by_client_id(&app_id), &app_id)
        }
        ["v1.0", sps, id] if sps.eq_ignore_ascii_case("servicePrincipals") => {
            one(world.service_principals.iter().find(|s| s.object_id.eq_ignore_ascii_case(id)), id)
        }
        ["v1.0", sps] if sps.eq_ignore_ascii_case("servicePrincipals") => {
            let filter = match q("$filter") {
                None => None,
                Some(f) => Some(parse_filter(f).ok_or_else(|| {
                    err(
                        StatusCode::BAD_REQUEST,
                        "Request_UnsupportedQuery",
                        format!("Unsupported or invalid query filter clause specified: '{f}'."),
                    )
                })?),
            };
            let items: Vec<Value> = world
                .service_principals
                .iter()
                .filter(|sp| match &filter {
                    None => true,
                    Some(("appId", v)) => sp.client_id.eq_ignore_ascii_case(v),
                    Some((_, v)) => sp.display_name == *v,
                })
                .map(|sp| Value::Object(sp_json(sp, &select)))
                .collect();
            Ok(json!({ "@odata.context": context_for(false), "value": items }))
        }
        [_, seg, ..] => Err(err(StatusCode::BAD_REQUEST, "BadRequest", format!("Resource not found for the segment '{seg}'."))),
        _ => Err(err(StatusCode::BAD_REQUEST, "BadRequest", "Invalid request.")),
    }
}

/// Every request under `/v1.0/`.
pub async fn handle(State(app): State<Arc<App>>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = crate::arm::percent_decode(uri.path());
    let query = query_pairs(uri.query().unwrap_or(""));
    let request_id = uuid::Uuid::new_v4().to_string();
    let client_request_id = headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let caller = authenticate(&app, &headers);
    let outcome = caller.as_ref().map_err(|e| e.clone()).and_then(|_| route(&app, &method, &path, &query));
    let mut resp = match outcome {
        Ok(body) => (StatusCode::OK, [(header::CONTENT_TYPE, ODATA_JSON)], body.to_string()).into_response(),
        Err(e) => {
            let body = json!({ "error": {
                "code": e.code,
                "message": e.message,
                "innerError": {
                    "date": app.now().format("%Y-%m-%dT%H:%M:%S").to_string(),
                    "request-id": request_id,
                    "client-request-id": client_request_id,
                },
            }});
            let mut r = (e.status, [(header::CONTENT_TYPE, ODATA_JSON)], body.to_string()).into_response();
            if e.status == StatusCode::UNAUTHORIZED {
                let challenge = format!(
                    "Bearer realm=\"\", authorization_uri=\"{}/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
                    app.base_url
                );
                if let Ok(v) = HeaderValue::from_str(&challenge) {
                    r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
                }
            }
            r
        }
    };
    let h = resp.headers_mut();
    for (name, value) in [("request-id", &request_id), ("client-request-id", &client_request_id)] {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    }
    h.insert("odata-version", HeaderValue::from_static("4.0"));
    if let Ok(p) = &caller {
        resp.extensions_mut().insert(LoggedPrincipal(p.clone()));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_filters() {
        assert_eq!(key_of("servicePrincipals(appId='abc')", "servicePrincipals").as_deref(), Some("abc"));
        assert_eq!(key_of("serviceprincipals(appid='a''b')", "servicePrincipals").as_deref(), Some("a'b"));
        assert_eq!(key_of("servicePrincipals(id='abc')", "servicePrincipals"), None);
        assert_eq!(key_of("servicePrincipals", "servicePrincipals"), None);
        assert_eq!(parse_filter("appId eq 'x'"), Some(("appId", "x".to_string())));
        assert_eq!(parse_filter("startswith(displayName,'x')"), None);
        assert_eq!(crate::arm::percent_decode("servicePrincipals(appId=%27x%27)"), "servicePrincipals(appId='x')");
    }
}
