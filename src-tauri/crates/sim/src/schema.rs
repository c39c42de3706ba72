//! A small Swagger 2.0 schema checker for request bodies: `type`, `required`,
//! `enum` (case-insensitive, as ARM accepts), `maxLength`, `minLength`,
//! `additionalProperties: false`, `allOf` and `$ref` within the same file. An
//! external `$ref` (e.g. `./types.json#/definitions/ResourceSelector`) is
//! treated as "any". `null` values are accepted (ARM's deserializer does).
//!
//! The OpenAPI files live in `data/openapi/{api-version}/` (copies of
//! Azure/azure-rest-api-specs, MIT; see `data/SOURCES.md`).

use std::sync::OnceLock;

use serde_json::Value;

const EXEMPTIONS_2022_07_01_PREVIEW: &str = include_str!("../data/openapi/2022-07-01-preview/policyExemptions.json");
const EXEMPTIONS_2024_12_01_PREVIEW: &str = include_str!("../data/openapi/2024-12-01-preview/policyExemptions.json");

/// The api-version of the shipped OpenAPI file nearest to `api_version`: the
/// newest shipped one not after it, or the oldest one when it predates them
/// all (2020-07-01-preview). `None` for what is not a policy-exemption
/// api-version at all.
pub fn nearest_exemptions_version(api_version: &str) -> Option<&'static str> {
    let v = api_version.to_ascii_lowercase();
    if !crate::arm::V_EXEMPTIONS.iter().any(|x| x.eq_ignore_ascii_case(&v)) {
        return None;
    }
    // ISO dates compare as text; "-preview" only sorts after its own date.
    Some(if v.as_str() >= "2024-12-01-preview" { "2024-12-01-preview" } else { "2022-07-01-preview" })
}

/// The parsed policy-exemption OpenAPI document used for an api-version: the
/// nearest shipped one ([`nearest_exemptions_version`]), since the request
/// body of the versions in between is the same or a superset with optional
/// fields and none of these schemas forbids additional properties.
pub fn exemptions_doc(api_version: &str) -> Option<&'static Value> {
    static D2022: OnceLock<Option<Value>> = OnceLock::new();
    static D2024: OnceLock<Option<Value>> = OnceLock::new();
    let (cell, text) = match nearest_exemptions_version(api_version)? {
        "2024-12-01-preview" => (&D2024, EXEMPTIONS_2024_12_01_PREVIEW),
        _ => (&D2022, EXEMPTIONS_2022_07_01_PREVIEW),
    };
    cell.get_or_init(|| serde_json::from_str(text).ok()).as_ref()
}

/// The body schema of `method` on the first path whose template ends with
/// `path_suffix` (e.g. `policyExemptions/{policyExemptionName}`).
pub fn body_schema<'a>(doc: &'a Value, path_suffix: &str, method: &str) -> Option<&'a Value> {
    let paths = doc.get("paths")?.as_object()?;
    let (_, ops) = paths.iter().find(|(p, _)| p.ends_with(path_suffix))?;
    let op = ops.get(method.to_ascii_lowercase())?;
    op.get("parameters")?.as_array()?.iter().find(|p| p.get("in").and_then(Value::as_str) == Some("body"))?.get("schema")
}

/// Validate `value` against `schema` (from `doc`); violations as
/// `"{message} Path '{path}'."`.
pub fn validate(doc: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(doc, schema, value, "", &mut errors, 0);
    errors
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "Integer",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Array(_) => "Array",
        Value::Object(_) => "Object",
    }
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        _ => true,
    }
}

fn check(doc: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>, depth: u32) {
    if depth > 32 || value.is_null() {
        return;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        // Only references inside this file are followed.
        if let Some(pointer) = r.strip_prefix('#') {
            if let Some(target) = doc.pointer(pointer) {
                check(doc, target, value, path, errors, depth + 1);
            }
        }
        return;
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            check(doc, s, value, path, errors, depth + 1);
        }
    }
    let declared_type = schema.get("type").and_then(Value::as_str);
    if let Some(t) = declared_type {
        if !type_ok(t, value) {
            let expected = match t {
                "object" => "Object",
                "array" => "Array",
                "string" => "String",
                "boolean" => "Boolean",
                "integer" => "Integer",
                _ => "Number",
            };
            errors.push(format!("Invalid type. Expected {expected} but got {}. Path '{path}'.", type_name(value)));
            return;
        }
    }
    if let (Some(allowed), Some(s)) = (schema.get("enum").and_then(Value::as_array), value.as_str()) {
        if !allowed.iter().filter_map(Value::as_str).any(|a| a.eq_ignore_ascii_case(s)) {
            let name = schema.pointer("/x-ms-enum/name").and_then(Value::as_str).unwrap_or("enum");
            errors.push(format!("Error converting value \"{s}\" to type '{name}'. Path '{path}'."));
        }
    }
    if let Some(s) = value.as_str() {
        let len = s.chars().count() as u64;
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
            if len > max {
                errors.push(format!("String exceeds maximum length of {max}. Path '{path}'."));
            }
        }
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
            if len < min {
                errors.push(format!("String is shorter than the minimum length of {min}. Path '{path}'."));
            }
        }
    }
    if let Some(obj) = value.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for r in required.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    errors.push(format!("Required property '{r}' not found in JSON. Path '{path}'."));
                }
            }
        }
        for (k, v) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => check(doc, s, v, &join(path, k), errors, depth + 1),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!(
                        "Property '{k}' has not been defined and the schema does not allow additional properties. Path '{}'.",
                        join(path, k)
                    )),
                    Some(s @ Value::Object(_)) => check(doc, s, v, &join(path, k), errors, depth + 1),
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            check(doc, items, v, &format!("{path}[{i}]"), errors, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn checks_exemption_bodies() {
        let doc = exemptions_doc("2022-07-01-preview").expect("shipped");
        let put = body_schema(doc, "policyExemptions/{policyExemptionName}", "PUT").expect("schema");
        let ok = json!({"properties": {"policyAssignmentId": "/x", "exemptionCategory": "waiver", "metadata": {"a": 1},
            "resourceSelectors": [{"name": "x"}], "policyDefinitionReferenceIds": ["a"]}});
        assert_eq!(validate(doc, put, &ok), Vec::<String>::new());
        let bad = json!({"properties": {"exemptionCategory": "Nope", "policyDefinitionReferenceIds": "a", "displayName": 3}});
        let errors = validate(doc, put, &bad);
        assert!(errors.iter().any(|e| e.contains("'policyAssignmentId'") && e.ends_with("Path 'properties'.")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("\"Nope\"") && e.contains("properties.exemptionCategory")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("Expected Array") && e.contains("properties.policyDefinitionReferenceIds")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("Expected String") && e.contains("properties.displayName")), "{errors:?}");
        assert_eq!(validate(doc, put, &json!({})), vec!["Required property 'properties' not found in JSON. Path ''.".to_string()]);
        assert!(exemptions_doc("1999-01-01").is_none());
    }

    #[test]
    fn later_and_earlier_versions_use_the_nearest_shipped_file() {
        assert_eq!(nearest_exemptions_version("2020-07-01-preview"), Some("2022-07-01-preview"));
        assert_eq!(nearest_exemptions_version("2022-07-01-preview"), Some("2022-07-01-preview"));
        assert_eq!(nearest_exemptions_version("2024-12-01-preview"), Some("2024-12-01-preview"));
        for v in ["2025-12-01-preview", "2026-01-01-preview", "2026-07-01"] {
            assert_eq!(nearest_exemptions_version(v), Some("2024-12-01-preview"), "{v}");
            let doc = exemptions_doc(v).expect("doc");
            let put = body_schema(doc, "policyExemptions/{policyExemptionName}", "PUT").expect("schema");
            let errors = validate(doc, put, &json!({"properties": {"exemptionCategory": "Nope", "exemptionManagementMode": "Standard"}}));
            assert_eq!(errors.len(), 2, "{v}: {errors:?}");
        }
    }

    #[test]
    fn additional_properties_false_and_max_length() {
        let doc = json!({"definitions": {"A": {"type": "object", "additionalProperties": false,
            "properties": {"n": {"type": "string", "maxLength": 3}, "ext": {"$ref": "./types.json#/definitions/X"}}}}});
        let s = json!({"$ref": "#/definitions/A"});
        assert!(validate(&doc, &s, &json!({"n": "abc", "ext": 5})).is_empty());
        let e = validate(&doc, &s, &json!({"n": "abcd", "zz": 1}));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e.iter().any(|m| m.contains("Path 'zz'")));
    }
}
