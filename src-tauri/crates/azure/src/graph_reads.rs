//! The tenant's lists read through Resource Graph ([`crate::resource_graph`]):
//! recommendation counts (`securityresources`, summarized), one
//! recommendation's assessed resources, and exemptions (`policyresources`),
//! with the app's own recent writes laid over them. Rows carry `properties`
//! as ARM returns them, so they are read by the same `parse` functions as
//! ARM's lists and both paths give the same rows.

use std::collections::BTreeMap;

use chrono::Utc;
use desk_core::exemption::Exemption;
use desk_core::resource::AssessedResource;
use desk_core::scope::ManagementGroupNode;
use serde::Deserialize;
use serde_json::Value;

use crate::parse::{self, Status};
use crate::recent::{within, Sent};
use crate::resource_graph::{kql_literal, GraphFailed, Reach};
use crate::rows::Watch;
use crate::tenant::{count, Counts, Tenant};

const ASSESSMENT_COUNTS: &str = "securityresources \
| where type == \"microsoft.security/assessments\" \
| extend code = tostring(properties.status.code), cause = tostring(properties.status.cause), displayName = tostring(properties.displayName) \
| summarize count() by name, code, cause, displayName";

const EXEMPTIONS: &str = "policyresources | where type == \"microsoft.authorization/policyexemptions\"";

/// Exemptions at management groups (they have no subscription).
const GROUP_EXEMPTIONS: &str = "policyresources \
| where type == \"microsoft.authorization/policyexemptions\" and subscriptionId == \"\"";

/// A row of [`ASSESSMENT_COUNTS`].
#[derive(Deserialize)]
struct CountRow {
    name: String,
    #[serde(default)]
    code: Option<String>,
    /// Defender's cause (`Exempt` for an exempted resource); empty when none.
    #[serde(default)]
    cause: Option<String>,
    #[serde(rename = "displayName", default)]
    display_name: Option<String>,
    count_: u64,
}

fn status(code: Option<&str>) -> Status {
    match code.unwrap_or_default().to_ascii_lowercase().as_str() {
        "healthy" => Status::Healthy,
        "unhealthy" => Status::Unhealthy,
        "notapplicable" => Status::NotApplicable,
        _ => Status::Unknown,
    }
}

/// The names of the management groups from the root down to the one holding `subscription`.
fn ancestors(node: &ManagementGroupNode, subscription: &str) -> Option<Vec<String>> {
    if node.subscription_ids.iter().any(|s| s.eq_ignore_ascii_case(subscription)) {
        return Some(vec![node.name.clone()]);
    }
    node.children.iter().find_map(|c| ancestors(c, subscription)).map(|mut below| {
        below.insert(0, node.name.clone());
        below
    })
}

impl Tenant {
    /// Assessment counts per recommendation in these subscriptions: one
    /// summarized query. Answers too how many queries the caller's quota has
    /// left (`None` when Resource Graph did not say).
    pub(crate) async fn graph_assessment_counts(
        &self,
        subscription_ids: &[String],
        cancel: &crate::apply::Cancel,
    ) -> Result<(Counts, Option<u64>), GraphFailed> {
        let mut seen = Counts::new();
        let quota_left = self
            .graph_query_quota(Reach::Subscriptions(subscription_ids), ASSESSMENT_COUNTS, cancel, |rows| {
                for row in rows {
                    let row: CountRow =
                        serde_json::from_value(row).map_err(|e| crate::error::AzureError::unexpected("a Resource Graph count", e))?;
                    let n = u32::try_from(row.count_).unwrap_or(u32::MAX);
                    let display_name = row.display_name.filter(|d| !d.is_empty());
                    let status = status(row.code.as_deref());
                    count(&mut seen, &row.name, display_name, status, parse::is_exempt(status, row.cause.as_deref()), n);
                }
                Ok(())
            })
            .await?;
        Ok((seen, quota_left))
    }

    /// The recommendation's assessed resources, page by page: `page` gets
    /// each page's rows. `None` when the key cannot go into a query.
    pub(crate) async fn graph_assessed(
        &self,
        key: &str,
        subscription_ids: &[String],
        cancel: &crate::apply::Cancel,
        mut page: impl FnMut(Vec<AssessedResource>),
    ) -> Result<(), GraphFailed> {
        let literal = kql_literal(key).ok_or_else(|| GraphFailed::Unusable("cannot be asked for this key".into()))?;
        let query = format!("securityresources | where type == \"microsoft.security/assessments\" and name =~ {literal}");
        self.graph_query(Reach::Subscriptions(subscription_ids), &query, cancel, |rows| {
            let mut found = Vec::with_capacity(rows.len());
            for row in &rows {
                let sub = row.get("subscriptionId").and_then(Value::as_str).unwrap_or_default();
                if let Some(resource) = crate::resources::assessed_row(row, key, sub)? {
                    found.push(resource);
                }
            }
            page(found);
            Ok(())
        })
        .await
    }

    /// Exemptions in these subscriptions and at the management groups above
    /// them, with this app's recent writes laid over them.
    pub(crate) async fn graph_exemptions(
        &self,
        subscription_ids: &[String],
        watch: Watch<'_, Exemption>,
        sent: &Sent,
    ) -> Result<Vec<Exemption>, GraphFailed> {
        let now = Utc::now();
        let mut by_id: BTreeMap<String, Exemption> = BTreeMap::new();
        let take = |rows: Vec<Value>, groups: Option<&[String]>, by_id: &mut BTreeMap<String, Exemption>| {
            let mut fresh = Vec::with_capacity(rows.len());
            for row in &rows {
                let exemption = parse::exemption(row, now)?;
                if groups.is_some_and(|g| !within(&exemption.id, &[], g)) {
                    continue;
                }
                if let std::collections::btree_map::Entry::Vacant(slot) = by_id.entry(exemption.id.to_lowercase()) {
                    slot.insert(exemption.clone());
                    fresh.push(exemption);
                }
            }
            sent.hand_over(watch.rows, &fresh, |e| e.id.to_lowercase());
            Ok(())
        };
        // The three reads at once: which groups' rows apply is sorted out once the tree is in.
        let in_subscriptions =
            self.graph_query(Reach::Subscriptions(subscription_ids), EXEMPTIONS, watch.cancel, |rows| take(rows, None, &mut by_id));
        let mut at_groups: Vec<Value> = Vec::new();
        let group_read = self.graph_query(Reach::Tenant, GROUP_EXEMPTIONS, watch.cancel, |rows| {
            at_groups.extend(rows);
            Ok(())
        });
        let (read, group_read, tree) = tokio::join!(in_subscriptions, group_read, self.management_groups());
        read?;
        group_read?;
        // Without the tree, which groups' exemptions apply is unknown: ARM says.
        let tree = tree?.ok_or_else(|| GraphFailed::Unusable("cannot tell which management groups are above".into()))?;
        let mut groups: Vec<String> = subscription_ids.iter().filter_map(|s| ancestors(&tree, s)).flatten().collect();
        groups.sort();
        groups.dedup();
        if !groups.is_empty() {
            take(at_groups, Some(groups.as_slice()), &mut by_id)?;
        }
        let changed = self.recent.overlay(&mut by_id, |id| within(id, subscription_ids, &groups));
        sent.hand_over(watch.rows, &changed, |e| e.id.to_lowercase());
        Ok(by_id.into_values().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_run_from_the_root_to_the_subscription() {
        let tree = ManagementGroupNode {
            name: "root".into(),
            display_name: "Root".into(),
            subscription_ids: vec!["a".into()],
            children: vec![ManagementGroupNode {
                name: "prod".into(),
                display_name: "Prod".into(),
                subscription_ids: vec!["B".into()],
                children: Vec::new(),
            }],
        };
        assert_eq!(ancestors(&tree, "a"), Some(vec!["root".to_owned()]));
        assert_eq!(ancestors(&tree, "b"), Some(vec!["root".to_owned(), "prod".to_owned()]));
        assert_eq!(ancestors(&tree, "c"), None);
    }
}
