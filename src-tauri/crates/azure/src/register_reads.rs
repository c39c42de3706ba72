//! The exemption register's read: every exemption the caller can read, at
//! every level, once each. Through Resource Graph first (one paged
//! `policyresources` query across the tenant, the app's own recent writes
//! laid over it); when Resource Graph cannot serve it, from ARM: each
//! management group of the tree (`$filter=atScope()`) and each
//! subscription's list (which holds its resource groups and resources),
//! [`crate::ReadOptions::concurrency`] at a time. Rows are de-duplicated by id
//! (case-insensitive: a group's exemption is listed at every group below it
//! and in every subscription's list), made into [`RegisterEntry`]s as they
//! arrive (`register_rows.rs`) and handed to the watcher batch by batch.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use desk_core::arm_path::{ArmPath, AUTHORIZATION_PROVIDER, MANAGEMENT_GROUPS_PROVIDER};
use desk_core::exemption::Exemption;
use desk_core::register::RegisterEntry;
use desk_core::scope::{management_group_scope, subscription_scope, ManagementGroupNode, Subscription};
use serde_json::Value;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::sync::OnceCell;

use crate::api_version as v;
use crate::apply::Cancel;
use crate::error::AzureError;
use crate::fan_out::{fan_out, fan_out_each};
use crate::register_rows::{found, is_initiative, read_initiative, recommendations_by_definition, Found, Initiative, Names, Resolver};
use crate::resource_graph::Reach;
use crate::rows::{Unwatched, Watch};
use crate::tenant::{falling_back, until_cancelled, Tenant};

/// Every exemption the caller can read, in every subscription and at every management group.
const REGISTER: &str = "policyresources | where type == \"microsoft.authorization/policyexemptions\"";

/// Every policy assignment the caller can read: what the rows' initiatives are, in one query.
const ASSIGNMENTS: &str = "policyresources | where type == \"microsoft.authorization/policyassignments\"";

/// The filter a management group's list is read with: its exemptions and those above it.
pub const GROUP_FILTER: &str = "atScope()";

/// Takes rows as they are listed: each id once, sent on to be named.
struct Collector {
    now: DateTime<Utc>,
    /// Every exemption passed on, by lower-case id.
    seen: BTreeMap<String, Exemption>,
    to_name: UnboundedSender<Vec<Found>>,
}

impl Collector {
    /// An item that cannot be read is left out with a warning, not the whole register.
    fn take(&mut self, items: &[Value]) {
        let mut fresh = Vec::new();
        for item in items {
            let f = match found(item, self.now) {
                Ok(f) => f,
                Err(e) => {
                    tracing::warn!("the register leaves out an exemption it cannot read: {e}");
                    continue;
                }
            };
            if let std::collections::btree_map::Entry::Vacant(slot) = self.seen.entry(f.exemption.id.to_lowercase()) {
                slot.insert(f.exemption.clone());
                fresh.push(f);
            }
        }
        self.pass_on(fresh);
    }

    fn pass_on(&self, batch: Vec<Found>) {
        // The namer is gone only when the read already ended in an error.
        if !batch.is_empty() && self.to_name.send(batch).is_err() {
            tracing::debug!("the register's read ended before a batch was named");
        }
    }
}

/// What the listing found besides its rows: ids the app deleted lately that Resource Graph still lists.
type Deleted = HashSet<String>;

impl Tenant {
    /// The register, whole. `window_days` is the reminder window of the rows' expiry state.
    pub async fn exemption_register(&self, window_days: u16) -> Result<Vec<RegisterEntry>, AzureError> {
        self.exemption_register_watched(window_days, Watch { rows: &Unwatched, cancel: &Cancel::default() }).await
    }

    /// [`Tenant::exemption_register`], handing rows over as they arrive and
    /// stopping with [`AzureError::ReadCancelled`] when the watcher cancels.
    /// A row may be handed over twice when the app's own recent write
    /// replaces what Resource Graph said; the answer holds each id once.
    pub async fn exemption_register_watched(
        &self,
        window_days: u16,
        watch: Watch<'_, RegisterEntry>,
    ) -> Result<Vec<RegisterEntry>, AzureError> {
        // Boxed: the read's state is large, and a caller's stack need not hold it.
        until_cancelled(watch.cancel, Box::pin(self.register_read(window_days, watch))).await
    }

    async fn register_read(&self, window_days: u16, watch: Watch<'_, RegisterEntry>) -> Result<Vec<RegisterEntry>, AzureError> {
        let now = Utc::now();
        let subscriptions: OnceCell<Vec<Subscription>> = OnceCell::new();
        let (to_name, mut batches) = unbounded_channel::<Vec<Found>>();
        let list = Box::pin(async {
            let mut collector = Collector { now, seen: BTreeMap::new(), to_name };
            self.register_list(&mut collector, &subscriptions, watch.cancel).await
            // The collector (and its sender) ends here: the namer's loop then ends too.
        });
        let name = Box::pin(async {
            // The groups' names come from their list (one read), not the tree
            // (a read per top group, one after another, when the caller cannot
            // read the tenant root): the rows need only the names.
            let (subs, groups, recommendations, assignments) = tokio::join!(
                subscriptions.get_or_try_init(|| self.subscriptions()),
                self.management_group_names(),
                recommendations_by_definition(self),
                self.graph_assignments_and_initiatives(watch.cancel),
            );
            let (assignments, initiatives) = assignments;
            let mut names = Names::new(subs?, None);
            names.know_groups(groups?);
            let mut resolver = Resolver::new(names, recommendations, now, window_days);
            resolver.know_assignments(assignments);
            resolver.know_initiatives(initiatives);
            let mut out: Vec<RegisterEntry> = Vec::new();
            let mut at: HashMap<String, usize> = HashMap::new();
            while let Some(mut batch) = batches.recv().await {
                // What arrived while the last batch was named goes together: one round of reads for all of it.
                while let Ok(more) = batches.try_recv() {
                    batch.extend(more);
                }
                let entries = Box::pin(resolver.entries(self, batch, self.options.limit(), watch.cancel)).await?;
                watch.rows.arrived(&entries);
                for entry in entries {
                    let key = entry.exemption.id.to_lowercase();
                    match at.get(&key).and_then(|i| out.get_mut(*i)) {
                        Some(earlier) => *earlier = replaced(earlier, entry),
                        None => {
                            at.insert(key, out.len());
                            out.push(entry);
                        }
                    }
                }
            }
            Ok::<_, AzureError>(out)
        });
        let (deleted, mut out) = tokio::try_join!(list, name)?;
        out.retain(|e| !deleted.contains(&e.exemption.id.to_lowercase()));
        Ok(out)
    }

    /// List every exemption into `collector`: Resource Graph, else ARM.
    async fn register_list(
        &self,
        collector: &mut Collector,
        subscriptions: &OnceCell<Vec<Subscription>>,
        cancel: &Cancel,
    ) -> Result<Deleted, AzureError> {
        if self.options.resource_graph {
            match self
                .graph_query(Reach::Tenant, REGISTER, cancel, |rows| {
                    collector.take(&rows);
                    Ok(())
                })
                .await
            {
                Ok(()) => {
                    let listed: HashSet<String> = collector.seen.keys().cloned().collect();
                    let changed = self.recent.overlay(&mut collector.seen, |_| true);
                    let deleted = listed.into_iter().filter(|id| !collector.seen.contains_key(id)).collect();
                    let changed = changed.into_iter().map(written).collect();
                    collector.pass_on(changed);
                    return Ok(deleted);
                }
                // Rows already passed on stay; ARM's lists add only those not seen.
                Err(failed) => falling_back("the exemption register", failed)?,
            }
        }
        // The subscriptions' lists start once the subscriptions are known, the
        // groups' once the tree is: neither waits for the other (unless reading
        // one call after another).
        let collector = std::sync::Mutex::new(collector);
        let take = |_: usize, items: &Vec<Value>| collector.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take(items);
        let read = |(scope, filter): (String, Option<&'static str>)| async move { self.register_list_at(&scope, filter).await };
        let in_groups = async {
            let groups = self.management_groups().await?;
            let mut scopes: Vec<(String, Option<&'static str>)> = Vec::new();
            let mut stack: Vec<&ManagementGroupNode> = groups.iter().collect();
            while let Some(node) = stack.pop() {
                scopes.push((management_group_scope(&node.name), Some(GROUP_FILTER)));
                stack.extend(node.children.iter());
            }
            fan_out_each(scopes, self.options.limit(), cancel, read, take).await
        };
        let in_subscriptions = async {
            let subs = subscriptions.get_or_try_init(|| self.subscriptions()).await?;
            let scopes = subs.iter().map(|s| (subscription_scope(&s.id), None)).collect();
            fan_out_each(scopes, self.options.limit(), cancel, read, take).await
        };
        if self.options.limit() > 1 {
            tokio::try_join!(in_groups, in_subscriptions)?;
        } else {
            in_groups.await?;
            in_subscriptions.await?;
        }
        Ok(Deleted::new())
    }

    /// Every assignment Resource Graph lists, `(id, properties)`, so the rows'
    /// assignments need not be read one by one; none when it cannot say
    /// (each is then read from ARM).
    async fn graph_assignments(&self, cancel: &Cancel) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        if !self.options.resource_graph {
            return out;
        }
        let read = self.graph_query(Reach::Tenant, ASSIGNMENTS, cancel, |rows| {
            for mut row in rows {
                if let (Some(id), Some(properties)) = (row.get("id").and_then(Value::as_str).map(str::to_owned), row.get_mut("properties"))
                {
                    out.push((id, properties.take()));
                }
            }
            Ok(())
        });
        if let Err(failed) = read.await {
            tracing::debug!("reading the register's assignments one by one: {failed:?}");
        }
        out
    }

    /// [`Tenant::graph_assignments`] and the initiatives they assign, read
    /// while the names are: the rows then wait for no read of their own.
    async fn graph_assignments_and_initiatives(&self, cancel: &Cancel) -> (Vec<(String, Value)>, Vec<(String, Option<Initiative>)>) {
        let assignments = self.graph_assignments(cancel).await;
        let mut sets: Vec<String> = assignments
            .iter()
            .filter_map(|(_, p)| p.get("policyDefinitionId").and_then(Value::as_str))
            .filter(|d| is_initiative(d))
            .map(str::to_owned)
            .collect();
        sets.sort_by_key(|s| s.to_ascii_lowercase());
        sets.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        match fan_out(sets.clone(), self.options.limit(), cancel, |id| async move { read_initiative(self, &id).await }).await {
            Ok(read) => (assignments, sets.into_iter().zip(read).collect()),
            // Each is read again when a row needs it, and fails there if it must.
            Err(_) => (assignments, Vec::new()),
        }
    }

    /// Every management group the caller can read, `(name, display name)`;
    /// none when they may list none (rows then name groups by their id).
    async fn management_group_names(&self) -> Result<Vec<(String, String)>, AzureError> {
        let path = ArmPath::root().provider(MANAGEMENT_GROUPS_PROVIDER, ["managementGroups"])?;
        let listed = match self.arm.list(&path, v::MANAGEMENT_GROUPS, &[]).await {
            Ok(listed) => listed,
            Err(AzureError::Arm { status: 403 | 404, .. }) => return Ok(Vec::new()),
            Err(other) => return Err(other),
        };
        Ok(listed
            .iter()
            .filter_map(|item| {
                let name = crate::parse::name(item, "a management group").ok().filter(|n| !n.is_empty())?;
                let display = crate::parse::display_name(item).unwrap_or_else(|| name.clone());
                Some((name, display))
            })
            .collect())
    }

    /// One scope's exemption list as listed. A management group the caller
    /// cannot list (the stand-in root over the groups they can read, a group
    /// gone since the tree was read) lists nothing.
    async fn register_list_at(&self, scope: &str, filter: Option<&str>) -> Result<Vec<Value>, AzureError> {
        let path = ArmPath::parse_id(scope)?.provider(AUTHORIZATION_PROVIDER, ["policyExemptions"])?;
        let query: Vec<(&str, &str)> = filter.map(|f| vec![("$filter", f)]).unwrap_or_default();
        match self.arm.list(&path, v::POLICY_EXEMPTIONS, &query).await {
            Ok(items) => Ok(items),
            Err(AzureError::Arm { status: 403 | 404, .. }) if filter.is_some() => Ok(Vec::new()),
            Err(other) => Err(other),
        }
    }
}

/// The app's own write, which Resource Graph does not show yet.
fn written(exemption: Exemption) -> Found {
    Found { exemption, system: Default::default(), requested_by: None, approved_by: None, ticket: None }
}

/// `newer` in place of `earlier`, keeping what only `earlier` knew (a recent
/// write carries no `systemData` nor metadata).
fn replaced(earlier: &RegisterEntry, newer: RegisterEntry) -> RegisterEntry {
    let keep = |new: Option<String>, old: &Option<String>| new.or_else(|| old.clone());
    RegisterEntry {
        created_by: keep(newer.created_by, &earlier.created_by),
        created_at: keep(newer.created_at, &earlier.created_at),
        last_modified_by: keep(newer.last_modified_by, &earlier.last_modified_by),
        last_modified_at: keep(newer.last_modified_at, &earlier.last_modified_at),
        requested_by: keep(newer.requested_by, &earlier.requested_by),
        approved_by: keep(newer.approved_by, &earlier.approved_by),
        ticket: keep(newer.ticket, &earlier.ticket),
        ..newer
    }
}
