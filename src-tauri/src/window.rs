//! The application's events, delivered to the window as the typed events of [`crate::events`].

use std::sync::Arc;

use desk_app::Events;
use desk_core::apply::{ApplyProgress, ApplyStopped};
use desk_core::session::DeviceCodePrompt;
use tauri::AppHandle;
use tauri_specta::Event;

use crate::events::{ApplyProgressEvent, ApplyStoppedEvent, DeviceCodeEvent};

pub struct Window(pub AppHandle);

impl Window {
    pub fn events(app: AppHandle) -> Arc<dyn Events> {
        Arc::new(Window(app))
    }
}

impl Events for Window {
    fn apply_progress(&self, progress: &ApplyProgress) -> Result<(), String> {
        ApplyProgressEvent(progress.clone()).emit(&self.0).map_err(|e| e.to_string())
    }

    fn apply_stopped(&self, stopped: &ApplyStopped) -> Result<(), String> {
        ApplyStoppedEvent(stopped.clone()).emit(&self.0).map_err(|e| e.to_string())
    }

    fn device_code(&self, prompt: &DeviceCodePrompt) -> Result<(), String> {
        DeviceCodeEvent(prompt.clone()).emit(&self.0).map_err(|e| e.to_string())
    }
}
