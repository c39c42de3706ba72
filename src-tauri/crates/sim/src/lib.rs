//! `azure-sim`: an Azure simulator (Entra ID v2.0 + Azure Resource Manager) on
//! loopback, for Exemption Desk's tests and demo mode. It is built from
//! Azure's published REST contracts and shares no types with the client.
//!
//! ```no_run
//! # async fn demo() -> Result<(), azure_sim::SimError> {
//! let sim = azure_sim::Simulator::start("demo", "127.0.0.1:0".parse().expect("addr")).await?;
//! println!("{}", sim.base_url());
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used)]

pub mod arg;
pub mod arm;
#[cfg(feature = "controls")]
pub mod control;
pub mod entra;
pub mod errors;
pub mod faults;
pub mod graph;
pub mod index;
pub mod jwt;
pub mod log;
pub mod model;
pub mod schema;
pub mod seed;
pub mod server;
pub mod state;
pub mod tables;
pub mod throttle;
pub mod tls;

pub use errors::SimError;
pub use model::faults::{FaultConfig, Latency, Rule as FaultRule};
pub use model::signin::SignInInterrupt;
pub use seed::demo::DemoIdentity;
pub use server::{Options, Simulator};
pub use throttle::{BucketConfig, ThrottleConfig};
pub use tls::Tls;

/// The table endpoint of a storage account on a simulator at `base_url`
/// (`{base}/tables/{account}`): a Table service client takes it as its
/// endpoint and appends `/Tables`, `/{table}()`, `/{table}(PartitionKey='…',RowKey='…')`.
pub fn table_endpoint(base_url: &str, account: &str) -> String {
    tables::endpoint(base_url, account)
}

/// The demo tenant's request register: storage account and table.
pub fn demo_request_table() -> DemoRequestTable {
    DemoRequestTable { account: seed::storage::REQUESTS_ACCOUNT.into(), table: seed::storage::REQUESTS_TABLE.into() }
}

/// Where the demo tenant keeps exemption requests (see [`demo_request_table`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRequestTable {
    /// Storage account name, e.g. `stcontosorisk`.
    pub account: String,
    /// Table name, e.g. `exemptionrequests`.
    pub table: String,
}

/// Static facts of the `demo` seed the app needs to sign in.
pub fn demo_identity() -> DemoIdentity {
    seed::demo::identity()
}
