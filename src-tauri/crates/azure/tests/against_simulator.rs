//! The Azure client against the simulator's demo tenant: what it reads, what
//! it refuses before sending anything, and exactly what it writes.

mod common;

use azure_core::credentials::Secret;
use common::*;
use desk_azure::SignIn;
use desk_core::apply::ItemState;
use serde_json::Value;

#[tokio::test]
async fn a_user_signs_in_with_auth_code_and_pkce() {
    let world = World::start().await;
    let client_id = world.principals["publicClientId"].as_str().expect("client").to_owned();
    let sign_in = SignIn::UserWithoutPrompt { client_id, login_hint: "morgan.manager@contoso.example".into() };
    let (tenant, identity) = world.connection(sign_in).connect().await.expect("signs in");
    assert_eq!(identity.account, "morgan.manager@contoso.example");
    assert_eq!(identity.tenant_id, world.principals["tenantId"].as_str().expect("tenant"));
    assert_eq!(tenant.subscriptions().await.expect("lists").len(), 4);
    let token_calls: Vec<Value> =
        world.requests().await.into_iter().filter(|r| r["path"].as_str().unwrap_or("").ends_with("/token")).collect();
    assert_eq!(token_calls.len(), 1, "the token is cached: one exchange for every ARM call");
}

#[tokio::test]
async fn a_wrong_secret_is_a_sign_in_error() {
    let world = World::start().await;
    let sign_in = SignIn::ClientSecret { client_id: "740a34f6-1b33-436e-b6f3-b52def46a49d".into(), secret: Secret::new("wrong") };
    let Err(error) = world.connection(sign_in).connect().await else { panic!("a wrong secret was accepted") };
    assert_eq!(error.code(), "sign_in", "{error}");
}

#[tokio::test]
async fn recommendations_sum_counts_and_flag_what_cannot_be_exempted() {
    let world = World::start().await;
    let (tenant, _) = world.as_service_principal().await;
    let one = tenant.recommendations(&[PRODUCTION.into()]).await.expect("lists");
    let both = tenant.recommendations(&[PRODUCTION.into(), DEVELOPMENT.into()]).await.expect("lists");
    let find =
        |list: &[desk_core::recommendation::Recommendation], key: &str| list.iter().find(|r| r.key == key).cloned().expect("present");
    let a = find(&one, SECURE_TRANSFER);
    let b = find(&both, SECURE_TRANSFER);
    assert!(b.unhealthy_count + b.healthy_count > a.unhealthy_count + a.healthy_count);
    assert_eq!(a.not_exemptible_reason, None);
    let privileged = find(&both, PRIVILEGED_CONTAINERS).not_exemptible_reason.expect("refused");
    assert!(privileged.contains("does not support"));
    let custom = find(&both, CUSTOM_COST_CENTER).not_exemptible_reason.expect("refused");
    assert!(custom.contains("Custom"));
    let severities: Vec<_> = both.iter().map(|r| r.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted, "most severe first");
}

#[tokio::test]
async fn creating_sends_exactly_the_planned_puts_and_lists_them_back() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let writes = plan(&tenant, &draft(&[PRODUCTION, DEVELOPMENT], SECURE_TRANSFER), &identity.account).await.expect("plans");
    let (outcomes, _) = apply(&tenant, &writes).await;
    assert!(outcomes.iter().all(|(_, s)| *s == ItemState::Succeeded), "{outcomes:?}");
    let puts = world.puts().await;
    assert_eq!(puts.len(), writes.len());
    for write in &writes {
        let put = puts.iter().find(|p| p["path"] == write.path.as_str()).expect("sent");
        assert_eq!(put["path"], write.path);
        assert_eq!(put["body"], write.body, "the body sent is the body planned");
        assert_eq!(put["query"]["api-version"], "2022-07-01-preview");
        assert_eq!(put["status"], 201);
    }
    let production = puts
        .iter()
        .find(|p| p["path"] == format!("/subscriptions/{PRODUCTION}/providers/Microsoft.Authorization/policyExemptions/backend-test"))
        .expect("the benchmark exemption at Production");
    let p = &production["body"]["properties"];
    assert_eq!(
        p["policyAssignmentId"],
        format!("/subscriptions/{PRODUCTION}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn")
    );
    assert_eq!(p["policyDefinitionReferenceIds"], serde_json::json!(["secureTransferToStorageAccountMonitoring"]));
    assert_eq!(p["expiresOn"], "2030-06-30T21:59:59Z", "end of the user's day (UTC+2) in UTC");
    assert_eq!(p["exemptionCategory"], "Mitigated");
    assert_eq!(p["metadata"]["requestedBy"], identity.account.as_str());

    let listed = tenant.exemptions(&[PRODUCTION.into()]).await.expect("lists");
    let ours = listed.iter().find(|e| e.name == "backend-test").expect("listed");
    assert_eq!(ours.display_name.as_deref(), Some("Backend test"));
    assert!(!ours.expired);
}

#[tokio::test]
async fn a_subscription_without_the_benchmark_is_refused_before_any_write() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let error = plan(&tenant, &draft(&[PRODUCTION, SANDBOX], SECURE_TRANSFER), &identity.account).await.expect_err("refused");
    assert_eq!(error.code(), "checks_failed", "{error}");
    assert!(world.puts().await.is_empty());
}

#[tokio::test]
async fn invalid_drafts_and_unsupported_recommendations_send_nothing() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let before = world.requests().await.len();
    let mut bad = draft(&[PRODUCTION], SECURE_TRANSFER);
    bad.name = "bad/name".into();
    let error = plan(&tenant, &bad, &identity.account).await.expect_err("refused");
    assert_eq!(error.code(), "invalid_request");
    assert_eq!(world.requests().await.len(), before, "a bad draft never reaches Azure");

    for key in [PRIVILEGED_CONTAINERS, CUSTOM_COST_CENTER] {
        let error = plan(&tenant, &draft(&[PRODUCTION], key), &identity.account).await.expect_err("refused");
        assert_eq!(error.code(), "checks_failed", "{key}: {error}");
    }
    assert!(world.puts().await.is_empty());
}

#[tokio::test]
async fn azure_refusals_come_back_with_azures_code_and_message() {
    let world = World::start().await;
    let (tenant, identity) = world.as_service_principal().await;
    let mut writes = plan(&tenant, &draft(&[PRODUCTION], SECURE_TRANSFER), &identity.account).await.expect("plans");
    writes[0].body["properties"]["policyDefinitionReferenceIds"] = serde_json::json!(["notInTheInitiative"]);
    let (outcomes, recorder) = apply(&tenant, &writes[..1]).await;
    assert_eq!(outcomes, vec![(0, ItemState::Failed)]);
    let log = recorder.0.into_inner().expect("log");
    let message = log.last().and_then(|(_, _, m)| m.clone()).unwrap_or_default();
    assert!(message.contains("InvalidPolicyDefinitionReference"), "{message}");
    assert_eq!(log.iter().filter(|(_, s, _)| *s == ItemState::Sending).count(), 1, "a 400 is not retried");
}

/// The first screen's question: may this sign-in write exemptions anywhere?
/// The CI principal may; a Reader may nowhere, and that is surely so.
#[tokio::test]
async fn write_access_tells_a_reader_from_someone_who_may_exempt() {
    let world = World::start().await;
    let (ci, _) = world.as_service_principal().await;
    let ids: Vec<String> = ci.subscriptions().await.expect("lists").into_iter().map(|s| s.id).collect();
    let access = ci.write_access(&ids).await.expect("reads");
    assert_eq!(access.subscriptions, 4);
    assert!(access.writable > 0 && !access.nowhere(), "{access:?}");

    let (reader, _) = world.as_user("riley.reader@contoso.example").await;
    let ids: Vec<String> = reader.subscriptions().await.expect("lists").into_iter().map(|s| s.id).collect();
    let access = reader.write_access(&ids).await.expect("reads");
    assert!(access.subscriptions > 0 && access.nowhere(), "{access:?}");
}
