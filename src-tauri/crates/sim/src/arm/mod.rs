//! Azure Resource Manager: request parsing, authentication, api-version checks
//! and routing to the resource-type handlers.

pub mod auth;
pub mod authorization;
pub mod exemptions;
pub mod management_groups;
pub mod metadata;
pub mod policy;
pub mod providers;
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
use crate::log::query_pairs;
use crate::model::log::{Examined, LoggedPrincipal, SchemaErrors};
use crate::state::{lock, App, World};
use crate::throttle::{Kind, Taken};
use auth::Caller;
use scope::Scope;

pub type ArmResult = Result<(StatusCode, Option<Value>), HttpError>;

pub const V_SUBSCRIPTIONS: &[&str] = &["2016-06-01", "2018-06-01", "2019-06-01", "2019-11-01", "2020-01-01", "2021-01-01", "2022-12-01"];
pub const V_RESOURCES: &[&str] = &[
    "2019-10-01",
    "2020-06-01",
    "2021-01-01",
    "2021-04-01",
    "2022-09-01",
    "2023-07-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-04-01",
];
pub const V_MANAGEMENT_GROUPS: &[&str] = &["2020-02-01", "2020-05-01", "2020-10-01", "2021-04-01", "2023-04-01"];
pub const V_POLICY: &[&str] = &[
    "2019-09-01",
    "2020-09-01",
    "2021-06-01",
    "2022-06-01",
    "2023-04-01",
    "2024-04-01",
    "2024-05-01",
    "2025-01-01",
    "2025-03-01",
    "2025-11-01",
    "2026-06-01",
];
pub const V_EXEMPTIONS: &[&str] =
    &["2020-07-01-preview", "2022-07-01-preview", "2024-12-01-preview", "2025-12-01-preview", "2026-01-01-preview", "2026-07-01"];
pub const V_SECURITY: &[&str] = &["2019-01-01-preview", "2020-01-01", "2021-06-01"];
pub const V_PERMISSIONS: &[&str] = &["2015-07-01", "2018-01-01-preview", "2022-04-01", "2022-05-01-preview"];
pub const V_ROLE_ASSIGNMENTS: &[&str] = &["2015-07-01", "2018-09-01-preview", "2020-04-01-preview", "2022-04-01"];
/// Role definitions also answer 2022-05-01-preview (what current SDKs send).
pub const V_ROLE_DEFINITIONS: &[&str] =
    &["2015-07-01", "2018-01-01-preview", "2018-09-01-preview", "2020-04-01-preview", "2022-04-01", "2022-05-01-preview"];
/// `GET /metadata/endpoints`: the single-object shape before 2022-09-01, a list of clouds from it on.
pub const V_METADATA_ENDPOINTS: &[&str] = &["2015-01-01", "2018-01-01", "2019-05-01", "2020-06-01", "2022-09-01"];

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
    /// `listPageSize` from `/_sim/settings` (`None` = each list's default).
    pub list_page_size: Option<usize>,
    /// Headers a handler adds to its answer, success or error (Resource Graph's quota headers).
    pub response_headers: Vec<(&'static str, String)>,
}

/// Default page sizes (Azure documents none): the management-group list and
/// descendants page at 5, so the demo seed's 7 groups take two pages; policy
/// assignment lists at 500. `listPageSize` overrides all three.
pub const DEFAULT_MANAGEMENT_GROUP_PAGE: usize = 5;
pub const DEFAULT_ASSIGNMENT_PAGE: usize = 500;

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
        self.paged_as(items, page_size, "nextLink", false)
    }

    /// A page of `items` whose link to the next page is called `link_key`
    /// (`nextLink`, or `@nextLink` where Azure's OpenAPI says so). On the
    /// last page the link is left out, or written as `null` when
    /// `null_when_last` (as the management-group APIs answer).
    pub fn paged_as(&self, items: Vec<Value>, page_size: usize, link_key: &str, null_when_last: bool) -> Result<Value, HttpError> {
        let (range, next) = self.page_range(items.len(), page_size.max(1))?;
        let page: Vec<Value> = items.into_iter().skip(range.start).take(range.len()).collect();
        let mut body = json!({ "value": page });
        match next {
            Some(n) => body[link_key] = json!(n),
            None if null_when_last => body[link_key] = Value::Null,
            None => {}
        }
        Ok(body)
    }

    /// This list's page size: `listPageSize` when set, else `default`.
    pub fn list_page(&self, default: usize) -> usize {
        self.list_page_size.unwrap_or(default).max(1)
    }

    /// The index range of this request's page out of `total` items, and the
    /// `nextLink` when more remain.
    pub fn page_range(&self, total: usize, page_size: usize) -> Result<(std::ops::Range<usize>, Option<String>), HttpError> {
        let skip = match self.q("$skiptoken") {
            None => 0,
            Some(t) => {
                t.parse::<usize>().map_err(|_| HttpError::bad_request("InvalidSkipToken", format!("The skip token '{t}' is invalid.")))?
            }
        };
        let start = skip.min(total);
        let after = skip.saturating_add(page_size);
        let end = after.min(total);
        let next = (after < total).then(|| {
            let mut q: Vec<(String, String)> = self.query.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("$skiptoken")).cloned().collect();
            q.push(("$skiptoken".to_string(), after.to_string()));
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

/// A page's body: `value` and, when more remain, `nextLink` (what
/// [`Ctx::paged`] answers, for lists that render only the page).
pub fn page_body(items: Vec<Value>, next: Option<String>) -> Value {
    let mut body = json!({ "value": items });
    if let Some(n) = next {
        body["nextLink"] = json!(n);
    }
    body
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
    let mut rate_headers: RateHeaders = Vec::new();
    let mut examined = 0;
    let mut extra_headers: Vec<(&'static str, String)> = Vec::new();
    // Cloud discovery answers without a token, as ARM's does.
    let anonymous = raw_path.trim_end_matches('/').eq_ignore_ascii_case("/metadata/endpoints");
    let (principal, result) = if anonymous {
        (None, metadata::endpoints(&app, &method, &query))
    } else {
        match auth::authenticate(&app, &headers) {
            Err(e) => (None, Err(e)),
            Ok(caller) => match throttle_check(&app, &method, &raw_path, &caller) {
                Err((e, h)) => {
                    rate_headers = h;
                    (Some(caller.name.clone()), Err(e))
                }
                Ok(h) => {
                    rate_headers = h;
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
                                list_page_size: app.settings().list_page_size,
                                response_headers: Vec::new(),
                            };
                            crate::index::take_examined();
                            let r = route(&mut ctx);
                            examined = crate::index::take_examined();
                            schema_errors = std::mem::take(&mut ctx.schema_errors);
                            extra_headers = std::mem::take(&mut ctx.response_headers);
                            r
                        }
                    };
                    (Some(caller.name.clone()), result)
                }
            },
        }
    };
    let request_id = uuid::Uuid::new_v4().to_string();
    let correlation =
        headers.get("x-ms-correlation-request-id").and_then(|v| v.to_str().ok()).map(str::to_string).unwrap_or_else(|| request_id.clone());
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
    for (name, remaining) in rate_headers {
        if let (Ok(n), Ok(v)) = (axum::http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&remaining.to_string())) {
            h.insert(n, v);
        }
    }
    for (name, value) in extra_headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    if let Some(p) = principal {
        resp.extensions_mut().insert(LoggedPrincipal(p));
    }
    resp.extensions_mut().insert(SchemaErrors(schema_errors));
    resp.extensions_mut().insert(Examined(examined));
    resp
}

/// (header name, whole tokens remaining) of the `x-ms-ratelimit-remaining-*` headers.
type RateHeaders = Vec<(String, u64)>;

/// Take a token from the caller's buckets. `Ok(headers)` = allowed (with the
/// `x-ms-ratelimit-remaining-*` headers to send), `Err` = 429 with ARM's
/// `SubscriptionRequestsThrottled` / `TenantRequestsThrottled` body.
#[allow(clippy::result_large_err)]
fn throttle_check(app: &App, method: &Method, raw_path: &str, caller: &Caller) -> Result<RateHeaders, (HttpError, RateHeaders)> {
    let mut segs = raw_path.split('/').filter(|s| !s.is_empty());
    let sub = match (segs.next(), segs.next()) {
        (Some(s), Some(id)) if s.eq_ignore_ascii_case("subscriptions") => Some(percent_decode(id)),
        _ => None,
    };
    let kind = Kind::of(method);
    let taken = lock(&app.throttle).take(sub.as_deref(), &caller.object_id, kind);
    match taken {
        Taken::Off => Ok(Vec::new()),
        Taken::Allowed { headers } => Ok(headers),
        Taken::Throttled { headers, retry_after, global } => {
            let op = match kind {
                Kind::Reads => "read",
                Kind::Writes => "write",
                Kind::Deletes => "delete",
            };
            let (code, message) = match &sub {
                Some(sub) => {
                    let actor = if global { String::new() } else { format!(" actor '{}'", caller.object_id) };
                    (
                        "SubscriptionRequestsThrottled",
                        format!("Number of '{op}' requests for subscription '{sub}'{actor} exceeded. Please try again after '{retry_after}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling"),
                    )
                }
                None => {
                    let tenant = lock(&app.world).tenant_id.clone();
                    (
                        "TenantRequestsThrottled",
                        format!("Number of '{op}' requests for tenant '{tenant}' actor '{}' exceeded. Please try again after '{retry_after}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling", caller.object_id),
                    )
                }
            };
            let e = HttpError::arm(StatusCode::TOO_MANY_REQUESTS, code, message)
                .with_header(axum::http::header::RETRY_AFTER, retry_after.to_string());
            Err((e, headers))
        }
    }
}

fn route(ctx: &mut Ctx) -> ArmResult {
    let segs: Vec<String> = ctx.raw_path.split('/').filter(|s| !s.is_empty()).map(percent_decode).collect();
    let path = ctx.raw_path.to_string();

    // Resource providers of a subscription: `/subscriptions/{id}/providers[/{ns}[/register|unregister]]`.
    if segs.len() >= 3 && eq(&segs[0], "subscriptions") && eq(&segs[2], "providers") {
        let sub = segs[1].clone();
        match segs.get(3..).unwrap_or_default() {
            [] => return providers::list(ctx, &sub),
            [ns] => return providers::get(ctx, &sub, ns),
            [ns, action] if eq(action, "register") || eq(action, "unregister") => {
                return providers::register(ctx, &sub, ns, eq(action, "register"))
            }
            _ => {}
        }
    }

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
        [p, ns, t] if eq(p, "providers") && eq(ns, "Microsoft.ResourceGraph") && eq(t, "resources") => crate::arg::handler::resources(ctx),
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
