//! Talking to Azure: signing in to Entra, the ARM client (paging, errors), and
//! the Defender for Cloud and Azure Policy operations Exemption Desk performs.

mod advice;
mod apply;
mod arm;
mod certificate;
mod change;
pub mod child;
mod cloud;
mod connect;
mod credential;
mod details;
mod error;
mod facts;
mod facts_warm;
mod fan_out;
mod graph;
mod graph_reads;
mod guard;
pub mod http;
mod oauth;
mod pacer;
mod parse;
pub mod profile;
mod recent;
mod recommendation_reads;
mod refusal;
mod register_reads;
mod register_rows;
pub mod request_table;
pub mod resource_graph;
mod resources;
mod rows;
mod secrets;
pub mod signin;
mod tenant;

pub use apply::{apply_writes, ApplyObserver, ApplyOptions, Cancel};
pub use arm::{Arm, ARM_PUBLIC};
pub use cloud::Cloud;
pub use connect::{env, Connection, SignIn, PUBLIC_TOKEN_SCOPE};
pub use credential::{Authority, EntraCredential, Identity, SessionCredential};
pub use details::ExemptionRead;
pub use error::AzureError;
pub use facts::Prepared;
pub use fan_out::{ReadOptions, DEFAULT_CONCURRENCY};
pub use graph::{Graph, GRAPH_PUBLIC, SECURITY_RESOURCE_PROVIDER_APP_ID};
pub use guard::{apply_writes_caught, caught};
pub use request_table::{ETag, Listed, RequestFilter, RequestTable, STORAGE_SCOPE};
pub use resources::subscriptions_under;
pub use rows::{Rows, Unwatched, Watch};
pub use secrets::SecretStore;
pub use tenant::Tenant;
pub use url::Url;

/// The api-versions this client speaks.
pub mod api_version {
    pub const SUBSCRIPTIONS: &str = "2022-12-01";
    pub const MANAGEMENT_GROUPS: &str = "2023-04-01";
    pub const PERMISSIONS: &str = "2022-04-01";
    pub const ROLE_ASSIGNMENTS: &str = "2022-04-01";
    pub const POLICY_ASSIGNMENTS: &str = "2023-04-01";
    pub const POLICY_SET_DEFINITIONS: &str = "2023-04-01";
    pub const POLICY_EXEMPTIONS: &str = "2022-07-01-preview";
    pub const SECURITY_ASSESSMENTS: &str = "2021-06-01";
}
