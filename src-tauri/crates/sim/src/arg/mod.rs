//! Azure Resource Graph (`POST /providers/Microsoft.ResourceGraph/resources`,
//! api-version 2024-04-01) over the simulator's own state: a KQL subset
//! lexed ([`lexer`]), parsed into a syntax tree ([`parser`], [`ast`]) and
//! evaluated ([`eval`]) over rows built from `World` ([`tables`]); the
//! request, paging, quota and error shapes are in [`handler`]. The subset is
//! documented in the crate README ("Resource Graph").

pub mod ast;
pub mod eval;
pub mod handler;
pub mod lexer;
pub mod parser;
pub mod quota;
pub mod tables;

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::Value;

/// A query outside the language or the subset: what, where and which token.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryError {
    /// Character offset of the offending token (0-based).
    pub pos: usize,
    pub token: String,
    pub why: String,
}

impl QueryError {
    pub fn at(pos: usize, token: &str, why: &str) -> Self {
        QueryError { pos, token: token.to_string(), why: why.to_string() }
    }
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Query is invalid at position {} near '{}': {}.", self.pos, self.token, self.why)
    }
}

/// How Resource Graph answers (`POST /_sim/settings {"resourceGraphAnswer": ...}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Normal,
    /// 403 AuthorizationFailed, as for a caller ARG refuses.
    Denied,
    /// 503 ServiceUnavailable.
    Unavailable,
}

impl Answer {
    pub fn parse(s: &str) -> Option<Answer> {
        match s {
            "normal" => Some(Answer::Normal),
            "denied" => Some(Answer::Denied),
            "unavailable" => Some(Answer::Unavailable),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Answer::Normal => "normal",
            Answer::Denied => "denied",
            Answer::Unavailable => "unavailable",
        }
    }
}

/// A query's evaluated rows, kept so later pages are slices, not re-runs.
pub struct Cached {
    pub id: u64,
    /// Object id of the caller that ran it (a token is no use to anyone else).
    pub owner: String,
    /// The request's query and scope, as sent.
    pub key: String,
    pub rows: Arc<Vec<Value>>,
}

/// Evaluated results kept at once (oldest dropped first).
pub const CACHE_ENTRIES: usize = 16;

/// Resource Graph's run-time state and knobs (the knobs are kept across
/// `/_sim/reset`; the cache of results and the quota windows are not).
pub struct ArgState {
    pub answer: Answer,
    pub quota: quota::Quota,
    pub cache: VecDeque<Cached>,
    pub next_id: u64,
}

impl Default for ArgState {
    fn default() -> Self {
        ArgState { answer: Answer::Normal, quota: quota::Quota::default(), cache: VecDeque::new(), next_id: 1 }
    }
}

impl ArgState {
    pub fn remember(&mut self, owner: &str, key: &str, rows: Arc<Vec<Value>>) -> u64 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        if self.cache.len() >= CACHE_ENTRIES {
            self.cache.pop_front();
        }
        self.cache.push_back(Cached { id, owner: owner.to_string(), key: key.to_string(), rows });
        id
    }

    /// Drop every kept result and every quota window (`/_sim/reset`).
    pub fn forget_results(&mut self) {
        self.cache.clear();
        self.quota.clear();
    }

    pub fn recall(&self, id: u64, owner: &str, key: &str) -> Option<Arc<Vec<Value>>> {
        self.cache.iter().find(|c| c.id == id && c.owner == owner && c.key == key).map(|c| c.rows.clone())
    }
}
