//! The desktop shell: builds the Tauri app, holds the connection and the
//! local store, and exposes the backend crates as commands. No domain logic.

mod commands;
mod events;
mod ipc;
mod runner;
mod state;

use std::path::PathBuf;

use desk_core::ErrorPayload;
use desk_store::{Damage, Store, StoreError, DATABASE_FILE};
use tauri::Manager;
use tracing_subscriber::EnvFilter;

pub(crate) fn store_error(e: StoreError) -> ErrorPayload {
    ErrorPayload { code: e.code(), message: e.to_string(), details: None }
}

/// `EXEMPTION_DESK_DATA_DIR`, or the OS's per-user data directory for the app.
fn data_dir(app: &tauri::App) -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("EXEMPTION_DESK_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    app.path().app_data_dir().map_err(|e| e.to_string())
}

/// The local database, or a store that refuses every call and says why: the
/// window then shows the problem and offers to move the file aside or quit.
/// An existing file is never replaced, so an unfinished apply in it is kept.
fn open_store(app: &tauri::App) -> Result<(Store, PathBuf), StoreError> {
    let (path, opened) = match data_dir(app) {
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

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("EXEMPTION_DESK_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let ipc = ipc::builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(ipc.invoke_handler())
        .setup(move |app| {
            ipc.mount_events(app);
            let (store, path) = open_store(app)?;
            app.manage(state::Desk::new(store, path));
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        tracing::error!("Exemption Desk could not start: {e}");
        std::process::exit(1);
    }
}
