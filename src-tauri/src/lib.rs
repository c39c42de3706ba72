//! The desktop shell: builds the Tauri app, holds the connection to the
//! tenant, and exposes the backend crates as commands. No domain logic here.

mod commands;
mod state;

use tracing_subscriber::EnvFilter;

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("EXEMPTION_DESK_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let result = tauri::Builder::default()
        .manage(state::Desk::default())
        .invoke_handler(tauri::generate_handler![
            commands::session::session_info,
            commands::recommendations::list_subscriptions,
            commands::recommendations::list_recommendations,
            commands::exempt::validate_exemption,
            commands::exempt::create_exemption,
            commands::exemptions::list_exemptions,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        tracing::error!("Exemption Desk could not start: {e}");
        std::process::exit(1);
    }
}
