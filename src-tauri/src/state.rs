//! The app's state: the connection to a tenant (the embedded simulator in demo
//! mode, or the endpoint named by `EXEMPTION_DESK_*` variables), the local
//! store, plans awaiting confirmation and applies in flight.

use std::collections::HashMap;
use std::sync::{Arc, Mutex as SyncMutex};

use azure_sim::Simulator;
use desk_azure::{Cancel, Connection, Identity, SignIn, Tenant, PUBLIC_TOKEN_SCOPE};
use desk_core::plan::PlannedWrite;
use desk_core::session::{SessionInfo, SessionMode};
use desk_core::storage::DatabaseStatus;
use desk_core::{ErrorCode, ErrorPayload};
use desk_store::Store;
use tokio::sync::Mutex;

pub struct Connected {
    pub tenant: Tenant,
    pub identity: Identity,
    pub mode: SessionMode,
    pub cloud: String,
    pub profile_name: Option<String>,
    pub warning: Option<String>,
    /// Kept alive for as long as the session uses it (dropping it stops it).
    #[allow(dead_code)]
    pub(crate) simulator: Option<Simulator>,
}

impl Connected {
    /// Who did it, for the audit log: the UPN (or application id) and object id.
    pub fn who(&self) -> String {
        format!("{} ({})", self.identity.account, self.identity.object_id)
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

/// A plan shown to the user and not yet confirmed.
pub struct PendingPlan {
    pub recommendation_key: String,
    pub writes: Vec<PlannedWrite>,
}

pub struct Desk {
    connected: Mutex<Option<Arc<Connected>>>,
    /// Stops the sign-in in progress, if any.
    pub sign_in_cancel: SyncMutex<Option<desk_azure::Cancel>>,
    /// The page the current device-code sign-in asks the user to open.
    pub device_code_page: SyncMutex<Option<desk_azure::Url>>,
    /// Refuses every call while the database file cannot be used (see `database_status`).
    pub store: Arc<Store>,
    /// Where the database lives.
    pub database_path: std::path::PathBuf,
    /// Where a damaged database was moved aside to, this session.
    pub database_moved_to: SyncMutex<Option<std::path::PathBuf>>,
    pub plans: SyncMutex<HashMap<String, PendingPlan>>,
    pub running: Arc<SyncMutex<HashMap<String, Cancel>>>,
}

pub fn failure(code: ErrorCode, message: impl Into<String>) -> ErrorPayload {
    ErrorPayload { code, message: message.into(), details: None }
}

pub fn lock<T>(m: &SyncMutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Desk {
    pub fn new(store: Store, database_path: std::path::PathBuf) -> Self {
        Desk {
            database_path,
            database_moved_to: SyncMutex::new(None),
            connected: Mutex::new(None),
            sign_in_cancel: SyncMutex::new(None),
            device_code_page: SyncMutex::new(None),
            store: Arc::new(store),
            plans: SyncMutex::new(HashMap::new()),
            running: Arc::new(SyncMutex::new(HashMap::new())),
        }
    }

    pub fn database_status(&self) -> DatabaseStatus {
        let damage = self.store.damage();
        DatabaseStatus {
            path: damage.as_ref().map_or(&self.database_path, |d| &d.path).display().to_string(),
            problem: damage.as_ref().map(|d| d.problem()),
            moved_to: lock(&self.database_moved_to).as_ref().map(|p| p.display().to_string()),
        }
    }

    /// The connection, made on first use and kept; a failed attempt is not
    /// kept, so the UI can retry.
    pub async fn connected(&self) -> Result<Arc<Connected>, ErrorPayload> {
        let mut slot = self.connected.lock().await;
        if let Some(connected) = slot.as_ref() {
            return Ok(connected.clone());
        }
        let connected = Arc::new(connect().await?);
        *slot = Some(connected.clone());
        Ok(connected)
    }

    /// Switch to another session (a profile, the demo); applies already
    /// running keep the session they started with.
    pub async fn replace(&self, connected: Connected) -> Arc<Connected> {
        let connected = Arc::new(connected);
        *self.connected.lock().await = Some(connected.clone());
        connected
    }

    /// Forget the session; the next command connects as at start.
    pub async fn disconnect(&self) {
        *self.connected.lock().await = None;
    }

    pub async fn current(&self) -> Option<Arc<Connected>> {
        self.connected.lock().await.clone()
    }
}

async fn connect() -> Result<Connected, ErrorPayload> {
    // Off the async runtime: it may read a certificate file.
    let configured = tokio::task::spawn_blocking(|| Connection::from_env(|k| std::env::var(k).ok()))
        .await
        .map_err(|e| failure(ErrorCode::Configuration, format!("reading the configuration stopped: {e}")))?;
    if let Some(connection) = configured.map_err(|e| e.payload())? {
        let cloud = connection.arm_endpoint.to_string();
        let (tenant, identity) = desk_azure::caught(connection.connect()).await.map_err(|e| e.payload())?;
        tracing::info!(account = %identity.account, "signed in to an external endpoint");
        return Ok(Connected {
            tenant,
            identity,
            mode: SessionMode::External,
            cloud: format!("Configured endpoint ({cloud})"),
            profile_name: None,
            warning: None,
            simulator: None,
        });
    }
    demo().await
}

/// The demo tenant: the simulator, started in-process, as its security admin.
pub async fn demo() -> Result<Connected, ErrorPayload> {
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let simulator = Simulator::start("demo", loopback)
        .await
        .map_err(|e| failure(ErrorCode::DemoUnavailable, format!("The demo tenant could not start: {e}")))?;
    let demo = azure_sim::demo_identity();
    let base = simulator.base_url();
    let endpoint = desk_azure::Url::parse(&format!("{base}/"))
        .map_err(|e| failure(ErrorCode::DemoUnavailable, format!("{base}: {e}")))?;
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
    let (tenant, identity) = desk_azure::caught(connection.connect()).await.map_err(|e| e.payload())?;
    tracing::info!(endpoint = %base, account = %identity.account, "demo tenant ready");
    Ok(Connected {
        tenant,
        identity,
        mode: SessionMode::Demo,
        cloud: "Demo tenant (simulator)".into(),
        profile_name: None,
        warning: None,
        simulator: Some(simulator),
    })
}
