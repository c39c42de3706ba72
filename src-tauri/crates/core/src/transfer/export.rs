//! The register's rows as CSV or JSON, one row per exemption, the columns of
//! [`super::COLUMNS`].

use chrono::{DateTime, FixedOffset};
use serde_json::{json, Map, Value};

use super::csv::record;
use super::{ExportFormat, COLUMNS, EVERY, LIST_SEPARATOR};
use crate::register::{ExpiryState, RegisterEntry, ScopeLevel};

/// UTF-8's byte-order mark: without it Excel reads a CSV in the legacy code page.
const BOM: &str = "\u{feff}";

/// Spreadsheets run a cell starting with one of these as a formula (CSV
/// injection); OWASP adds tab and carriage return, which some read the same way.
pub(crate) const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a spreadsheet would run `text` as a formula once any `'` the
/// user wrote before it is looked past: the guard and the import's unguarding
/// both decide by this, so every text survives the round trip (`''\r` too).
pub(crate) fn formula_behind_quotes(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A cell a spreadsheet would run as a formula, with a leading `'` so it
/// shows as text; the import takes it off again.
pub fn guard_formula(text: &str) -> String {
    // `'`s the user wrote before such a character are guarded too, so the import's unguarding gives them back.
    if formula_behind_quotes(text) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The file's bytes: CSV (UTF-8 with a BOM, CRLF, the formula guard) or a
/// JSON array of objects with the same keys. Expiry dates are written in
/// the user's time zone (`utc_offset_minutes` east of UTC), as the import reads them.
pub fn export(entries: &[RegisterEntry], format: ExportFormat, utc_offset_minutes: i32) -> Vec<u8> {
    match format {
        ExportFormat::Csv => {
            let mut text = String::from(BOM);
            text.push_str(&record(&COLUMNS));
            for entry in entries {
                let cells: Vec<String> = columns(entry, utc_offset_minutes).iter().map(|v| guard_formula(&cell_text(v))).collect();
                text.push_str(&record(&cells));
            }
            text.into_bytes()
        }
        ExportFormat::Json => {
            let rows: Vec<Value> = entries
                .iter()
                .map(|e| {
                    let values = columns(e, utc_offset_minutes);
                    Value::Object(COLUMNS.iter().zip(values).map(|(k, v)| ((*k).to_owned(), v)).collect::<Map<_, _>>())
                })
                .collect();
            let mut bytes = serde_json::to_vec_pretty(&rows).unwrap_or_else(|_| b"[]".to_vec());
            bytes.push(b'\n');
            bytes
        }
    }
}

/// A CSV with the header only: the columns to fill in for an import.
pub fn template() -> Vec<u8> {
    let mut text = String::from(BOM);
    text.push_str(&record(&COLUMNS));
    text.into_bytes()
}

/// A value in a CSV cell: lists joined, `null` empty.
fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell_text).collect::<Vec<_>>().join(LIST_SEPARATOR),
        other => other.to_string(),
    }
}

fn level_words(level: ScopeLevel) -> &'static str {
    match level {
        ScopeLevel::ManagementGroup => "Management group",
        ScopeLevel::Subscription => "Subscription",
        ScopeLevel::ResourceGroup => "Resource group",
        ScopeLevel::Resource => "Resource",
    }
}

fn state_words(state: ExpiryState) -> String {
    match state {
        ExpiryState::Never => "No expiry".into(),
        ExpiryState::Active => "Active".into(),
        ExpiryState::ExpiresSoon { days: 0 } => "Expires today".into(),
        ExpiryState::ExpiresSoon { days: 1 } => "Expires in 1 day".into(),
        ExpiryState::ExpiresSoon { days } => format!("Expires in {days} days"),
        ExpiryState::Expired => "Expired".into(),
    }
}

/// The calendar day an instant falls on in the user's time zone.
pub(super) fn local_date(expires_on: &str, utc_offset_minutes: i32) -> Option<String> {
    let zone = FixedOffset::east_opt(utc_offset_minutes.checked_mul(60)?)?;
    let at = DateTime::parse_from_rfc3339(expires_on).ok()?.with_timezone(&zone);
    Some(at.format("%Y-%m-%d").to_string())
}

fn text(value: Option<&String>) -> Value {
    value.map_or(Value::Null, |v| json!(v))
}

/// The row's values, in the order of [`COLUMNS`].
fn columns(e: &RegisterEntry, utc_offset_minutes: i32) -> Vec<Value> {
    let x = &e.exemption;
    let (keys, names): (Vec<Value>, Vec<Value>) = if e.recommendations.is_empty() {
        let of = e.initiative_name.as_deref().unwrap_or("its initiative");
        (vec![json!(EVERY)], vec![json!(format!("Every recommendation of {of}"))])
    } else {
        (
            e.recommendations.iter().filter_map(|r| r.recommendation_key.as_ref()).map(|k| json!(k)).collect(),
            e.recommendations.iter().map(|r| json!(r.display_name)).collect(),
        )
    };
    let expires_on = x.expires_on.as_deref().and_then(|t| local_date(t, utc_offset_minutes));
    vec![
        json!(x.name),
        text(x.display_name.as_ref()),
        json!(x.scope),
        json!(e.scope_name),
        json!(level_words(e.level)),
        text(e.subscription_id.as_ref()),
        text(e.subscription_name.as_ref()),
        text(e.initiative_name.as_ref()),
        text(e.initiative_id.as_ref()),
        json!(x.policy_assignment_id),
        Value::Array(keys),
        Value::Array(names),
        json!(x.policy_definition_reference_ids),
        x.category.map_or(Value::Null, |c| json!(c.as_arm())),
        text(expires_on.as_ref()),
        text(x.expires_on.as_ref()),
        json!(state_words(e.expiry)),
        text(x.description.as_ref()),
        text(e.created_by.as_ref()),
        text(e.created_at.as_ref()),
        text(e.last_modified_by.as_ref()),
        text(e.last_modified_at.as_ref()),
        text(e.requested_by.as_ref()),
        text(e.approved_by.as_ref()),
        text(e.ticket.as_ref()),
    ]
}
