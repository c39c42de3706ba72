//! The desktop shell: builds the Tauri app, holds the connection and the
//! local store, and exposes the backend crates as commands. No domain logic.

mod commands;
mod runner;
mod state;

use std::path::PathBuf;

use desk_core::ErrorPayload;
use desk_store::{Store, StoreError};
use tauri::Manager;
use tracing_subscriber::EnvFilter;

pub(crate) fn store_error(e: StoreError) -> ErrorPayload {
    ErrorPayload { code: e.code().to_owned(), message: e.to_string(), details: None }
}

/// `EXEMPTION_DESK_DATA_DIR`, or the OS's per-user data directory for the app.
fn data_dir(app: &tauri::App) -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("EXEMPTION_DESK_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    app.path().app_data_dir().map_err(|e| e.to_string())
}

fn open_store(app: &tauri::App) -> Store {
    let opened = data_dir(app).and_then(|dir| Store::open(&dir.join("exemption-desk.sqlite")).map_err(|e| e.to_string()));
    match opened {
        Ok(store) => store,
        Err(e) => {
            tracing::error!("the local database could not be opened ({e}); this session's journal and drafts live in memory only");
            match Store::in_memory() {
                Ok(store) => store,
                Err(e) => panic!("not even an in-memory database could be opened: {e}"),
            }
        }
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("EXEMPTION_DESK_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let store = open_store(app);
            app.manage(state::Desk::new(store));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::session::session_info,
            commands::session::list_profiles,
            commands::session::sign_in,
            commands::session::cancel_sign_in,
            commands::session::choose_certificate_file,
            commands::session::open_device_code_page,
            commands::session::use_profile,
            commands::session::sign_out,
            commands::session::open_demo,
            commands::recommendations::list_subscriptions,
            commands::recommendations::list_management_groups,
            commands::recommendations::list_recommendations,
            commands::recommendations::recommendation_resources,
            commands::exempt::validate_exemption,
            commands::exempt::prepare_exemption,
            commands::exempt::grant_security_reader,
            commands::exempt::save_draft,
            commands::exempt::load_draft,
            commands::exempt::discard_draft,
            commands::apply::apply_plan,
            commands::apply::cancel_apply,
            commands::apply::apply_report,
            commands::apply::retry_failed,
            commands::apply::unfinished_applies,
            commands::apply::resume_apply,
            commands::apply::effect_status,
            commands::exemptions::list_exemptions,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        tracing::error!("Exemption Desk could not start: {e}");
        std::process::exit(1);
    }
}
