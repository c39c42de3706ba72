//! A long read's batches, sent to the window over the command's channel.

use desk_app::Rows;
use serde::Serialize;
use tauri::ipc::Channel;

/// Forwards each batch of rows to the window as it arrives.
pub struct ToWindow<T>(pub Channel<Vec<T>>);

impl<T: Serialize + Clone + Send + Sync> Rows<T> for ToWindow<T> {
    fn arrived(&self, rows: &[T]) {
        if rows.is_empty() {
            return;
        }
        // A window that is gone misses the batch; the read's answer still holds every row.
        if let Err(e) = self.0.send(rows.to_vec()) {
            tracing::debug!("a batch of rows did not reach the window: {e}");
        }
    }
}
