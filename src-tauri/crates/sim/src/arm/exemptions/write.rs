//! `PUT` (create or replace) and `PATCH` (resource selectors and scope
//! validation only) of a policy exemption.

use axum::http::StatusCode;
use chrono::SecondsFormat;
use serde_json::{json, Map, Value};

use super::validate::{check_assignment, check_schema, content_error, enum_value, opt_string, parse_expires_on, required, validate_name};
use super::{exemption_id, exemption_json, has_management_mode, not_found, MAX_DESCRIPTION, MAX_DISPLAY_NAME, MAX_PER_SCOPE};
use crate::arm::auth::require;
use crate::arm::scope::Scope;
use crate::arm::{method_not_allowed, ArmResult, Ctx};
use crate::errors::HttpError;
use crate::index::under;
use crate::state::Exemption;

pub(super) fn put(ctx: &mut Ctx, scope: &Scope, name: &str) -> ArmResult {
    require(ctx.world, ctx.caller, scope, "Microsoft.Authorization/policyExemptions/write")?;
    let body = ctx.body_json()?;
    check_schema(ctx, &body)?;
    let Some(props) = body.get("properties").and_then(Value::as_object) else {
        return Err(content_error("Required property 'properties' not found in JSON. Path ''."));
    };
    validate_name(name)?;

    let assignment_id = opt_string(props, "policyAssignmentId")?.filter(|s| !s.is_empty()).ok_or_else(|| required("policyAssignmentId"))?;
    let category = enum_value(props, "exemptionCategory", "ExemptionCategory", &["Waiver", "Mitigated"])?
        .ok_or_else(|| required("exemptionCategory"))?;
    let display_name = opt_string(props, "displayName")?;
    if let Some(d) = &display_name {
        if d.chars().count() > MAX_DISPLAY_NAME {
            return Err(HttpError::bad_request(
                "PolicyExemptionDisplayNameTooLong",
                format!("The policy exemption display name is too long. The maximum length is {MAX_DISPLAY_NAME} characters."),
            ));
        }
    }
    let description = opt_string(props, "description")?;
    if let Some(d) = &description {
        if d.chars().count() > MAX_DESCRIPTION {
            return Err(HttpError::bad_request(
                "PolicyExemptionDescriptionTooLong",
                format!("The policy exemption description is too long. The maximum length is {MAX_DESCRIPTION} characters."),
            ));
        }
    }
    let metadata = match props.get("metadata") {
        None | Some(Value::Null) => None,
        Some(m @ Value::Object(_)) => Some(m.clone()),
        Some(other) => {
            return Err(content_error(format!(
                "Unexpected value {other} for property 'metadata', an object was expected. Path 'properties.metadata'."
            )))
        }
    };
    let refs: Option<Vec<String>> = match props.get("policyDefinitionReferenceIds") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| content_error("Unexpected value in 'policyDefinitionReferenceIds', strings were expected. Path 'properties.policyDefinitionReferenceIds'."))?,
        ),
        Some(_) => return Err(content_error("Unexpected value for 'policyDefinitionReferenceIds', an array was expected. Path 'properties.policyDefinitionReferenceIds'.")),
    };
    let expires_on = match opt_string(props, "expiresOn")? {
        None => None,
        Some(s) => Some(
            parse_expires_on(&s)
                .ok_or_else(|| content_error(format!("Could not convert string to DateTime: {s}. Path 'properties.expiresOn'.")))?,
        ),
    };
    let validation = enum_value(props, "assignmentScopeValidation", "AssignmentScopeValidation", &["Default", "DoNotValidate"])?;
    let selectors = match props.get("resourceSelectors") {
        None | Some(Value::Null) => None,
        Some(a @ Value::Array(_)) => Some(a.clone()),
        Some(_) => {
            return Err(content_error(
                "Unexpected value for 'resourceSelectors', an array was expected. Path 'properties.resourceSelectors'.",
            ))
        }
    };

    check_assignment(ctx, scope, name, &assignment_id, validation.as_deref(), refs.as_ref())?;
    let scope_id = scope.id();

    let id = exemption_id(scope, name);
    let key = id.to_ascii_lowercase();
    let existing = ctx.world.exemptions.get(&key).cloned();
    if existing.is_none() {
        let prefix = format!("{}{}", scope_id.trim_end_matches('/').to_ascii_lowercase(), super::list::AT);
        let at_scope = under(&ctx.world.exemptions, &prefix).filter(|(_, e)| e.scope.eq_ignore_ascii_case(&scope_id)).count();
        if at_scope >= MAX_PER_SCOPE {
            return Err(HttpError::bad_request(
                "PolicyExemptionQuotaExceeded",
                format!("The maximum number of policy exemptions ({MAX_PER_SCOPE}) at scope '{scope_id}' has been reached."),
            ));
        }
    }

    let mut stored = Map::new();
    stored.insert("policyAssignmentId".into(), json!(assignment_id));
    if let Some(r) = refs {
        stored.insert("policyDefinitionReferenceIds".into(), json!(r));
    }
    stored.insert("exemptionCategory".into(), json!(category));
    if let Some(t) = expires_on {
        stored.insert("expiresOn".into(), json!(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)));
    }
    if let Some(d) = display_name {
        stored.insert("displayName".into(), json!(d));
    }
    if let Some(d) = description {
        stored.insert("description".into(), json!(d));
    }
    if let Some(m) = metadata {
        stored.insert("metadata".into(), m);
    }
    if let Some(s) = selectors {
        stored.insert("resourceSelectors".into(), s);
    }
    if let Some(v) = validation {
        stored.insert("assignmentScopeValidation".into(), json!(v));
    }
    if has_management_mode(&ctx.api_version) {
        if let Some(m) = opt_string(props, "exemptionManagementMode")? {
            stored.insert("exemptionManagementMode".into(), json!(m));
        }
    }
    let now = ctx.now;
    let caller = ctx.caller;
    let e = Exemption {
        id: existing.as_ref().map(|e| e.id.clone()).unwrap_or(id),
        name: existing.as_ref().map(|e| e.name.clone()).unwrap_or_else(|| name.to_string()),
        scope: existing.as_ref().map(|e| e.scope.clone()).unwrap_or(scope_id),
        properties: stored,
        expires_on,
        created_by: existing.as_ref().map(|e| e.created_by.clone()).unwrap_or_else(|| caller.name.clone()),
        created_by_type: existing.as_ref().map(|e| e.created_by_type.clone()).unwrap_or_else(|| caller.kind.to_string()),
        created_at: existing.as_ref().map(|e| e.created_at).unwrap_or(now),
        last_modified_by: caller.name.clone(),
        last_modified_by_type: caller.kind.to_string(),
        last_modified_at: now,
    };
    let body = exemption_json(&e, &ctx.api_version);
    ctx.world.put_exemption(key, e);
    let status = if existing.is_some() { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Some(body)))
}

/// PATCH updates `resourceSelectors` and `assignmentScopeValidation` only.
pub(super) fn patch(ctx: &mut Ctx, scope: &Scope, name: &str) -> ArmResult {
    if ctx.api_version.eq_ignore_ascii_case("2020-07-01-preview") {
        return Err(method_not_allowed(ctx));
    }
    require(ctx.world, ctx.caller, scope, "Microsoft.Authorization/policyExemptions/write")?;
    let body = ctx.body_json()?;
    check_schema(ctx, &body)?;
    let props = body.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    let validation = enum_value(&props, "assignmentScopeValidation", "AssignmentScopeValidation", &["Default", "DoNotValidate"])?;
    let selectors = match props.get("resourceSelectors") {
        None | Some(Value::Null) => None,
        Some(a @ Value::Array(_)) => Some(a.clone()),
        Some(_) => {
            return Err(content_error(
                "Unexpected value for 'resourceSelectors', an array was expected. Path 'properties.resourceSelectors'.",
            ))
        }
    };
    let key = exemption_id(scope, name).to_ascii_lowercase();
    let caller_name = ctx.caller.name.clone();
    let caller_kind = ctx.caller.kind.to_string();
    let now = ctx.now;
    let Some(e) = ctx.world.exemptions.get_mut(&key) else {
        return Err(not_found(name));
    };
    if let Some(v) = validation {
        e.properties.insert("assignmentScopeValidation".into(), json!(v));
    }
    if let Some(s) = selectors {
        e.properties.insert("resourceSelectors".into(), s);
    }
    e.last_modified_by = caller_name;
    e.last_modified_by_type = caller_kind;
    e.last_modified_at = now;
    // Only resourceSelectors and assignmentScopeValidation change: neither
    // is in the exemption tables (assignment and scope are), so they stand.
    let body = exemption_json(e, &ctx.api_version);
    Ok((StatusCode::OK, Some(body)))
}
