//! The desktop shell: builds the Tauri app, holds the application crate's
//! `Desk` as its state, and exposes it as commands. No domain logic.

mod commands;
mod compositing;
mod demo;
mod events;
mod ipc;
mod reminders;
mod request_watch;
mod rows;
mod startup;
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
    startup::begin();
    compositing::choose();
    let ipc = ipc::builder();
    startup::reached("commands collected");
    let result = tauri::Builder::default()
        .plugin(startup::milestones())
        .plugin(tauri_plugin_dialog::init())
        // Expiry reminders as native notifications, shown from Rust only (the web view gets no permission).
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(ipc.invoke_handler())
        .on_page_load(|_, payload| match payload.event() {
            tauri::webview::PageLoadEvent::Started => startup::reached("page load started"),
            tauri::webview::PageLoadEvent::Finished => startup::reached("page loaded"),
        })
        .setup(move |app| {
            startup::reached("setup (the window and its web view made)");
            ipc.mount_events(app);
            let (store, path) = desk_app::open_store(data_dir(app))?;
            startup::reached("database opened");
            app.manage(Desk::new(store, path, Arc::new(demo::Simulated)));
            reminders::start(app.handle());
            request_watch::start(app.handle());
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"))
        .map(|app| {
            startup::reached("event loop made");
            app.run(|_, _| {});
        });
    if let Err(e) = result {
        tracing::error!("Exemption Desk could not start: {e}");
        std::process::exit(1);
    }
}
