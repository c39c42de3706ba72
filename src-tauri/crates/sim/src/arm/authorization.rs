//! RBAC: permissions of the caller, role assignments (list/get/create/delete)
//! and built-in role definitions.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::auth::{require, role_by_definition_id_in, role_in};
use super::policy::scope_matches;
use super::scope::{chain, Scope};
use super::{method_not_allowed, ArmResult, Ctx, V_PERMISSIONS, V_ROLE_ASSIGNMENTS, V_ROLE_DEFINITIONS};
use crate::errors::HttpError;
use crate::model::roles::{Role, ROLES};
use crate::state::{RoleAssignment, World};

fn role_definition_id(scope: &str, guid: &str) -> String {
    match Scope::parse_id(scope) {
        Some(Scope::Subscription(s)) | Some(Scope::ResourceGroup { sub: s, .. }) | Some(Scope::Resource { sub: s, .. }) => {
            format!("/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}")
        }
        _ => format!("/providers/Microsoft.Authorization/roleDefinitions/{guid}"),
    }
}

fn assignment_json(world: &World, ra: &RoleAssignment) -> Value {
    let guid = role_in(world, &ra.role).map(|r| r.id).unwrap_or("");
    let scope = ra.scope.trim_end_matches('/');
    json!({
        "properties": {
            "roleDefinitionId": role_definition_id(&ra.scope, guid),
            "principalId": ra.principal_id,
            "principalType": ra.principal_type,
            "scope": if scope.is_empty() { "/" } else { scope },
        },
        "id": format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{}", ra.name),
        "type": "Microsoft.Authorization/roleAssignments",
        "name": ra.name,
    })
}

/// `{scope}/providers/Microsoft.Authorization/permissions`: the caller's
/// effective actions, one entry per applicable role assignment.
pub fn permissions(ctx: &mut Ctx, scope: &Scope) -> ArmResult {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_PERMISSIONS)?;
    if *scope == Scope::Tenant {
        return Err(HttpError::bad_request(
            "InvalidScope",
            "Permissions are available at management group, subscription, resource group or resource scope.",
        ));
    }
    scope.check_exists(ctx.world)?;
    if let Scope::ManagementGroup(mg) = scope {
        // An unknown group answers as every other management-group call does.
        if ctx.world.management_group(mg).is_none() {
            return Err(HttpError::arm(
                StatusCode::FORBIDDEN,
                "AuthorizationFailed",
                format!(
                    "The client '{}' with object id '{}' does not have authorization to perform action 'Microsoft.Authorization/permissions/read' over scope '{}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
                    ctx.caller.name,
                    ctx.caller.object_id,
                    scope.id()
                ),
            ));
        }
    }
    let ancestors = chain(ctx.world, scope);
    let with_data = ctx.api_version != "2015-07-01";
    let items: Vec<Value> = ctx
        .world
        .role_assignments
        .iter()
        .filter(|ra| ra.principal_id.eq_ignore_ascii_case(&ctx.caller.object_id))
        .filter(|ra| ancestors.contains(&ra.scope.to_ascii_lowercase()))
        .filter_map(|ra| role_in(ctx.world, &ra.role))
        .map(|r| {
            let mut v = json!({ "actions": r.actions, "notActions": r.not_actions });
            if with_data {
                v["dataActions"] = json!(r.data_actions);
                v["notDataActions"] = json!([]);
            }
            v
        })
        .collect();
    Ok((StatusCode::OK, Some(ctx.paged(items, 500)?)))
}

fn filter_assignments(world: &World, scope: &Scope, filter: Option<&str>) -> Result<Vec<Value>, HttpError> {
    let f = filter.unwrap_or("").trim();
    let fl = f.to_ascii_lowercase();
    let quoted = |s: &str| s.split('\'').nth(1).map(str::to_string);
    let at_scope = fl.contains("atscope()");
    let principal = if fl.starts_with("principalid eq") || fl.starts_with("assignedto(") {
        Some(quoted(f).ok_or_else(|| HttpError::bad_request("InvalidFilterInQueryString", format!("The filter '{f}' is invalid.")))?)
    } else if f.is_empty() || fl == "atscope()" {
        None
    } else {
        return Err(HttpError::bad_request("InvalidFilterInQueryString", format!("The filter '{f}' is invalid.")));
    };
    let filters = if at_scope { vec![super::policy::Filter::AtScope] } else { Vec::new() };
    Ok(world
        .role_assignments
        .iter()
        .filter(|ra| scope_matches(world, scope, &ra.scope, &filters) || ra.scope == "/")
        .filter(|ra| principal.as_ref().is_none_or(|p| ra.principal_id.eq_ignore_ascii_case(p)))
        .map(|ra| assignment_json(world, ra))
        .collect())
}

/// `{scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]`
pub fn role_assignments(ctx: &mut Ctx, scope: &Scope, name: Option<&str>) -> ArmResult {
    ctx.check_version(V_ROLE_ASSIGNMENTS)?;
    scope.check_exists(ctx.world)?;
    let method = ctx.method.clone();
    let scope_id = scope.id();
    match (method, name) {
        (Method::GET, None) => {
            require(ctx.world, ctx.caller, scope, "Microsoft.Authorization/roleAssignments/read")?;
            let filter = ctx.q("$filter").map(str::to_string);
            let items = filter_assignments(ctx.world, scope, filter.as_deref())?;
            Ok((StatusCode::OK, Some(ctx.paged(items, 500)?)))
        }
        (Method::GET, Some(n)) => {
            require(ctx.world, ctx.caller, scope, "Microsoft.Authorization/roleAssignments/read")?;
            ctx.world
                .role_assignments
                .iter()
                .find(|ra| ra.name.eq_ignore_ascii_case(n) && ra.scope.eq_ignore_ascii_case(&scope_id))
                .map(|ra| (StatusCode::OK, Some(assignment_json(ctx.world, ra))))
                .ok_or_else(|| HttpError::not_found("RoleAssignmentNotFound", format!("The role assignment '{n}' is not found.")))
        }
        (Method::PUT, Some(n)) => {
            require(ctx.world, ctx.caller, scope, "Microsoft.Authorization/roleAssignments/write")?;
            let body = ctx.body_json()?;
            let props = body.get("properties").cloned().unwrap_or(Value::Null);
            let def = props.get("roleDefinitionId").and_then(Value::as_str).unwrap_or("");
            let principal = props.get("principalId").and_then(Value::as_str).unwrap_or("").to_string();
            let Some(r) = role_by_definition_id_in(ctx.world, def) else {
                return Err(HttpError::bad_request(
                    "RoleDefinitionDoesNotExist",
                    format!("The specified role definition with ID '{def}' does not exist."),
                ));
            };
            let w = &*ctx.world;
            let principal_type = if w.user_by_oid(&principal).is_some() {
                "User"
            } else if w.service_principals.iter().any(|s| s.object_id.eq_ignore_ascii_case(&principal)) {
                "ServicePrincipal"
            } else {
                return Err(HttpError::bad_request(
                    "PrincipalNotFound",
                    format!("Principal {principal} does not exist in the directory {}.", w.tenant_id),
                ));
            };
            if w.role_assignments
                .iter()
                .any(|ra| ra.principal_id.eq_ignore_ascii_case(&principal) && ra.role == r.name && ra.scope.eq_ignore_ascii_case(&scope_id))
            {
                return Err(HttpError::arm(StatusCode::CONFLICT, "RoleAssignmentExists", "The role assignment already exists."));
            }
            let ra = RoleAssignment {
                name: n.to_string(),
                principal_id: principal,
                principal_type: principal_type.to_string(),
                role: r.name.to_string(),
                scope: scope_id,
            };
            let body = assignment_json(ctx.world, &ra);
            ctx.world.role_assignments.push(ra);
            Ok((StatusCode::CREATED, Some(body)))
        }
        (Method::DELETE, Some(n)) => {
            require(ctx.world, ctx.caller, scope, "Microsoft.Authorization/roleAssignments/delete")?;
            let pos = ctx
                .world
                .role_assignments
                .iter()
                .position(|ra| ra.name.eq_ignore_ascii_case(n) && ra.scope.eq_ignore_ascii_case(&scope_id));
            match pos {
                Some(i) => {
                    let ra = ctx.world.role_assignments.remove(i);
                    Ok((StatusCode::OK, Some(assignment_json(ctx.world, &ra))))
                }
                None => Ok((StatusCode::NO_CONTENT, None)),
            }
        }
        _ => Err(method_not_allowed(ctx)),
    }
}

/// `{scope}/providers/Microsoft.Authorization/roleDefinitions[/{guid}]` (built-in roles).
pub fn role_definitions(ctx: &mut Ctx, scope: &Scope, name: Option<&str>) -> ArmResult {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_ROLE_DEFINITIONS)?;
    scope.check_exists(ctx.world)?;
    let scope_id = scope.id();
    let custom: Vec<&'static Role> = ctx.world.custom_roles.clone();
    let is_custom = |r: &Role| custom.iter().any(|c| c.id == r.id);
    let to_json = |r: &Role| {
        json!({
            "id": role_definition_id(&scope_id, r.id),
            "name": r.id,
            "type": "Microsoft.Authorization/roleDefinitions",
            "properties": {
                "roleName": r.name,
                "type": if is_custom(r) { "CustomRole" } else { "BuiltInRole" },
                "description": if is_custom(r) { format!("Custom role {}", r.name) } else { format!("Built-in role {}", r.name) },
                "assignableScopes": ["/"],
                "permissions": [{ "actions": r.actions, "notActions": r.not_actions, "dataActions": r.data_actions, "notDataActions": [] }],
            },
        })
    };
    match name {
        Some(n) => ROLES
            .iter()
            .chain(custom.iter().copied())
            .find(|r| r.id.eq_ignore_ascii_case(n))
            .map(|r| (StatusCode::OK, Some(to_json(r))))
            .ok_or_else(|| HttpError::not_found("RoleDefinitionDoesNotExist", format!("The role definition '{n}' could not be found."))),
        None => {
            let f = ctx.q("$filter").unwrap_or("").to_string();
            let wanted = f.split('\'').nth(1).map(str::to_string);
            let items: Vec<Value> = ROLES
                .iter()
                .chain(custom.iter().copied())
                .filter(|r| wanted.as_ref().is_none_or(|w| r.name.eq_ignore_ascii_case(w)))
                .map(to_json)
                .collect();
            Ok((StatusCode::OK, Some(json!({ "value": items }))))
        }
    }
}
