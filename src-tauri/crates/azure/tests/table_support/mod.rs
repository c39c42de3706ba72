//! What the request-table tests need: Azurite (the official Azure Storage
//! emulator, `tests/azurite`) started over HTTPS with OAuth, certificates
//! from a CA of the test's own, storage tokens in Entra's v1 shape, and raw
//! access to the table to plant what the client would never write.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::time::OffsetDateTime;
use desk_azure::SessionCredential;
use desk_core::request::{ExemptionRequest, Person, RequestEvent, RequestState};
use serde_json::{json, Value};

/// A CA of the test's own and a leaf certificate for 127.0.0.1 and localhost
/// signed by it (rustls refuses a self-signed certificate marked as a CA).
pub struct Certificates {
    pub ca_pem: String,
    pub leaf_pem: String,
    pub leaf_key_pem: String,
}

impl Certificates {
    pub fn generate() -> Certificates {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
        let now = std::time::SystemTime::now();
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("ca params");
        ca.distinguished_name.push(DnType::CommonName, "Exemption Desk test CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        ca.not_before = (now - Duration::from_secs(3600)).into();
        ca.not_after = (now + Duration::from_secs(24 * 3600)).into();
        let ca_key = KeyPair::generate().expect("ca key");
        let ca_cert = ca.self_signed(&ca_key).expect("ca signs itself");
        let issuer = Issuer::new(ca, ca_key);
        let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).expect("leaf params");
        leaf.distinguished_name.push(DnType::CommonName, "azurite");
        leaf.not_before = (now - Duration::from_secs(3600)).into();
        leaf.not_after = (now + Duration::from_secs(24 * 3600)).into();
        let leaf_key = KeyPair::generate().expect("leaf key");
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).expect("ca signs the leaf");
        Certificates { ca_pem: ca_cert.pem(), leaf_pem: leaf_cert.pem(), leaf_key_pem: leaf_key.serialize_pem() }
    }
}

/// Azurite's table service on a free loopback port, over HTTPS with
/// `--oauth basic`; stopped when dropped.
pub struct Azurite {
    child: Child,
    dir: PathBuf,
    /// The account's endpoint, path-style: `https://127.0.0.1:{port}/devstoreaccount1`.
    pub endpoint: String,
    pub certificates: Certificates,
}

fn azurite_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/azurite/node_modules/.bin/azurite-table")
}

impl Azurite {
    /// Start Azurite; a missing install fails the test with what to run.
    pub fn start() -> Azurite {
        let bin = azurite_bin();
        assert!(
            bin.exists(),
            "Azurite is not installed ({} is missing): run `npm ci` in tests/azurite (scripts/setup.sh does)",
            bin.display()
        );
        let certificates = Certificates::generate();
        let dir = std::env::temp_dir().join(format!("desk-azurite-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("azurite folder");
        std::fs::write(dir.join("leaf.pem"), &certificates.leaf_pem).expect("leaf");
        std::fs::write(dir.join("leaf-key.pem"), &certificates.leaf_key_pem).expect("key");
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let log = std::fs::File::create(dir.join("azurite.log")).expect("log");
        let child = Command::new(&bin)
            .args(["--oauth", "basic", "--cert"])
            .arg(dir.join("leaf.pem"))
            .arg("--key")
            .arg(dir.join("leaf-key.pem"))
            .args(["--tableHost", "127.0.0.1", "--tablePort", &port.to_string(), "--location"])
            .arg(&dir)
            .args(["--skipApiVersionCheck", "--disableTelemetry", "--silent"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("Azurite ({}) does not start: {e}", bin.display()));
        let mut azurite = Azurite { child, dir, endpoint: format!("https://127.0.0.1:{port}/devstoreaccount1"), certificates };
        azurite.wait_listening(port);
        azurite
    }

    fn wait_listening(&mut self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(self.dir.join("azurite.log")).unwrap_or_default();
                panic!("Azurite stopped at start ({status}): {log}");
            }
            assert!(Instant::now() < deadline, "Azurite is not listening on port {port} after 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A client of the app's hardened kind that trusts the test CA.
    pub fn http(&self) -> reqwest::Client {
        desk_azure::http::client_trusting(&desk_azure::http::Limits::default(), self.certificates.ca_pem.as_bytes()).expect("client")
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Storage tokens in the shape Entra issues for a v1 resource (issuer
/// `https://sts.windows.net/<tenant>/`, audience `https://storage.azure.com`),
/// unsigned: Azurite's basic OAuth checks neither signature nor roles.
#[derive(Debug)]
pub struct MintedTokens {
    pub tenant_id: String,
    pub object_id: String,
    pub upn: String,
}

impl MintedTokens {
    pub fn token(&self) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"none"}"#);
        let claims = json!({
            "aud": "https://storage.azure.com", "iss": format!("https://sts.windows.net/{}/", self.tenant_id),
            "iat": now - 60, "nbf": now - 60, "exp": now + 3600, "tid": self.tenant_id, "oid": self.object_id,
            "upn": self.upn, "ver": "1.0", "scp": "user_impersonation",
        });
        format!("{header}.{}.", URL_SAFE_NO_PAD.encode(claims.to_string()))
    }
}

#[async_trait]
impl TokenCredential for MintedTokens {
    async fn get_token(&self, scopes: &[&str], _options: Option<TokenRequestOptions<'_>>) -> azure_core::Result<AccessToken> {
        assert_eq!(scopes, [desk_azure::STORAGE_SCOPE], "the table client asks for storage tokens only");
        Ok(AccessToken::new(self.token(), OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1)))
    }
}

#[async_trait]
impl SessionCredential for MintedTokens {
    async fn forget(&self, _scope: &str) {}
}

pub fn minted(tenant_id: &str, object_id: &str, upn: &str) -> Arc<dyn SessionCredential> {
    Arc::new(MintedTokens { tenant_id: tenant_id.into(), object_id: object_id.into(), upn: upn.into() })
}

/// A request of `tenant_id` by `by`, with `writes` planned writes (so its
/// JSON can be made to outgrow one table property).
pub fn request(tenant_id: &str, by: &Person, state: RequestState, writes: usize) -> ExemptionRequest {
    let id = uuid::Uuid::new_v4().to_string();
    let write = |i: usize| {
        let scope = format!("/subscriptions/{:08x}-0000-4000-8000-000000000000", i);
        json!({
            "method": "PUT", "scope": scope, "name": "exempt-waf",
            "path": format!("{scope}/providers/Microsoft.Authorization/policyExemptions/exempt-waf"),
            "policyAssignmentId": format!("{scope}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn"),
            "initiativeName": "Microsoft cloud security benchmark",
            "policyDefinitionReferenceIds": ["secureTransferToStorageAccountMonitoring"],
            "replacesExisting": false,
            "body": {"properties": {"exemptionCategory": "Waiver", "description": "Handled by the WAF in front of it — ok ✓ 😀"}},
        })
    };
    let at = "2026-12-01T14:00:00Z";
    serde_json::from_value(json!({
        "id": id, "tenantId": tenant_id, "state": state,
        "draft": {
            "recommendationKey": "1d91282b-4096-42b9-bd97-0c67864a39e3",
            "scope": {"kind": "subscriptions", "ids": ["ccc1c389-e16e-4c4b-b02a-71990e781ba5"]},
            "name": "exempt-waf", "displayName": "Exempt the WAF'd ones", "expiresOn": "2027-06-30",
            "utcOffsetMinutes": 60, "category": "Waiver", "description": "Handled by the WAF",
        },
        "recommendationName": "Storage accounts should restrict network access",
        "scopeSummary": "Subscription Production",
        "writes": (0..writes).map(write).collect::<Vec<Value>>(),
        "checks": [],
        "justification": "Compensated by the WAF; see the ticket.",
        "ticket": "CHG-1234",
        "requestedBy": by, "requestedAt": at, "requesterVerified": true,
        "approverChanges": null, "applyId": null,
        "history": [RequestEvent { state: RequestState::Pending, by: by.clone(), at: at.into(), note: None }],
    }))
    .expect("a request the core types accept")
}

/// Raw Table REST calls, for planting entities the client would never write.
pub struct Raw {
    pub http: reqwest::Client,
    pub endpoint: String,
    pub token: String,
}

impl Raw {
    pub async fn send(&self, method: reqwest::Method, tail: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}/{tail}", self.endpoint.trim_end_matches('/')))
            .bearer_auth(&self.token)
            .header("Accept", "application/json;odata=minimalmetadata")
            .header("x-ms-version", "2019-02-02")
            .header("DataServiceVersion", "3.0");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the table answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
}
