//! Policy exemptions: PUT / PATCH / GET / DELETE at any scope, and list with
//! every `$filter` (2020-07-01-preview .. 2026-01-01-preview).

use axum::http::{Method, StatusCode};
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::auth::require;
use super::policy::{parse_filter, scope_matches, set_members, Filter};
use super::scope::{contains_id, Scope};
use super::{arm_time, method_not_allowed, ArmResult, Ctx, V_EXEMPTIONS};
use crate::errors::HttpError;
use crate::state::Exemption;

pub const MAX_PER_SCOPE: usize = 1000;
pub const MAX_NAME: usize = 64;
pub const MAX_DISPLAY_NAME: usize = 128;
pub const MAX_DESCRIPTION: usize = 512;
const FORBIDDEN: &[char] = &['<', '>', '*', '%', '&', ':', '\\', '?', '.', '+', '/'];
const TYPE: &str = "Microsoft.Authorization/policyExemptions";

pub fn handle(ctx: &mut Ctx, scope: &Scope, name: Option<&str>) -> ArmResult {
    ctx.check_version(V_EXEMPTIONS)?;
    if *scope == Scope::Tenant {
        return Err(HttpError::bad_request("InvalidScope", "Policy exemptions are not supported at the tenant scope."));
    }
    scope.check_exists(ctx.world)?;
    let method = ctx.method.clone();
    match (method, name) {
        (Method::GET, None) => list(ctx, scope),
        (Method::GET, Some(n)) => get(ctx, scope, n),
        (Method::PUT, Some(n)) => put(ctx, scope, n),
        (Method::PATCH, Some(n)) => patch(ctx, scope, n),
        (Method::DELETE, Some(n)) => delete(ctx, scope, n),
        _ => Err(method_not_allowed(ctx)),
    }
}

fn exemption_id(scope: &Scope, name: &str) -> String {
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
fn has_management_mode(api_version: &str) -> bool {
    let v = api_version.to_ascii_lowercase();
    v.as_str() >= "2025-12-01-preview" && v != "2020-07-01-preview"
}

fn not_found(name: &str) -> HttpError {
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
    match ctx.world.exemptions.remove(&key) {
        Some(_) => Ok((StatusCode::OK, None)),
        None => Ok((StatusCode::NO_CONTENT, None)),
    }
}

fn list(ctx: &mut Ctx, scope: &Scope) -> ArmResult {
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

fn content_error(detail: impl std::fmt::Display) -> HttpError {
    HttpError::bad_request(
        "InvalidRequestContent",
        format!("The request content was invalid and could not be deserialized: '{detail}'."),
    )
}

/// 1-64 characters, none of `<>*%&:\?.+/` or control characters, not ending
/// in a period or a space.
pub fn validate_name(name: &str) -> Result<(), HttpError> {
    let len = name.chars().count();
    let bad = len == 0
        || len > MAX_NAME
        || name.chars().any(|c| c.is_control() || FORBIDDEN.contains(&c))
        || name.ends_with('.')
        || name.ends_with(' ');
    if bad {
        return Err(HttpError::bad_request(
            "InvalidPolicyExemptionName",
            format!(
                "The policy exemption name '{name}' is invalid. The name must be 1 to {MAX_NAME} characters long, must not contain control characters or any of '<', '>', '*', '%', '&', ':', '\\', '?', '.', '+', '/', and must not end with a period or a space."
            ),
        ));
    }
    Ok(())
}

/// Parse `expiresOn` as .NET's DateTime would: ISO 8601 with or without an
/// offset (no offset = UTC), or a bare date.
pub fn parse_expires_on(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
}

fn opt_string(props: &Map<String, Value>, key: &str) -> Result<Option<String>, HttpError> {
    match props.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(content_error(format!(
            "Unexpected value {other} for property '{key}', a string was expected. Path 'properties.{key}'."
        ))),
    }
}

fn enum_value(props: &Map<String, Value>, key: &str, type_name: &str, values: &[&str]) -> Result<Option<String>, HttpError> {
    match opt_string(props, key)? {
        None => Ok(None),
        Some(v) => values
            .iter()
            .find(|x| x.eq_ignore_ascii_case(&v))
            .map(|x| Some(x.to_string()))
            .ok_or_else(|| content_error(format!("Error converting value \"{v}\" to type '{type_name}'. Path 'properties.{key}'."))),
    }
}

/// Validate the body against the OpenAPI schema of this api-version (when the
/// simulator ships it); violations are recorded for `/_sim/requests` and the
/// first one is answered with ARM's 400 `InvalidRequestContent`.
fn check_schema(ctx: &mut Ctx, body: &Value) -> Result<(), HttpError> {
    let Some(doc) = crate::schema::exemptions_doc(&ctx.api_version) else {
        return Ok(());
    };
    let Some(schema) = crate::schema::body_schema(doc, "policyExemptions/{policyExemptionName}", ctx.method.as_str()) else {
        return Ok(());
    };
    let errors = crate::schema::validate(doc, schema, body);
    match errors.first() {
        None => Ok(()),
        Some(first) => {
            let e = content_error(first);
            ctx.schema_errors = errors;
            Err(e)
        }
    }
}

fn required(key: &str) -> HttpError {
    content_error(format!("Required property '{key}' not found in JSON. Path 'properties'."))
}

fn put(ctx: &mut Ctx, scope: &Scope, name: &str) -> ArmResult {
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
        Some(other) => return Err(content_error(format!("Unexpected value {other} for property 'metadata', an object was expected. Path 'properties.metadata'."))),
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
        Some(s) => Some(parse_expires_on(&s).ok_or_else(|| {
            content_error(format!("Could not convert string to DateTime: {s}. Path 'properties.expiresOn'."))
        })?),
    };
    let validation = enum_value(props, "assignmentScopeValidation", "AssignmentScopeValidation", &["Default", "DoNotValidate"])?;
    let selectors = match props.get("resourceSelectors") {
        None | Some(Value::Null) => None,
        Some(a @ Value::Array(_)) => Some(a.clone()),
        Some(_) => return Err(content_error("Unexpected value for 'resourceSelectors', an array was expected. Path 'properties.resourceSelectors'.")),
    };

    // The assignment must exist, and the caller may exempt from it.
    let Some(assignment) = ctx.world.policy_assignment(&assignment_id).cloned() else {
        return Err(HttpError::not_found(
            "PolicyAssignmentNotFound",
            format!("The policy assignment '{assignment_id}' is not found."),
        ));
    };
    if let Some(ascope) = Scope::parse_id(&assignment.scope) {
        require(ctx.world, ctx.caller, &ascope, "Microsoft.Authorization/policyAssignments/exempt/action")?;
    }
    let scope_id = scope.id();
    if validation.as_deref() != Some("DoNotValidate") && !contains_id(ctx.world, &assignment.scope, &scope_id) {
        return Err(HttpError::bad_request(
            "InvalidCreatePolicyExemptionRequest",
            format!(
                "The policy exemption '{name}' create request is invalid. The exemption scope '{scope_id}' must be at or under the policy assignment scope '{}'.",
                assignment.scope
            ),
        ));
    }
    if let Some(refs) = refs.as_ref().filter(|r| !r.is_empty()) {
        match ctx.world.policy_set_by_id(&assignment.policy_definition_id) {
            None => {
                return Err(HttpError::bad_request(
                    "InvalidPolicyDefinitionReference",
                    format!("The policy exemption '{name}' create request is invalid. The associated policy assignment is an assignment of a policy definition. The policy definition reference is only valid for policy assignments of policy set definitions."),
                ))
            }
            Some(set) => {
                let members = set_members(set);
                let missing: Vec<&String> = refs.iter().filter(|r| !members.iter().any(|(m, _)| m.eq_ignore_ascii_case(r))).collect();
                if !missing.is_empty() {
                    let list = missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("', '");
                    return Err(HttpError::bad_request(
                        "InvalidPolicyDefinitionReference",
                        format!(
                            "The policy exemption '{name}' create request is invalid. The policy definition reference ids '{list}' do not exist in the policy set definition '{}'.",
                            assignment.policy_definition_id
                        ),
                    ));
                }
            }
        }
    }

    let id = exemption_id(scope, name);
    let key = id.to_ascii_lowercase();
    let existing = ctx.world.exemptions.get(&key).cloned();
    if existing.is_none() {
        let at_scope = ctx.world.exemptions.values().filter(|e| e.scope.eq_ignore_ascii_case(&scope_id)).count();
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
    ctx.world.exemptions.insert(key, e);
    let status = if existing.is_some() { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Some(body)))
}

/// PATCH updates `resourceSelectors` and `assignmentScopeValidation` only.
fn patch(ctx: &mut Ctx, scope: &Scope, name: &str) -> ArmResult {
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
        Some(_) => return Err(content_error("Unexpected value for 'resourceSelectors', an array was expected. Path 'properties.resourceSelectors'.")),
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
    let body = exemption_json(e, &ctx.api_version);
    Ok((StatusCode::OK, Some(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(validate_name("DemoExpensiveVM").is_ok());
        assert!(validate_name("a-b_c (1)").is_ok());
        assert!(validate_name(&"x".repeat(64)).is_ok());
        for bad in ["", "a.b", "a/b", "a?b", "a%b", "a+b", "a:b", "a\\b", "a<b", "a>b", "a*b", "a&b", "ends ", "ctl\u{1}"] {
            assert!(validate_name(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(validate_name(&"x".repeat(65)).is_err());
    }

    #[test]
    fn expiry_formats() {
        assert!(parse_expires_on("2025-12-31T23:59:59Z").is_some());
        assert!(parse_expires_on("2025-12-31T23:59:59.1234567Z").is_some());
        assert!(parse_expires_on("2025-12-31T23:59:59+02:00").is_some());
        assert!(parse_expires_on("2025-12-31T23:59:59").is_some());
        assert!(parse_expires_on("2025-12-31").is_some());
        assert!(parse_expires_on("next tuesday").is_none());
        assert!(parse_expires_on("2025-13-01").is_none());
    }
}
