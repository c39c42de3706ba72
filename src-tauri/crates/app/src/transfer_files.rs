//! The register's files on disk: the export and the empty template written
//! where the native save dialog said, and an import read from where the
//! open dialog said. The path is checked here, never trusted from the window.

use std::io::Read;
use std::path::{Path, PathBuf};

use desk_core::register::RegisterEntry;
use desk_core::transfer::{export, template, ExportFormat, ImportSource};

use crate::{AppError, Desk};

/// The most rows one export takes (the register's ceiling with room to spare).
pub const EXPORT_ROWS_MAX: usize = 200_000;
/// The largest import file read (10,000 rows of the longest cells fit well within).
pub const IMPORT_BYTES_MAX: u64 = 32 * 1024 * 1024;

/// The name the save dialog suggests: `exemptions-2026-12-01.csv`.
pub fn export_file_name(format: ExportFormat) -> String {
    format!("exemptions-{}.{}", chrono::Local::now().format("%Y-%m-%d"), format.extension())
}

fn file_error(message: String) -> AppError {
    AppError::File(message)
}

/// The path to write, with the format's extension added when the dialog
/// gave none; refused when it is relative, names a folder, has another
/// extension, or its folder does not exist.
pub fn export_path(path: &str, format: ExportFormat) -> Result<PathBuf, AppError> {
    let mut path = PathBuf::from(path);
    if !path.is_absolute() {
        return Err(file_error(format!("Choose where to save the file (\"{}\" is not a full path).", path.display())));
    }
    if path.is_dir() {
        return Err(file_error(format!("{} is a folder; choose a file name.", path.display())));
    }
    let wanted = format.extension();
    match path.extension().and_then(|e| e.to_str()) {
        None => {
            path.set_extension(wanted);
        }
        Some(e) if e.eq_ignore_ascii_case(wanted) => {}
        Some(e) => return Err(file_error(format!("A {} export is saved as .{wanted}, not .{e}.", wanted.to_uppercase()))),
    }
    if !path.parent().is_some_and(Path::is_dir) {
        return Err(file_error(format!("The folder of {} does not exist.", path.display())));
    }
    Ok(path)
}

/// Write through a sibling file renamed into place, so a failed write never
/// leaves half a file under the chosen name.
pub(crate) fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = path.with_file_name(format!(".{name}.partial"));
    let failed = |e: std::io::Error| file_error(format!("{} could not be written: {e}.", path.display()));
    std::fs::write(&partial, bytes).map_err(failed)?;
    std::fs::rename(&partial, path).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        failed(e)
    })
}

/// The bytes of an import file, at most [`IMPORT_BYTES_MAX`].
pub fn import_bytes(source: &ImportSource) -> Result<Vec<u8>, AppError> {
    let too_big = || file_error(format!("The file is larger than {} MB; split it.", IMPORT_BYTES_MAX / 1024 / 1024));
    match source {
        ImportSource::Contents { bytes } => {
            if bytes.len() as u64 > IMPORT_BYTES_MAX {
                return Err(too_big());
            }
            Ok(bytes.clone())
        }
        ImportSource::Path { path } => {
            let path = Path::new(path);
            if !path.is_absolute() || !path.is_file() {
                return Err(file_error(format!("{} is not a file.", path.display())));
            }
            let failed = |e: std::io::Error| file_error(format!("{} could not be read: {e}.", path.display()));
            let file = std::fs::File::open(path).map_err(failed)?;
            let mut bytes = Vec::new();
            file.take(IMPORT_BYTES_MAX.saturating_add(1)).read_to_end(&mut bytes).map_err(failed)?;
            if bytes.len() as u64 > IMPORT_BYTES_MAX {
                return Err(too_big());
            }
            Ok(bytes)
        }
    }
}

impl Desk {
    /// Write the register's rows the window shows to `path` as CSV or JSON;
    /// returns the path written (with its extension).
    pub fn export_register(
        &self,
        entries: &[RegisterEntry],
        format: ExportFormat,
        path: &str,
        utc_offset_minutes: i32,
    ) -> Result<String, AppError> {
        if entries.len() > EXPORT_ROWS_MAX {
            return Err(file_error(format!("{} rows are more than one export takes ({EXPORT_ROWS_MAX}).", entries.len())));
        }
        let path = export_path(path, format)?;
        write_whole(&path, &export(entries, format, utc_offset_minutes))?;
        let detail = format!("{} exemptions as {} to {}", entries.len(), format.extension(), path.display());
        self.store.audit("Exemption Desk", "export_register", &detail)?;
        Ok(path.display().to_string())
    }

    /// Write a CSV with the export's header only, to fill in for an import.
    pub fn save_import_template(&self, path: &str) -> Result<String, AppError> {
        let path = export_path(path, ExportFormat::Csv)?;
        write_whole(&path, &template())?;
        Ok(path.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("desk-transfer-{name}-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    }

    #[test]
    fn export_paths_get_their_extension_and_refuse_another() {
        let d = dir("paths");
        let bare = d.join("register").display().to_string();
        assert_eq!(export_path(&bare, ExportFormat::Csv).ok(), Some(d.join("register.csv")));
        assert_eq!(export_path(&format!("{bare}.JSON"), ExportFormat::Json).ok(), Some(d.join("register.JSON")));
        assert!(export_path(&format!("{bare}.xlsx"), ExportFormat::Csv).is_err());
        assert!(export_path("relative.csv", ExportFormat::Csv).is_err());
        assert!(export_path(&d.display().to_string(), ExportFormat::Csv).is_err());
        assert!(export_path(&d.join("missing").join("x.csv").display().to_string(), ExportFormat::Csv).is_err());
    }

    #[test]
    fn a_written_file_is_whole_and_leaves_nothing_beside_it() {
        let d = dir("write");
        let path = d.join("out.csv");
        write_whole(&path, b"a,b\r\n").expect("writes");
        assert_eq!(std::fs::read(&path).ok(), Some(b"a,b\r\n".to_vec()));
        let names: Vec<_> = std::fs::read_dir(&d).into_iter().flatten().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn import_files_are_capped_and_must_be_files() {
        let d = dir("read");
        assert!(import_bytes(&ImportSource::Path { path: d.display().to_string() }).is_err());
        assert!(import_bytes(&ImportSource::Path { path: "x.csv".into() }).is_err());
        let path = d.join("in.csv");
        let _ = std::fs::write(&path, b"scope\r\n");
        assert_eq!(import_bytes(&ImportSource::Path { path: path.display().to_string() }).ok(), Some(b"scope\r\n".to_vec()));
    }
}
