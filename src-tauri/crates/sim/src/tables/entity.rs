//! Entities on the wire: reading a request body into typed properties with
//! the service's limits ("Understanding the Table service data model"), and
//! writing an entity back at a metadata level ("Payload format for Table
//! service operations").

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::TableError;
use crate::model::tables::{Edm, Entity, Prop};

/// 1 MiB per entity, as the service counts it (see [`entity_size`]).
pub const MAX_ENTITY_BYTES: usize = 1024 * 1024;
/// 64 KiB per string property: 32,768 UTF-16 code units.
pub const MAX_STRING_UNITS: usize = 32 * 1024;
/// 64 KiB per binary property.
pub const MAX_BINARY_BYTES: usize = 64 * 1024;
/// 255 properties per entity, of which PartitionKey, RowKey and Timestamp are the service's.
pub const MAX_CUSTOM_PROPERTIES: usize = 252;
/// Keys are strings of up to 1 KiB (1,024 characters).
pub const MAX_KEY_CHARS: usize = 1024;
pub const MAX_PROPERTY_NAME: usize = 255;

/// How much OData metadata a response carries (`Accept: application/json;odata=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metadata {
    No,
    Minimal,
    Full,
}

impl Metadata {
    /// From the `Accept` header; `application/json` alone means minimal.
    pub fn from_accept(accept: Option<&str>) -> Metadata {
        let a = accept.unwrap_or("").to_ascii_lowercase();
        if a.contains("odata=nometadata") {
            Metadata::No
        } else if a.contains("odata=fullmetadata") {
            Metadata::Full
        } else {
            Metadata::Minimal
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Metadata::No => "application/json;odata=nometadata;streaming=true;charset=utf-8",
            Metadata::Minimal => "application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
            Metadata::Full => "application/json;odata=fullmetadata;streaming=true;charset=utf-8",
        }
    }
}

/// A request body read into keys (when present) and typed properties.
pub struct Parsed {
    pub partition_key: Option<String>,
    pub row_key: Option<String>,
    pub props: BTreeMap<String, Prop>,
}

/// Parse and check an entity body. Keys are checked when present;
/// `Timestamp` and `odata.*` annotations are ignored (the service sets them).
pub fn parse(body: &[u8]) -> Result<Parsed, TableError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| TableError::bad("InvalidInput", format!("The request body is not a valid JSON entity: {e}")))?;
    let Value::Object(map) = value else {
        return Err(TableError::bad("InvalidInput", "The request body must be a JSON object."));
    };
    let mut partition_key = None;
    let mut row_key = None;
    let mut props = BTreeMap::new();
    for (name, value) in &map {
        if name.starts_with("odata.") || name.contains('@') {
            continue;
        }
        let declared = match map.get(&format!("{name}@odata.type")) {
            None => None,
            Some(Value::String(t)) => Some(
                Edm::parse(t).ok_or_else(|| TableError::bad("InvalidInput", format!("The type '{t}' of property '{name}' is not supported.")))?,
            ),
            Some(_) => return Err(TableError::bad("InvalidInput", format!("The type annotation of property '{name}' must be a string."))),
        };
        match name.as_str() {
            "PartitionKey" | "RowKey" => {
                let Value::String(k) = value else {
                    return Err(TableError::bad("PropertiesNeedValue", format!("The {name} must be a string.")));
                };
                check_key(name, k)?;
                if name == "PartitionKey" {
                    partition_key = Some(k.clone());
                } else {
                    row_key = Some(k.clone());
                }
            }
            "Timestamp" => {}
            _ => {
                if value.is_null() {
                    continue;
                }
                check_name(name)?;
                props.insert(name.clone(), typed(name, value, declared)?);
            }
        }
    }
    if props.len() > MAX_CUSTOM_PROPERTIES {
        return Err(TableError::bad(
            "TooManyProperties",
            "The entity contains more properties than allowed. Each entity can include up to 252 properties to store data. Each entity also has 3 system properties.",
        ));
    }
    Ok(Parsed { partition_key, row_key, props })
}

/// Key rules: at most 1,024 characters, none of `/ \ # ?` nor control characters.
pub fn check_key(which: &str, key: &str) -> Result<(), TableError> {
    if key.encode_utf16().count() > MAX_KEY_CHARS {
        return Err(TableError::bad("KeyValueTooLarge", format!("The {which} is larger than the maximum size permitted (1 KiB).")));
    }
    let forbidden = |c: char| matches!(c, '/' | '\\' | '#' | '?') || ('\u{0}'..='\u{1f}').contains(&c) || ('\u{7f}'..='\u{9f}').contains(&c);
    if key.chars().any(forbidden) {
        return Err(TableError::bad("OutOfRangeInput", format!("The '{which}' parameter of value '{key}' is out of range.")));
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), TableError> {
    if name.chars().count() > MAX_PROPERTY_NAME {
        return Err(TableError::bad("PropertyNameTooLong", "The property name exceeds the maximum allowed length (255)."));
    }
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || c == '_');
    if !ok {
        return Err(TableError::bad("PropertyNameInvalid", format!("The property name '{name}' is invalid.")));
    }
    Ok(())
}

fn invalid(name: &str, edm: Edm) -> TableError {
    TableError::bad("InvalidInput", format!("The value of property '{name}' is not a valid {}.", edm.name()))
}

/// A JSON value and its declared type (if any) → the stored property.
fn typed(name: &str, value: &Value, declared: Option<Edm>) -> Result<Prop, TableError> {
    let edm = match (declared, value) {
        (Some(t), _) => t,
        (None, Value::String(_)) => Edm::String,
        (None, Value::Bool(_)) => Edm::Boolean,
        (None, Value::Number(n)) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => Edm::Int32,
        (None, Value::Number(_)) => Edm::Double,
        (None, _) => return Err(TableError::bad("InvalidInput", format!("Property '{name}' has a value of a type tables cannot store."))),
    };
    let value = match (edm, value) {
        (Edm::String, Value::String(s)) => {
            if s.encode_utf16().count() > MAX_STRING_UNITS {
                return Err(TableError::bad(
                    "PropertyValueTooLarge",
                    "The property value exceeds the maximum allowed size (64KB). If the property value is a string, it is UTF-16 encoded and the maximum number of characters should be 32K or less.",
                ));
            }
            value.clone()
        }
        (Edm::Boolean, Value::Bool(_)) => value.clone(),
        (Edm::Int32, Value::Number(n)) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => value.clone(),
        (Edm::Int64, Value::String(s)) => json!(s.parse::<i64>().map_err(|_| invalid(name, edm))?.to_string()),
        (Edm::Double, Value::Number(_)) => value.clone(),
        (Edm::Double, Value::String(s)) if matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity") => value.clone(),
        (Edm::DateTime, Value::String(s)) => json!(format_datetime(parse_datetime(s).ok_or_else(|| invalid(name, edm))?)),
        (Edm::Guid, Value::String(s)) => json!(uuid::Uuid::parse_str(s).map_err(|_| invalid(name, edm))?.to_string()),
        (Edm::Binary, Value::String(s)) => {
            let bytes = STANDARD.decode(s).map_err(|_| invalid(name, edm))?;
            if bytes.len() > MAX_BINARY_BYTES {
                return Err(TableError::bad("PropertyValueTooLarge", "The property value exceeds the maximum allowed size (64KB)."));
            }
            value.clone()
        }
        _ => return Err(invalid(name, edm)),
    };
    Ok(Prop { value, edm })
}

/// An `Edm.DateTime` as sent: RFC 3339, or without an offset (then UTC).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|t| t.and_utc()))
}

pub fn format_datetime(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `Timestamp` as the service writes it: seven fractional digits.
pub fn format_timestamp(t: DateTime<Utc>) -> String {
    format!("{}{:07}Z", t.format("%Y-%m-%dT%H:%M:%S."), t.timestamp_subsec_nanos() / 100)
}

/// The entity's ETag: `W/"datetime'<Timestamp, URL-encoded>'"`, as Azure sends.
pub fn etag(e: &Entity) -> String {
    format!("W/\"datetime'{}'\"", format_timestamp(e.timestamp).replace(':', "%3A"))
}

/// The entity's size as the service counts it: 4 bytes + keys in UTF-16 +
/// per property 8 bytes + its name in UTF-16 + its value.
pub fn entity_size(pk: &str, rk: &str, props: &BTreeMap<String, Prop>) -> usize {
    let utf16 = |s: &str| s.encode_utf16().count() * 2;
    let mut size = 4 + utf16(pk) + 2 + utf16(rk) + 2;
    for (name, p) in props {
        size += 8 + utf16(name);
        size += match p.edm {
            Edm::String => p.value.as_str().map(utf16).unwrap_or(0) + 4,
            Edm::Binary => p.value.as_str().and_then(|s| STANDARD.decode(s).ok()).map(|b| b.len()).unwrap_or(0) + 4,
            Edm::Int32 => 4,
            Edm::Boolean => 1,
            Edm::Guid => 16,
            Edm::Int64 | Edm::Double | Edm::DateTime => 8,
        };
    }
    size
}

/// Does a type need its `@odata.type` annotation at this metadata level?
fn annotate(edm: Edm, value: &Value, level: Metadata) -> bool {
    match level {
        Metadata::No => false,
        // As the official examples show for both levels: only what JSON
        // cannot say (a Double with a decimal point is inferred).
        Metadata::Minimal | Metadata::Full => {
            matches!(edm, Edm::Int64 | Edm::DateTime | Edm::Guid | Edm::Binary) || (edm == Edm::Double && !value.is_f64())
        }
    }
}

/// The entity as JSON at `level`; `select` keeps only the named properties
/// (a selected property the entity lacks comes back as null).
pub fn to_json(e: &Entity, level: Metadata, table_url: &str, select: Option<&[String]>) -> Map<String, Value> {
    let mut m = Map::new();
    let keep = |n: &str| select.is_none_or(|s| s.iter().any(|x| x == n));
    if level == Metadata::Full {
        let id = format!("{table_url}(PartitionKey='{}',RowKey='{}')", quote(&e.partition_key), quote(&e.row_key));
        m.insert("odata.type".into(), json!(format!("{}.{}", account_of(table_url), table_of(table_url))));
        m.insert("odata.id".into(), json!(id));
        m.insert(
            "odata.editLink".into(),
            json!(format!("{}(PartitionKey='{}',RowKey='{}')", table_of(table_url), quote(&e.partition_key), quote(&e.row_key))),
        );
    }
    if level != Metadata::No {
        m.insert("odata.etag".into(), json!(etag(e)));
    }
    if keep("PartitionKey") {
        m.insert("PartitionKey".into(), json!(e.partition_key));
    }
    if keep("RowKey") {
        m.insert("RowKey".into(), json!(e.row_key));
    }
    if keep("Timestamp") {
        if level != Metadata::No {
            m.insert("Timestamp@odata.type".into(), json!("Edm.DateTime"));
        }
        m.insert("Timestamp".into(), json!(format_timestamp(e.timestamp)));
    }
    for (name, p) in &e.props {
        if !keep(name) {
            continue;
        }
        if annotate(p.edm, &p.value, level) {
            m.insert(format!("{name}@odata.type"), json!(p.edm.name()));
        }
        m.insert(name.clone(), p.value.clone());
    }
    if let Some(sel) = select {
        for name in sel {
            if !m.contains_key(name) && !matches!(name.as_str(), "PartitionKey" | "RowKey" | "Timestamp") {
                m.insert(name.clone(), Value::Null);
            }
        }
    }
    m
}

/// A key inside `'…'` in a URL: single quotes doubled.
pub fn quote(key: &str) -> String {
    key.replace('\'', "''")
}

fn table_of(table_url: &str) -> &str {
    table_url.rsplit('/').next().unwrap_or("")
}

fn account_of(table_url: &str) -> &str {
    table_url.rsplit('/').nth(1).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_limits() {
        let p = parse(br#"{"PartitionKey":"p","RowKey":"r","N@odata.type":"Edm.Int64","N":"255","A":23,"D":1.5,"S":"x","When@odata.type":"Edm.DateTime","When":"2008-07-10T00:00:00"}"#)
            .expect("valid");
        assert_eq!(p.props["N"], Prop { value: json!("255"), edm: Edm::Int64 });
        assert_eq!(p.props["A"].edm, Edm::Int32);
        assert_eq!(p.props["D"].edm, Edm::Double);
        assert_eq!(p.props["When"].value, json!("2008-07-10T00:00:00Z"));
        assert!(parse(br#"{"N@odata.type":"Edm.Int64","N":"x"}"#).is_err());
        assert!(parse(br#"{"PartitionKey":"a/b"}"#).is_err());
        let long = "x".repeat(MAX_STRING_UNITS + 1);
        assert!(parse(format!(r#"{{"S":"{long}"}}"#).as_bytes()).is_err());
        assert!(parse(format!(r#"{{"S":"{}"}}"#, "x".repeat(MAX_STRING_UNITS)).as_bytes()).is_ok());
    }

    #[test]
    fn timestamps_and_etags() {
        let t = parse_datetime("2013-08-22T01:12:06.2608595Z").expect("time");
        assert_eq!(format_timestamp(t), "2013-08-22T01:12:06.2608595Z");
        let e = Entity { partition_key: "p".into(), row_key: "r".into(), timestamp: t, props: BTreeMap::new() };
        assert_eq!(etag(&e), "W/\"datetime'2013-08-22T01%3A12%3A06.2608595Z'\"");
    }
}
