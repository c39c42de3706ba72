//! The application's events, delivered to the window with Tauri's `Emitter`.

use std::sync::Arc;

use desk_app::{Events, DEVICE_CODE_EVENT, PROGRESS_EVENT, STOPPED_EVENT};
use desk_core::apply::{ApplyProgress, ApplyStopped};
use desk_core::session::DeviceCodePrompt;
use tauri::{AppHandle, Emitter};

pub struct Window(pub AppHandle);

impl Window {
    pub fn events(app: AppHandle) -> Arc<dyn Events> {
        Arc::new(Window(app))
    }
}

impl Events for Window {
    fn apply_progress(&self, progress: &ApplyProgress) -> Result<(), String> {
        self.0.emit(PROGRESS_EVENT, progress).map_err(|e| e.to_string())
    }

    fn apply_stopped(&self, stopped: &ApplyStopped) -> Result<(), String> {
        self.0.emit(STOPPED_EVENT, stopped).map_err(|e| e.to_string())
    }

    fn device_code(&self, prompt: &DeviceCodePrompt) -> Result<(), String> {
        self.0.emit(DEVICE_CODE_EVENT, prompt).map_err(|e| e.to_string())
    }
}
