//! The local database when it could not be opened: its status, moving the
//! damaged file aside, trying again, or quitting.

use desk_core::storage::DatabaseStatus;
use desk_core::{ErrorCode, ErrorPayload};
use desk_store::{move_aside, Store, StoreError};
use tauri::{AppHandle, State};

use crate::state::{failure, lock, Desk};
use crate::store_error;

#[tauri::command]
#[specta::specta]
pub fn database_status(desk: State<'_, Desk>) -> DatabaseStatus {
    desk.database_status()
}

/// Rename the damaged file (kept, with a timestamp) and start a fresh database.
#[tauri::command]
#[specta::specta]
pub fn move_database_aside(desk: State<'_, Desk>) -> Result<DatabaseStatus, ErrorPayload> {
    let Some(damage) = desk.store.damage() else {
        return Err(failure(ErrorCode::DatabaseInUse, "The local database is in use; there is nothing to move aside."));
    };
    if !damage.can_move_aside() {
        return Err(failure(ErrorCode::DatabaseUnusable, format!("{} It cannot be moved aside from here.", damage.reason())));
    }
    let moved = move_aside(&damage.path).map_err(store_error)?;
    tracing::warn!(from = %damage.path.display(), to = %moved.display(), reason = %damage.reason(), "the damaged database was moved aside");
    *lock(&desk.database_moved_to) = Some(moved.clone());
    adopt(&desk, Store::open(&damage.path))?;
    let _ = desk.store.audit("Exemption Desk", "database_moved_aside", &format!("{} ({})", moved.display(), damage.reason()));
    Ok(desk.database_status())
}

/// Open the database file again (after the user freed disk space, fixed
/// permissions or closed the program holding it).
#[tauri::command]
#[specta::specta]
pub fn open_database_again(desk: State<'_, Desk>) -> Result<DatabaseStatus, ErrorPayload> {
    if let Some(damage) = desk.store.damage() {
        adopt(&desk, Store::open(&damage.path))?;
    }
    Ok(desk.database_status())
}

fn adopt(desk: &Desk, opened: Result<Store, StoreError>) -> Result<(), ErrorPayload> {
    match opened {
        Ok(store) => desk.store.adopt(store),
        Err(StoreError::Damaged(damage)) => {
            tracing::error!(%damage, "the local database cannot be used");
            desk.store.adopt(Store::unusable(*damage).map_err(store_error)?);
        }
        Err(e) => return Err(store_error(e)),
    }
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub fn quit_app(app: AppHandle) {
    app.exit(0);
}
