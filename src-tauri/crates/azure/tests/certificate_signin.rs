//! A service principal signs in with a certificate (a signed client
//! assertion) from the Connect screen's request, and again from its profile,
//! against the simulator's Entra, which checks the assertion's signature
//! against the certificate registered for the app.

mod common;

use common::*;
use desk_azure::profile::{restore, sign_in};
use desk_azure::{AzureError, Cancel, Url};
use desk_core::session::{CloudChoice, CloudKind, Profile, SignInMethod, SignInRequest};

const CERTIFICATES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../sim/data/certificates");
const PFX_PASSWORD: &str = "demo-pfx-password";

fn certificate(file: &str) -> String {
    format!("{CERTIFICATES}/{file}")
}

fn ci_client_id(world: &World) -> String {
    world.principals["servicePrincipals"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["displayName"] == "exemption-desk-ci"))
        .and_then(|p| p["clientId"].as_str())
        .expect("seeded CI principal")
        .to_owned()
}

fn cloud(world: &World) -> CloudChoice {
    let base = world.sim.base_url().to_owned();
    CloudChoice {
        kind: CloudKind::Custom,
        authority_host: Some(base.clone()),
        arm_endpoint: Some(base.clone()),
        graph_endpoint: Some(base),
        arm_audience: None,
    }
}

fn request(world: &World, file: &str, password: &str) -> SignInRequest {
    SignInRequest {
        profile_name: "ci-certificate".into(),
        cloud: cloud(world),
        tenant: world.principals["tenantId"].as_str().expect("tenant").to_owned(),
        method: SignInMethod::ServicePrincipalCertificate,
        client_id: ci_client_id(world),
        client_secret: String::new(),
        certificate_path: certificate(file),
        certificate_password: password.into(),
        login_hint: String::new(),
    }
}

async fn sign_in_with(request: &SignInRequest) -> Result<desk_azure::profile::SignedIn, AzureError> {
    let no_browser = |_: &Url| -> Result<(), String> { panic!("a service principal opens no browser") };
    let no_code = |_: &desk_azure::signin::DeviceCodePrompt| -> Result<(), String> { panic!("a service principal shows no code") };
    sign_in(request, no_browser, no_code, &Cancel::default()).await
}

/// The token requests the simulator received, with their (redacted) form.
async fn token_forms(world: &World) -> Vec<serde_json::Value> {
    world
        .requests()
        .await
        .into_iter()
        .filter(|r| r["path"].as_str().unwrap_or("").ends_with("/oauth2/v2.0/token"))
        .map(|r| r["body"].clone())
        .collect()
}

#[tokio::test]
async fn a_pem_certificate_signs_in_and_reads_the_tenant() {
    let world = World::start().await;
    let signed = sign_in_with(&request(&world, "exemption-desk-ci.pem", "")).await.expect("signs in");
    assert_eq!(signed.identity.account, ci_client_id(&world));
    assert!(signed.keep.is_none(), "an unprotected PEM leaves nothing for the keyring");
    assert_eq!(signed.tenant.subscriptions().await.expect("ARM accepts the token").len(), 4);

    let forms = token_forms(&world).await;
    assert!(!forms.is_empty());
    for form in &forms {
        assert_eq!(form["grant_type"], "client_credentials");
        assert_eq!(form["client_assertion_type"], "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        assert_eq!(form["client_assertion"], "[redacted]", "an assertion was sent (the log hides it)");
        assert!(form.get("client_secret").is_none(), "no secret is sent");
    }
}

#[tokio::test]
async fn a_pfx_signs_in_keeps_only_its_password_and_signs_in_again_from_the_profile() {
    let world = World::start().await;
    let req = request(&world, "exemption-desk-ci.pfx", PFX_PASSWORD);
    let signed = sign_in_with(&req).await.expect("signs in");
    let kept = signed.keep.expect("the password is kept for the keyring");
    assert_eq!(kept.secret(), PFX_PASSWORD);

    let profile = Profile {
        name: req.profile_name.clone(),
        cloud: req.cloud.clone(),
        tenant: req.tenant.clone(),
        method: req.method,
        client_id: req.client_id.clone(),
        certificate_path: req.certificate_path.clone(),
        account: signed.identity.account.clone(),
    };
    let again = restore(&profile, Some(kept)).await.expect("signs in from the profile");
    assert_eq!(again.identity, signed.identity);
    assert_eq!(again.tenant.subscriptions().await.expect("lists").len(), 4);

    let without = restore(&profile, None).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(without.contains("needs its password"), "{without}");
}

#[tokio::test]
async fn a_certificate_the_app_does_not_have_is_refused_with_what_to_do() {
    let world = World::start().await;
    let error = sign_in_with(&request(&world, "unregistered.pem", "")).await.err().expect("refused");
    assert_eq!(error.code(), "sign_in");
    let text = error.to_string();
    assert!(text.contains("upload its public certificate to the app registration"), "{text}");
    assert!(text.contains("AADSTS700027"), "Entra's own words follow the advice: {text}");
}

#[tokio::test]
async fn unusable_files_are_refused_before_anything_is_sent() {
    let world = World::start().await;
    let cases = [
        ("exemption-desk-ci.pfx", "wrong password", "not the file's password"),
        ("exemption-desk-ci.crt", "", "has no private key"),
        ("no-such-file.pem", "", "cannot be used"),
    ];
    for (file, password, expected) in cases {
        let error = sign_in_with(&request(&world, file, password)).await.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains(expected), "{file}: {error}");
    }
    assert!(token_forms(&world).await.is_empty(), "nothing reached Entra");
}
