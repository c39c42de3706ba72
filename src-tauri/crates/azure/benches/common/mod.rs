//! What both benchmarks need: a tenant signed in to the simulator as its CI
//! service principal.

use azure_core::credentials::Secret;
use azure_sim::Simulator;
use desk_azure::{Connection, SignIn, Tenant, Url, PUBLIC_TOKEN_SCOPE};
use serde_json::Value;

pub async fn connect(sim: &Simulator) -> Tenant {
    let principals: Value =
        reqwest::get(format!("{}/_sim/principals", sim.base_url())).await.expect("principals").json().await.expect("json");
    let sp = principals["servicePrincipals"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["displayName"] == "exemption-desk-ci"))
        .expect("CI principal");
    let url = Url::parse(&format!("{}/", sim.base_url())).expect("url");
    let connection = Connection {
        arm_endpoint: url.clone(),
        graph_endpoint: url.clone(),
        authority_host: url,
        tenant: principals["tenantId"].as_str().expect("tenant").to_owned(),
        token_scope: PUBLIC_TOKEN_SCOPE.to_owned(),
        sign_in: SignIn::ClientSecret {
            client_id: sp["clientId"].as_str().expect("id").to_owned(),
            secret: Secret::new(sp["clientSecret"].as_str().expect("secret").to_owned()),
        },
    };
    connection.connect().await.expect("signs in").0
}
