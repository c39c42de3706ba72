//! Comparing an exemption as previewed with the same exemption read again
//! just before a change is sent: what differs, and whether to send.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use specta::Type;

use crate::plan::{PlannedWrite, WriteMethod};

/// One property that differs (`metadata.ticket` for a metadata key).
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    pub field: String,
    /// `None`: absent.
    #[specta(type = specta_typescript::Unknown)]
    pub before: Option<Value>,
    #[specta(type = specta_typescript::Unknown)]
    pub after: Option<Value>,
}

/// A value with times written one way, so `2026-12-31T23:59:59Z` and
/// `2026-12-31T23:59:59.0000000+00:00` compare equal.
fn normalized(key: &str, value: &Value) -> Value {
    match value.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()) {
        Some(t) if key == "expiresOn" => Value::String(t.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Millis, true)),
        _ => value.clone(),
    }
}

fn properties(exemption: &Value) -> Map<String, Value> {
    exemption.get("properties").and_then(Value::as_object).cloned().unwrap_or_default()
}

/// The properties that differ between two exemptions (ARM objects with
/// `properties`), metadata key by key, in key order.
pub fn differences(before: &Value, after: &Value) -> Vec<FieldChange> {
    diff_maps(&properties(before), &properties(after))
}

fn diff_maps(before: &Map<String, Value>, after: &Map<String, Value>) -> Vec<FieldChange> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let (b, a) = (before.get(key), after.get(key));
        if let (Some(Value::Object(bm)), Some(Value::Object(am))) = (b, a) {
            if key == "metadata" {
                out.extend(diff_maps(bm, am).into_iter().map(|c| FieldChange { field: format!("metadata.{}", c.field), ..c }));
                continue;
            }
        }
        if b.map(|v| normalized(key, v)) != a.map(|v| normalized(key, v)) {
            out.push(FieldChange { field: key.clone(), before: b.cloned(), after: a.cloned() });
        }
    }
    out
}

pub(crate) fn same_properties(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    diff_maps(a, b).is_empty()
}

/// What to do with a planned change once its target has been read again.
#[derive(Debug, Clone, PartialEq)]
pub enum BeforeSend {
    Send,
    /// Nothing to send: it is already done (the note says why).
    AlreadyDone(String),
    /// Not sent: it changed in Azure since the preview (the message says how).
    Changed(String),
}

fn describe(change: &FieldChange) -> String {
    let show = |v: &Option<Value>| match v {
        None => "absent".to_owned(),
        Some(Value::String(s)) => format!("\"{}\"", s.chars().take(80).collect::<String>()),
        Some(other) => other.to_string().chars().take(80).collect(),
    };
    format!("{} was {}, now {}", change.field, show(&change.before), show(&change.after))
}

fn by_whom(now: &Value) -> String {
    let system = now.get("systemData");
    let get = |key: &str| system.and_then(|s| s.get(key)).and_then(Value::as_str);
    match (get("lastModifiedBy"), get("lastModifiedAt")) {
        (Some(who), Some(at)) => format!(" by {who} at {at}"),
        (Some(who), None) => format!(" by {who}"),
        (None, Some(at)) => format!(" at {at}"),
        (None, None) => String::new(),
    }
}

/// Whether to send `write` now that its target reads `now` (`None`: gone).
/// A write of a new exemption (no snapshot) is always sent.
pub fn before_send(write: &PlannedWrite, now: Option<&Value>) -> BeforeSend {
    let Some(as_read) = &write.as_read else {
        return BeforeSend::Send;
    };
    let Some(now) = now else {
        return match write.method {
            WriteMethod::Delete => BeforeSend::AlreadyDone("Already gone from Azure; nothing to delete.".into()),
            WriteMethod::Put => BeforeSend::Changed("Deleted in Azure since the preview; not written again.".into()),
        };
    };
    let since_preview = differences(as_read, now);
    if since_preview.is_empty() {
        return BeforeSend::Send;
    }
    if write.method == WriteMethod::Put && differences(&write.body, now).is_empty() {
        return BeforeSend::AlreadyDone("Already as asked (sent before the app stopped).".into());
    }
    let listed = since_preview.iter().map(describe).collect::<Vec<_>>().join("; ");
    BeforeSend::Changed(format!("Changed in Azure since the preview{}, so not overwritten: {listed}.", by_whom(now)))
}
