//! The app's connection to a tenant: the embedded simulator in demo mode, or
//! the endpoint named by `EXEMPTION_DESK_*` variables. Made on first use, kept
//! for the session; a failed attempt is not kept, so the UI can retry.

use std::sync::Arc;

use azure_sim::Simulator;
use desk_azure::{Connection, Identity, SignIn, Tenant, PUBLIC_TOKEN_SCOPE};
use desk_core::session::{SessionInfo, SessionMode};
use desk_core::ErrorPayload;
use tokio::sync::Mutex;

pub struct Connected {
    pub tenant: Tenant,
    pub identity: Identity,
    pub mode: SessionMode,
    /// Kept alive for as long as the session uses it.
    _simulator: Option<Simulator>,
}

impl Connected {
    pub fn session_info(&self) -> SessionInfo {
        SessionInfo {
            mode: self.mode,
            tenant_id: self.identity.tenant_id.clone(),
            account: self.identity.account.clone(),
            object_id: self.identity.object_id.clone(),
            arm_endpoint: self.tenant.arm().endpoint().to_string(),
        }
    }
}

#[derive(Default)]
pub struct Desk {
    connected: Mutex<Option<Arc<Connected>>>,
}

fn failure(code: &str, message: String) -> ErrorPayload {
    ErrorPayload { code: code.to_owned(), message, details: None }
}

impl Desk {
    pub async fn connected(&self) -> Result<Arc<Connected>, ErrorPayload> {
        let mut slot = self.connected.lock().await;
        if let Some(connected) = slot.as_ref() {
            return Ok(connected.clone());
        }
        let connected = Arc::new(connect().await?);
        *slot = Some(connected.clone());
        Ok(connected)
    }
}

async fn connect() -> Result<Connected, ErrorPayload> {
    if let Some(connection) = Connection::from_env(|k| std::env::var(k).ok()).map_err(|e| e.payload())? {
        let (tenant, identity) = connection.connect().await.map_err(|e| e.payload())?;
        tracing::info!(account = %identity.account, "signed in to an external endpoint");
        return Ok(Connected { tenant, identity, mode: SessionMode::External, _simulator: None });
    }
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let simulator = Simulator::start("demo", loopback)
        .await
        .map_err(|e| failure("demo_unavailable", format!("The demo tenant could not start: {e}")))?;
    let demo = azure_sim::demo_identity();
    let base = simulator.base_url();
    let endpoint = url_of(&base)?;
    let connection = Connection {
        arm_endpoint: endpoint.clone(),
        authority_host: endpoint,
        tenant: demo.tenant_id.to_string(),
        token_scope: PUBLIC_TOKEN_SCOPE.to_owned(),
        sign_in: SignIn::UserWithoutPrompt {
            client_id: demo.public_client_id.to_string(),
            login_hint: demo.default_user_upn.to_string(),
        },
    };
    let (tenant, identity) = connection.connect().await.map_err(|e| e.payload())?;
    tracing::info!(endpoint = %base, account = %identity.account, "demo tenant ready");
    Ok(Connected { tenant, identity, mode: SessionMode::Demo, _simulator: Some(simulator) })
}

fn url_of(base: &str) -> Result<desk_azure::Url, ErrorPayload> {
    desk_azure::Url::parse(&format!("{base}/")).map_err(|e| failure("demo_unavailable", format!("{base}: {e}")))
}
