//! A request as one table entity, and back: PartitionKey = tenant id, RowKey =
//! request id, the columns a list filters or shows, and the whole request as
//! JSON split over `Body0..BodyN` string properties.
//!
//! Azure's limits are enforced here, before anything is sent, because the
//! emulator accepts more than Azure does: 1 MiB per entity (counted as Azure
//! counts it), 32,768 UTF-16 units per string, 252 properties of our own, and
//! the characters a key may hold. Reading back validates every part and caps
//! every count, so a damaged or hostile entity is an error naming the
//! request, never a panic.

use desk_core::request::{ExemptionRequest, RequestState};
use serde_json::{Map, Value};

use crate::error::AzureError;

/// The most UTF-16 units in one string property.
pub const MAX_STRING_UNITS: usize = 32_768;
/// The most bytes in one entity, counted as Azure counts them ([`entity_size`]).
pub const MAX_ENTITY_BYTES: usize = 1024 * 1024;
/// The most properties of our own (255 less PartitionKey, RowKey and Timestamp).
pub const MAX_OWN_PROPERTIES: usize = 252;
/// A key is at most 1 KiB.
const MAX_KEY_UNITS: usize = 512;
/// The most body parts read back (the size limit allows far fewer).
const MAX_BODY_PARTS: i64 = 240;
/// The entity format; a newer one is refused with a message, not misread.
pub const SCHEMA: i64 = 1;

const BODY_PARTS: &str = "BodyParts";

/// `value` if it may be a PartitionKey or RowKey: not empty, at most 1 KiB,
/// none of `/ \ # ?` nor a control character.
pub fn check_key(what: &str, value: &str) -> Result<(), AzureError> {
    let bad = value.chars().find(|c| matches!(c, '/' | '\\' | '#' | '?') || c.is_control());
    if value.is_empty() {
        return Err(AzureError::InvalidInput(format!("The {what} is empty.")));
    }
    if let Some(c) = bad {
        return Err(AzureError::InvalidInput(format!("The {what} \"{value}\" holds {c:?}, which a table key cannot.")));
    }
    if units(value) > MAX_KEY_UNITS {
        return Err(AzureError::InvalidInput(format!("The {what} is longer than a table key may be (1 KiB).")));
    }
    Ok(())
}

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The state as the `State` column holds it (the serde name, `Pending`).
pub fn state_name(state: RequestState) -> String {
    serde_json::to_value(state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The entity for `request`, refused when Azure would refuse it.
pub fn to_entity(request: &ExemptionRequest) -> Result<Map<String, Value>, AzureError> {
    check_key("tenant id", &request.tenant_id)?;
    check_key("request id", &request.id)?;
    let mut entity = Map::new();
    entity.insert("PartitionKey".into(), Value::from(request.tenant_id.clone()));
    entity.insert("RowKey".into(), Value::from(request.id.clone()));
    entity.insert("Schema".into(), Value::from(SCHEMA));
    let columns = [
        ("State", state_name(request.state)),
        ("RequesterObjectId", request.requested_by.object_id.clone()),
        ("RequestedBy", request.requested_by.account.clone()),
        ("RequestedAt", request.requested_at.clone()),
        ("RecommendationName", request.recommendation_name.clone()),
        ("RecommendationKey", request.draft.recommendation_key.clone()),
        ("ScopeSummary", request.scope_summary.clone()),
        (
            "Category",
            request
                .draft
                .category
                .and_then(|c| serde_json::to_value(c).ok())
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        ),
        ("ExpiresOn", request.draft.expires_on.clone().unwrap_or_default()),
        ("Ticket", request.ticket.clone().unwrap_or_default()),
    ];
    for (name, value) in columns {
        if units(&value) > MAX_STRING_UNITS {
            return Err(AzureError::RequestTooLarge(format!(
                "its {name} is longer than the {MAX_STRING_UNITS} characters a table property may hold"
            )));
        }
        entity.insert(name.into(), Value::from(value));
    }
    let body = serde_json::to_string(request).map_err(|e| AzureError::Internal(format!("a request as JSON: {e}")))?;
    let parts = split(&body);
    entity.insert(BODY_PARTS.into(), Value::from(parts.len()));
    for (i, part) in parts.into_iter().enumerate() {
        entity.insert(format!("Body{i}"), Value::from(part));
    }
    check_limits(&entity)?;
    Ok(entity)
}

/// `text` in pieces of at most [`MAX_STRING_UNITS`] UTF-16 units, never
/// splitting a character (a surrogate pair stays whole).
fn split(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_units = 0;
    for c in text.chars() {
        let n = c.len_utf16();
        if current_units + n > MAX_STRING_UNITS {
            parts.push(std::mem::take(&mut current));
            current_units = 0;
        }
        current.push(c);
        current_units += n;
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    parts
}

/// Azure's count of an entity's size: 4 bytes, the keys at 2 bytes a unit,
/// and per property 8 bytes, its name at 2 bytes a unit and its value (a
/// string 4 + 2 per unit, a number 8, a boolean 1).
pub fn entity_size(entity: &Map<String, Value>) -> usize {
    let mut size = 4usize;
    for (name, value) in entity {
        if name == "PartitionKey" || name == "RowKey" {
            size = size.saturating_add(value.as_str().map_or(0, units).saturating_mul(2));
            continue;
        }
        let value_size = match value {
            Value::String(s) => units(s).saturating_mul(2).saturating_add(4),
            Value::Bool(_) => 1,
            _ => 8,
        };
        size = size.saturating_add(8).saturating_add(units(name).saturating_mul(2)).saturating_add(value_size);
    }
    size
}

/// The limits Azure enforces and the emulator does not.
pub fn check_limits(entity: &Map<String, Value>) -> Result<(), AzureError> {
    let own = entity.keys().filter(|k| !matches!(k.as_str(), "PartitionKey" | "RowKey" | "Timestamp")).count();
    if own > MAX_OWN_PROPERTIES {
        return Err(AzureError::RequestTooLarge(format!("it needs {own} table properties; Azure allows {MAX_OWN_PROPERTIES}")));
    }
    if let Some((name, _)) = entity.iter().find(|(_, v)| v.as_str().is_some_and(|s| units(s) > MAX_STRING_UNITS)) {
        return Err(AzureError::RequestTooLarge(format!("its {name} is longer than {MAX_STRING_UNITS} characters")));
    }
    let size = entity_size(entity);
    if size > MAX_ENTITY_BYTES {
        return Err(AzureError::RequestTooLarge(format!(
            "it takes {} KiB in the table; Azure stores at most 1,024 KiB per request (shorten the justification or split the scope)",
            size.div_ceil(1024)
        )));
    }
    Ok(())
}

/// The request an entity holds, validated against its keys and columns.
/// `fallback_id` names the request when the entity has no readable RowKey.
pub fn from_entity(entity: &Map<String, Value>, fallback_id: &str) -> Result<ExemptionRequest, AzureError> {
    let row_key = entity.get("RowKey").and_then(Value::as_str).unwrap_or(fallback_id).to_owned();
    let bad = |detail: String| AzureError::MalformedRequest { id: row_key.clone(), detail };
    let partition = entity.get("PartitionKey").and_then(Value::as_str).ok_or_else(|| bad("it has no PartitionKey".into()))?;
    match integer(entity, "Schema") {
        Some(SCHEMA) => {}
        Some(n) if n > SCHEMA => return Err(bad(format!("it was written by a newer Exemption Desk (format {n}); update this one"))),
        _ => return Err(bad("its Schema is missing or not a known format".into())),
    }
    let parts = integer(entity, BODY_PARTS).ok_or_else(|| bad(format!("its {BODY_PARTS} is missing or not a number")))?;
    if !(1..=MAX_BODY_PARTS).contains(&parts) {
        return Err(bad(format!("its {BODY_PARTS} is {parts}, not 1 to {MAX_BODY_PARTS}")));
    }
    let mut body = String::new();
    for i in 0..parts {
        let name = format!("Body{i}");
        let part = entity.get(&name).and_then(Value::as_str).ok_or_else(|| bad(format!("its {name} is missing or not text")))?;
        if units(part) > MAX_STRING_UNITS {
            return Err(bad(format!("its {name} is longer than a table property may be")));
        }
        body.push_str(part);
    }
    let mut reader = serde_json::Deserializer::from_str(&body);
    let request: ExemptionRequest = serde_path_to_error::deserialize(&mut reader)
        .map_err(|e| bad(format!("its body is not a request (at {}: {})", e.path(), e.inner())))?;
    if request.id != row_key {
        return Err(bad(format!("its body names request {}", request.id)));
    }
    if request.tenant_id != partition {
        return Err(bad(format!("its body names tenant {} but it is filed under {partition}", request.tenant_id)));
    }
    let state = entity.get("State").and_then(Value::as_str).unwrap_or_default();
    if state != state_name(request.state) {
        return Err(bad(format!("its State column says {state:?} but its body says {}", state_name(request.state))));
    }
    Ok(request)
}

/// An Int32 or Int64 property (Int64 arrives as a string with `@odata.type`).
fn integer(entity: &Map<String, Value>, name: &str) -> Option<i64> {
    match entity.get(name)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_keeps_surrogate_pairs_whole_and_parts_within_the_limit() {
        let text = "a😀".repeat(MAX_STRING_UNITS);
        let parts = split(&text);
        assert!(parts.iter().all(|p| units(p) <= MAX_STRING_UNITS));
        assert_eq!(parts.concat(), text);
        assert_eq!(split(""), vec![String::new()]);
    }

    #[test]
    fn keys_refuse_what_azure_refuses() {
        assert!(check_key("request id", "0d5c3a5e-1111-4c4b-b02a-71990e781ba5").is_ok());
        for bad in ["", "a/b", "a\\b", "a#b", "a?b", "a\u{7}b", "a\u{85}b"] {
            assert!(check_key("request id", bad).is_err(), "{bad:?}");
        }
        assert!(check_key("request id", &"x".repeat(513)).is_err());
    }

    #[test]
    fn entity_size_is_counted_as_azure_counts_it() {
        let mut e = Map::new();
        e.insert("PartitionKey".into(), Value::from("ab"));
        e.insert("RowKey".into(), Value::from("c"));
        e.insert("N".into(), Value::from(1));
        e.insert("S".into(), Value::from("xyz"));
        // 4 + (2+1)*2 + (8+2+8) + (8+2+4+6)
        assert_eq!(entity_size(&e), 4 + 6 + 18 + 20);
    }
}
