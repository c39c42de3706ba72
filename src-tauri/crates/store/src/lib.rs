//! Durable local state in SQLite: the apply journal (each planned write is
//! recorded before it is sent and its outcome after, so a crash resumes
//! without losing or duplicating a write), the autosaved draft, and the audit
//! log. Nothing secret is ever stored here.

mod drafts;
mod error;
mod journal;
mod profiles;
mod schema;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

pub use error::StoreError;
pub use journal::Journal;

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Open (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Io { path: dir.display().to_string(), source: e })?;
        }
        Store::with(Connection::open(path)?)
    }

    /// A private database that lives as long as the value (tests, demo runs).
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::with(Connection::open_in_memory()?)
    }

    fn with(conn: Connection) -> Result<Store, StoreError> {
        schema::migrate(&conn)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (statements are atomic).
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
