use rusqlite::Connection;

use crate::error::StoreError;

pub(crate) const VERSION: i64 = 4;

/// The tables a database at schema `version` has.
pub(crate) fn tables_at(version: i64) -> &'static [&'static str] {
    match version {
        v if v >= 4 => &["applies", "apply_items", "drafts", "audit", "profiles", "settings", "reminders_sent", "tenant_settings"],
        3 => &["applies", "apply_items", "drafts", "audit", "profiles", "settings", "reminders_sent"],
        2 => &["applies", "apply_items", "drafts", "audit", "profiles"],
        1 => &["applies", "apply_items", "drafts", "audit"],
        _ => &[],
    }
}

pub fn migrate(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // Durable once a statement returns: a write recorded as sent survives a crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // One transaction (user_version is transactional): a crash mid-migration
    // leaves the previous schema, never tables without their version.
    let tx = conn.unchecked_transaction()?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version < 1 {
        tx.execute_batch(
            "CREATE TABLE applies (
                 id TEXT PRIMARY KEY,
                 started_at TEXT NOT NULL,
                 recommendation_key TEXT NOT NULL,
                 account TEXT NOT NULL
             );
             CREATE TABLE apply_items (
                 apply_id TEXT NOT NULL REFERENCES applies(id),
                 idx INTEGER NOT NULL,
                 write_json TEXT NOT NULL,
                 state TEXT NOT NULL,
                 attempts INTEGER NOT NULL DEFAULT 0,
                 message TEXT,
                 updated_at TEXT NOT NULL,
                 PRIMARY KEY (apply_id, idx)
             );
             CREATE TABLE drafts (
                 slot TEXT PRIMARY KEY,
                 draft_json TEXT NOT NULL,
                 saved_at TEXT NOT NULL
             );
             CREATE TABLE audit (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 at TEXT NOT NULL,
                 account TEXT NOT NULL,
                 action TEXT NOT NULL,
                 detail TEXT NOT NULL
             );",
        )?;
    }
    if version < 2 {
        tx.execute_batch(
            "CREATE TABLE profiles (
                 name TEXT PRIMARY KEY,
                 profile_json TEXT NOT NULL,
                 updated_at TEXT NOT NULL
             );",
        )?;
    }
    if version < 3 {
        // Settings are the app's, not a profile's; a reminder is sent once per exemption and expiry.
        tx.execute_batch(
            "CREATE TABLE settings (
                 key TEXT PRIMARY KEY,
                 value_json TEXT NOT NULL,
                 updated_at TEXT NOT NULL
             );
             CREATE TABLE reminders_sent (
                 exemption_id TEXT NOT NULL,
                 expires_on TEXT NOT NULL,
                 sent_at TEXT NOT NULL,
                 PRIMARY KEY (exemption_id, expires_on)
             );",
        )?;
    }
    if version < 4 {
        // A tenant profile's request table and policy, keyed by tenant and
        // profile (or mode); the Activity screen reads the log and the
        // journal newest first, so both are indexed by time.
        tx.execute_batch(
            "CREATE TABLE tenant_settings (
                 profile_key TEXT PRIMARY KEY,
                 settings_json TEXT NOT NULL,
                 updated_at TEXT NOT NULL
             );
             CREATE INDEX audit_at ON audit (at);
             CREATE INDEX apply_items_updated_at ON apply_items (updated_at);",
        )?;
    }
    if version < VERSION {
        tx.pragma_update(None, "user_version", VERSION)?;
    }
    tx.commit()?;
    Ok(())
}
