//! Keeping people informed of requests: the shell asks the app at a modest
//! interval what is new in the request table (`Desk::request_news`: new
//! pending requests of others for an approver, decisions on the user's own
//! requests, each told once), shows one grouped native notification and tells
//! the window to read the requests again (`requests-changed`). It looks less
//! often while the window is not focused, and backs off after errors. A click
//! on the notification opens the newest request it told of (`open-target`).

use std::sync::Mutex;
use std::time::Duration;

use desk_app::{Desk, NewsSeen};
use desk_core::link::OpenTarget;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;

use crate::events::RequestsChangedEvent;

/// The first look, after the expiry reminders' (a restored sign-in is usually back by then).
const FIRST_CHECK: Duration = Duration::from_secs(10);
/// Looks while the window is focused.
const CHECK_EVERY: Duration = Duration::from_secs(60);
/// Looks while the window is in the background.
const CHECK_UNFOCUSED: Duration = Duration::from_secs(5 * 60);
/// After errors the wait doubles, up to this.
const BACK_OFF_MAX: Duration = Duration::from_secs(15 * 60);
/// The requests notification's id, so a click on it is told from the expiry reminder's.
pub const NOTIFICATION_ID: i32 = 1_313;

/// The request the last notification's click opens.
static TO_OPEN: Mutex<Option<String>> = Mutex::new(None);

/// The wait before the next look: doubled per error in a row, capped.
fn next_wait(focused: bool, errors_in_a_row: u32) -> Duration {
    let base = if focused { CHECK_EVERY } else { CHECK_UNFOCUSED };
    let factor = 1u32.checked_shl(errors_in_a_row.min(10)).unwrap_or(u32::MAX);
    base.saturating_mul(factor).min(BACK_OFF_MAX.max(base))
}

pub fn start(app: &AppHandle) {
    let clicked = app.clone();
    let listening = app.notification().on_action(move |action| {
        if action.action_id() != "tap" || action.notification().is_none_or(|n| n.id() != NOTIFICATION_ID) {
            return;
        }
        crate::open_target::focus(&clicked);
        let id = TO_OPEN.lock().ok().and_then(|slot| slot.clone());
        if let Some(id) = id {
            crate::open_target::arrived(&clicked, vec![OpenTarget::Request { id }]);
        }
    });
    if let Err(e) = listening {
        tracing::warn!("clicks on request notifications will not open the request: {e}");
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_CHECK).await;
        let mut seen = NewsSeen::default();
        let mut errors = 0u32;
        loop {
            if check(&app, &mut seen).await {
                errors = 0;
            } else {
                errors = errors.saturating_add(1);
            }
            let focused = app.get_webview_window("main").and_then(|w| w.is_focused().ok()).unwrap_or(false);
            tokio::time::sleep(next_wait(focused, errors)).await;
        }
    });
}

/// One look; false when it failed.
async fn check(app: &AppHandle, seen: &mut NewsSeen) -> bool {
    let desk = app.state::<Desk>();
    let news = match desk.request_news(seen).await {
        Ok(news) => news,
        Err(e) => {
            tracing::warn!("could not look for news of requests: {e}");
            return false;
        }
    };
    if news.is_empty() {
        return true;
    }
    let (title, body) = news.summary();
    let newest = news.decided.first().or(news.awaiting.first()).map(|r| r.id.clone());
    if let Ok(mut slot) = TO_OPEN.lock() {
        *slot = newest;
    }
    if let Err(e) = app.notification().builder().id(NOTIFICATION_ID).title(&title).body(&body).show() {
        tracing::warn!("the requests notification could not be shown: {e}");
    }
    if let Err(e) = RequestsChangedEvent.emit(app) {
        tracing::warn!("the window was not told that requests changed: {e}");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_are_modest_and_back_off_up_to_a_quarter_hour() {
        assert_eq!(next_wait(true, 0), CHECK_EVERY);
        assert_eq!(next_wait(false, 0), CHECK_UNFOCUSED);
        assert_eq!(next_wait(true, 1), Duration::from_secs(120));
        assert_eq!(next_wait(true, 50), BACK_OFF_MAX);
        assert_eq!(next_wait(false, 50), BACK_OFF_MAX);
    }
}
