//! What the screens list from the tenant, read through the session.
//!
//! The long reads (recommendations, one recommendation's resources,
//! exemptions) run under an id the window chose, so it can stop one it
//! navigated away from (`cancel_read`); those that come in batches hand each
//! batch to the caller's [`Rows`] as it arrives (the recommendations: the
//! whole list so far, after each part is counted) and still answer with the
//! whole list.

use desk_azure::{caught, Rows, Watch};
use desk_core::exemption::Exemption;
use desk_core::permissions::WriteAccess;
use desk_core::recommendation::{Recommendation, RecommendationsSoFar};
use desk_core::resource::AssessedResource;
use desk_core::scope::{ManagementGroupNode, Subscription};

use crate::{AppError, Desk};

impl Desk {
    pub async fn list_subscriptions(&self) -> Result<Vec<Subscription>, AppError> {
        Ok(caught(self.connected().await?.tenant.subscriptions()).await?)
    }

    /// Whether the user may write exemptions at any subscription they can
    /// read, so the first screen can say so before any form is filled.
    pub async fn write_access(&self) -> Result<WriteAccess, AppError> {
        let connected = self.connected().await?;
        let tenant = &connected.tenant;
        let ids: Vec<String> = caught(tenant.subscriptions()).await?.into_iter().map(|s| s.id).collect();
        Ok(caught(tenant.write_access(&ids)).await?)
    }

    pub async fn list_management_groups(&self) -> Result<Option<ManagementGroupNode>, AppError> {
        Ok(caught(self.connected().await?.tenant.management_groups()).await?)
    }

    /// Cancellable under `read_id`; the list so far goes to `parts` after
    /// each part is counted (each one whole, in place of the last).
    pub async fn list_recommendations(
        &self,
        read_id: &str,
        subscription_ids: &[String],
        parts: &dyn Rows<RecommendationsSoFar>,
    ) -> Result<Vec<Recommendation>, AppError> {
        let read = self.reads.start(read_id)?;
        read.run(async {
            let connected = self.connected().await?;
            let watch = Watch { rows: parts, cancel: read.cancel() };
            Ok(caught(connected.tenant.recommendations_watched(subscription_ids, watch)).await?)
        })
        .await
    }

    /// Cancellable under `read_id`; batches go to `rows` as they arrive.
    pub async fn recommendation_resources(
        &self,
        read_id: &str,
        recommendation_key: &str,
        subscription_ids: &[String],
        rows: &dyn Rows<AssessedResource>,
    ) -> Result<Vec<AssessedResource>, AppError> {
        let read = self.reads.start(read_id)?;
        read.run(async {
            let connected = self.connected().await?;
            let watch = Watch { rows, cancel: read.cancel() };
            Ok(caught(connected.tenant.recommendation_resources_watched(recommendation_key, subscription_ids, watch)).await?)
        })
        .await
    }

    /// Cancellable under `read_id`; batches go to `rows` as they arrive.
    pub async fn list_exemptions(
        &self,
        read_id: &str,
        subscription_ids: &[String],
        rows: &dyn Rows<Exemption>,
    ) -> Result<Vec<Exemption>, AppError> {
        let read = self.reads.start(read_id)?;
        read.run(async {
            let connected = self.connected().await?;
            Ok(caught(connected.tenant.exemptions_watched(subscription_ids, Watch { rows, cancel: read.cancel() })).await?)
        })
        .await
    }

    /// Stop the read running under `read_id`: it ends with `read_cancelled`
    /// and sends nothing more. A read that already ended is left as it is.
    pub fn cancel_read(&self, read_id: &str) {
        self.reads.cancel(read_id);
    }

    /// How many reads are running now.
    pub fn reads_running(&self) -> usize {
        self.reads.len()
    }
}
