//! `Debug` on what holds a secret never prints it: a client secret, a refresh
//! token, an access token.

mod common;

use azure_core::credentials::Secret;
use desk_azure::{Authority, EntraCredential, Url, PUBLIC_TOKEN_SCOPE};

use common::World;

const CLIENT_SECRET_MARK: &str = "client-s3cr3t-must-not-show";
const REFRESH_TOKEN_MARK: &str = "refresh-t0ken-must-not-show";

fn authority() -> Authority {
    Authority { host: Url::parse("https://login.microsoftonline.com/").expect("url"), tenant: "organizations".into() }
}

#[test]
fn credentials_hide_their_client_secret_and_refresh_token() {
    let by_secret = EntraCredential::client_secret(reqwest::Client::new(), authority(), "app".into(), Secret::new(CLIENT_SECRET_MARK));
    let by_refresh =
        EntraCredential::from_refresh_token(reqwest::Client::new(), authority(), "app".into(), Secret::new(REFRESH_TOKEN_MARK));
    for shown in [format!("{by_secret:?}"), format!("{by_secret:#?}"), format!("{by_refresh:?}"), format!("{by_refresh:#?}")] {
        assert!(!shown.contains(CLIENT_SECRET_MARK) && !shown.contains(REFRESH_TOKEN_MARK), "{shown}");
        assert!(shown.contains("login.microsoftonline.com"), "the authority still shows: {shown}");
    }
    let secret = Secret::new(CLIENT_SECRET_MARK);
    assert!(!format!("{secret:?}").contains(CLIENT_SECRET_MARK));
}

/// After a real token exchange (the simulator's), neither the credential,
/// now caching an access token, nor the token itself prints it.
#[tokio::test]
async fn a_signed_in_credential_hides_its_access_token() {
    let world = World::start().await;
    let sp = world.principals["servicePrincipals"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["displayName"] == "exemption-desk-ci"))
        .expect("seeded CI principal");
    let client_secret = sp["clientSecret"].as_str().expect("secret").to_owned();
    let authority = Authority {
        host: Url::parse(&format!("{}/", world.sim.base_url())).expect("url"),
        tenant: world.principals["tenantId"].as_str().expect("tenant").to_owned(),
    };
    let credential = EntraCredential::client_secret(
        reqwest::Client::new(),
        authority,
        sp["clientId"].as_str().expect("id").to_owned(),
        Secret::new(client_secret.clone()),
    );
    let token = credential.token(PUBLIC_TOKEN_SCOPE).await.expect("token");
    let access_token = token.token.secret().to_owned();
    assert!(access_token.len() > 20, "a real token came back");
    for shown in [format!("{credential:?}"), format!("{credential:#?}"), format!("{token:?}")] {
        assert!(!shown.contains(&access_token), "access token in {shown}");
        assert!(!shown.contains(&client_secret), "client secret in {shown}");
    }
    world.sim.shutdown().await;
}
