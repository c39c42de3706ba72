//! Opening the database file, and what to do when it cannot be used.
//!
//! An existing file is never re-initialised or overwritten: a file that is
//! empty, not a database, damaged, newer than this app, read-only or locked
//! is reported as a [`Damage`], so the app can say so and the user can move it
//! aside (kept, renamed with a timestamp) or quit. An unfinished apply in it
//! is therefore never dropped without the user knowing.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::Utc;
use desk_core::storage::{DatabaseProblem, DatabaseProblemKind};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::error::StoreError;
use crate::schema;

/// The database's file name in the data folder.
pub const DATABASE_FILE: &str = "exemption-desk.sqlite";

/// Why the database file at `path` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub path: PathBuf,
    pub kind: DatabaseProblemKind,
    /// What SQLite or the operating system said, for the reason shown.
    pub detail: String,
}

impl Damage {
    /// The database cannot even be located (no data folder for this user).
    pub fn unavailable(path: &Path, detail: impl fmt::Display) -> Self {
        Damage::new(path, DatabaseProblemKind::Unavailable, detail)
    }

    fn new(path: &Path, kind: DatabaseProblemKind, detail: impl fmt::Display) -> Self {
        Damage { path: path.to_owned(), kind, detail: detail.to_string() }
    }

    /// A sentence naming what is wrong.
    pub fn reason(&self) -> String {
        let what = match self.kind {
            DatabaseProblemKind::Empty => "The file is empty (0 bytes): it holds no journal, drafts or profiles",
            DatabaseProblemKind::NotADatabase => "The file is not an SQLite database",
            DatabaseProblemKind::Damaged => "The database is damaged",
            DatabaseProblemKind::NewerVersion => "The database was written by a newer version of Exemption Desk",
            DatabaseProblemKind::ReadOnly => "The file or its folder cannot be written",
            DatabaseProblemKind::DiskFull => "The disk is full",
            DatabaseProblemKind::Busy => "Another program holds the database locked",
            DatabaseProblemKind::Unavailable => "The file cannot be opened",
        };
        if self.detail.is_empty() {
            format!("{what}.")
        } else {
            format!("{what} ({}).", self.detail)
        }
    }

    /// Moving the file aside helps unless another program holds it or the
    /// folder cannot take a new file.
    pub fn can_move_aside(&self) -> bool {
        self.path.exists() && !matches!(self.kind, DatabaseProblemKind::Busy | DatabaseProblemKind::DiskFull) && folder_writable(&self.path)
    }

    pub fn problem(&self) -> DatabaseProblem {
        DatabaseProblem { kind: self.kind, reason: self.reason(), can_move_aside: self.can_move_aside() }
    }
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason())
    }
}

fn folder_writable(path: &Path) -> bool {
    let Some(dir) = path.parent() else { return false };
    // A probe is the only honest test (permissions, read-only mounts, immutable flags, root).
    let probe = dir.join(format!(".exemption-desk-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => std::fs::remove_file(&probe).is_ok(),
        Err(_) => false,
    }
}

/// What an SQLite or I/O failure says about the file.
fn classify(path: &Path, e: &rusqlite::Error) -> Damage {
    let kind = match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => DatabaseProblemKind::NotADatabase,
        Some(ErrorCode::DatabaseCorrupt) => DatabaseProblemKind::Damaged,
        Some(ErrorCode::ReadOnly) => DatabaseProblemKind::ReadOnly,
        Some(ErrorCode::DiskFull) => DatabaseProblemKind::DiskFull,
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => DatabaseProblemKind::Busy,
        // SQLite needs to create its -wal/-shm (or journal) files beside the database.
        _ if !folder_writable(path) => {
            return Damage::new(path, DatabaseProblemKind::ReadOnly, format!("its folder cannot be written: {e}"))
        }
        _ => DatabaseProblemKind::Unavailable,
    };
    Damage::new(path, kind, e)
}

fn io_damage(path: &Path, e: &std::io::Error) -> Damage {
    let kind = match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => DatabaseProblemKind::ReadOnly,
        std::io::ErrorKind::StorageFull => DatabaseProblemKind::DiskFull,
        _ => DatabaseProblemKind::Unavailable,
    };
    Damage::new(path, kind, e)
}

/// Open the database at `path`, creating it (and its folder, private to
/// this user) only when there is no file yet. Anything that would mean
/// ignoring, re-initialising or overwriting an existing file is a [`Damage`].
pub(crate) fn open(path: &Path) -> Result<Connection, StoreError> {
    let damaged = |d: Damage| StoreError::Damaged(Box::new(d));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        private_folder(dir).map_err(|e| damaged(io_damage(path, &e)))?;
    }
    let existing = match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            return Err(damaged(Damage::new(path, DatabaseProblemKind::Unavailable, "it is not a regular file")))
        }
        Ok(meta) => Some(meta.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(damaged(io_damage(path, &e))),
    };
    if existing == Some(0) {
        return Err(damaged(Damage::new(path, DatabaseProblemKind::Empty, "")));
    }
    let flags = if existing.is_some() {
        // Never SQLITE_OPEN_CREATE for a file that is there: a file that
        // vanishes meanwhile is an error, not a new empty journal.
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(|e| damaged(classify(path, &e)))?;
    // SQLite quietly falls back to read-only when the file cannot be written.
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
        return Err(damaged(Damage::new(path, DatabaseProblemKind::ReadOnly, "it opened read-only")));
    }
    if existing.is_some() {
        inspect(path, &conn).map_err(damaged)?;
    }
    schema::migrate(&conn).map_err(|e| match e {
        StoreError::Sqlite(e) => damaged(classify(path, &e)),
        other => other,
    })?;
    private_files(path).map_err(|e| damaged(io_damage(path, &e)))?;
    Ok(conn)
}

/// An existing file: readable, intact (`PRAGMA quick_check`), and a schema
/// this version knows.
fn inspect(path: &Path, conn: &Connection) -> Result<(), Damage> {
    let check: Vec<String> = conn
        .prepare("PRAGMA quick_check")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
        .map_err(|e| classify(path, &e))?;
    if check.first().map(String::as_str) != Some("ok") {
        let first: Vec<&str> = check.iter().take(3).map(String::as_str).collect();
        return Err(Damage::new(path, DatabaseProblemKind::Damaged, first.join("; ")));
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| classify(path, &e))?;
    if version > schema::VERSION {
        return Err(Damage::new(
            path,
            DatabaseProblemKind::NewerVersion,
            format!("schema {version}, this version reads up to {}", schema::VERSION),
        ));
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
        .map_err(|e| classify(path, &e))?;
    if let Some(missing) = schema::tables_at(version).iter().find(|t| !tables.iter().any(|have| have == *t)) {
        return Err(Damage::new(path, DatabaseProblemKind::Damaged, format!("its table {missing} is missing")));
    }
    if version == 0 && !tables.is_empty() {
        return Err(Damage::new(path, DatabaseProblemKind::NotADatabase, "it is another program's SQLite database"));
    }
    Ok(())
}

/// The data folder, created if needed; private to this user on Unix (0700).
/// A shared folder (sticky bit, like /tmp) is left as it is.
fn private_folder(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if !dir.exists() {
            std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        }
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o1000 == 0 && mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// The database, its write-ahead log and shared-memory file: this user's only (0600).
fn private_files(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [path.to_owned(), sidecar(path, "-wal"), sidecar(path, "-shm")] {
            match std::fs::metadata(&file) {
                Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Move the database at `path` (with its `-wal` and `-shm` files, so the
/// moved copy stays whole) to `{name}.damaged-{UTC timestamp}` beside it.
/// Nothing is deleted or overwritten. Returns where the database went.
pub fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let io = |target: &Path, source: std::io::Error| StoreError::Io { path: target.display().to_string(), source };
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut target = sidecar(path, &format!(".damaged-{stamp}"));
    let mut n = 1u32;
    while [target.clone(), sidecar(&target, "-wal"), sidecar(&target, "-shm")].iter().any(|p| p.exists() || p.is_symlink()) {
        n = n.saturating_add(1);
        target = sidecar(path, &format!(".damaged-{stamp}-{n}"));
    }
    // The log first: a database without its log is worse than a log without its database.
    for suffix in ["-wal", "-shm"] {
        let from = sidecar(path, suffix);
        if from.exists() {
            std::fs::rename(&from, sidecar(&target, suffix)).map_err(|e| io(&from, e))?;
        }
    }
    std::fs::rename(path, &target).map_err(|e| io(path, e))?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: std::os::raw::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    /// What SQLite says on a full disk or a held lock is named as such (these
    /// cannot be provoked portably in a test), and moving aside is not offered.
    #[test]
    fn sqlite_failures_are_named_for_people() {
        let dir = std::env::temp_dir();
        let path = dir.join(DATABASE_FILE);
        let kind = |code| classify(&path, &failure(code)).kind;
        assert_eq!(kind(rusqlite::ffi::SQLITE_FULL), DatabaseProblemKind::DiskFull);
        assert_eq!(kind(rusqlite::ffi::SQLITE_BUSY), DatabaseProblemKind::Busy);
        assert_eq!(kind(rusqlite::ffi::SQLITE_LOCKED), DatabaseProblemKind::Busy);
        assert_eq!(kind(rusqlite::ffi::SQLITE_NOTADB), DatabaseProblemKind::NotADatabase);
        assert_eq!(kind(rusqlite::ffi::SQLITE_CORRUPT), DatabaseProblemKind::Damaged);
        assert_eq!(kind(rusqlite::ffi::SQLITE_READONLY), DatabaseProblemKind::ReadOnly);
        let full = classify(&path, &failure(rusqlite::ffi::SQLITE_FULL));
        assert!(full.reason().starts_with("The disk is full ("), "{}", full.reason());
        assert!(!full.can_move_aside());
        let busy = Damage::new(&path, DatabaseProblemKind::Busy, "");
        assert_eq!(busy.reason(), "Another program holds the database locked.");
        assert!(!busy.can_move_aside(), "a file another program holds is not moved");
        let io = io_damage(&path, &std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(io.kind, DatabaseProblemKind::DiskFull);
    }
}
