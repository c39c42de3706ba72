//! Defender for Cloud: assessments (per-resource recommendation statuses) and
//! assessment metadata (the recommendations).

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

use super::auth::require;
use super::scope::Scope;
use super::{arm_time, method_not_allowed, ArmResult, Ctx, V_SECURITY};
use crate::errors::HttpError;
use crate::index::{examine, window};
use crate::state::{Assessment, AssessmentMetadata, AssessmentStatus, Exemption, World};

pub const PAGE_SIZE: usize = 100;

pub fn metadata_properties(m: &AssessmentMetadata) -> Value {
    let mut p = json!({
        "displayName": m.display_name,
        "description": m.description,
        "remediationDescription": m.remediation_description,
        "categories": m.categories,
        "severity": m.severity,
        "userImpact": m.user_impact,
        "implementationEffort": m.implementation_effort,
        "threats": m.threats,
        "publishDates": { "ga": "06/01/2021", "public": "06/01/2021" },
        "assessmentType": m.assessment_type,
    });
    if let Some(d) = &m.policy_definition_id {
        p["policyDefinitionId"] = json!(d);
    }
    if m.preview {
        p["preview"] = json!(true);
    }
    if let Some(d) = &m.planned_deprecation_date {
        p["plannedDeprecationDate"] = json!(d);
    }
    p
}

fn metadata_json(m: &AssessmentMetadata, prefix: &str) -> Value {
    json!({
        "id": format!("{prefix}/providers/Microsoft.Security/assessmentMetadata/{}", m.name),
        "name": m.name,
        "type": "Microsoft.Security/assessmentMetadata",
        "properties": metadata_properties(m),
    })
}

/// The status Defender shows now: the seeded status, unless the policy that
/// drives the recommendation is not assigned (`OffByPolicy`) or every
/// assignment that includes it is exempted for the resource (`Exempt`, after
/// the configured delay).
///
/// Cost: a few hash lookups per scope above the resource (the world's lookup
/// tables: assignments by scope, set members by definition, exemptions by
/// assignment and scope), independent of the tenant's size.
pub fn effective_status(world: &World, a: &Assessment, m: &AssessmentMetadata, now: DateTime<Utc>, delay_secs: i64) -> AssessmentStatus {
    let Some(def) = m.policy_definition_id.as_deref() else {
        return a.status.clone();
    };
    let keys = world.covering_keys(&a.resource_id);
    status_at(world, def, &keys, now, delay_secs).unwrap_or_else(|| a.status.clone())
}

/// Effective statuses of many assessments at once (one Resource Graph
/// query's): what a resource's container (its resource group, or its
/// subscription) contributes — the covering scopes from it up, and the
/// status each definition gets there — is worked out once per container,
/// not per assessment. A resource whose own scopes (itself, and its id's
/// prefixes below the container) hold assignments or exemptions is worked
/// out on its own by [`effective_status`]. Same answers, for one `now`.
pub struct Statuses {
    now: DateTime<Utc>,
    delay_secs: i64,
    containers: HashMap<String, Container>,
    last: Option<Last>,
}

struct Container {
    /// The covering keys at or above the container.
    keys: Vec<String>,
    /// Definition id (as the metadata spells it) -> status there (`None` = the seeded one).
    by_def: HashMap<String, Option<AssessmentStatus>>,
}

impl Statuses {
    pub fn new(now: DateTime<Utc>, delay_secs: i64) -> Self {
        Statuses { now, delay_secs, containers: HashMap::new(), last: None }
    }

    pub fn status(&mut self, world: &World, a: &Assessment, m: &AssessmentMetadata) -> AssessmentStatus {
        let Some(def) = m.policy_definition_id.as_deref() else {
            return a.status.clone();
        };
        // A resource's assessments come one after another: its own scopes
        // are looked at once for all of them.
        if self.last.as_ref().is_none_or(|l| l.id != a.resource_id) {
            let lower = a.resource_id.to_ascii_lowercase();
            let container = crate::arg::tables::container_of(&lower);
            let (t, ex) = (world.tables(), world.exemption_tables());
            let own = own_keys(&lower, container.len());
            let own_scopes = own.iter().any(|k| t.assignments_by_scope.get(*k).is_some_and(|v| !v.is_empty()) || ex.any_at(k));
            if !own_scopes && !self.containers.contains_key(container) {
                let keys = world.covering_keys(&a.resource_id).into_iter().filter(|k| !own.contains(&k.as_str())).collect();
                self.containers.insert(container.to_string(), Container { keys, by_def: HashMap::new() });
            }
            let container = container.to_string();
            self.last = Some(Last { id: a.resource_id.clone(), container, own_scopes });
        }
        let Some(last) = &self.last else { return a.status.clone() };
        if last.own_scopes {
            return effective_status(world, a, m, self.now, self.delay_secs);
        }
        let (now, delay) = (self.now, self.delay_secs);
        let Some(c) = self.containers.get_mut(&last.container) else { return effective_status(world, a, m, now, delay) };
        if !c.by_def.contains_key(def) {
            let s = status_at(world, def, &c.keys, now, delay);
            c.by_def.insert(def.to_string(), s);
        }
        match c.by_def.get(def) {
            Some(Some(s)) => s.clone(),
            _ => a.status.clone(),
        }
    }
}

/// The resource [`Statuses::status`] looked at last.
struct Last {
    id: String,
    /// Its container, lower case.
    container: String,
    /// Do its own scopes hold assignments or exemptions?
    own_scopes: bool,
}

/// The covering keys of a resource (lower-case id) below its container (the
/// first `container_len` bytes): the id's prefixes ending after the container, and the id.
fn own_keys(lower: &str, container_len: usize) -> Vec<&str> {
    let mut keys: Vec<&str> =
        lower.bytes().enumerate().filter(|&(i, b)| b == b'/' && i > container_len && i > 15).map(|(i, _)| &lower[..i]).collect();
    if lower.len() > container_len && lower.len() > 15 {
        keys.push(lower);
    }
    keys
}

/// The status for definition `def` of a resource covered by the scopes
/// `keys` (lower case; the order does not matter): `None` when it is the seeded one.
fn status_at(world: &World, def: &str, keys: &[String], now: DateTime<Utc>, delay_secs: i64) -> Option<AssessmentStatus> {
    let t = world.tables();
    // Scopes at or above the resource; the assignments there cover it.
    let mut covering: Vec<usize> = keys.iter().filter_map(|k| t.assignments_by_scope.get(k)).flatten().copied().collect();
    covering.sort_unstable();
    covering.dedup();
    examine(covering.len());
    // Those that include the definition, with the reference ids under which
    // they include it (none for a direct assignment of the definition).
    let def_lower = def.to_ascii_lowercase();
    let applicable: Vec<(&str, &[String])> = covering
        .iter()
        .filter_map(|&i| world.policy_assignments.get(i))
        .filter_map(|pa| {
            if pa.policy_definition_id.eq_ignore_ascii_case(def) {
                return Some((pa.id.as_str(), &[][..]));
            }
            let refs = t.set_refs.get(&pa.policy_definition_id.to_ascii_lowercase())?.get(&def_lower)?;
            (!refs.is_empty()).then_some((pa.id.as_str(), refs.as_slice()))
        })
        .collect();
    if applicable.is_empty() {
        return Some(AssessmentStatus {
            code: "NotApplicable".into(),
            cause: Some("OffByPolicy".into()),
            description: Some("The effective policy for the assessment was evaluated to off - use Microsoft.Authorization/policyAssignments to turn this assessment on".into()),
        });
    }
    let ex = world.exemption_tables();
    // Only the covering scopes that hold exemptions at all (usually none).
    let keys: Vec<&String> = keys.iter().filter(|k| ex.any_at(k)).collect();
    if keys.is_empty() {
        return None;
    }
    let delay = Duration::seconds(delay_secs);
    let mut category = None;
    for (assignment_id, refs) in applicable {
        // The first active exemption (in id order) of this assignment at a
        // scope covering the resource that includes the definition.
        let assignment = assignment_id.to_ascii_lowercase();
        let mut hit: Option<(&String, &Exemption)> = None;
        for k in &keys {
            for key in ex.at(k, &assignment) {
                examine(1);
                let Some(e) = world.exemptions.get(key) else { continue };
                let p = &e.properties;
                let active = e.expires_on.is_none_or(|t| t > now) && e.created_at + delay <= now;
                let covers_ref = match p.get("policyDefinitionReferenceIds").and_then(Value::as_array) {
                    None => true,
                    Some(list) if list.is_empty() => true,
                    Some(list) => list.iter().filter_map(Value::as_str).any(|r| refs.iter().any(|x| x.eq_ignore_ascii_case(r))),
                };
                if active && covers_ref {
                    if hit.is_none_or(|(best, _)| key < best) {
                        hit = Some((key, e));
                    }
                    break;
                }
            }
        }
        let (_, e) = hit?;
        category = e.properties.get("exemptionCategory").and_then(Value::as_str);
    }
    let why = match category {
        Some("Mitigated") => "Mitigated",
        _ => "Risk accepted (waiver)",
    };
    Some(AssessmentStatus {
        code: "NotApplicable".into(),
        cause: Some("Exempt".into()),
        description: Some(format!("This resource is exempt from this recommendation: {why}")),
    })
}

pub(crate) fn assessment_json(ctx: &Ctx, a: &Assessment, m: &AssessmentMetadata, expand: &str) -> Value {
    assessment_json_with(a, m, expand, effective_status(ctx.world, a, m, ctx.now, ctx.effect_delay))
}

/// [`assessment_json`] with its effective status `s` already worked out.
pub(crate) fn assessment_json_with(a: &Assessment, m: &AssessmentMetadata, expand: &str, s: AssessmentStatus) -> Value {
    json!({
        "id": assessment_id(a, m),
        "name": m.name,
        "type": "Microsoft.Security/assessments",
        "properties": assessment_properties(a, m, expand, || s, &|_| true),
    })
}

pub(crate) fn assessment_id(a: &Assessment, m: &AssessmentMetadata) -> String {
    format!("{}/providers/Microsoft.Security/assessments/{}", a.resource_id, m.name)
}

/// An assessment's `properties`, with only the parts at the paths `want`
/// accepts (a caller reading a few paths need not have the rest made); the
/// status is worked out only when part of it is wanted.
pub(crate) fn assessment_properties(
    a: &Assessment,
    m: &AssessmentMetadata,
    expand: &str,
    status: impl FnOnce() -> AssessmentStatus,
    want: &dyn Fn(&[&str]) -> bool,
) -> Value {
    let mut props = Map::new();
    if want(&["resourceDetails"]) {
        props.insert("resourceDetails".into(), json!({ "source": "Azure", "id": a.resource_id }));
    }
    if want(&["displayName"]) {
        props.insert("displayName".into(), json!(m.display_name));
    }
    if want(&["status"]) {
        let mut st = Map::new();
        if want(&["status", "code"]) || want(&["status", "cause"]) || want(&["status", "description"]) {
            let s = status();
            st.insert("code".into(), json!(s.code));
            if let Some(c) = s.cause {
                st.insert("cause".into(), json!(c));
            }
            if let Some(d) = s.description {
                st.insert("description".into(), json!(d));
            }
        }
        if want(&["status", "firstEvaluationDate"]) || want(&["status", "statusChangeDate"]) {
            let first = arm_time(&a.first_evaluation);
            st.insert("statusChangeDate".into(), json!(first));
            st.insert("firstEvaluationDate".into(), json!(first));
        }
        props.insert("status".into(), Value::Object(st));
    }
    for e in expand.split(',').map(str::trim) {
        if e.eq_ignore_ascii_case("metadata") {
            props.insert("metadata".into(), metadata_properties(m));
        } else if e.eq_ignore_ascii_case("links") {
            props.insert(
                "links".into(),
                json!({
                    "azurePortalUri": format!("https://portal.azure.com/#blade/Microsoft_Azure_Security/RecommendationsBlade/assessmentKey/{}", m.name)
                }),
            );
        }
    }
    Value::Object(props)
}

/// `{scope}/providers/Microsoft.Security/assessments[/{name}]`
pub fn assessments(ctx: &mut Ctx, scope: &Scope, name: Option<&str>) -> ArmResult {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_SECURITY)?;
    if *scope == Scope::Tenant {
        return Err(HttpError::bad_request(
            "InvalidScope",
            "Assessments are listed at a management group, subscription, resource group or resource scope.",
        ));
    }
    scope.check_exists(ctx.world)?;
    require(ctx.world, ctx.caller, scope, "Microsoft.Security/assessments/read")?;
    let expand = ctx.q("$expand").unwrap_or("").to_string();
    let w = &*ctx.world;
    let scope_id = scope.id();
    match name {
        Some(name) => {
            let t = w.tables();
            let found = t
                .assessments
                .get(&scope_id.trim_end_matches('/').to_ascii_lowercase())
                .into_iter()
                .flatten()
                .filter_map(|&i| w.assessments.get(i))
                .find(|a| a.metadata_name.eq_ignore_ascii_case(name) && a.resource_id.eq_ignore_ascii_case(&scope_id));
            match found.and_then(|a| w.metadata(&a.metadata_name).map(|m| (a, m))) {
                Some((a, m)) => Ok((StatusCode::OK, Some(assessment_json(ctx, a, m, &expand)))),
                None => Err(HttpError::not_found("NotFound", format!("The assessment '{name}' was not found for resource '{scope_id}'."))),
            }
        }
        None => {
            // The list takes no `$expand` (the 2021-06-01 spec documents it
            // for a single assessment only), so it is ignored here: the list
            // carries neither `metadata` nor `links`; clients join the
            // `assessmentMetadata` list by the assessment's name.
            // Select through the index, render only the requested page: a
            // page costs O(page) however large the tenant is.
            let t = w.tables();
            let lists: Vec<&[usize]> = match scope {
                Scope::ManagementGroup(mg) => {
                    let mut subs: Vec<String> = w
                        .subscriptions_under(mg)
                        .iter()
                        .filter_map(|&i| w.subscriptions.get(i))
                        .map(|s| s.id.to_ascii_lowercase())
                        .collect();
                    subs.sort_unstable();
                    subs.dedup();
                    subs.iter().filter_map(|s| t.assessments_for_groups.get(s)).map(Vec::as_slice).collect()
                }
                _ => t.assessments.get(&scope_id.trim_end_matches('/').to_ascii_lowercase()).map(Vec::as_slice).into_iter().collect(),
            };
            let total = lists.iter().map(|l| l.len()).sum();
            let (range, next) = ctx.page_range(total, PAGE_SIZE)?;
            let items: Vec<Value> = window(&lists, range.start, range.len())
                .into_iter()
                .filter_map(|i| {
                    let a = w.assessments.get(i)?;
                    w.metadata(&a.metadata_name).map(|m| assessment_json(ctx, a, m, ""))
                })
                .collect();
            Ok((StatusCode::OK, Some(super::page_body(items, next))))
        }
    }
}

/// `[/subscriptions/{id}]/providers/Microsoft.Security/assessmentMetadata[/{name}]`
pub fn metadata(ctx: &mut Ctx, scope: &Scope, name: Option<&str>) -> ArmResult {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_SECURITY)?;
    let prefix = match scope {
        Scope::Tenant => String::new(),
        Scope::Subscription(_) => {
            scope.check_exists(ctx.world)?;
            scope.id()
        }
        _ => return Err(HttpError::bad_request("InvalidScope", "Assessment metadata is available at the tenant or subscription scope.")),
    };
    let w = &*ctx.world;
    match name {
        Some(name) => match w.listed_metadata(name) {
            Some(m) => Ok((StatusCode::OK, Some(metadata_json(m, &prefix)))),
            None => Err(HttpError::not_found("NotFound", format!("The assessment metadata '{name}' was not found."))),
        },
        None => {
            let items: Vec<Value> = w
                .assessment_metadata
                .iter()
                .filter(|m| !w.unlisted_metadata.contains(&m.name.to_ascii_lowercase()))
                .map(|m| metadata_json(m, &prefix))
                .collect();
            Ok((StatusCode::OK, Some(ctx.paged(items, PAGE_SIZE)?)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::policy::set_members;
    use crate::arm::scope::covers;

    /// The scan `effective_status` replaced, kept to show the index changes nothing.
    fn scanned(world: &World, a: &Assessment, m: &AssessmentMetadata, now: DateTime<Utc>, delay_secs: i64) -> AssessmentStatus {
        let Some(def) = m.policy_definition_id.as_deref() else { return a.status.clone() };
        let applicable: Vec<(String, Vec<String>)> = world
            .policy_assignments
            .iter()
            .filter(|pa| covers(world, &pa.scope, &a.resource_id))
            .filter_map(|pa| {
                if pa.policy_definition_id.eq_ignore_ascii_case(def) {
                    return Some((pa.id.clone(), Vec::new()));
                }
                let set = world.policy_set_by_id(&pa.policy_definition_id)?;
                let refs: Vec<String> = set_members(set).into_iter().filter(|(_, d)| d.eq_ignore_ascii_case(def)).map(|(r, _)| r).collect();
                (!refs.is_empty()).then(|| (pa.id.clone(), refs))
            })
            .collect();
        if applicable.is_empty() {
            return AssessmentStatus { code: "NotApplicable".into(), cause: Some("OffByPolicy".into()), description: None };
        }
        let mut category = None;
        let all_exempt = applicable.iter().all(|(assignment_id, refs)| {
            world.exemptions.values().any(|e| {
                let p = &e.properties;
                let same = p.get("policyAssignmentId").and_then(Value::as_str).is_some_and(|x| x.eq_ignore_ascii_case(assignment_id));
                let active = e.expires_on.is_none_or(|t| t > now) && e.created_at + Duration::seconds(delay_secs) <= now;
                let covers_ref = match p.get("policyDefinitionReferenceIds").and_then(Value::as_array) {
                    None => true,
                    Some(list) if list.is_empty() => true,
                    Some(list) => list.iter().filter_map(Value::as_str).any(|r| refs.iter().any(|x| x.eq_ignore_ascii_case(r))),
                };
                let hit = same && active && covers_ref && covers(world, &e.scope, &a.resource_id);
                if hit {
                    category = p.get("exemptionCategory").and_then(Value::as_str).map(str::to_string);
                }
                hit
            })
        });
        if all_exempt {
            let why = if category.as_deref() == Some("Mitigated") { "Mitigated" } else { "Risk accepted (waiver)" };
            return AssessmentStatus { code: "NotApplicable".into(), cause: Some("Exempt".into()), description: Some(why.into()) };
        }
        a.status.clone()
    }

    #[test]
    fn the_indexed_status_is_the_scanned_one_for_exemptions_at_every_level() {
        let now = Utc::now();
        for seed in ["demo", "scale:3x120x400"] {
            let mut w = crate::seed::build(seed, now).expect("seed");
            let mut exempt = 0;
            for round in 0..2 {
                let mut statuses = Statuses::new(now, 5);
                for a in &w.assessments {
                    let m = w.metadata(&a.metadata_name).expect("metadata");
                    let (got, want) = (effective_status(&w, a, m, now, 5), scanned(&w, a, m, now, 5));
                    // One query's statuses, worked out per container, are the same.
                    let batched = statuses.status(&w, a, m);
                    assert_eq!(
                        (&batched.code, &batched.cause, &batched.description),
                        (&got.code, &got.cause, &got.description),
                        "{seed} {} {}",
                        a.resource_id,
                        a.metadata_name
                    );
                    assert_eq!((&got.code, &got.cause), (&want.code, &want.cause), "{seed} {} {}", a.resource_id, a.metadata_name);
                    if got.cause.as_deref() == Some("Exempt") {
                        let why = if want.description.as_deref() == Some("Mitigated") { "Mitigated" } else { "Risk accepted (waiver)" };
                        assert_eq!(got.description, Some(format!("This resource is exempt from this recommendation: {why}")));
                        exempt += 1;
                    }
                }
                if round == 0 {
                    // Change the exemptions through the maintained tables: drop
                    // every other one, flip the category of every third left,
                    // move every fifth left to another assignment.
                    let keys: Vec<String> = w.exemptions.keys().cloned().collect();
                    let other = w.policy_assignments.last().map(|a| a.id.clone()).expect("an assignment");
                    for (n, k) in keys.iter().enumerate() {
                        if n % 2 == 0 {
                            assert!(w.remove_exemption(k).is_some());
                            continue;
                        }
                        let mut e = w.exemptions[k].clone();
                        if n % 3 == 0 {
                            let flipped = if e.properties["exemptionCategory"] == "Waiver" { "Mitigated" } else { "Waiver" };
                            e.properties.insert("exemptionCategory".into(), flipped.into());
                        }
                        if n % 5 == 0 {
                            e.properties.insert("policyAssignmentId".into(), other.clone().into());
                        }
                        w.put_exemption(k.clone(), e);
                    }
                }
            }
            assert!(exempt > 0, "{seed}: some assessments are exempt");
        }
    }
}
