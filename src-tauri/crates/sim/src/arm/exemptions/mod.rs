//! Policy exemptions: PUT / PATCH ([`write`]), GET / DELETE (here) at any
//! scope, list with every `$filter` ([`list`]) and request validation
//! ([`validate`]); 2020-07-01-preview .. 2026-07-01.

pub mod list;
pub mod validate;
pub mod write;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::auth::require;
use super::scope::Scope;
use super::{arm_time, method_not_allowed, ArmResult, Ctx, V_EXEMPTIONS};
use crate::errors::HttpError;
use crate::state::Exemption;

pub use validate::{parse_expires_on, validate_name};

pub const MAX_PER_SCOPE: usize = 1000;
pub const MAX_NAME: usize = 64;
pub const MAX_DISPLAY_NAME: usize = 128;
pub const MAX_DESCRIPTION: usize = 512;
const TYPE: &str = "Microsoft.Authorization/policyExemptions";

pub fn handle(ctx: &mut Ctx, scope: &Scope, name: Option<&str>) -> ArmResult {
    ctx.check_version(V_EXEMPTIONS)?;
    if *scope == Scope::Tenant {
        return Err(HttpError::bad_request("InvalidScope", "Policy exemptions are not supported at the tenant scope."));
    }
    scope.check_exists(ctx.world)?;
    let method = ctx.method.clone();
    match (method, name) {
        (Method::GET, None) => list::list(ctx, scope),
        (Method::GET, Some(n)) => get(ctx, scope, n),
        (Method::PUT, Some(n)) => write::put(ctx, scope, n),
        (Method::PATCH, Some(n)) => write::patch(ctx, scope, n),
        (Method::DELETE, Some(n)) => delete(ctx, scope, n),
        _ => Err(method_not_allowed(ctx)),
    }
}

pub(super) fn exemption_id(scope: &Scope, name: &str) -> String {
    format!("{}/providers/{TYPE}/{name}", scope.id().trim_end_matches('/'))
}

/// The exemption as ARM returns it for this api-version.
pub fn exemption_json(e: &Exemption, api_version: &str) -> Value {
    let mut props = e.properties.clone();
    if api_version.eq_ignore_ascii_case("2020-07-01-preview") {
        props.remove("resourceSelectors");
        props.remove("assignmentScopeValidation");
    }
    if !has_management_mode(api_version) {
        props.remove("exemptionManagementMode");
    }
    json!({
        "properties": props,
        "systemData": {
            "createdBy": e.created_by,
            "createdByType": e.created_by_type,
            "createdAt": arm_time(&e.created_at),
            "lastModifiedBy": e.last_modified_by,
            "lastModifiedByType": e.last_modified_by_type,
            "lastModifiedAt": arm_time(&e.last_modified_at),
        },
        "id": e.id,
        "type": TYPE,
        "name": e.name,
    })
}

/// `exemptionManagementMode` exists from 2025-12-01-preview on.
pub(super) fn has_management_mode(api_version: &str) -> bool {
    let v = api_version.to_ascii_lowercase();
    v.as_str() >= "2025-12-01-preview" && v != "2020-07-01-preview"
}

pub(super) fn not_found(name: &str) -> HttpError {
    HttpError::not_found("PolicyExemptionNotFound", format!("The policy exemption '{name}' is not found."))
}

fn get(ctx: &mut Ctx, scope: &Scope, name: &str) -> ArmResult {
    require(ctx.world, ctx.caller, scope, "Microsoft.Authorization/policyExemptions/read")?;
    let key = exemption_id(scope, name).to_ascii_lowercase();
    match ctx.world.exemptions.get(&key) {
        Some(e) => Ok((StatusCode::OK, Some(exemption_json(e, &ctx.api_version)))),
        None => Err(not_found(name)),
    }
}

fn delete(ctx: &mut Ctx, scope: &Scope, name: &str) -> ArmResult {
    require(ctx.world, ctx.caller, scope, "Microsoft.Authorization/policyExemptions/delete")?;
    let key = exemption_id(scope, name).to_ascii_lowercase();
    match ctx.world.remove_exemption(&key) {
        Some(_) => Ok((StatusCode::OK, None)),
        None => Ok((StatusCode::NO_CONTENT, None)),
    }
}
