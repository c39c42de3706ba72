//! Bearer-token authentication and role-based access checks for ARM calls.

use axum::http::HeaderMap;
#[allow(unused_imports)]
use chrono::DateTime;
use chrono::{TimeZone, Utc};
use serde_json::Value;

use super::scope::{chain, Scope};
use crate::errors::HttpError;
use crate::jwt::{self, TokenProblem};
use crate::model::roles::{action_matches, role, role_by_definition_id, Role};
use crate::state::{is_arm_audience, App, World};

/// Who is calling.
#[derive(Debug, Clone)]
pub struct Caller {
    pub object_id: String,
    /// UPN for users, app (client) id for service principals.
    pub name: String,
    /// `User` or `Application` (as in `systemData.createdByType`).
    pub kind: &'static str,
}

/// Authenticate the `Authorization: Bearer` header as ARM does.
pub fn authenticate(app: &App, headers: &HeaderMap) -> Result<Caller, HttpError> {
    let authority = format!("{}/", app.base_url);
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Err(HttpError::unauthorized(
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
            &authority,
            "The authentication failed because of missing 'Authorization' header.",
        ));
    };
    let value = value.to_str().unwrap_or("");
    let token = match value.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("Bearer") && !t.trim().is_empty() => t.trim(),
        _ => {
            return Err(HttpError::unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                &authority,
                "The authentication failed because of invalid 'Authorization' header format.",
            ))
        }
    };
    let now = app.now();
    let claims = match jwt::verify(&app.jwt_secret, token, now.timestamp()) {
        Ok(c) => c,
        Err(TokenProblem::Expired { exp }) => {
            let exp_s = Utc.timestamp_opt(exp, 0).single().map(|t| t.format("%m/%d/%Y %H:%M:%S").to_string()).unwrap_or_default();
            return Err(HttpError::unauthorized(
                "ExpiredAuthenticationToken",
                format!(
                    "The access token expiry UTC time '{exp_s}' is earlier than current UTC time '{}'.",
                    now.format("%m/%d/%Y %H:%M:%S")
                ),
                &authority,
                "The access token has expired.",
            ));
        }
        Err(_) => {
            return Err(HttpError::unauthorized(
                "InvalidAuthenticationToken",
                "The access token is invalid.",
                &authority,
                "The access token is invalid.",
            ))
        }
    };
    let aud = claims.get("aud").and_then(Value::as_str).unwrap_or("");
    if !is_arm_audience(aud) {
        return Err(HttpError::unauthorized(
            "InvalidAuthenticationTokenAudience",
            format!("The access token has been obtained for wrong audience or resource '{aud}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'."),
            &authority,
            "The access token has been obtained for wrong audience or resource.",
        ));
    }
    let oid = claims.get("oid").and_then(Value::as_str).unwrap_or("").to_string();
    let (name, kind) = match claims.get("upn").and_then(Value::as_str) {
        Some(upn) => (upn.to_string(), "User"),
        None => (claims.get("appid").and_then(Value::as_str).unwrap_or("").to_string(), "Application"),
    };
    Ok(Caller { object_id: oid, name, kind })
}

/// A built-in role or one of the world's custom roles, by name.
pub fn role_in(world: &World, name: &str) -> Option<&'static Role> {
    role(name).or_else(|| world.custom_roles.iter().copied().find(|r| r.name.eq_ignore_ascii_case(name)))
}

/// A built-in or custom role by role definition id (or bare GUID).
pub fn role_by_definition_id_in(world: &World, id: &str) -> Option<&'static Role> {
    let guid = id.rsplit('/').next().unwrap_or(id);
    role_by_definition_id(id).or_else(|| world.custom_roles.iter().copied().find(|r| r.id.eq_ignore_ascii_case(guid)))
}

/// Does any of the principal's role assignments at or above `scope` grant `action`?
pub fn allowed(world: &World, principal_oid: &str, scope: &Scope, action: &str) -> bool {
    let ancestors = chain(world, scope);
    world
        .role_assignments
        .iter()
        .filter(|ra| ra.principal_id.eq_ignore_ascii_case(principal_oid))
        .filter(|ra| ancestors.contains(&ra.scope.trim_end_matches('/').to_ascii_lowercase()) || ra.scope == "/")
        .filter_map(|ra| role_in(world, &ra.role))
        .any(|r| r.actions.iter().any(|p| action_matches(p, action)) && !r.not_actions.iter().any(|p| action_matches(p, action)))
}

/// Does the principal hold any role at, above or below `scope`? (What makes a
/// subscription or management group visible in lists.)
pub fn has_any_access(world: &World, principal_oid: &str, scope: &Scope) -> bool {
    let id = scope.id().to_ascii_lowercase();
    let ancestors = chain(world, scope);
    world.role_assignments.iter().filter(|ra| ra.principal_id.eq_ignore_ascii_case(principal_oid)).any(|ra| {
        let ra_scope = ra.scope.trim_end_matches('/').to_ascii_lowercase();
        ancestors.contains(&ra_scope) || ra.scope == "/" || Scope::parse_id(&ra.scope).is_some_and(|s| chain(world, &s).contains(&id))
    })
}

/// 403 unless the caller may perform `action` on `scope`.
pub fn require(world: &World, caller: &Caller, scope: &Scope, action: &str) -> Result<(), HttpError> {
    if allowed(world, &caller.object_id, scope, action) {
        return Ok(());
    }
    Err(HttpError::arm(
        axum::http::StatusCode::FORBIDDEN,
        "AuthorizationFailed",
        format!(
            "The client '{}' with object id '{}' does not have authorization to perform action '{}' over scope '{}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
            caller.name,
            caller.object_id,
            action,
            scope.id()
        ),
    ))
}
