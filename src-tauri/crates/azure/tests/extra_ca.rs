//! An extra CA certificate (`EXEMPTION_DESK_CA_CERTIFICATE`), as users behind
//! a TLS-inspecting proxy need: a server whose certificate a CA of the test's
//! own signed (Azurite's table service) is refused by the hardened client
//! without it and reached with it. One test in its own binary: it sets the
//! process's environment.

mod table_support;

use desk_azure::http::{client, trust_extra_ca_file, CA_CERTIFICATE_ENV};
use desk_azure::{AzureError, RequestTable};
use desk_core::request::RequestTableChoice;
use table_support::{minted, Azurite};

#[tokio::test]
async fn a_server_signed_by_the_extra_ca_is_refused_without_it_and_reached_with_it() {
    assert!(std::env::var_os(CA_CERTIFICATE_ENV).is_none(), "{CA_CERTIFICATE_ENV} must not be set for this test");
    let azurite = Azurite::start();
    let choice = RequestTableChoice { endpoint: azurite.endpoint.clone(), table: "extraca".into() };
    let credential = minted("72f988bf-86f1-41af-91ab-2d7cd011db47", "11111111-1111-4111-8111-111111111111", "riley@contoso.example");

    let untrusting = RequestTable::new(client().expect("client"), credential.clone(), &choice).expect("table");
    let refused = untrusting.create_if_missing().await.expect_err("an unknown CA is refused");
    assert!(matches!(refused, AzureError::Network { .. }), "{refused:?}");
    assert_eq!(refused.code(), "network");
    assert!(refused.to_string().to_lowercase().contains("certificate"), "the cause is named: {refused}");

    let dir = std::env::temp_dir().join(format!("desk-extra-ca-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("dir");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &azurite.certificates.ca_pem).expect("ca file");
    std::env::set_var(CA_CERTIFICATE_ENV, &ca);
    let trusting = RequestTable::new(client().expect("client with the extra CA"), credential.clone(), &choice).expect("table");
    trusting.create_if_missing().await.expect("reached through the extra CA");

    std::fs::write(&ca, "not a certificate").expect("garbage");
    let e = client().expect_err("a file without certificates is refused");
    assert_eq!(e.code(), "configuration");
    assert!(e.to_string().contains(CA_CERTIFICATE_ENV), "{e}");
    std::env::set_var(CA_CERTIFICATE_ENV, dir.join("missing.pem"));
    let e = client().expect_err("a missing file is refused");
    assert!(e.to_string().contains("missing.pem"), "{e}");
    std::env::remove_var(CA_CERTIFICATE_ENV);

    // The same file chosen in Settings instead of the environment.
    std::fs::write(&ca, &azurite.certificates.ca_pem).expect("ca file");
    trust_extra_ca_file(Some(ca.clone()));
    let chosen = RequestTable::new(client().expect("client with the chosen CA"), credential.clone(), &choice).expect("table");
    chosen.create_if_missing().await.expect("reached through the CA chosen in Settings");
    trust_extra_ca_file(None);
    let again = RequestTable::new(client().expect("client"), credential.clone(), &choice).expect("table");
    again.create_if_missing().await.expect_err("no longer trusted once the choice is cleared");
    let _ = std::fs::remove_dir_all(&dir);
}
