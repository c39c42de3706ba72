//! What the flow tests need: a simulator of their own, a desk on a data
//! folder of their own, a record of the events the window would get, and a
//! keyring that forgets everything when the test ends.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azure_core::credentials::Secret;
use azure_sim::Simulator;
use desk_app::{Demo, DemoTenant, Desk, Events, Secrets};
use desk_azure::{AzureError, Connection, SignIn, Url, PUBLIC_TOKEN_SCOPE};
use desk_core::apply::{ApplyProgress, ApplyStopped};
use desk_core::exemption::{ExemptionCategory, ExemptionDraft};
use desk_core::request::RequestTableChoice;
use desk_core::scope::ScopeChoice;
use desk_core::session::{CloudChoice, CloudKind, DeviceCodePrompt, SignInMethod, SignInRequest};
use desk_store::Store;
use serde_json::Value;

pub const PRODUCTION: &str = "ccc1c389-e16e-4c4b-b02a-71990e781ba5";
pub const DEVELOPMENT: &str = "7e1e376c-0a32-45d3-9c1d-6adb8eccc958";
pub const SANDBOX: &str = "e7e255bb-3ca4-4ba3-b95b-58d5b38271e5";
pub const SECURE_TRANSFER: &str = "d763462d-7566-4a55-90a2-fc38e0a59985";

pub struct World {
    pub sim: Simulator,
    pub principals: Value,
}

impl World {
    pub async fn start() -> World {
        World::seeded("demo").await
    }

    /// A simulator on another seed (`scale:<S>x<R>` for many subscriptions).
    pub async fn seeded(seed: &str) -> World {
        let sim = Simulator::start(seed, "127.0.0.1:0".parse().expect("addr")).await.expect("simulator starts");
        let principals = reqwest::get(format!("{}/_sim/principals", sim.base_url())).await.expect("principals").json().await.expect("json");
        World { sim, principals }
    }

    pub fn cloud(&self) -> CloudChoice {
        let base = self.sim.base_url().to_owned();
        CloudChoice {
            kind: CloudKind::Custom,
            authority_host: Some(base.clone()),
            arm_endpoint: Some(base.clone()),
            graph_endpoint: Some(base),
            arm_audience: None,
        }
    }

    fn tenant_id(&self) -> String {
        self.principals["tenantId"].as_str().expect("tenant").to_owned()
    }

    /// The Connect screen's request for the seeded CI service principal.
    pub fn service_principal(&self, profile_name: &str) -> SignInRequest {
        let sp = self.principals["servicePrincipals"]
            .as_array()
            .and_then(|all| all.iter().find(|p| p["displayName"] == "exemption-desk-ci"))
            .expect("seeded CI principal");
        SignInRequest {
            profile_name: profile_name.into(),
            cloud: self.cloud(),
            tenant: self.tenant_id(),
            method: SignInMethod::ServicePrincipal,
            client_id: sp["clientId"].as_str().expect("id").to_owned(),
            client_secret: sp["clientSecret"].as_str().expect("secret").to_owned(),
            certificate_path: String::new(),
            certificate_password: String::new(),
            login_hint: String::new(),
        }
    }

    pub fn device_code(&self, profile_name: &str) -> SignInRequest {
        SignInRequest {
            method: SignInMethod::DeviceCode,
            client_id: self.principals["publicClientId"].as_str().expect("client").to_owned(),
            client_secret: String::new(),
            ..self.service_principal(profile_name)
        }
    }

    pub async fn requests(&self) -> Vec<Value> {
        reqwest::get(format!("{}/_sim/requests", self.sim.base_url())).await.expect("requests").json().await.expect("json")
    }

    pub async fn puts(&self) -> Vec<Value> {
        self.requests().await.into_iter().filter(|r| r["method"] == "PUT").collect()
    }

    /// POST a `/_sim/...` control request; it must succeed.
    pub async fn control(&self, path: &str, body: Value) {
        let response = reqwest::Client::new().post(format!("{}{path}", self.sim.base_url())).json(&body).send().await.expect("sim control");
        assert!(response.status().is_success(), "{path}: {}", response.status());
    }

    pub async fn faults_off(&self) {
        let response = reqwest::Client::new().delete(format!("{}/_sim/faults", self.sim.base_url())).send().await.expect("faults off");
        assert!(response.status().is_success());
    }
}

/// A data folder of the test's own, removed when it ends.
pub struct DataDir(pub PathBuf);

impl DataDir {
    pub fn new(name: &str) -> DataDir {
        let dir = std::env::temp_dir().join(format!("desk-app-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("data dir");
        DataDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The app as the shell builds it at start, on `dir`.
pub fn desk(dir: &DataDir, secrets: Arc<MemorySecrets>) -> Desk {
    let (store, path) = desk_app::open_store(Ok(dir.path().to_owned())).expect("store opens");
    assert!(store.damage().is_none(), "a fresh database is usable");
    Desk::new(store, path, Arc::new(SimDemo)).with_secrets(secrets)
}

/// A keyring that lives as long as the test (the OS keyring is not touched).
#[derive(Default)]
pub struct MemorySecrets(Mutex<HashMap<String, String>>);

impl Secrets for MemorySecrets {
    fn keep(&self, profile: &str, secret: Option<&Secret>) -> Result<(), AzureError> {
        let mut kept = self.0.lock().map_err(|e| AzureError::KeyringUnavailable(e.to_string()))?;
        match secret {
            Some(s) => kept.insert(profile.to_owned(), s.secret().to_owned()),
            None => kept.remove(profile),
        };
        Ok(())
    }

    fn load(&self, profile: &str) -> Result<Option<Secret>, AzureError> {
        let kept = self.0.lock().map_err(|e| AzureError::KeyringUnavailable(e.to_string()))?;
        Ok(kept.get(profile).map(|s| Secret::new(s.clone())))
    }

    fn delete(&self, profile: &str) -> Result<(), AzureError> {
        self.0.lock().map_err(|e| AzureError::KeyringUnavailable(e.to_string()))?.remove(profile);
        Ok(())
    }
}

/// What the window would have been told.
#[derive(Default)]
pub struct Recorder {
    pub progress: Mutex<Vec<ApplyProgress>>,
    pub stopped: Mutex<Vec<ApplyStopped>>,
    pub codes: Mutex<Vec<DeviceCodePrompt>>,
}

impl Events for Recorder {
    fn apply_progress(&self, progress: &ApplyProgress) -> Result<(), String> {
        self.progress.lock().map_err(|e| e.to_string())?.push(progress.clone());
        Ok(())
    }

    fn apply_stopped(&self, stopped: &ApplyStopped) -> Result<(), String> {
        self.stopped.lock().map_err(|e| e.to_string())?.push(stopped.clone());
        Ok(())
    }

    fn device_code(&self, prompt: &DeviceCodePrompt) -> Result<(), String> {
        self.codes.lock().map_err(|e| e.to_string())?.push(prompt.clone());
        Ok(())
    }
}

/// The demo tenant as the shell starts it: a simulator in-process.
pub struct SimDemo;

#[async_trait::async_trait]
impl Demo for SimDemo {
    async fn start(&self) -> Result<DemoTenant, String> {
        let simulator = Simulator::start("demo", "127.0.0.1:0".parse().map_err(|e| format!("{e}"))?).await.map_err(|e| e.to_string())?;
        let demo = azure_sim::demo_identity();
        let endpoint = Url::parse(&format!("{}/", simulator.base_url())).map_err(|e| e.to_string())?;
        let connection = Connection {
            arm_endpoint: endpoint.clone(),
            graph_endpoint: endpoint.clone(),
            authority_host: endpoint,
            tenant: demo.tenant_id.to_string(),
            token_scope: PUBLIC_TOKEN_SCOPE.to_owned(),
            sign_in: SignIn::UserWithoutPrompt {
                client_id: demo.public_client_id.to_string(),
                login_hint: demo.default_user_upn.to_string(),
            },
        };
        // As the shell does: the demo seed's own request table.
        let register = azure_sim::demo_request_table();
        let request_table = Some(RequestTableChoice { endpoint: simulator.table_endpoint(&register.account), table: register.table });
        Ok(DemoTenant { connection, request_table, keep_alive: Box::new(simulator) })
    }
}

pub fn draft(subscriptions: &[&str], recommendation: &str, name: &str) -> ExemptionDraft {
    ExemptionDraft {
        recommendation_key: recommendation.to_owned(),
        scope: ScopeChoice::Subscriptions { ids: subscriptions.iter().map(|s| s.to_string()).collect() },
        name: name.into(),
        display_name: "Flow test".into(),
        expires_on: Some("2030-06-30".into()),
        utc_offset_minutes: 120,
        category: Some(ExemptionCategory::Mitigated),
        description: "Handled by the WAF in front of it".into(),
    }
}

/// Wait (at most 30 s) until `done` holds.
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The store's view of an apply, read from another connection (as a second process would).
pub fn journal(dir: &DataDir) -> Store {
    Store::open(&dir.path().join(desk_store::DATABASE_FILE)).expect("journal")
}
