//! Links and request files opened from outside, all through one function:
//! the first launch's arguments, a second launch's (handed over by the
//! single-instance plugin), and on macOS the deep-link plugin's URLs. Each is
//! parsed by `desk_core::link` and sent to the window as `open-target`; until
//! the window asks for what waited (`pending_open_targets`), targets wait in
//! the app's `OpenQueue`.

use std::path::Path;

use desk_app::desktop::OpenQueue;
use desk_core::link::{parse_arguments, OpenTarget};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::events::OpenTargetEvent;

/// A launch's arguments (`args[0]` is the program), relative paths taken from `cwd`.
pub fn arguments(app: &AppHandle, args: &[String], cwd: &Path) {
    let targets = parse_arguments(args, cwd, |p| p.is_file());
    arrived(app, targets);
}

/// Brings the window forward: a second launch means the user wants to see it.
pub fn focus(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

pub fn arrived(app: &AppHandle, targets: Vec<OpenTarget>) {
    for target in &targets {
        match target {
            OpenTarget::Refused { message } => tracing::warn!("asked to open something that cannot be opened: {message}"),
            other => tracing::info!(target = ?other, "asked to open"),
        }
    }
    for target in app.state::<OpenQueue>().arrived(targets) {
        if let Err(e) = OpenTargetEvent(target).emit(app) {
            tracing::warn!("the window was not told what to open: {e}");
        }
    }
}
