//! The HTTP server: routes, `/_sim/*` inspection endpoints, start and shutdown.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use rand::RngCore;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::errors::SimError;
use crate::state::{lock, App};
use crate::{arm, entra, log, seed};

/// A running simulator.
pub struct Simulator {
    base_url: String,
    app: Arc<App>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Seed a world and start serving it on `addr` (port 0 = any free port).
    pub async fn start(seed_name: &str, addr: SocketAddr) -> Result<Simulator, SimError> {
        let world = seed::build(seed_name)?;
        let listener = TcpListener::bind(addr).await.map_err(|source| SimError::Bind { addr, source })?;
        let local = listener.local_addr()?;
        let base_url = format!("http://{local}");
        let mut secret = vec![0u8; 32];
        rand::thread_rng().fill_bytes(&mut secret);
        let app = Arc::new(App {
            seed: seed_name.to_string(),
            base_url: base_url.clone(),
            jwt_secret: secret,
            world: Mutex::new(world),
            auth_codes: Mutex::new(Default::default()),
            refresh_tokens: Mutex::new(Default::default()),
            requests: Mutex::new(Vec::new()),
        });
        let router = router(app.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("azure-sim server stopped: {e}");
            }
        });
        tracing::info!("azure-sim ({seed_name}) listening on {base_url}");
        Ok(Simulator { base_url, app, stop: Some(tx), task: Some(task) })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// How long (seconds) after creation an exemption shows in assessment
    /// statuses (default 0; Azure takes up to 24 hours).
    pub fn set_exemption_effect_delay(&self, seconds: i64) {
        lock(&self.app.world).exemption_effect_delay_secs = seconds;
    }

    /// Stop serving and wait for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/_sim/requests", get(requests))
        .route("/_sim/reset", post(reset))
        .route("/_sim/principals", get(principals))
        .route("/{tenant}/oauth2/v2.0/token", post(entra::token))
        .route("/{tenant}/oauth2/v2.0/authorize", get(entra::authorize))
        .route("/{tenant}/v2.0/.well-known/openid-configuration", get(entra::openid_configuration))
        .fallback(arm::handle)
        .layer(middleware::from_fn_with_state(app.clone(), log::record))
        .with_state(app)
}

async fn requests(State(app): State<Arc<App>>) -> Response {
    axum::Json(Value::Array(lock(&app.requests).clone())).into_response()
}

async fn reset(State(app): State<Arc<App>>) -> Response {
    match seed::build(&app.seed) {
        Ok(world) => {
            *lock(&app.world) = world;
            lock(&app.requests).clear();
            lock(&app.auth_codes).clear();
            lock(&app.refresh_tokens).clear();
            axum::Json(json!({ "seed": app.seed, "reset": true })).into_response()
        }
        Err(e) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, axum::Json(json!({ "error": e.to_string() }))).into_response(),
    }
}

async fn principals(State(app): State<Arc<App>>) -> Response {
    let w = lock(&app.world);
    let roles_of = |oid: &str| -> Vec<Value> {
        w.role_assignments
            .iter()
            .filter(|r| r.principal_id.eq_ignore_ascii_case(oid))
            .map(|r| json!({ "role": r.role, "scope": r.scope }))
            .collect()
    };
    let users: Vec<Value> = w
        .users
        .iter()
        .map(|u| json!({ "upn": u.upn, "objectId": u.object_id, "displayName": u.display_name, "roleAssignments": roles_of(&u.object_id) }))
        .collect();
    let sps: Vec<Value> = w
        .service_principals
        .iter()
        .map(|s| {
            json!({
                "displayName": s.display_name, "clientId": s.client_id, "objectId": s.object_id,
                "clientSecret": s.client_secret, "roleAssignments": roles_of(&s.object_id),
            })
        })
        .collect();
    axum::Json(json!({
        "tenantId": w.tenant_id,
        "publicClientId": w.public_client_id,
        "users": users,
        "servicePrincipals": sps,
    }))
    .into_response()
}
