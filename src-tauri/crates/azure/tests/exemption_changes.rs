//! Changes to existing exemptions against the simulator: extend, edit
//! (keeping what the app does not show), remove the expiry, delete; one
//! changed in Azure since the preview is not overwritten.

mod common;

use common::*;
use desk_azure::Tenant;
use desk_core::apply::ItemState;
use desk_core::arm_path::ArmPath;
use desk_core::change::{ChangeRequest, ExemptionChange, ExemptionEdit, ExtendBy, NewExpiry};
use desk_core::checks::blocks;
use desk_core::plan::{PlannedWrite, WriteMethod};
use serde_json::{json, Value};

const API: &str = "2022-07-01-preview";

/// A creation write for the benchmark at Production, to copy under other names.
async fn template(tenant: &Tenant, account: &str) -> PlannedWrite {
    let writes = plan(tenant, &draft(&[PRODUCTION], SECURE_TRANSFER), account).await.expect("plans");
    writes.into_iter().find(|w| w.policy_assignment_id.ends_with("/SecurityCenterBuiltIn")).expect("benchmark write")
}

/// PUT an exemption straight through the API, with what the app never
/// shows: resource selectors, scope validation, an unknown metadata key.
async fn seed(tenant: &Tenant, template: &PlannedWrite, name: &str, expires: Option<&str>) -> String {
    let mut body = template.body.clone();
    let props = &mut body["properties"];
    props["resourceSelectors"] = json!([{"name": "eu-only", "selectors": [{"kind": "resourceLocation", "in": ["westeurope"]}]}]);
    props["assignmentScopeValidation"] = json!("DoNotValidate");
    props["metadata"]["costCentre"] = json!("CC-4711");
    props["metadata"]["ticketRef"] = json!("CHG-1");
    match expires {
        Some(e) => props["expiresOn"] = json!(e),
        None => {
            if let Some(p) = props.as_object_mut() {
                p.remove("expiresOn");
            }
        }
    }
    let id = format!("{}/providers/Microsoft.Authorization/policyExemptions/{name}", template.scope);
    tenant.arm().put(&ArmPath::parse_id(&id).expect("id"), API, &body).await.expect("seeded");
    id
}

async fn read(tenant: &Tenant, id: &str) -> Option<Value> {
    tenant.exemption_raw(id).await.expect("reads")
}

fn request(ids: &[&str], change: ExemptionChange) -> ChangeRequest {
    ChangeRequest { exemption_ids: ids.iter().map(|s| s.to_string()).collect(), change }
}

#[tokio::test]
async fn extending_two_at_once_changes_only_their_expiry() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let t = template(&tenant, &identity.account).await;
    let a = seed(&tenant, &t, "extend-a", Some("2030-01-31T00:00:00Z")).await;
    let b = seed(&tenant, &t, "extend-b", Some("2030-03-01T00:00:00Z")).await;
    let before = read(&tenant, &a).await.expect("present");

    let plan = tenant.prepare_change(&request(&[&a, &b], ExemptionChange::ExtendBy(ExtendBy { days: 30 }))).await.expect("prepares");
    assert!(!blocks(&plan.checks), "{:?}", plan.checks);
    let (outcomes, _) = apply(&tenant, &plan.writes).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");

    let after = read(&tenant, &a).await.expect("present");
    assert_eq!(after["properties"]["expiresOn"], "2030-03-02T00:00:00Z");
    assert_eq!(read(&tenant, &b).await.expect("present")["properties"]["expiresOn"], "2030-03-31T00:00:00Z");
    let mut expected = before["properties"].clone();
    expected["expiresOn"] = after["properties"]["expiresOn"].clone();
    assert_eq!(after["properties"], expected, "nothing else changed");
    assert_eq!(after["systemData"]["createdAt"], before["systemData"]["createdAt"]);
}

#[tokio::test]
async fn an_edit_keeps_resource_selectors_scope_validation_and_unknown_metadata() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let t = template(&tenant, &identity.account).await;
    let id = seed(&tenant, &t, "edit-me", Some("2030-01-31T00:00:00Z")).await;
    let edit = ExemptionEdit {
        display_name: Some("Edited".into()),
        description: Some("Reviewed again".into()),
        category: Some(desk_core::exemption::ExemptionCategory::Waiver),
        expires_on: Some(NewExpiry { date: "2031-06-30".into(), utc_offset_minutes: 0 }),
        ticket: Some("CHG-2".into()),
    };
    let plan = tenant.prepare_change(&request(&[&id], ExemptionChange::Edit(edit))).await.expect("prepares");
    assert!(!blocks(&plan.checks), "{:?}", plan.checks);
    let (outcomes, _) = apply(&tenant, &plan.writes).await;
    assert_eq!(outcomes, vec![(0, ItemState::Succeeded)]);

    let props = read(&tenant, &id).await.expect("present")["properties"].clone();
    assert_eq!(props["displayName"], "Edited");
    assert_eq!(props["description"], "Reviewed again");
    assert_eq!(props["exemptionCategory"], "Waiver");
    assert_eq!(props["expiresOn"], "2031-06-30T23:59:59Z");
    assert_eq!(props["metadata"]["ticketRef"], "CHG-2");
    assert_eq!(props["metadata"]["costCentre"], "CC-4711");
    assert_eq!(props["resourceSelectors"][0]["name"], "eu-only");
    assert_eq!(props["assignmentScopeValidation"], "DoNotValidate");
    let put = world.puts().await.into_iter().last().expect("the edit's PUT");
    assert!(put["path"].as_str().unwrap_or_default().ends_with("/edit-me"), "{put}");
}

#[tokio::test]
async fn removing_the_expiry_and_deleting() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let t = template(&tenant, &identity.account).await;
    let keep = seed(&tenant, &t, "no-expiry", Some("2030-01-31T00:00:00Z")).await;
    let gone = seed(&tenant, &t, "delete-me", None).await;

    let plan = tenant.prepare_change(&request(&[&keep], ExemptionChange::RemoveExpiry)).await.expect("prepares");
    apply(&tenant, &plan.writes).await;
    let props = read(&tenant, &keep).await.expect("present")["properties"].clone();
    assert!(props.get("expiresOn").is_none(), "{props}");
    assert_eq!(props["metadata"]["costCentre"], "CC-4711");

    let plan = tenant.prepare_change(&request(&[&gone], ExemptionChange::Delete)).await.expect("prepares");
    assert_eq!(plan.writes[0].method, WriteMethod::Delete);
    let (outcomes, _) = apply(&tenant, &plan.writes).await;
    assert_eq!(outcomes, vec![(0, ItemState::Succeeded)]);
    assert_eq!(read(&tenant, &gone).await, None);
    let deletes = world.requests().await.into_iter().filter(|r| r["method"] == "DELETE").count();
    assert_eq!(deletes, 1);

    // Deleting again: already gone is success, with a note, and nothing is sent.
    let (outcomes, recorder) = apply(&tenant, &plan.writes).await;
    assert_eq!(outcomes, vec![(0, ItemState::Succeeded)]);
    let notes = recorder.0.lock().expect("lock").clone();
    assert!(
        notes.iter().any(|(_, s, m)| *s == ItemState::Succeeded && m.as_deref().is_some_and(|m| m.contains("Already gone"))),
        "{notes:?}"
    );
    assert_eq!(world.requests().await.into_iter().filter(|r| r["method"] == "DELETE").count(), 1);
}

#[tokio::test]
async fn one_changed_in_azure_since_the_preview_is_not_overwritten() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let t = template(&tenant, &identity.account).await;
    let changed = seed(&tenant, &t, "changed-meanwhile", Some("2030-01-31T00:00:00Z")).await;
    let steady = seed(&tenant, &t, "steady", Some("2030-01-31T00:00:00Z")).await;
    let extend = ExemptionChange::ExtendTo(NewExpiry { date: "2032-12-31".into(), utc_offset_minutes: 0 });
    let plan = tenant.prepare_change(&request(&[&changed, &steady], extend)).await.expect("prepares");
    assert_eq!(plan.writes.len(), 2);

    // Someone else extends it differently after the preview.
    seed(&tenant, &t, "changed-meanwhile", Some("2031-05-01T00:00:00Z")).await;
    let puts_before = world.puts().await.len();
    let (outcomes, recorder) = apply(&tenant, &plan.writes).await;
    assert_eq!(outcomes, vec![(0, ItemState::Changed), (1, ItemState::Succeeded)]);
    let notes = recorder.0.lock().expect("lock").clone();
    let (_, _, message) = notes.iter().find(|(i, s, _)| *i == 0 && *s == ItemState::Changed).expect("reported changed");
    let message = message.clone().unwrap_or_default();
    assert!(message.contains("expiresOn") && message.contains("2030-01-31") && message.contains("2031-05-01"), "{message}");
    assert_eq!(read(&tenant, &changed).await.expect("present")["properties"]["expiresOn"], "2031-05-01T00:00:00Z", "not overwritten");
    assert_eq!(read(&tenant, &steady).await.expect("present")["properties"]["expiresOn"], "2032-12-31T23:59:59Z");
    assert_eq!(world.puts().await.len(), puts_before + 1, "only the unchanged one was written");
}

/// Edit, remove expiry and delete, each prepared, then the exemption is
/// changed by someone else: none of the three is sent, each is reported as
/// changed with the difference, and Azure keeps the other writer's value.
#[tokio::test]
async fn every_action_leaves_one_changed_since_the_preview_alone() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let t = template(&tenant, &identity.account).await;
    let edit = ExemptionEdit { description: Some("Ours".into()), ..Default::default() };
    let actions = [
        ("edited-meanwhile", ExemptionChange::Edit(edit)),
        ("unexpired-meanwhile", ExemptionChange::RemoveExpiry),
        ("deleted-meanwhile", ExemptionChange::Delete),
    ];
    for (name, change) in actions {
        let id = seed(&tenant, &t, name, Some("2030-01-31T00:00:00Z")).await;
        let plan = tenant.prepare_change(&request(&[&id], change)).await.expect("prepares");
        assert!(!blocks(&plan.checks) && plan.writes.len() == 1, "{name}: {:?}", plan.checks);

        seed(&tenant, &t, name, Some("2031-05-01T00:00:00Z")).await;
        let writes_before = world.requests().await.into_iter().filter(|r| r["method"] == "PUT" || r["method"] == "DELETE").count();
        let (outcomes, recorder) = apply(&tenant, &plan.writes).await;
        assert_eq!(outcomes, vec![(0, ItemState::Changed)], "{name}");
        let notes = recorder.0.lock().expect("lock").clone();
        let message = notes.iter().find(|(_, s, _)| *s == ItemState::Changed).and_then(|(_, _, m)| m.clone()).unwrap_or_default();
        assert!(message.contains("since the preview") && message.contains("2031-05-01"), "{name}: {message}");
        let now = read(&tenant, &id).await.unwrap_or_else(|| panic!("{name} still there"));
        assert_eq!(now["properties"]["expiresOn"], "2031-05-01T00:00:00Z", "{name} not overwritten");
        let writes_after = world.requests().await.into_iter().filter(|r| r["method"] == "PUT" || r["method"] == "DELETE").count();
        assert_eq!(writes_after, writes_before, "{name}: nothing written");
    }
}

#[tokio::test]
async fn checks_refuse_a_reader_and_a_past_expiry_and_ids_that_are_not_exemptions() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let t = template(&tenant, &identity.account).await;
    let id = seed(&tenant, &t, "checked", Some("2030-01-31T00:00:00Z")).await;
    let past = ExemptionChange::ExtendTo(NewExpiry { date: "2020-01-01".into(), utc_offset_minutes: 0 });
    let plan = tenant.prepare_change(&request(&[&id], past)).await.expect("prepares");
    assert!(blocks(&plan.checks));
    let bad = tenant
        .prepare_change(&request(&["/subscriptions/x/providers/Microsoft.Authorization/policyAssignments/a"], ExemptionChange::Delete))
        .await;
    assert!(bad.is_err());
    let missing = format!("{}/providers/Microsoft.Authorization/policyExemptions/never-made", t.scope);
    let plan = tenant.prepare_change(&request(&[&missing], ExemptionChange::RemoveExpiry)).await.expect("prepares");
    assert!(blocks(&plan.checks) && plan.writes.is_empty());

    let (reader, _) = world.as_user("riley.reader@contoso.example").await;
    let plan = reader.prepare_change(&request(&[&id], ExemptionChange::Delete)).await.expect("prepares");
    let permissions = plan.checks.iter().find(|c| c.kind == desk_core::checks::CheckKind::Permissions).expect("checked");
    assert_eq!(permissions.status, desk_core::checks::CheckStatus::Failed, "{permissions:?}");
    assert!(permissions.detail.starts_with("You may not delete exemptions at"), "{}", permissions.detail);
}

#[tokio::test]
async fn an_exemption_on_a_resource_is_read_and_extended() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let t = template(&tenant, &identity.account).await;
    let resources = tenant.recommendation_resources(SECURE_TRANSFER, &[PRODUCTION.to_owned()]).await.expect("resources");
    let resource = resources.first().expect("a storage account").id.clone();
    let mut at_resource = t.clone();
    at_resource.scope = resource.clone();
    let id = seed(&tenant, &at_resource, "on-a-resource", Some("2030-01-31T00:00:00Z")).await;
    assert!(id.starts_with(&resource));
    let plan = tenant.prepare_change(&request(&[&id], ExemptionChange::ExtendBy(ExtendBy { days: 1 }))).await.expect("prepares");
    assert!(!blocks(&plan.checks), "{:?}", plan.checks);
    let (outcomes, _) = apply(&tenant, &plan.writes).await;
    assert_eq!(outcomes, vec![(0, ItemState::Succeeded)]);
    assert_eq!(read(&tenant, &id).await.expect("present")["properties"]["expiresOn"], "2030-02-01T00:00:00Z");
}
