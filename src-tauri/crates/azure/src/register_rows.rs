//! The register's rows: an exemption as read ([`Found`]) made into a
//! [`RegisterEntry`] — its scope said in words (names from the subscriptions
//! and the management groups' list, resource group and resource names from the
//! id, the resource type in words), the assignment's initiative, the
//! recommendations it exempts by name, who made it and when, and its expiry
//! state. The assignments and initiatives behind the rows are read once per
//! register read ([`Resolver`]); the naming itself does no IO.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use desk_core::arm_path::ArmPath;
use desk_core::change::TICKET_KEYS;
use desk_core::exemption::Exemption;
use desk_core::plan::InitiativeMember;
use desk_core::register::{expiry_state, ExemptedRecommendation, RegisterEntry, ScopeLevel};
use desk_core::scope::{ManagementGroupNode, Subscription};
use serde_json::Value;

use crate::api_version as v;
use crate::apply::Cancel;
use crate::error::AzureError;
use crate::fan_out::fan_out;
use crate::parse;
use crate::tenant::Tenant;

/// An exemption as listed, with what the register shows beside its fields.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub exemption: Exemption,
    pub system: SystemData,
    pub requested_by: Option<String>,
    pub approved_by: Option<String>,
    pub ticket: Option<String>,
}

/// `systemData` as ARM and Resource Graph return it.
#[derive(Debug, Clone, Default)]
pub(crate) struct SystemData {
    pub created_by: Option<String>,
    pub created_at: Option<String>,
    pub last_modified_by: Option<String>,
    pub last_modified_at: Option<String>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// An instant as RFC 3339 UTC to the second (ARM writes seven decimals,
/// which not every date parser takes); text that is no instant stays as it is.
fn instant(text: String) -> String {
    match DateTime::parse_from_rfc3339(&text) {
        Ok(at) => at.with_timezone(&Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        Err(_) => text,
    }
}

/// A listed exemption (ARM list item or Resource Graph row; both carry
/// `properties` and `systemData` as ARM returns them).
pub(crate) fn found(item: &Value, now: DateTime<Utc>) -> Result<Found, AzureError> {
    let exemption = parse::exemption(item, now)?;
    let system = item.get("systemData").unwrap_or(&Value::Null);
    let metadata = item.get("properties").and_then(|p| p.get("metadata")).unwrap_or(&Value::Null);
    Ok(Found {
        exemption,
        system: SystemData {
            created_by: text(system, "createdBy"),
            created_at: text(system, "createdAt").map(instant),
            last_modified_by: text(system, "lastModifiedBy"),
            last_modified_at: text(system, "lastModifiedAt").map(instant),
        },
        requested_by: text(metadata, "requestedBy"),
        approved_by: text(metadata, "approvedBy"),
        ticket: TICKET_KEYS.iter().find_map(|k| text(metadata, k)),
    })
}

/// Names of the scopes the rows sit at: subscriptions by id, management
/// groups by name (both lower case).
#[derive(Debug, Default)]
pub(crate) struct Names {
    subscriptions: HashMap<String, String>,
    groups: HashMap<String, String>,
}

impl Names {
    pub(crate) fn new(subscriptions: &[Subscription], tree: Option<&ManagementGroupNode>) -> Self {
        let mut names = Names::default();
        for s in subscriptions {
            names.subscriptions.insert(s.id.to_ascii_lowercase(), s.display_name.clone());
        }
        let mut stack: Vec<&ManagementGroupNode> = tree.into_iter().collect();
        while let Some(node) = stack.pop() {
            names.groups.insert(node.name.to_ascii_lowercase(), node.display_name.clone());
            stack.extend(node.children.iter());
        }
        names
    }

    /// Management groups' names as listed, `(name, display name)`.
    pub(crate) fn know_groups(&mut self, listed: impl IntoIterator<Item = (String, String)>) {
        for (name, display_name) in listed {
            self.groups.insert(name.to_ascii_lowercase(), display_name);
        }
    }

    fn subscription(&self, id: &str) -> String {
        self.subscriptions.get(&id.to_ascii_lowercase()).cloned().unwrap_or_else(|| id.to_owned())
    }
}

/// Where a scope is, in words.
#[derive(Debug, PartialEq)]
pub(crate) struct ScopeWords {
    pub level: ScopeLevel,
    pub name: String,
    pub subscription_id: Option<String>,
    pub subscription_name: Option<String>,
}

/// `scope` (an exemption's scope) in words: "Contoso (management group)",
/// "Contoso Prod", "rg-web in Contoso Prod", "stdata (storage account) in rg-data, Contoso Prod".
pub(crate) fn scope_words(scope: &str, names: &Names) -> ScopeWords {
    let Ok(path) = ArmPath::parse_id(scope) else {
        return ScopeWords { level: ScopeLevel::Resource, name: scope.to_owned(), subscription_id: None, subscription_name: None };
    };
    if let Some(group) = path.management_group_name() {
        let name = names.groups.get(&group.to_ascii_lowercase()).cloned().unwrap_or_else(|| group.to_owned());
        return ScopeWords {
            level: ScopeLevel::ManagementGroup,
            name: format!("{name} (management group)"),
            subscription_id: None,
            subscription_name: None,
        };
    }
    let Some(sub) = path.subscription_id().map(str::to_owned) else {
        return ScopeWords { level: ScopeLevel::Resource, name: scope.to_owned(), subscription_id: None, subscription_name: None };
    };
    let sub_name = names.subscription(&sub);
    let segments = path.segments();
    let (level, name) = match segments {
        [_, _] => (ScopeLevel::Subscription, sub_name.clone()),
        [_, _, _, group] => (ScopeLevel::ResourceGroup, format!("{group} in {sub_name}")),
        [_, _, _, group, _, _, rest @ ..] if rest.len() >= 2 => {
            let (resource, kind) = (rest.last().map_or("", String::as_str), type_in_words(segments));
            (ScopeLevel::Resource, format!("{resource} ({kind}) in {group}, {sub_name}"))
        }
        _ => (ScopeLevel::Resource, format!("{scope} in {sub_name}")),
    };
    ScopeWords { level, name, subscription_id: Some(sub), subscription_name: Some(sub_name) }
}

/// Resource types whose words are not their name split and made singular.
const TYPE_WORDS: [(&str, &str); 14] = [
    ("microsoft.web/sites", "app service"),
    ("microsoft.keyvault/vaults", "key vault"),
    ("microsoft.sql/servers", "SQL server"),
    ("microsoft.sql/servers/databases", "SQL database"),
    ("microsoft.containerservice/managedclusters", "Kubernetes cluster"),
    ("microsoft.containerregistry/registries", "container registry"),
    ("microsoft.network/publicipaddresses", "public IP address"),
    ("microsoft.documentdb/databaseaccounts", "Cosmos DB account"),
    ("microsoft.compute/virtualmachines", "virtual machine"),
    ("microsoft.compute/virtualmachinescalesets", "virtual machine scale set"),
    ("microsoft.storage/storageaccounts", "storage account"),
    ("microsoft.network/virtualnetworks", "virtual network"),
    ("microsoft.network/networksecuritygroups", "network security group"),
    ("microsoft.operationalinsights/workspaces", "Log Analytics workspace"),
];

/// The resource type of a resource id's segments in words.
fn type_in_words(segments: &[String]) -> String {
    let [_, _, _, _, _, namespace, rest @ ..] = segments else { return "resource".into() };
    let types: Vec<&str> = rest.iter().step_by(2).map(String::as_str).collect();
    let full = format!("{namespace}/{}", types.join("/")).to_ascii_lowercase();
    if let Some((_, words)) = TYPE_WORDS.iter().find(|(t, _)| *t == full) {
        return (*words).to_owned();
    }
    let last = types.last().copied().unwrap_or("resource");
    let mut words = String::new();
    for (i, c) in last.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    singular(&words)
}

fn singular(words: &str) -> String {
    if let Some(stem) = words.strip_suffix("ies") {
        format!("{stem}y")
    } else if words.ends_with("sses") || words.ends_with("xes") {
        words[..words.len().saturating_sub(2)].to_owned()
    } else if let Some(stem) = words.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        stem.to_owned()
    } else {
        words.to_owned()
    }
}

/// What an assignment says: its name and what it assigns.
#[derive(Debug, Clone)]
struct Assigned {
    display_name: Option<String>,
    definition_id: String,
}

/// An initiative: its name and members.
pub(crate) type Initiative = (String, Vec<InitiativeMember>);

/// A recommendation by policy definition id (lower case, no trailing `/`): its key and name.
pub(crate) type RecommendationsByDefinition = HashMap<String, (String, String)>;

fn definition_key(id: &str) -> String {
    id.trim_end_matches('/').to_ascii_lowercase()
}

/// The assignments and initiatives read so far in one register read, and
/// Defender's recommendations by policy definition.
pub(crate) struct Resolver {
    assignments: HashMap<String, Option<Assigned>>,
    initiatives: HashMap<String, Option<Initiative>>,
    recommendations: RecommendationsByDefinition,
    names: Names,
    now: DateTime<Utc>,
    window_days: u16,
}

pub(crate) fn is_initiative(definition_id: &str) -> bool {
    definition_id.to_ascii_lowercase().contains("/providers/microsoft.authorization/policysetdefinitions/")
}

impl Resolver {
    pub(crate) fn new(names: Names, recommendations: RecommendationsByDefinition, now: DateTime<Utc>, window_days: u16) -> Self {
        Resolver { assignments: HashMap::new(), initiatives: HashMap::new(), recommendations, names, now, window_days }
    }

    /// Assignments already read elsewhere (Resource Graph's `policyresources`): `(id, properties)`.
    pub(crate) fn know_assignments(&mut self, listed: impl IntoIterator<Item = (String, Value)>) {
        for (id, properties) in listed {
            let Some(definition_id) = text(&properties, "policyDefinitionId") else { continue };
            self.assignments
                .insert(id.to_ascii_lowercase(), Some(Assigned { display_name: text(&properties, "displayName"), definition_id }));
        }
    }

    /// Initiatives already read (with the assignments Resource Graph listed).
    pub(crate) fn know_initiatives(&mut self, read: impl IntoIterator<Item = (String, Option<Initiative>)>) {
        for (id, initiative) in read {
            self.initiatives.insert(id.to_ascii_lowercase(), initiative);
        }
    }

    /// Read the assignments and initiatives `batch` needs that are not known
    /// yet (`limit` at a time), then make its rows.
    pub(crate) async fn entries(
        &mut self,
        tenant: &Tenant,
        batch: Vec<Found>,
        limit: usize,
        cancel: &Cancel,
    ) -> Result<Vec<RegisterEntry>, AzureError> {
        let mut missing: Vec<String> = Vec::new();
        let mut asked = HashSet::new();
        for f in &batch {
            let key = f.exemption.policy_assignment_id.to_ascii_lowercase();
            if !self.assignments.contains_key(&key) && asked.insert(key) {
                missing.push(f.exemption.policy_assignment_id.clone());
            }
        }
        let read = fan_out(missing.clone(), limit, cancel, |id| async move { read_assignment(tenant, &id).await }).await?;
        for (id, assigned) in missing.iter().zip(read) {
            self.assignments.insert(id.to_ascii_lowercase(), assigned);
        }
        let mut sets: Vec<String> = Vec::new();
        let mut asked = HashSet::new();
        for f in &batch {
            let Some(Some(a)) = self.assignments.get(&f.exemption.policy_assignment_id.to_ascii_lowercase()) else { continue };
            let key = a.definition_id.to_ascii_lowercase();
            if is_initiative(&a.definition_id) && !self.initiatives.contains_key(&key) && asked.insert(key) {
                sets.push(a.definition_id.clone());
            }
        }
        let read = fan_out(sets.clone(), limit, cancel, |id| async move { read_initiative(tenant, &id).await }).await?;
        for (id, initiative) in sets.iter().zip(read) {
            self.initiatives.insert(id.to_ascii_lowercase(), initiative);
        }
        Ok(batch.into_iter().map(|f| self.entry(f)).collect())
    }

    fn entry(&self, f: Found) -> RegisterEntry {
        let words = scope_words(&f.exemption.scope, &self.names);
        let assigned = self.assignments.get(&f.exemption.policy_assignment_id.to_ascii_lowercase()).and_then(Option::as_ref);
        let definition_id = assigned.map(|a| a.definition_id.as_str());
        let initiative =
            definition_id.filter(|d| is_initiative(d)).and_then(|d| self.initiatives.get(&d.to_ascii_lowercase())).and_then(Option::as_ref);
        let recommendations = f
            .exemption
            .policy_definition_reference_ids
            .iter()
            .map(|reference| {
                let member = initiative.and_then(|(_, members)| members.iter().find(|m| m.reference_id.eq_ignore_ascii_case(reference)));
                let found = member.and_then(|m| self.recommendations.get(&definition_key(&m.policy_definition_id)));
                ExemptedRecommendation {
                    reference_id: reference.clone(),
                    recommendation_key: found.map(|(key, _)| key.clone()),
                    display_name: found.map_or_else(|| reference.clone(), |(_, name)| name.clone()),
                }
            })
            .collect();
        let expiry = expiry_state(f.exemption.expires_on.as_deref(), self.now, self.window_days);
        RegisterEntry {
            level: words.level,
            scope_name: words.name,
            subscription_id: words.subscription_id,
            subscription_name: words.subscription_name,
            initiative_id: definition_id.filter(|d| is_initiative(d)).map(str::to_owned),
            initiative_name: initiative.map(|(name, _)| name.clone()),
            assignment_name: assigned.and_then(|a| a.display_name.clone()),
            recommendations,
            expiry,
            created_by: f.system.created_by,
            created_at: f.system.created_at,
            last_modified_by: f.system.last_modified_by,
            last_modified_at: f.system.last_modified_at,
            requested_by: f.requested_by,
            approved_by: f.approved_by,
            ticket: f.ticket,
            exemption: f.exemption,
        }
    }
}

/// An assignment; `None` when it is gone or the caller may not read it (its
/// rows then show the exemption without initiative).
async fn read_assignment(tenant: &Tenant, id: &str) -> Result<Option<Assigned>, AzureError> {
    let Ok(path) = ArmPath::parse_id(id) else { return Ok(None) };
    match tenant.arm.get(&path, v::POLICY_ASSIGNMENTS, &[]).await {
        Ok(item) => {
            let props = item.get("properties").unwrap_or(&Value::Null);
            Ok(text(props, "policyDefinitionId").map(|definition_id| Assigned { display_name: text(props, "displayName"), definition_id }))
        }
        Err(AzureError::Arm { status: 403 | 404, .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

pub(crate) async fn read_initiative(tenant: &Tenant, id: &str) -> Result<Option<Initiative>, AzureError> {
    match tenant.fetch_initiative(id).await {
        Ok(found) => Ok(Some(found)),
        Err(AzureError::Arm { status: 403 | 404, .. } | AzureError::InvalidInput(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Defender's recommendations by policy definition, from the provider's
/// `assessmentMetadata` list; none when it cannot be read (rows then show
/// reference ids).
pub(crate) async fn recommendations_by_definition(tenant: &Tenant) -> RecommendationsByDefinition {
    let mut out = HashMap::new();
    let listed = match ArmPath::root().provider("Microsoft.Security", ["assessmentMetadata"]) {
        Ok(path) => tenant.arm.list(&path, v::SECURITY_ASSESSMENTS, &[]).await,
        Err(e) => Err(e.into()),
    };
    match listed {
        Ok(items) => {
            for item in &items {
                if let Ok((key, meta)) = parse::metadata_item(item) {
                    if let Some(def) = meta.policy_definition_id.as_deref() {
                        out.entry(definition_key(def)).or_insert((key, meta.display_name));
                    }
                }
            }
        }
        Err(e) => tracing::warn!("the register shows reference ids: recommendations could not be read: {e}"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "11111111-1111-1111-1111-111111111111";

    fn names() -> Names {
        let tree = ManagementGroupNode {
            name: "contoso".into(),
            display_name: "Contoso".into(),
            subscription_ids: vec![SUB.into()],
            children: vec![ManagementGroupNode {
                name: "lz".into(),
                display_name: "Landing zones".into(),
                children: vec![],
                subscription_ids: vec![],
            }],
        };
        Names::new(&[Subscription { id: SUB.into(), display_name: "Contoso Prod".into(), state: "Enabled".into() }], Some(&tree))
    }

    #[test]
    fn scopes_are_said_in_words_at_every_level() {
        let n = names();
        let w = scope_words("/providers/Microsoft.Management/managementGroups/LZ", &n);
        assert_eq!((w.level, w.name.as_str(), w.subscription_id), (ScopeLevel::ManagementGroup, "Landing zones (management group)", None));
        let w = scope_words(&format!("/subscriptions/{SUB}"), &n);
        assert_eq!(
            (w.level, w.name.as_str(), w.subscription_name.as_deref()),
            (ScopeLevel::Subscription, "Contoso Prod", Some("Contoso Prod"))
        );
        let w = scope_words(&format!("/subscriptions/{SUB}/resourceGroups/rg-web"), &n);
        assert_eq!((w.level, w.name.as_str()), (ScopeLevel::ResourceGroup, "rg-web in Contoso Prod"));
        let w = scope_words(&format!("/subscriptions/{SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata"), &n);
        assert_eq!((w.level, w.name.as_str()), (ScopeLevel::Resource, "stdata (storage account) in rg-data, Contoso Prod"));
        let other = "22222222-2222-2222-2222-222222222222";
        let w = scope_words(&format!("/subscriptions/{other}/resourceGroups/rg/providers/Microsoft.Sql/servers/sq1/databases/db1"), &n);
        assert_eq!(w.name, format!("db1 (SQL database) in rg, {other}"), "an unknown subscription is named by its id");
        assert_eq!(scope_words("/providers/Microsoft.Management/managementGroups/gone", &n).name, "gone (management group)");
    }

    #[test]
    fn resource_types_read_as_words() {
        let t = |id: &str| type_in_words(ArmPath::parse_id(id).map(|p| p.segments().to_vec()).unwrap_or_default().as_slice());
        let rg = format!("/subscriptions/{SUB}/resourceGroups/rg/providers");
        assert_eq!(t(&format!("{rg}/Microsoft.KeyVault/vaults/kv")), "key vault");
        assert_eq!(t(&format!("{rg}/Microsoft.Web/sites/app")), "app service");
        assert_eq!(t(&format!("{rg}/Microsoft.Network/applicationGateways/gw")), "application gateway");
        assert_eq!(t(&format!("{rg}/Microsoft.Cache/redisCaches/c")), "redis cache");
        assert_eq!(t(&format!("{rg}/Microsoft.Network/bastionHosts/b")), "bastion host");
        assert_eq!(t(&format!("{rg}/Microsoft.DBforPostgreSQL/flexibleServers/p")), "flexible server");
        assert_eq!(t(&format!("{rg}/Microsoft.Foo/registries/r")), "registry");
        assert_eq!(t(&format!("{rg}/Microsoft.Foo/addresses/r")), "address");
    }

    #[test]
    fn system_data_and_metadata_are_read_leniently() {
        let item = serde_json::json!({
            "id": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policyExemptions/x"),
            "name": "x",
            "properties": {"policyAssignmentId": "/a", "metadata": {"requestedBy": "ada@contoso.com", "ticketRef": " CHG-1 ", "approvedBy": 7}},
            "systemData": {"createdBy": "ada@contoso.com", "createdAt": "2026-01-02T03:04:05.1234567Z", "lastModifiedBy": null, "lastModifiedAt": "yesterday"}
        });
        let f = found(&item, Utc::now()).expect("reads");
        assert_eq!(f.requested_by.as_deref(), Some("ada@contoso.com"));
        assert_eq!(f.ticket.as_deref(), Some("CHG-1"));
        assert_eq!(f.approved_by, None, "a number is no person");
        assert_eq!(f.system.created_at.as_deref(), Some("2026-01-02T03:04:05Z"));
        assert_eq!(f.system.last_modified_by, None);
        assert_eq!(f.system.last_modified_at.as_deref(), Some("yesterday"), "what is no instant is shown as written");
    }
}
