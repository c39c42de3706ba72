//! A request saved as a file (`*.exemption-request.json`) for tenants without
//! a request table: what the requester prepared, read back strictly by an
//! approver. The file is untrusted: its size, schema version, fields (none
//! unknown, at any depth), counts and tenant are checked, and whoever it
//! names as the requester is only *stated* (`requester_verified` is false).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::CoreError;
use crate::request::{ExemptionRequest, RequestState, HISTORY_MAX};

/// The file format's version; a file of another version is refused.
pub const REQUEST_FILE_SCHEMA_VERSION: u32 = 1;
/// A request file is at most this many bytes.
pub const REQUEST_FILE_BYTES_MAX: usize = 1024 * 1024;
/// The file name's ending.
pub const REQUEST_FILE_SUFFIX: &str = ".exemption-request.json";
/// At most this many writes or checks in a request file.
pub const REQUEST_FILE_ITEMS_MAX: usize = 1_000;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RequestFile {
    schema_version: u32,
    request: ExemptionRequest,
}

fn refused(message: impl Into<String>) -> CoreError {
    CoreError::RequestRefused(message.into())
}

/// The file's text for `request`.
pub fn write_request_file(request: &ExemptionRequest) -> Result<String, CoreError> {
    let file = RequestFile { schema_version: REQUEST_FILE_SCHEMA_VERSION, request: request.clone() };
    let text = serde_json::to_string_pretty(&file).map_err(|e| refused(format!("The request could not be written: {e}")))?;
    if text.len() > REQUEST_FILE_BYTES_MAX {
        return Err(refused("The request is larger than 1 MiB; choose fewer scopes."));
    }
    Ok(text)
}

/// Read a request file strictly, for the signed-in tenant `tenant_id`.
pub fn read_request_file(bytes: &[u8], tenant_id: &str) -> Result<ExemptionRequest, CoreError> {
    if bytes.len() > REQUEST_FILE_BYTES_MAX {
        return Err(refused("This file is larger than 1 MiB; it is not a request file."));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| refused(format!("This file is not a request file (not valid JSON: {e}).")))?;
    match value.get("schemaVersion").and_then(Value::as_u64) {
        Some(v) if v == u64::from(REQUEST_FILE_SCHEMA_VERSION) => {}
        Some(v) => return Err(refused(format!("This request file has schema version {v}; this app reads version {REQUEST_FILE_SCHEMA_VERSION}."))),
        None => return Err(refused("This file has no schemaVersion; it is not a request file.")),
    }
    let file: RequestFile = serde_json::from_value(value.clone()).map_err(|e| refused(format!("This request file is not valid: {e}.")))?;
    let known = serde_json::to_value(&file).map_err(|e| refused(format!("This request file is not valid: {e}.")))?;
    if let Some(path) = unknown_field(&value, &known, "") {
        return Err(refused(format!("This request file has a field this app does not know: {path}.")));
    }
    let mut request = file.request;
    if request.writes.len() > REQUEST_FILE_ITEMS_MAX || request.checks.len() > REQUEST_FILE_ITEMS_MAX || request.history.len() > HISTORY_MAX {
        return Err(refused("This request file holds more writes, checks or history than a request can."));
    }
    if request.writes.is_empty() {
        return Err(refused("This request file holds no writes."));
    }
    if uuid_shaped(&request.id).is_none() {
        return Err(refused("This request file's id is not a UUID."));
    }
    if !request.tenant_id.trim().eq_ignore_ascii_case(tenant_id.trim()) {
        return Err(refused(format!(
            "This request is for tenant {}, not the one you are signed in to ({tenant_id}); sign in to that tenant to review it.",
            request.tenant_id
        )));
    }
    if request.state != RequestState::Pending {
        return Err(refused(format!("This request file is {}; only a pending request can be approved.", request.state.words())));
    }
    request.requester_verified = false;
    Ok(request)
}

/// `Some(())` when `id` looks like a UUID (8-4-4-4-12 hex digits).
fn uuid_shaped(id: &str) -> Option<()> {
    let parts: Vec<&str> = id.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    (parts.len() == lengths.len()
        && parts.iter().zip(lengths).all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit())))
    .then_some(())
}

/// The first key of `input` (by its path) that reading and writing it again
/// dropped: a field the types do not know. Free-form JSON (a write's body)
/// round-trips whole, so only real unknowns show.
fn unknown_field(input: &Value, known: &Value, path: &str) -> Option<String> {
    match (input, known) {
        (Value::Object(given), Value::Object(kept)) => given.iter().find_map(|(key, value)| {
            let at = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            match kept.get(key) {
                None => Some(at),
                Some(k) => unknown_field(value, k, &at),
            }
        }),
        (Value::Array(given), Value::Array(kept)) => {
            given.iter().zip(kept).enumerate().find_map(|(i, (g, k))| unknown_field(g, k, &format!("{path}[{i}]")))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::fixtures::*;
    use crate::plan::plan_exemptions;
    use crate::request::{Person, RequestEvent};

    fn request() -> ExemptionRequest {
        let scopes = [facts(&sub(SUB_A), vec![benchmark(&sub(SUB_A))])];
        let writes = plan_exemptions(&draft(), &recommendation(), &scopes, &requester(), now()).expect("as built");
        let by = Person { account: "reader@contoso.com".into(), object_id: "oid-reader".into() };
        ExemptionRequest {
            id: "6f1c2a8e-0000-4000-8000-000000000001".into(),
            tenant_id: "contoso-tenant".into(),
            state: RequestState::Pending,
            draft: draft(),
            recommendation_name: "A recommendation".into(),
            scope_summary: "1 subscription".into(),
            writes,
            checks: Vec::new(),
            justification: "Compensating control".into(),
            ticket: Some("CHG-1".into()),
            requested_by: by.clone(),
            requested_at: "2026-11-25T12:00:00Z".into(),
            requester_verified: true,
            approver_changes: None,
            apply_id: None,
            history: vec![RequestEvent { state: RequestState::Pending, by, at: "2026-11-25T12:00:00Z".into(), note: None }],
        }
    }

    fn edited(f: impl FnOnce(&mut Value)) -> Vec<u8> {
        let mut value: Value = serde_json::from_str(&write_request_file(&request()).expect("as built")).expect("as built");
        f(&mut value);
        serde_json::to_vec(&value).expect("as built")
    }

    fn refusal(bytes: &[u8]) -> String {
        read_request_file(bytes, "contoso-tenant").expect_err("refused").to_string()
    }

    #[test]
    fn a_saved_request_reads_back_with_its_requester_unverified() {
        let text = write_request_file(&request()).expect("as built");
        assert!(text.contains("\"schemaVersion\": 1"));
        let read = read_request_file(text.as_bytes(), "CONTOSO-TENANT").expect("as built");
        assert!(!read.requester_verified);
        assert_eq!(read, ExemptionRequest { requester_verified: false, ..request() });
    }

    #[test]
    fn unknown_fields_are_refused_at_any_depth_but_bodies_stay_free_form() {
        assert!(refusal(&edited(|v| v["extra"] = json!(1))).contains("extra"));
        assert!(refusal(&edited(|v| v["request"]["draft"]["sneaky"] = json!(true))).contains("request.draft.sneaky"));
        assert!(refusal(&edited(|v| v["request"]["history"][0]["x"] = json!(1))).contains("request.history[0].x"));
        let body = edited(|v| v["request"]["writes"][0]["body"]["properties"]["metadata"]["anything"] = json!(1));
        assert!(read_request_file(&body, "contoso-tenant").is_ok());
    }

    #[test]
    fn size_version_tenant_state_and_shape_are_checked() {
        assert!(refusal(&vec![b' '; REQUEST_FILE_BYTES_MAX + 1]).contains("larger than 1 MiB"));
        assert!(refusal(b"not json").contains("not valid JSON"));
        assert!(refusal(&edited(|v| v["schemaVersion"] = json!(2))).contains("schema version 2"));
        assert!(refusal(&edited(|v| v.as_object_mut().expect("as built").remove("schemaVersion").map(drop).unwrap_or(()))).contains("no schemaVersion"));
        assert!(refusal(&edited(|v| v["request"]["tenantId"] = json!("fabrikam"))).contains("tenant fabrikam"));
        assert!(refusal(&edited(|v| v["request"]["state"] = json!("Approved"))).contains("only a pending request"));
        assert!(refusal(&edited(|v| v["request"]["id"] = json!("../../etc"))).contains("not a UUID"));
        assert!(refusal(&edited(|v| v["request"]["writes"] = json!([]))).contains("no writes"));
        assert!(refusal(&edited(|v| v["request"]["state"] = json!(7))).contains("not valid"));
    }
}
