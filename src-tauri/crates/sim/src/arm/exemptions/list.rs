//! `GET {scope}/providers/Microsoft.Authorization/policyExemptions` with
//! `$filter` terms `atScope()`, `atExactScope()`, `excludeExpired()` and
//! `policyAssignmentId eq '…'` (joinable with `and`), 100 per page.

use axum::http::StatusCode;
use serde_json::Value;

use super::exemption_json;
use crate::arm::auth::require;
use crate::arm::policy::{parse_filter, scope_matches, Filter};
use crate::arm::scope::Scope;
use crate::arm::{ArmResult, Ctx};

pub(super) fn list(ctx: &mut Ctx, scope: &Scope) -> ArmResult {
    require(ctx.world, ctx.caller, scope, "Microsoft.Authorization/policyExemptions/read")?;
    let filters = match ctx.q("$filter") {
        Some(f) if !f.trim().is_empty() => parse_filter(
            f,
            &["atScope", "atExactScope", "excludeExpired", "policyAssignmentId"],
            "'atScope()', 'atExactScope()', 'excludeExpired()' or 'policyAssignmentId eq '{value}''",
        )?,
        _ => Vec::new(),
    };
    let now = ctx.now;
    let items: Vec<Value> = ctx
        .world
        .exemptions
        .values()
        .filter(|e| scope_matches(ctx.world, scope, &e.scope, &filters))
        .filter(|e| {
            filters.iter().all(|f| match f {
                Filter::ExcludeExpired => e.expires_on.is_none_or(|t| t > now),
                Filter::PolicyAssignmentId(id) => e
                    .properties
                    .get("policyAssignmentId")
                    .and_then(Value::as_str)
                    .is_some_and(|a| a.trim_end_matches('/').eq_ignore_ascii_case(id.trim_end_matches('/'))),
                _ => true,
            })
        })
        .map(|e| exemption_json(e, &ctx.api_version))
        .collect();
    Ok((StatusCode::OK, Some(ctx.paged(items, 100)?)))
}
