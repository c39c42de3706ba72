//! What the app was asked to open before the window listened.

use desk_app::desktop::OpenQueue;
use desk_core::link::OpenTarget;
use tauri::State;

/// The links and files the app was asked to open before the window listened
/// (the first launch's arguments); later ones arrive as `open-target`
/// events. The window calls this once it listens.
#[tauri::command]
#[specta::specta]
pub fn pending_open_targets(queue: State<'_, OpenQueue>) -> Vec<OpenTarget> {
    queue.take_waiting()
}
