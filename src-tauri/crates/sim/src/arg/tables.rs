//! The rows of each table, built from `World` with the ARM endpoints' own
//! rendering functions (so ARM and Resource Graph agree), limited to what the
//! request's scope names and the caller may read.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::eval::{Needs, Row};
use crate::arm::auth::allowed;
use crate::arm::exemptions::exemption_json;
use crate::arm::policy::assignment_json;
use crate::arm::scope::{chain, Scope};
use crate::arm::security::{assessment_id, assessment_properties, Statuses};
use crate::arm::subscriptions::{resource_json, subscription_json};
use crate::arm::{Ctx, V_EXEMPTIONS};

pub const TABLES: &[&str] = &["securityresources", "policyresources", "resources", "resourcecontainers"];

/// Which rows a request may see: the scopes it names and the caller's reads.
pub struct Visibility {
    /// Lower-case subscription ids named in the request (`None` = not narrowed by subscription).
    subscriptions: Option<HashSet<String>>,
    /// Lower-case names of the named management groups and every group below them.
    groups: Option<HashSet<String>>,
    /// (lower-case scope id, action) -> allowed
    reads: HashMap<(String, &'static str), bool>,
    /// The answers of [`Visibility::visible`] so far, per action, by the
    /// subscription/resource-group part of the id as written (rows of one
    /// container share it: one lookup instead of parsing each id).
    seen: HashMap<&'static str, HashMap<String, bool>>,
}

impl Visibility {
    pub fn new(ctx: &Ctx, subscriptions: Option<Vec<String>>, groups: Option<Vec<String>>) -> Self {
        let w = &*ctx.world;
        let groups = groups.map(|named| {
            let named: HashSet<String> = named.iter().map(|g| g.to_ascii_lowercase()).collect();
            w.management_groups
                .iter()
                .filter(|mg| {
                    chain(w, &Scope::ManagementGroup(mg.name.clone()))
                        .iter()
                        .any(|id| id.strip_prefix("/providers/microsoft.management/managementgroups/").is_some_and(|n| named.contains(n)))
                })
                .map(|mg| mg.name.to_ascii_lowercase())
                .collect()
        });
        Visibility {
            subscriptions: subscriptions.map(|s| s.iter().map(|x| x.to_ascii_lowercase()).collect()),
            groups,
            reads: HashMap::new(),
            seen: HashMap::new(),
        }
    }

    /// Is the subscription inside the request's scope?
    fn subscription_in_scope(&self, ctx: &Ctx, sub: &str) -> bool {
        if let Some(subs) = &self.subscriptions {
            return subs.contains(&sub.to_ascii_lowercase());
        }
        match &self.groups {
            None => true,
            Some(groups) => ctx.world.subscription(sub).is_some_and(|s| groups.contains(&s.parent_mg.to_ascii_lowercase())),
        }
    }

    /// Are a management group's own (group-level) rows inside the scope?
    fn group_in_scope(&self, name: &str) -> bool {
        match (&self.subscriptions, &self.groups) {
            (None, None) => true,
            (_, Some(groups)) => groups.contains(&name.to_ascii_lowercase()),
            (Some(_), None) => false,
        }
    }

    fn may_read(&mut self, ctx: &Ctx, scope: Scope, action: &'static str) -> bool {
        let key = (scope.id().to_ascii_lowercase(), action);
        if let Some(v) = self.reads.get(&key) {
            return *v;
        }
        let v = allowed(ctx.world, &ctx.caller.object_id, &scope, action);
        self.reads.insert(key, v);
        v
    }

    /// May the caller read a row at `scope_id` (checked at its resource group
    /// or subscription, or at its management group), and is it in scope?
    fn visible(&mut self, ctx: &Ctx, scope_id: &str, action: &'static str) -> bool {
        if !scope_id.get(..15).is_some_and(|p| p.eq_ignore_ascii_case("/subscriptions/")) {
            return self.decide(ctx, scope_id, action);
        }
        let container = container_of(scope_id);
        if let Some(v) = self.seen.get(action).and_then(|m| m.get(container)) {
            return *v;
        }
        let v = self.decide(ctx, scope_id, action);
        self.seen.entry(action).or_default().insert(container.to_string(), v);
        v
    }

    fn decide(&mut self, ctx: &Ctx, scope_id: &str, action: &'static str) -> bool {
        let (sub, rg) = sub_rg(scope_id);
        if sub.is_empty() {
            let Some(Scope::ManagementGroup(mg)) = Scope::parse_id(scope_id) else { return false };
            return self.group_in_scope(&mg) && self.may_read(ctx, Scope::ManagementGroup(mg), action);
        }
        if !self.subscription_in_scope(ctx, &sub) {
            return false;
        }
        if self.may_read(ctx, Scope::Subscription(sub.clone()), action) {
            return true;
        }
        !rg.is_empty() && self.may_read(ctx, Scope::ResourceGroup { sub, rg }, action)
    }
}

/// The part of a subscription-rooted id [`Visibility::visible`] depends on:
/// its first four segments (`/subscriptions/S/resourceGroups/RG`, or
/// `/subscriptions/S/providers/NS` for one with no group), or all of it.
pub(crate) fn container_of(id: &str) -> &str {
    let mut segs = 0;
    let mut in_seg = false;
    for (i, b) in id.bytes().enumerate() {
        if b == b'/' {
            if in_seg {
                segs += 1;
                in_seg = false;
                if segs == 4 {
                    return &id[..i];
                }
            }
        } else {
            in_seg = true;
        }
    }
    id
}

/// (subscription id, resource group) of an id, each empty when absent.
fn sub_rg(id: &str) -> (String, String) {
    let segs: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
    let sub = match segs.as_slice() {
        [s, sub, ..] if s.eq_ignore_ascii_case("subscriptions") => sub.to_string(),
        _ => return (String::new(), String::new()),
    };
    let rg = match segs.get(2..4) {
        Some([r, rg]) if r.eq_ignore_ascii_case("resourceGroups") => rg.to_string(),
        _ => String::new(),
    };
    (sub, rg)
}

/// A row with ARG's standard columns (those `needs` reads); `type` and
/// `resourceGroup` lower case.
#[allow(clippy::too_many_arguments)]
fn row(ctx: &Ctx, needs: &Needs, id: &str, name: &str, type_: &str, location: &str, kind: &str, tags: Value, properties: Value) -> Row {
    // Counted as examined (`/_sim/requests`): a query costs the rows it renders.
    crate::index::examine(1);
    let mut r = Map::new();
    // Each value is made only when its column is read.
    let mut put = |column: &str, value: &dyn Fn() -> Value| {
        if needs.column(column) {
            r.insert(column.into(), value());
        }
    };
    put("id", &|| json!(id));
    put("name", &|| json!(name));
    put("type", &|| json!(type_.to_ascii_lowercase()));
    put("tenantId", &|| json!(ctx.world.tenant_id));
    put("kind", &|| json!(kind));
    put("location", &|| json!(location));
    put("resourceGroup", &|| json!(sub_rg(id).1.to_ascii_lowercase()));
    put("subscriptionId", &|| json!(sub_rg(id).0));
    put("managedBy", &|| json!(""));
    put("sku", &|| Value::Null);
    put("plan", &|| Value::Null);
    if needs.column("properties") {
        r.insert("properties".into(), properties);
    }
    if needs.column("tags") {
        r.insert("tags".into(), tags);
    }
    let mut put = |column: &str| {
        if needs.column(column) {
            r.insert(column.into(), Value::Null);
        }
    };
    put("identity");
    put("zones");
    put("extendedLocation");
    r
}

fn take(v: &mut Value, key: &str) -> Value {
    v.get_mut(key).map(Value::take).unwrap_or(Value::Null)
}

/// Does one of the query's leading filters turn away a row of this `type`
/// and `name`, whatever its other columns hold? (Tried before the row is
/// built: a query for one recommendation's assessments then renders those,
/// not the tenant's.)
fn turned_away(needs: &Needs, type_: &str, name: &str) -> bool {
    if !needs.has_filters() {
        return false;
    }
    let mut partial = Map::new();
    partial.insert("type".into(), json!(type_.to_ascii_lowercase()));
    partial.insert("name".into(), json!(name));
    needs.rejects(&partial)
}

/// Every visible row of `table` (a name from [`TABLES`]) that `needs` does not turn away.
pub fn rows(ctx: &Ctx, vis: &mut Visibility, table: &str, needs: &Needs) -> Vec<Row> {
    let w = &*ctx.world;
    let mut out = Vec::new();
    match table {
        "securityresources" => {
            let mut statuses = Statuses::new(ctx.now, ctx.effect_delay);
            // The leading filters' verdict per recommendation (type and name are all they see).
            let mut away: HashMap<&str, bool> = HashMap::new();
            // A query naming subscriptions looks only at theirs (the scope
            // index): a chunk of them costs in proportion to the chunk.
            let named: Option<Vec<usize>> = vis.subscriptions.as_ref().map(|subs| {
                let tables = w.tables();
                let mut at: Vec<usize> =
                    subs.iter().filter_map(|s| tables.assessments.get(&format!("/subscriptions/{s}"))).flatten().copied().collect();
                at.sort_unstable();
                at.dedup();
                at
            });
            let all = 0..w.assessments.len();
            let indices: Box<dyn Iterator<Item = usize>> = match &named {
                Some(at) => Box::new(at.iter().copied()),
                None => Box::new(all),
            };
            for a in indices.filter_map(|i| w.assessments.get(i)) {
                let Some(m) = w.metadata(&a.metadata_name) else { continue };
                let turned = *away.entry(&m.name).or_insert_with(|| turned_away(needs, "microsoft.security/assessments", &m.name));
                if turned {
                    continue;
                }
                if !vis.visible(ctx, &a.resource_id, "Microsoft.Security/assessments/read") {
                    continue;
                }
                // Only what the query reads: the id when a column derives
                // from it, the parts of `properties` it reads.
                let id = if ["id", "resourceGroup", "subscriptionId"].iter().any(|c| needs.column(c)) {
                    assessment_id(a, m)
                } else {
                    String::new()
                };
                let props = if needs.column("properties") {
                    assessment_properties(a, m, "", || statuses.status(w, a, m), &|p| needs.property(p))
                } else {
                    Value::Null
                };
                out.push(row(ctx, needs, &id, &m.name, "microsoft.security/assessments", "", "", json!({}), props));
            }
        }
        "policyresources" => {
            for a in &w.policy_assignments {
                if turned_away(needs, "microsoft.authorization/policyassignments", &a.name) {
                    continue;
                }
                if !vis.visible(ctx, &a.scope, "Microsoft.Authorization/policyAssignments/read") {
                    continue;
                }
                let mut v = assignment_json(a);
                let loc = take(&mut v, "location");
                out.push(row(
                    ctx,
                    needs,
                    &a.id,
                    &a.name,
                    "microsoft.authorization/policyassignments",
                    loc.as_str().unwrap_or(""),
                    "",
                    json!({}),
                    take(&mut v, "properties"),
                ));
            }
            let newest = V_EXEMPTIONS.last().copied().unwrap_or("2022-07-01-preview");
            for e in w.exemptions.values() {
                if turned_away(needs, "microsoft.authorization/policyexemptions", &e.name) {
                    continue;
                }
                if !vis.visible(ctx, &e.scope, "Microsoft.Authorization/policyExemptions/read") {
                    continue;
                }
                let mut v = exemption_json(e, newest);
                let mut r = row(
                    ctx,
                    needs,
                    &e.id,
                    &e.name,
                    "microsoft.authorization/policyexemptions",
                    "",
                    "",
                    json!({}),
                    take(&mut v, "properties"),
                );
                r.insert("systemData".into(), take(&mut v, "systemData"));
                out.push(r);
            }
        }
        "resources" => {
            for res in &w.resources {
                if turned_away(needs, &res.type_, &res.name) {
                    continue;
                }
                if !vis.visible(ctx, &res.id, "Microsoft.Resources/subscriptions/resources/read") {
                    continue;
                }
                let mut v = resource_json(res);
                out.push(row(
                    ctx,
                    needs,
                    &res.id,
                    &res.name,
                    &res.type_,
                    &res.location,
                    res.kind.as_deref().unwrap_or(""),
                    take(&mut v, "tags"),
                    json!({}),
                ));
            }
        }
        "resourcecontainers" => {
            for s in &w.subscriptions {
                if turned_away(needs, "microsoft.resources/subscriptions", &s.display_name) {
                    continue;
                }
                let id = format!("/subscriptions/{}", s.id);
                if !vis.visible(ctx, &id, "Microsoft.Resources/subscriptions/read") {
                    continue;
                }
                let mut v = subscription_json(s, &w.tenant_id);
                let tags = take(&mut v, "tags");
                let props = json!({
                    "state": take(&mut v, "state"),
                    "subscriptionPolicies": take(&mut v, "subscriptionPolicies"),
                    "managementGroupAncestorsChain": chain(w, &Scope::Subscription(s.id.clone()))
                        .iter()
                        .filter_map(|c| c.strip_prefix("/providers/microsoft.management/managementgroups/"))
                        .filter_map(|n| w.management_group(n))
                        .map(|g| json!({ "name": g.name, "displayName": g.display_name }))
                        .collect::<Vec<_>>(),
                });
                out.push(row(ctx, needs, &id, &s.display_name, "microsoft.resources/subscriptions", "", "", tags, props));
            }
            for g in &w.resource_groups {
                if turned_away(needs, "microsoft.resources/subscriptions/resourcegroups", &g.name) {
                    continue;
                }
                let id = format!("/subscriptions/{}/resourceGroups/{}", g.subscription_id, g.name);
                if !vis.visible(ctx, &id, "Microsoft.Resources/subscriptions/resourceGroups/read") {
                    continue;
                }
                let props = json!({ "provisioningState": "Succeeded" });
                out.push(row(
                    ctx,
                    needs,
                    &id,
                    &g.name,
                    "microsoft.resources/subscriptions/resourcegroups",
                    &g.location,
                    "",
                    json!({}),
                    props,
                ));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{container_of, sub_rg};

    #[test]
    fn the_container_is_the_first_four_segments() {
        assert_eq!(container_of("/subscriptions/S/resourceGroups/RG/providers/x/y/z"), "/subscriptions/S/resourceGroups/RG");
        assert_eq!(container_of("/subscriptions/S/providers/NS/t/n"), "/subscriptions/S/providers/NS");
        assert_eq!(container_of("/subscriptions/S/resourceGroups/RG"), "/subscriptions/S/resourceGroups/RG");
        assert_eq!(container_of("/subscriptions/S"), "/subscriptions/S");
    }

    #[test]
    fn splits_subscription_and_group() {
        assert_eq!(sub_rg("/subscriptions/S/resourceGroups/RG/providers/x/y/z"), ("S".into(), "RG".into()));
        assert_eq!(sub_rg("/subscriptions/S"), ("S".into(), String::new()));
        assert_eq!(sub_rg("/providers/Microsoft.Management/managementGroups/m"), (String::new(), String::new()));
    }
}
