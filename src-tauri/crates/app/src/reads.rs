//! What the screens list from the tenant, read through the session.

use desk_azure::caught;
use desk_core::exemption::Exemption;
use desk_core::recommendation::Recommendation;
use desk_core::resource::AssessedResource;
use desk_core::scope::{ManagementGroupNode, Subscription};

use crate::{AppError, Desk};

impl Desk {
    pub async fn list_subscriptions(&self) -> Result<Vec<Subscription>, AppError> {
        Ok(caught(self.connected().await?.tenant.subscriptions()).await?)
    }

    pub async fn list_management_groups(&self) -> Result<Option<ManagementGroupNode>, AppError> {
        Ok(caught(self.connected().await?.tenant.management_groups()).await?)
    }

    pub async fn list_recommendations(&self, subscription_ids: &[String]) -> Result<Vec<Recommendation>, AppError> {
        Ok(caught(self.connected().await?.tenant.recommendations(subscription_ids)).await?)
    }

    pub async fn recommendation_resources(
        &self,
        recommendation_key: &str,
        subscription_ids: &[String],
    ) -> Result<Vec<AssessedResource>, AppError> {
        let connected = self.connected().await?;
        Ok(caught(connected.tenant.recommendation_resources(recommendation_key, subscription_ids)).await?)
    }

    pub async fn list_exemptions(&self, subscription_ids: &[String]) -> Result<Vec<Exemption>, AppError> {
        Ok(caught(self.connected().await?.tenant.exemptions(subscription_ids)).await?)
    }
}
