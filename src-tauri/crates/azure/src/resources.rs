//! A recommendation's resources and, after an apply, whether Defender shows
//! the exempted ones as Not applicable (cause Exempt) yet.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use desk_core::apply::{ApplyReport, EffectItem, EffectReport, HeldBy, ItemState};
use desk_core::exemption::Exemption;
use desk_core::resource::{describe, AssessedResource, ResourceStatus};
use desk_core::scope::{subscription_of, subscription_scope, ManagementGroupNode};

use crate::apply::Cancel;
use crate::error::AzureError;
use crate::facts::Reads;
use crate::fan_out::{fan_out, fan_out_each};
use crate::parse::{self, Status};
use crate::recent::Sent;
use crate::rows::{Unwatched, Watch};
use crate::tenant::{check_subscription_ids, falling_back, until_cancelled, Tenant};

/// How long Defender may take to show an exemption.
pub const EFFECT_DELAY_HOURS: i64 = 24;

impl Tenant {
    /// Every resource the recommendation assesses in these subscriptions, with
    /// the exemption that applies to each exempt one.
    pub async fn recommendation_resources(&self, key: &str, subscription_ids: &[String]) -> Result<Vec<AssessedResource>, AzureError> {
        self.recommendation_resources_watched(key, subscription_ids, Watch { rows: &Unwatched, cancel: &Cancel::default() }).await
    }

    /// [`Tenant::recommendation_resources`], handing rows over as they arrive
    /// and stopping with [`AzureError::ReadCancelled`] when the watcher cancels.
    pub async fn recommendation_resources_watched(
        &self,
        key: &str,
        subscription_ids: &[String],
        watch: Watch<'_, AssessedResource>,
    ) -> Result<Vec<AssessedResource>, AzureError> {
        check_subscription_ids(subscription_ids)?;
        until_cancelled(watch.cancel, self.resources_read(key, subscription_ids, watch)).await
    }

    async fn resources_read(
        &self,
        key: &str,
        subscription_ids: &[String],
        watch: Watch<'_, AssessedResource>,
    ) -> Result<Vec<AssessedResource>, AzureError> {
        let sent = Sent::default();
        let hand_over = |rows: &[AssessedResource]| {
            // Exempt rows wait for the exemption that covers them.
            let ready: Vec<AssessedResource> = rows.iter().filter(|r| r.cause.as_deref() != Some("Exempt")).cloned().collect();
            sent.hand_over(watch.rows, &ready, |r| r.id.to_lowercase());
        };
        let (definition, assessed) = tokio::join!(self.policy_definition_of(key, subscription_ids), async {
            if self.options.resource_graph {
                let mut all = Vec::new();
                match self
                    .graph_assessed(key, subscription_ids, watch.cancel, |page| {
                        hand_over(&page);
                        all.extend(page);
                    })
                    .await
                {
                    Ok(()) => return Ok(all),
                    Err(failed) => falling_back("a recommendation's resources", failed)?,
                }
            }
            let per_sub = fan_out_each(
                subscription_ids.to_vec(),
                self.options.limit(),
                watch.cancel,
                |sub| async move { self.assessed(&sub, key).await },
                |_, found: &Vec<AssessedResource>| hand_over(found),
            )
            .await?;
            Ok::<Vec<AssessedResource>, AzureError>(per_sub.into_iter().flatten().collect())
        });
        let (definition, mut resources) = (definition?, assessed?);
        // The exemptions covering exempt resources: one list per subscription that has some.
        let mut subs: Vec<String> =
            resources.iter().filter(|r| r.cause.as_deref() == Some("Exempt")).map(|r| r.subscription_id.to_ascii_lowercase()).collect();
        subs.sort();
        subs.dedup();
        if !subs.is_empty() {
            let mut reads = Reads::default();
            if definition.is_some() {
                let scopes: Vec<String> = subs.iter().map(|s| subscription_scope(s)).collect();
                self.warm_assignments_at(scopes, &mut reads).await;
                let sets = reads.initiative_ids();
                self.warm_initiatives(sets, &mut reads).await;
            }
            let mut refs_by_sub = Vec::new();
            for sub in &subs {
                refs_by_sub.push(self.reference_ids_for(sub, definition.as_deref(), &mut reads).await?);
            }
            let listed = fan_out(subs.clone(), self.options.limit(), watch.cancel, |sub| async move {
                self.exemptions_at(&subscription_scope(&sub), None).await
            })
            .await?;
            let mut covering: Vec<(String, Vec<Exemption>)> = Vec::new();
            for ((sub, refs), exemptions) in subs.iter().zip(refs_by_sub).zip(listed) {
                let kept = exemptions
                    .into_iter()
                    .filter(|e| {
                        e.policy_definition_reference_ids.is_empty() || e.policy_definition_reference_ids.iter().any(|r| refs.contains(r))
                    })
                    .collect();
                covering.push((sub.clone(), kept));
            }
            for r in resources.iter_mut().filter(|r| r.cause.as_deref() == Some("Exempt")) {
                let sub = r.subscription_id.to_ascii_lowercase();
                let exemptions = covering.iter().find(|(s, _)| *s == sub).map(|(_, e)| e.as_slice()).unwrap_or_default();
                r.exemption_id = covering_exemption(exemptions, &r.id).map(|e| e.id.clone());
            }
            let exempt: Vec<AssessedResource> = resources.iter().filter(|r| r.cause.as_deref() == Some("Exempt")).cloned().collect();
            sent.hand_over(watch.rows, &exempt, |r| r.id.to_lowercase());
        }
        Ok(resources)
    }

    /// The policy a recommendation stands for; `None` for one Defender serves no metadata for.
    async fn policy_definition_of(&self, key: &str, subscription_ids: &[String]) -> Result<Option<String>, AzureError> {
        match self.recommendation(key, subscription_ids).await {
            Ok(recommendation) => Ok(recommendation.policy_definition_id),
            Err(AzureError::RecommendationNotFound(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }

    async fn assessed(&self, subscription_id: &str, key: &str) -> Result<Vec<AssessedResource>, AzureError> {
        let mut found = Vec::new();
        for item in self.assessments(subscription_id).await? {
            found.extend(assessed_row(&item, key, subscription_id)?);
        }
        Ok(found)
    }

    /// Reference ids that stand for `definition` in the initiatives assigned at a subscription.
    async fn reference_ids_for(&self, sub: &str, definition: Option<&str>, reads: &mut Reads) -> Result<Vec<String>, AzureError> {
        let Some(definition) = definition else { return Ok(Vec::new()) };
        let mut refs = Vec::new();
        for (_, set_id) in self.assignments_at(&subscription_scope(sub), reads).await? {
            if set_id.to_ascii_lowercase().contains("/policysetdefinitions/") {
                let (_, members) = self.initiative(&set_id, reads).await?;
                refs.extend(
                    members.into_iter().filter(|m| m.policy_definition_id.eq_ignore_ascii_case(definition)).map(|m| m.reference_id),
                );
            }
        }
        Ok(refs)
    }

    /// For each scope an apply wrote to: how many of the recommendation's
    /// resources there Defender already shows as exempt.
    pub async fn effect(&self, report: &ApplyReport, tree: Option<&ManagementGroupNode>) -> Result<EffectReport, AzureError> {
        let mut scopes: Vec<String> =
            report.items.iter().filter(|i| i.state == ItemState::Succeeded).map(|i| i.write.scope.clone()).collect();
        scopes.sort();
        scopes.dedup();
        let mut items = Vec::new();
        let mut cache: Vec<(String, Vec<AssessedResource>)> = Vec::new();
        let mut holds = Holds::default();
        if self.options.limit() > 1 {
            // Every subscription's assessments and assignments at once; the walk below finds them.
            let mut subs: Vec<String> = scopes
                .iter()
                .flat_map(|scope| match subscription_of(scope) {
                    Some(sub) => vec![sub],
                    None => tree.map(|t| subscriptions_under(t, scope.rsplit('/').next().unwrap_or_default())).unwrap_or_default(),
                })
                .collect();
            subs.sort();
            subs.dedup();
            let key = report.recommendation_key.as_str();
            let found = fan_out(subs.clone(), self.options.limit(), &Cancel::default(), |sub| async move {
                Ok((sub.clone(), self.assessed(&sub, key).await.ok()))
            })
            .await?;
            cache.extend(found.into_iter().filter_map(|(sub, assessed)| assessed.map(|a| (sub, a))));
            self.warm_unfiltered(subs.iter().map(|s| subscription_scope(s)).collect(), &mut holds.reads).await;
        }
        for scope in scopes {
            let subs = match subscription_of(&scope) {
                Some(sub) => vec![sub],
                None => tree.map(|t| subscriptions_under(t, scope.rsplit('/').next().unwrap_or_default())).unwrap_or_default(),
            };
            let mut pending = 0;
            let mut exempt = 0;
            let mut held_by: Vec<HeldBy> = Vec::new();
            for sub in subs {
                if !cache.iter().any(|(s, _)| *s == sub) {
                    let assessed = self.assessed(&sub, &report.recommendation_key).await?;
                    cache.push((sub.clone(), assessed));
                }
                let assessed = cache.iter().find(|(s, _)| *s == sub).map(|(_, a)| a.as_slice()).unwrap_or_default();
                let prefix = scope.to_ascii_lowercase();
                for r in assessed.iter().filter(|r| r.id.to_ascii_lowercase().starts_with(&prefix) || subscription_of(&scope).is_none()) {
                    if r.cause.as_deref() == Some("Exempt") {
                        exempt += 1;
                    } else if r.status != ResourceStatus::NotApplicable {
                        pending += 1;
                        for (assignment_id, initiative_name) in self.holding(report, &sub, &r.id, &mut holds).await? {
                            match held_by.iter_mut().find(|h| h.assignment_id.eq_ignore_ascii_case(&assignment_id)) {
                                Some(h) => h.resources = h.resources.saturating_add(1),
                                None => held_by.push(HeldBy { assignment_id, initiative_name, resource_id: r.id.clone(), resources: 1 }),
                            }
                        }
                    }
                }
            }
            items.push(EffectItem { scope, pending, exempt, held_by });
        }
        let started = DateTime::parse_from_rfc3339(&report.started_at).map(|t| t.with_timezone(&Utc)).unwrap_or_else(|_| Utc::now());
        Ok(EffectReport {
            apply_id: report.id.clone(),
            complete: items.iter().all(|i| i.pending == 0),
            items,
            // A date read back from the journal could be anything: never overflow.
            expected_by: started
                .checked_add_signed(Duration::hours(EFFECT_DELAY_HOURS))
                .unwrap_or(started)
                .to_rfc3339_opts(SecondsFormat::Secs, true),
        })
    }
}

/// What the tracker reads once per subscription to say which assignment still holds a resource.
#[derive(Default)]
struct Holds {
    reads: Reads,
    definition: Option<Option<String>>,
    exemptions: Vec<(String, Vec<Exemption>)>,
}

impl Tenant {
    /// The assignments (id, initiative name) that hold the recommendation for
    /// `resource_id` while no unexpired exemption of theirs covers it.
    async fn holding(
        &self,
        report: &ApplyReport,
        sub: &str,
        resource_id: &str,
        holds: &mut Holds,
    ) -> Result<Vec<(String, String)>, AzureError> {
        let definition = match &holds.definition {
            Some(found) => found.clone(),
            None => {
                let found = self.recommendation(&report.recommendation_key, &[sub.to_owned()]).await?.policy_definition_id;
                holds.definition = Some(found.clone());
                found
            }
        };
        let Some(definition) = definition else { return Ok(Vec::new()) };
        if !holds.exemptions.iter().any(|(s, _)| s == sub) {
            let listed = self.exemptions_at(&subscription_scope(sub), None).await?;
            holds.exemptions.push((sub.to_owned(), listed));
        }
        let exemptions = holds.exemptions.iter().find(|(s, _)| s == sub).map(|(_, e)| e.clone()).unwrap_or_default();
        let id = resource_id.to_ascii_lowercase();
        let mut out = Vec::new();
        for (assignment_id, set_id) in self.assignments_covering(resource_id, &mut holds.reads).await? {
            if !set_id.to_ascii_lowercase().contains("/policysetdefinitions/") {
                continue;
            }
            let (initiative_name, members) = self.initiative(&set_id, &mut holds.reads).await?;
            let refs: Vec<&str> = members
                .iter()
                .filter(|m| m.policy_definition_id.eq_ignore_ascii_case(&definition))
                .map(|m| m.reference_id.as_str())
                .collect();
            if refs.is_empty() {
                continue;
            }
            let exempted = exemptions.iter().any(|e| {
                let scope = e.scope.to_ascii_lowercase();
                !e.expired
                    && e.policy_assignment_id.eq_ignore_ascii_case(&assignment_id)
                    && (id == scope
                        || id.starts_with(&format!("{scope}/"))
                        || scope.starts_with("/providers/microsoft.management/managementgroups/"))
                    && (e.policy_definition_reference_ids.is_empty()
                        || e.policy_definition_reference_ids.iter().any(|r| refs.iter().any(|x| x.eq_ignore_ascii_case(r))))
            });
            if !exempted {
                out.push((assignment_id, initiative_name));
            }
        }
        Ok(out)
    }
}

/// The exemption whose scope contains the resource.
fn covering_exemption<'a>(exemptions: &'a [Exemption], resource_id: &str) -> Option<&'a Exemption> {
    let id = resource_id.to_ascii_lowercase();
    exemptions
        .iter()
        .filter(|e| !e.expired)
        .filter(|e| {
            let scope = e.scope.to_ascii_lowercase();
            id == scope || id.starts_with(&format!("{scope}/"))
        })
        .max_by_key(|e| e.scope.len())
}

/// Subscriptions anywhere under the management group `name`.
pub fn subscriptions_under(node: &ManagementGroupNode, name: &str) -> Vec<String> {
    fn all(node: &ManagementGroupNode, out: &mut Vec<String>) {
        out.extend(node.subscription_ids.iter().cloned());
        for child in &node.children {
            all(child, out);
        }
    }
    if node.name.eq_ignore_ascii_case(name) {
        let mut out = Vec::new();
        all(node, &mut out);
        return out;
    }
    node.children.iter().map(|c| subscriptions_under(c, name)).find(|found| !found.is_empty()).unwrap_or_default()
}

/// An assessment (from ARM's list or a Resource Graph row) as a resource of
/// the recommendation `key`; `None` when it assesses another recommendation.
pub(crate) fn assessed_row(item: &serde_json::Value, key: &str, subscription_id: &str) -> Result<Option<AssessedResource>, AzureError> {
    let (name, status) = parse::assessment_status(item)?;
    if !name.eq_ignore_ascii_case(key) {
        return Ok(None);
    }
    let (id, cause) = parse::assessed_resource(item)?;
    let (resource_name, resource_type, resource_group) = describe(&id);
    Ok(Some(AssessedResource {
        subscription_id: subscription_of(&id).unwrap_or_else(|| subscription_id.to_owned()),
        id,
        name: resource_name,
        resource_type,
        resource_group,
        status: match status {
            Status::Healthy => ResourceStatus::Healthy,
            Status::Unhealthy => ResourceStatus::Unhealthy,
            Status::NotApplicable => ResourceStatus::NotApplicable,
            Status::Unknown => ResourceStatus::Unknown,
        },
        cause,
        exemption_id: None,
    }))
}
