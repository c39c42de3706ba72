//! The session: the connection to a tenant (a profile, the demo tenant, or
//! the endpoint named by `EXEMPTION_DESK_*` variables), made on first use.

use std::any::Any;
use std::sync::Arc;

use desk_azure::{Connection, Identity, Tenant};
use desk_core::request::RequestTableChoice;
use desk_core::session::{SessionInfo, SessionMode};

use crate::{AppError, Desk};

pub struct Connected {
    pub tenant: Tenant,
    pub identity: Identity,
    pub mode: SessionMode,
    pub cloud: String,
    pub profile_name: Option<String>,
    pub warning: Option<String>,
    /// The demo tenant's request table (the default tenant settings); none elsewhere.
    pub demo_request_table: Option<RequestTableChoice>,
    /// Kept alive for as long as the session uses it (the demo's simulator:
    /// dropping it stops it).
    pub(crate) _keep_alive: Option<Box<dyn Any + Send + Sync>>,
}

impl Connected {
    /// Who did it, for the audit log: the UPN (or application id) and object id.
    pub fn who(&self) -> String {
        format!("{} ({})", self.identity.account, self.identity.object_id)
    }

    /// Whose facts these are: the choice cache never hands one session's
    /// reads to another (it is also cleared when the session changes).
    pub(crate) fn choice_session(&self) -> String {
        let profile = self.profile_name.as_deref().unwrap_or_default();
        format!("{}|{}|{}|{profile}", self.identity.tenant_id, self.identity.object_id, self.tenant.arm().endpoint())
    }

    pub fn session_info(&self) -> SessionInfo {
        SessionInfo {
            mode: self.mode,
            tenant_id: self.identity.tenant_id.clone(),
            account: self.identity.account.clone(),
            object_id: self.identity.object_id.clone(),
            arm_endpoint: self.tenant.arm().endpoint().to_string(),
            cloud: self.cloud.clone(),
            profile_name: self.profile_name.clone(),
            warning: self.warning.clone(),
        }
    }
}

impl Desk {
    pub async fn session_info(&self) -> Result<SessionInfo, AppError> {
        Ok(self.connected().await?.session_info())
    }

    /// The connection, made on first use and kept; a failed attempt is not
    /// kept, so the UI can retry.
    pub async fn connected(&self) -> Result<Arc<Connected>, AppError> {
        let mut slot = self.connected.lock().await;
        if let Some(connected) = slot.as_ref() {
            return Ok(connected.clone());
        }
        let connected = Arc::new(self.connect().await?);
        self.choices.clear();
        *slot = Some(connected.clone());
        Ok(connected)
    }

    /// Switch to another session (a profile, the demo); applies already
    /// running keep the session they started with.
    pub async fn replace(&self, connected: Connected) -> Arc<Connected> {
        let connected = Arc::new(connected);
        let mut slot = self.connected.lock().await;
        self.choices.clear();
        *slot = Some(connected.clone());
        connected
    }

    /// Forget the session; the next command connects as at start.
    pub async fn disconnect(&self) {
        let mut slot = self.connected.lock().await;
        self.choices.clear();
        *slot = None;
    }

    pub async fn current(&self) -> Option<Arc<Connected>> {
        self.connected.lock().await.clone()
    }

    async fn connect(&self) -> Result<Connected, AppError> {
        // Off the async runtime: it may read a certificate file.
        let configured = tokio::task::spawn_blocking(|| Connection::from_env(|k| std::env::var(k).ok()))
            .await
            .map_err(|e| AppError::Configuration(format!("reading the configuration stopped: {e}")))?;
        if let Some(connection) = configured? {
            let cloud = connection.arm_endpoint.to_string();
            // The log names the endpoint by its origin only: never a user or password a URL might carry.
            let origin = connection.arm_endpoint.origin().ascii_serialization();
            let (tenant, identity) = desk_azure::caught(connection.connect()).await?;
            tracing::info!(account = %identity.account, "signed in to an external endpoint");
            let connected = Connected {
                tenant,
                identity,
                mode: SessionMode::External,
                cloud: format!("Configured endpoint ({cloud})"),
                profile_name: None,
                warning: None,
                demo_request_table: None,
                _keep_alive: None,
            };
            self.log_sign_in(&connected, &format!("configured endpoint {origin}"));
            return Ok(connected);
        }
        self.demo().await
    }

    /// The demo tenant (the simulator), as its security admin.
    async fn demo(&self) -> Result<Connected, AppError> {
        let demo = self.demo.start().await.map_err(AppError::DemoUnavailable)?;
        let endpoint = demo.connection.arm_endpoint.to_string();
        let (tenant, identity) = desk_azure::caught(demo.connection.connect()).await?;
        tracing::info!(%endpoint, account = %identity.account, "demo tenant ready");
        let connected = Connected {
            tenant,
            identity,
            mode: SessionMode::Demo,
            cloud: "Demo tenant (simulator)".into(),
            profile_name: None,
            warning: None,
            demo_request_table: demo.request_table,
            _keep_alive: Some(demo.keep_alive),
        };
        self.log_sign_in(&connected, "demo tenant");
        Ok(connected)
    }

    /// Log a sign-in (who, and to what); a log that cannot be written never stops it.
    pub(crate) fn log_sign_in(&self, connected: &Connected, detail: &str) {
        if let Err(e) = self.store.audit(&connected.who(), "sign_in", detail) {
            tracing::warn!("audit log: {e}");
        }
    }

    /// Switch to the demo tenant.
    pub async fn open_demo(&self) -> Result<SessionInfo, AppError> {
        let connected = self.demo().await?;
        Ok(self.replace(connected).await.session_info())
    }
}
