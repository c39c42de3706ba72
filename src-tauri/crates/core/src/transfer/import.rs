//! Reading an import file: its encoding, delimiter and header first (a
//! file-level error stops there), then each row against creation's rules,
//! each error in its row and column.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::csv::{read, Record};
use super::{ImportError, ImportReport, ImportRow, COLUMNS, EVERY, IMPORT_COLUMNS, IMPORT_ROWS_MAX};
use crate::arm_path::ArmPath;
use crate::change::TICKET_MAX;
use crate::exemption::ExemptionCategory;
use crate::validation::{expiry_instant, name_errors, text_errors, DraftField, DESCRIPTION_MAX, DISPLAY_NAME_MAX};

/// The recommendations' assessment keys the tenant knows (compared without case).
#[derive(Debug, Clone, Default)]
pub struct KnownRecommendations(HashSet<String>);

impl KnownRecommendations {
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<str>>(keys: I) -> Self {
        KnownRecommendations(keys.into_iter().map(|k| k.as_ref().trim().to_ascii_lowercase()).collect())
    }

    pub fn knows(&self, key: &str) -> bool {
        self.0.contains(&key.trim().to_ascii_lowercase())
    }
}

/// The cell as the user meant it: the leading `'` the export's formula
/// guard put before `=`, `+`, `-`, `@`, tab or carriage return (or before
/// `'`s the user wrote there) taken off.
pub fn unguard_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if super::export::formula_behind_quotes(rest) => rest,
        _ => text,
    }
}

fn file_error(message: impl Into<String>) -> ImportReport {
    ImportReport { file_errors: vec![ImportError { row: None, column: None, message: message.into() }], rows: Vec::new() }
}

/// The file's text, or why it is not UTF-8.
fn decode(bytes: &[u8]) -> Result<&str, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(
            "The file is saved as UTF-16 (Excel's \"Unicode Text\"). Save it as \"CSV UTF-8 (Comma delimited)\" and import that.".into()
        );
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let before = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let row = before.iter().filter(|b| **b == b'\n').count().saturating_add(1);
        format!(
            "Row {row} is not UTF-8 text: the file seems saved in another encoding (such as Windows-1252). \
             Save it as \"CSV UTF-8 (Comma delimited)\" and import that."
        )
    })
}

/// Which column of the file each read column is in, or the header's errors.
fn header(record: &Record) -> Result<HashMap<&'static str, usize>, Vec<String>> {
    if let [only] = record.cells.as_slice() {
        if only.contains(';') {
            return Err(vec!["The columns are separated by semicolons (;), as Excel saves CSV with European regional settings. \
                 Save it as \"CSV UTF-8 (Comma delimited)\", or replace the semicolons between columns with commas."
                .into()]);
        }
        if only.contains('\t') {
            return Err(vec!["The columns are separated by tabs. Save the file as \"CSV UTF-8 (Comma delimited)\".".into()]);
        }
    }
    let mut errors = Vec::new();
    let mut at: HashMap<&'static str, usize> = HashMap::new();
    for (index, cell) in record.cells.iter().enumerate() {
        let name = cell.trim().trim_start_matches('\u{feff}');
        let position = index.saturating_add(1);
        match COLUMNS.iter().copied().find(|c| c.eq_ignore_ascii_case(name)) {
            None if name.is_empty() => errors.push(format!("Column {position} of the header is empty; name it or remove it.")),
            None => errors
                .push(format!("Column {position}, \"{}\", is not one of the export's columns.", name.chars().take(60).collect::<String>())),
            Some(known) if at.contains_key(known) => errors.push(format!("The column \"{known}\" appears twice in the header.")),
            Some(known) => {
                at.insert(known, index);
            }
        }
    }
    for (column, required) in IMPORT_COLUMNS {
        if required && !at.contains_key(column) {
            errors.push(format!("The header has no \"{column}\" column."));
        }
    }
    if errors.is_empty() {
        Ok(at)
    } else {
        Err(errors)
    }
}

/// Reads `bytes` as an import: the rows, each with its errors, or the
/// file's errors. Dates are days in the user's time zone
/// (`utc_offset_minutes` east of UTC) and must lie after `now`.
pub fn parse_import(bytes: &[u8], known: &KnownRecommendations, now: DateTime<Utc>, utc_offset_minutes: i32) -> ImportReport {
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(message) => return file_error(message),
    };
    if text.trim().is_empty() {
        return file_error("The file is empty. Save an empty template from the Exemptions screen and fill it in.");
    }
    let (records, more) = match read(text, IMPORT_ROWS_MAX.saturating_add(1)) {
        Ok(read) => read,
        Err(e) => {
            return ImportReport {
                file_errors: vec![ImportError { row: Some(e.line), column: None, message: e.message }],
                rows: Vec::new(),
            }
        }
    };
    let blank = |r: &Record| r.cells.iter().all(|c| c.trim().is_empty());
    let mut records = records.into_iter().filter(|r| !blank(r));
    let Some(first) = records.next() else {
        return file_error("The file is empty. Save an empty template from the Exemptions screen and fill it in.");
    };
    let columns = match header(&first) {
        Ok(columns) => columns,
        Err(messages) => {
            let file_errors = messages.into_iter().map(|message| ImportError { row: Some(first.line), column: None, message }).collect();
            return ImportReport { file_errors, rows: Vec::new() };
        }
    };
    let data: Vec<Record> = records.collect();
    if more || data.len() > IMPORT_ROWS_MAX {
        return file_error(format!("The file has more than {ROWS} rows; split it into files of at most {ROWS}.", ROWS = "10,000"));
    }
    if data.is_empty() {
        return file_error("The file has a header but no rows to import.");
    }
    let width = first.cells.len();
    let mut rows: Vec<ImportRow> = data.iter().map(|r| row(r, width, &columns, known, now, utc_offset_minutes)).collect();
    mark_duplicates(&mut rows);
    ImportReport { file_errors: Vec::new(), rows }
}

fn row(
    record: &Record,
    width: usize,
    columns: &HashMap<&'static str, usize>,
    known: &KnownRecommendations,
    now: DateTime<Utc>,
    utc_offset_minutes: i32,
) -> ImportRow {
    let at = record.line;
    let cell = |column: &str| -> String {
        columns.get(column).and_then(|i| record.cells.get(*i)).map(|c| unguard_formula(c).trim().to_owned()).unwrap_or_default()
    };
    let mut errors = Vec::new();
    let mut fail =
        |column: Option<&str>, message: String| errors.push(ImportError { row: Some(at), column: column.map(str::to_owned), message });
    let extra = record.cells.get(width..).unwrap_or_default();
    if record.cells.len() < width || extra.iter().any(|c| !c.trim().is_empty()) {
        fail(
            None,
            format!(
                "The row has {} cells; the header has {width}. A comma inside a cell needs quotes around the cell.",
                record.cells.len()
            ),
        );
    }
    let scope = cell("scope");
    if scope.is_empty() {
        fail(Some("scope"), "Enter the scope's ARM id (/subscriptions/…, or /providers/Microsoft.Management/managementGroups/…).".into());
    } else if let Err(e) = ArmPath::parse_scope(&scope) {
        fail(Some("scope"), e.to_string());
    }
    let name = cell("name");
    for e in name_errors(&name) {
        fail(Some("name"), e.message);
    }
    let optional = |column: &str| columns.contains_key(column).then(|| cell(column));
    let display_name = optional("displayName");
    for e in text_errors(DraftField::DisplayName, "Display name", display_name.as_deref().unwrap_or_default(), DISPLAY_NAME_MAX, false) {
        fail(Some("displayName"), e.message);
    }
    let keys_cell = cell("recommendationKeys");
    let mut recommendation_keys = Vec::new();
    if keys_cell.is_empty() {
        fail(
            Some("recommendationKeys"),
            format!("Enter the recommendation's key, or \"{EVERY}\" to keep an existing exemption's recommendations."),
        );
    } else if !keys_cell.eq_ignore_ascii_case(EVERY) {
        for key in keys_cell.split([';', ',', ' ', '\n', '\t']).map(str::trim).filter(|k| !k.is_empty()) {
            if known.knows(key) {
                recommendation_keys.push(key.to_owned());
            } else {
                fail(
                    Some("recommendationKeys"),
                    format!("\"{}\" is not a recommendation of this tenant.", key.chars().take(60).collect::<String>()),
                );
            }
        }
    }
    let category_cell = cell("category");
    let category = ExemptionCategory::from_arm(&category_cell);
    if category.is_none() {
        let shown: String = category_cell.chars().take(40).collect();
        let what = if shown.is_empty() { "Enter a category".to_owned() } else { format!("\"{shown}\" is not a category") };
        fail(Some("category"), format!("{what}: Mitigated (resolved through a third party) or Waiver (risk accepted)."));
    }
    let date = cell("expiresOn");
    let expires_on = (!date.is_empty()).then(|| date.clone());
    if let Some(date) = &expires_on {
        match expiry_instant(date, utc_offset_minutes) {
            None => fail(
                Some("expiresOn"),
                format!(
                    "\"{}\" is not a date in the form YYYY-MM-DD. If Excel reformatted the dates, format the column as text.",
                    date.chars().take(40).collect::<String>()
                ),
            ),
            Some(t) if t <= now => fail(Some("expiresOn"), format!("{date} has passed; choose today or a later day.")),
            Some(_) => {}
        }
    }
    let description = optional("description");
    for e in text_errors(DraftField::Description, "Description", description.as_deref().unwrap_or_default(), DESCRIPTION_MAX, true) {
        fail(Some("description"), e.message);
    }
    let ticket = optional("ticket");
    for e in text_errors(DraftField::Description, "Ticket", ticket.as_deref().unwrap_or_default(), TICKET_MAX, false) {
        fail(Some("ticket"), e.message);
    }
    ImportRow { row: at, scope, name, display_name, recommendation_keys, category, expires_on, description, ticket, errors }
}

/// A later row naming the same exemption (scope and name, as ARM compares them) as an earlier one.
fn mark_duplicates(rows: &mut [ImportRow]) {
    let mut first: HashMap<String, u32> = HashMap::new();
    for r in rows.iter_mut() {
        if r.scope.is_empty() || r.name.is_empty() {
            continue;
        }
        let key = format!("{}|{}", r.scope.trim_end_matches('/').to_lowercase(), r.name.to_lowercase());
        match first.get(&key) {
            Some(earlier) => r.errors.push(ImportError {
                row: Some(r.row),
                column: Some("name".into()),
                message: format!("Row {earlier} already names this exemption (the same scope and name)."),
            }),
            None => {
                first.insert(key, r.row);
            }
        }
    }
}
