//! The demo tenant: the simulator, started in-process, signed in to as its
//! security admin (`EXEMPTION_DESK_DEMO_USER` picks another seeded user).
//! `EXEMPTION_DESK_DEMO_SEED` picks another of the simulator's seeds (e.g.
//! `scale:200x250`, a tenant of 50,000 resources); the default is `demo`.
//! The `demo` seed keeps exemption requests in its own table
//! (`azure_sim::demo_request_table`), the default request table of the demo.

use azure_sim::Simulator;
use desk_app::{Demo, DemoTenant};
use desk_azure::{Connection, SignIn, PUBLIC_TOKEN_SCOPE};
use desk_core::request::RequestTableChoice;

pub struct Simulated;

#[async_trait::async_trait]
impl Demo for Simulated {
    async fn start(&self) -> Result<DemoTenant, String> {
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let seed = std::env::var("EXEMPTION_DESK_DEMO_SEED").unwrap_or_else(|_| "demo".to_owned());
        let simulator = Simulator::start(&seed, loopback).await.map_err(|e| format!("The demo tenant ({seed}) could not start: {e}"))?;
        let demo = azure_sim::demo_identity();
        let base = simulator.base_url();
        let endpoint = desk_azure::Url::parse(&format!("{base}/")).map_err(|e| format!("{base}: {e}"))?;
        let connection = Connection {
            arm_endpoint: endpoint.clone(),
            graph_endpoint: endpoint.clone(),
            authority_host: endpoint,
            tenant: demo.tenant_id.to_string(),
            token_scope: PUBLIC_TOKEN_SCOPE.to_owned(),
            sign_in: SignIn::UserWithoutPrompt {
                client_id: demo.public_client_id.to_string(),
                login_hint: std::env::var("EXEMPTION_DESK_DEMO_USER").unwrap_or_else(|_| demo.default_user_upn.to_string()),
            },
        };
        // Only the `demo` seed has the request register's storage account.
        let request_table = (seed == "demo").then(|| {
            let register = azure_sim::demo_request_table();
            RequestTableChoice { endpoint: simulator.table_endpoint(&register.account), table: register.table }
        });
        Ok(DemoTenant { connection, request_table, keep_alive: Box::new(simulator) })
    }
}
