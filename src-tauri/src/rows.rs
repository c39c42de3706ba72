//! A long read's batches (or its list so far), sent to the window over the command's channel.

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

/// Forwards the newest of what arrived, whole: for a read whose every part
/// holds its whole list so far (the recommendations), replacing the last.
pub struct LatestToWindow<T>(pub Channel<T>);

impl<T: Serialize + Clone + Send + Sync> Rows<T> for LatestToWindow<T> {
    fn arrived(&self, parts: &[T]) {
        let Some(latest) = parts.last() else { return };
        // A window that is gone misses the part; the read's answer is the whole list.
        if let Err(e) = self.0.send(latest.clone()) {
            tracing::debug!("a part of a list did not reach the window: {e}");
        }
    }
}
