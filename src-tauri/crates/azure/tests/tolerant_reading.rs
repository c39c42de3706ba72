//! Recommendations as Azure may really report them: metadata joined from the
//! documented `assessmentMetadata` list (not `$expand` on the assessments
//! list), unknown severities, types and status codes kept as `Unknown`, and
//! a recommendation without metadata still listed (not exemptible) while the
//! rest of the list loads.

mod common;

use common::*;
use desk_core::recommendation::{AssessmentType, Severity, NO_METADATA_REASON};
use desk_core::resource::ResourceStatus;
use serde_json::{json, Value};

const ODD: &str = "0dd0dd00-0000-4000-8000-00000000000a";
const HIDDEN: &str = "0dd0dd00-0000-4000-8000-00000000000b";

fn shop() -> String {
    format!("/subscriptions/{PRODUCTION}/resourceGroups/rg-prod-web/providers/Microsoft.Web/sites/app-contoso-shop-prod")
}

fn path_of(r: &Value) -> String {
    r["path"].as_str().unwrap_or_default().to_ascii_lowercase()
}

#[tokio::test]
async fn metadata_comes_from_its_list_joined_by_key_without_expand() {
    let world = World::start().await;
    // This is about ARM's lists: Resource Graph, asked first, is turned away.
    world.control("/_sim/settings", serde_json::json!({"resourceGraphAnswer": "denied"})).await;
    let (tenant, _) = world.as_service_principal().await;
    let list = tenant.recommendations(&[PRODUCTION.into(), DEVELOPMENT.into()]).await.expect("lists");
    let secure = list.iter().find(|r| r.key == SECURE_TRANSFER).expect("secure transfer listed");
    assert_eq!(secure.assessment_type, AssessmentType::BuiltIn);
    assert_ne!(secure.severity, Severity::Unknown);
    assert!(secure.policy_definition_id.is_some() && secure.not_exemptible_reason.is_none());
    let custom = list.iter().find(|r| r.key == CUSTOM_COST_CENTER).expect("custom listed");
    assert_eq!(custom.assessment_type, AssessmentType::CustomPolicy);

    let requests = world.requests().await;
    let assessments: Vec<&Value> = requests.iter().filter(|r| path_of(r).ends_with("/providers/microsoft.security/assessments")).collect();
    assert_eq!(assessments.len(), 2, "one list per subscription");
    for r in &assessments {
        let raw = r["rawQuery"].as_str().unwrap_or_default().to_ascii_lowercase();
        assert!(!raw.contains("expand"), "no $expand on the assessments list: {raw}");
    }
    let metadata: Vec<&Value> =
        requests.iter().filter(|r| path_of(r).ends_with("/providers/microsoft.security/assessmentmetadata")).collect();
    assert_eq!(metadata.len(), 1, "one metadata list, at the provider: {metadata:?}");
    assert_eq!(path_of(metadata[0]), "/providers/microsoft.security/assessmentmetadata");
    assert!(requests.iter().all(|r| !path_of(r).contains("/assessmentmetadata/")), "no per-recommendation reads");
}

#[tokio::test]
async fn unknown_values_and_missing_metadata_keep_their_rows_and_the_rest_of_the_list() {
    let world = World::start().await;
    world
        .control(
            "/_sim/recommendations",
            json!({"name": ODD, "displayName": "Odd recommendation", "severity": "Critical", "assessmentType": "Partner", "statusCode": "Pending", "resources": [shop()]}),
        )
        .await;
    world
        .control(
            "/_sim/recommendations",
            json!({"name": HIDDEN, "displayName": "Recommendation without metadata", "listed": false, "statusCode": "Unhealthy",
                   "resources": [shop(), format!("/subscriptions/{PRODUCTION}")]}),
        )
        .await;
    let (tenant, _) = world.as_service_principal().await;
    let list = tenant.recommendations(&[PRODUCTION.into()]).await.expect("the whole list loads");
    assert!(list.iter().any(|r| r.key == SECURE_TRANSFER), "the other recommendations are still there");

    let odd = list.iter().find(|r| r.key == ODD).expect("odd one kept");
    assert_eq!((odd.severity, odd.assessment_type), (Severity::Unknown, AssessmentType::Unknown));
    assert_eq!(odd.display_name, "Odd recommendation");
    assert_eq!(odd.healthy_count + odd.unhealthy_count + odd.not_applicable_count, 0, "an unknown status is not counted as a known one");
    assert!(odd.not_exemptible_reason.as_deref().unwrap_or_default().contains("does not know"));

    let hidden = list.iter().find(|r| r.key == HIDDEN).expect("listed without metadata");
    assert_eq!(hidden.display_name, "Recommendation without metadata", "the name the assessments carry");
    assert_eq!((hidden.severity, hidden.assessment_type), (Severity::Unknown, AssessmentType::Unknown));
    assert_eq!(hidden.unhealthy_count, 2);
    assert_eq!(hidden.not_exemptible_reason.as_deref(), Some(NO_METADATA_REASON));
    assert_eq!(list.last().map(|r| r.severity), Some(Severity::Unknown), "unknown severities sort last");

    // The subscription's own metadata list was consulted for the missing key.
    let requests = world.requests().await;
    assert!(requests.iter().any(|r| path_of(r) == format!("/subscriptions/{PRODUCTION}/providers/microsoft.security/assessmentmetadata")));

    // Their resources still show: the unknown status as Unknown.
    let resources = tenant.recommendation_resources(ODD, &[PRODUCTION.into()]).await.expect("resources");
    assert_eq!(resources.iter().map(|r| r.status).collect::<Vec<_>>(), [ResourceStatus::Unknown]);
    let resources = tenant.recommendation_resources(HIDDEN, &[PRODUCTION.into()]).await.expect("resources without metadata");
    assert_eq!(resources.len(), 2);
    assert!(resources.iter().all(|r| r.status == ResourceStatus::Unhealthy));
}
