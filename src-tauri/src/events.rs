//! The events the backend sends the window, typed. Each wraps a payload type
//! of the core crate (the wrapper is transparent: the window receives the
//! payload itself) and is registered once in [`crate::ipc::builder`], which
//! renders `events.<name>.listen(…)` for the UI. The wrappers live here, not
//! on the core types, so the core crate stays free of Tauri.

use desk_core::apply::{ApplyProgress, ApplyStopped};
use desk_core::session::DeviceCodePrompt;
use serde::Serialize;

/// An apply's item changed state; the journal recorded it first.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(transparent)]
#[tauri_specta(event_name = "apply-progress")]
pub struct ApplyProgressEvent(pub ApplyProgress);

/// An apply stopped by an internal error (a caught panic). Its unfinished
/// writes stay in the journal, offered for resuming.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(transparent)]
#[tauri_specta(event_name = "apply-stopped")]
pub struct ApplyStoppedEvent(pub ApplyStopped);

/// What to show while the user signs in with a device code elsewhere.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(transparent)]
#[tauri_specta(event_name = "device-code")]
pub struct DeviceCodeEvent(pub DeviceCodePrompt);

/// The user clicked an expiry reminder: open the register filtered to the
/// exemptions that expire soon.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "open-expiring")]
pub struct OpenExpiringEvent;

/// The app was asked to open something from outside (a deep link, a request
/// file, a second launch's arguments): the window goes there, or shows why not.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(transparent)]
#[tauri_specta(event_name = "open-target")]
pub struct OpenTargetEvent(pub desk_core::link::OpenTarget);

/// Requests changed in the shared table (a new one waits, one was decided):
/// the Requests screen reads them again.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "requests-changed")]
pub struct RequestsChangedEvent;
