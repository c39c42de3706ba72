//! Expiry reminders: the shell only schedules the checks and shows what the
//! app says is due (`Desk::due_reminder`: signed in, reminders on, at most
//! hourly, once per exemption and expiry) as one native notification.
//! A click on it (reported on Linux by the notification server as the
//! `default` action, which the plugin calls `tap`) brings the window forward
//! and tells it to open the register filtered to what expires soon.

use std::time::Duration;

use desk_app::Desk;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;

use crate::events::OpenExpiringEvent;

/// The first look, soon after start (a restored sign-in is usually back by then).
const FIRST_CHECK: Duration = Duration::from_secs(5);
/// Later looks; the app itself reads the register at most hourly per session.
const CHECK_EVERY: Duration = Duration::from_secs(30);

pub fn start(app: &AppHandle) {
    let clicked = app.clone();
    let listening = app.notification().on_action(move |action| {
        if action.action_id() != "tap" {
            return;
        }
        // A click on the requests notification is the request watch's.
        if action.notification().is_some_and(|n| n.id() == crate::request_watch::NOTIFICATION_ID) {
            return;
        }
        if let Some(window) = clicked.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.set_focus();
        }
        if let Err(e) = OpenExpiringEvent.emit(&clicked) {
            tracing::warn!("the reminder's click did not reach the window: {e}");
        }
    });
    if let Err(e) = listening {
        tracing::warn!("clicks on reminders will not open the register: {e}");
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_CHECK).await;
        loop {
            check(&app).await;
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

async fn check(app: &AppHandle) {
    let desk = app.state::<Desk>();
    let reminder = match desk.due_reminder().await {
        Ok(Some(reminder)) => reminder,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!("could not look for exemptions about to expire: {e}");
            return;
        }
    };
    match app.notification().builder().title(&reminder.title).body(&reminder.body).show() {
        Ok(()) => {
            tracing::info!(exemptions = reminder.due.len(), "reminded of exemptions about to expire");
            if let Err(e) = desk.reminded(&reminder) {
                tracing::warn!("the reminder was shown but not remembered; it may be shown again: {e}");
            }
        }
        Err(e) => tracing::warn!("the expiry reminder could not be shown: {e}"),
    }
}
