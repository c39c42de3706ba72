//! Policy assignments (list/get) and built-in policy set definitions (list/get),
//! plus the `$filter` grammar shared with policy exemptions.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::auth::require;
use super::scope::{contains_id, Scope};
use super::{method_not_allowed, ArmResult, Ctx, V_POLICY};
use crate::errors::HttpError;
use crate::index::under;
use crate::state::{PolicyAssignment, World};

/// One term of a policy `$filter` (terms may be joined with `and`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    AtScope,
    AtExactScope,
    /// Policy assignments only: at the scope, above it, and anywhere below it
    /// (for a management group: its descendant groups and subscriptions and
    /// everything within them).
    AtScopeAndBelow,
    ExcludeExpired,
    PolicyAssignmentId(String),
    PolicyDefinitionId(String),
}

fn invalid_filter(f: &str, valid: &str) -> HttpError {
    HttpError::bad_request("InvalidFilterInQueryString", format!("The filter '{f}' is invalid. Valid values for $filter are: {valid}."))
}

/// Parse `$filter`. `allowed` lists which kinds of term the caller accepts.
pub fn parse_filter(f: &str, allowed: &[&str], valid: &str) -> Result<Vec<Filter>, HttpError> {
    let mut out = Vec::new();
    let lower = f.to_ascii_lowercase();
    let mut rest = f;
    let mut rest_lower = lower.as_str();
    loop {
        let (term, next) = match rest_lower.find(" and ") {
            Some(i) => (&rest[..i], Some(i + 5)),
            None => (rest, None),
        };
        let t = term.trim();
        let tl = t.to_ascii_lowercase();
        let parsed = if tl == "atscope()" {
            Filter::AtScope
        } else if tl == "atexactscope()" {
            Filter::AtExactScope
        } else if tl == "atscopeandbelow()" {
            Filter::AtScopeAndBelow
        } else if tl == "excludeexpired()" {
            Filter::ExcludeExpired
        } else if let Some(v) = eq_value(t, "policyassignmentid") {
            Filter::PolicyAssignmentId(v)
        } else if let Some(v) = eq_value(t, "policydefinitionid") {
            Filter::PolicyDefinitionId(v)
        } else {
            return Err(invalid_filter(f, valid));
        };
        let kind = match &parsed {
            Filter::AtScope => "atScope",
            Filter::AtExactScope => "atExactScope",
            Filter::AtScopeAndBelow => "atScopeAndBelow",
            Filter::ExcludeExpired => "excludeExpired",
            Filter::PolicyAssignmentId(_) => "policyAssignmentId",
            Filter::PolicyDefinitionId(_) => "policyDefinitionId",
        };
        if !allowed.contains(&kind) {
            return Err(invalid_filter(f, valid));
        }
        out.push(parsed);
        match next {
            Some(n) => {
                rest = &rest[n..];
                rest_lower = &rest_lower[n..];
            }
            None => break,
        }
    }
    Ok(out)
}

/// `name eq 'value'` -> value.
fn eq_value(term: &str, name: &str) -> Option<String> {
    let tl = term.to_ascii_lowercase();
    let after = tl.strip_prefix(name)?.trim_start();
    let after = after.strip_prefix("eq")?.trim_start();
    let start = term.len() - after.len();
    let v = term[start..].trim();
    let v = v.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(v.replace("''", "'"))
}

/// Which items a list at `target` returns for an item at `item_scope`:
/// unfiltered = ancestors, self and descendants; `atScope()` = ancestors and
/// self; `atExactScope()` = self only; `atScopeAndBelow()` = ancestors, self
/// and descendants (stated, where the unfiltered list leaves it implied).
pub fn scope_matches(world: &World, target: &Scope, item_scope: &str, filters: &[Filter]) -> bool {
    crate::index::examine(1);
    let target_id = target.id();
    if filters.contains(&Filter::AtExactScope) {
        return item_scope.trim_end_matches('/').eq_ignore_ascii_case(&target_id);
    }
    let above = contains_id(world, item_scope, &target_id);
    if filters.contains(&Filter::AtScope) {
        return above;
    }
    above || contains_id(world, &target_id, item_scope)
}

/// The assignment as ARM returns it; `expand` may ask for
/// `LatestDefinitionVersion` / `EffectiveDefinitionVersion`.
pub fn assignment_json_expanded(a: &PolicyAssignment, expand: &str) -> Value {
    let mut v = assignment_json(a);
    let version = a.definition_version.as_deref().map(|d| d.replace('*', "0"));
    for e in expand.split(',').map(str::trim) {
        if let Some(ver) = &version {
            if e.eq_ignore_ascii_case("LatestDefinitionVersion") {
                v["properties"]["latestDefinitionVersion"] = json!(ver);
            } else if e.eq_ignore_ascii_case("EffectiveDefinitionVersion") {
                v["properties"]["effectiveDefinitionVersion"] = json!(ver);
            }
        }
    }
    v
}

pub fn assignment_json(a: &PolicyAssignment) -> Value {
    let mut props = json!({
        "displayName": a.display_name,
        "policyDefinitionId": a.policy_definition_id,
        "scope": a.scope,
        "notScopes": [],
        "parameters": a.parameters,
        "metadata": a.metadata,
        "enforcementMode": a.enforcement_mode,
        "instanceId": a.instance_id,
    });
    if let Some(d) = &a.description {
        props["description"] = json!(d);
    }
    if let Some(v) = &a.definition_version {
        props["definitionVersion"] = json!(v);
    }
    json!({
        "id": a.id,
        "type": "Microsoft.Authorization/policyAssignments",
        "name": a.name,
        "properties": props,
    })
}

/// `{scope}/providers/Microsoft.Authorization/policyAssignments[/{name}]`
pub fn assignments(ctx: &mut Ctx, scope: &Scope, name: Option<&str>) -> ArmResult {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_POLICY)?;
    if *scope == Scope::Tenant {
        return Err(HttpError::bad_request("InvalidScope", "Policy assignments are not supported at the tenant scope."));
    }
    scope.check_exists(ctx.world)?;
    require(ctx.world, ctx.caller, scope, "Microsoft.Authorization/policyAssignments/read")?;
    if let Some(name) = name {
        let id = format!("{}/providers/Microsoft.Authorization/policyAssignments/{name}", scope.id().trim_end_matches('/'));
        return match ctx.world.policy_assignment(&id) {
            Some(a) => Ok((StatusCode::OK, Some(assignment_json(a)))),
            None => Err(HttpError::not_found("PolicyAssignmentNotFound", format!("The policy assignment '{name}' is not found."))),
        };
    }
    let filters = match ctx.q("$filter") {
        Some(f) if !f.trim().is_empty() => parse_filter(
            f,
            &["atScope", "atExactScope", "atScopeAndBelow", "policyDefinitionId"],
            "'atScope()', 'atExactScope()', 'atScopeAndBelow()' or 'policyDefinitionId eq '{value}''",
        )?,
        _ => Vec::new(),
    };
    // Only assignments at the scope's chain or below it are candidates; the
    // exact rules (`scope_matches`) then decide, as before.
    let with_below = !filters.iter().any(|f| matches!(f, Filter::AtScope | Filter::AtExactScope));
    let (above, below) = ctx.world.related_keys(scope, with_below);
    let t = ctx.world.tables();
    let mut candidates: Vec<usize> = above.iter().filter_map(|k| t.assignments_by_scope.get(k)).flatten().copied().collect();
    for p in &below {
        candidates.extend(under(&t.assignments_by_scope, p).flat_map(|(_, v)| v.iter().copied()));
    }
    candidates.sort_unstable();
    candidates.dedup();
    let w = &*ctx.world;
    let selected: Vec<&PolicyAssignment> = candidates
        .iter()
        .filter_map(|&i| w.policy_assignments.get(i))
        .filter(|a| scope_matches(w, scope, &a.scope, &filters))
        .filter(|a| {
            filters.iter().all(|f| match f {
                Filter::PolicyDefinitionId(d) => a.policy_definition_id.eq_ignore_ascii_case(d),
                _ => true,
            })
        })
        .collect();
    // Paging slices the filtered list only; only the page is rendered.
    let page = ctx.list_page(super::DEFAULT_ASSIGNMENT_PAGE);
    let (range, next) = ctx.page_range(selected.len(), page)?;
    let expand = ctx.q("$expand").unwrap_or("");
    let items: Vec<Value> = selected[range].iter().map(|a| assignment_json_expanded(a, expand)).collect();
    Ok((StatusCode::OK, Some(super::page_body(items, next))))
}

/// `{scope}/providers/Microsoft.Authorization/policySetDefinitions[/{name}]`
/// (built-in definitions, readable at any scope).
pub fn set_definitions(ctx: &mut Ctx, scope: &Scope, name: Option<&str>) -> ArmResult {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_POLICY)?;
    if matches!(scope, Scope::ResourceGroup { .. } | Scope::Resource { .. }) {
        return Err(HttpError::bad_request(
            "InvalidScope",
            "Policy set definitions can only be read at the tenant, management group or subscription scope.",
        ));
    }
    scope.check_exists(ctx.world)?;
    match name {
        Some(name) => match ctx.world.policy_set_definitions.get(&name.to_ascii_lowercase()) {
            Some(d) => Ok((StatusCode::OK, Some(d.clone()))),
            None => {
                Err(HttpError::not_found("PolicySetDefinitionNotFound", format!("The policy set definition '{name}' could not be found.")))
            }
        },
        None => {
            let items: Vec<Value> = ctx.world.policy_set_definitions.values().cloned().collect();
            Ok((StatusCode::OK, Some(ctx.paged(items, 100)?)))
        }
    }
}

/// `(policyDefinitionReferenceId, policyDefinitionId)` pairs of a set definition
/// (it lives with the lookup tables, which precompute it per set).
pub use crate::index::set_members;

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[&str] = &["atScope", "atExactScope", "excludeExpired", "policyAssignmentId", "policyDefinitionId"];

    #[test]
    fn filters() {
        assert_eq!(parse_filter("atScope()", ALL, "").ok(), Some(vec![Filter::AtScope]));
        assert_eq!(
            parse_filter("excludeExpired() and policyAssignmentId eq '/a/b'", ALL, "").ok(),
            Some(vec![Filter::ExcludeExpired, Filter::PolicyAssignmentId("/a/b".into())])
        );
        assert_eq!(parse_filter("PolicyAssignmentId eq 'x'", ALL, "").ok(), Some(vec![Filter::PolicyAssignmentId("x".into())]));
        assert!(parse_filter("foo()", ALL, "").is_err());
        assert_eq!(parse_filter("atScopeAndBelow()", &["atScopeAndBelow"], "").ok(), Some(vec![Filter::AtScopeAndBelow]));
        assert!(parse_filter("atScopeAndBelow()", ALL, "").is_err(), "exemptions do not take it");
        assert!(parse_filter("excludeExpired()", &["atScope"], "").is_err());
        assert!(parse_filter("policyAssignmentId eq x", ALL, "").is_err());
    }
}
