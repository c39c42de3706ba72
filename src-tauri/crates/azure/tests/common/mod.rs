//! What every test against the simulator needs: a demo tenant of its own,
//! sign-in as its principals, and a look at what it received.
#![allow(dead_code)]

use std::sync::Mutex;

use azure_core::credentials::Secret;
use azure_sim::Simulator;
use desk_azure::{
    apply_writes, ApplyObserver, ApplyOptions, AzureError, Cancel, Connection, Identity, SignIn, Tenant, Url, PUBLIC_TOKEN_SCOPE,
};
use desk_core::apply::ItemState;
use desk_core::exemption::{ExemptionCategory, ExemptionDraft};
use desk_core::plan::{PlannedWrite, Requester};
use desk_core::scope::ScopeChoice;
use serde_json::Value;
use tokio::sync::oneshot;

mod worker;

pub const PRODUCTION: &str = "ccc1c389-e16e-4c4b-b02a-71990e781ba5";
pub const DEVELOPMENT: &str = "7e1e376c-0a32-45d3-9c1d-6adb8eccc958";
pub const SANDBOX: &str = "e7e255bb-3ca4-4ba3-b95b-58d5b38271e5";
pub const SECURE_TRANSFER: &str = "d763462d-7566-4a55-90a2-fc38e0a59985";
pub const PRIVILEGED_CONTAINERS: &str = "1d91282b-4096-42b9-bd97-0c67864a39e3";
pub const CUSTOM_COST_CENTER: &str = "a4597c10-883c-448c-b4ae-bd921fbbb611";

pub struct World {
    pub sim: Simulator,
    pub principals: Value,
}

impl World {
    pub async fn start() -> World {
        let sim = Simulator::start("demo", "127.0.0.1:0".parse().expect("addr")).await.expect("simulator starts");
        let principals = reqwest::get(format!("{}/_sim/principals", sim.base_url())).await.expect("principals").json().await.expect("json");
        World { sim, principals }
    }

    pub fn connection(&self, sign_in: SignIn) -> Connection {
        let url = Url::parse(&format!("{}/", self.sim.base_url())).expect("url");
        Connection {
            arm_endpoint: url.clone(),
            graph_endpoint: url.clone(),
            authority_host: url,
            tenant: self.principals["tenantId"].as_str().expect("tenant").to_owned(),
            token_scope: PUBLIC_TOKEN_SCOPE.to_owned(),
            sign_in,
        }
    }

    pub async fn as_service_principal(&self) -> (Tenant, Identity) {
        let sp = self.principals["servicePrincipals"]
            .as_array()
            .and_then(|all| all.iter().find(|p| p["displayName"] == "exemption-desk-ci"))
            .expect("seeded CI principal");
        let sign_in = SignIn::ClientSecret {
            client_id: sp["clientId"].as_str().expect("id").to_owned(),
            secret: Secret::new(sp["clientSecret"].as_str().expect("secret").to_owned()),
        };
        self.connection(sign_in).connect().await.expect("signs in")
    }

    pub async fn requests(&self) -> Vec<Value> {
        reqwest::get(format!("{}/_sim/requests", self.sim.base_url())).await.expect("requests").json().await.expect("json")
    }

    /// POST a `/_sim/...` control request; it must succeed.
    pub async fn control(&self, path: &str, body: Value) {
        let response = reqwest::Client::new().post(format!("{}{path}", self.sim.base_url())).json(&body).send().await.expect("sim control");
        assert!(response.status().is_success(), "{path}: {}", response.status());
    }

    pub async fn puts(&self) -> Vec<Value> {
        self.requests().await.into_iter().filter(|r| r["method"] == "PUT").collect()
    }
}

pub fn draft(subscriptions: &[&str], recommendation: &str) -> ExemptionDraft {
    ExemptionDraft {
        recommendation_key: recommendation.to_owned(),
        scope: ScopeChoice::Subscriptions { ids: subscriptions.iter().map(|s| s.to_string()).collect() },
        name: "backend-test".into(),
        display_name: "Backend test".into(),
        expires_on: Some("2030-06-30".into()),
        utc_offset_minutes: 120,
        category: Some(ExemptionCategory::Mitigated),
        description: "Handled by the WAF in front of it".into(),
    }
}

/// Records every state change, as the journal would.
#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<(u32, ItemState, Option<String>)>>);

impl ApplyObserver for Recorder {
    fn changed(&self, index: u32, state: ItemState, _attempts: u32, message: Option<&str>) -> Result<(), String> {
        self.0.lock().map_err(|e| e.to_string())?.push((index, state, message.map(str::to_owned)));
        Ok(())
    }
}

pub async fn plan(tenant: &Tenant, draft: &ExemptionDraft, account: &str) -> Result<Vec<PlannedWrite>, AzureError> {
    let requester = Requester { account, object_id: "test-object-id", app_version: "test" };
    tenant.prepare(draft, &requester).await?.writes
}

pub async fn apply(tenant: &Tenant, writes: &[PlannedWrite]) -> (Vec<(u32, ItemState)>, Recorder) {
    let recorder = Recorder::default();
    let items = writes.iter().cloned().enumerate().map(|(i, w)| (i as u32, w)).collect();
    let outcomes = apply_writes(tenant.arm(), items, &ApplyOptions::default(), &recorder, &Cancel::default()).await;
    (outcomes, recorder)
}

impl World {
    /// Sign in as a seeded user (auth code + PKCE through the simulator's auto-consent).
    pub async fn as_user(&self, upn: &str) -> (Tenant, Identity) {
        let client_id = self.principals["publicClientId"].as_str().expect("client").to_owned();
        let sign_in = SignIn::UserWithoutPrompt { client_id, login_hint: upn.to_owned() };
        self.connection(sign_in).connect().await.expect("signs in")
    }
}

pub fn requester(account: &str) -> Requester<'_> {
    Requester { account, object_id: "test-object-id", app_version: "test" }
}

/// Acts as the browser: GET the authorize URL without following its 302,
/// optionally tamper with `state`, then GET the Location (the loopback
/// listener). Sends back the page the app answered with.
/// The status and HTML the loopback listener answered the browser with.
pub type Page = oneshot::Receiver<(u16, String)>;

pub fn browser(tamper_state: bool) -> (impl FnOnce(&Url) -> Result<(), String>, Page) {
    let (tx, rx) = oneshot::channel();
    let open = move |url: &Url| {
        let url = url.clone();
        tokio::spawn(async move {
            let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
            let authorize = no_redirects.get(url).send().await.expect("authorize");
            assert_eq!(authorize.status().as_u16(), 302);
            let location = authorize.headers()["location"].to_str().expect("text").to_owned();
            let mut location = Url::parse(&location).expect("redirect url");
            assert_eq!(location.host_str(), Some("127.0.0.1"));
            if tamper_state {
                let pairs: Vec<(String, String)> = location
                    .query_pairs()
                    .map(|(k, v)| {
                        let v = if k == "state" { "forged".to_owned() } else { v.into_owned() };
                        (k.into_owned(), v)
                    })
                    .collect();
                location.query_pairs_mut().clear().extend_pairs(pairs);
            }
            let page = reqwest::get(location).await.expect("loopback answers");
            let status = page.status().as_u16();
            let _ = tx.send((status, page.text().await.expect("page")));
        });
        Ok(())
    };
    (open, rx)
}

/// A [`Cancel`] that fires `after` from now: a read the user left while it ran.
pub fn cancelled_after(after: std::time::Duration) -> Cancel {
    let cancel = Cancel::default();
    let stopper = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        stopper.cancel();
    });
    cancel
}
