//! The desktop shell: builds the Tauri app, holds the application crate's
//! `Desk` as its state, and exposes it as commands. No domain logic.

mod commands;
mod demo;
mod window;

use std::path::PathBuf;
use std::sync::Arc;

use desk_app::Desk;
use tauri::Manager;
use tracing_subscriber::EnvFilter;

/// `EXEMPTION_DESK_DATA_DIR`, or the OS's per-user data directory for the app.
fn data_dir(app: &tauri::App) -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("EXEMPTION_DESK_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    app.path().app_data_dir().map_err(|e| e.to_string())
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("EXEMPTION_DESK_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let (store, path) = desk_app::open_store(data_dir(app))?;
            app.manage(Desk::new(store, path, Arc::new(demo::Simulated)));
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
            commands::database::database_status,
            commands::database::move_database_aside,
            commands::database::open_database_again,
            commands::database::quit_app,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        tracing::error!("Exemption Desk could not start: {e}");
        std::process::exit(1);
    }
}
