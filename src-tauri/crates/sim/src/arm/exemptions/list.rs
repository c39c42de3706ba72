//! `GET {scope}/providers/Microsoft.Authorization/policyExemptions` with
//! `$filter` terms `atScope()`, `atExactScope()`, `excludeExpired()` and
//! `policyAssignmentId eq '…'` (joinable with `and`), 100 per page.

use axum::http::StatusCode;
use serde_json::Value;

use super::exemption_json;
use crate::arm::auth::require;
use crate::arm::policy::{parse_filter, scope_matches, Filter};
use crate::arm::scope::Scope;
use crate::arm::{page_body, ArmResult, Ctx};
use crate::index::under;
use crate::state::Exemption;

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
    // Candidates: exemptions at the scope's chain (ids are the scope's id
    // plus `/providers/Microsoft.Authorization/policyExemptions/{name}`, and
    // `World::exemptions` is keyed by the lower-case id) and, unless the
    // filter stops at the scope, below it. The exact rules then decide.
    let with_below = !filters.iter().any(|f| matches!(f, Filter::AtScope | Filter::AtExactScope));
    let (above, below) = ctx.world.related_keys(scope, with_below);
    let w = &*ctx.world;
    let mut keys: Vec<&String> = Vec::new();
    for k in &above {
        let prefix = format!("{}{AT}", if k == "/" { "" } else { k.as_str() });
        keys.extend(under(&w.exemptions, &prefix).map(|(k, _)| k));
    }
    for p in &below {
        keys.extend(under(&w.exemptions, p).map(|(k, _)| k));
    }
    keys.sort_unstable();
    keys.dedup();
    let selected: Vec<&Exemption> = keys
        .into_iter()
        .filter_map(|k| w.exemptions.get(k))
        .filter(|e| scope_matches(w, scope, &e.scope, &filters))
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
        .collect();
    let (range, next) = ctx.page_range(selected.len(), 100)?;
    let items: Vec<Value> = selected[range].iter().map(|e| exemption_json(e, &ctx.api_version)).collect();
    Ok((StatusCode::OK, Some(page_body(items, next))))
}

/// What follows a scope's lower-case id in the ids of its exemptions.
pub(crate) const AT: &str = "/providers/microsoft.authorization/policyexemptions";
