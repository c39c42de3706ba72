//! `POST /providers/Microsoft.ResourceGraph/resources`: the request body
//! (`QueryRequest`), the quota, paging with `$skipToken` over a bounded
//! cache of evaluated results, and ARG's answer and error shapes.

use std::sync::Arc;

use axum::http::{header, Method, StatusCode};
use base64::Engine;
use serde_json::{json, Value};

use super::eval::run;
use super::parser::parse;
use super::quota::hms;
use super::tables::{rows, Visibility};
use super::{Answer, QueryError};
use crate::arm::{method_not_allowed, ArmResult, Ctx};
use crate::errors::HttpError;
use crate::state::lock;

pub const V_RESOURCE_GRAPH: &[&str] = &["2019-04-01", "2020-04-01-preview", "2021-03-01", "2022-10-01", "2024-04-01"];
/// Rows a page holds at most (and by default).
pub const MAX_PAGE: usize = 1000;

/// ARG's error body: `{"error": {"code", "message", "details": [...]}}`.
fn arg_error(status: StatusCode, code: &str, message: &str, details: Value) -> HttpError {
    HttpError { status, body: json!({ "error": { "code": code, "message": message, "details": details } }), headers: Vec::new() }
}

fn bad_request(detail_code: &str, message: impl Into<String>) -> HttpError {
    let message = message.into();
    arg_error(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        "Please provide below info when asking for support: the request was refused by azure-sim.",
        json!([{ "code": detail_code, "message": message }]),
    )
}

/// A query error as ARG reports it: `InvalidQuery` plus a `ParserFailure`
/// naming the line, the position in it and the token.
fn invalid_query(query: &str, e: &QueryError) -> HttpError {
    let before: String = query.chars().take(e.pos).collect();
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0);
    arg_error(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        "Please provide below info when asking for support: the query was refused by azure-sim.",
        json!([
            { "code": "InvalidQuery", "message": e.to_string() },
            { "code": "ParserFailure", "message": format!("ParserFailure: {}", e.why), "line": line, "characterPositionInLine": col, "token": e.token },
        ]),
    )
}

/// The `$skipToken`: base64 of `{result id}.{offset}.{page size}`.
fn token(id: u64, offset: usize, top: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{id}.{offset}.{top}"))
}

fn read_token(t: &str) -> Option<(u64, usize, usize)> {
    let raw = base64::engine::general_purpose::STANDARD.decode(t).ok()?;
    let s = String::from_utf8(raw).ok()?;
    let mut parts = s.split('.');
    let id = parts.next()?.parse().ok()?;
    let offset = parts.next()?.parse().ok()?;
    let top = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((id, offset, top))
}

fn names(body: &Value, key: &str) -> Result<Option<Vec<String>>, HttpError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| bad_request("InvalidRequestContent", format!("'{key}' holds strings only.")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(bad_request("InvalidRequestContent", format!("'{key}' must be an array of strings."))),
    }
}

fn count_option(options: &Value, key: &str, max: usize) -> Result<Option<usize>, HttpError> {
    match options.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if n <= max => Ok(Some(n)),
            _ => Err(bad_request("InvalidRequestContent", format!("options.{key} must be an integer from 0 to {max}."))),
        },
    }
}

/// Spend one query of the caller's quota; the quota headers go on the answer.
fn spend_quota(ctx: &mut Ctx) -> Result<(), HttpError> {
    let spend = lock(&ctx.app.arg).quota.spend(&ctx.caller.object_id, ctx.now);
    ctx.response_headers.push(("x-ms-user-quota-remaining", spend.remaining.to_string()));
    ctx.response_headers.push(("x-ms-user-quota-resets-after", hms(spend.resets_after_ms)));
    if spend.allowed {
        return Ok(());
    }
    let secs = (spend.resets_after_ms.max(0) + 999) / 1000;
    Err(arg_error(
        StatusCode::TOO_MANY_REQUESTS,
        "RateLimiting",
        "Please provide below info when asking for support: the caller's Resource Graph quota is spent (azure-sim).",
        json!([{ "code": "RateLimiting", "message": "Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help." }]),
    )
    .with_header(header::RETRY_AFTER, secs.max(1).to_string()))
}

/// `POST /providers/Microsoft.ResourceGraph/resources`
pub fn resources(ctx: &mut Ctx) -> ArmResult {
    if ctx.method != Method::POST {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_RESOURCE_GRAPH)?;
    let answer = lock(&ctx.app.arg).answer;
    match answer {
        Answer::Normal => {}
        Answer::Denied => {
            return Err(HttpError::arm(
                StatusCode::FORBIDDEN,
                "AuthorizationFailed",
                format!(
                    "The client '{}' with object id '{}' does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read' over scope '/providers/Microsoft.ResourceGraph' or the scope is invalid.",
                    ctx.caller.name, ctx.caller.object_id
                ),
            ))
        }
        Answer::Unavailable => {
            return Err(HttpError::arm(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "Resource Graph is unavailable (set by /_sim/settings resourceGraphAnswer).",
            )
            .with_header(header::RETRY_AFTER, "5"))
        }
    }
    spend_quota(ctx)?;
    let body: Value = serde_json::from_slice(ctx.body).map_err(|e| {
        bad_request("InvalidRequestContent", format!("The request content was invalid and could not be deserialized: '{e}'."))
    })?;
    let Some(query) = body.get("query").and_then(Value::as_str) else {
        return Err(bad_request("InvalidRequestContent", "The request has no 'query'."));
    };
    let subscriptions = names(&body, "subscriptions")?;
    let groups = names(&body, "managementGroups")?;
    let options = body.get("options").cloned().unwrap_or(Value::Null);
    if let Some(f) = options.get("resultFormat").and_then(Value::as_str) {
        if !f.eq_ignore_ascii_case("objectArray") {
            return Err(bad_request(
                "UnsupportedResultFormat",
                format!("The simulator answers resultFormat 'objectArray' only, not '{f}'."),
            ));
        }
    }
    let top = count_option(&options, "$top", MAX_PAGE)?;
    let skip = count_option(&options, "$skip", usize::MAX)?;
    let skip_token = match options.get("$skipToken").and_then(Value::as_str) {
        None => None,
        Some(t) => Some(read_token(t).ok_or_else(|| bad_request("InvalidSkipToken", format!("The skip token '{t}' is invalid.")))?),
    };
    let parsed = parse(query).map_err(|e| invalid_query(query, &e))?;
    let key = format!("{query}\n{}\n{}", json!(subscriptions), json!(groups));
    let owner = ctx.caller.object_id.clone();
    let cached = skip_token.and_then(|(id, _, _)| lock(&ctx.app.arg).recall(id, &owner, &key));
    let (result, id) = match (cached, skip_token) {
        (Some(rows), Some((id, _, _))) => (rows, id),
        _ => {
            let mut vis = Visibility::new(ctx, subscriptions, groups);
            let shared: &Ctx = ctx;
            let evaluated: Vec<Value> =
                run(&parsed, &mut |t, needs| rows(shared, &mut vis, t, needs)).into_iter().map(Value::Object).collect();
            let rows = Arc::new(evaluated);
            let id = lock(&ctx.app.arg).remember(&owner, &key, rows.clone());
            (rows, id)
        }
    };
    let (offset, page) = match skip_token {
        Some((_, offset, top_then)) => (offset, top.unwrap_or(top_then)),
        None => (skip.unwrap_or(0), top.unwrap_or(MAX_PAGE)),
    };
    let page = page.clamp(1, MAX_PAGE);
    let start = offset.min(result.len());
    let end = offset.saturating_add(page).min(result.len());
    let data: Vec<Value> = result[start..end].to_vec();
    let mut out = json!({
        "totalRecords": result.len(),
        "count": data.len(),
        "resultTruncated": "false",
        "facets": [],
        "data": data,
    });
    if end < result.len() {
        out["$skipToken"] = json!(token(id, end, page));
    }
    Ok((StatusCode::OK, Some(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_tokens_round_trip_and_refuse_garbage() {
        assert_eq!(read_token(&token(7, 2000, 1000)), Some((7, 2000, 1000)));
        assert_eq!(read_token("eyAibm8iOiAibHVjayIsICJidXQiOiAibmljZSIsICJ0cnkiOiAiISIgfQ=="), None);
        assert_eq!(read_token("not base64!"), None);
    }
}
