//! Start-up milestones, for finding where the time before the first paint
//! goes. Each is logged (target `startup`, level debug: off unless asked for
//! with `EXEMPTION_DESK_LOG=startup=debug`) with the wall-clock time, so a
//! launcher can set it beside its own clock (`scripts/measure-startup.sh
//! --timeline`), and the milliseconds since `main` began.

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

static BEGAN: OnceLock<Instant> = OnceLock::new();

/// Call first thing in `main`.
pub fn begin() {
    BEGAN.get_or_init(Instant::now);
    reached("main");
}

/// Logs that `what` happened now.
pub fn reached(what: &str) {
    if tracing::enabled!(target: "startup", tracing::Level::DEBUG) {
        let since_main = BEGAN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0;
        let epoch = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
        tracing::debug!(target: "startup", "milestone epoch={epoch:.4} main+{since_main:.1}ms {what}");
    }
}

/// A plugin noting when the window and its web view are made.
pub fn milestones<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("startup-milestones")
        .on_window_ready(|_| reached("window made"))
        .on_webview_ready(|_| reached("web view made"))
        .build()
}
