//! MCSB assigned at management group `contoso-landingzones` in the demo seed:
//! inheritance, exemptions at the group, assessments with several covering
//! assignments, permissions at a management group, and the Security Resource
//! Provider's Reader grant.

mod common;
use common::*;
use serde_json::{json, Value};

const LZ: &str = "/providers/Microsoft.Management/managementGroups/contoso-landingzones";
const PLATFORM: &str = "/providers/Microsoft.Management/managementGroups/contoso-platform";
const LZ_MCSB: &str =
    "/providers/Microsoft.Management/managementGroups/contoso-landingzones/providers/Microsoft.Authorization/policyAssignments/mcsb-landingzones";
const SRP_OBJECT_ID: &str = "8313e63d-0f9a-4c80-970a-40949f41f0d6";
const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const REF: &str = "secureTransferToStorageAccountMonitoring";
const SECURE_TRANSFER: &str = "Secure transfer to storage accounts should be enabled";

fn exemption(assignment: &str, refs: &[&str]) -> Value {
    json!({ "properties": {
        "policyAssignmentId": assignment,
        "policyDefinitionReferenceIds": refs,
        "exemptionCategory": "Mitigated",
        "displayName": "Secure transfer enforced by policy upstream",
    }})
}

async fn advance(env: &Env, seconds: i64) {
    env.http.post(format!("{}/_sim/clock", env.base)).json(&json!({ "advanceSeconds": seconds })).send().await.expect("clock");
}

async fn secure_transfer_cause(env: &Env, token: &str, resource: &str) -> Value {
    let (s, v) = env.get(token, &format!("{resource}/providers/Microsoft.Security/assessments?api-version=2021-06-01")).await;
    assert_eq!(s, 200, "{v}");
    v["value"].as_array().expect("v").iter().find(|a| a["properties"]["displayName"] == SECURE_TRANSFER).expect("assessment")["properties"]
        ["status"]["cause"]
        .clone()
}

#[tokio::test]
async fn assignment_is_inherited_and_exemptible_at_the_group() {
    let env = start().await;
    let admin = env.user_access("alex.admin@contoso.example").await;

    // Inherited by the subscriptions under the group, not by the others.
    for (sub, expected) in [(DEV, true), (PROD, true), (SHARED, false), (SANDBOX, false)] {
        let (s, v) = env
            .get(
                &admin,
                &format!(
                    "/subscriptions/{sub}/providers/Microsoft.Authorization/policyAssignments?api-version=2023-04-01&$filter=atScope()"
                ),
            )
            .await;
        assert_eq!(s, 200);
        let found = v["value"].as_array().expect("v").iter().find(|a| a["name"] == "mcsb-landingzones").cloned();
        assert_eq!(found.is_some(), expected, "{sub}");
        if let Some(a) = found {
            assert_eq!(a["id"], LZ_MCSB);
            assert_eq!(a["properties"]["displayName"], "Microsoft cloud security benchmark (Landing Zones)");
            assert_eq!(a["properties"]["scope"], LZ);
            assert_eq!(
                a["properties"]["policyDefinitionId"],
                "/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8"
            );
        }
    }
    let (s, v) = env
        .get(&admin, &format!("{LZ}/providers/Microsoft.Authorization/policyAssignments?api-version=2023-04-01&$filter=atExactScope()"))
        .await;
    assert_eq!((s, v["value"].as_array().map(Vec::len)), (200, Some(1)));

    // The seeded resource exemption against Production's own MCSB no longer
    // makes the resource Exempt: the landing-zones assignment also covers it.
    let data = format!("/subscriptions/{PROD}/resourceGroups/rg-prod-data/providers/Microsoft.Storage/storageAccounts/stcontosoproddata");
    let (_, v) = env.get(&admin, &format!("{data}/providers/Microsoft.Security/assessments?api-version=2021-06-01")).await;
    assert!(v["value"].as_array().expect("v").iter().all(|a| a["properties"]["status"]["cause"] != "Exempt"), "{v}");

    // An exemption at the group against the group's assignment validates...
    let (s, v) = env.put(&admin, &exemption_path(LZ, "lz-secure-transfer"), exemption(LZ_MCSB, &[REF])).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["id"], format!("{LZ}/providers/Microsoft.Authorization/policyExemptions/lz-secure-transfer"));
    // ...one at a sibling group does not (the assignment does not cover it).
    let (s, v) = env.put(&admin, &exemption_path(PLATFORM, "platform-secure-transfer"), exemption(LZ_MCSB, &[REF])).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("InvalidCreatePolicyExemptionRequest")));
    // Listed at a subscription under the group with atScope().
    let (_, v) = env
        .get(
            &admin,
            &format!(
                "/subscriptions/{DEV}/providers/Microsoft.Authorization/policyExemptions?api-version={EXEMPTIONS_API}&$filter=atScope()"
            ),
        )
        .await;
    assert!(v["value"].as_array().expect("v").iter().any(|e| e["name"] == "lz-secure-transfer"), "{v}");
    advance(&env, 6).await;

    // Development: MCSB at the subscription and at the group. The group's
    // exemption alone is not enough; with the subscription's too it is Exempt.
    // (stcontosodevapps: stcontosodevdata has ISO 27001 assigned on itself as well.)
    let dev_storage =
        format!("/subscriptions/{DEV}/resourceGroups/rg-dev-apps/providers/Microsoft.Storage/storageAccounts/stcontosodevapps");
    assert_ne!(secure_transfer_cause(&env, &admin, &dev_storage).await, "Exempt");
    let (s, v) = env.put(&admin, &exemption_path(&dev_storage, "devapps-secure-transfer"), exemption(&mcsb_assignment(DEV), &[REF])).await;
    assert_eq!(s, 201, "{v}");
    advance(&env, 6).await;
    assert_eq!(secure_transfer_cause(&env, &admin, &dev_storage).await, "Exempt");

    // Production also has ISO 27001, which holds the same definition.
    let prod_storage =
        format!("/subscriptions/{PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Storage/storageAccounts/stcontosowebprod");
    let (s, _) =
        env.put(&admin, &exemption_path(&prod_storage, "webprod-secure-transfer"), exemption(&mcsb_assignment(PROD), &[REF])).await;
    assert_eq!(s, 201);
    advance(&env, 6).await;
    assert_ne!(secure_transfer_cause(&env, &admin, &prod_storage).await, "Exempt", "ISO 27001 is not exempted yet");
    let iso = format!("/subscriptions/{PROD}/providers/Microsoft.Authorization/policyAssignments/ISO27001-2013");
    let (s, v) = env
        .put(
            &admin,
            &exemption_path(&prod_storage, "webprod-secure-transfer-iso"),
            exemption(&iso, &["AuditSecureTransferToStorageAccounts"]),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    advance(&env, 6).await;
    assert_eq!(secure_transfer_cause(&env, &admin, &prod_storage).await, "Exempt");
    env.sim.shutdown().await;
}

#[tokio::test]
async fn permissions_and_security_reader_at_the_groups() {
    let env = start().await;
    let admin = env.user_access("alex.admin@contoso.example").await;
    let manager = env.user_access("morgan.manager@contoso.example").await;
    let reader = env.user_access("riley.reader@contoso.example").await;
    let permissions = |scope: &str| format!("{scope}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01");
    let actions = |v: &Value| -> Vec<String> {
        v["value"]
            .as_array()
            .expect("v")
            .iter()
            .flat_map(|p| p["actions"].as_array().expect("a").iter().filter_map(|a| a.as_str().map(str::to_string)))
            .collect()
    };

    let (s, v) = env.get(&admin, &permissions(LZ)).await;
    assert_eq!(s, 200, "{v}");
    let a = actions(&v);
    assert!(a.iter().any(|x| x == "Microsoft.Authorization/policyExemptions/*"), "{a:?}");
    assert!(!a.iter().any(|x| x == "*" || x.contains("roleAssignments")), "{a:?}");
    assert_eq!(v["value"].as_array().map(Vec::len), Some(2), "Security Admin + Resource Policy Contributor");
    let (s, v) = env.get(&manager, &permissions(LZ)).await;
    assert_eq!((s, actions(&v)), (200, vec!["*".to_string()]));
    let (s, v) = env.get(&reader, &permissions(LZ)).await;
    assert_eq!((s, actions(&v)), (200, vec!["*/read".to_string()]));
    let (s, v) = env.get(&admin, &permissions("/providers/Microsoft.Management/managementGroups/nope")).await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("AuthorizationFailed")));

    // The Security Resource Provider reads Platform, not Landing Zones.
    let holds_reader = |v: &Value| {
        v["value"].as_array().expect("v").iter().any(|ra| {
            ra["properties"]["principalId"] == SRP_OBJECT_ID
                && ra["properties"]["roleDefinitionId"].as_str().unwrap_or("").ends_with(READER)
        })
    };
    let ras = |scope: &str| format!("{scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()");
    let (s, v) = env.get(&admin, &ras(PLATFORM)).await;
    assert_eq!(s, 200, "{v}");
    assert!(holds_reader(&v), "{v}");
    let (_, v) = env.get(&admin, &ras(LZ)).await;
    assert!(!holds_reader(&v), "{v}");

    // Alex may not grant it; Morgan (Owner) may.
    let body = json!({"properties": {"roleDefinitionId": format!("{LZ}/providers/Microsoft.Authorization/roleDefinitions/{READER}"), "principalId": SRP_OBJECT_ID, "principalType": "ServicePrincipal"}});
    let path =
        format!("{LZ}/providers/Microsoft.Authorization/roleAssignments/7d4c1e0a-93b2-4f6e-8a15-2c9e0b7f4d31?api-version=2022-04-01");
    let (s, v) = env.put(&admin, &path, body.clone()).await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("AuthorizationFailed")));
    let (s, v) = env.put(&manager, &path, body).await;
    assert_eq!(s, 201, "{v}");
    let (_, v) = env.get(&admin, &ras(LZ)).await;
    assert!(holds_reader(&v), "{v}");
    env.sim.shutdown().await;
}
