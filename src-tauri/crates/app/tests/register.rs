//! The register through the app: every level, the expiring rows and their
//! window from the settings, the settings kept across restarts, and the
//! expiry reminder shown once per exemption and expiry — against the simulator.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use desk_app::{AppError, Desk, Rows};
use desk_core::register::{ExpiryState, RegisterEntry, Settings};

const KV_CERTS: &str = "kv-certs-purge-protection";

#[derive(Default)]
struct Batches(Mutex<Vec<RegisterEntry>>);

impl Rows<RegisterEntry> for Batches {
    fn arrived(&self, rows: &[RegisterEntry]) {
        self.0.lock().expect("batches").extend_from_slice(rows);
    }
}

async fn signed_in(world: &World, dir: &DataDir) -> Arc<Desk> {
    let app = Arc::new(desk(dir, Arc::new(MemorySecrets::default())));
    app.sign_in(&Recorder::default(), world.service_principal("ci")).await.expect("signs in");
    app
}

fn names(entries: &[RegisterEntry]) -> Vec<String> {
    let mut names: Vec<String> = entries.iter().map(|e| e.exemption.name.clone()).collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_register_and_its_expiring_rows_follow_the_settings() {
    let world = World::start().await;
    let dir = DataDir::new("register-settings");
    let app = signed_in(&world, &dir).await;

    let batches = Batches::default();
    let all = app.exemption_register("register-1", &batches).await.expect("register");
    assert!(all.len() >= 4, "the demo's exemptions: {:?}", names(&all));
    assert_eq!(names(&batches.0.into_inner().expect("batches")), names(&all), "streamed as they arrived");
    assert_eq!(app.reads_running(), 0);
    let kv = all.iter().find(|e| e.exemption.name == KV_CERTS).expect("the key vault's exemption");
    assert!(matches!(kv.expiry, ExpiryState::ExpiresSoon { .. }), "{:?}", kv.expiry);

    let expiring = app.expiring_exemptions().await.expect("expiring");
    assert_eq!(names(&expiring), [KV_CERTS], "only the one in the 30-day window (one expired, others later or never)");

    assert_eq!(app.settings().expect("settings"), Settings::default());
    let narrow = Settings { reminder_window_days: 7, reminders_enabled: true, extra_ca_certificate: None };
    assert_eq!(app.save_settings(narrow.clone()).expect("saves"), narrow);
    assert!(app.expiring_exemptions().await.expect("expiring").is_empty(), "14 days away is outside a 7-day window");
    let kv = app.exemption_register("register-2", &Batches::default()).await.expect("register");
    assert_eq!(kv.iter().find(|e| e.exemption.name == KV_CERTS).map(|e| e.expiry), Some(ExpiryState::Active));

    // An extra CA file is read before it is saved: a relative path, a missing file, one without a certificate are refused by name.
    let ca_dir = std::env::temp_dir().join(format!("desk-ca-setting-{}", std::process::id()));
    std::fs::create_dir_all(&ca_dir).expect("dir");
    let garbage = ca_dir.join("proxy-root.pem");
    std::fs::write(&garbage, "not a certificate").expect("file");
    for (path, says) in [
        ("proxy-root.pem", "whole path"),
        ("/nowhere/proxy-root.pem", "/nowhere/proxy-root.pem"),
        (garbage.to_str().unwrap_or_default(), "no \"BEGIN CERTIFICATE\""),
    ] {
        let chosen = Settings { extra_ca_certificate: Some(path.into()), ..narrow.clone() };
        match app.save_settings(chosen) {
            Err(e @ AppError::InvalidSettings(_)) => assert!(e.to_string().contains(says), "{path}: {e}"),
            other => panic!("{path}: {other:?}"),
        }
    }
    assert_eq!(app.settings().expect("settings"), narrow, "nothing refused was saved");
    let blank = Settings { extra_ca_certificate: Some("  ".into()), ..narrow.clone() };
    assert_eq!(app.save_settings(blank).expect("a blank path is none").extra_ca_certificate, None);
    let _ = std::fs::remove_dir_all(&ca_dir);

    for bad in [0, 366, u16::MAX] {
        let refused = app.save_settings(Settings { reminder_window_days: bad, reminders_enabled: true, extra_ca_certificate: None });
        match refused {
            Err(e @ AppError::InvalidSettings(_)) => {
                assert_eq!(e.code().as_str(), "invalid_request");
                assert!(e.to_string().contains("1 to 365 days"), "{e}");
            }
            other => panic!("{bad} days: {other:?}"),
        }
    }
    drop(app);
    let again = desk(&dir, Arc::new(MemorySecrets::default()));
    assert_eq!(again.settings().expect("settings"), narrow, "kept across a restart, whoever signs in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_is_due_once_per_exemption_and_expiry() {
    let world = World::start().await;
    let dir = DataDir::new("register-reminders");
    let app = Arc::new(desk(&dir, Arc::new(MemorySecrets::default())));
    assert_eq!(app.due_reminder().await.expect("checks"), None, "never signs in by itself");
    app.sign_in(&Recorder::default(), world.service_principal("ci")).await.expect("signs in");

    let reminder = app.due_reminder().await.expect("checks").expect("the key vault's exemption is due");
    assert_eq!(reminder.title, "1 exemption expires within 30 days");
    assert!(
        reminder.body.starts_with("Certificate vault rebuild pending (kv-contoso-certs (key vault) in rg-shared-registry, "),
        "{}",
        reminder.body
    );
    assert!(reminder.body.ends_with(" in 13 days") || reminder.body.ends_with(" in 14 days"), "{}", reminder.body);
    assert_eq!(reminder.due.len(), 1);
    app.reminded(&reminder).expect("remembers");
    assert_eq!(app.due_reminder().await.expect("checks"), None, "checked within the hour");
    drop(app);

    // After a restart the register is read again at once, and the exemption is not reminded of twice.
    let app = signed_in(&world, &dir).await;
    let before = world.requests().await.len();
    assert_eq!(app.due_reminder().await.expect("checks"), None, "reminded of already");
    assert!(world.requests().await.len() > before, "the register was read again");

    // Off in the settings: nothing is read, nothing is due.
    app.save_settings(Settings { reminder_window_days: 60, reminders_enabled: false, extra_ca_certificate: None }).expect("saves");
    let before = world.requests().await.len();
    assert_eq!(app.due_reminder().await.expect("checks"), None);
    assert_eq!(world.requests().await.len(), before, "reminders off read nothing");

    // A wider window takes in more, and only those not reminded of yet are named.
    app.save_settings(Settings { reminder_window_days: 365, reminders_enabled: true, extra_ca_certificate: None }).expect("saves");
    let wider = app.due_reminder().await.expect("checks").expect("the VNet rules' exemption (2027-06-30) is in a year's window");
    assert!(!wider.body.contains("Certificate vault rebuild pending"), "{}", wider.body);
    assert_eq!(wider.title, "1 exemption expires within 365 days");
    assert!(wider.due[0].0.ends_with("/stcontosoproddata-vnet-rules"), "{:?}", wider.due);
}
