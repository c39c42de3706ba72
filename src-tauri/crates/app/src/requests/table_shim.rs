//! TEMPORARY until the request table client (`desk_azure::request_table`) and
//! the tenant settings (`Desk::tenant_settings`) are merged: the same names,
//! answering that requests are not available yet. Deleted at that merge.

use desk_azure::{AzureError, Tenant};
use desk_core::request::{ExemptionRequest, RequestState, RequestTableChoice};


#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ETag(String);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub state: Option<RequestState>,
    pub requester_object_id: Option<String>,
}

#[derive(Debug, Default)]
pub struct Listed {
    pub requests: Vec<(ExemptionRequest, ETag)>,
    pub unreadable: Vec<AzureError>,
}

#[derive(Debug, Clone)]
pub struct RequestTable;

fn missing() -> AzureError {
    AzureError::InvalidInput("The request table client is not built in yet.".into())
}

impl RequestTable {
    pub async fn insert(&self, _: &ExemptionRequest) -> Result<ETag, AzureError> {
        Err(missing())
    }
    pub async fn get(&self, _: &str, _: &str) -> Result<(ExemptionRequest, ETag), AzureError> {
        Err(missing())
    }
    pub async fn replace(&self, _: &ExemptionRequest, _: &ETag) -> Result<ETag, AzureError> {
        Err(missing())
    }
    pub async fn list(&self, _: &str, _: &RequestFilter) -> Result<Listed, AzureError> {
        Err(missing())
    }
}

pub trait RequestTableOf {
    fn request_table(&self, choice: &RequestTableChoice) -> Result<RequestTable, AzureError>;
}

impl RequestTableOf for Tenant {
    fn request_table(&self, _: &RequestTableChoice) -> Result<RequestTable, AzureError> {
        Err(missing())
    }
}

pub fn is_changed(_: &AzureError) -> bool {
    false
}
