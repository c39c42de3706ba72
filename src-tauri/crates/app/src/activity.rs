//! The Activity screen: the local audit log and the apply journal's writes
//! and deletes as one list (`desk_store`'s `activity`), and its export as CSV
//! to where the native save dialog said.

use desk_core::activity::{activity_csv, ActivityEntry, ActivityQuery};
use desk_core::transfer::ExportFormat;

use crate::transfer_files::{export_path, write_whole};
use crate::{AppError, Desk};

/// The most lines one export writes.
pub const ACTIVITY_EXPORT_MAX: u32 = 200_000;

/// The name the save dialog suggests: `activity-2026-12-01.csv`.
pub fn activity_file_name() -> String {
    format!("activity-{}.csv", chrono::Local::now().format("%Y-%m-%d"))
}

impl Desk {
    /// The lines `query` selects, newest first (at most its limit, capped).
    pub fn activity(&self, query: &ActivityQuery) -> Result<Vec<ActivityEntry>, AppError> {
        Ok(self.store.activity(query)?)
    }

    /// Write every line the query's text and kinds select (its limit
    /// aside, at most [`ACTIVITY_EXPORT_MAX`]) as CSV to `path` (checked as
    /// the register's export is: absolute, `.csv`, its folder exists); the path written.
    pub fn export_activity(&self, query: &ActivityQuery, path: &str) -> Result<String, AppError> {
        let path = export_path(path, ExportFormat::Csv)?;
        let lines = self.store.activity_lines(query, ACTIVITY_EXPORT_MAX)?;
        write_whole(&path, &activity_csv(&lines))?;
        let detail = format!("{} lines as csv to {}", lines.len(), path.display());
        self.store.audit("Exemption Desk", "export_activity", &detail)?;
        Ok(path.display().to_string())
    }
}
