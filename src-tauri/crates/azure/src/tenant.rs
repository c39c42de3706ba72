//! The tenant as Exemption Desk reads it: subscriptions, the management-group
//! tree, recommendations and exemptions.

use std::collections::BTreeMap;

use chrono::Utc;
use desk_core::arm_path::{ArmPath, AUTHORIZATION_PROVIDER, MANAGEMENT_GROUPS_PROVIDER};
use desk_core::exemption::Exemption;
use desk_core::recommendation::{not_exemptible_reason, Recommendation};
use desk_core::scope::{is_subscription_id, subscription_scope, ManagementGroupNode, Subscription};
use serde_json::Value;

use crate::api_version as v;
use crate::apply::Cancel;
use crate::arm::Arm;
use crate::credential::Identity;
use crate::error::AzureError;
use crate::fan_out::ReadOptions;
use crate::parse::{self, Status};
use crate::recent::RecentWrites;
use crate::resource_graph::GraphFailed;
use crate::rows::{Unwatched, Watch};

pub struct Tenant {
    pub(crate) arm: Arm,
    pub(crate) identity: Identity,
    /// Where Microsoft Graph is (for looking up service principals).
    pub(crate) graph: Option<crate::graph::Graph>,
    pub(crate) options: ReadOptions,
    /// What this app wrote lately, shown until Resource Graph agrees.
    pub(crate) recent: RecentWrites,
}

/// Per recommendation key (lower case): the key as Defender spells it, a
/// display name from an assessment, and healthy/unhealthy/not-applicable
/// counts, then how many of the not applicable ones are exempt.
pub(crate) type Counts = BTreeMap<String, (String, Option<String>, [u32; 4])>;

/// Count `n` assessments of `key` with status `status` (`exempt`: Not applicable with cause `Exempt`).
pub(crate) fn count(seen: &mut Counts, key: &str, display_name: Option<String>, status: Status, exempt: bool, n: u32) {
    let entry = seen.entry(key.to_ascii_lowercase()).or_insert_with(|| (key.to_owned(), None, [0; 4]));
    if entry.1.is_none() {
        entry.1 = display_name;
    }
    let slot = match status {
        Status::Healthy => Some(0),
        Status::Unhealthy => Some(1),
        Status::NotApplicable => Some(2),
        Status::Unknown => None,
    };
    if let Some(i) = slot {
        entry.2[i] = entry.2[i].saturating_add(n);
    }
    if exempt && status == Status::NotApplicable {
        entry.2[3] = entry.2[3].saturating_add(n);
    }
}

/// Run `read` racing `cancel`: every wait inside ends when it is set.
pub(crate) async fn until_cancelled<T>(
    cancel: &Cancel,
    read: impl std::future::Future<Output = Result<T, AzureError>>,
) -> Result<T, AzureError> {
    if cancel.is_cancelled() {
        return Err(AzureError::ReadCancelled);
    }
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(AzureError::ReadCancelled),
        answer = read => answer,
    }
}

/// A Resource Graph read that could not be used: say why, then read from ARM.
pub(crate) fn falling_back(what: &str, failed: GraphFailed) -> Result<(), AzureError> {
    match failed {
        GraphFailed::Stop(e) => Err(e),
        GraphFailed::Unusable(reason) => {
            tracing::warn!("reading {what} from ARM: Resource Graph {reason}");
            Ok(())
        }
    }
}

pub(crate) fn check_subscription_ids(ids: &[String]) -> Result<(), AzureError> {
    match ids.iter().find(|id| !is_subscription_id(id)) {
        Some(bad) => Err(AzureError::InvalidInput(format!("\"{bad}\" is not a subscription id."))),
        None => Ok(()),
    }
}

impl Tenant {
    pub fn new(arm: Arm, identity: Identity, graph: Option<crate::graph::Graph>) -> Self {
        Tenant { arm, identity, graph, options: ReadOptions::default(), recent: RecentWrites::default() }
    }

    /// How lists are read from now on (Resource Graph or not, how many ARM reads at once).
    pub fn with_read_options(mut self, options: ReadOptions) -> Self {
        self.options = options;
        self
    }

    pub fn read_options(&self) -> ReadOptions {
        self.options
    }

    pub fn arm(&self) -> &Arm {
        &self.arm
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    pub async fn subscriptions(&self) -> Result<Vec<Subscription>, AzureError> {
        let values = self.arm.list(&ArmPath::from_segments(["subscriptions"])?, v::SUBSCRIPTIONS, &[]).await?;
        let mut subs = values.iter().map(parse::subscription).collect::<Result<Vec<_>, _>>()?;
        subs.sort_by_cached_key(|s| s.display_name.to_lowercase());
        Ok(subs)
    }

    /// The management-group tree the caller can read: from the tenant root
    /// when they may read it, otherwise from the highest groups they can
    /// (under a stand-in root when there are several); `None` when they can
    /// read no group (the picker then offers subscriptions and resources only).
    pub async fn management_groups(&self) -> Result<Option<ManagementGroupNode>, AzureError> {
        if let Some(root) = self.management_group_tree(&self.identity.tenant_id).await? {
            return Ok(Some(root));
        }
        let groups = ArmPath::root().provider(MANAGEMENT_GROUPS_PROVIDER, ["managementGroups"])?;
        let listed = match self.arm.list(&groups, v::MANAGEMENT_GROUPS, &[]).await {
            Ok(listed) => listed,
            Err(AzureError::Arm { status: 403 | 404, .. }) => return Ok(None),
            Err(other) => return Err(other),
        };
        let mut tops: Vec<ManagementGroupNode> = Vec::new();
        for item in &listed {
            let name = parse::name(item, "a management group")?;
            let name = name.as_str();
            if name.is_empty() || tops.iter().any(|t| contains_group(t, name)) {
                continue;
            }
            if let Some(tree) = self.management_group_tree(name).await? {
                tops.retain(|t| !contains_group(&tree, &t.name));
                tops.push(tree);
            }
        }
        Ok(match tops.len() {
            0 => None,
            1 => tops.pop(),
            _ => Some(ManagementGroupNode {
                name: self.identity.tenant_id.clone(),
                display_name: "Management groups you can read".into(),
                children: tops,
                subscription_ids: Vec::new(),
            }),
        })
    }

    async fn management_group_tree(&self, name: &str) -> Result<Option<ManagementGroupNode>, AzureError> {
        let query = [("$expand", "children"), ("$recurse", "true")];
        let path = ArmPath::root().provider(MANAGEMENT_GROUPS_PROVIDER, ["managementGroups", name])?;
        match self.arm.get(&path, v::MANAGEMENT_GROUPS, &query).await {
            Ok(root) => parse::management_group_tree(&root).map(Some),
            Err(AzureError::Arm { status: 403 | 404, .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// An `assessmentMetadata` list by lower-case key. An item that cannot be
    /// read is left out (its recommendation then shows without metadata).
    /// The assessment keys of the built-in recommendations (the provider's
    /// assessment metadata), lower-cased: what an import's rows may name.
    pub async fn recommendation_keys(&self) -> Result<Vec<String>, AzureError> {
        let provider = ArmPath::root().provider("Microsoft.Security", ["assessmentMetadata"])?;
        Ok(self.metadata_list(&provider).await?.into_keys().collect())
    }

    pub(crate) async fn metadata_list(&self, path: &ArmPath) -> Result<BTreeMap<String, parse::Metadata>, AzureError> {
        let mut out = BTreeMap::new();
        for item in self.arm.list(path, v::SECURITY_ASSESSMENTS, &[]).await? {
            match parse::metadata_item(&item) {
                Ok((key, meta)) => {
                    out.insert(key.to_ascii_lowercase(), meta);
                }
                Err(e) => tracing::warn!("skipping a recommendation's metadata: {e}"),
            }
        }
        Ok(out)
    }

    /// Every assessment in a subscription (no `$expand`: the list has none).
    pub(crate) async fn assessments(&self, subscription_id: &str) -> Result<Vec<Value>, AzureError> {
        let path = ArmPath::subscription(subscription_id)?.provider("Microsoft.Security", ["assessments"])?;
        self.arm.list(&path, v::SECURITY_ASSESSMENTS, &[]).await
    }

    /// One recommendation's metadata: built-in ones at the provider, custom
    /// ones at a subscription.
    pub(crate) async fn recommendation(&self, key: &str, subscription_ids: &[String]) -> Result<Recommendation, AzureError> {
        let mut paths = vec![ArmPath::root().provider("Microsoft.Security", ["assessmentMetadata", key])?];
        for s in subscription_ids {
            paths.push(ArmPath::subscription(s)?.provider("Microsoft.Security", ["assessmentMetadata", key])?);
        }
        for path in paths {
            match self.arm.get(&path, v::SECURITY_ASSESSMENTS, &[]).await {
                Ok(found) => {
                    let props = found.get("properties").unwrap_or(&Value::Null);
                    return Ok(recommendation(key, &parse::metadata(props)?));
                }
                Err(AzureError::Arm { status: 404, .. }) => continue,
                Err(other) => return Err(other),
            }
        }
        Err(AzureError::RecommendationNotFound(key.to_owned()))
    }

    /// Exemptions that apply at these subscriptions (at, above or below them).
    pub async fn exemptions(&self, subscription_ids: &[String]) -> Result<Vec<Exemption>, AzureError> {
        self.exemptions_watched(subscription_ids, Watch { rows: &Unwatched, cancel: &Cancel::default() }).await
    }

    /// [`Tenant::exemptions`], handing rows over as they arrive and stopping
    /// with [`AzureError::ReadCancelled`] when the watcher cancels.
    pub async fn exemptions_watched(&self, subscription_ids: &[String], watch: Watch<'_, Exemption>) -> Result<Vec<Exemption>, AzureError> {
        check_subscription_ids(subscription_ids)?;
        until_cancelled(watch.cancel, self.exemptions_read(subscription_ids, watch)).await
    }

    async fn exemptions_read(&self, subscription_ids: &[String], watch: Watch<'_, Exemption>) -> Result<Vec<Exemption>, AzureError> {
        let sent = crate::recent::Sent::default();
        if self.options.resource_graph {
            match self.graph_exemptions(subscription_ids, Watch { rows: watch.rows, cancel: watch.cancel }, &sent).await {
                Ok(found) => return Ok(found),
                Err(failed) => falling_back("exemptions", failed)?,
            }
        }
        let mut by_id: BTreeMap<String, Exemption> = BTreeMap::new();
        let lists = crate::fan_out::fan_out_each(
            subscription_ids.to_vec(),
            self.options.limit(),
            watch.cancel,
            |id| async move { self.exemptions_at(&subscription_scope(&id), None).await },
            |_, listed: &Vec<Exemption>| sent.hand_over(watch.rows, listed, |e| e.id.to_lowercase()),
        )
        .await?;
        for exemption in lists.into_iter().flatten() {
            by_id.entry(exemption.id.to_lowercase()).or_insert(exemption);
        }
        Ok(by_id.into_values().collect())
    }

    /// Exemptions listed at a scope, optionally with a `$filter`.
    pub(crate) async fn exemptions_at(&self, scope: &str, filter: Option<&str>) -> Result<Vec<Exemption>, AzureError> {
        let now = Utc::now();
        let path = ArmPath::parse_id(scope)?.provider(AUTHORIZATION_PROVIDER, ["policyExemptions"])?;
        let query: Vec<(&str, &str)> = filter.map(|f| vec![("$filter", f)]).unwrap_or_default();
        let items = self.arm.list(&path, v::POLICY_EXEMPTIONS, &query).await?;
        items.iter().map(|item| parse::exemption(item, now)).collect()
    }
}

fn contains_group(node: &ManagementGroupNode, name: &str) -> bool {
    node.name.eq_ignore_ascii_case(name) || node.children.iter().any(|c| contains_group(c, name))
}

pub(crate) fn recommendation(key: &str, meta: &parse::Metadata) -> Recommendation {
    Recommendation {
        key: key.to_owned(),
        display_name: meta.display_name.clone(),
        description: meta.description.clone(),
        severity: meta.severity,
        assessment_type: meta.assessment_type,
        policy_definition_id: meta.policy_definition_id.clone(),
        unhealthy_count: 0,
        healthy_count: 0,
        not_applicable_count: 0,
        exempted_count: 0,
        not_exemptible_reason: not_exemptible_reason(&meta.display_name, meta.assessment_type, meta.policy_definition_id.as_deref()),
    }
}
