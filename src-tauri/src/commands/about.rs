//! The About section: the version and bundled licenses, diagnostics to copy,
//! and the logs folder.

use std::sync::OnceLock;

use desk_app::Desk;
use desk_core::about::{diagnostics_text, AboutInfo, BundledLicense, DiagnosticFacts};
use desk_core::{ErrorCode, ErrorPayload};
use tauri::State;

use crate::logging::LogDir;

/// Listed at build time by `build/licenses.rs`.
const LICENSES: &str = include_str!(concat!(env!("OUT_DIR"), "/licenses.json"));

/// The app's version and the licenses of the dependencies bundled into it.
#[tauri::command]
#[specta::specta]
pub fn about() -> AboutInfo {
    static PARSED: OnceLock<Vec<BundledLicense>> = OnceLock::new();
    let licenses = PARSED.get_or_init(|| serde_json::from_str(LICENSES).unwrap_or_default()).clone();
    AboutInfo { version: env!("CARGO_PKG_VERSION").to_owned(), licenses }
}

/// Version, OS, web view, and the signed-in cloud, tenant and mode, as text
/// to paste into a support request. No account, token or secret.
#[tauri::command]
#[specta::specta]
pub async fn diagnostics(desk: State<'_, Desk>, logs: State<'_, LogDir>) -> Result<String, ErrorPayload> {
    let facts = DiagnosticFacts {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        os: os_description(),
        webview: tauri::webview_version().map_or_else(|e| format!("unknown ({e})"), |v| format!("{WEBVIEW} {v}")),
        log_folder: logs.0.as_ref().map(|d| d.display().to_string()),
        session: desk.diagnostic_session().await,
    };
    Ok(diagnostics_text(&facts))
}

/// Opens the folder holding the log files with the OS's file manager.
#[tauri::command]
#[specta::specta]
pub fn open_logs_folder(logs: State<'_, LogDir>) -> Result<(), ErrorPayload> {
    let Some(dir) = logs.0.as_ref() else {
        return Err(payload("The app is not writing a log file (its folder could not be made); see its standard error."));
    };
    desk_azure::child::open_path(dir)
        .map_err(|e| payload(&format!("The logs folder could not be opened ({e}); it is {}.", dir.display())))
}

fn payload(message: &str) -> ErrorPayload {
    ErrorPayload { code: ErrorCode::Browser, message: message.to_owned(), details: None }
}

#[cfg(target_os = "linux")]
const WEBVIEW: &str = "WebKitGTK";
#[cfg(target_os = "macos")]
const WEBVIEW: &str = "WKWebView";
#[cfg(windows)]
const WEBVIEW: &str = "WebView2";
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
const WEBVIEW: &str = "web view";

/// The distribution's name (`/etc/os-release` `PRETTY_NAME` on Linux), OS and architecture.
fn os_description() -> String {
    let platform = format!("{} {}", std::env::consts::OS, std::env::consts::ARCH);
    let pretty = std::fs::read_to_string("/etc/os-release").ok().and_then(|text| {
        text.lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').chars().take(100).collect::<String>())
    });
    match pretty {
        Some(name) => format!("{name}, {platform}"),
        None => platform,
    }
}
