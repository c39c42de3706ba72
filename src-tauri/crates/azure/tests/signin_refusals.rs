//! When Entra refuses a sign-in, the user is told what to do: consent
//! required, MFA demanded by conditional access, sign-in blocked, an account
//! of another tenant, a tenant that does not exist, an expired saved sign-in.
//! Each refusal comes from the simulator's Entra (`/_sim/signin` and its seed),
//! through the same code the app runs.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use desk_azure::signin::{sign_in_with_browser, sign_in_with_device_code, BrowserSignIn, DeviceCodeSignIn};
use desk_azure::{Authority, AzureError, Cancel, EntraCredential, SignIn, Url, PUBLIC_TOKEN_SCOPE};
use serde_json::json;

const MORGAN: &str = "morgan.manager@contoso.example";
const OTHER_TENANTS_USER: &str = "jamie@fabrikam.example";

fn authority(world: &World, tenant: &str) -> Authority {
    Authority { host: Url::parse(&format!("{}/", world.sim.base_url())).expect("url"), tenant: tenant.into() }
}

fn public_client(world: &World) -> String {
    world.principals["publicClientId"].as_str().expect("client").to_owned()
}

fn text(result: Result<impl Sized, AzureError>) -> String {
    match result {
        Ok(_) => panic!("expected a refusal"),
        Err(e) => {
            assert_eq!(e.code(), "sign_in", "{e}");
            e.to_string()
        }
    }
}

/// A browser sign-in as `upn`, answered by the simulator's authorize endpoint.
async fn browser_sign_in(world: &World, upn: &str) -> (Result<EntraCredential, AzureError>, (u16, String)) {
    let (open, page) = browser(false);
    let request = BrowserSignIn {
        authority: authority(world, "organizations"),
        client_id: public_client(world),
        scope: PUBLIC_TOKEN_SCOPE.into(),
        login_hint: Some(upn.into()),
        timeout: Duration::from_secs(30),
    };
    let result = sign_in_with_browser(reqwest::Client::new(), request, open).await;
    (result, page.await.expect("the browser got an answer"))
}

/// A device-code sign-in approved (as `approval`'s user) on "another device".
async fn device_code_sign_in(world: &World, tenant: &str, approval: serde_json::Value) -> Result<EntraCredential, AzureError> {
    let base = world.sim.base_url().to_owned();
    let show = move |prompt: &desk_azure::signin::DeviceCodePrompt| {
        let mut body = approval;
        body["userCode"] = json!(prompt.user_code);
        tokio::spawn(async move {
            reqwest::Client::new().post(format!("{base}/_sim/devicecode/approve")).json(&body).send().await.expect("approve");
        });
        Ok(())
    };
    let request = DeviceCodeSignIn {
        authority: authority(world, tenant),
        client_id: public_client(world),
        scope: PUBLIC_TOKEN_SCOPE.into(),
        poll_interval: Some(Duration::from_millis(50)),
    };
    sign_in_with_device_code(reqwest::Client::new(), request, show, &Cancel::default()).await
}

/// Restore a saved session from its refresh token, as the app does on start.
async fn restore(world: &World, refresh_token: azure_core::credentials::Secret) -> Result<(), AzureError> {
    let credential =
        EntraCredential::from_refresh_token(reqwest::Client::new(), authority(world, "organizations"), public_client(world), refresh_token);
    world.connection(SignIn::Signed(Arc::new(credential))).connect().await.map(|_| ())
}

async fn saved_sign_in(world: &World) -> azure_core::credentials::Secret {
    let (credential, _) = browser_sign_in(world, MORGAN).await;
    credential.expect("signs in").refresh_token().await.expect("a refresh token")
}

#[tokio::test]
async fn mfa_demanded_later_asks_for_an_interactive_sign_in_which_then_keeps_working() {
    let world = World::start().await;
    let saved = saved_sign_in(&world).await;
    world.control("/_sim/signin", json!({"interrupt": "mfa"})).await;

    let refused = text(restore(&world, saved).await);
    assert!(refused.contains("multi-factor authentication. Sign in again"), "{refused}");
    assert!(refused.contains("AADSTS50076"), "Entra's words follow: {refused}");

    // Signing in again in the browser completes MFA there; that sign-in then lasts.
    let again = saved_sign_in(&world).await;
    restore(&world, again).await.expect("the new sign-in carries MFA");
}

#[tokio::test]
async fn consent_required_says_to_ask_an_administrator_in_the_app_and_in_the_browser() {
    let world = World::start().await;
    world.control("/_sim/signin", json!({"interrupt": "consent"})).await;
    let (result, (status, page)) = browser_sign_in(&world, MORGAN).await;
    let refused = text(result);
    assert!(refused.contains("Ask an administrator to consent"), "{refused}");
    assert_eq!(status, 400);
    assert!(page.contains("Ask an administrator to consent"), "the browser page says it too: {page}");
}

#[tokio::test]
async fn a_sign_in_blocked_by_conditional_access_names_the_policy_as_the_reason() {
    let world = World::start().await;
    world.control("/_sim/signin", json!({"interrupt": "blocked"})).await;
    let refused = text(device_code_sign_in(&world, "organizations", json!({"upn": MORGAN})).await);
    assert!(refused.contains("Conditional Access policies block this sign-in"), "{refused}");
    let (result, _) = browser_sign_in(&world, MORGAN).await;
    assert!(text(result).contains("Conditional Access"));
}

#[tokio::test]
async fn an_account_of_another_tenant_or_a_tenant_that_does_not_exist_is_named_as_such() {
    let world = World::start().await;
    let (result, _) = browser_sign_in(&world, OTHER_TENANTS_USER).await;
    let refused = text(result);
    assert!(refused.contains("not a member or guest of the tenant you chose"), "{refused}");
    assert!(refused.contains(OTHER_TENANTS_USER), "Entra names the account: {refused}");

    let refused = text(device_code_sign_in(&world, "no-such-tenant.example", json!({"upn": MORGAN})).await);
    assert!(refused.contains("No tenant of that name exists in this cloud"), "{refused}");
}

#[tokio::test]
async fn an_expired_saved_sign_in_asks_to_sign_in_again() {
    let world = World::start().await;
    let saved = saved_sign_in(&world).await;
    world.control("/_sim/clock", json!({"advanceSeconds": 91 * 24 * 3600})).await;
    let refused = text(restore(&world, saved).await);
    assert!(refused.contains("The saved sign-in has expired. Sign in again."), "{refused}");
}
