//! Durable local state in SQLite: the apply journal (each planned write is
//! recorded before it is sent and its outcome after, so a crash resumes
//! without losing or duplicating a write), the autosaved draft, and the audit
//! log. Nothing secret is ever stored here.
//!
//! A database file that cannot be used is reported, never replaced: see
//! [`Store::open`] and [`open::Damage`].

mod audit;
mod drafts;
mod error;
mod journal;
pub mod open;
mod profiles;
mod schema;
mod settings;
mod tenant_settings;
mod activity;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

pub use error::StoreError;
pub use journal::Journal;
pub use open::{move_aside, Damage, DATABASE_FILE};

pub struct Store {
    conn: Mutex<Connection>,
    /// Set when the database could not be opened: every call is refused with
    /// it (the connection is then an empty stand-in that is never used).
    unusable: Mutex<Option<Box<Damage>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves SQLite consistent (statements are atomic).
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Store {
    /// Open the database at `path`, creating it (and its folder) only when
    /// there is no file. A file that cannot be used is
    /// [`StoreError::Damaged`], left exactly as it was.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::ready(open::open(path)?)
    }

    /// A private database that lives as long as the value (tests, demo runs).
    pub fn in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        schema::migrate(&conn)?;
        Store::ready(conn)
    }

    /// A store that refuses every call with `damage`, until [`Store::adopt`]
    /// gives it a usable database. Nothing is ever written in its place.
    pub fn unusable(damage: Damage) -> Result<Store, StoreError> {
        Ok(Store { conn: Mutex::new(Connection::open_in_memory()?), unusable: Mutex::new(Some(Box::new(damage))) })
    }

    /// Why the store refuses calls, if it does.
    pub fn damage(&self) -> Option<Damage> {
        lock(&self.unusable).as_deref().cloned()
    }

    /// Take over `other`'s database (after the damaged file was moved aside,
    /// or opened again once the user fixed it).
    pub fn adopt(&self, other: Store) {
        let Store { conn, unusable } = other;
        let mut damage = lock(&self.unusable);
        *lock(&self.conn) = conn.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        *damage = unusable.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    }

    fn ready(conn: Connection) -> Result<Store, StoreError> {
        activity::register_fold(&conn)?;
        Ok(Store { conn: Mutex::new(conn), unusable: Mutex::new(None) })
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        if let Some(damage) = lock(&self.unusable).as_ref() {
            return Err(StoreError::Damaged(damage.clone()));
        }
        Ok(lock(&self.conn))
    }
}

#[cfg(all(test, unix))]
#[path = "open_tests.rs"]
mod open_tests;
