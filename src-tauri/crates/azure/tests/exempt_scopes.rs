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
    let unhealthy: Vec<String> = resources.iter().filter(|r| r.status == ResourceStatus::Unhealthy).map(|r| r.id.clone()).collect();
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

#[tokio::test]
async fn a_user_without_the_root_group_sees_the_groups_they_can_read() {
    let world = World::start().await;
    let (tenant, _) = world.as_user("alex.admin@contoso.example").await;
    let tree = tenant.management_groups().await.expect("reads").expect("some groups are readable");
    assert_eq!(tree.name, "contoso");
    let names: Vec<&str> = tree.children.iter().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"contoso-landingzones") && names.contains(&"contoso-platform"), "{names:?}");
    let subs = desk_azure::subscriptions_under(&tree, "contoso-landingzones");
    assert!(subs.contains(&PRODUCTION.to_owned()) && subs.contains(&DEVELOPMENT.to_owned()), "{subs:?}");
}

fn mg_draft(group: &str) -> desk_core::exemption::ExemptionDraft {
    let mut d = draft(&[], SECURE_TRANSFER);
    d.scope = ScopeChoice::ManagementGroup { name: group.into() };
    d
}

fn reader_check(prepared: &desk_azure::Prepared) -> &desk_core::checks::Check {
    prepared.checks.iter().find(|c| c.kind == CheckKind::SecurityReader).expect("checked")
}

#[tokio::test]
async fn a_management_group_needs_the_security_provider_as_reader_and_an_owner_can_grant_it() {
    let world = World::start().await;
    let group = "contoso-landingzones";

    let (alex, alex_id) = world.as_user("alex.admin@contoso.example").await;
    let refused = alex.prepare(&mg_draft(group), &requester(&alex_id.account)).await.expect("prepares");
    let check = reader_check(&refused);
    assert_eq!(check.status, CheckStatus::Failed);
    assert_eq!(check.grant_security_reader_at, None, "a Security Admin may not grant roles");
    assert!(refused.writes.is_err());

    let (morgan, morgan_id) = world.as_user("morgan.manager@contoso.example").await;
    let offered = morgan.prepare(&mg_draft(group), &requester(&morgan_id.account)).await.expect("prepares");
    assert_eq!(reader_check(&offered).grant_security_reader_at.as_deref(), Some("contoso-landingzones"));
    morgan.grant_security_reader(group).await.expect("grants");
    let grant = world.puts().await.into_iter().find(|p| p["path"].as_str().unwrap_or("").contains("/roleAssignments/")).expect("role PUT");
    assert_eq!(grant["body"]["properties"]["principalId"], "8313e63d-0f9a-4c80-970a-40949f41f0d6", "the provider's object id, from Graph");
    assert!(grant["body"]["properties"]["roleDefinitionId"].as_str().unwrap_or("").ends_with("/acdd72a7-3385-48ef-bd42-f606fba81ae7"));

    let ready = morgan.prepare(&mg_draft(group), &requester(&morgan_id.account)).await.expect("prepares");
    assert_eq!(reader_check(&ready).status, CheckStatus::Passed);
    let writes = ready.writes.expect("plans");
    assert_eq!(writes[0].scope, "/providers/Microsoft.Management/managementGroups/contoso-landingzones");
    assert!(writes[0].policy_assignment_id.ends_with("/mcsb-landingzones"));
    assert_eq!(writes.len(), 5, "the group's own assignment and the four in its subscriptions: {writes:?}");
    assert!(writes[1..].iter().all(|w| w.below_chosen_scope && w.scope.starts_with("/subscriptions/")));
    let (outcomes, _) = apply(&morgan, &writes).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
}

#[tokio::test]
async fn the_reader_check_passes_where_the_provider_already_reads() {
    let world = World::start().await;
    let (alex, id) = world.as_user("alex.admin@contoso.example").await;
    let prepared = alex.prepare(&mg_draft("contoso-platform"), &requester(&id.account)).await.expect("prepares");
    assert_eq!(reader_check(&prepared).status, CheckStatus::Passed);
    let initiatives = prepared.checks.iter().find(|c| c.kind == CheckKind::Initiatives).expect("checked");
    // None is assigned at or above contoso-platform, but Shared Services below it holds the benchmark and ISO 27001.
    assert_eq!(initiatives.status, CheckStatus::Passed, "{}", initiatives.detail);
    assert!(initiatives.detail.starts_with("2 initiative assignments: 2 on 1 subscription below it."), "{}", initiatives.detail);
    let writes = prepared.writes.expect("plans");
    assert!(writes.iter().all(|w| w.scope == "/subscriptions/644229d8-401b-4ed5-9b1c-5f7bf2d941da"), "{writes:?}");
}
