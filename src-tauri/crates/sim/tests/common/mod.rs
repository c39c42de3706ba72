//! Helpers for the HTTP tests: start a simulator, get tokens, call ARM.
#![allow(dead_code)]

use azure_sim::Simulator;
use serde_json::Value;

pub const PROD: &str = "ccc1c389-e16e-4c4b-b02a-71990e781ba5";
pub const DEV: &str = "7e1e376c-0a32-45d3-9c1d-6adb8eccc958";
pub const SHARED: &str = "644229d8-401b-4ed5-9b1c-5f7bf2d941da";
pub const SANDBOX: &str = "e7e255bb-3ca4-4ba3-b95b-58d5b38271e5";
pub const EXEMPTIONS_API: &str = "2022-07-01-preview";

pub struct Env {
    pub sim: Simulator,
    pub base: String,
    pub http: reqwest::Client,
    pub principals: Value,
}

pub async fn start() -> Env {
    let sim = Simulator::start("demo", "127.0.0.1:0".parse().expect("addr")).await.expect("start simulator");
    let base = sim.base_url();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let principals = http.get(format!("{base}/_sim/principals")).send().await.expect("principals").json().await.expect("json");
    Env { sim, base, http, principals }
}

impl Env {
    pub fn tenant(&self) -> String {
        self.principals["tenantId"].as_str().expect("tenant").to_string()
    }

    pub fn sp(&self, name: &str) -> (String, String) {
        let sp = self.principals["servicePrincipals"].as_array().expect("sps").iter().find(|s| s["displayName"] == name).expect("sp");
        (sp["clientId"].as_str().expect("id").to_string(), sp["clientSecret"].as_str().unwrap_or("").to_string())
    }

    pub async fn token_form(&self, form: &[(&str, &str)]) -> reqwest::Response {
        self.http.post(format!("{}/{}/oauth2/v2.0/token", self.base, self.tenant())).form(form).send().await.expect("token request")
    }

    /// Token for the CI service principal.
    pub async fn sp_token(&self) -> String {
        let (id, secret) = self.sp("exemption-desk-ci");
        let r = self
            .token_form(&[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("scope", "https://management.azure.com/.default"),
            ])
            .await;
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.expect("json");
        v["access_token"].as_str().expect("access_token").to_string()
    }

    /// Token for a user via authorize + PKCE.
    pub async fn user_token(&self, upn: &str) -> Value {
        let verifier = "x".repeat(20) + upn;
        let challenge = {
            use base64::Engine;
            use sha2::Digest;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
        };
        let client = self.principals["publicClientId"].as_str().expect("client").to_string();
        let redirect = "http://127.0.0.1:53117/";
        let code = self.authorize_code(&client, redirect, &challenge, Some(upn)).await;
        let r = self
            .token_form(&[
                ("grant_type", "authorization_code"),
                ("client_id", &client),
                ("code", &code),
                ("redirect_uri", redirect),
                ("code_verifier", &verifier),
                ("scope", "https://management.azure.com//.default offline_access openid profile"),
            ])
            .await;
        assert_eq!(r.status(), 200);
        r.json().await.expect("json")
    }

    pub async fn user_access(&self, upn: &str) -> String {
        self.user_token(upn).await["access_token"].as_str().expect("at").to_string()
    }

    pub async fn authorize_code(&self, client: &str, redirect: &str, challenge: &str, hint: Option<&str>) -> String {
        let mut q = vec![
            ("client_id", client),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("scope", "https://management.azure.com//.default offline_access openid profile"),
            ("state", "st4te"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ];
        if let Some(h) = hint {
            q.push(("login_hint", h));
        }
        let r = self.http.get(format!("{}/{}/oauth2/v2.0/authorize", self.base, self.tenant())).query(&q).send().await.expect("authorize");
        assert_eq!(r.status(), 302);
        let loc = r.headers()["location"].to_str().expect("location").to_string();
        assert!(loc.starts_with(redirect), "{loc}");
        let query = loc.split_once('?').expect("query").1;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("pairs");
        assert!(pairs.iter().any(|(k, v)| k == "state" && v == "st4te"));
        pairs.into_iter().find(|(k, _)| k == "code").expect("code").1
    }

    /// An ARM call; returns (status, body or Null).
    pub async fn arm(&self, method: reqwest::Method, token: &str, path_and_query: &str, body: Option<Value>) -> (u16, Value) {
        let url = if path_and_query.starts_with("http") { path_and_query.to_string() } else { format!("{}{}", self.base, path_and_query) };
        let mut req = self.http.request(method, url).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("arm request");
        let status = r.status().as_u16();
        let text = r.text().await.expect("text");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, token: &str, pq: &str) -> (u16, Value) {
        self.arm(reqwest::Method::GET, token, pq, None).await
    }

    pub async fn put(&self, token: &str, pq: &str, body: Value) -> (u16, Value) {
        self.arm(reqwest::Method::PUT, token, pq, Some(body)).await
    }

    pub async fn delete(&self, token: &str, pq: &str) -> (u16, Value) {
        self.arm(reqwest::Method::DELETE, token, pq, None).await
    }

    /// Follow `nextLink`s (or `@nextLink`s, the management-group list's
    /// spelling) and return every item.
    pub async fn get_all(&self, token: &str, pq: &str) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut pages = 0;
        let mut next = Some(pq.to_string());
        while let Some(url) = next.take() {
            let (s, body) = self.get(token, &url).await;
            assert_eq!(s, 200, "{body}");
            pages += 1;
            items.extend(body["value"].as_array().expect("value").iter().cloned());
            if let Some(n) = body["nextLink"].as_str().or_else(|| body["@nextLink"].as_str()) {
                assert!(n.starts_with(&self.base), "{n}");
                next = Some(n.to_string());
            }
            assert!(pages < 100);
        }
        (items, pages)
    }
}

pub fn mcsb_assignment(sub: &str) -> String {
    format!("/subscriptions/{sub}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn")
}

pub fn exemption_path(scope: &str, name: &str) -> String {
    format!("{scope}/providers/Microsoft.Authorization/policyExemptions/{name}?api-version={EXEMPTIONS_API}")
}
