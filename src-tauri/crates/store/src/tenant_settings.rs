//! Each tenant profile's settings for requests (the request table and the
//! tenant's policy), under a key the application chooses (the tenant and the
//! profile or mode, so two profiles never share them).

use chrono::{SecondsFormat, Utc};
use desk_core::request::TenantSettings;
use rusqlite::{params, OptionalExtension};

use crate::error::StoreError;
use crate::Store;

impl Store {
    /// The settings saved under `profile_key`; `None` when none were saved
    /// or the saved ones cannot be read (a damaged row never blocks the app).
    pub fn tenant_settings(&self, profile_key: &str) -> Result<Option<TenantSettings>, StoreError> {
        let json: Option<String> = self
            .conn()?
            .query_row("SELECT settings_json FROM tenant_settings WHERE profile_key = ?1", params![profile_key], |r| r.get(0))
            .optional()?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    pub fn save_tenant_settings(&self, profile_key: &str, settings: &TenantSettings) -> Result<(), StoreError> {
        let json = serde_json::to_string(settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn()?.execute(
            "INSERT INTO tenant_settings (profile_key, settings_json, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(profile_key) DO UPDATE SET settings_json = excluded.settings_json, updated_at = excluded.updated_at",
            params![profile_key, json, Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use desk_core::request::{ApprovalRequirement, RequestTableChoice, TenantPolicy, TenantSettings};
    use rusqlite::Connection;

    use crate::Store;

    fn chosen(table: &str) -> TenantSettings {
        TenantSettings {
            request_table: Some(RequestTableChoice { endpoint: "https://contosorisk.table.core.windows.net".into(), table: table.into() }),
            policy: TenantPolicy { approval: ApprovalRequirement::Waivers, max_expiry_days: Some(365), ticket_required: true },
        }
    }

    #[test]
    fn each_profile_keeps_its_own_settings() {
        let store = Store::in_memory().expect("opens");
        assert_eq!(store.tenant_settings("profile:a|t1").expect("reads"), None);
        store.save_tenant_settings("profile:a|t1", &chosen("requestsA")).expect("saves");
        store.save_tenant_settings("profile:b|t1", &chosen("requestsB")).expect("saves");
        store.save_tenant_settings("profile:a|t1", &chosen("requestsA2")).expect("saves again");
        assert_eq!(store.tenant_settings("profile:a|t1").expect("reads"), Some(chosen("requestsA2")));
        assert_eq!(store.tenant_settings("profile:b|t1").expect("reads"), Some(chosen("requestsB")));
        assert_eq!(store.tenant_settings("profile:a|t2").expect("reads"), None, "another tenant under the same name has none");
    }

    #[test]
    fn a_damaged_row_reads_as_none() {
        let store = Store::in_memory().expect("opens");
        store
            .conn()
            .expect("open")
            .execute("INSERT INTO tenant_settings (profile_key, settings_json, updated_at) VALUES ('k', '{\"policy\": 3}', 'x')", [])
            .expect("writes");
        assert_eq!(store.tenant_settings("k").expect("reads"), None);
    }

    #[test]
    fn a_schema_3_database_migrates_keeping_its_log_and_gains_tenant_settings() {
        let dir = std::env::temp_dir().join(format!("desk-store-migrate-4-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("desk.sqlite");
        {
            // Schema 3 exactly: today's schema less what version 4 added.
            let store = Store::open(&path).expect("creates");
            store.audit("ann@contoso.example", "sign_in", "profile contoso (Azure)").expect("logs");
            drop(store);
            let conn = Connection::open(&path).expect("raw");
            conn.execute_batch("DROP TABLE tenant_settings; DROP INDEX audit_at; DROP INDEX apply_items_updated_at; PRAGMA user_version = 3;")
                .expect("back to 3");
        }
        let store = Store::open(&path).expect("a schema 3 file opens");
        assert!(store.damage().is_none());
        let conn = store.conn().expect("usable");
        assert_eq!(conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0)).expect("version"), 4);
        let indexes: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('audit_at', 'apply_items_updated_at')", [], |r| {
                r.get(0)
            })
            .expect("indexes");
        assert_eq!(indexes, 2);
        let lines: i64 = conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).expect("count");
        assert_eq!(lines, 1, "the log survives the migration");
        drop(conn);
        store.save_tenant_settings("demo|t", &chosen("exemptionrequests")).expect("saves");
        drop(store);
        let reopened = Store::open(&path).expect("reopens");
        assert_eq!(reopened.tenant_settings("demo|t").expect("reads"), Some(chosen("exemptionrequests")));
        drop(reopened);
        let _ = std::fs::remove_dir_all(dir);
    }
}
