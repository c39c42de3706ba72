//! The desktop shell: builds the Tauri app, holds the application crate's
//! `Desk` as its state, and exposes it as commands. No domain logic.

mod commands;
mod compositing;
mod demo;
mod events;
mod ipc;
mod logging;
mod open_target;
mod reminders;
mod request_watch;
mod reveal;
mod rows;
mod startup;
mod window;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use desk_app::desktop::{InstanceLock, OpenQueue};
use desk_app::Desk;
use tauri::Manager;
use tauri_plugin_window_state::StateFlags;

/// `EXEMPTION_DESK_DATA_DIR`, or the OS's per-user data directory for the app.
fn data_dir(app: &tauri::App) -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("EXEMPTION_DESK_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    app.path().app_data_dir().map_err(|e| e.to_string())
}

/// This process's arguments and working folder, as a second launch would hand them over.
fn launch_arguments() -> (Vec<String>, PathBuf) {
    let args = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    (args, std::env::current_dir().unwrap_or_default())
}

/// Another copy holds the data folder (the single-instance plugin could not
/// reach it: no session bus): say so in a dialog instead of the window, and quit.
fn already_running(app: &tauri::App, why: &str) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogKind};
    tracing::error!("{why}");
    // The window was made hidden; it stays so.
    reveal::withhold(app.handle());
    let handle = app.handle().clone();
    app.dialog().message(why).title("Exemption Desk").kind(MessageDialogKind::Warning).show(move |_| handle.exit(1));
}

pub fn run() {
    let context = tauri::generate_context!("../tauri.conf.json");
    let log_dir = logging::init(&context.config().identifier);
    startup::begin();
    compositing::choose();
    let ipc = ipc::builder();
    startup::reached("commands collected");
    let result = tauri::Builder::default()
        .manage(OpenQueue::default())
        .manage(log_dir)
        .manage(reveal::Reveal::default())
        // First of all: a second launch hands its arguments (links, files) to
        // the running app over D-Bus (Linux) and exits before opening the
        // database. Without a session bus it starts normally, and the
        // database's lock refuses it instead.
        .plugin(tauri_plugin_single_instance::init(|app, args, cwd| {
            tracing::info!("a second launch handed over its arguments");
            open_target::focus(app);
            open_target::arguments(app, &args, Path::new(&cwd));
        }))
        // The `exemption-desk` scheme (tauri.conf.json `plugins.deep-link`). On Linux
        // and Windows a link starts the app with it as an argument, handled above
        // or below; on macOS it arrives as an event.
        .plugin(tauri_plugin_deep_link::init())
        // Size, position and maximised state across restarts (not visibility or decorations).
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
                .build(),
        )
        .plugin(startup::milestones())
        .plugin(tauri_plugin_dialog::init())
        // Expiry reminders as native notifications, shown from Rust only (the web view gets no permission).
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(ipc.invoke_handler())
        .on_page_load(|webview, payload| match payload.event() {
            // (Tauri's "started" is WebKit's "committed": the page's first bytes are in.)
            tauri::webview::PageLoadEvent::Started => {
                startup::reached("page load started");
                reveal::now(webview.app_handle());
            }
            tauri::webview::PageLoadEvent::Finished => startup::reached("page loaded"),
        })
        .setup(move |app| {
            startup::reached("setup (the window and its web view made)");
            reveal::at_the_latest(app.handle());
            ipc.mount_events(app);
            let dir = data_dir(app);
            // The backstop behind the single-instance plugin: never two copies on one journal.
            if let Ok(dir) = &dir {
                match InstanceLock::acquire(dir) {
                    Ok(lock) => {
                        app.manage(lock);
                    }
                    Err(e) => {
                        already_running(app, &e.to_string());
                        return Ok(());
                    }
                }
            }
            let (store, path) = desk_app::open_store(dir)?;
            startup::reached("database opened");
            app.manage(Desk::new(store, path, Arc::new(demo::Simulated)));
            reminders::start(app.handle());
            request_watch::start(app.handle());
            #[cfg(target_os = "macos")]
            {
                use tauri_plugin_deep_link::DeepLinkExt;
                let handle = app.handle().clone();
                app.deep_link().on_open_url(move |event| {
                    let urls: Vec<String> = std::iter::once(String::new()).chain(event.urls().iter().map(|u| u.to_string())).collect();
                    open_target::focus(&handle);
                    open_target::arguments(&handle, &urls, Path::new("/"));
                });
            }
            let (args, cwd) = launch_arguments();
            open_target::arguments(app.handle(), &args, &cwd);
            tracing::info!("started; links and files a later launch is given open here");
            Ok(())
        })
        .build(context)
        .map(|app| {
            startup::reached("event loop made");
            app.run(|_, _| {});
        });
    if let Err(e) = result {
        tracing::error!("Exemption Desk could not start: {e}");
        std::process::exit(1);
    }
}
