//! Lookup tables over the [`World`], so that a list costs time in proportion
//! to its page (or, with filters, to its scope), never to the tenant.
//!
//! The tables are built lazily from `World`'s plain fields and dropped when
//! the world changes: [`World::changed`] / [`World::exemptions_changed`] at
//! the few mutation points (resource DELETE, `/_sim/recommendations`); a
//! reset builds a new `World`. As a safety net a table is also rebuilt when
//! the lengths of what it indexes differ from when it was built. Two tables:
//! [`Tables`] (everything but exemptions; ≈0.7 s to build for `scale:200x250`
//! in a release build, ≈3 s in a debug one) and [`ExemptionTables`], which
//! exemption PUT and DELETE keep current ([`World::put_exemption`],
//! [`World::remove_exemption`]).
//!
//! Every list handler reports how many items it looked at through
//! [`examine`]; `GET /_sim/requests` shows the count per request
//! (`examined`), which the tests use to show a page costs O(page).

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::arm::scope::{chain, Scope};
use crate::state::{lock, Exemption, World};

thread_local! {
    static EXAMINED: Cell<u64> = const { Cell::new(0) };
}

/// Count `n` items looked at by the request being handled on this thread.
/// (A request is handled synchronously under the world lock, so the
/// thread-local count belongs to it.)
pub fn examine(n: usize) {
    EXAMINED.with(|c| c.set(c.get().saturating_add(n as u64)));
}

/// Read and reset this thread's count.
pub fn take_examined() -> u64 {
    EXAMINED.with(|c| c.replace(0))
}

/// What a table was built from: the lengths of the indexed collections.
type Fingerprint = [usize; 8];

/// The lazily built tables of one world. Cloning a world clears them.
#[derive(Default)]
pub struct Cache {
    tables: Mutex<Option<Arc<Tables>>>,
    exemptions: Mutex<Option<Arc<ExemptionTables>>>,
}

impl Clone for Cache {
    fn clone(&self) -> Self {
        Cache::default()
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache { .. }")
    }
}

impl Cache {
    /// Drop every table (the world's resources, assessments, recommendations
    /// or hierarchy changed).
    pub fn clear(&mut self) {
        *self.tables.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
        self.clear_exemptions();
    }
    pub fn clear_exemptions(&mut self) {
        *self.exemptions.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Everything but exemptions, by lower-case key. Vectors of indices are in
/// the world's order, so lists keep the order they always had.
#[derive(Debug, Default)]
pub struct Tables {
    fingerprint: Fingerprint,
    pub subscriptions: HashMap<String, usize>,
    pub management_groups: HashMap<String, usize>,
    /// Parent group name -> child groups.
    pub mg_children: HashMap<String, Vec<usize>>,
    /// Group name -> subscriptions directly in it.
    pub mg_subscriptions: HashMap<String, Vec<usize>>,
    /// `sub/rg` -> resource group.
    pub resource_groups: HashMap<String, usize>,
    pub resource_groups_by_sub: HashMap<String, Vec<usize>>,
    pub resources: HashMap<String, usize>,
    /// Subscription id, or `sub/rg` (from the resource's fields) -> resources.
    pub resources_by_container: HashMap<String, Vec<usize>>,
    pub assignments: HashMap<String, usize>,
    /// Scope key (see [`scope_key`]) -> assignments at exactly that scope.
    pub assignments_by_scope: BTreeMap<String, Vec<usize>>,
    /// Lower-case policy set id -> lower-case definition id -> reference ids.
    pub set_refs: HashMap<String, HashMap<String, Vec<String>>>,
    pub metadata: HashMap<String, usize>,
    /// Subscription, resource-group and resource ids (lower-case) ->
    /// assessments whose resource id is at or under it.
    pub assessments: HashMap<String, Vec<usize>>,
    /// Subscription id -> its assessments whose resource id parses as a
    /// scope (what a management-group list can reach).
    pub assessments_for_groups: HashMap<String, Vec<usize>>,
}

/// Exemptions by scope key, then lower-case assignment id, each list in the
/// order of `World::exemptions` (its keys). Looked up by `&str` (no key is
/// built per lookup): a Resource Graph query asks once per assessment.
#[derive(Debug, Default, Clone)]
pub struct ExemptionTables {
    len: usize,
    by_scope: HashMap<String, HashMap<String, Vec<String>>>,
}

impl ExemptionTables {
    /// Does any exemption sit at this scope key?
    pub fn any_at(&self, scope_key: &str) -> bool {
        self.by_scope.get(scope_key).is_some_and(|m| m.values().any(|v| !v.is_empty()))
    }

    /// The keys of the exemptions of `assignment` (lower case) at `scope_key`.
    pub fn at(&self, scope_key: &str, assignment: &str) -> &[String] {
        self.by_scope.get(scope_key).and_then(|m| m.get(assignment)).map(Vec::as_slice).unwrap_or_default()
    }

    fn list_mut(&mut self, (assignment, scope): (String, String)) -> &mut Vec<String> {
        self.by_scope.entry(scope).or_default().entry(assignment).or_default()
    }
}

fn fingerprint(w: &World) -> Fingerprint {
    [
        w.subscriptions.len(),
        w.management_groups.len(),
        w.resource_groups.len(),
        w.resources.len(),
        w.policy_assignments.len(),
        w.assessment_metadata.len(),
        w.assessments.len(),
        w.policy_set_definitions.len(),
    ]
}

/// The key under which a scope id is indexed: subscription-rooted ids
/// lower-cased without a trailing `/` (they are compared as prefixes, as
/// `arm::scope::covers` does), anything else by its parsed, canonical id.
/// `None` for ids that are no scope (they cover nothing).
pub fn scope_key(id: &str) -> Option<String> {
    let o = id.trim_end_matches('/');
    if o.len() > 15 && o.as_bytes()[..15].eq_ignore_ascii_case(b"/subscriptions/") {
        return Some(o.to_ascii_lowercase());
    }
    Scope::parse_id(id).map(|s| s.id().to_ascii_lowercase())
}

/// Lower-case prefixes of a subscription-rooted id with 2, 4, 8, 10, …
/// segments: its subscription, resource group, resource and parent resources
/// (the ids a scope of a list can have). Empty for other ids.
fn container_prefixes(lower: &str) -> Vec<&str> {
    let mut out = Vec::new();
    if !lower.starts_with("/subscriptions/") {
        return out;
    }
    let mut segs = 0;
    for (i, b) in lower.bytes().enumerate().skip(1) {
        if b == b'/' {
            segs += 1;
            if segs == 2 || segs == 4 || (segs >= 8 && segs % 2 == 0) {
                out.push(&lower[..i]);
            }
        }
    }
    let trimmed = lower.trim_end_matches('/');
    segs += 1;
    if !lower.ends_with('/') && (segs == 2 || segs == 4 || (segs >= 8 && segs % 2 == 0)) {
        out.push(trimmed);
    }
    out
}

fn push(map: &mut HashMap<String, Vec<usize>>, key: &str, i: usize) {
    match map.get_mut(key) {
        Some(v) => v.push(i),
        None => {
            map.insert(key.to_string(), vec![i]);
        }
    }
}

fn build_tables(w: &World) -> Tables {
    let mut t = Tables { fingerprint: fingerprint(w), ..Tables::default() };
    for (i, s) in w.subscriptions.iter().enumerate() {
        t.subscriptions.entry(s.id.to_ascii_lowercase()).or_insert(i);
        push(&mut t.mg_subscriptions, &s.parent_mg.to_ascii_lowercase(), i);
    }
    for (i, m) in w.management_groups.iter().enumerate() {
        t.management_groups.entry(m.name.to_ascii_lowercase()).or_insert(i);
        if let Some(p) = &m.parent {
            push(&mut t.mg_children, &p.to_ascii_lowercase(), i);
        }
    }
    for (i, g) in w.resource_groups.iter().enumerate() {
        let sub = g.subscription_id.to_ascii_lowercase();
        t.resource_groups.entry(format!("{sub}/{}", g.name.to_ascii_lowercase())).or_insert(i);
        push(&mut t.resource_groups_by_sub, &sub, i);
    }
    for (i, r) in w.resources.iter().enumerate() {
        t.resources.entry(r.id.to_ascii_lowercase()).or_insert(i);
        let sub = r.subscription_id.to_ascii_lowercase();
        push(&mut t.resources_by_container, &sub, i);
        push(&mut t.resources_by_container, &format!("{sub}/{}", r.resource_group.to_ascii_lowercase()), i);
    }
    for (i, a) in w.policy_assignments.iter().enumerate() {
        t.assignments.entry(a.id.to_ascii_lowercase()).or_insert(i);
        if let Some(k) = scope_key(&a.scope) {
            t.assignments_by_scope.entry(k).or_default().push(i);
        }
        let def = a.policy_definition_id.to_ascii_lowercase();
        if let std::collections::hash_map::Entry::Vacant(slot) = t.set_refs.entry(def) {
            if let Some(set) = w.policy_set_by_id(&a.policy_definition_id) {
                let mut refs: HashMap<String, Vec<String>> = HashMap::new();
                for (r, d) in set_members(set) {
                    refs.entry(d.to_ascii_lowercase()).or_default().push(r);
                }
                slot.insert(refs);
            }
        }
    }
    for (i, m) in w.assessment_metadata.iter().enumerate() {
        t.metadata.entry(m.name.to_ascii_lowercase()).or_insert(i);
    }
    // Group by resource id first (one hash per assessment), then file each
    // resource's assessments under its scopes, and restore the world's order.
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, a) in w.assessments.iter().enumerate() {
        push(&mut by_id, &a.resource_id.to_ascii_lowercase(), i);
    }
    for (lower, ids) in &by_id {
        let prefixes = container_prefixes(lower);
        for p in &prefixes {
            match t.assessments.get_mut(*p) {
                Some(v) => v.extend_from_slice(ids),
                None => {
                    t.assessments.insert(p.to_string(), ids.clone());
                }
            }
        }
        if let Some(sub) = prefixes.first() {
            if parses_as_scope(lower) {
                t.assessments_for_groups.entry(sub["/subscriptions/".len()..].to_string()).or_default().extend_from_slice(ids);
            }
        }
    }
    for v in t.assessments.values_mut().chain(t.assessments_for_groups.values_mut()) {
        v.sort_unstable();
    }
    t
}

/// Does a subscription-rooted id parse as a scope (`Scope::parse_id`)? The
/// same rules, without allocating: a subscription, a resource group, or
/// `…/resourceGroups/{rg}/providers/{ns}/{type}/{name}` with type/name pairs.
fn parses_as_scope(id: &str) -> bool {
    let mut n = 0;
    let mut ok = true;
    for (k, seg) in id.split('/').filter(|s| !s.is_empty()).enumerate() {
        n = k + 1;
        ok &= match k {
            0 => seg.eq_ignore_ascii_case("subscriptions"),
            2 => seg.eq_ignore_ascii_case("resourceGroups"),
            4 => seg.eq_ignore_ascii_case("providers"),
            _ => true,
        };
    }
    ok && (n == 2 || n == 4 || (n >= 8 && n % 2 == 0))
}

fn build_exemptions(w: &World) -> ExemptionTables {
    let mut t = ExemptionTables { len: w.exemptions.len(), ..ExemptionTables::default() };
    for (key, e) in &w.exemptions {
        if let Some(bucket) = bucket_of(e) {
            t.list_mut(bucket).push(key.clone());
        }
    }
    t
}

/// The exemption-table bucket of an exemption (`None`: it covers nothing).
fn bucket_of(e: &Exemption) -> Option<(String, String)> {
    let assignment = e.properties.get("policyAssignmentId").and_then(Value::as_str)?;
    Some((assignment.to_ascii_lowercase(), scope_key(&e.scope)?))
}

/// `(policyDefinitionReferenceId, policyDefinitionId)` pairs of a set definition.
pub fn set_members(set: &Value) -> Vec<(String, String)> {
    set.pointer("/properties/policyDefinitions")
        .and_then(Value::as_array)
        .map(|defs| {
            defs.iter()
                .filter_map(|d| {
                    Some((d.get("policyDefinitionReferenceId")?.as_str()?.to_string(), d.get("policyDefinitionId")?.as_str()?.to_string()))
                })
                .collect()
        })
        .unwrap_or_default()
}

impl World {
    /// The lookup tables (built now if the world changed since).
    pub fn tables(&self) -> Arc<Tables> {
        let mut slot = lock(&self.index.tables);
        match &*slot {
            Some(t) if t.fingerprint == fingerprint(self) => t.clone(),
            _ => {
                let t = Arc::new(build_tables(self));
                *slot = Some(t.clone());
                t
            }
        }
    }

    /// The exemption tables (built now if exemptions changed since).
    pub fn exemption_tables(&self) -> Arc<ExemptionTables> {
        let mut slot = lock(&self.index.exemptions);
        match &*slot {
            Some(t) if t.len == self.exemptions.len() => t.clone(),
            _ => {
                let t = Arc::new(build_exemptions(self));
                *slot = Some(t.clone());
                t
            }
        }
    }

    /// Call after changing anything but exemptions in place.
    pub fn changed(&mut self) {
        self.index.clear();
    }

    /// Store an exemption under its key (the lower-case id), keeping the
    /// exemption tables current instead of rebuilding them (a rebuild over
    /// 10,000 exemptions costs a debug build ≈0.15 s).
    pub fn put_exemption(&mut self, key: String, e: Exemption) {
        let new_bucket = bucket_of(&e);
        let old = self.exemptions.insert(key.clone(), e);
        let old_bucket = old.as_ref().and_then(bucket_of);
        let len = self.exemptions.len();
        if let Some(arc) = self.index.exemptions.get_mut().unwrap_or_else(|e| e.into_inner()) {
            let t = Arc::make_mut(arc);
            if let Some(b) = old_bucket {
                t.list_mut(b).retain(|k| *k != key);
            }
            if let Some(b) = new_bucket {
                let v = t.list_mut(b);
                if let Err(at) = v.binary_search(&key) {
                    v.insert(at, key);
                }
            }
            t.len = len;
        }
    }

    /// Remove the exemption stored under `key`, keeping the tables current.
    pub fn remove_exemption(&mut self, key: &str) -> Option<Exemption> {
        let old = self.exemptions.remove(key)?;
        let len = self.exemptions.len();
        if let Some(arc) = self.index.exemptions.get_mut().unwrap_or_else(|e| e.into_inner()) {
            let t = Arc::make_mut(arc);
            if let Some(b) = bucket_of(&old) {
                t.list_mut(b).retain(|k| k != key);
            }
            t.len = len;
        }
        Some(old)
    }

    /// Call after adding, replacing, changing or removing exemptions in
    /// `exemptions` directly (the tables are rebuilt on next use).
    pub fn exemptions_changed(&mut self) {
        self.index.clear_exemptions();
    }

    /// Scope keys of everything that covers `resource_id` (as
    /// `arm::scope::covers(world, outer, resource_id)` decides): its
    /// subscription-rooted prefixes, and when it parses as a scope, its
    /// management groups and the tenant.
    pub fn covering_keys(&self, resource_id: &str) -> Vec<String> {
        let lower = resource_id.to_ascii_lowercase();
        let mut keys: Vec<String> = Vec::new();
        if lower.starts_with("/subscriptions/") {
            for (i, b) in lower.bytes().enumerate() {
                if b == b'/' && i > 15 {
                    keys.push(lower[..i].to_string());
                }
            }
            if lower.len() > 15 {
                keys.push(lower.clone());
            }
        }
        if let Some(scope) = Scope::parse_id(resource_id) {
            keys.extend(chain(self, &scope));
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// Subscriptions (indices) in a management group or any group below it.
    pub fn subscriptions_under(&self, mg: &str) -> Vec<usize> {
        let t = self.tables();
        let mut subs = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut todo = vec![mg.to_ascii_lowercase()];
        while let Some(g) = todo.pop() {
            if !seen.insert(g.clone()) {
                continue;
            }
            subs.extend(t.mg_subscriptions.get(&g).into_iter().flatten().copied());
            for &c in t.mg_children.get(&g).into_iter().flatten() {
                if let Some(m) = self.management_groups.get(c) {
                    todo.push(m.name.to_ascii_lowercase());
                }
            }
        }
        examine(seen.len() + subs.len());
        subs.sort_unstable();
        subs
    }

    /// Management groups (lower-case names) at or below `mg`.
    pub fn groups_under(&self, mg: &str) -> Vec<String> {
        let t = self.tables();
        let mut seen: Vec<String> = Vec::new();
        let mut todo = vec![mg.to_ascii_lowercase()];
        while let Some(g) = todo.pop() {
            if seen.contains(&g) {
                continue;
            }
            for &c in t.mg_children.get(&g).into_iter().flatten() {
                if let Some(m) = self.management_groups.get(c) {
                    todo.push(m.name.to_ascii_lowercase());
                }
            }
            seen.push(g);
        }
        examine(seen.len());
        seen
    }

    /// Scope keys a list at `target` may return items of: `(at or above, below)`.
    /// "At or above" are exact keys (the target's chain); "below" are key
    /// prefixes (each followed by `/` or the end). Empty "below" when
    /// `with_below` is false.
    pub fn related_keys(&self, target: &Scope, with_below: bool) -> (Vec<String>, Vec<String>) {
        let above = chain(self, target);
        let mut below = Vec::new();
        if with_below {
            match target {
                Scope::Tenant => below.push(String::new()),
                Scope::ManagementGroup(mg) => {
                    for g in self.groups_under(mg) {
                        below.push(format!("/providers/microsoft.management/managementgroups/{g}"));
                    }
                    for s in self.subscriptions_under(mg) {
                        if let Some(s) = self.subscriptions.get(s) {
                            below.push(format!("/subscriptions/{}", s.id.to_ascii_lowercase()));
                        }
                    }
                }
                _ => below.push(target.id().trim_end_matches('/').to_ascii_lowercase()),
            }
        }
        (above, below)
    }
}

/// Entries of a map keyed by lower-case ids whose key starts with `prefix`
/// followed by `/` or the end (or every entry for an empty prefix).
pub fn under<'m: 'p, 'p, V>(map: &'m BTreeMap<String, V>, prefix: &'p str) -> impl Iterator<Item = (&'m String, &'m V)> + 'p {
    map.range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded))
        .take_while(move |(k, _)| k.starts_with(prefix))
        .filter(move |(k, _)| prefix.is_empty() || k.len() == prefix.len() || k.as_bytes().get(prefix.len()) == Some(&b'/'))
}

/// The `skip..skip + take` window of the ascending union of ascending,
/// disjoint index lists, without walking what comes before the window:
/// a binary search for the window's first element (O(k log² n)), then a
/// k-way merge of `take` elements.
pub fn window(lists: &[&[usize]], skip: usize, take: usize) -> Vec<usize> {
    let total: usize = lists.iter().map(|l| l.len()).sum();
    if skip >= total || take == 0 {
        return Vec::new();
    }
    if let [only] = lists {
        let end = skip.saturating_add(take).min(only.len());
        examine(end - skip);
        return only[skip..end].to_vec();
    }
    let count_le = |x: usize| -> usize {
        examine(lists.len());
        lists.iter().map(|l| l.partition_point(|&v| v <= x)).sum()
    };
    // The smallest x with more than `skip` elements <= x is the element at rank `skip`.
    let (mut lo, mut hi) = (0usize, lists.iter().filter_map(|l| l.last().copied()).max().unwrap_or(0));
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if count_le(mid) > skip {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let mut heap = std::collections::BinaryHeap::new();
    let mut cursors: Vec<usize> = lists.iter().map(|l| l.partition_point(|&v| v < lo)).collect();
    for (k, l) in lists.iter().enumerate() {
        if let Some(&v) = l.get(cursors[k]) {
            heap.push(std::cmp::Reverse((v, k)));
        }
    }
    let mut out = Vec::with_capacity(take.min(total - skip));
    while out.len() < take {
        let Some(std::cmp::Reverse((v, k))) = heap.pop() else { break };
        out.push(v);
        cursors[k] += 1;
        if let Some(&next) = lists[k].get(cursors[k]) {
            heap.push(std::cmp::Reverse((next, k)));
        }
    }
    examine(out.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_of_merged_lists_is_the_slice_of_their_union() {
        let a = [0, 3, 4, 9, 12];
        let b = [1, 2, 10];
        let c = [5, 6, 7, 8, 11, 13];
        let mut all: Vec<usize> = a.iter().chain(&b).chain(&c).copied().collect();
        all.sort_unstable();
        for skip in 0..16 {
            for take in 0..5 {
                let want: Vec<usize> = all.iter().skip(skip).take(take).copied().collect();
                assert_eq!(window(&[&a, &b, &c], skip, take), want, "skip {skip} take {take}");
            }
        }
        assert_eq!(window(&[&a], 3, 10), vec![9, 12]);
        assert!(window(&[], 0, 10).is_empty());
    }

    #[test]
    fn prefixes_are_the_scope_shaped_ones() {
        let id = "/subscriptions/s/resourcegroups/r/providers/ns/t/n/c/m";
        assert_eq!(
            container_prefixes(id),
            vec![
                "/subscriptions/s",
                "/subscriptions/s/resourcegroups/r",
                "/subscriptions/s/resourcegroups/r/providers/ns/t/n",
                "/subscriptions/s/resourcegroups/r/providers/ns/t/n/c/m"
            ]
        );
        assert_eq!(container_prefixes("/subscriptions/s"), vec!["/subscriptions/s"]);
        assert!(container_prefixes("/providers/x").is_empty());
    }

    #[test]
    fn parses_as_scope_agrees_with_the_parser() {
        for id in [
            "/subscriptions/s",
            "/subscriptions/s/",
            "/subscriptions/s/resourceGroups/r",
            "/subscriptions/s/resourcegroups/r/providers/ns/t/n",
            "/subscriptions/s/resourceGroups/r/providers/ns/t/n/c/m",
            "/subscriptions/s/resourceGroups/r/providers/ns/t",
            "/subscriptions/s/resourceGroups/r/providers/ns/t/n/c",
            "/subscriptions/s/resourceGroups/r/other/ns/t/n",
            "/subscriptions/s/locations/r",
            "/subscriptions/s/resourceGroups",
            "/subscriptions//s/resourceGroups/r",
        ] {
            assert_eq!(parses_as_scope(id), Scope::parse_id(id).is_some(), "{id}");
        }
    }

    #[test]
    fn under_stops_at_segment_boundaries() {
        let mut m = BTreeMap::new();
        for k in ["/subscriptions/a", "/subscriptions/a/x", "/subscriptions/ab", "/subscriptions/b"] {
            m.insert(k.to_string(), ());
        }
        let got: Vec<&String> = under(&m, "/subscriptions/a").map(|(k, _)| k).collect();
        assert_eq!(got, vec!["/subscriptions/a", "/subscriptions/a/x"]);
        assert_eq!(under(&m, "").count(), 4);
    }
}
