//! One exemption in detail: the exemption exactly as Azure sends it, and the
//! resources it covers — those under its scope assessed by the
//! recommendations it exempts — with whether Defender already shows each
//! Not applicable with cause Exempt. The assessments are read through
//! Resource Graph first (one query for every exempted recommendation), from
//! each subscription's assessment list when it cannot answer.

use std::collections::BTreeMap;

use chrono::Utc;
use desk_core::arm_path::ArmPath;
use desk_core::change::{targets, ChangeRequest, ExemptionChange};
use desk_core::details::{coverage, shown_exempt, under_scope, Coverage, CoveredRecommendation, CoveredResource};
use desk_core::exemption::Exemption;
use desk_core::plan::exemption_path;
use desk_core::scope::subscription_of;
use serde_json::Value;

use crate::api_version as v;
use crate::apply::Cancel;
use crate::error::AzureError;
use crate::fan_out::fan_out;
use crate::parse;
use crate::resource_graph::{kql_literal, Reach};
use crate::resources::{assessed_row, subscriptions_under};
use crate::tenant::{falling_back, Tenant};

/// What Azure says about one exemption.
pub struct ExemptionRead {
    /// The exemption (parsed, and its text exactly as sent); `None` when it does not exist.
    pub raw: Option<(Value, String)>,
    /// What it covers; `None` when it does not exist.
    pub coverage: Option<Coverage>,
}

/// Exempted recommendation keys (lower case) and their display names.
type Names = BTreeMap<String, String>;

impl Tenant {
    /// The exemption `exemption_id` as Azure sends it and what it covers. An
    /// id that does not parse strictly is refused before any read.
    pub async fn exemption_details(&self, exemption_id: &str) -> Result<ExemptionRead, AzureError> {
        let request = ChangeRequest { exemption_ids: vec![exemption_id.to_owned()], change: ExemptionChange::Delete };
        let target = targets(&request)?.remove(0);
        let path = exemption_path(&target.scope, &target.name)?;
        let (value, text) = match self.arm.get_as_sent(&path, v::POLICY_EXEMPTIONS, &[]).await {
            Ok(found) => found,
            Err(AzureError::Arm { status: 404, .. }) => return Ok(ExemptionRead { raw: None, coverage: None }),
            Err(other) => return Err(other),
        };
        let exemption = parse::exemption(&value, Utc::now())?;
        let coverage = self.coverage_of(&exemption).await?;
        Ok(ExemptionRead { raw: Some((value, text)), coverage: Some(coverage) })
    }

    async fn coverage_of(&self, exemption: &Exemption) -> Result<Coverage, AzureError> {
        let subscriptions = self.subscriptions_of_scope(&exemption.scope).await?;
        let names = match self.exempted_recommendations(exemption, &subscriptions).await {
            Ok(names) => names,
            Err(AzureError::Arm { status: status @ (403 | 404), message, .. }) => {
                let mut c = coverage(Vec::new(), Vec::new());
                c.unavailable = Some(format!(
                    "The policy assignment or its initiative could not be read (HTTP {status}: {message}), so which resources this exemption covers is unknown."
                ));
                return Ok(c);
            }
            Err(other) => return Err(other),
        };
        let mut recommendations: Vec<CoveredRecommendation> = names
            .iter()
            .map(|(key, display_name)| CoveredRecommendation { key: key.clone(), display_name: display_name.clone() })
            .collect();
        recommendations.sort_by_cached_key(|r| r.display_name.to_lowercase());
        if names.is_empty() || subscriptions.is_empty() {
            return Ok(coverage(recommendations, Vec::new()));
        }
        let rows = self.covered(&exemption.scope, &names, &subscriptions).await?;
        Ok(coverage(recommendations, rows))
    }

    /// The Defender recommendations an exemption exempts: the policy
    /// definitions its reference ids name in the assignment's initiative
    /// (every member when it names none), matched to the assessment metadata
    /// by policy definition id — built-in ones at the provider, custom ones
    /// in the subscriptions' own lists (read only when some are missing).
    async fn exempted_recommendations(&self, exemption: &Exemption, subscriptions: &[String]) -> Result<Names, AzureError> {
        let assignment = self.arm.get(&ArmPath::parse_id(&exemption.policy_assignment_id)?, v::POLICY_ASSIGNMENTS, &[]).await?;
        let (_, assigned) = parse::assignment(&assignment)?;
        let refs = &exemption.policy_definition_reference_ids;
        let mut definitions: Vec<String> = if assigned.to_ascii_lowercase().contains("/policysetdefinitions/") {
            let (_, members) = self.fetch_initiative(&assigned).await?;
            members
                .into_iter()
                .filter(|m| refs.is_empty() || refs.iter().any(|r| r.eq_ignore_ascii_case(&m.reference_id)))
                .map(|m| m.policy_definition_id.to_ascii_lowercase())
                .collect()
        } else {
            vec![assigned.to_ascii_lowercase()]
        };
        let mut names = Names::new();
        let mut take = |metadata: BTreeMap<String, parse::Metadata>, definitions: &mut Vec<String>| {
            for (key, m) in metadata {
                let Some(definition) = m.policy_definition_id.as_deref().map(str::to_ascii_lowercase) else { continue };
                if definitions.contains(&definition) {
                    names.entry(key).or_insert(m.display_name);
                }
            }
        };
        let provider = ArmPath::root().provider("Microsoft.Security", ["assessmentMetadata"])?;
        let builtin = self.metadata_list(&provider).await?;
        let found: Vec<String> = builtin.values().filter_map(|m| m.policy_definition_id.as_deref().map(str::to_ascii_lowercase)).collect();
        take(builtin, &mut definitions);
        definitions.retain(|d| !found.contains(d));
        if !definitions.is_empty() {
            let lists = fan_out(subscriptions.to_vec(), self.options.limit(), &Cancel::default(), |id| async move {
                let path = ArmPath::subscription(&id)?.provider("Microsoft.Security", ["assessmentMetadata"])?;
                self.metadata_list(&path).await
            })
            .await?;
            for list in lists {
                take(list, &mut definitions);
            }
        }
        Ok(names)
    }

    /// The subscriptions a scope holds: its own, or every one under a management group.
    async fn subscriptions_of_scope(&self, scope: &str) -> Result<Vec<String>, AzureError> {
        if let Some(sub) = subscription_of(scope) {
            return Ok(vec![sub]);
        }
        let group = ArmPath::parse_id(scope)?.management_group_name().map(str::to_owned).unwrap_or_default();
        let tree = self.management_groups().await?;
        let mut subs = tree.map(|t| subscriptions_under(&t, &group)).unwrap_or_default();
        subs.sort_by_cached_key(|s| s.to_ascii_lowercase());
        subs.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        Ok(subs)
    }

    /// Every assessment of the exempted recommendations under `scope`.
    async fn covered(&self, scope: &str, names: &Names, subscriptions: &[String]) -> Result<Vec<CoveredResource>, AzureError> {
        let cancel = Cancel::default();
        let literals: Option<Vec<String>> = names.keys().map(|k| kql_literal(k)).collect();
        if let (true, Some(literals)) = (self.options.resource_graph, literals) {
            let query =
                format!("securityresources | where type == \"microsoft.security/assessments\" and name in~ ({})", literals.join(", "));
            let mut found = Vec::new();
            let read = self.graph_query(Reach::Subscriptions(subscriptions), &query, &cancel, |rows| {
                for row in &rows {
                    let sub = row.get("subscriptionId").and_then(Value::as_str).unwrap_or_default();
                    found.extend(covered_row(row, sub, scope, names)?);
                }
                Ok(())
            });
            match read.await {
                Ok(()) => return Ok(found),
                Err(failed) => falling_back("an exemption's resources", failed)?,
            }
        }
        let lists = fan_out(subscriptions.to_vec(), self.options.limit(), &cancel, |sub| async move {
            Ok((sub.clone(), self.assessments(&sub).await?))
        })
        .await?;
        let mut found = Vec::new();
        for (sub, items) in &lists {
            for item in items {
                found.extend(covered_row(item, sub, scope, names)?);
            }
        }
        Ok(found)
    }
}

/// An assessment (an ARM list item or a Resource Graph row) as a covered
/// resource; `None` when it is of another recommendation or outside `scope`.
fn covered_row(item: &Value, subscription_id: &str, scope: &str, names: &Names) -> Result<Option<CoveredResource>, AzureError> {
    let (key, _) = parse::assessment_status(item)?;
    let lower = key.to_ascii_lowercase();
    let Some(display_name) = names.get(&lower) else { return Ok(None) };
    let Some(resource) = assessed_row(item, &key, subscription_id)? else { return Ok(None) };
    if !under_scope(scope, &resource.id) {
        return Ok(None);
    }
    Ok(Some(CoveredResource {
        recommendation_key: lower,
        recommendation_name: display_name.clone(),
        shown_exempt: shown_exempt(&resource),
        resource,
    }))
}
