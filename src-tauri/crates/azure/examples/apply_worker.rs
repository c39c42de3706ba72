//! Finishes an apply from its journal, as the app does on resume: used by the
//! kill-and-resume test, which kills this process midway.
//!
//! `apply_worker <arm-url> <tenant> <client-id> <client-secret> <journal.sqlite> <apply-id> <concurrency>`

use azure_core::credentials::Secret;
use desk_azure::{apply_writes, ApplyOptions, Cancel, Connection, SignIn, Url, PUBLIC_TOKEN_SCOPE};
use desk_store::{Journal, Store};

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [arm, tenant, client_id, secret, journal, apply_id, concurrency] = args.as_slice() else {
        return Err("usage: apply_worker <arm-url> <tenant> <client-id> <client-secret> <journal> <apply-id> <concurrency>".into());
    };
    let url = Url::parse(&format!("{arm}/")).map_err(|e| e.to_string())?;
    let connection = Connection {
        arm_endpoint: url.clone(),
        graph_endpoint: url.clone(),
        authority_host: url,
        tenant: tenant.clone(),
        token_scope: PUBLIC_TOKEN_SCOPE.to_owned(),
        sign_in: SignIn::ClientSecret { client_id: client_id.clone(), secret: Secret::new(secret.clone()) },
    };
    let (tenant, _) = connection.connect().await.map_err(|e| e.to_string())?;
    let store = Store::open(std::path::Path::new(journal)).map_err(|e| e.to_string())?;
    let items = store.items_to_send(apply_id, |s| !s.is_final()).map_err(|e| e.to_string())?;
    let options = ApplyOptions { concurrency_per_subscription: concurrency.parse().map_err(|_| "concurrency")?, ..ApplyOptions::default() };
    let journal = Journal { store: &store, apply_id };
    apply_writes(tenant.arm(), items, &options, &journal, &Cancel::default()).await;
    Ok(())
}
