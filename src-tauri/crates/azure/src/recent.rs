//! Resource Graph lags ARM by seconds to minutes: an exemption this app has
//! just written may be missing from it, or old. [`RecentWrites`] keeps what
//! the apply wrote, as ARM answered, and lays it over Resource Graph's rows
//! until Resource Graph agrees (or for [`KEPT_FOR`] at most).
//!
//! [`Sent`] remembers which rows a streamed read has handed over, so a read
//! that falls back from Resource Graph to ARM half-way hands none over twice.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use desk_core::apply::ItemState;
use desk_core::exemption::Exemption;
use desk_core::plan::PlannedWrite;
use desk_core::scope::subscription_of;
use serde_json::json;

use crate::rows::Rows;
use crate::tenant::Tenant;

/// How long a write is laid over Resource Graph's rows if it never agrees.
pub const KEPT_FOR: Duration = Duration::from_secs(30 * 60);

/// Exemptions written lately by lower-case id: `Some` as ARM answered, `None` deleted.
#[derive(Default)]
pub(crate) struct RecentWrites(Mutex<BTreeMap<String, (Instant, Option<Exemption>)>>);

impl RecentWrites {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, (Instant, Option<Exemption>)>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn wrote(&self, exemption: Exemption) {
        self.lock().insert(exemption.id.to_lowercase(), (Instant::now(), Some(exemption)));
    }

    pub(crate) fn deleted(&self, id: &str) {
        self.lock().insert(id.to_lowercase(), (Instant::now(), None));
    }

    /// Lay the recent writes `within` reach over Resource Graph's rows
    /// (`by_id`, lower-case ids); a write Resource Graph now shows the same is
    /// forgotten. Returns the rows the overlay added or changed.
    pub(crate) fn overlay(&self, by_id: &mut BTreeMap<String, Exemption>, within: impl Fn(&str) -> bool) -> Vec<Exemption> {
        let mut recent = self.lock();
        let now = Instant::now();
        recent.retain(|_, (at, _)| now.duration_since(*at) < KEPT_FOR);
        let mut changed = Vec::new();
        recent.retain(|id, (_, written)| match written {
            _ if !within(id) => true,
            Some(written) => {
                if by_id.get(id) == Some(written) {
                    return false;
                }
                by_id.insert(id.clone(), written.clone());
                changed.push(written.clone());
                true
            }
            None => by_id.remove(id).is_some(),
        });
        changed
    }
}

impl Tenant {
    /// Remember what an apply wrote, so reads through Resource Graph show it
    /// before Resource Graph does: `items` as given to [`crate::apply_writes`],
    /// `outcomes` as it returned them.
    pub fn remember_applied(&self, items: &[(u32, PlannedWrite)], outcomes: &[(u32, ItemState)]) {
        let now = Utc::now();
        for (index, state) in outcomes {
            if *state != ItemState::Succeeded {
                continue;
            }
            let Some((_, write)) = items.iter().find(|(i, _)| i == index) else { continue };
            // ARM answers a PUT with the body it stored, under the exemption's id.
            let answered = json!({"id": write.path, "name": write.name, "properties": write.body.get("properties")});
            match crate::parse::exemption(&answered, now) {
                Ok(exemption) => self.recent.wrote(exemption),
                Err(e) => tracing::warn!("not remembering a written exemption: {e}"),
            }
        }
    }

    /// Remember that the exemption `id` was deleted.
    pub fn remember_deleted(&self, id: &str) {
        self.recent.deleted(id);
    }
}

/// Whether the exemption `id` lies in these subscriptions or at one of these management groups.
pub(crate) fn within(id: &str, subscriptions: &[String], groups: &[String]) -> bool {
    let scope = desk_core::exemption::scope_of(id);
    match subscription_of(scope) {
        Some(sub) => subscriptions.iter().any(|s| s.eq_ignore_ascii_case(&sub)),
        None => groups.iter().any(|g| scope.rsplit('/').next().is_some_and(|name| name.eq_ignore_ascii_case(g))),
    }
}

/// The keys of rows a read has handed over.
#[derive(Default)]
pub(crate) struct Sent(Mutex<HashSet<String>>);

impl Sent {
    /// Hand over the rows of `batch` not handed over before.
    pub(crate) fn hand_over<T: Clone>(&self, rows: &dyn Rows<T>, batch: &[T], key: impl Fn(&T) -> String) {
        let fresh: Vec<T> = {
            let mut sent = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            batch.iter().filter(|r| sent.insert(key(r))).cloned().collect()
        };
        if !fresh.is_empty() {
            rows.arrived(&fresh);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exemption(id: &str, description: &str) -> Exemption {
        Exemption {
            id: id.to_owned(),
            name: id.rsplit('/').next().unwrap_or_default().to_owned(),
            scope: desk_core::exemption::scope_of(id).to_owned(),
            display_name: None,
            description: Some(description.to_owned()),
            category: None,
            expires_on: None,
            expired: false,
            policy_assignment_id: "/a".into(),
            policy_definition_reference_ids: Vec::new(),
        }
    }

    const SUB: &str = "00000000-0000-0000-0000-000000000001";

    fn id(name: &str) -> String {
        format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policyExemptions/{name}")
    }

    #[test]
    fn recent_writes_show_until_resource_graph_agrees() {
        let recent = RecentWrites::default();
        let subs = [SUB.to_owned()];
        let mut graph: BTreeMap<String, Exemption> = BTreeMap::new();
        graph.insert(id("old").to_lowercase(), exemption(&id("old"), "before"));
        graph.insert(id("gone").to_lowercase(), exemption(&id("gone"), "deleted"));
        recent.wrote(exemption(&id("new"), "just written"));
        recent.wrote(exemption(&id("old"), "after"));
        recent.deleted(&id("gone"));

        let mut shown = graph.clone();
        let changed = recent.overlay(&mut shown, |i| within(i, &subs, &[]));
        assert_eq!(changed.len(), 2, "the new one and the changed one");
        assert_eq!(shown[&id("new").to_lowercase()].description.as_deref(), Some("just written"));
        assert_eq!(shown[&id("old").to_lowercase()].description.as_deref(), Some("after"));
        assert!(!shown.contains_key(&id("gone").to_lowercase()));

        // Another subscription's read leaves the writes alone.
        let mut elsewhere = BTreeMap::new();
        assert!(recent.overlay(&mut elsewhere, |i| within(i, &["other".to_owned()], &[])).is_empty());
        assert!(elsewhere.is_empty());

        // Resource Graph catches up: the overlay has nothing left to say.
        let mut caught_up = shown.clone();
        assert!(recent.overlay(&mut caught_up, |i| within(i, &subs, &[])).is_empty());
        assert_eq!(caught_up, shown);
        assert!(recent.lock().is_empty(), "every write was forgotten once Resource Graph agreed");
    }
}
