//! The little of Microsoft Graph the app needs: a service principal's object
//! id from its application id.

use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use serde_json::Value;
use url::Url;

use crate::error::AzureError;

/// The first-party "Windows Azure Security Resource Provider" application.
pub const SECURITY_RESOURCE_PROVIDER_APP_ID: &str = "8edd93e1-2103-40b4-bd70-6e34e586362d";
pub const GRAPH_PUBLIC: &str = "https://graph.microsoft.com";
pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";

#[derive(Clone)]
pub struct Graph {
    pub(crate) http: reqwest::Client,
    pub(crate) endpoint: Url,
    pub(crate) credential: Arc<dyn TokenCredential>,
    /// The endpoint's own token scope ([`crate::cloud::default_graph_scope`]):
    /// no other cloud's Graph token is sent to it.
    pub(crate) scope: String,
}

impl Graph {
    /// The object id of the service principal for `app_id` in this tenant,
    /// or `None` when the tenant has none.
    pub async fn service_principal_id(&self, app_id: &str) -> Result<Option<String>, AzureError> {
        let token = self.credential.get_token(&[self.scope.as_str()], None).await.map_err(crate::arm::from_credential)?;
        let url = self
            .endpoint
            .join(&format!("v1.0/servicePrincipals(appId='{app_id}')?$select=id,appId,displayName"))
            .map_err(|e| AzureError::Config(format!("Graph endpoint: {e}")))?;
        let response =
            self.http.get(url.clone()).bearer_auth(token.token.secret()).send().await.map_err(|e| crate::http::network(&url, e))?;
        crate::http::not_redirected(&url, &response)?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let bytes = crate::http::read_body(&url, response, crate::http::Body::Object).await?;
        let body: Value = serde_json::from_slice(&bytes).map_err(|e| AzureError::unexpected("Microsoft Graph", e))?;
        if !status.is_success() {
            let said = crate::parse::error_detail(&body);
            return Err(AzureError::Arm {
                status: status.as_u16(),
                code: said.code.unwrap_or_else(|| "Graph".to_owned()),
                message: said.message.unwrap_or_else(|| "no message".to_owned()),
                path: url.path().to_owned(),
                retry_after_seconds: None,
            });
        }
        Ok(body.get("id").and_then(Value::as_str).map(str::to_owned))
    }
}
