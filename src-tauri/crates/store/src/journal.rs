//! The apply journal.

use chrono::{SecondsFormat, Utc};
use desk_core::apply::{ApplyItem, ApplyObserver, ApplyReport, ItemState};
use desk_core::plan::PlannedWrite;
use rusqlite::{params, OptionalExtension};

use crate::error::StoreError;
use crate::Store;

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Store {
    /// Record an apply and every write it will send, all as `Planned`, in one
    /// transaction: either the whole plan is journalled or none of it.
    pub fn record_apply(&self, id: &str, recommendation_key: &str, account: &str, writes: &[PlannedWrite]) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let at = now();
        tx.execute(
            "INSERT INTO applies (id, started_at, recommendation_key, account) VALUES (?1, ?2, ?3, ?4)",
            params![id, at, recommendation_key, account],
        )?;
        for (index, write) in writes.iter().enumerate() {
            let json = serde_json::to_string(write).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.execute(
                "INSERT INTO apply_items (apply_id, idx, write_json, state, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, index as i64, json, ItemState::Planned.as_str(), at],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Record an item's new state (before a send: `Sending`; after: its outcome).
    pub fn set_item_state(
        &self,
        apply_id: &str,
        index: u32,
        state: ItemState,
        attempts: u32,
        message: Option<&str>,
    ) -> Result<(), StoreError> {
        let changed = self.conn()?.execute(
            "UPDATE apply_items SET state = ?3, attempts = ?4, message = ?5, updated_at = ?6 WHERE apply_id = ?1 AND idx = ?2",
            params![apply_id, index as i64, state.as_str(), attempts as i64, message, now()],
        )?;
        if changed == 0 {
            return Err(StoreError::UnknownApply(format!("{apply_id} item {index}")));
        }
        Ok(())
    }

    pub fn apply_report(&self, id: &str) -> Result<ApplyReport, StoreError> {
        let conn = self.conn()?;
        let head: Option<(String, String)> = conn
            .query_row("SELECT started_at, recommendation_key FROM applies WHERE id = ?1", params![id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (started_at, recommendation_key) = head.ok_or_else(|| StoreError::UnknownApply(id.to_owned()))?;
        let mut statement =
            conn.prepare("SELECT idx, write_json, state, attempts, message FROM apply_items WHERE apply_id = ?1 ORDER BY idx")?;
        let rows = statement.query_map(params![id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?, r.get(4)?))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (index, json, state, attempts, message) = row?;
            let write: PlannedWrite =
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("apply {id} item {index}: {e}")))?;
            let state = ItemState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("state {state}")))?;
            items.push(ApplyItem { index: index as u32, write, state, attempts: attempts as u32, message });
        }
        let finished = items.iter().all(|i| i.state.is_final());
        Ok(ApplyReport { id: id.to_owned(), started_at, recommendation_key, items, finished })
    }

    /// `account`'s applies with an item not yet in a final state: interrupted
    /// by a crash or a kill, waiting to be resumed.
    pub fn unfinished_applies(&self, account: &str) -> Result<Vec<ApplyReport>, StoreError> {
        let ids: Vec<String> = {
            let conn = self.conn()?;
            let mut statement = conn.prepare(
                "SELECT DISTINCT a.id FROM applies a JOIN apply_items i ON i.apply_id = a.id
                 WHERE a.account = ?1 AND i.state NOT IN ('Succeeded', 'Failed', 'Cancelled', 'Changed') ORDER BY a.started_at",
            )?;
            let rows = statement.query_map(params![account], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        ids.iter().map(|id| self.apply_report(id)).collect()
    }
}

/// An apply's journal as the apply engine's observer: each state change is
/// on disk before the engine goes on.
pub struct Journal<'a> {
    pub store: &'a Store,
    pub apply_id: &'a str,
}

impl ApplyObserver for Journal<'_> {
    fn changed(&self, index: u32, state: ItemState, attempts: u32, message: Option<&str>) -> Result<(), String> {
        self.store.set_item_state(self.apply_id, index, state, attempts, message).map_err(|e| e.to_string())
    }
}

impl Store {
    /// The writes of an apply whose state `pick` selects, set back to
    /// `Planned` so they can be sent again (retry failed, resume unfinished).
    pub fn items_to_send(&self, apply_id: &str, pick: fn(ItemState) -> bool) -> Result<Vec<(u32, PlannedWrite)>, StoreError> {
        let report = self.apply_report(apply_id)?;
        let items: Vec<(u32, PlannedWrite)> = report.items.into_iter().filter(|i| pick(i.state)).map(|i| (i.index, i.write)).collect();
        for (index, _) in &items {
            self.set_item_state(apply_id, *index, ItemState::Planned, 0, None)?;
        }
        Ok(items)
    }
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
