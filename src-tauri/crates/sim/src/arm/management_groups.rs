//! Management groups: list, get (`$expand=children`, `$recurse=true`), descendants.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::auth::{has_any_access, require};
use super::scope::Scope;
use super::{arm_time, method_not_allowed, ArmResult, Ctx, V_MANAGEMENT_GROUPS};
use crate::state::World;

const TYPE: &str = "Microsoft.Management/managementGroups";

fn mg_id(name: &str) -> String {
    format!("/providers/Microsoft.Management/managementGroups/{name}")
}

fn prelude(ctx: &Ctx) -> Result<(), crate::errors::HttpError> {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_MANAGEMENT_GROUPS)
}

/// `GET /providers/Microsoft.Management/managementGroups`
pub fn list(ctx: &mut Ctx) -> ArmResult {
    prelude(ctx)?;
    let w = &ctx.world;
    let items: Vec<Value> = w
        .management_groups
        .iter()
        .filter(|m| has_any_access(w, &ctx.caller.object_id, &Scope::ManagementGroup(m.name.clone())))
        .map(|m| {
            json!({
                "id": mg_id(&m.name),
                "type": TYPE,
                "name": m.name,
                "properties": { "tenantId": w.tenant_id, "displayName": m.display_name },
            })
        })
        .collect();
    // `ManagementGroupListResult` names its link `@nextLink` (2023-04-01 OpenAPI).
    let page = ctx.list_page(super::DEFAULT_MANAGEMENT_GROUP_PAGE);
    Ok((StatusCode::OK, Some(ctx.paged_as(items, page, "@nextLink", true)?)))
}

/// Children of a group: groups first, then subscriptions; recursing when asked.
fn children(w: &World, name: &str, recurse: bool, depth: usize) -> Vec<Value> {
    let mut out = Vec::new();
    for m in w.management_groups.iter().filter(|m| m.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(name))) {
        let mut c = json!({ "id": mg_id(&m.name), "type": TYPE, "name": m.name, "displayName": m.display_name });
        if recurse && depth < 16 {
            let grand = children(w, &m.name, true, depth + 1);
            if !grand.is_empty() {
                c["children"] = json!(grand);
            }
        }
        out.push(c);
    }
    for s in w.subscriptions.iter().filter(|s| s.parent_mg.eq_ignore_ascii_case(name)) {
        out.push(json!({
            "id": format!("/subscriptions/{}", s.id),
            "type": "/subscriptions",
            "name": s.id,
            "displayName": s.display_name,
        }));
    }
    out
}

/// `GET /providers/Microsoft.Management/managementGroups/{mg}`
pub fn get(ctx: &mut Ctx, name: &str) -> ArmResult {
    prelude(ctx)?;
    let scope = Scope::ManagementGroup(name.to_string());
    require(ctx.world, ctx.caller, &scope, "Microsoft.Management/managementGroups/read")?;
    let w = &ctx.world;
    let Some(m) = w.management_group(name) else {
        return Err(crate::errors::HttpError::not_found("NotFound", format!("Management group '{name}' was not found.")));
    };
    let parent = m
        .parent
        .as_ref()
        .and_then(|p| w.management_group(p))
        .map(|p| json!({ "id": mg_id(&p.name), "name": p.name, "displayName": p.display_name }));
    let seeded = chrono::DateTime::parse_from_rfc3339("2024-01-15T09:30:00Z").map(|t| t.with_timezone(&chrono::Utc)).unwrap_or_default();
    let mut body = json!({
        "id": mg_id(&m.name),
        "type": TYPE,
        "name": m.name,
        "properties": {
            "tenantId": w.tenant_id,
            "displayName": m.display_name,
            "details": {
                "version": 1,
                "updatedTime": arm_time(&seeded),
                "updatedBy": w.users.first().map(|u| u.object_id.clone()).unwrap_or_default(),
                "parent": parent,
            },
        },
    });
    let expand = ctx.q("$expand").unwrap_or("");
    if expand.split(',').any(|e| e.trim().eq_ignore_ascii_case("children")) {
        let recurse = ctx.q("$recurse").is_some_and(|r| r.eq_ignore_ascii_case("true"));
        body["properties"]["children"] = json!(children(w, &m.name, recurse, 0));
    }
    Ok((StatusCode::OK, Some(body)))
}

/// `GET /providers/Microsoft.Management/managementGroups/{mg}/descendants`
pub fn descendants(ctx: &mut Ctx, name: &str) -> ArmResult {
    prelude(ctx)?;
    let scope = Scope::ManagementGroup(name.to_string());
    require(ctx.world, ctx.caller, &scope, "Microsoft.Management/managementGroups/descendants/read")
        .or_else(|_| require(ctx.world, ctx.caller, &scope, "Microsoft.Management/managementGroups/read"))?;
    let w = &ctx.world;
    let Some(m) = w.management_group(name) else {
        return Err(crate::errors::HttpError::not_found("NotFound", format!("Management group '{name}' was not found.")));
    };
    let mut out = Vec::new();
    let mut stack = vec![(m.name.clone(), 0usize)];
    while let Some((parent, depth)) = stack.pop() {
        if depth > 16 {
            continue;
        }
        for c in w.management_groups.iter().filter(|c| c.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&parent))) {
            out.push(json!({
                "name": c.name, "type": TYPE, "id": mg_id(&c.name),
                "properties": { "displayName": c.display_name, "parent": { "id": mg_id(&parent) } },
            }));
            stack.push((c.name.clone(), depth + 1));
        }
        for s in w.subscriptions.iter().filter(|s| s.parent_mg.eq_ignore_ascii_case(&parent)) {
            out.push(json!({
                "name": s.id, "type": "Microsoft.Management/managementGroups/subscriptions",
                "id": format!("/subscriptions/{}", s.id),
                "properties": { "displayName": s.display_name, "parent": { "id": mg_id(&parent) } },
            }));
        }
    }
    // `DescendantInfoListResult` names its link `nextLink` (2023-04-01 OpenAPI).
    let page = ctx.list_page(super::DEFAULT_MANAGEMENT_GROUP_PAGE);
    Ok((StatusCode::OK, Some(ctx.paged_as(out, page, "nextLink", true)?)))
}
