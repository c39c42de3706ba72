//! Gathering what Azure says about each chosen scope (assignments and their
//! initiatives, permissions, existing exemptions, the Security Resource
//! Provider's role) for one choice, then the checks and the plan made from
//! it by `desk_core::choice::decide`.

use std::collections::HashMap;

use chrono::Utc;
use desk_core::arm_path::{ArmPath, AUTHORIZATION_PROVIDER};
use desk_core::checks::Check;
use desk_core::choice::{decide, ChoiceFacts};
use desk_core::exemption::{scope_of, ExemptionDraft};
use desk_core::permissions::{Permissions, ROLE_ASSIGNMENT_WRITE};
use desk_core::plan::{AssignedInitiative, BelowScope, InitiativeMember, PlannedWrite, Requester, ScopeFacts, SecurityReader};
use desk_core::scope::{resource_group_of, subscription_of, subscription_scope, ScopeChoice};
use desk_core::validation::{validate, DraftField};
use desk_core::CoreError;

use crate::api_version as v;
use crate::error::AzureError;
use crate::graph::SECURITY_RESOURCE_PROVIDER_APP_ID;
use crate::parse;
use crate::tenant::Tenant;

/// Roles that let the Security Resource Provider read a management group.
const READER_ROLES: [&str; 3] = [
    "acdd72a7-3385-48ef-bd42-f606fba81ae7", // Reader
    "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
];

/// The checks and, when they allow it, the writes for a draft.
pub struct Prepared {
    pub checks: Vec<Check>,
    pub writes: Result<Vec<PlannedWrite>, AzureError>,
}

impl Prepared {
    /// Decide for `draft` from facts already gathered for its choice: no IO.
    pub fn decide(draft: &ExemptionDraft, facts: &ChoiceFacts, requester: &Requester<'_>) -> Prepared {
        let decision = decide(draft, facts, requester, Utc::now());
        Prepared { checks: decision.checks, writes: decision.writes.map_err(AzureError::from) }
    }
}

/// Reads shared across the scopes of one preparation.
#[derive(Default)]
pub(crate) struct Reads {
    pub(crate) initiatives: HashMap<String, (String, Vec<InitiativeMember>)>,
    pub(crate) permissions: HashMap<String, Option<Permissions>>,
    /// By lower-case scope (`atScope()` lists), or scope + `|within` (unfiltered lists).
    pub(crate) assignments: HashMap<String, Vec<(String, String)>>,
    /// Exemption lists by lower-case scope + `|` + filter.
    pub(crate) exemptions: HashMap<String, Vec<desk_core::exemption::Exemption>>,
}

impl Reads {
    /// Initiatives assigned in the lists read so far and not read themselves yet.
    pub(crate) fn initiative_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .assignments
            .values()
            .flatten()
            .map(|(_, d)| d.to_ascii_lowercase())
            .filter(|d| d.contains("/policysetdefinitions/") && !self.initiatives.contains_key(d))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

pub(crate) fn exemptions_key(scope: &str, filter: Option<&str>) -> String {
    format!("{}|{}", scope.to_ascii_lowercase(), filter.unwrap_or_default())
}

/// Does an assignment at `scope` apply to `resource_id`? Management groups
/// do (ARM lists only those above the subscription); otherwise the scope is
/// the resource or one of its parents.
pub(crate) fn covers(scope: &str, resource_id: &str) -> bool {
    let scope = scope.trim_end_matches('/').to_ascii_lowercase();
    let resource = resource_id.trim_end_matches('/').to_ascii_lowercase();
    scope.starts_with("/providers/microsoft.management/managementgroups/")
        || resource == scope
        || resource.strip_prefix(&scope).is_some_and(|rest| rest.starts_with('/'))
}

/// `inner` lies within `outer` and is not `outer` itself.
pub(crate) fn strictly_inside(inner: &str, outer: &str) -> bool {
    let inner = inner.trim_end_matches('/').to_ascii_lowercase();
    let outer = outer.trim_end_matches('/').to_ascii_lowercase();
    inner.strip_prefix(&outer).is_some_and(|rest| rest.starts_with('/'))
}

pub(crate) fn assignment_scope(assignment_id: &str) -> String {
    let lower = assignment_id.to_ascii_lowercase();
    match lower.rfind("/providers/microsoft.authorization/policyassignments/") {
        Some(at) => assignment_id[..at].to_owned(),
        None => assignment_id.to_owned(),
    }
}

impl Tenant {
    /// Checks and plan for `draft`; an invalid draft is refused before any
    /// read. Gathers the facts for its choice, then decides.
    pub async fn prepare(&self, draft: &ExemptionDraft, requester: &Requester<'_>) -> Result<Prepared, AzureError> {
        let now = Utc::now();
        let errors = validate(draft, now);
        if !errors.is_empty() {
            return Err(CoreError::InvalidDraft(errors).into());
        }
        let facts = self.gather(&draft.recommendation_key, &draft.scope).await?;
        Ok(Prepared::decide(draft, &facts, requester))
    }

    /// Everything the checks read for one choice (a recommendation and where
    /// to exempt it): the recommendation, then each chosen scope's facts. A
    /// choice that is not valid (an empty key, a malformed or repeated scope)
    /// is refused before any read.
    pub async fn gather(&self, recommendation_key: &str, scope: &ScopeChoice) -> Result<ChoiceFacts, AzureError> {
        let probe = ExemptionDraft { recommendation_key: recommendation_key.to_owned(), scope: scope.clone(), ..ExemptionDraft::default() };
        let errors: Vec<_> = validate(&probe, Utc::now())
            .into_iter()
            .filter(|e| matches!(e.field, DraftField::Recommendation | DraftField::Scope))
            .collect();
        if !errors.is_empty() {
            return Err(CoreError::InvalidDraft(errors).into());
        }
        let recommendation = self.recommendation(recommendation_key, &scope.subscription_ids()).await?;
        let scopes = self.scope_facts(scope, &mut Reads::default()).await?;
        Ok(ChoiceFacts { recommendation, scopes })
    }

    /// What each chosen scope needs. With more than one read at a time, the
    /// reads are made first, all at once ([`Tenant::warm_scope_facts`]); the
    /// walk below then finds them in `reads`.
    pub(crate) async fn scope_facts(&self, choice: &ScopeChoice, reads: &mut Reads) -> Result<Vec<ScopeFacts>, AzureError> {
        if self.options.limit() > 1 {
            self.warm_scope_facts(choice, reads).await;
        }
        let existing = self.existing_names(choice, reads).await?;
        let mut all = Vec::new();
        for scope in choice.scopes() {
            // A resource's permissions are read at its group (one read per group, not per resource).
            let list_scope = match choice {
                ScopeChoice::Resources { .. } => resource_group_of(&scope).unwrap_or_else(|| scope.clone()),
                _ => scope.clone(),
            };
            let (applying, below) = match choice {
                ScopeChoice::Resources { .. } => (self.assignments_covering_resource(&scope, reads).await?, Vec::new()),
                ScopeChoice::ManagementGroup { name } => {
                    let applying = self.assignments_at(&list_scope, reads).await?;
                    let below = self.assignments_below_group(name, &applying, reads).await?;
                    (applying, below)
                }
                ScopeChoice::Subscriptions { .. } | ScopeChoice::ResourceGroups { .. } => {
                    let applying = self.assignments_at(&list_scope, reads).await?;
                    let below = self.assignments_within(&scope, reads).await?;
                    (applying, below)
                }
            };
            let assignments = self.assigned_initiatives(applying, reads).await?;
            let below = self.below_scopes(below, reads).await?;
            let permissions = self.permissions_at(&list_scope, reads).await?;
            let security_reader = match choice {
                ScopeChoice::ManagementGroup { .. } => self.security_reader(&scope, permissions.as_ref()).await?,
                _ => None,
            };
            let existing_names = existing.get(&scope.to_ascii_lowercase()).cloned().unwrap_or_default();
            all.push(ScopeFacts { scope, assignments, below, existing_names, permissions, security_reader });
        }
        Ok(all)
    }

    /// The initiative assignments among `(assignment id, definition id)` pairs, with their members.
    async fn assigned_initiatives(&self, pairs: Vec<(String, String)>, reads: &mut Reads) -> Result<Vec<AssignedInitiative>, AzureError> {
        let mut assignments = Vec::new();
        for (assignment_id, definition_id) in pairs {
            if !definition_id.to_ascii_lowercase().contains("/policysetdefinitions/") {
                continue;
            }
            let (initiative_name, members) = self.initiative(&definition_id, reads).await?;
            let permissions = self.permissions_at(&assignment_scope(&assignment_id), reads).await?;
            assignments.push(AssignedInitiative {
                assignment_id,
                initiative_name,
                policy_set_definition_id: definition_id,
                members,
                permissions,
            });
        }
        Ok(assignments)
    }

    /// Group assignments below a chosen scope by their own scope, with what
    /// a write there needs: the names already there and the caller's rights.
    async fn below_scopes(&self, pairs: Vec<(String, String)>, reads: &mut Reads) -> Result<Vec<BelowScope>, AzureError> {
        let initiatives = self.assigned_initiatives(pairs, reads).await?;
        let mut scopes: Vec<BelowScope> = Vec::new();
        for assignment in initiatives {
            let scope = assignment_scope(&assignment.assignment_id);
            match scopes.iter_mut().find(|b| b.scope.eq_ignore_ascii_case(&scope)) {
                Some(found) => found.assignments.push(assignment),
                None => scopes.push(BelowScope { scope, assignments: vec![assignment], ..BelowScope::default() }),
            }
        }
        for below in &mut scopes {
            below.existing_names =
                self.exemptions_cached(&below.scope, Some("atExactScope()"), reads).await?.into_iter().map(|e| e.name).collect();
            below.permissions = self.permissions_at(&below.scope, reads).await?;
        }
        Ok(scopes)
    }

    /// Assignments strictly inside a subscription or resource group (at its
    /// resource groups or resources): ARM's unfiltered list at a subscription
    /// or group holds those above it, at it, and within it.
    async fn assignments_within(&self, scope: &str, reads: &mut Reads) -> Result<Vec<(String, String)>, AzureError> {
        let all = self.assignments_unfiltered(scope, reads).await?;
        Ok(all.into_iter().filter(|(id, _)| strictly_inside(&assignment_scope(id), scope)).collect())
    }

    /// Assignments below a management group that govern resources: those in
    /// its subscriptions (at a subscription, group or resource) and those at
    /// the groups between (ARM lists no management group's descendants'
    /// assignments at the group, so each subscription under it is asked).
    async fn assignments_below_group(
        &self,
        name: &str,
        at_or_above: &[(String, String)],
        reads: &mut Reads,
    ) -> Result<Vec<(String, String)>, AzureError> {
        let path = ArmPath::management_group(name)?.child("descendants")?;
        let descendants = match self.arm.list(&path, v::MANAGEMENT_GROUPS, &[]).await {
            Ok(items) => items,
            Err(AzureError::Arm { status: 403 | 404, .. }) => return Ok(Vec::new()),
            Err(other) => return Err(other),
        };
        let mut groups: Vec<String> = Vec::new();
        let mut subscriptions: Vec<String> = Vec::new();
        for item in &descendants {
            match parse::descendant(item)? {
                parse::Descendant::Subscription(id) => subscriptions.extend(subscription_of(&id)),
                parse::Descendant::Group(id) if !id.is_empty() => groups.push(id.to_ascii_lowercase()),
                _ => {}
            }
        }
        if self.options.limit() > 1 {
            self.warm_unfiltered(subscriptions.iter().map(|s| subscription_scope(s)).collect(), reads).await;
        }
        let mut found: Vec<(String, String)> = Vec::new();
        for sub in subscriptions {
            for (id, definition) in self.assignments_unfiltered(&subscription_scope(&sub), reads).await? {
                let scope = assignment_scope(&id).to_ascii_lowercase();
                let below = scope.starts_with("/subscriptions/") || groups.contains(&scope);
                let known = at_or_above.iter().chain(found.iter()).any(|(a, _)| a.eq_ignore_ascii_case(&id));
                if below && !known {
                    found.push((id, definition));
                }
            }
        }
        Ok(found)
    }

    /// ARM's unfiltered list at a subscription or resource group (cached).
    async fn assignments_unfiltered(&self, scope: &str, reads: &mut Reads) -> Result<Vec<(String, String)>, AzureError> {
        let key = format!("{}|within", scope.to_ascii_lowercase());
        if let Some(found) = reads.assignments.get(&key) {
            return Ok(found.clone());
        }
        let parsed = self.fetch_unfiltered(scope).await?;
        reads.assignments.insert(key, parsed.clone());
        Ok(parsed)
    }

    pub(crate) async fn fetch_unfiltered(&self, scope: &str) -> Result<Vec<(String, String)>, AzureError> {
        let path = ArmPath::parse_scope(scope)?.provider(AUTHORIZATION_PROVIDER, ["policyAssignments"])?;
        let items = self.arm.list(&path, v::POLICY_ASSIGNMENTS, &[]).await?;
        items.iter().map(parse::assignment).collect()
    }

    /// An exemption list at a scope, read once per preparation.
    async fn exemptions_cached(
        &self,
        scope: &str,
        filter: Option<&str>,
        reads: &mut Reads,
    ) -> Result<Vec<desk_core::exemption::Exemption>, AzureError> {
        let key = exemptions_key(scope, filter);
        if let Some(found) = reads.exemptions.get(&key) {
            return Ok(found.clone());
        }
        let found = self.exemptions_at(scope, filter).await?;
        reads.exemptions.insert(key, found.clone());
        Ok(found)
    }

    /// Names of exemptions at exactly each chosen scope (keyed by lower-cased scope).
    async fn existing_names(&self, choice: &ScopeChoice, reads: &mut Reads) -> Result<HashMap<String, Vec<String>>, AzureError> {
        let mut by_scope: HashMap<String, Vec<String>> = HashMap::new();
        let lists: Vec<(String, Option<&str>)> = match choice {
            // One list per subscription covers every resource below it.
            ScopeChoice::Resources { .. } => choice.subscription_ids().iter().map(|s| (subscription_scope(s), None)).collect(),
            _ => choice.scopes().into_iter().map(|s| (s, Some("atExactScope()"))).collect(),
        };
        for (scope, filter) in lists {
            for e in self.exemptions_cached(&scope, filter, reads).await? {
                by_scope.entry(scope_of(&e.id).to_ascii_lowercase()).or_default().push(e.name);
            }
        }
        Ok(by_scope)
    }

    pub(crate) async fn assignments_at(&self, scope: &str, reads: &mut Reads) -> Result<Vec<(String, String)>, AzureError> {
        let key = scope.to_ascii_lowercase();
        if let Some(found) = reads.assignments.get(&key) {
            return Ok(found.clone());
        }
        let parsed = self.fetch_assignments_at(scope).await?;
        reads.assignments.insert(key, parsed.clone());
        Ok(parsed)
    }

    pub(crate) async fn fetch_assignments_at(&self, scope: &str) -> Result<Vec<(String, String)>, AzureError> {
        let path = ArmPath::parse_id(scope)?.provider(AUTHORIZATION_PROVIDER, ["policyAssignments"])?;
        let items = self.arm.list(&path, v::POLICY_ASSIGNMENTS, &[("$filter", "atScope()")]).await?;
        items.iter().map(parse::assignment).collect()
    }

    /// The assignments that apply to a resource: inherited ones (management
    /// groups, subscription) and those at its group or on the resource itself.
    /// One unfiltered list per subscription holds them all (ARM lists the
    /// assignments above a subscription and every one within it).
    pub(crate) async fn assignments_covering(&self, resource_id: &str, reads: &mut Reads) -> Result<Vec<(String, String)>, AzureError> {
        self.assignments_covering_resource(resource_id, reads).await
    }

    async fn assignments_covering_resource(&self, resource_id: &str, reads: &mut Reads) -> Result<Vec<(String, String)>, AzureError> {
        let subscription = subscription_of(resource_id)
            .ok_or_else(|| AzureError::InvalidInput(format!("{resource_id} is not a resource id in a subscription.")))?;
        let all = self.assignments_unfiltered(&subscription_scope(&subscription), reads).await?;
        Ok(all.into_iter().filter(|(id, _)| covers(&assignment_scope(id), resource_id)).collect())
    }

    pub(crate) async fn initiative(&self, set_id: &str, reads: &mut Reads) -> Result<(String, Vec<InitiativeMember>), AzureError> {
        let key = set_id.to_ascii_lowercase();
        if let Some(found) = reads.initiatives.get(&key) {
            return Ok(found.clone());
        }
        let found = self.fetch_initiative(set_id).await?;
        reads.initiatives.insert(key, found.clone());
        Ok(found)
    }

    pub(crate) async fn fetch_initiative(&self, set_id: &str) -> Result<(String, Vec<InitiativeMember>), AzureError> {
        let set = self.arm.get(&ArmPath::parse_id(set_id)?, v::POLICY_SET_DEFINITIONS, &[]).await?;
        let name = parse::display_name(&set).unwrap_or_else(|| set_id.to_owned());
        Ok((name, parse::initiative_members(&set)?))
    }

    /// The caller's permissions at a scope; `None` when Azure will not say.
    async fn permissions_at(&self, scope: &str, reads: &mut Reads) -> Result<Option<Permissions>, AzureError> {
        let key = scope.to_ascii_lowercase();
        if let Some(found) = reads.permissions.get(&key) {
            return Ok(found.clone());
        }
        let found = self.fetch_permissions(scope).await?;
        reads.permissions.insert(key, found.clone());
        Ok(found)
    }

    pub(crate) async fn fetch_permissions(&self, scope: &str) -> Result<Option<Permissions>, AzureError> {
        let path = ArmPath::parse_id(scope)?.provider(AUTHORIZATION_PROVIDER, ["permissions"])?;
        match self.arm.list(&path, v::PERMISSIONS, &[]).await {
            Ok(items) => Ok(Some(parse::permissions(&items))),
            Err(AzureError::Arm { status: 403 | 404, .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Whether the Security Resource Provider can read `scope`, and whether the caller could grant it.
    async fn security_reader(&self, scope: &str, permissions: Option<&Permissions>) -> Result<Option<SecurityReader>, AzureError> {
        let Some(provider) = self.security_provider_id().await? else {
            return Ok(None);
        };
        let path = ArmPath::parse_id(scope)?.provider(AUTHORIZATION_PROVIDER, ["roleAssignments"])?;
        let items = match self.arm.list(&path, v::ROLE_ASSIGNMENTS, &[("$filter", "atScope()")]).await {
            Ok(items) => items,
            Err(AzureError::Arm { status: 403, .. }) => return Ok(None),
            Err(other) => return Err(other),
        };
        let mut has_reader = false;
        for item in &items {
            let (principal, role) = parse::role_assignment(item)?;
            let role = role.rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
            has_reader |= principal.eq_ignore_ascii_case(&provider) && READER_ROLES.contains(&role.as_str());
        }
        let can_grant = permissions.is_some_and(|p| p.allows(ROLE_ASSIGNMENT_WRITE));
        Ok(Some(SecurityReader { has_reader, can_grant }))
    }

    async fn security_provider_id(&self) -> Result<Option<String>, AzureError> {
        match &self.graph {
            Some(graph) => graph.service_principal_id(SECURITY_RESOURCE_PROVIDER_APP_ID).await,
            None => Ok(None),
        }
    }

    /// Grant the Security Resource Provider Reader on a management group.
    pub async fn grant_security_reader(&self, management_group: &str) -> Result<(), AzureError> {
        if !desk_core::scope::is_management_group_name(management_group) {
            return Err(AzureError::InvalidInput(format!("\"{management_group}\" is not a management group name.")));
        }
        let provider = self.security_provider_id().await?.ok_or_else(|| {
            AzureError::InvalidInput("The Windows Azure Security Resource Provider has no service principal in this tenant.".into())
        })?;
        let scope = desk_core::scope::management_group_scope(management_group);
        let name = uuid::Uuid::new_v4();
        let body = serde_json::json!({"properties": {
            "roleDefinitionId": format!("{scope}/providers/Microsoft.Authorization/roleDefinitions/{}", READER_ROLES[0]),
            "principalId": provider,
            "principalType": "ServicePrincipal",
        }});
        let path = ArmPath::management_group(management_group)?.provider(AUTHORIZATION_PROVIDER, ["roleAssignments", &name.to_string()])?;
        self.arm.put(&path, v::ROLE_ASSIGNMENTS, &body).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::{covers, strictly_inside};

    #[test]
    fn inside_means_below_not_at() {
        assert!(strictly_inside("/subscriptions/s/resourceGroups/rg", "/subscriptions/s"));
        assert!(strictly_inside("/subscriptions/S/resourceGroups/rg/providers/A.B/c/d", "/subscriptions/s/resourceGroups/RG"));
        assert!(!strictly_inside("/subscriptions/s", "/subscriptions/s"));
        assert!(!strictly_inside("/subscriptions/s2/resourceGroups/rg", "/subscriptions/s"));
        assert!(!strictly_inside("/subscriptions/s/resourceGroups/rg-2", "/subscriptions/s/resourceGroups/rg"));
    }

    #[test]
    fn an_assignment_covers_its_scope_and_what_is_below_it() {
        let rg = "/subscriptions/s/resourceGroups/rg-data";
        let account = format!("{rg}/providers/Microsoft.Storage/storageAccounts/st1");
        assert!(covers("/subscriptions/s", &account));
        assert!(covers(&rg.to_uppercase(), &account), "ARM ids are case-insensitive");
        assert!(covers(&account, &account));
        assert!(covers("/providers/Microsoft.Management/managementGroups/contoso", &account));
        assert!(!covers("/subscriptions/s/resourceGroups/rg-data2", &account.replace("rg-data", "rg-data-other")));
        assert!(!covers("/subscriptions/s/resourceGroups/rg-dat", &account), "a prefix of a name is not a parent");
        assert!(!covers(&format!("{rg}/providers/Microsoft.Storage/storageAccounts/st2"), &account));
    }
}
