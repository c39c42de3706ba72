//! What this app did to one exemption: its journalled writes (each with who
//! was signed in, when and the outcome) and the audit log's lines naming it.

use desk_core::apply::ItemState;
use desk_core::details::{audit_of_write, AuditAction, AuditEntry};
use desk_core::plan::PlannedWrite;
use rusqlite::params;

use crate::error::StoreError;
use crate::Store;

impl Store {
    /// Every journalled write to `exemption_id` and every audit line that
    /// names it (ids compared without regard to case), oldest first.
    pub fn exemption_audit(&self, exemption_id: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let conn = self.conn()?;
        let id = exemption_id.trim_end_matches('/');
        let mut entries = Vec::new();
        let mut writes = conn.prepare(
            "SELECT a.id, a.account, i.idx, i.write_json, i.state, i.message, i.updated_at
             FROM apply_items i JOIN applies a ON a.id = i.apply_id
             WHERE lower(json_extract(i.write_json, '$.path')) = lower(?1)
             ORDER BY i.updated_at, a.started_at, i.idx",
        )?;
        let rows = writes.query_map(params![id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        for row in rows {
            let (apply_id, account, index, json, state, message, at) = row?;
            let write: PlannedWrite =
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("apply {apply_id} item {index}: {e}")))?;
            let state = ItemState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("state {state}")))?;
            entries.push(audit_of_write(&write, at, account, state, message, apply_id));
        }
        let mut lines =
            conn.prepare("SELECT at, account, action, detail FROM audit WHERE instr(lower(detail), lower(?1)) > 0 ORDER BY id")?;
        let rows = lines.query_map(params![id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        for row in rows {
            let (at, account, action, detail) = row?;
            entries.push(AuditEntry {
                at,
                account,
                action: AuditAction::Logged,
                state: None,
                message: Some(format!("{action}: {detail}")),
                apply_id: None,
                changes: Vec::new(),
            });
        }
        // The journal and the log write their times differently: compare them as times.
        entries.sort_by_cached_key(|e| chrono::DateTime::parse_from_rfc3339(&e.at).ok());
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use desk_core::apply::ItemState;
    use desk_core::details::AuditAction;
    use desk_core::plan::{PlannedWrite, WriteMethod};
    use serde_json::json;

    use crate::Store;

    const ID: &str = "/subscriptions/s/providers/Microsoft.Authorization/policyExemptions/e1";

    fn write(path: &str, method: WriteMethod, as_read: Option<serde_json::Value>) -> PlannedWrite {
        PlannedWrite {
            method,
            scope: "/subscriptions/s".into(),
            name: path.rsplit('/').next().unwrap_or_default().into(),
            path: path.into(),
            policy_assignment_id: "/a".into(),
            initiative_name: "I".into(),
            policy_definition_reference_ids: Vec::new(),
            replaces_existing: false,
            below_chosen_scope: false,
            body: json!({"properties": {"expiresOn": "2027-01-01T00:00:00Z"}}),
            as_read,
        }
    }

    #[test]
    fn an_exemptions_writes_and_log_lines_are_found_by_its_id_in_any_case() {
        let store = Store::in_memory().expect("opens");
        let other = "/subscriptions/s/providers/Microsoft.Authorization/policyExemptions/e2";
        store
            .record_apply("a1", "k", "ann@contoso.example", &[write(ID, WriteMethod::Put, None), write(other, WriteMethod::Put, None)])
            .expect("records");
        store.set_item_state("a1", 0, ItemState::Succeeded, 1, None).expect("state");
        let read = json!({"properties": {"expiresOn": "2026-12-01T00:00:00Z"}});
        store.record_apply("a2", "", "bob@contoso.example", &[write(ID, WriteMethod::Put, Some(read))]).expect("records");
        store.set_item_state("a2", 0, ItemState::Failed, 3, Some("Attempt 3 failed: throttled")).expect("state");
        store.audit("bob@contoso.example", "note", &format!("looked at {}", ID.to_uppercase())).expect("logs");
        store.audit("bob@contoso.example", "note", "about something else").expect("logs");

        let found = store.exemption_audit(&ID.to_lowercase()).expect("reads");
        let got: Vec<(AuditAction, Option<ItemState>, &str)> = found.iter().map(|e| (e.action, e.state, e.account.as_str())).collect();
        assert_eq!(
            got,
            [
                (AuditAction::Created, Some(ItemState::Succeeded), "ann@contoso.example"),
                (AuditAction::Changed, Some(ItemState::Failed), "bob@contoso.example"),
                (AuditAction::Logged, None, "bob@contoso.example"),
            ]
        );
        assert_eq!(found[1].changes.len(), 1, "the change says what it changed");
        assert_eq!(found[1].message.as_deref(), Some("Attempt 3 failed: throttled"));
        assert_eq!(found[0].apply_id.as_deref(), Some("a1"));
        assert!(store
            .exemption_audit("/subscriptions/s/providers/Microsoft.Authorization/policyExemptions/none")
            .expect("reads")
            .is_empty());
    }
}
