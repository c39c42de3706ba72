//! Azure Storage's OAuth: a bearer token from this tenant's Entra for
//! `https://storage.azure.com` (401 with a `WWW-Authenticate` challenge
//! otherwise), then Azure RBAC: the operation's action must be granted by a
//! role assigned at the storage account or above (403
//! `AuthorizationPermissionMismatch` otherwise). Entity operations need data
//! actions, which management roles such as Owner do not carry.

use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use super::TableError;
use crate::arm::auth::role_in;
use crate::arm::scope::{chain, Scope};
use crate::jwt::{self, TokenProblem};
use crate::model::roles::action_matches;
use crate::state::{is_storage_audience, App, World};

/// Who called, from the token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub object_id: String,
    /// UPN for users, app id for service principals.
    pub name: String,
}

/// The oldest `x-ms-version` that accepts bearer tokens.
pub const MIN_OAUTH_VERSION: &str = "2017-11-09";

fn challenge(app: &App, world: &World, code: &str, detail: &str) -> TableError {
    let message = format!("Server failed to authenticate the request. Please refer to the information in the www-authenticate header.\nAuthenticationErrorDetail: {detail}");
    let www = format!("Bearer authorization_uri={}/{}/oauth2/authorize resource_id=https://storage.azure.com", app.base_url, world.tenant_id);
    TableError::new(StatusCode::UNAUTHORIZED, code, message).with_header("www-authenticate", www)
}

/// Check the `Authorization` header: `Bearer <token>` signed by this
/// simulator, unexpired, issued by `https://sts.windows.net/<tenant>/` for
/// Azure Storage (or this account's table endpoint).
pub fn authenticate(app: &App, world: &World, headers: &HeaderMap, account: &str) -> Result<Caller, TableError> {
    let version = headers.get("x-ms-version").and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return Err(challenge(app, world, "NoAuthenticationInformation", "The request has no Authorization header."));
    };
    let token = match value.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("Bearer") && !t.trim().is_empty() => t.trim(),
        _ => {
            return Err(challenge(
                app,
                world,
                "InvalidAuthenticationInfo",
                "Only bearer tokens are accepted here (the simulator models no shared keys nor SAS).",
            ))
        }
    };
    if version.is_empty() || version < MIN_OAUTH_VERSION {
        return Err(TableError::bad(
            "InvalidHeaderValue",
            format!("Authentication scheme Bearer is supported only with x-ms-version {MIN_OAUTH_VERSION} or later (got '{version}')."),
        ));
    }
    let claims = match jwt::verify(&app.jwt_secret, token, app.now().timestamp()) {
        Ok(c) => c,
        Err(TokenProblem::Expired { .. }) => {
            return Err(challenge(app, world, "InvalidAuthenticationInfo", "Lifetime validation failed. The token is expired."))
        }
        Err(_) => return Err(challenge(app, world, "InvalidAuthenticationInfo", "Signature validation failed.")),
    };
    let claim = |k: &str| claims.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let expected_issuer = format!("https://sts.windows.net/{}/", world.tenant_id);
    if !claim("iss").eq_ignore_ascii_case(&expected_issuer) {
        return Err(challenge(app, world, "InvalidAuthenticationInfo", "Issuer validation failed. Issuer did not match."));
    }
    let aud = claim("aud");
    let account_aud = format!("https://{account}.table.core.windows.net");
    if !(is_storage_audience(&aud) || aud.trim_end_matches('/').eq_ignore_ascii_case(&account_aud)) {
        return Err(challenge(app, world, "InvalidAuthenticationInfo", "Audience validation failed. Audience did not match."));
    }
    let name = match claims.get("upn").and_then(Value::as_str) {
        Some(upn) => upn.to_string(),
        None => claim("appid"),
    };
    Ok(Caller { object_id: claim("oid"), name })
}

/// What an operation needs: an action (tables) or a data action (entities).
#[derive(Debug, Clone, Copy)]
pub enum Permission {
    Action(&'static str),
    Data(&'static str),
}

pub const TABLES_READ: Permission = Permission::Action("Microsoft.Storage/storageAccounts/tableServices/tables/read");
pub const TABLES_WRITE: Permission = Permission::Action("Microsoft.Storage/storageAccounts/tableServices/tables/write");
pub const TABLES_DELETE: Permission = Permission::Action("Microsoft.Storage/storageAccounts/tableServices/tables/delete");
pub const ENTITIES_READ: Permission = Permission::Data("Microsoft.Storage/storageAccounts/tableServices/tables/entities/read");
pub const ENTITIES_ADD: Permission = Permission::Data("Microsoft.Storage/storageAccounts/tableServices/tables/entities/add/action");
pub const ENTITIES_UPDATE: Permission = Permission::Data("Microsoft.Storage/storageAccounts/tableServices/tables/entities/update/action");
pub const ENTITIES_DELETE: Permission = Permission::Data("Microsoft.Storage/storageAccounts/tableServices/tables/entities/delete");

/// 403 `AuthorizationPermissionMismatch` unless a role assigned to the
/// caller at the account or above grants every permission in `needed`.
pub fn require(world: &World, caller: &Caller, account_id: &str, needed: &[Permission]) -> Result<(), TableError> {
    let ancestors = Scope::parse_id(account_id).map(|s| chain(world, &s)).unwrap_or_default();
    let roles: Vec<_> = world
        .role_assignments
        .iter()
        .filter(|ra| ra.principal_id.eq_ignore_ascii_case(&caller.object_id))
        .filter(|ra| ra.scope == "/" || ancestors.contains(&ra.scope.trim_end_matches('/').to_ascii_lowercase()))
        .filter_map(|ra| role_in(world, &ra.role))
        .collect();
    let granted = |p: &Permission| match p {
        Permission::Action(a) => roles
            .iter()
            .any(|r| r.actions.iter().any(|x| action_matches(x, a)) && !r.not_actions.iter().any(|x| action_matches(x, a))),
        Permission::Data(a) => roles.iter().any(|r| r.data_actions.iter().any(|x| action_matches(x, a))),
    };
    if needed.iter().all(granted) {
        return Ok(());
    }
    Err(TableError::new(
        StatusCode::FORBIDDEN,
        "AuthorizationPermissionMismatch",
        "This request is not authorized to perform this operation using this permission.",
    ))
}
