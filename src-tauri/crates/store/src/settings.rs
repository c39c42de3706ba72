//! The app's settings (one set for the whole app, not per profile) and the
//! expiry reminders already sent (an exemption is reminded of once per expiry).

use chrono::Utc;
use desk_core::register::Settings;
use rusqlite::{params, OptionalExtension};

use crate::error::StoreError;
use crate::Store;

const SETTINGS_KEY: &str = "app";

impl Store {
    /// The saved settings; the defaults when none were saved or the saved
    /// ones cannot be read (a damaged row never blocks the app).
    pub fn settings(&self) -> Result<Settings, StoreError> {
        let json: Option<String> =
            self.conn()?.query_row("SELECT value_json FROM settings WHERE key = ?1", params![SETTINGS_KEY], |r| r.get(0)).optional()?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
    }

    pub fn save_settings(&self, settings: &Settings) -> Result<(), StoreError> {
        let json = serde_json::to_string(settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn()?.execute(
            "INSERT INTO settings (key, value_json, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at",
            params![SETTINGS_KEY, json, Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }

    /// Of these `(exemption id, expiry)` pairs, those not reminded of yet.
    /// Ids compare case-insensitively (ARM's ids do).
    pub fn not_reminded(&self, due: &[(String, String)]) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.conn()?;
        let mut query = conn.prepare_cached("SELECT 1 FROM reminders_sent WHERE exemption_id = ?1 AND expires_on = ?2")?;
        let mut out = Vec::new();
        for (id, expires_on) in due {
            if !query.exists(params![id.to_lowercase(), expires_on])? {
                out.push((id.clone(), expires_on.clone()));
            }
        }
        Ok(out)
    }

    /// Remember that these `(exemption id, expiry)` pairs were reminded of.
    pub fn remember_reminded(&self, sent: &[(String, String)]) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let now = Utc::now().to_rfc3339();
        for (id, expires_on) in sent {
            tx.execute(
                "INSERT OR IGNORE INTO reminders_sent (exemption_id, expires_on, sent_at) VALUES (?1, ?2, ?3)",
                params![id.to_lowercase(), expires_on, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use desk_core::register::Settings;

    use crate::Store;

    #[test]
    fn settings_default_until_saved_and_survive_reopening() {
        let dir = std::env::temp_dir().join(format!("desk-store-settings-{}", std::process::id()));
        let path = dir.join("desk.sqlite");
        let chosen =
            Settings { reminder_window_days: 45, reminders_enabled: false, extra_ca_certificate: Some("/etc/ssl/proxy-root.pem".into()) };
        {
            let store = Store::open(&path).expect("opens");
            assert_eq!(store.settings().expect("reads"), Settings::default());
            store.save_settings(&chosen).expect("saves");
        }
        assert_eq!(Store::open(&path).expect("reopens").settings().expect("reads"), chosen);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn damaged_settings_read_as_the_defaults() {
        let store = Store::in_memory().expect("opens");
        store
            .conn()
            .expect("open")
            .execute("INSERT INTO settings (key, value_json, updated_at) VALUES ('app', '{\"reminderWindowDays\": \"soon\"}', 'x')", [])
            .expect("writes");
        assert_eq!(store.settings().expect("reads"), Settings::default());
    }

    #[test]
    fn a_reminder_is_sent_once_per_exemption_and_expiry() {
        let store = Store::in_memory().expect("opens");
        let due = vec![
            ("/subscriptions/S/x".to_owned(), "2027-01-01T00:00:00Z".to_owned()),
            ("/b".to_owned(), "2027-02-01T00:00:00Z".to_owned()),
        ];
        assert_eq!(store.not_reminded(&due).expect("reads"), due);
        store.remember_reminded(&due[..1]).expect("remembers");
        store.remember_reminded(&due[..1]).expect("twice is no error");
        assert_eq!(store.not_reminded(&due).expect("reads"), due[1..].to_vec());
        let same_other_case = vec![("/SUBSCRIPTIONS/s/X".to_owned(), "2027-01-01T00:00:00Z".to_owned())];
        assert!(store.not_reminded(&same_other_case).expect("reads").is_empty(), "ids compare case-insensitively");
        let extended = vec![("/subscriptions/S/x".to_owned(), "2027-03-01T00:00:00Z".to_owned())];
        assert_eq!(store.not_reminded(&extended).expect("reads"), extended, "a new expiry is reminded of again");
    }
}
