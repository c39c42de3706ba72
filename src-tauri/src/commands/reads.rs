use desk_app::Desk;
use tauri::State;

/// Stop the long read started under `read_id` (the window left it); it ends
/// with `read_cancelled`. A read that already ended is left as it is.
#[tauri::command]
#[specta::specta]
pub fn cancel_read(desk: State<'_, Desk>, read_id: String) {
    desk.cancel_read(&read_id);
}
