//! The register in and out of a spreadsheet: export what the register shows
//! as CSV (RFC 4180, UTF-8 with a byte-order mark so Excel reads it as
//! UTF-8) or JSON, and import a CSV with the export's columns into rows to
//! create or update, each checked first with its errors by row and column.
//! Pure: the app reads and writes the files and makes the writes.

use serde::{Deserialize, Serialize};
use specta::Type;

pub mod csv;
mod export;
mod import;

pub use export::{export, guard_formula, template};
pub use import::{parse_import, unguard_formula, KnownRecommendations};

/// At most this many rows in one import.
pub const IMPORT_ROWS_MAX: usize = 10_000;
/// The recommendation keys cell of an exemption that exempts every
/// recommendation of its initiative.
pub const EVERY: &str = "every";
/// Between several values in one cell (recommendation keys, names, reference ids).
pub const LIST_SEPARATOR: &str = "; ";

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    /// The file name extension the saved file must have.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

/// The export's columns, in order. The import reads those marked in
/// [`IMPORT_COLUMNS`]; the others it recognises and ignores.
pub const COLUMNS: [&str; 25] = [
    "name",
    "displayName",
    "scope",
    "scopeName",
    "level",
    "subscriptionId",
    "subscriptionName",
    "initiative",
    "initiativeId",
    "assignmentId",
    "recommendationKeys",
    "recommendations",
    "referenceIds",
    "category",
    "expiresOn",
    "expiresAtUtc",
    "state",
    "description",
    "createdBy",
    "createdAt",
    "lastModifiedBy",
    "lastModifiedAt",
    "requestedBy",
    "approvedBy",
    "ticket",
];

/// The columns an import reads, and whether each must be present.
pub const IMPORT_COLUMNS: [(&str, bool); 8] = [
    ("scope", true),
    ("name", true),
    ("displayName", false),
    ("recommendationKeys", true),
    ("category", true),
    ("expiresOn", true),
    ("description", false),
    ("ticket", false),
];

/// One problem in an import: a whole file's (no row) or a row's, in a column when it is one cell's.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportError {
    /// The spreadsheet row (the header is row 1).
    pub row: Option<u32>,
    /// The column's header name.
    pub column: Option<String>,
    pub message: String,
}

/// One data row of an import, as read (cells trimmed, the formula guard
/// taken off), with every rule it breaks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportRow {
    /// The spreadsheet row (the header is row 1).
    pub row: u32,
    /// The ARM id of the scope the exemption is at.
    pub scope: String,
    pub name: String,
    /// `None` when the file has no such column (an update then leaves the
    /// field as it is); the same for the description and the ticket.
    pub display_name: Option<String>,
    /// Assessment keys; empty when the cell says [`EVERY`] (allowed only
    /// for an exemption that exists already: its recommendations are kept).
    pub recommendation_keys: Vec<String>,
    pub category: Option<crate::exemption::ExemptionCategory>,
    /// `YYYY-MM-DD` in the user's time zone; `None` when the cell is empty.
    pub expires_on: Option<String>,
    pub description: Option<String>,
    pub ticket: Option<String>,
    /// Empty when the row may be imported.
    pub errors: Vec<ImportError>,
}

impl ImportRow {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Every row of a file, or why the file as a whole cannot be read (then no rows).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub file_errors: Vec<ImportError>,
    pub rows: Vec<ImportRow>,
}

/// Where an import's file comes from: a path the native open dialog gave,
/// or the bytes of a file dropped or pasted into the window.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ImportSource {
    Path { path: String },
    Contents { bytes: Vec<u8> },
}

/// An import to prepare: the file, the rows the user left out, and the
/// user's time zone for the expiry dates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportRequest {
    pub source: ImportSource,
    /// Spreadsheet rows not to import.
    pub excluded_rows: Vec<u32>,
    /// The user's offset from UTC in minutes, east positive.
    pub utc_offset_minutes: i32,
}

/// What an import does with a row.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub enum RowAction {
    /// A new exemption (or one per initiative assignment holding the recommendation).
    Create,
    /// The exemption exists: its fields are edited.
    Update,
    /// The exemption exists and is already as the row says: nothing is written.
    Unchanged,
    /// The user left it out.
    Excluded,
    /// It breaks a rule (see its errors): nothing is written.
    Invalid,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct RowOutcome {
    pub row: u32,
    pub action: RowAction,
    /// How many of the preview's writes come from this row.
    pub writes: u32,
}

/// An import prepared: every row with its errors and what it does, and
/// (when some row is imported) one preview of every write with the checks.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreparation {
    pub report: ImportReport,
    pub outcomes: Vec<RowOutcome>,
    pub preparation: Option<crate::apply::Preparation>,
}

#[cfg(test)]
mod tests;
