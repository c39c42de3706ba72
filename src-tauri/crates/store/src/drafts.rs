//! The autosaved Exempt form, restored when the app reopens.

use chrono::{SecondsFormat, Utc};
use desk_core::exemption::ExemptionDraft;
use rusqlite::{params, OptionalExtension};

use crate::error::StoreError;
use crate::Store;

const SLOT: &str = "exempt";

impl Store {
    pub fn save_draft(&self, draft: &ExemptionDraft) -> Result<(), StoreError> {
        let json = serde_json::to_string(draft).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn()?.execute(
            "INSERT INTO drafts (slot, draft_json, saved_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(slot) DO UPDATE SET draft_json = excluded.draft_json, saved_at = excluded.saved_at",
            params![SLOT, json, Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }

    /// The saved draft; a damaged one is dropped rather than blocking the form.
    pub fn load_draft(&self) -> Result<Option<ExemptionDraft>, StoreError> {
        let json: Option<String> =
            self.conn()?.query_row("SELECT draft_json FROM drafts WHERE slot = ?1", params![SLOT], |r| r.get(0)).optional()?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    pub fn discard_draft(&self) -> Result<(), StoreError> {
        self.conn()?.execute("DELETE FROM drafts WHERE slot = ?1", params![SLOT])?;
        Ok(())
    }

    /// Append to the audit log (who did what, with what result).
    pub fn audit(&self, account: &str, action: &str, detail: &str) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT INTO audit (at, account, action, detail) VALUES (?1, ?2, ?3, ?4)",
            // The journal's format, so the Activity screen orders both by one text comparison.
            params![Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true), account, action, detail],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use desk_core::exemption::{ExemptionCategory, ExemptionDraft};
    use desk_core::scope::ScopeChoice;

    use crate::Store;

    #[test]
    fn a_draft_survives_reopening_the_database() {
        let dir = std::env::temp_dir().join(format!("desk-store-draft-{}", std::process::id()));
        let path = dir.join("desk.sqlite");
        let draft = ExemptionDraft {
            recommendation_key: "k".into(),
            scope: ScopeChoice::Resources { ids: vec!["/subscriptions/x/resourceGroups/r/providers/A.B/c/d".into()] },
            name: "half-typed".into(),
            category: Some(ExemptionCategory::Mitigated),
            ..Default::default()
        };
        {
            let store = Store::open(&path).expect("opens");
            assert_eq!(store.load_draft().expect("reads"), None);
            store.save_draft(&draft).expect("saves");
        }
        let store = Store::open(&path).expect("reopens");
        assert_eq!(store.load_draft().expect("reads"), Some(draft));
        store.discard_draft().expect("discards");
        assert_eq!(store.load_draft().expect("reads"), None);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_damaged_draft_is_dropped_not_fatal() {
        let store = Store::in_memory().expect("opens");
        store
            .conn()
            .expect("open")
            .execute("INSERT INTO drafts (slot, draft_json, saved_at) VALUES ('exempt', '{not json', 'now')", [])
            .expect("inserts");
        assert_eq!(store.load_draft().expect("reads"), None);
    }
}
