//! Each scope kind and each check, against the simulator.

mod common;

use common::*;
use desk_core::apply::ItemState;
use desk_core::checks::{CheckKind, CheckStatus};
use desk_core::resource::ResourceStatus;
use desk_core::scope::ScopeChoice;

#[tokio::test]
async fn selected_resources_get_one_exemption_each_at_their_own_scope() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let subs = vec![PRODUCTION.to_owned(), DEVELOPMENT.to_owned()];
    let resources = tenant.recommendation_resources(SECURE_TRANSFER, &subs).await.expect("lists");
    let unhealthy: Vec<String> =
        resources.iter().filter(|r| r.status == ResourceStatus::Unhealthy).map(|r| r.id.clone()).collect();
    assert!(unhealthy.len() >= 2, "the seed has unhealthy storage accounts: {resources:?}");
    assert!(resources.iter().all(|r| r.resource_type == "Microsoft.Storage/storageAccounts"));

    let mut d = draft(&[], SECURE_TRANSFER);
    d.scope = ScopeChoice::Resources { ids: unhealthy.clone() };
    let prepared = tenant.prepare(&d, &requester(&identity.account)).await.expect("prepares");
    for c in &prepared.checks {
        assert_ne!(c.status, CheckStatus::Failed, "{:?}: {}", c.kind, c.detail);
    }
    let writes = prepared.writes.expect("plans");
    for id in &unhealthy {
        assert!(writes.iter().any(|w| &w.scope == id), "a write at {id}");
    }
    let (outcomes, _) = apply(&tenant, &writes).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");

    let puts = world.puts().await;
    assert_eq!(puts.len(), writes.len(), "each write sent exactly once");
    for id in &unhealthy {
        let listed = tenant.exemptions(&subs).await.expect("lists");
        assert!(listed.iter().any(|e| e.scope.eq_ignore_ascii_case(id) && e.name == "backend-test"), "exemption at {id}");
    }
}

#[tokio::test]
async fn a_reader_is_told_before_sending_that_they_may_not_write() {
    let world = World::start().await;
    let (tenant, identity) = world.as_user("riley.reader@contoso.example").await;
    let prepared = tenant.prepare(&draft(&[PRODUCTION], SECURE_TRANSFER), &requester(&identity.account)).await.expect("prepares");
    let permissions = prepared.checks.iter().find(|c| c.kind == CheckKind::Permissions).expect("checked");
    assert_eq!(permissions.status, CheckStatus::Failed, "{}", permissions.detail);
    assert!(permissions.detail.contains(PRODUCTION), "{}", permissions.detail);
    assert!(prepared.writes.is_err());
    assert!(world.puts().await.is_empty());
}

#[tokio::test]
async fn an_existing_name_is_shown_as_an_update_and_replaced_in_place() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let d = draft(&[PRODUCTION], SECURE_TRANSFER);
    let first = tenant.prepare(&d, &requester(&identity.account)).await.expect("prepares").writes.expect("plans");
    assert!(first.iter().all(|w| !w.replaces_existing));
    apply(&tenant, &first).await;
    let again = tenant.prepare(&d, &requester(&identity.account)).await.expect("prepares");
    let names = again.checks.iter().find(|c| c.kind == CheckKind::ExistingNames).expect("checked");
    assert_eq!(names.status, CheckStatus::Warning);
    let writes = again.writes.expect("an update is allowed");
    assert!(writes.iter().all(|w| w.replaces_existing));
    apply(&tenant, &writes).await;
    let statuses: Vec<i64> = world.puts().await.iter().map(|p| p["status"].as_i64().unwrap_or_default()).collect();
    assert!(statuses.iter().take(first.len()).all(|s| *s == 201) && statuses.iter().skip(first.len()).all(|s| *s == 200), "{statuses:?}");
}
