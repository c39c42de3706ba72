//! Policy exemptions: CRUD, filters, validation, permissions, effect on assessments.

mod common;
use common::*;
use serde_json::{json, Value};

fn body(sub: &str, refs: &[&str]) -> Value {
    json!({
        "properties": {
            "policyAssignmentId": mcsb_assignment(sub),
            "policyDefinitionReferenceIds": refs,
            "exemptionCategory": "Waiver",
            "displayName": "Exempt demo storage",
            "description": "Accepted risk",
            "expiresOn": "2030-01-01T00:00:00Z",
            "metadata": { "requestedBy": "riley.reader@contoso.example", "ticketRef": "CHG-1" }
        }
    })
}

const REF: &str = "secureTransferToStorageAccountMonitoring";

#[tokio::test]
async fn crud_and_filters() {
    let env = start().await;
    let t = env.user_access("alex.admin@contoso.example").await;
    let rg = format!("/subscriptions/{DEV}/resourceGroups/rg-dev-data");
    let path = exemption_path(&rg, "dev-data-secure-transfer");

    let (s, v) = env.put(&t, &path, body(DEV, &[REF])).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["name"], "dev-data-secure-transfer");
    assert_eq!(v["type"], "Microsoft.Authorization/policyExemptions");
    assert_eq!(v["id"], format!("{rg}/providers/Microsoft.Authorization/policyExemptions/dev-data-secure-transfer"));
    assert_eq!(v["properties"]["metadata"]["ticketRef"], "CHG-1");
    assert_eq!(v["systemData"]["createdBy"], "alex.admin@contoso.example");
    assert_eq!(v["systemData"]["createdByType"], "User");
    let created_at = v["systemData"]["createdAt"].clone();

    // Replace: 200, createdAt kept, lastModifiedBy = the new caller (an SP).
    let sp = env.sp_token().await;
    let mut b = body(DEV, &[REF]);
    b["properties"]["exemptionCategory"] = json!("mitigated");
    let (s, v) = env.put(&sp, &path, b).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["properties"]["exemptionCategory"], "Mitigated");
    assert_eq!(v["systemData"]["createdAt"], created_at);
    assert_eq!(v["systemData"]["lastModifiedByType"], "Application");

    let (s, g) = env.get(&t, &path).await;
    assert_eq!((s, &g["properties"]["exemptionCategory"]), (200, &json!("Mitigated")));

    // Lists.
    let list = |scope: &str, filter: &str| {
        let f = if filter.is_empty() { String::new() } else { format!("&$filter={}", filter) };
        format!("{scope}/providers/Microsoft.Authorization/policyExemptions?api-version={EXEMPTIONS_API}{f}")
    };
    let names = |v: &Value| -> Vec<String> {
        v["value"].as_array().expect("v").iter().filter_map(|e| e["name"].as_str().map(str::to_string)).collect()
    };
    let sub = format!("/subscriptions/{DEV}");
    let (_, all) = env.get(&t, &list(&sub, "")).await;
    let all = names(&all);
    assert!(all.contains(&"dev-data-secure-transfer".to_string()) && all.contains(&"dev-apps-functions-https".to_string()), "{all:?}");
    let (_, at) = env.get(&t, &list(&sub, "atScope()")).await;
    assert!(names(&at).is_empty(), "RG exemptions are below the subscription: {:?}", names(&at));
    let (_, at_rg) = env.get(&t, &list(&rg, "atScope()")).await;
    assert_eq!(names(&at_rg), ["dev-data-secure-transfer"]);
    let (_, exact) = env.get(&t, &list(&rg, "atExactScope()")).await;
    assert_eq!(names(&exact), ["dev-data-secure-transfer"]);
    // A resource inside the RG sees the RG exemption with atScope().
    let res = format!("{rg}/providers/Microsoft.Storage/storageAccounts/stcontosodevdata");
    let (s, r) = env.get(&t, &list(&res, "atScope()")).await;
    assert_eq!((s, names(&r)), (200, vec!["dev-data-secure-transfer".to_string()]));
    let (_, r) = env.get(&t, &list(&res, "atExactScope()")).await;
    assert!(names(&r).is_empty());

    let prod = format!("/subscriptions/{PROD}");
    let (_, all) = env.get(&t, &list(&prod, "")).await;
    assert!(names(&all).contains(&"prod-jit-legacy-migration".to_string()));
    let (_, live) = env.get(&t, &list(&prod, "excludeExpired()")).await;
    assert!(!names(&live).contains(&"prod-jit-legacy-migration".to_string()), "expired one is excluded");
    assert!(names(&live).contains(&"stcontosoproddata-vnet-rules".to_string()));
    let (_, by) = env.get(&t, &list(&sub, &format!("policyAssignmentId eq '{}'", mcsb_assignment(DEV)))).await;
    assert_eq!(names(&by).len(), 2);
    let (_, none) = env.get(&t, &list(&sub, &format!("policyAssignmentId eq '{}'", mcsb_assignment(PROD)))).await;
    assert!(names(&none).is_empty());
    let (s, v) = env.get(&t, &list(&sub, "bogus()")).await;
    assert_eq!(s, 400, "{v}");

    // Management group scope.
    let mg = "/providers/Microsoft.Management/managementGroups/contoso";
    let (s, v) = env.get(&t, &list(mg, "")).await;
    assert_eq!(s, 200);
    assert!(names(&v).len() >= 5);

    // Delete: 200, then 204; GET 404.
    let (s, _) = env.delete(&t, &path).await;
    assert_eq!(s, 200);
    let (s, _) = env.delete(&t, &path).await;
    assert_eq!(s, 204);
    let (s, v) = env.get(&t, &path).await;
    assert_eq!((s, v["error"]["code"].as_str()), (404, Some("PolicyExemptionNotFound")));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn validation_errors() {
    let env = start().await;
    let t = env.sp_token().await;
    let scope = format!("/subscriptions/{PROD}");
    let put = |name: &str, b: Value| {
        let path = exemption_path(&scope, name);
        let env = &env;
        let t = t.clone();
        async move { env.put(&t, &path, b).await }
    };
    let code = |r: &(u16, Value)| (r.0, r.1["error"]["code"].as_str().unwrap_or("").to_string());

    // Not JSON.
    let r = env
        .http
        .put(format!("{}{}", env.base, exemption_path(&scope, "x1")))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("req");
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.expect("json")["error"]["code"], "InvalidRequestContent");

    let mut b = body(PROD, &[]);
    b["properties"].as_object_mut().expect("o").remove("policyAssignmentId");
    assert_eq!(code(&put("x2", b).await), (400, "InvalidRequestContent".into()));
    let mut b = body(PROD, &[]);
    b["properties"].as_object_mut().expect("o").remove("exemptionCategory");
    assert_eq!(code(&put("x3", b).await), (400, "InvalidRequestContent".into()));
    let mut b = body(PROD, &[]);
    b["properties"]["exemptionCategory"] = json!("Sometimes");
    assert_eq!(code(&put("x4", b).await), (400, "InvalidRequestContent".into()));
    let mut b = body(PROD, &[]);
    b["properties"]["expiresOn"] = json!("tomorrow");
    assert_eq!(code(&put("x5", b).await), (400, "InvalidRequestContent".into()));
    let mut b = body(PROD, &[]);
    b["properties"]["displayName"] = json!("d".repeat(129));
    assert_eq!(put("x6", b).await.0, 400);
    let mut b = body(PROD, &[]);
    b["properties"]["description"] = json!("d".repeat(513));
    assert_eq!(put("x7", b).await.0, 400);
    let mut ok = body(PROD, &[]);
    ok["properties"]["displayName"] = json!("d".repeat(128));
    ok["properties"]["description"] = json!("d".repeat(512));
    assert_eq!(put("x8", ok).await.0, 201);

    for bad in ["has.dot", "has%25pct", "ends%20", "a%2Bb", "a%3Fb", "a%3Cb", "a%26b", "a%3Ab", "a*b"] {
        let r = put(bad, body(PROD, &[])).await;
        assert_eq!(r.0, 400, "{bad}: {}", r.1);
        assert_eq!(r.1["error"]["code"], "InvalidPolicyExemptionName", "{bad}");
    }
    assert_eq!(put(&"n".repeat(65), body(PROD, &[])).await.0, 400);
    assert_eq!(put(&"n".repeat(64), body(PROD, &[])).await.0, 201);

    // Assignment must exist.
    let mut b = body(PROD, &[]);
    b["properties"]["policyAssignmentId"] =
        json!(format!("/subscriptions/{PROD}/providers/Microsoft.Authorization/policyAssignments/nope"));
    assert_eq!(code(&put("x9", b).await), (404, "PolicyAssignmentNotFound".into()));
    // The sandbox has no MCSB assignment.
    let r = env.put(&t, &exemption_path(&format!("/subscriptions/{SANDBOX}"), "x10"), body(SANDBOX, &[])).await;
    assert_eq!(code(&r), (404, "PolicyAssignmentNotFound".into()));
    // Reference ids must be in the initiative.
    assert_eq!(code(&put("x11", body(PROD, &["notARealReference"])).await), (400, "InvalidPolicyDefinitionReference".into()));
    assert_eq!(put("x12", body(PROD, &[REF])).await.0, 201);
    // Reference ids on an assignment of a single definition are refused.
    let mut b = body(PROD, &["anything"]);
    b["properties"]["policyAssignmentId"] =
        json!("/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policyAssignments/contoso-require-costcenter-tag");
    assert_eq!(code(&put("x13", b).await), (400, "InvalidPolicyDefinitionReference".into()));
    // Exemption scope must be under the assignment scope.
    let r = env.put(&t, &exemption_path(&format!("/subscriptions/{DEV}"), "x14"), body(PROD, &[])).await;
    assert_eq!(r.0, 400, "{}", r.1);
    // Unknown resource group.
    let r = env.put(&t, &exemption_path(&format!("/subscriptions/{PROD}/resourceGroups/nope"), "x15"), body(PROD, &[])).await;
    assert_eq!(code(&r), (404, "ResourceGroupNotFound".into()));
    // Unsupported api-version.
    let (s, v) = env
        .put(&t, &format!("{scope}/providers/Microsoft.Authorization/policyExemptions/x16?api-version=2021-06-01"), body(PROD, &[]))
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("InvalidApiVersionParameter")));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn permissions_quota_and_effect_on_assessments() {
    let env = start().await;
    let reader = env.user_access("riley.reader@contoso.example").await;
    let scope = format!("/subscriptions/{SHARED}");
    let (s, v) = env.put(&reader, &exemption_path(&scope, "r1"), body(SHARED, &[])).await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("AuthorizationFailed")));
    let (s, _) =
        env.get(&reader, &format!("{scope}/providers/Microsoft.Authorization/policyExemptions?api-version={EXEMPTIONS_API}")).await;
    assert_eq!(s, 200, "readers can list");

    // Exempting a resource turns its assessment NotApplicable / Exempt.
    let admin = env.user_access("alex.admin@contoso.example").await;
    let res =
        format!("/subscriptions/{SHARED}/resourceGroups/rg-shared-monitoring/providers/Microsoft.Storage/storageAccounts/stcontosologs");
    let (_, before) =
        env.get(&admin, &format!("{res}/providers/Microsoft.Security/assessments?api-version=2021-06-01&$expand=metadata")).await;
    let secure = |v: &Value| -> Value {
        v["value"]
            .as_array()
            .expect("v")
            .iter()
            .find(|a| a["properties"]["displayName"] == "Secure transfer to storage accounts should be enabled")
            .cloned()
            .expect("assessment")
    };
    assert_ne!(secure(&before)["properties"]["status"]["cause"], "Exempt");
    let (s, v) = env.put(&admin, &exemption_path(&res, "logs-secure-transfer"), body(SHARED, &[REF])).await;
    assert_eq!(s, 201, "{v}");
    let assessments = format!("{res}/providers/Microsoft.Security/assessments?api-version=2021-06-01");
    // Shared Services also has ISO 27001:2013 assigned, which holds the same
    // definition under its own reference id: one exemption is not enough.
    env.http.post(format!("{}/_sim/clock", env.base)).json(&json!({"advanceSeconds": 6})).send().await.expect("clock");
    let (_, after) = env.get(&admin, &assessments).await;
    assert_ne!(secure(&after)["properties"]["status"]["cause"], "Exempt");
    let mut iso = body(SHARED, &["AuditSecureTransferToStorageAccounts"]);
    iso["properties"]["policyAssignmentId"] =
        json!(format!("/subscriptions/{SHARED}/providers/Microsoft.Authorization/policyAssignments/ISO27001-2013"));
    let (s, v) = env.put(&admin, &exemption_path(&res, "logs-secure-transfer-iso"), iso).await;
    assert_eq!(s, 201, "{v}");
    // The default effect delay (5 s of simulated time) applies.
    let (_, pending) = env.get(&admin, &assessments).await;
    assert_ne!(secure(&pending)["properties"]["status"]["cause"], "Exempt");
    env.http.post(format!("{}/_sim/clock", env.base)).json(&json!({"advanceSeconds": 5})).send().await.expect("clock");
    let (_, after) = env.get(&admin, &assessments).await;
    assert_eq!(secure(&after)["properties"]["status"]["code"], "NotApplicable");
    assert_eq!(secure(&after)["properties"]["status"]["cause"], "Exempt");

    // With a delay, a new exemption is pending.
    env.sim.set_exemption_effect_delay(3600);
    let res2 =
        format!("/subscriptions/{SHARED}/resourceGroups/rg-shared-monitoring/providers/Microsoft.Storage/storageAccounts/stcontosodiag");
    let (s, _) = env.put(&admin, &exemption_path(&res2, "diag-secure-transfer"), body(SHARED, &[REF])).await;
    assert_eq!(s, 201);
    let (_, v) = env.get(&admin, &format!("{res2}/providers/Microsoft.Security/assessments?api-version=2021-06-01")).await;
    assert_ne!(secure(&v)["properties"]["status"]["cause"], "Exempt");

    // Quota: 1,000 per scope (ARM's write throttle would stop us first: turn it off).
    let off =
        azure_sim::FaultConfig { throttle: Some(azure_sim::ThrottleConfig { enabled: false, ..Default::default() }), ..Default::default() };
    env.sim.set_faults(off).expect("faults");
    let rg = format!("/subscriptions/{SHARED}/resourceGroups/rg-shared-network");
    let sp = env.sp_token().await;
    for i in 0..1000 {
        let (s, v) = env.put(&sp, &exemption_path(&rg, &format!("q{i}")), body(SHARED, &[])).await;
        assert_eq!(s, 201, "{i}: {v}");
    }
    let (s, v) = env.put(&sp, &exemption_path(&rg, "q1000"), body(SHARED, &[])).await;
    assert_eq!(s, 400, "{v}");
    // Replacing an existing one is still allowed; listing pages.
    assert_eq!(env.put(&sp, &exemption_path(&rg, "q0"), body(SHARED, &[])).await.0, 200);
    let (items, pages) = env
        .get_all(
            &sp,
            &format!("{rg}/providers/Microsoft.Authorization/policyExemptions?api-version={EXEMPTIONS_API}&$filter=atExactScope()"),
        )
        .await;
    assert_eq!(items.len(), 1000);
    assert_eq!(pages, 10);
    env.sim.shutdown().await;
}
