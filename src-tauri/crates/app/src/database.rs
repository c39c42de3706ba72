//! The local database: opening it at start, and when it could not be used,
//! its status, moving the damaged file aside, or trying again.

use std::path::PathBuf;

use desk_core::storage::DatabaseStatus;
use desk_store::{move_aside, Damage, Store, StoreError, DATABASE_FILE};

use crate::{lock, AppError, Desk};

/// The database in `data_dir` (or why there is no data folder), or a store
/// that refuses every call and says why: the window then shows the problem
/// and offers to move the file aside or quit. An existing file is never
/// replaced, so an unfinished apply in it is kept.
pub fn open_store(data_dir: Result<PathBuf, String>) -> Result<(Store, PathBuf), StoreError> {
    let (path, opened) = match data_dir {
        Ok(dir) => {
            let path = dir.join(DATABASE_FILE);
            let opened = Store::open(&path);
            (path, opened)
        }
        Err(e) => {
            let path = PathBuf::from(DATABASE_FILE);
            (path.clone(), Err(StoreError::Damaged(Box::new(Damage::unavailable(&path, format!("no data folder: {e}"))))))
        }
    };
    match opened {
        Ok(store) => Ok((store, path)),
        Err(StoreError::Damaged(damage)) => {
            tracing::error!(%damage, "the local database cannot be used; the window says so");
            Ok((Store::unusable(*damage)?, path))
        }
        Err(e) => Err(e),
    }
}

impl Desk {
    pub fn database_status(&self) -> DatabaseStatus {
        let damage = self.store.damage();
        DatabaseStatus {
            path: damage.as_ref().map_or(&self.database_path, |d| &d.path).display().to_string(),
            problem: damage.as_ref().map(|d| d.problem()),
            moved_to: lock(&self.database_moved_to).as_ref().map(|p| p.display().to_string()),
        }
    }

    /// Rename the damaged file (kept, with a timestamp) and start a fresh database.
    pub fn move_database_aside(&self) -> Result<DatabaseStatus, AppError> {
        let Some(damage) = self.store.damage() else {
            return Err(AppError::DatabaseInUse);
        };
        if !damage.can_move_aside() {
            return Err(AppError::DatabaseUnusable(damage.reason()));
        }
        let moved = move_aside(&damage.path)?;
        tracing::warn!(from = %damage.path.display(), to = %moved.display(), reason = %damage.reason(), "the damaged database was moved aside");
        *lock(&self.database_moved_to) = Some(moved.clone());
        self.adopt(Store::open(&damage.path))?;
        let _ = self.store.audit("Exemption Desk", "database_moved_aside", &format!("{} ({})", moved.display(), damage.reason()));
        Ok(self.database_status())
    }

    /// Open the database file again (after the user freed disk space, fixed
    /// permissions or closed the program holding it).
    pub fn open_database_again(&self) -> Result<DatabaseStatus, AppError> {
        if let Some(damage) = self.store.damage() {
            self.adopt(Store::open(&damage.path))?;
        }
        Ok(self.database_status())
    }

    fn adopt(&self, opened: Result<Store, StoreError>) -> Result<(), AppError> {
        match opened {
            Ok(store) => self.store.adopt(store),
            Err(StoreError::Damaged(damage)) => {
                tracing::error!(%damage, "the local database cannot be used");
                self.store.adopt(Store::unusable(*damage)?);
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }
}
