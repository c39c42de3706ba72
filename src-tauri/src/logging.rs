//! Where the app logs: to stderr (for a terminal and the end-to-end tests)
//! and to a file in the OS's log folder for the app, rotated by size
//! (`desk_app::desktop::LogFile`), so a user who started the app from a menu
//! can find what happened. `EXEMPTION_DESK_LOG` is the filter (default
//! `info`); `EXEMPTION_DESK_LOG_DIR` moves the folder.

use std::path::PathBuf;
use std::sync::Mutex;

use desk_app::desktop::LogFile;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// The log folder in use (none when it could not be opened), for *Open logs folder*.
pub struct LogDir(pub Option<PathBuf>);

/// `EXEMPTION_DESK_LOG_DIR`, else where Tauri's `app_log_dir` points (before
/// the app exists): `~/.local/share/<identifier>/logs` on Linux,
/// `~/Library/Logs/<identifier>` on macOS, `%LOCALAPPDATA%\<identifier>\logs` on Windows.
pub fn log_dir(identifier: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("EXEMPTION_DESK_LOG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    #[cfg(target_os = "macos")]
    return dirs::home_dir().map(|home| home.join("Library/Logs").join(identifier));
    #[cfg(not(target_os = "macos"))]
    return dirs::data_local_dir().map(|data| data.join(identifier).join("logs"));
}

/// Starts logging; returns the folder the file is in, if it could be opened.
pub fn init(identifier: &str) -> LogDir {
    let filter = EnvFilter::try_from_env("EXEMPTION_DESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let dir = log_dir(identifier);
    let opened = dir.as_ref().map(|d| LogFile::open(d));
    let (file, problem) = match opened {
        Some(Ok(file)) => (Some(file), None),
        Some(Err(e)) => (None, Some(e.to_string())),
        None => (None, Some("the OS names no folder for it".to_owned())),
    };
    let in_use = file.is_some();
    let file_layer = file.map(|f| fmt::layer().with_ansi(false).with_writer(Mutex::new(f)));
    tracing_subscriber::registry().with(filter).with(fmt::layer().with_writer(std::io::stderr)).with(file_layer).init();
    match (&dir, problem) {
        (Some(dir), None) => tracing::info!(folder = %dir.display(), version = env!("CARGO_PKG_VERSION"), "Exemption Desk starts; logging here"),
        (_, Some(problem)) => tracing::warn!("logging to stderr only: the log file could not be opened ({problem})"),
        (None, None) => {}
    }
    LogDir(if in_use { dir } else { None })
}
