//! Request validation for exemption writes: names, JSON properties (with
//! Newtonsoft-style messages), the OpenAPI schema of the api-version, and the
//! referenced policy assignment.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use super::MAX_NAME;
use crate::arm::auth::require;
use crate::arm::policy::set_members;
use crate::arm::scope::{contains_id, Scope};
use crate::arm::Ctx;
use crate::errors::HttpError;

const FORBIDDEN: &[char] = &['<', '>', '*', '%', '&', ':', '\\', '?', '.', '+', '/'];

pub(super) fn content_error(detail: impl std::fmt::Display) -> HttpError {
    HttpError::bad_request("InvalidRequestContent", format!("The request content was invalid and could not be deserialized: '{detail}'."))
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

pub(super) fn opt_string(props: &Map<String, Value>, key: &str) -> Result<Option<String>, HttpError> {
    match props.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => {
            Err(content_error(format!("Unexpected value {other} for property '{key}', a string was expected. Path 'properties.{key}'.")))
        }
    }
}

pub(super) fn enum_value(props: &Map<String, Value>, key: &str, type_name: &str, values: &[&str]) -> Result<Option<String>, HttpError> {
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
pub(super) fn check_schema(ctx: &mut Ctx, body: &Value) -> Result<(), HttpError> {
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

pub(super) fn required(key: &str) -> HttpError {
    content_error(format!("Required property '{key}' not found in JSON. Path 'properties'."))
}

/// The referenced assignment must exist, the caller may exempt from it, the
/// exemption scope is at or under it (unless `DoNotValidate`), and reference
/// ids are members of its initiative.
pub(super) fn check_assignment(
    ctx: &Ctx,
    scope: &Scope,
    name: &str,
    assignment_id: &str,
    validation: Option<&str>,
    refs: Option<&Vec<String>>,
) -> Result<(), HttpError> {
    // The assignment must exist, and the caller may exempt from it.
    let Some(assignment) = ctx.world.policy_assignment(assignment_id) else {
        return Err(HttpError::not_found("PolicyAssignmentNotFound", format!("The policy assignment '{assignment_id}' is not found.")));
    };
    if let Some(ascope) = Scope::parse_id(&assignment.scope) {
        require(ctx.world, ctx.caller, &ascope, "Microsoft.Authorization/policyAssignments/exempt/action")?;
    }
    let scope_id = scope.id();
    if validation != Some("DoNotValidate") && !contains_id(ctx.world, &assignment.scope, &scope_id) {
        return Err(HttpError::bad_request(
            "InvalidCreatePolicyExemptionRequest",
            format!(
                "The policy exemption '{name}' create request is invalid. The exemption scope '{scope_id}' must be at or under the policy assignment scope '{}'.",
                assignment.scope
            ),
        ));
    }
    if let Some(refs) = refs.filter(|r| !r.is_empty()) {
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
    Ok(())
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
