//! The exemption register. STUB: the window's side is built against these
//! signatures; the real commands (one call into `Desk` each) replace them at merge.

use desk_app::Desk;
use desk_core::register::RegisterEntry;
use desk_core::ErrorPayload;
use tauri::ipc::Channel;
use tauri::State;

/// Batches go to `on_rows` as they arrive; the answer is the whole register.
#[tauri::command]
#[specta::specta]
pub async fn exemption_register(
    desk: State<'_, Desk>,
    read_id: String,
    on_rows: Channel<Vec<RegisterEntry>>,
) -> Result<Vec<RegisterEntry>, ErrorPayload> {
    let _ = (desk, read_id, on_rows);
    Ok(Vec::new())
}

/// The exemptions within the reminder window (the navigation's count).
#[tauri::command]
#[specta::specta]
pub async fn expiring_exemptions(desk: State<'_, Desk>) -> Result<Vec<RegisterEntry>, ErrorPayload> {
    let _ = desk;
    Ok(Vec::new())
}
