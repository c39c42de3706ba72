//! The window is made hidden (tauri.conf.json `"visible": false`) and shown
//! when its page has committed, not before.
//!
//! Why (Linux, WebKitGTK without compositing, `compositing.rs`): while a
//! visible web view has nothing painted yet, each GTK draw of it makes WebKit's
//! UI process send the web process `ForceUpdate` and block the main thread up
//! to 500 ms for the answer (`DrawingAreaProxyCoordinatedGraphics::
//! forceUpdateIfNeeded`). Right after it launches, the web process itself waits
//! on that main thread (`GetNetworkProcessConnection`, a synchronous request
//! the main thread answers once the network process has replied). A first draw
//! landing between the two waits the whole 500 ms before the page even starts
//! loading: about half of the app's launches, whose first draw comes later
//! than a bare WebKit window's (README "Start-up, memory and size"). Hidden, the
//! view is not drawn; once the page has committed the web process has its
//! connection and answers the first draw at once, with the boot frame.
//!
//! A page that never commits still gets its window after [`AT_THE_LATEST`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};

/// The window shows by then even if its page never committed.
const AT_THE_LATEST: Duration = Duration::from_secs(3);

/// Whether the window may still be revealed: once, and never after [`withhold`].
#[derive(Default)]
pub struct Reveal(AtomicBool);

impl Reveal {
    /// True the first time only, and never after [`Reveal::withhold`].
    fn take(&self) -> bool {
        !self.0.swap(true, Ordering::AcqRel)
    }

    fn withhold(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// Shows the main window, the first time it is called (and not after [`withhold`]).
pub fn now<R: Runtime>(app: &AppHandle<R>) {
    if !app.state::<Reveal>().take() {
        return;
    }
    if let Some(window) = app.get_webview_window("main") {
        crate::startup::reached("window shown");
        if let Err(e) = window.show() {
            tracing::warn!("the window could not be shown: {e}");
        }
    }
}

/// The window stays hidden (another copy runs: only a dialog is shown).
pub fn withhold<R: Runtime>(app: &AppHandle<R>) {
    app.state::<Reveal>().withhold();
}

/// Shows the window after [`AT_THE_LATEST`] if its page has not committed by then.
pub fn at_the_latest<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(AT_THE_LATEST).await;
        now(&app);
    });
}

#[cfg(test)]
mod tests {
    use super::Reveal;

    #[test]
    fn the_window_is_revealed_once() {
        let reveal = Reveal::default();
        assert!(reveal.take());
        assert!(!reveal.take(), "a second page load (a reload) does not show it again");
    }

    #[test]
    fn a_withheld_window_is_never_revealed() {
        let reveal = Reveal::default();
        reveal.withhold();
        assert!(!reveal.take());
    }
}
