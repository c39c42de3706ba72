//! Azure Resource Manager: request parsing, authentication, api-version checks
//! and routing to the resource-type handlers.

pub mod auth;
pub mod authorization;
pub mod exemptions;
pub mod management_groups;
pub mod policy;
pub mod scope;
pub mod scores;
pub mod security;
pub mod subscriptions;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::errors::HttpError;
use crate::log::{query_pairs, LoggedPrincipal, SchemaErrors};
use crate::state::{lock, App, World};
use crate::throttle::{Kind, Taken};
use auth::Caller;
use scope::Scope;

pub type ArmResult = Result<(StatusCode, Option<Value>), HttpError>;

pub const V_SUBSCRIPTIONS: &[&str] = &["2016-06-01", "2018-06-01", "2019-06-01", "2019-11-01", "2020-01-01", "2021-01-01", "2022-12-01"];
pub const V_RESOURCES: &[&str] = &["2019-10-01", "2020-06-01", "2021-01-01", "2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-04-01"];
pub const V_MANAGEMENT_GROUPS: &[&str] = &["2020-02-01", "2020-05-01", "2020-10-01", "2021-04-01", "2023-04-01"];
pub const V_POLICY: &[&str] = &[
    "2019-09-01", "2020-09-01", "2021-06-01", "2022-06-01", "2023-04-01", "2024-04-01", "2024-05-01", "2025-01-01", "2025-03-01", "2025-11-01",
];
pub const V_EXEMPTIONS: &[&str] = &["2020-07-01-preview", "2022-07-01-preview", "2024-12-01-preview", "2025-12-01-preview", "2026-01-01-preview", "2026-07-01"];
pub const V_SECURITY: &[&str] = &["2019-01-01-preview", "2020-01-01", "2021-06-01"];
pub const V_PERMISSIONS: &[&str] = &["2015-07-01", "2018-01-01-preview", "2022-04-01", "2022-05-01-preview"];
pub const V_ROLE_ASSIGNMENTS: &[&str] = &["2015-07-01", "2018-09-01-preview", "2020-04-01-preview", "2022-04-01"];

/// One parsed ARM request, plus who sent it and the locked world.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub world: &'a mut World,
    pub caller: &'a Caller,
    pub method: &'a Method,
    /// The raw (still percent-encoded) path, for `nextLink`s.
    pub raw_path: &'a str,
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
    pub api_version: String,
    /// Simulated "now" for this request.
    pub now: chrono::DateTime<chrono::Utc>,
    /// Seconds before a new exemption shows in assessments.
    pub effect_delay: i64,
    /// Schema violations found in the request body (logged in `/_sim/requests`).
    pub schema_errors: Vec<String>,
}

impl Ctx<'_> {
    /// A query parameter, matched case-insensitively by name.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// 400 unless the request's api-version is one of `supported`.
    pub fn check_version(&self, supported: &[&str]) -> Result<(), HttpError> {
        if supported.iter().any(|v| v.eq_ignore_ascii_case(&self.api_version)) {
            return Ok(());
        }
        let mut list: Vec<&str> = supported.to_vec();
        list.reverse();
        Err(HttpError::bad_request(
            "InvalidApiVersionParameter",
            format!("The api-version '{}' is invalid. The supported versions are '{}'.", self.api_version, list.join(",")),
        ))
    }

    /// A page of `items` with a `nextLink` back to this simulator when more remain.
    pub fn paged(&self, items: Vec<Value>, page_size: usize) -> Result<Value, HttpError> {
        let (range, next) = self.page_range(items.len(), page_size)?;
        let page: Vec<Value> = items.into_iter().skip(range.start).take(range.len()).collect();
        let mut body = json!({ "value": page });
        if let Some(n) = next {
            body["nextLink"] = json!(n);
        }
        Ok(body)
    }

    /// The index range of this request's page out of `total` items, and the
    /// `nextLink` when more remain.
    pub fn page_range(&self, total: usize, page_size: usize) -> Result<(std::ops::Range<usize>, Option<String>), HttpError> {
        let skip = match self.q("$skiptoken") {
            None => 0,
            Some(t) => t.parse::<usize>().map_err(|_| {
                HttpError::bad_request("InvalidSkipToken", format!("The skip token '{t}' is invalid."))
            })?,
        };
        let start = skip.min(total);
        let end = (skip + page_size).min(total);
        let next = (skip + page_size < total).then(|| {
            let mut q: Vec<(String, String)> = self.query.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("$skiptoken")).cloned().collect();
            q.push(("$skiptoken".to_string(), (skip + page_size).to_string()));
            let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
            format!("{}{}?{}", self.app.base_url, self.raw_path, qs)
        });
        Ok((start..end, next))
    }

    pub fn body_json(&self) -> Result<Value, HttpError> {
        serde_json::from_slice::<Value>(self.body).map_err(|e| {
            HttpError::bad_request(
                "InvalidRequestContent",
                format!("The request content was invalid and could not be deserialized: '{e}'."),
            )
        })
    }
}

/// Decode `%XX` escapes (invalid ones are kept as they are).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn no_route(path: &str) -> HttpError {
    HttpError::not_found("NotFound", format!("The requested path '{path}' was not found."))
}

/// Fallback handler: every path that is not Entra or `/_sim` is ARM.
pub async fn handle(State(app): State<Arc<App>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let raw_path = uri.path().to_string();
    let query = query_pairs(uri.query().unwrap_or(""));
    let mut schema_errors: Vec<String> = Vec::new();
    let mut rate_header: Option<(String, u64)> = None;
    let (principal, result) = match auth::authenticate(&app, &headers) {
        Err(e) => (None, Err(e)),
        Ok(caller) => match throttle_check(&app, &method, &raw_path, &caller) {
            Err((e, h)) => {
                rate_header = Some(h);
                (Some(caller.name.clone()), Err(e))
            }
            Ok(h) => {
            rate_header = h;
            let mut world = lock(&app.world);
            let api_version = query.iter().find(|(k, _)| eq(k, "api-version")).map(|(_, v)| v.clone());
            let result = match api_version {
                None => Err(HttpError::bad_request(
                    "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.",
                )),
                Some(api_version) => {
                    let mut ctx = Ctx {
                        app: &app,
                        world: &mut world,
                        caller: &caller,
                        method: &method,
                        raw_path: &raw_path,
                        query,
                        body: &body,
                        api_version,
                        now: app.now(),
                        effect_delay: app.settings().effect_delay_secs,
                        schema_errors: Vec::new(),
                    };
                    let r = route(&mut ctx);
                    schema_errors = std::mem::take(&mut ctx.schema_errors);
                    r
                }
            };
            (Some(caller.name.clone()), result)
            }
        },
    };
    let request_id = uuid::Uuid::new_v4().to_string();
    let correlation = headers
        .get("x-ms-correlation-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| request_id.clone());
    let mut resp = match result {
        Ok((status, Some(body))) => (status, axum::Json(body)).into_response(),
        Ok((status, None)) => status.into_response(),
        Err(e) => e.into_response(),
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert("x-ms-request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&correlation) {
        h.insert("x-ms-correlation-request-id", v);
    }
    if let Some((name, remaining)) = rate_header {
        if let (Ok(n), Ok(v)) = (axum::http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&remaining.to_string())) {
            h.insert(n, v);
        }
    }
    if let Some(p) = principal {
        resp.extensions_mut().insert(LoggedPrincipal(p));
    }
    resp.extensions_mut().insert(SchemaErrors(schema_errors));
    resp
}

/// Take a token from the caller's bucket. `Ok(header)` = allowed (with the
/// `x-ms-ratelimit-remaining-*` header to send), `Err` = 429 TooManyRequests.
/// (header name, whole tokens remaining)
type RateHeader = (String, u64);

#[allow(clippy::result_large_err)]
fn throttle_check(app: &App, method: &Method, raw_path: &str, caller: &Caller) -> Result<Option<RateHeader>, (HttpError, RateHeader)> {
    let mut segs = raw_path.split('/').filter(|s| !s.is_empty());
    let sub = match (segs.next(), segs.next()) {
        (Some(s), Some(id)) if s.eq_ignore_ascii_case("subscriptions") => Some(id.to_string()),
        _ => None,
    };
    match lock(&app.throttle).take(sub.as_deref(), &caller.object_id, Kind::of(method)) {
        Taken::Off => Ok(None),
        Taken::Allowed { header, remaining } => Ok(Some((header, remaining))),
        Taken::Throttled { header, retry_after } => {
            let level = if sub.is_some() { "subscription" } else { "tenant" };
            let e = HttpError::arm(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                format!("Number of requests for the {level} of the principal '{}' exceeded the limit. Please try again after {retry_after} seconds.", caller.object_id),
            )
            .with_header(axum::http::header::RETRY_AFTER, retry_after.to_string());
            Err((e, (header, 0)))
        }
    }
}

fn route(ctx: &mut Ctx) -> ArmResult {
    let segs: Vec<String> = ctx.raw_path.split('/').filter(|s| !s.is_empty()).map(percent_decode).collect();
    let path = ctx.raw_path.to_string();

    // `{scope}/providers/Microsoft.Authorization|Microsoft.Security/...`
    let provider_at = (0..segs.len().saturating_sub(1))
        .rev()
        .find(|&i| eq(&segs[i], "providers") && (eq(&segs[i + 1], "Microsoft.Authorization") || eq(&segs[i + 1], "Microsoft.Security")));
    if let Some(i) = provider_at {
        let Some(scope) = Scope::parse(&segs[..i]) else {
            return Err(no_route(&path));
        };
        let ns = segs[i + 1].clone();
        let rest: Vec<String> = segs[i + 2..].to_vec();
        let Some(type_) = rest.first() else {
            return Err(no_route(&path));
        };
        let name = rest.get(1).map(String::as_str);
        if rest.len() > 2 {
            return Err(no_route(&path));
        }
        return if eq(&ns, "Microsoft.Authorization") {
            match type_.to_ascii_lowercase().as_str() {
                "policyexemptions" => exemptions::handle(ctx, &scope, name),
                "policyassignments" => policy::assignments(ctx, &scope, name),
                "policysetdefinitions" => policy::set_definitions(ctx, &scope, name),
                "permissions" if name.is_none() => authorization::permissions(ctx, &scope),
                "roleassignments" => authorization::role_assignments(ctx, &scope, name),
                "roledefinitions" => authorization::role_definitions(ctx, &scope, name),
                _ => Err(invalid_type(type_, &ns, &ctx.api_version)),
            }
        } else {
            match type_.to_ascii_lowercase().as_str() {
                "assessments" => security::assessments(ctx, &scope, name),
                "assessmentmetadata" => security::metadata(ctx, &scope, name),
                "securescores" => scores::secure_scores(ctx, &scope, name),
                _ => Err(invalid_type(type_, &ns, &ctx.api_version)),
            }
        };
    }

    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    match s.as_slice() {
        ["tenants"] => subscriptions::tenants(ctx),
        ["subscriptions"] => subscriptions::list(ctx),
        ["subscriptions", sub] => subscriptions::get(ctx, sub),
        ["subscriptions", sub, "resourceGroups"] => subscriptions::resource_groups(ctx, sub, None),
        ["subscriptions", sub, "resourceGroups", rg] => subscriptions::resource_groups(ctx, sub, Some(rg)),
        ["subscriptions", sub, "resources"] => subscriptions::resources(ctx, sub, None),
        ["subscriptions", sub, "resourceGroups", rg, "resources"] => subscriptions::resources(ctx, sub, Some(rg)),
        ["providers", "Microsoft.Management", "managementGroups"] => management_groups::list(ctx),
        ["providers", "Microsoft.Management", "managementGroups", mg] => management_groups::get(ctx, mg),
        ["providers", "Microsoft.Management", "managementGroups", mg, "descendants"] => management_groups::descendants(ctx, mg),
        _ => {
            // Case-insensitive retry of the fixed segments.
            let lower: Vec<String> = segs.iter().map(|x| x.to_ascii_lowercase()).collect();
            let l: Vec<&str> = lower.iter().map(String::as_str).collect();
            match l.as_slice() {
                ["subscriptions", _] => subscriptions::get(ctx, &segs[1].clone()),
                ["subscriptions", _, "resourcegroups"] => subscriptions::resource_groups(ctx, &segs[1].clone(), None),
                ["subscriptions", _, "resourcegroups", _] => {
                    let (a, b) = (segs[1].clone(), segs[3].clone());
                    subscriptions::resource_groups(ctx, &a, Some(&b))
                }
                ["subscriptions", _, "resources"] => subscriptions::resources(ctx, &segs[1].clone(), None),
                ["subscriptions", _, "resourcegroups", _, "resources"] => {
                    let (a, b) = (segs[1].clone(), segs[3].clone());
                    subscriptions::resources(ctx, &a, Some(&b))
                }
                ["providers", "microsoft.management", "managementgroups"] => management_groups::list(ctx),
                ["providers", "microsoft.management", "managementgroups", _] => management_groups::get(ctx, &segs[3].clone()),
                ["providers", "microsoft.management", "managementgroups", _, "descendants"] => {
                    management_groups::descendants(ctx, &segs[3].clone())
                }
                ["subscriptions", _, "resourcegroups", _, "providers", ..] => match ctx.method.clone() {
                    Method::DELETE => subscriptions::delete_resource(ctx, &segs),
                    _ => subscriptions::resource(ctx, &segs),
                },
                _ => Err(no_route(&path)),
            }
        }
    }
}

fn invalid_type(type_: &str, ns: &str, api_version: &str) -> HttpError {
    HttpError::bad_request(
        "InvalidResourceType",
        format!("The resource type '{type_}' could not be found in the namespace '{ns}' for api version '{api_version}'."),
    )
}

/// 405-style answer ARM gives for an HTTP method a resource does not support.
pub fn method_not_allowed(ctx: &Ctx) -> HttpError {
    HttpError::arm(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("The requested resource does not support http method '{}'.", ctx.method),
    )
}

/// ISO 8601 with 7 fractional digits, as ARM writes timestamps.
pub fn arm_time(t: &chrono::DateTime<chrono::Utc>) -> String {
    format!("{}.{:07}Z", t.format("%Y-%m-%dT%H:%M:%S"), t.timestamp_subsec_nanos() / 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%3F%zz"), "?%zz");
    }
}
