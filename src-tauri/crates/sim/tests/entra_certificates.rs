//! Certificate credentials: client assertions signed with the demo
//! certificate's key (`data/certificates/`), built here with `ring`.

mod common;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::*;
use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256, RSA_PSS_SHA256};
use serde_json::{json, Value};

const CI_PEM: &str = include_str!("../data/certificates/exemption-desk-ci.pem");
const CI_CRT: &str = include_str!("../data/certificates/exemption-desk-ci.crt");
const UNREGISTERED_PEM: &str = include_str!("../data/certificates/unregistered.pem");
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const ARM_SCOPE: &str = "https://management.azure.com/.default";

/// The DER of the first `label` block of a PEM text.
fn pem_block(pem: &str, label: &str) -> Vec<u8> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin).expect("begin") + begin.len();
    let stop = start + pem[start..].find(&end).expect("end");
    let b64: String = pem[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(b64).expect("base64")
}

struct Signer {
    key: RsaKeyPair,
    cert_der: Vec<u8>,
}

impl Signer {
    fn from_pem(pem: &str) -> Signer {
        let key = RsaKeyPair::from_pkcs8(&pem_block(pem, "PRIVATE KEY")).expect("pkcs8 key");
        Signer { key, cert_der: pem_block(pem, "CERTIFICATE") }
    }

    fn x5t(&self) -> String {
        URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &self.cert_der))
    }

    fn x5t_s256(&self) -> String {
        URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, &self.cert_der))
    }

    fn sha1_hex(&self) -> String {
        ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &self.cert_der).as_ref().iter().map(|b| format!("{b:02X}")).collect()
    }

    /// A signed JWT with this header and these claims (`alg` decides RS256/PS256).
    fn sign(&self, header: Value, claims: Value) -> String {
        let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let padding: &'static dyn ring::signature::RsaEncoding = if header["alg"] == "PS256" { &RSA_PSS_SHA256 } else { &RSA_PKCS1_SHA256 };
        let mut sig = vec![0u8; self.key.public().modulus_len()];
        self.key.sign(padding, &SystemRandom::new(), input.as_bytes(), &mut sig).expect("sign");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }
}

fn endpoint(env: &Env) -> String {
    format!("{}/{}/oauth2/v2.0/token", env.base, env.tenant())
}

/// Claims Entra expects, valid for 10 minutes from the simulated now.
fn claims(env: &Env, client_id: &str) -> Value {
    let now = env.sim.now().timestamp();
    json!({
        "aud": endpoint(env), "iss": client_id, "sub": client_id,
        "jti": uuid::Uuid::new_v4().to_string(), "nbf": now, "iat": now, "exp": now + 600,
    })
}

fn rs256(signer: &Signer) -> Value {
    json!({ "alg": "RS256", "typ": "JWT", "x5t#S256": signer.x5t_s256() })
}

async fn with_assertion(env: &Env, client_id: &str, assertion: &str) -> reqwest::Response {
    env.token_form(&[
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("scope", ARM_SCOPE),
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", assertion),
    ])
    .await
}

/// Status, `error`, first error code and description of a token response.
async fn outcome(r: reqwest::Response) -> (u16, Value) {
    (r.status().as_u16(), r.json().await.expect("json"))
}

fn payload(jwt: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(jwt.split('.').nth(1).expect("payload")).expect("b64")).expect("claims")
}

fn assert_error(res: &(u16, Value), status: u16, error: &str, code: u64) {
    assert_eq!(res.0, status, "{}", res.1);
    assert_eq!(res.1["error"], error, "{}", res.1);
    assert_eq!(res.1["error_codes"][0], code, "{}", res.1);
    let d = res.1["error_description"].as_str().expect("description");
    assert!(d.starts_with(&format!("AADSTS{code}: ")), "{d}");
}

#[tokio::test]
async fn certificate_assertion_gets_an_app_only_token() {
    let env = start().await;
    let (id, _) = env.sp("exemption-desk-ci");
    let ci = Signer::from_pem(CI_PEM);
    assert_eq!(ci.cert_der, pem_block(CI_CRT, "CERTIFICATE"), "the .pem holds the registered certificate");

    // The principals listing shows the registered certificate's thumbprints.
    let sp =
        env.principals["servicePrincipals"].as_array().expect("sps").iter().find(|s| s["clientId"] == id.as_str()).expect("ci").clone();
    let thumbs = sp["certificateThumbprints"].as_array().expect("thumbprints");
    assert_eq!(thumbs.len(), 1);
    assert_eq!(thumbs[0]["x5t"], ci.x5t());
    assert_eq!(thumbs[0]["x5tS256"], ci.x5t_s256());
    assert!(thumbs[0]["notAfter"].as_str().expect("notAfter").starts_with("2036-"), "{}", thumbs[0]);
    assert_eq!(sp["clientSecret"], "demo~ExemptionDeskCI.not-a-real-secret", "the secret stays registered");

    // RS256 + x5t#S256.
    let jwt = ci.sign(rs256(&ci), claims(&env, &id));
    let (s, v) = outcome(with_assertion(&env, &id, &jwt).await).await;
    assert_eq!(s, 200, "{v}");
    let at = v["access_token"].as_str().expect("access token");
    let c = payload(at);
    assert_eq!(c["appid"], id.as_str());
    assert_eq!(c["appidacr"], "2", "certificate authentication");
    assert_eq!(c["idtyp"], "app");
    assert_eq!(c["aud"], "https://management.azure.com/");
    assert!(v.get("refresh_token").is_none());
    let (s, body) = env.get(at, "/subscriptions?api-version=2022-12-01").await;
    assert_eq!(s, 200, "{body}");

    // Entra accepts the same assertion again while it is valid (MSAL reuses them).
    let (s, v) = outcome(with_assertion(&env, &id, &jwt).await).await;
    assert_eq!(s, 200, "{v}");

    // PS256 with only the SHA-1 x5t, audience by domain with the docs' "V2.0" casing.
    let mut cl = claims(&env, &id);
    cl["aud"] = json!(format!("{}/contoso.example/oauth2/V2.0/token", env.base));
    let jwt = ci.sign(json!({ "alg": "PS256", "typ": "JWT", "x5t": ci.x5t() }), cl);
    let (s, v) = outcome(with_assertion(&env, &id, &jwt).await).await;
    assert_eq!(s, 200, "{v}");

    // The secret path is unchanged and says "1".
    let (_, secret) = env.sp("exemption-desk-ci");
    let r =
        env.token_form(&[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", &secret), ("scope", ARM_SCOPE)]).await;
    let (s, v) = outcome(r).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(payload(v["access_token"].as_str().expect("at"))["appidacr"], "1");

    // The assertion is redacted in the request log.
    let log: Value = env.http.get(format!("{}/_sim/requests", env.base)).send().await.expect("log").json().await.expect("json");
    let entry = log.as_array().expect("log").iter().find(|e| e["body"]["client_assertion"].is_string()).expect("token request");
    assert_eq!(entry["body"]["client_assertion"], "[redacted]");
    env.sim.shutdown().await;
}

#[tokio::test]
async fn unregistered_certificate_is_refused() {
    let env = start().await;
    let (id, _) = env.sp("exemption-desk-ci");
    let other = Signer::from_pem(UNREGISTERED_PEM);
    let jwt = other.sign(rs256(&other), claims(&env, &id));
    let res = outcome(with_assertion(&env, &id, &jwt).await).await;
    assert_error(&res, 401, "invalid_client", 700027);
    let d = res.1["error_description"].as_str().expect("d");
    assert!(d.contains("The certificate with identifier used to sign the client assertion is not registered on application"), "{d}");
    // The thumbprint the client sent (here SHA-256) and the app id are named.
    let sent: String = URL_SAFE_NO_PAD.decode(other.x5t_s256()).expect("b64").iter().map(|b| format!("{b:02X}")).collect();
    assert!(d.contains(&format!("Thumbprint of key used by client: '{sent}'")), "{d}");
    assert!(d.contains(&id), "{d}");

    // With the SHA-1 x5t the thumbprint is the familiar 40 hex digits.
    let jwt = other.sign(json!({ "alg": "RS256", "x5t": other.x5t() }), claims(&env, &id));
    let res = outcome(with_assertion(&env, &id, &jwt).await).await;
    assert_error(&res, 401, "invalid_client", 700027);
    assert!(res.1["error_description"].as_str().expect("d").contains(&other.sha1_hex()));

    // The CI certificate is not registered on the Security Resource Provider SP.
    let ci = Signer::from_pem(CI_PEM);
    let wasrp = "8edd93e1-2103-40b4-bd70-6e34e586362d";
    let jwt = ci.sign(rs256(&ci), claims(&env, wasrp));
    assert_error(&outcome(with_assertion(&env, wasrp, &jwt).await).await, 401, "invalid_client", 700027);

    // No thumbprint at all.
    let jwt = ci.sign(json!({ "alg": "RS256", "typ": "JWT" }), claims(&env, &id));
    let res = outcome(with_assertion(&env, &id, &jwt).await).await;
    assert_error(&res, 401, "invalid_client", 50027);
    assert!(res.1["error_description"].as_str().expect("d").contains("No certificate thumbprint"));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn bad_signatures_are_refused() {
    let env = start().await;
    let (id, _) = env.sp("exemption-desk-ci");
    let ci = Signer::from_pem(CI_PEM);
    let other = Signer::from_pem(UNREGISTERED_PEM);

    // Names the registered certificate but is signed with another key.
    let jwt = other.sign(rs256(&ci), claims(&env, &id));
    let res = outcome(with_assertion(&env, &id, &jwt).await).await;
    assert_error(&res, 401, "invalid_client", 700027);
    let d = res.1["error_description"].as_str().expect("d");
    assert!(d.contains("Client assertion contains an invalid signature."), "{d}");
    assert!(d.contains("Found key 'Start="), "{d}");

    // A payload changed after signing.
    let good = ci.sign(rs256(&ci), claims(&env, &id));
    let parts: Vec<&str> = good.split('.').collect();
    let mut cl = claims(&env, &id);
    cl["jti"] = json!("tampered");
    let tampered = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(cl.to_string()), parts[2]);
    assert_error(&outcome(with_assertion(&env, &id, &tampered).await).await, 401, "invalid_client", 700027);

    // An RS256 signature presented as PS256.
    let rs = ci.sign(rs256(&ci), claims(&env, &id));
    let parts: Vec<&str> = rs.split('.').collect();
    let ps_header = URL_SAFE_NO_PAD.encode(json!({ "alg": "PS256", "x5t#S256": ci.x5t_s256() }).to_string());
    let mixed = format!("{ps_header}.{}.{}", parts[1], parts[2]);
    assert_error(&outcome(with_assertion(&env, &id, &mixed).await).await, 401, "invalid_client", 700027);

    // Not a JWT; an unsupported algorithm.
    assert_error(&outcome(with_assertion(&env, &id, "not-a-jwt").await).await, 401, "invalid_client", 50027);
    let hs = format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(json!({ "alg": "HS256", "x5t#S256": ci.x5t_s256() }).to_string()),
        URL_SAFE_NO_PAD.encode(claims(&env, &id).to_string())
    );
    assert_error(&outcome(with_assertion(&env, &id, &hs).await).await, 401, "invalid_client", 50027);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn wrong_audience_issuer_and_times_are_refused() {
    let env = start().await;
    let (id, secret) = env.sp("exemption-desk-ci");
    let ci = Signer::from_pem(CI_PEM);
    let now = env.sim.now().timestamp();

    // aud: another tenant's token endpoint; the v1 endpoint; an array.
    for aud in [
        json!(format!("{}/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token", env.base)),
        json!(format!("{}/{}/oauth2/token", env.base, env.tenant())),
        json!("https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token"),
    ] {
        let mut cl = claims(&env, &id);
        cl["aud"] = aud;
        let res = outcome(with_assertion(&env, &id, &ci.sign(rs256(&ci), cl)).await).await;
        assert_error(&res, 401, "invalid_client", 700023);
        assert!(res.1["error_description"].as_str().expect("d").contains("audience claim does not match"));
    }
    let mut cl = claims(&env, &id);
    cl["aud"] = json!([endpoint(&env)]);
    assert_error(&outcome(with_assertion(&env, &id, &ci.sign(rs256(&ci), cl)).await).await, 401, "invalid_client", 50027);

    // iss / sub not the client id.
    for claim in ["iss", "sub"] {
        let mut cl = claims(&env, &id);
        cl[claim] = json!("55b41b4a-3a85-4189-823c-744426dd37b2");
        let res = outcome(with_assertion(&env, &id, &ci.sign(rs256(&ci), cl)).await).await;
        assert_error(&res, 401, "invalid_client", 700021);
    }

    // Expired beyond the 5-minute skew; not yet valid; within the skew is fine.
    let mut cl = claims(&env, &id);
    cl["nbf"] = json!(now - 1200);
    cl["exp"] = json!(now - 600);
    let res = outcome(with_assertion(&env, &id, &ci.sign(rs256(&ci), cl)).await).await;
    assert_error(&res, 401, "invalid_client", 700024);
    let d = res.1["error_description"].as_str().expect("d");
    assert!(d.contains("Client assertion is not within its valid time range. Current time: "), "{d}");
    let mut cl = claims(&env, &id);
    cl["nbf"] = json!(now + 900);
    cl["exp"] = json!(now + 1500);
    assert_error(&outcome(with_assertion(&env, &id, &ci.sign(rs256(&ci), cl)).await).await, 401, "invalid_client", 700024);
    let mut cl = claims(&env, &id);
    cl["exp"] = json!(now - 60);
    assert_eq!(with_assertion(&env, &id, &ci.sign(rs256(&ci), cl)).await.status(), 200);
    let mut cl = claims(&env, &id);
    cl.as_object_mut().expect("obj").remove("exp");
    assert_error(&outcome(with_assertion(&env, &id, &ci.sign(rs256(&ci), cl)).await).await, 401, "invalid_client", 700024);

    // Time is the simulator's: an assertion valid by the wall clock is expired
    // once the simulated clock has moved an hour on.
    let jwt = ci.sign(rs256(&ci), claims(&env, &id));
    env.sim.advance_clock(3600.0);
    assert_error(&outcome(with_assertion(&env, &id, &jwt).await).await, 401, "invalid_client", 700024);

    // jti is required.
    let mut cl = claims(&env, &id);
    cl.as_object_mut().expect("obj").remove("jti");
    assert_error(&outcome(with_assertion(&env, &id, &ci.sign(rs256(&ci), cl)).await).await, 401, "invalid_client", 50027);

    // Secret and assertion together, or another assertion type: invalid_request.
    let jwt = ci.sign(rs256(&ci), claims(&env, &id));
    let r = env
        .token_form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("scope", ARM_SCOPE),
            ("client_secret", &secret),
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", &jwt),
        ])
        .await;
    let res = outcome(r).await;
    assert_eq!((res.0, res.1["error"].as_str()), (400, Some("invalid_request")), "{}", res.1);
    let r = env
        .token_form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("scope", ARM_SCOPE),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"),
            ("client_assertion", &jwt),
        ])
        .await;
    let res = outcome(r).await;
    assert_eq!((res.0, res.1["error"].as_str()), (400, Some("invalid_request")), "{}", res.1);
    let r =
        env.token_form(&[("grant_type", "client_credentials"), ("client_id", &id), ("scope", ARM_SCOPE), ("client_assertion", &jwt)]).await;
    let res = outcome(r).await;
    assert_eq!((res.0, res.1["error_codes"][0].as_u64()), (400, Some(900144)), "{}", res.1);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn expired_certificate_is_refused() {
    let env = start().await;
    let (id, _) = env.sp("exemption-desk-ci");
    let ci = Signer::from_pem(CI_PEM);
    // The demo certificate runs until 2036; move the simulated clock past it.
    env.sim.advance_clock(12.0 * 366.0 * 86400.0);
    let res = outcome(with_assertion(&env, &id, &ci.sign(rs256(&ci), claims(&env, &id))).await).await;
    assert_error(&res, 401, "invalid_client", 700027);
    assert!(res.1["error_description"].as_str().expect("d").contains("The key used is expired."), "{}", res.1);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn certificates_can_be_registered_at_run_time() {
    let env = start().await;
    let (id, _) = env.sp("exemption-desk-ci");
    let other = Signer::from_pem(UNREGISTERED_PEM);
    let url = format!("{}/_sim/principals/{id}/certificates", env.base);
    let jwt = || other.sign(rs256(&other), claims(&env, &id));
    assert_eq!(with_assertion(&env, &id, &jwt()).await.status(), 401);

    // Register the certificate part of unregistered.pem (the key block is skipped).
    let r = env.http.post(&url).json(&json!({ "certificate": UNREGISTERED_PEM })).send().await.expect("post");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    assert_eq!((v["added"].as_bool(), v["x5tS256"].as_str()), (Some(true), Some(other.x5t_s256().as_str())), "{v}");
    assert_eq!(v["x5t"], other.x5t());
    let (s, v) = outcome(with_assertion(&env, &id, &jwt()).await).await;
    assert_eq!(s, 200, "{v}");
    let p: Value = env.http.get(format!("{}/_sim/principals", env.base)).send().await.expect("p").json().await.expect("json");
    let sp = p["servicePrincipals"].as_array().expect("sps").iter().find(|s| s["clientId"] == id.as_str()).expect("ci").clone();
    assert_eq!(sp["certificateThumbprints"].as_array().expect("thumbs").len(), 2);

    // Registering it again changes nothing.
    let v: Value =
        env.http.post(&url).json(&json!({ "certificate": UNREGISTERED_PEM })).send().await.expect("post").json().await.expect("json");
    assert_eq!(v["added"], false);

    // Bad input: clear 400s; unknown app: 404.
    for body in [
        json!({}),
        json!({ "certificate": 5 }),
        json!({ "certificate": "not a pem" }),
        json!({ "certificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" }),
    ] {
        let r = env.http.post(&url).json(&body).send().await.expect("post");
        assert_eq!(r.status(), 400, "{body}");
        let v: Value = r.json().await.expect("json");
        assert_eq!(v["error"]["code"], "SimBadRequest");
        assert!(!v["error"]["message"].as_str().expect("message").is_empty());
    }
    let r = env.http.post(&url).body("{").header("content-type", "application/json").send().await.expect("post");
    assert_eq!(r.status(), 400);
    let r = env
        .http
        .post(format!("{}/_sim/principals/00000000-0000-0000-0000-000000000000/certificates", env.base))
        .json(&json!({ "certificate": CI_CRT }))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 404);

    // Reset restores the seed: only the demo certificate again.
    env.http.post(format!("{}/_sim/reset", env.base)).send().await.expect("reset");
    assert_eq!(with_assertion(&env, &id, &jwt()).await.status(), 401);
    let ci = Signer::from_pem(CI_PEM);
    assert_eq!(with_assertion(&env, &id, &ci.sign(rs256(&ci), claims(&env, &id))).await.status(), 200);
    env.sim.shutdown().await;
}
