//! The operations Exemption Desk performs on a tenant, named for the domain.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use desk_core::exemption::{Exemption, ExemptionDraft};
use desk_core::plan::{plan_exemptions, AssignedInitiative, PlannedWrite, Requester, ScopeTarget};
use desk_core::recommendation::{not_exemptible_reason, Recommendation};
use desk_core::scope::{is_subscription_id, subscription_scope, Subscription};
use desk_core::validation::validate;
use desk_core::CoreError;
use serde_json::Value;

use crate::api_version as v;
use crate::arm::Arm;
use crate::error::AzureError;
use crate::parse::{self, Status};

pub struct Tenant {
    arm: Arm,
}

fn check_subscription_ids(ids: &[String]) -> Result<(), AzureError> {
    match ids.iter().find(|id| !is_subscription_id(id)) {
        Some(bad) => Err(AzureError::InvalidInput(format!("\"{bad}\" is not a subscription id."))),
        None => Ok(()),
    }
}

impl Tenant {
    pub fn new(arm: Arm) -> Self {
        Tenant { arm }
    }

    pub fn arm(&self) -> &Arm {
        &self.arm
    }

    pub async fn subscriptions(&self) -> Result<Vec<Subscription>, AzureError> {
        let values = self.arm.list("/subscriptions", v::SUBSCRIPTIONS, &[]).await?;
        let mut subs = values.iter().map(parse::subscription).collect::<Result<Vec<_>, _>>()?;
        subs.sort_by(|a, b| a.display_name.to_lowercase().cmp(&b.display_name.to_lowercase()));
        Ok(subs)
    }

    /// Recommendations assessed in these subscriptions, with resource counts
    /// summed across them, most severe and most widespread first.
    pub async fn recommendations(&self, subscription_ids: &[String]) -> Result<Vec<Recommendation>, AzureError> {
        check_subscription_ids(subscription_ids)?;
        let mut by_key: BTreeMap<String, Recommendation> = BTreeMap::new();
        for id in subscription_ids {
            let path = format!("{}/providers/Microsoft.Security/assessments", subscription_scope(id));
            for item in self.arm.list(&path, v::SECURITY_ASSESSMENTS, &[("$expand", "metadata")]).await? {
                let (key, status) = parse::assessment_status(&item)?;
                let entry = match by_key.get_mut(&key) {
                    Some(entry) => entry,
                    None => {
                        let meta_json = item
                            .pointer("/properties/metadata")
                            .ok_or_else(|| AzureError::unexpected("an assessment", "no metadata though expanded"))?;
                        by_key.entry(key.clone()).or_insert(recommendation(&key, &parse::metadata(meta_json)?))
                    }
                };
                match status {
                    Status::Healthy => entry.healthy_count += 1,
                    Status::Unhealthy => entry.unhealthy_count += 1,
                    Status::NotApplicable => entry.not_applicable_count += 1,
                }
            }
        }
        let mut list: Vec<Recommendation> = by_key.into_values().collect();
        list.sort_by(|a, b| a.severity.cmp(&b.severity).then(b.unhealthy_count.cmp(&a.unhealthy_count)));
        Ok(list)
    }

    /// One recommendation's metadata: built-in ones at the provider, custom
    /// ones at a subscription.
    async fn recommendation(&self, key: &str, subscription_ids: &[String]) -> Result<Recommendation, AzureError> {
        let mut paths = vec![format!("/providers/Microsoft.Security/assessmentMetadata/{key}")];
        paths.extend(subscription_ids.iter().map(|s| {
            format!("{}/providers/Microsoft.Security/assessmentMetadata/{key}", subscription_scope(s))
        }));
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
        check_subscription_ids(subscription_ids)?;
        let now = Utc::now();
        let mut by_id: BTreeMap<String, Exemption> = BTreeMap::new();
        for id in subscription_ids {
            let path = format!("{}/providers/Microsoft.Authorization/policyExemptions", subscription_scope(id));
            for item in self.arm.list(&path, v::POLICY_EXEMPTIONS, &[]).await? {
                let exemption = parse::exemption(&item, now)?;
                by_id.insert(exemption.id.to_lowercase(), exemption);
            }
        }
        Ok(by_id.into_values().collect())
    }

    /// The writes `draft` needs, after validating it and reading the
    /// assignments and initiatives at each subscription.
    pub async fn plan(&self, draft: &ExemptionDraft, requester: &Requester<'_>) -> Result<Vec<PlannedWrite>, AzureError> {
        let now = Utc::now();
        let errors = validate(draft, now);
        if !errors.is_empty() {
            return Err(CoreError::InvalidDraft(errors).into());
        }
        let recommendation = self.recommendation(&draft.recommendation_key, &draft.subscription_ids).await?;
        if let Some(reason) = recommendation.not_exemptible_reason.clone() {
            return Err(CoreError::NotExemptible { name: recommendation.display_name, reason }.into());
        }
        let mut initiatives: HashMap<String, Value> = HashMap::new();
        let mut targets = Vec::new();
        for id in &draft.subscription_ids {
            let scope = subscription_scope(id);
            let path = format!("{scope}/providers/Microsoft.Authorization/policyAssignments");
            let mut assignments = Vec::new();
            for item in self.arm.list(&path, v::POLICY_ASSIGNMENTS, &[("$filter", "atScope()")]).await? {
                let (assignment_id, definition_id) = parse::assignment(&item)?;
                if !definition_id.to_ascii_lowercase().contains("/policysetdefinitions/") {
                    continue;
                }
                let key = definition_id.to_ascii_lowercase();
                if !initiatives.contains_key(&key) {
                    let set = self.arm.get(&definition_id, v::POLICY_SET_DEFINITIONS, &[]).await?;
                    initiatives.insert(key.clone(), set);
                }
                let members = match initiatives.get(&key) {
                    Some(set) => parse::initiative_members(set)?,
                    None => Vec::new(),
                };
                assignments.push(AssignedInitiative { assignment_id, policy_set_definition_id: definition_id, members });
            }
            targets.push(ScopeTarget { scope, assignments });
        }
        Ok(plan_exemptions(draft, &recommendation, &targets, requester, now)?)
    }

    /// Send each planned write in turn; the created or replaced exemptions.
    pub async fn apply(&self, writes: &[PlannedWrite]) -> Result<Vec<Exemption>, AzureError> {
        let now = Utc::now();
        let mut created = Vec::with_capacity(writes.len());
        for write in writes {
            let answer = self.arm.put(&write.path, v::POLICY_EXEMPTIONS, &write.body).await?;
            created.push(parse::exemption(&answer, now)?);
        }
        Ok(created)
    }
}

fn recommendation(key: &str, meta: &parse::Metadata) -> Recommendation {
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
        not_exemptible_reason: not_exemptible_reason(
            &meta.display_name,
            meta.assessment_type,
            meta.policy_definition_id.as_deref(),
        ),
    }
}
