//! Azure Table Storage's REST API (version 2019-02-02, JSON only), path-style
//! like Azurite: `{base}/tables/{account}/Tables`, `…/{table}()`,
//! `…/{table}(PartitionKey='…',RowKey='…')`. Built from the Table service
//! REST reference and its OpenAPI examples (`data/tables/`). Auth is Azure
//! Storage's OAuth with Azure RBAC data roles ([`auth`]); errors are the
//! service's `{"odata.error":{"code","message":{"lang","value"}}}`.

pub mod auth;
pub mod entity;
pub mod filter;
mod ops;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::arm::percent_decode;
use crate::model::log::LoggedPrincipal;
use crate::state::{lock, App};

/// The first path segment of every Table service URL.
pub const PATH_PREFIX: &str = "/tables";
/// The `x-ms-version` answered when the request names none.
pub const SERVICE_VERSION: &str = "2019-02-02";

/// The table endpoint of a storage account on a simulator at `base_url`:
/// what a client takes as its endpoint and appends `/Tables` or
/// `/{table}(…)` to.
pub fn endpoint(base_url: &str, account: &str) -> String {
    format!("{}{PATH_PREFIX}/{account}", base_url.trim_end_matches('/'))
}

/// An error answer in the Table service's JSON shape.
#[derive(Debug, Clone)]
pub struct TableError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub headers: Vec<(&'static str, String)>,
}

impl TableError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        TableError { status, code: code.into(), message: message.into(), headers: Vec::new() }
    }
    pub fn bad(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
    fn into_response(self, request_id: &str, now: &str) -> Response {
        let body = json!({"odata.error": {"code": self.code, "message": {
            "lang": "en-US",
            "value": format!("{}\nRequestId:{request_id}\nTime:{now}", self.message),
        }}});
        let mut resp = (self.status, axum::Json(body)).into_response();
        let h = resp.headers_mut();
        h.insert("content-type", HeaderValue::from_static("application/json;odata=minimalmetadata;streaming=true;charset=utf-8"));
        if let Ok(v) = HeaderValue::from_str(&self.code) {
            h.insert("x-ms-error-code", v);
        }
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.insert(name, v);
            }
        }
        resp
    }
}

/// A successful answer: status, JSON body (if any) and headers.
pub struct Answer {
    pub status: StatusCode,
    pub body: Option<Value>,
    pub headers: Vec<(&'static str, String)>,
}

/// What a URL below the account names.
#[derive(Debug, PartialEq)]
pub enum Target {
    /// `/Tables`
    Tables,
    /// `/Tables('name')`
    Table(String),
    /// `/{table}` or `/{table}()`
    Entities(String),
    /// `/{table}(PartitionKey='…',RowKey='…')`
    Entity { table: String, pk: String, rk: String },
}

fn parse_quoted(s: &str) -> Option<(String, &str)> {
    let rest = s.strip_prefix('\'')?;
    let mut out = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().map(|(_, n)| *n) == Some('\'') {
                chars.next();
                out.push('\'');
            } else {
                return Some((out, &rest[i + 1..]));
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// Parse the (decoded) path after the account.
pub fn parse_target(rest: &str) -> Option<Target> {
    let rest = rest.trim_start_matches('/');
    let (name, args) = match rest.find('(') {
        Some(i) => (&rest[..i], Some(rest[i + 1..].strip_suffix(')')?)),
        None => (rest, None),
    };
    if name.is_empty() || name.contains('/') {
        return None;
    }
    if name == "Tables" {
        return match args {
            None | Some("") => Some(Target::Tables),
            Some(a) => {
                let (t, tail) = parse_quoted(a)?;
                tail.is_empty().then_some(Target::Table(t))
            }
        };
    }
    match args {
        None | Some("") => Some(Target::Entities(name.to_string())),
        Some(a) => {
            let a = a.strip_prefix("PartitionKey=")?;
            let (pk, tail) = parse_quoted(a)?;
            let (rk, tail) = parse_quoted(tail.strip_prefix(",RowKey=")?)?;
            tail.is_empty().then_some(Target::Entity { table: name.to_string(), pk, rk })
        }
    }
}

/// One Table service request, parsed.
pub struct Req<'a> {
    pub method: Method,
    pub headers: &'a HeaderMap,
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
    /// `{base}/tables/{account}`
    pub endpoint: String,
    pub metadata: entity::Metadata,
}

impl Req<'_> {
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Every request under `/tables/`.
pub async fn handle(State(app): State<Arc<App>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let now = app.now();
    let now_s = entity::format_timestamp(now);
    let raw = uri.path().strip_prefix(PATH_PREFIX).unwrap_or("").trim_start_matches('/');
    let (account, rest) = raw.split_once('/').unwrap_or((raw, ""));
    let account = percent_decode(account);
    let rest = percent_decode(rest);
    let query = crate::log::query_pairs(uri.query().unwrap_or(""));
    // `X-HTTP-Method` tunnels MERGE/PUT/DELETE through POST.
    let method = match (method, headers.get("x-http-method").and_then(|v| v.to_str().ok())) {
        (Method::POST, Some(m)) => Method::from_bytes(m.as_bytes()).unwrap_or(Method::POST),
        (m, _) => m,
    };
    let req = Req {
        method,
        headers: &headers,
        query,
        body: &body,
        endpoint: endpoint(&app.base_url, &account),
        metadata: entity::Metadata::from_accept(headers.get("accept").and_then(|v| v.to_str().ok())),
    };
    let mut principal = None;
    let result = {
        let mut world = lock(&app.world);
        match auth::authenticate(&app, &world, &headers, &account) {
            Err(e) => Err(e),
            Ok(caller) => {
                principal = Some(caller.name.clone());
                match parse_target(&rest) {
                    None => Err(TableError::bad("InvalidUri", "The requested URI does not represent any resource on the server.")),
                    Some(target) => ops::dispatch(&mut world, &caller, &account, target, &req, now),
                }
            }
        }
    };
    let version = headers.get("x-ms-version").and_then(|v| v.to_str().ok()).unwrap_or(SERVICE_VERSION).to_string();
    let mut resp = match result {
        Ok(a) => {
            let mut resp = match a.body {
                Some(b) => {
                    let mut r = (a.status, axum::Json(b)).into_response();
                    r.headers_mut().insert("content-type", HeaderValue::from_static(req.metadata.content_type()));
                    r
                }
                None => a.status.into_response(),
            };
            for (name, value) in a.headers {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    resp.headers_mut().insert(name, v);
                }
            }
            resp
        }
        Err(e) => e.into_response(&request_id, &now_s),
    };
    let h = resp.headers_mut();
    for (name, value) in [("x-ms-request-id", request_id.as_str()), ("x-ms-version", version.as_str()), ("dataserviceversion", "3.0;")] {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&now.format("%a, %d %b %Y %H:%M:%S GMT").to_string()) {
        h.insert("date", v);
    }
    if let Some(p) = principal {
        resp.extensions_mut().insert(LoggedPrincipal(p));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(parse_target("Tables"), Some(Target::Tables));
        assert_eq!(parse_target("Tables()"), Some(Target::Tables));
        assert_eq!(parse_target("Tables('requests')"), Some(Target::Table("requests".into())));
        assert_eq!(parse_target("requests()"), Some(Target::Entities("requests".into())));
        assert_eq!(parse_target("requests"), Some(Target::Entities("requests".into())));
        assert_eq!(
            parse_target("requests(PartitionKey='t,1',RowKey='O''Brien)')"),
            Some(Target::Entity { table: "requests".into(), pk: "t,1".into(), rk: "O'Brien)".into() })
        );
        assert_eq!(parse_target("requests(PartitionKey='a')"), None);
        assert_eq!(parse_target(""), None);
    }
}
