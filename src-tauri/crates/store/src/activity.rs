//! The Activity screen's log: the audit log's lines and the apply journal's
//! writes and deletes as one list, newest first, searched and cut in SQL.

use desk_core::activity::{ActivityEntry, ActivityKind, ActivityQuery, ACTION_KINDS};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection};

use crate::error::StoreError;
use crate::Store;

/// `desk_fold(text)`: the text lower-cased as Rust does it (every script, not
/// only ASCII as SQLite's `lower`), for the Activity search.
pub(crate) fn register_fold(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function("desk_fold", 1, FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC, |ctx| {
        Ok(ctx.get::<Option<String>>(0)?.map(|text| text.to_lowercase()))
    })
}

/// The audit log's other actions, in words before their detail.
const ACTION_WORDS: [(&str, &str); 6] = [
    ("sign_in", "Signed in: "),
    ("sign_out", "Signed out: "),
    ("export_register", "Exported the register: "),
    ("export_activity", "Exported the activity: "),
    ("grant_security_reader", "Granted Security Reader: "),
    ("database_moved_aside", "Moved the damaged database aside: "),
];

/// `CASE action WHEN 'sign_in' THEN 'SignIn' … ELSE 'Other' END`, from core's table.
fn kind_sql() -> String {
    let whens: String = ACTION_KINDS.iter().map(|(action, kind)| format!(" WHEN '{action}' THEN '{}'", kind.as_str())).collect();
    format!("CASE action{whens} ELSE 'Other' END")
}

fn summary_sql() -> String {
    let whens: String = ACTION_WORDS.iter().map(|(action, words)| format!(" WHEN '{action}' THEN '{words}' || detail")).collect();
    format!("CASE action{whens} WHEN 'request' THEN detail WHEN 'decision' THEN detail WHEN 'apply' THEN detail ELSE action || ': ' || detail END")
}

/// The lines of the log and of the journal that `?1` (text) and `?2`/`?3`
/// (how many kinds, their names as a JSON array) select, newest first, at
/// most `?4`. Each side walks its time index backwards and stops at `?4`
/// matches, so only twice the limit is ever sorted; a journal item is one
/// line, at its last change, with its outcome.
/// `fold` is SQLite's `lower` for ASCII text (an ASCII needle only meets
/// ASCII letters, and `lower` runs inside SQLite with no call into Rust per row) or `desk_fold`.
fn query_sql(fold: &str) -> String {
    let matches = |text: &str, kind: &str| {
        format!("(?1 = '' OR instr({fold}({text}), ?1) > 0) AND (?2 = 0 OR {kind} IN (SELECT value FROM json_each(?3)))")
    };
    let (kind, summary) = (kind_sql(), summary_sql());
    let outcome = "CASE WHEN action IN ('sign_in', 'sign_out', 'export_register', 'export_activity', 'grant_security_reader') THEN 'Succeeded'
                        WHEN action = 'apply' AND instr(detail, ' stopped: ') > 0 THEN 'Stopped'
                        WHEN action = 'apply' THEN 'Finished'
                        WHEN action IN ('request', 'decision') THEN ''
                        ELSE 'Recorded' END";
    let log_text = format!("account || char(10) || {summary} || char(10) || {outcome}");
    let method = "coalesce(json_extract(i.write_json, '$.method'), 'PUT')";
    let path = "json_extract(i.write_json, '$.path')";
    let write_kind = format!("CASE {method} WHEN 'DELETE' THEN 'Delete' ELSE 'Write' END");
    let write_summary = format!("{method} || ' ' || {path} || ' (apply ' || i.apply_id || ')'");
    let write_outcome = "i.state || coalesce(': ' || i.message, '')";
    let write_text = format!("a.account || char(10) || {write_summary} || char(10) || {write_outcome}");
    format!(
        "SELECT * FROM (
             SELECT at, {kind} AS kind, account, {summary} AS summary, {outcome} AS outcome, NULL AS subject, 0 AS source, id AS seq
             FROM audit WHERE {log_matches}
             ORDER BY at DESC, id DESC LIMIT ?4)
         UNION ALL
         SELECT * FROM (
             SELECT i.updated_at AS at, {write_kind} AS kind, a.account, {write_summary} AS summary, {write_outcome} AS outcome,
                    {path} AS subject, 1 AS source, i.rowid AS seq
             FROM apply_items i JOIN applies a ON a.id = i.apply_id WHERE {write_matches}
             ORDER BY i.updated_at DESC, i.rowid DESC LIMIT ?4)
         ORDER BY at DESC, source DESC, seq DESC
         LIMIT ?4",
        log_matches = matches(&log_text, &kind),
        write_matches = matches(&write_text, &write_kind),
    )
}

/// A request's or decision's outcome, read from its sentence ("Approved
/// request …", "Request … is now Rejected: …", "Asked for approval …"); the
/// sentence itself is the summary, so a search finds these words there.
fn request_outcome(kind: ActivityKind, summary: &str) -> String {
    if let Some((_, after)) = summary.split_once(" is now ") {
        let end = after.find([':', '(', ';']).unwrap_or(after.len());
        return after[..end].trim().to_owned();
    }
    let words = [("Approved ", "Approved"), ("Asked for approval", "Pending"), ("Saved request", "Saved as a file")];
    match words.iter().find(|(start, _)| summary.starts_with(start)) {
        Some((_, outcome)) => (*outcome).to_owned(),
        None if kind == ActivityKind::Decision => "Decided".to_owned(),
        None => "Recorded".to_owned(),
    }
}

/// The log writes `account (object id)`; the screen shows the account.
fn account_only(who: String) -> String {
    match who.rsplit_once(" (") {
        Some((account, rest)) if rest.ends_with(')') && !account.is_empty() => account.to_owned(),
        _ => who,
    }
}

impl Store {
    /// The lines `query` asks for, newest first: its text found anywhere in
    /// a line (who, summary, outcome; case-insensitive in every script), of
    /// its kinds (all when none), at most its [`ActivityQuery::effective_limit`].
    pub fn activity(&self, query: &ActivityQuery) -> Result<Vec<ActivityEntry>, StoreError> {
        self.activity_lines(query, query.effective_limit())
    }

    /// As [`Store::activity`], at most `limit` lines whatever the query's limit (the export).
    pub fn activity_lines(&self, query: &ActivityQuery, limit: u32) -> Result<Vec<ActivityEntry>, StoreError> {
        let kinds: Vec<&str> = query.kinds.iter().map(|k| k.as_str()).collect();
        let kinds_json = serde_json::to_string(&kinds).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let text = query.text.trim().to_lowercase();
        let sql = query_sql(if text.is_ascii() { "lower" } else { "desk_fold" });
        let conn = self.conn()?;
        let mut statement = conn.prepare_cached(&sql)?;
        let rows = statement.query_map(params![text, kinds.len() as i64, kinds_json, i64::from(limit)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (at, kind, account, summary, outcome, subject) = row?;
            let kind = ActivityKind::parse(&kind).unwrap_or(ActivityKind::Other);
            let summary = summary.unwrap_or_default();
            let outcome = if outcome.is_empty() { request_outcome(kind, &summary) } else { outcome };
            entries.push(ActivityEntry { at, kind, account: account_only(account), summary, outcome, subject });
        }
        Ok(entries)
    }
}

#[cfg(test)]
#[path = "activity_tests.rs"]
mod tests;
