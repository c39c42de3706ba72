//! No draft, id or stored write can change which resource a request
//! addresses: against the simulator, with its request log as the witness.

mod common;

use common::*;
use desk_azure::api_version as v;
use desk_azure::AzureError;
use desk_core::apply::ItemState;
use desk_core::arm_path::ArmPath;
use desk_core::scope::ScopeChoice;
use desk_core::validation::DraftField;
use desk_core::CoreError;
use serde_json::Value;

fn victim_path() -> ArmPath {
    ArmPath::subscription(PRODUCTION).and_then(|s| s.policy_exemption("victim")).expect("path")
}

fn field_errors(error: AzureError) -> Vec<(DraftField, String)> {
    match error {
        AzureError::Domain(CoreError::InvalidDraft(errors)) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn a_name_with_a_hash_is_refused_and_the_exemption_it_would_have_hit_is_untouched() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let mut d = draft(&[PRODUCTION], SECURE_TRANSFER);
    d.name = "victim".into();
    let writes = plan(&tenant, &d, &identity.account).await.expect("plans");
    assert!(writes.len() >= 2, "Production holds the recommendation in more than one initiative: {writes:?}");
    let (outcomes, _) = apply(&tenant, &writes).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
    let before = tenant.arm().get(&victim_path(), v::POLICY_EXEMPTIONS, &[]).await.expect("victim exists");
    let puts_before = world.puts().await.len();

    // The form: a field error on the name, nothing planned or sent.
    d.name = "victim#new".into();
    let errors = field_errors(plan(&tenant, &d, &identity.account).await.expect_err("refused"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, DraftField::Name);
    assert!(errors[0].1.contains("'#'"), "{}", errors[0].1);

    // A stored write that skipped the form (an older build's journal): the
    // apply re-derives its path from scope and name and refuses to send it.
    let mut forged = writes[1].clone();
    forged.name = "victim#new".into();
    forged.path = format!("{}/providers/Microsoft.Authorization/policyExemptions/victim#new", forged.scope);
    let mut misleading = writes[1].clone();
    misleading.path = victim_path().to_string();
    let (outcomes, recorder) = apply(&tenant, &[forged, misleading]).await;
    assert_eq!(outcomes, vec![(0, ItemState::Failed), (1, ItemState::Failed)]);
    let messages = recorder.0.lock().expect("lock").clone();
    assert!(
        messages.iter().any(|(i, _, m)| *i == 0 && m.as_deref().is_some_and(|m| m.starts_with("Not sent") && m.contains('#'))),
        "{messages:?}"
    );
    assert!(messages.iter().any(|(i, _, m)| *i == 1 && m.as_deref().is_some_and(|m| m.contains("not the one previewed"))), "{messages:?}");
    assert_eq!(world.puts().await.len(), puts_before, "nothing was sent");

    // Even a raw segment full of URL syntax stays one segment of one name.
    let hostile = ArmPath::subscription(PRODUCTION).and_then(|s| s.policy_exemption("victim#new?x=1/../y")).expect("path");
    let _ = tenant.arm().put(&hostile, v::POLICY_EXEMPTIONS, &writes[1].body).await;
    let puts = world.puts().await;
    let last = puts.last().expect("sent");
    assert_eq!(
        last["path"],
        format!("/subscriptions/{PRODUCTION}/providers/Microsoft.Authorization/policyExemptions/victim%23new%3Fx%3D1%2F..%2Fy")
    );
    assert_eq!(last["query"].as_object().map(|q| q.keys().cloned().collect::<Vec<_>>()), Some(vec!["api-version".to_owned()]));

    let after = tenant.arm().get(&victim_path(), v::POLICY_EXEMPTIONS, &[]).await.expect("victim still exists");
    assert_eq!(after["properties"], before["properties"], "victim is untouched");
    assert_eq!(
        after.pointer("/properties/policyAssignmentId").and_then(Value::as_str),
        writes[0].body.pointer("/properties/policyAssignmentId").and_then(Value::as_str)
    );
}

#[tokio::test]
async fn resource_ids_that_could_address_something_else_are_refused_before_any_request() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let base = format!("/subscriptions/{PRODUCTION}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts");
    let cases = [
        (format!("{base}/st1?api-version=2020-01-01"), "'?'"),
        (format!("{base}/st1#x"), "'#'"),
        (format!("{base}/st1/../.."), "'..'"),
        (format!("{base}/st1%2F..%2F.."), "'%'"),
        (format!("{base}/st1\\..\\.."), "'\\'"),
        (format!("{base}/st1/./x"), "'.'"),
        (format!("/subscriptions/{PRODUCTION}/resourceGroups/rg-data"), "it must be"),
    ];
    let requests_before = world.requests().await.len();
    for (id, reason) in cases {
        let mut d = draft(&[PRODUCTION], SECURE_TRANSFER);
        d.scope = ScopeChoice::Resources { ids: vec![id.clone()] };
        let errors = field_errors(plan(&tenant, &d, &identity.account).await.expect_err(&id));
        assert_eq!(errors.len(), 1, "{id}: {errors:?}");
        assert_eq!(errors[0].0, DraftField::Scope, "{id}");
        assert!(errors[0].1.contains("is not a resource id") && errors[0].1.contains(reason), "{id}: {}", errors[0].1);
    }
    let mut d = draft(&[PRODUCTION], SECURE_TRANSFER);
    d.scope = ScopeChoice::ManagementGroup { name: "..".into() };
    assert_eq!(field_errors(plan(&tenant, &d, &identity.account).await.expect_err("refused"))[0].0, DraftField::Scope);
    d.scope = ScopeChoice::Subscriptions { ids: vec![format!("{PRODUCTION}/resourceGroups/rg-data")] };
    assert_eq!(field_errors(plan(&tenant, &d, &identity.account).await.expect_err("refused"))[0].0, DraftField::Scope);
    assert_eq!(world.requests().await.len(), requests_before, "not one request was made for a refused draft");
}
