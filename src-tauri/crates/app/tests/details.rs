//! One exemption's details through the application layer: created, extended
//! and deleted by the app, its details show it as Azure returns it, what it
//! covers, and each of those writes as an audit entry — also once it is gone.

mod common;

use std::sync::Arc;

use common::*;
use desk_core::apply::ItemState;
use desk_core::change::{ChangeRequest, ExemptionChange, ExtendBy};
use desk_core::details::AuditAction;
use desk_core::ErrorCode;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_show_the_exemption_as_azure_has_it_and_what_the_app_did_to_it() {
    let world = World::start().await;
    let dir = DataDir::new("details");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let events = Arc::new(Recorder::default());
    app.sign_in(&*events, world.service_principal("ci")).await.expect("signs in");

    let created = app.prepare_exemption(draft(&[PRODUCTION], SECURE_TRANSFER, "detailed")).await.expect("prepares");
    let apply_id = app.apply_plan(events.clone(), &created.plan_id).await.expect("applies");
    until("the creation ends", || !app.is_running(&apply_id)).await;
    let id = created.writes[0].path.clone();
    let extend = ChangeRequest { exemption_ids: vec![id.clone()], change: ExemptionChange::ExtendBy(ExtendBy { days: 30 }) };
    let extension = app.prepare_change(extend).await.expect("prepares");
    let apply_id = app.apply_plan(events.clone(), &extension.plan_id).await.expect("applies");
    until("the extension ends", || !app.is_running(&apply_id)).await;

    let details = app.exemption_details(&id.to_lowercase()).await.expect("details");
    let raw: Value = serde_json::from_str(details.raw_json.as_deref().expect("it exists")).expect("JSON");
    let expiry = extension.writes[0].body["properties"]["expiresOn"].as_str().expect("an expiry");
    assert_eq!(raw["properties"]["expiresOn"].as_str(), Some(expiry), "as Azure holds it now");
    assert!(raw["systemData"]["createdAt"].is_string(), "systemData as Azure sent it");
    let property = |path: &str| details.properties.iter().find(|p| p.path == path).map(|p| p.value.clone());
    assert_eq!(property("properties.expiresOn").as_deref(), Some(expiry));
    assert!(property("properties.metadata.requestedBy").is_some(), "metadata key by key: {:?}", details.properties);
    let coverage = details.coverage.expect("coverage");
    assert_eq!(coverage.recommendations.len(), 1, "{:?}", coverage.recommendations);
    assert_eq!(coverage.recommendations[0].key, SECURE_TRANSFER);
    assert!(coverage.total > 0 && !coverage.resources.is_empty(), "the subscription's storage accounts");
    assert!(coverage.resources.iter().all(|r| r.resource.subscription_id.eq_ignore_ascii_case(PRODUCTION)));
    let did: Vec<(AuditAction, Option<ItemState>)> = details.audit.iter().map(|a| (a.action, a.state)).collect();
    assert_eq!(did, [(AuditAction::Created, Some(ItemState::Succeeded)), (AuditAction::Changed, Some(ItemState::Succeeded))]);
    assert!(details.audit[1].changes.iter().any(|c| c.field == "expiresOn"), "the extension says what it changed");
    assert!(details.audit.iter().all(|a| !a.account.is_empty()));

    let delete =
        app.prepare_change(ChangeRequest { exemption_ids: vec![id.clone()], change: ExemptionChange::Delete }).await.expect("prepares");
    let apply_id = app.apply_plan(events.clone(), &delete.plan_id).await.expect("applies");
    until("the delete ends", || !app.is_running(&apply_id)).await;
    let gone = app.exemption_details(&id).await.expect("details of a deleted exemption");
    assert!(gone.raw_json.is_none() && gone.coverage.is_none() && gone.properties.is_empty());
    assert_eq!(gone.audit.last().map(|a| a.action), Some(AuditAction::Deleted), "the audit still says what happened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_that_is_not_exactly_an_exemptions_is_refused() {
    let world = World::start().await;
    let dir = DataDir::new("details-refused");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    app.sign_in(&Recorder::default(), world.service_principal("ci")).await.expect("signs in");
    let before = world.requests().await.len();
    for bad in [
        String::new(),
        format!("/subscriptions/{PRODUCTION}"),
        format!("/subscriptions/{PRODUCTION}/providers/Microsoft.Authorization/policyExemptions/a/b"),
        format!("/subscriptions/{PRODUCTION}/providers/Microsoft.Authorization/policyExemptions/a%2Fb"),
        format!("/subscriptions/{PRODUCTION}/resourceGroups/../providers/Microsoft.Authorization/policyExemptions/a"),
    ] {
        let refused = app.exemption_details(&bad).await.expect_err("refused");
        assert!(matches!(refused.code(), ErrorCode::InvalidRequest | ErrorCode::InvalidPath), "{bad}: {refused}");
    }
    assert_eq!(world.requests().await.len(), before, "nothing was read");
}
