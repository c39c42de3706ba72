//! The HTTP server: routes, start and shutdown. Connections are served with
//! hyper directly so the fault layer can drop one without answering.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::middleware;
use axum::routing::{any, get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use hyper_util::rt::TokioIo;
use rand::RngCore;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use tower::ServiceExt;

#[cfg(feature = "controls")]
use crate::control;
use crate::errors::SimError;
use crate::model::faults::DropConnection;
use crate::state::{lock, App};
use crate::tls::{Tls, TlsServer};
use crate::{arm, entra, faults, graph, log, seed, tables};

/// How to start a simulator beyond seed and address.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Plain HTTP (default) or HTTPS with a generated or given certificate.
    pub tls: Tls,
}

/// Time a client gets to finish the TLS handshake.
#[cfg(feature = "tls")]
const HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A running simulator.
pub struct Simulator {
    base_url: String,
    app: Arc<App>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    certificate_pem: Option<String>,
}

impl Simulator {
    /// Seed a world and start serving it on `addr` (port 0 = any free port), plain HTTP.
    pub async fn start(seed_name: &str, addr: SocketAddr) -> Result<Simulator, SimError> {
        Self::start_with(seed_name, addr, Options::default()).await
    }

    /// [`Simulator::start`] with options (TLS).
    pub async fn start_with(seed_name: &str, addr: SocketAddr, options: Options) -> Result<Simulator, SimError> {
        let world = seed::build(seed_name, Utc::now())?;
        let tls = crate::tls::server(&options.tls, addr.ip())?;
        let listener = TcpListener::bind(addr).await.map_err(|source| SimError::Bind { addr, source })?;
        let local = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://{local}");
        let certificate_pem = tls.as_ref().map(|t| t.certificate_pem.clone());
        let mut secret = vec![0u8; 32];
        rand::thread_rng().fill_bytes(&mut secret);
        let app = Arc::new(App {
            seed: seed_name.to_string(),
            base_url: base_url.clone(),
            certificate_pem: certificate_pem.clone(),
            jwt_secret: secret,
            world: Mutex::new(world),
            auth_codes: Mutex::new(Default::default()),
            refresh_tokens: Mutex::new(Default::default()),
            device_codes: Mutex::new(Default::default()),
            requests: Mutex::new(Vec::new()),
            clock: Default::default(),
            settings: Mutex::new(Default::default()),
            faults: Mutex::new(Default::default()),
            throttle: Mutex::new(Default::default()),
            arg: Mutex::new(Default::default()),
        });
        let router = router(app.clone());
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(serve(listener, router, tls, stop_rx));
        tracing::info!("azure-sim ({seed_name}) listening on {base_url}");
        Ok(Simulator { base_url, app, stop, task: Some(task), certificate_pem })
    }

    /// `http://127.0.0.1:PORT` (`https://` in TLS mode), no trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The Table service endpoint of a storage account on this simulator
    /// (`{base}/tables/{account}`; the demo seed's is
    /// `table_endpoint("stcontosorisk")`, see [`crate::demo_request_table`]).
    pub fn table_endpoint(&self, account: &str) -> String {
        tables::endpoint(&self.base_url, account)
    }

    /// In TLS mode, the server certificate (PEM) clients should trust.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    /// Seconds after creation before an exemption shows in assessment
    /// statuses (default 5; Azure takes up to 24 hours). Simulated time.
    pub fn set_exemption_effect_delay(&self, seconds: i64) {
        lock(&self.app.settings).effect_delay_secs = seconds.max(0);
    }

    /// Lifetime (seconds) of access tokens issued from now on (default 3599).
    pub fn set_token_lifetime(&self, seconds: i64) {
        lock(&self.app.settings).token_lifetime_secs = seconds.max(1);
    }

    /// Page size of the management-group list, descendants and policy
    /// assignment lists (`POST /_sim/settings {"listPageSize": n}`); `None`
    /// = the defaults (5, 5 and 500).
    pub fn set_list_page_size(&self, size: Option<usize>) {
        lock(&self.app.settings).list_page_size = size.map(|n| n.clamp(1, 1000));
    }

    /// What interrupts user sign-ins from now on (`POST /_sim/signin`);
    /// `None` = nothing.
    pub fn set_signin_interrupt(&self, interrupt: Option<crate::model::signin::SignInInterrupt>) {
        lock(&self.app.settings).signin_interrupt = interrupt;
    }

    /// The simulated "now".
    pub fn now(&self) -> DateTime<Utc> {
        self.app.now()
    }

    /// Move simulated time forward (`POST /_sim/clock`).
    pub fn advance_clock(&self, seconds: f64) {
        if seconds.is_finite() && seconds > 0.0 {
            self.app.clock.advance(seconds);
        }
    }

    /// Replace the fault configuration (`POST /_sim/faults`).
    #[cfg(feature = "controls")]
    pub fn set_faults(&self, config: crate::model::faults::FaultConfig) -> Result<(), String> {
        control::apply_faults(&self.app, config)
    }

    /// Stop serving and wait for the accept loop to end (open connections are
    /// closed gracefully).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(controls())
        .route("/_sim/devicecode", get(entra::device::pending))
        .route("/_sim/devicecode/approve", post(entra::device::approve))
        .route("/{tenant}/oauth2/v2.0/token", post(entra::token))
        .route("/{tenant}/oauth2/v2.0/authorize", get(entra::authorize))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(entra::device::devicecode))
        .route("/{tenant}/v2.0/.well-known/openid-configuration", get(entra::openid_configuration))
        .route("/v1.0/{*rest}", any(graph::handle))
        .route("/tables/{*rest}", any(tables::handle))
        .fallback(arm::handle)
        .layer(middleware::from_fn_with_state(app.clone(), faults::layer))
        .layer(middleware::from_fn_with_state(app.clone(), log::record))
        .with_state(app)
}

async fn serve(listener: TcpListener, router: Router, tls: Option<TlsServer>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let (router, stop) = (router.clone(), stop.clone());
                match &tls {
                    None => {
                        tokio::spawn(connection(stream, router, stop));
                    }
                    #[cfg(not(feature = "tls"))]
                    Some(tls) => tls.unreachable(),
                    #[cfg(feature = "tls")]
                    Some(tls) => {
                        let acceptor = tls.acceptor.clone();
                        tokio::spawn(async move {
                            // A failed or slow handshake closes that connection only.
                            if let Ok(Ok(stream)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                                connection(stream, router, stop).await;
                            }
                        });
                    }
                }
            }
            _ = stop.changed() => break,
        }
    }
}

/// Serve one connection; a response marked [`DropConnection`] closes it
/// without sending anything.
async fn connection<S>(stream: S, router: Router, mut stop: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let dropper = Arc::new(Notify::new());
    let d = dropper.clone();
    let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let router = router.clone();
        let d = d.clone();
        async move {
            let resp = match router.oneshot(req.map(axum::body::Body::new)).await {
                Ok(r) => r,
                Err(e) => match e {},
            };
            if resp.extensions().get::<DropConnection>().is_some() {
                d.notify_one();
                std::future::pending::<()>().await;
            }
            Ok::<_, Infallible>(resp)
        }
    });
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = dropper.notified() => return, // dropping `conn` closes the socket
        _ = stop.changed() => conn.as_mut().graceful_shutdown(),
    }
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = dropper.notified() => {}
    }
}

/// The `/_sim/*` control endpoints (feature `controls`).
#[cfg(feature = "controls")]
fn controls() -> Router<Arc<App>> {
    Router::new()
        .route("/_sim/requests", get(control::requests))
        .route("/_sim/reset", post(control::reset))
        .route("/_sim/principals", get(control::principals))
        .route("/_sim/principals/{client_id}/certificates", post(control::add_certificate))
        .route("/_sim/signin", get(control::get_signin).post(control::post_signin))
        .route("/_sim/clock", get(control::clock).post(control::advance_clock))
        .route("/_sim/settings", get(control::get_settings).post(control::post_settings))
        .route("/_sim/tokens", post(control::tokens))
        .route("/_sim/recommendations", post(control::add_recommendation))
        .route("/_sim/tls", get(control::tls))
        .route("/_sim/tables/{account}/{table}", get(control::table_entities))
        .route("/_sim/faults", get(control::get_faults).post(control::post_faults).delete(control::delete_faults))
}

#[cfg(not(feature = "controls"))]
fn controls() -> Router<Arc<App>> {
    Router::new()
}
