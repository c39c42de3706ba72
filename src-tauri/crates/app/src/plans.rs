//! Plans shown to the user and not yet confirmed. `apply_plan` sends exactly
//! the writes of the plan the user confirmed, so each preview is kept under
//! its own id — but not for ever: the registry holds at most
//! [`MAX_PLANS`], and a plan goes once it is applied, once a newer preview of
//! the same draft replaces it, or once it is older than [`MAX_AGE`].
//!
//! **The same draft** is the same recommendation key: the window edits one
//! draft per recommendation (one Exempt pane, keyed by the recommendation), so
//! a preview for a recommendation replaces the earlier previews for it,
//! whatever field changed (scope, name, expiry). Two previews of an *identical*
//! draft (the Preview button racing the as-you-type preview) both stay
//! valid: either shows the user the same request. Previews are ordered by
//! when they were asked for ([`PlanRegistry::ticket`]), not by when Azure
//! answered, so a slow answer to an older draft never replaces a newer one.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use desk_core::change::{ChangeRequest, CHANGE_KEY};
use desk_core::exemption::ExemptionDraft;
use desk_core::plan::PlannedWrite;

use crate::import::IMPORT_KEY;

/// At most this many plans wait for confirmation at once.
pub const MAX_PLANS: usize = 64;
/// A plan older than this is dropped: Azure may have changed since it was made.
pub const MAX_AGE: Duration = Duration::from_secs(60 * 60);
/// How many dropped plan ids are remembered, to say why one is gone.
const REMEMBERED: usize = 256;

/// A confirmed plan: the writes to send, for the journal.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub recommendation_key: String,
    pub writes: Vec<PlannedWrite>,
}

/// Why a plan id is not waiting any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    /// Never made here, blocked, or forgotten long ago.
    Unknown,
    Applied,
    Superseded,
    Expired,
    /// Dropped to stay within [`MAX_PLANS`].
    Evicted,
}

impl Gone {
    pub fn message(self) -> &'static str {
        match self {
            Gone::Unknown => "That preview is no longer current; preview again.",
            Gone::Applied => "That preview was already applied; preview again to send it again.",
            Gone::Superseded => "A newer preview of this exemption replaced that one; apply the preview shown now.",
            Gone::Expired => "That preview is over an hour old and Azure may have changed since; preview again.",
            Gone::Evicted => "Too many previews were made since that one; preview again.",
        }
    }
}

/// The order in which previews were asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ticket(u64);

/// What a preview was made of: a draft (keyed by its recommendation), a
/// change to existing exemptions (one change form: keyed by [`CHANGE_KEY`])
/// or an import (one import dialog: keyed by [`IMPORT_KEY`]; each import
/// preview differs from the others, so a newer one replaces them).
#[derive(Debug, Clone, PartialEq)]
enum Request {
    Draft(ExemptionDraft),
    Change(ChangeRequest),
    Import(Ticket),
}

impl Request {
    fn key(&self) -> &str {
        match self {
            Request::Draft(draft) => &draft.recommendation_key,
            Request::Change(_) => CHANGE_KEY,
            Request::Import(_) => IMPORT_KEY,
        }
    }
}

struct Entry {
    draft: Request,
    ticket: Ticket,
    made: Instant,
    writes: Vec<PlannedWrite>,
}

impl Entry {
    fn same_draft(&self, draft: &Request) -> bool {
        self.draft.key() == draft.key()
    }
}

#[derive(Default)]
struct Inner {
    next: u64,
    plans: HashMap<String, Entry>,
    gone: VecDeque<(String, Gone)>,
}

impl Inner {
    fn drop_plan(&mut self, id: &str, why: Gone) {
        self.plans.remove(id);
        self.remember(id.to_owned(), why);
    }

    fn remember(&mut self, id: String, why: Gone) {
        if self.gone.len() >= REMEMBERED {
            self.gone.pop_front();
        }
        self.gone.push_back((id, why));
    }

    fn expire(&mut self, now: Instant, max_age: Duration) {
        let old: Vec<String> =
            self.plans.iter().filter(|(_, e)| now.saturating_duration_since(e.made) >= max_age).map(|(id, _)| id.clone()).collect();
        for id in old {
            self.drop_plan(&id, Gone::Expired);
        }
    }
}

pub struct PlanRegistry {
    inner: Mutex<Inner>,
    capacity: usize,
    max_age: Duration,
}

impl Default for PlanRegistry {
    fn default() -> Self {
        PlanRegistry::with_limits(MAX_PLANS, MAX_AGE)
    }
}

impl PlanRegistry {
    pub fn with_limits(capacity: usize, max_age: Duration) -> Self {
        PlanRegistry { inner: Mutex::new(Inner::default()), capacity: capacity.max(1), max_age }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Take one when a preview is asked for, before asking Azure.
    pub fn ticket(&self) -> Ticket {
        let mut inner = self.lock();
        inner.next = inner.next.saturating_add(1);
        Ticket(inner.next)
    }

    /// A preview answered: keep its writes (`None` when it is blocked and
    /// nothing may be sent) under a new plan id, and drop the older previews
    /// of the same draft. Returns the plan id.
    pub fn register(&self, ticket: Ticket, draft: &ExemptionDraft, writes: Option<Vec<PlannedWrite>>) -> String {
        self.register_at(ticket, draft, writes, Instant::now())
    }

    pub fn register_at(&self, ticket: Ticket, draft: &ExemptionDraft, writes: Option<Vec<PlannedWrite>>, now: Instant) -> String {
        self.register_request(ticket, Request::Draft(draft.clone()), writes, now)
    }

    /// A preview of a change to existing exemptions answered: as
    /// [`PlanRegistry::register`], one change form being one draft.
    pub fn register_change(&self, ticket: Ticket, change: &ChangeRequest, writes: Option<Vec<PlannedWrite>>) -> String {
        self.register_request(ticket, Request::Change(change.clone()), writes, Instant::now())
    }

    /// An import's preview answered: as [`PlanRegistry::register`], one
    /// import dialog being one draft.
    pub fn register_import(&self, ticket: Ticket, writes: Option<Vec<PlannedWrite>>) -> String {
        self.register_request(ticket, Request::Import(ticket), writes, Instant::now())
    }

    fn register_request(&self, ticket: Ticket, draft: Request, writes: Option<Vec<PlannedWrite>>, now: Instant) -> String {
        let draft = &draft;
        let id = uuid::Uuid::new_v4().to_string();
        let mut inner = self.lock();
        inner.expire(now, self.max_age);
        let differs = |e: &Entry| e.same_draft(draft) && e.draft != *draft;
        if inner.plans.values().any(|e| differs(e) && e.ticket > ticket) {
            // A newer draft's preview answered first: this one is already out of date.
            inner.remember(id.clone(), Gone::Superseded);
            return id;
        }
        let older: Vec<String> = inner.plans.iter().filter(|(_, e)| differs(e) && e.ticket < ticket).map(|(id, _)| id.clone()).collect();
        for old in older {
            inner.drop_plan(&old, Gone::Superseded);
        }
        let Some(writes) = writes else {
            return id;
        };
        inner.plans.insert(id.clone(), Entry { draft: draft.clone(), ticket, made: now, writes });
        while inner.plans.len() > self.capacity {
            let Some(oldest) = inner.plans.iter().min_by_key(|(_, e)| (e.made, e.ticket)).map(|(id, _)| id.clone()) else {
                break;
            };
            inner.drop_plan(&oldest, Gone::Evicted);
        }
        id
    }

    /// The plan the user confirmed, taken out with every other preview of
    /// its draft; or why it is not waiting.
    pub fn take(&self, plan_id: &str) -> Result<Plan, Gone> {
        self.take_at(plan_id, Instant::now())
    }

    pub fn take_at(&self, plan_id: &str, now: Instant) -> Result<Plan, Gone> {
        let mut inner = self.lock();
        inner.expire(now, self.max_age);
        let Some(entry) = inner.plans.remove(plan_id) else {
            return Err(inner.gone.iter().rev().find(|(id, _)| id == plan_id).map_or(Gone::Unknown, |(_, why)| *why));
        };
        inner.remember(plan_id.to_owned(), Gone::Applied);
        let siblings: Vec<String> = inner.plans.iter().filter(|(_, e)| e.same_draft(&entry.draft)).map(|(id, _)| id.clone()).collect();
        for sibling in siblings {
            inner.drop_plan(&sibling, Gone::Superseded);
        }
        Ok(Plan { recommendation_key: entry.draft.key().to_owned(), writes: entry.writes })
    }

    /// How many plans are waiting.
    pub fn len(&self) -> usize {
        self.lock().plans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
#[path = "plans_tests.rs"]
mod tests;
