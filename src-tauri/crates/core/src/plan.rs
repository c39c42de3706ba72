//! Turning a validated request into the exact ARM writes that carry it out:
//! one exemption per initiative assignment that holds the recommendation, at
//! each chosen scope.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use specta::Type;

use crate::arm_path::ArmPath;
use crate::error::CoreError;
use crate::exemption::ExemptionDraft;
use crate::permissions::Permissions;
use crate::recommendation::{not_exemptible_reason, Recommendation};
use crate::validation::{expiry_instant, name_errors, validate, NAME_MAX};

/// The Microsoft cloud security benchmark initiative.
pub const BENCHMARK_SET_ID: &str = "/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8";

pub fn is_benchmark(policy_set_definition_id: &str) -> bool {
    policy_set_definition_id.eq_ignore_ascii_case(BENCHMARK_SET_ID)
}

/// One policy definition inside an initiative.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeMember {
    pub reference_id: String,
    pub policy_definition_id: String,
}

/// A policy assignment of an initiative, with the initiative's members.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignedInitiative {
    pub assignment_id: String,
    /// The initiative's display name, for people.
    pub initiative_name: String,
    pub policy_set_definition_id: String,
    pub members: Vec<InitiativeMember>,
    /// The caller's permissions at the assignment's scope, when read.
    pub permissions: Option<Permissions>,
}

impl AssignedInitiative {
    fn reference_ids_for(&self, policy_definition_id: &str) -> Vec<String> {
        self.members
            .iter()
            .filter(|m| m.policy_definition_id.eq_ignore_ascii_case(policy_definition_id))
            .map(|m| m.reference_id.clone())
            .collect()
    }
}

/// Assignments at one scope *below* the chosen scope (a subscription's own
/// benchmark under a management group, a resource group's or a resource's
/// assignment under a subscription). They govern the resources there too, so
/// an exemption at the chosen scope does not reach them: each gets its own
/// exemption at this scope.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BelowScope {
    /// The assignments' own scope, where their exemptions are written.
    pub scope: String,
    /// Initiative assignments at exactly this scope.
    pub assignments: Vec<AssignedInitiative>,
    /// Names of the exemptions already at exactly this scope.
    pub existing_names: Vec<String>,
    /// The caller's permissions at this scope, when read.
    pub permissions: Option<Permissions>,
}

/// One exemption to write: an assignment holding the recommendation and the
/// scope the exemption goes to.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub scope: &'a str,
    pub assignment: &'a AssignedInitiative,
    /// Position among the targets at this same scope (names the exemption).
    pub index: usize,
    pub existing_names: &'a [String],
    pub permissions: Option<&'a Permissions>,
    /// The assignment lives below the chosen scope.
    pub below: bool,
}

impl Target<'_> {
    pub fn name(&self, base: &str) -> String {
        exemption_name(base, self.index, &self.assignment.assignment_id)
    }
}

/// Where a scope path sits in Azure's hierarchy, for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScopeLevel {
    ManagementGroup,
    Subscription,
    ResourceGroup,
    Resource,
}

impl ScopeLevel {
    pub fn of(scope: &str) -> ScopeLevel {
        let parts: Vec<&str> = scope.trim_matches('/').split('/').collect();
        if parts.first().is_some_and(|p| p.eq_ignore_ascii_case("providers")) {
            return ScopeLevel::ManagementGroup;
        }
        match parts.len() {
            0..=2 => ScopeLevel::Subscription,
            3 | 4 => ScopeLevel::ResourceGroup,
            _ => ScopeLevel::Resource,
        }
    }

    pub fn noun(self, count: usize) -> &'static str {
        match (self, count) {
            (ScopeLevel::ManagementGroup, 1) => "management group",
            (ScopeLevel::ManagementGroup, _) => "management groups",
            (ScopeLevel::Subscription, 1) => "subscription",
            (ScopeLevel::Subscription, _) => "subscriptions",
            (ScopeLevel::ResourceGroup, 1) => "resource group",
            (ScopeLevel::ResourceGroup, _) => "resource groups",
            (ScopeLevel::Resource, 1) => "resource",
            (ScopeLevel::Resource, _) => "resources",
        }
    }
}

/// Assignments whose initiative holds the policy, the benchmark first.
fn holding<'a>(assignments: &'a [AssignedInitiative], policy_definition_id: &str) -> Vec<&'a AssignedInitiative> {
    let mut found: Vec<&AssignedInitiative> =
        assignments.iter().filter(|a| !a.reference_ids_for(policy_definition_id).is_empty()).collect();
    found.sort_by_key(|a| !is_benchmark(&a.policy_set_definition_id));
    found
}

/// Whether the Security Resource Provider can read a management group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecurityReader {
    pub has_reader: bool,
    pub can_grant: bool,
}

/// What Azure says about one scope to exempt at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScopeFacts {
    pub scope: String,
    /// Initiative assignments at the scope or above it.
    pub assignments: Vec<AssignedInitiative>,
    /// Initiative assignments below the scope, by their own scope.
    pub below: Vec<BelowScope>,
    /// Names of the exemptions already at exactly this scope.
    pub existing_names: Vec<String>,
    /// The caller's permissions at the scope, when read.
    pub permissions: Option<Permissions>,
    /// Management groups only.
    pub security_reader: Option<SecurityReader>,
}

impl ScopeFacts {
    /// Assignments at the scope or above whose initiative holds the policy, the benchmark first.
    pub fn covering(&self, policy_definition_id: &str) -> Vec<&AssignedInitiative> {
        holding(&self.assignments, policy_definition_id)
    }

    /// Every exemption the policy needs for this scope to be exempt
    /// throughout: one per assignment at or above it (written at the scope),
    /// then one per assignment below it (written at that assignment's scope).
    pub fn targets(&self, policy_definition_id: &str) -> Vec<Target<'_>> {
        let mut out: Vec<Target<'_>> = holding(&self.assignments, policy_definition_id)
            .into_iter()
            .enumerate()
            .map(|(index, assignment)| Target {
                scope: &self.scope,
                assignment,
                index,
                existing_names: &self.existing_names,
                permissions: self.permissions.as_ref(),
                below: false,
            })
            .collect();
        for below in &self.below {
            // A scope below this one that is this one (ids differ only in case) is not below.
            if below.scope.eq_ignore_ascii_case(&self.scope) {
                continue;
            }
            out.extend(holding(&below.assignments, policy_definition_id).into_iter().enumerate().map(|(index, assignment)| Target {
                scope: &below.scope,
                assignment,
                index,
                existing_names: &below.existing_names,
                permissions: below.permissions.as_ref(),
                below: true,
            }));
        }
        out
    }

    /// The benchmark is assigned at the scope, above it, or below it.
    pub fn has_benchmark(&self) -> bool {
        self.assignments.iter().chain(self.below.iter().flat_map(|b| &b.assignments)).any(|a| is_benchmark(&a.policy_set_definition_id))
    }
}

/// Every write a plan makes over all chosen scopes: an assignment reached from
/// two chosen scopes (a resource and one inside it) is written once, and each
/// target's index counts the targets before it at the same scope, so the
/// names derived from it never collide there.
pub fn plan_targets<'a>(facts: &'a [ScopeFacts], policy_definition_id: &str) -> Vec<Target<'a>> {
    let mut out: Vec<Target<'a>> = Vec::new();
    let mut per_scope: HashMap<String, usize> = HashMap::new();
    for target in facts.iter().flat_map(|f| f.targets(policy_definition_id)) {
        let repeated = out.iter().any(|t| {
            t.scope.eq_ignore_ascii_case(target.scope) && t.assignment.assignment_id.eq_ignore_ascii_case(&target.assignment.assignment_id)
        });
        if repeated {
            continue;
        }
        let count = per_scope.entry(target.scope.to_ascii_lowercase()).or_insert(0);
        out.push(Target { index: *count, ..target });
        *count += 1;
    }
    out
}

/// How a planned write is sent.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "UPPERCASE")]
pub enum WriteMethod {
    /// Create or replace the exemption with `body`.
    #[default]
    Put,
    /// Delete the exemption; there is no body.
    Delete,
}

/// One `PUT` or `DELETE` of a policy exemption, exactly as it will be sent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlannedWrite {
    /// `PUT` for every write of a new exemption; changes to existing ones
    /// may `DELETE`. Journals written before this field read as `PUT`.
    #[serde(default)]
    pub method: WriteMethod,
    pub scope: String,
    pub name: String,
    /// The ARM path (scope + provider + name), without the api-version.
    pub path: String,
    pub policy_assignment_id: String,
    pub initiative_name: String,
    pub policy_definition_reference_ids: Vec<String>,
    /// An exemption of this name already exists there and will be replaced.
    pub replaces_existing: bool,
    /// The assignment sits below the chosen scope, so its exemption is
    /// written at the assignment's own scope.
    #[serde(default)]
    pub below_chosen_scope: bool,
    /// The request body (`null` for a `DELETE`).
    #[specta(type = specta_typescript::Unknown)]
    pub body: Value,
    /// For a change to an existing exemption: the exemption exactly as Azure
    /// returned it when the preview was made. It is read again just before
    /// sending; one that changed since is not overwritten
    /// ([`crate::change::before_send`]). `None` for a new exemption.
    #[serde(default)]
    #[specta(type = specta_typescript::Unknown)]
    pub as_read: Option<Value>,
}

/// Who asks, for the exemption's metadata: the signed-in UPN (or a service
/// principal's application id) and Entra object id.
pub struct Requester<'a> {
    pub account: &'a str,
    pub object_id: &'a str,
    pub app_version: &'a str,
}

/// At most this many characters of the assignment's name in a derived name's suffix.
const SUFFIX_NAME_CHARS: usize = 12;
/// Hex digits of the assignment id's hash in a derived name's suffix.
const SUFFIX_HASH_DIGITS: usize = 6;

/// The exemption name for the `index`-th assignment at a scope: the user's
/// name for the first; after it, the name cut to fit and a short stable
/// suffix naming the assignment (`-` + up to 12 letters, digits, `-` or `_`
/// of its name + `-` + 6 hex digits of a hash of its id), so two exemptions
/// at one scope never collide and every name stays within 64 UTF-16 units.
/// The suffix is never cut, and a derived name never ends in '.' or a blank.
pub fn exemption_name(base: &str, index: usize, assignment_id: &str) -> String {
    if index == 0 {
        return base.to_owned();
    }
    let assignment_name = assignment_id.rsplit('/').next().unwrap_or_default();
    let short: String =
        assignment_name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(SUFFIX_NAME_CHARS).collect();
    let hash = format!("{:016x}", fnv1a(&assignment_id.to_ascii_lowercase()));
    let hash = hash.get(..SUFFIX_HASH_DIGITS).unwrap_or(&hash);
    let suffix = if short.is_empty() { format!("-{hash}") } else { format!("-{short}-{hash}") };
    // The suffix is ASCII: its UTF-16 length is its byte length.
    let room = NAME_MAX.saturating_sub(suffix.len());
    let mut cut = String::new();
    let mut units = 0usize;
    for c in base.chars() {
        units = units.saturating_add(c.len_utf16());
        if units > room {
            break;
        }
        cut.push(c);
    }
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    format!("{cut}{suffix}")
}

/// FNV-1a, 64 bits: small, stable across versions and platforms (unlike
/// `DefaultHasher`), enough to tell a scope's few assignments apart.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The path of the exemption `name` at `scope`, both re-checked strictly: the
/// scope must be a management group, subscription, resource group or
/// resource id, and the name must follow the name rules.
pub fn exemption_path(scope: &str, name: &str) -> Result<ArmPath, CoreError> {
    let refused = |reason: String| CoreError::InvalidWritePath { scope: scope.to_owned(), name: name.to_owned(), reason };
    let errors = name_errors(name);
    if let Some(first) = errors.first() {
        return Err(refused(first.message.clone()));
    }
    let scope_path = ArmPath::parse_scope(scope).map_err(|e| refused(e.to_string()))?;
    scope_path.policy_exemption(name).map_err(|e| refused(e.to_string()))
}

/// A plan never holds two writes to one path (ARM paths are case-insensitive).
fn check_distinct_paths(writes: &[PlannedWrite]) -> Result<(), CoreError> {
    let mut seen = std::collections::HashSet::new();
    for write in writes {
        if !seen.insert(write.path.to_lowercase()) {
            return Err(CoreError::DuplicateWrite { path: write.path.clone() });
        }
    }
    Ok(())
}

/// Plan the exemptions for `draft` at each scope in `facts` (in the order of
/// the draft's scopes). Re-validates the draft and refuses recommendations
/// that cannot be exempted and scopes no assigned initiative covers.
pub fn plan_exemptions(
    draft: &ExemptionDraft,
    recommendation: &Recommendation,
    facts: &[ScopeFacts],
    requester: &Requester<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<PlannedWrite>, CoreError> {
    let errors = validate(draft, now);
    if !errors.is_empty() {
        return Err(CoreError::InvalidDraft(errors));
    }
    let definition = recommendation.policy_definition_id.as_deref();
    if let Some(reason) = not_exemptible_reason(&recommendation.display_name, recommendation.assessment_type, definition) {
        return Err(CoreError::NotExemptible { name: recommendation.display_name.clone(), reason });
    }
    let definition = definition.unwrap_or_default();
    let properties = shared_properties(draft, recommendation, requester);
    let mut writes = Vec::new();
    for scope in facts {
        if scope.targets(definition).is_empty() {
            return Err(if scope.has_benchmark() {
                CoreError::NotInInitiative { policy_definition_id: definition.to_owned(), scope: scope.scope.clone() }
            } else {
                CoreError::BenchmarkNotAssigned { scope: scope.scope.clone() }
            });
        }
    }
    for target in plan_targets(facts, definition) {
        let assignment = target.assignment;
        let name = target.name(&draft.name);
        let path = exemption_path(target.scope, &name)?.to_string();
        let reference_ids = assignment.reference_ids_for(definition);
        let mut props = properties.clone();
        props.insert("policyAssignmentId".into(), json!(assignment.assignment_id));
        props.insert("policyDefinitionReferenceIds".into(), json!(reference_ids));
        writes.push(PlannedWrite {
            method: WriteMethod::Put,
            scope: target.scope.to_owned(),
            path,
            replaces_existing: target.existing_names.iter().any(|n| n.eq_ignore_ascii_case(&name)),
            name,
            policy_assignment_id: assignment.assignment_id.clone(),
            initiative_name: assignment.initiative_name.clone(),
            policy_definition_reference_ids: reference_ids,
            below_chosen_scope: target.below,
            body: json!({ "properties": props }),
            as_read: None,
        });
    }
    check_distinct_paths(&writes)?;
    Ok(writes)
}

fn shared_properties(draft: &ExemptionDraft, recommendation: &Recommendation, requester: &Requester<'_>) -> Map<String, Value> {
    let mut props = Map::new();
    if let Some(category) = draft.category {
        props.insert("exemptionCategory".into(), json!(category.as_arm()));
    }
    let display_name = if draft.display_name.trim().is_empty() { &draft.name } else { &draft.display_name };
    props.insert("displayName".into(), json!(display_name));
    if !draft.description.trim().is_empty() {
        props.insert("description".into(), json!(draft.description));
    }
    let expiry = draft.expires_on.as_deref().filter(|d| !d.trim().is_empty());
    if let Some(t) = expiry.and_then(|d| expiry_instant(d.trim(), draft.utc_offset_minutes)) {
        props.insert("expiresOn".into(), json!(t.to_rfc3339_opts(SecondsFormat::Secs, true)));
    }
    props.insert(
        "metadata".into(),
        json!({
            "requestedBy": requester.account,
            "requestedByObjectId": requester.object_id,
            "createdWith": format!("Exemption Desk {}", requester.app_version),
            "assessmentKey": recommendation.key,
        }),
    );
    props
}

mod approval;
pub use approval::{stamp_approval, Approval};

#[cfg(test)]
mod name_props;
#[cfg(test)]
mod tests;
