//! What the benchmarks need: a tenant signed in to the simulator as its CI
//! service principal, and that principal's ARM token for a bench's own
//! requests.

use azure_core::credentials::Secret;
use azure_sim::Simulator;
use desk_azure::{Connection, SignIn, Tenant, Url, PUBLIC_TOKEN_SCOPE};
use serde_json::Value;

/// The seed's CI service principal: tenant, client id and secret.
struct Principal {
    tenant: String,
    client_id: String,
    secret: String,
}

async fn ci_principal(sim: &Simulator) -> Principal {
    let principals: Value =
        reqwest::get(format!("{}/_sim/principals", sim.base_url())).await.expect("principals").json().await.expect("json");
    let sp = principals["servicePrincipals"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["displayName"] == "exemption-desk-ci"))
        .expect("CI principal");
    Principal {
        tenant: principals["tenantId"].as_str().expect("tenant").to_owned(),
        client_id: sp["clientId"].as_str().expect("id").to_owned(),
        secret: sp["clientSecret"].as_str().expect("secret").to_owned(),
    }
}

pub async fn connect(sim: &Simulator) -> Tenant {
    let Principal { tenant, client_id, secret } = ci_principal(sim).await;
    let url = Url::parse(&format!("{}/", sim.base_url())).expect("url");
    let connection = Connection {
        arm_endpoint: url.clone(),
        graph_endpoint: url.clone(),
        authority_host: url,
        tenant,
        token_scope: PUBLIC_TOKEN_SCOPE.to_owned(),
        sign_in: SignIn::ClientSecret { client_id, secret: Secret::new(secret) },
    };
    connection.connect().await.expect("signs in").0
}

/// An ARM access token for the CI principal (client credentials), for the
/// requests a bench sends itself rather than through a [`Tenant`].
#[allow(dead_code)] // tenant_reads only; each bench compiles this module.
pub async fn ci_token(sim: &Simulator) -> String {
    let Principal { tenant, client_id, secret } = ci_principal(sim).await;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", client_id.as_str()),
        ("client_secret", secret.as_str()),
        ("scope", "https://management.azure.com/.default"),
    ];
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/{tenant}/oauth2/v2.0/token", sim.base_url()))
        .form(&form)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    answer["access_token"].as_str().expect("a token").to_owned()
}
