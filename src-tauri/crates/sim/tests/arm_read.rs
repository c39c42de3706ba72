//! Subscriptions, management groups, policy assignments, set definitions,
//! assessments and metadata.

mod common;
use common::*;

#[tokio::test]
async fn subscriptions_and_api_versions() {
    let env = start().await;
    let t = env.sp_token().await;
    let (s, v) = env.get(&t, "/subscriptions?api-version=2022-12-01").await;
    assert_eq!(s, 200);
    let subs = v["value"].as_array().expect("value");
    assert_eq!(subs.len(), 4);
    let names: Vec<&str> = subs.iter().filter_map(|s| s["displayName"].as_str()).collect();
    for n in ["Contoso Production", "Contoso Development", "Contoso Shared Services", "Contoso Sandbox"] {
        assert!(names.contains(&n), "{n}");
    }
    for s in subs {
        for k in [
            "id",
            "subscriptionId",
            "tenantId",
            "displayName",
            "state",
            "subscriptionPolicies",
            "authorizationSource",
            "managedByTenants",
            "tags",
        ] {
            assert!(s.get(k).is_some(), "{k}");
        }
    }
    let (s, v) = env.get(&t, &format!("/subscriptions/{PROD}?api-version=2020-01-01")).await;
    assert_eq!((s, v["displayName"].as_str()), (200, Some("Contoso Production")));

    let (s, v) = env.get(&t, "/subscriptions/00000000-0000-0000-0000-000000000000?api-version=2022-12-01").await;
    assert_eq!((s, v["error"]["code"].as_str()), (404, Some("SubscriptionNotFound")));
    let (s, v) = env.get(&t, "/subscriptions").await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("MissingApiVersionParameter")));
    assert_eq!(v["error"]["message"], "The api-version query parameter (?api-version=) is required for all requests.");
    let (s, v) = env.get(&t, "/subscriptions?api-version=1999-01-01").await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("InvalidApiVersionParameter")));
    assert!(v["error"]["message"].as_str().expect("m").contains("2022-12-01"));
    let (s, v) = env.get(&t, "/nothing/here?api-version=2022-12-01").await;
    assert_eq!(s, 404);
    assert!(v["error"]["code"].is_string() && v["error"]["message"].is_string());
    env.sim.shutdown().await;
}

#[tokio::test]
async fn management_groups_expand_recurse_descendants() {
    let env = start().await;
    let t = env.user_access("alex.admin@contoso.example").await;
    let (groups, pages) = env.get_all(&t, "/providers/Microsoft.Management/managementGroups?api-version=2023-04-01").await;
    assert!(groups.iter().any(|m| m["name"] == "contoso-corp"));
    assert_eq!((groups.len(), pages), (7, 2), "7 groups, 5 per page");

    let (s, v) = env.get(&t, "/providers/Microsoft.Management/managementGroups/contoso?api-version=2021-04-01&$expand=children").await;
    assert_eq!(s, 200, "{v}");
    let kids = v["properties"]["children"].as_array().expect("children");
    let names: Vec<&str> = kids.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["contoso-platform", "contoso-landingzones", "contoso-sandbox"]);
    assert!(kids.iter().all(|c| c.get("children").is_none()));
    assert_eq!(v["properties"]["details"]["parent"]["displayName"], "Tenant Root Group");

    let (_, v) =
        env.get(&t, "/providers/Microsoft.Management/managementGroups/contoso?api-version=2023-04-01&$expand=children&$recurse=true").await;
    let lz = v["properties"]["children"].as_array().expect("c").iter().find(|c| c["name"] == "contoso-landingzones").cloned().expect("lz");
    let corp = lz["children"].as_array().expect("lz children").iter().find(|c| c["name"] == "contoso-corp").cloned().expect("corp");
    let prod = &corp["children"][0];
    assert_eq!(prod["type"], "/subscriptions");
    assert_eq!(prod["id"], format!("/subscriptions/{PROD}"));
    assert_eq!(prod["displayName"], "Contoso Production");

    let (d, _) = env.get_all(&t, "/providers/Microsoft.Management/managementGroups/contoso/descendants?api-version=2023-04-01").await;
    assert_eq!(d.iter().filter(|x| x["type"] == "Microsoft.Management/managementGroups").count(), 5);
    assert_eq!(d.iter().filter(|x| x["type"] == "Microsoft.Management/managementGroups/subscriptions").count(), 4);

    // Unknown group: ARM answers 403 "... or the scope is invalid".
    let (s, v) = env.get(&t, "/providers/Microsoft.Management/managementGroups/nope?api-version=2023-04-01").await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("AuthorizationFailed")));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn policy_assignments_and_set_definition() {
    let env = start().await;
    let t = env.sp_token().await;
    let base = format!("/subscriptions/{PROD}/providers/Microsoft.Authorization/policyAssignments");
    let (s, v) = env.get(&t, &format!("{base}?api-version=2023-04-01")).await;
    assert_eq!(s, 200);
    let names: Vec<&str> = v["value"].as_array().expect("v").iter().filter_map(|a| a["name"].as_str()).collect();
    assert!(names.contains(&"SecurityCenterBuiltIn") && names.contains(&"contoso-require-costcenter-tag"), "{names:?}");
    let (_, v) = env.get(&t, &format!("{base}?api-version=2023-04-01&$filter=atExactScope()")).await;
    let exact: Vec<&str> = v["value"].as_array().expect("v").iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(exact, ["SecurityCenterBuiltIn", "ISO27001-2013"], "Production has MCSB and ISO 27001 of its own");
    // atScope(): its own and the inherited ones (landing zones MCSB, costCenter at contoso).
    let (_, v) = env.get(&t, &format!("{base}?api-version=2023-04-01&$filter=atScope()")).await;
    let at: Vec<&str> = v["value"].as_array().expect("v").iter().filter_map(|a| a["name"].as_str()).collect();
    for n in ["SecurityCenterBuiltIn", "ISO27001-2013", "mcsb-landingzones", "contoso-require-costcenter-tag"] {
        assert!(at.contains(&n), "{n} in {at:?}");
    }

    let (s, a) = env.get(&t, &format!("{base}/SecurityCenterBuiltIn?api-version=2025-11-01")).await;
    assert_eq!(s, 200);
    assert_eq!(a["properties"]["displayName"], format!("ASC Default (subscription: {PROD})"));
    assert_eq!(
        a["properties"]["policyDefinitionId"],
        "/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8"
    );
    assert_eq!(a["properties"]["scope"], format!("/subscriptions/{PROD}"));

    // The sandbox subscription has no MCSB assignment.
    let (s, v) = env
        .get(
            &t,
            &format!(
                "/subscriptions/{SANDBOX}/providers/Microsoft.Authorization/policyAssignments?api-version=2023-04-01&$filter=atScope()"
            ),
        )
        .await;
    assert_eq!(s, 200);
    assert!(v["value"].as_array().expect("v").iter().all(|a| a["name"] != "SecurityCenterBuiltIn"));
    let (s, v) = env
        .get(
            &t,
            &format!(
                "/subscriptions/{SANDBOX}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn?api-version=2023-04-01"
            ),
        )
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (404, Some("PolicyAssignmentNotFound")));

    // Management-group scope.
    let (s, v) = env
        .get(&t, "/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policyAssignments?api-version=2023-04-01&$filter=atScope()")
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["value"].as_array().expect("v").len(), 1);
    // atScopeAndBelow() at a management group: its own, its ancestors', and every one in its subscriptions.
    let (s, v) = env
        .get(&t, "/providers/Microsoft.Management/managementGroups/contoso-landingzones/providers/Microsoft.Authorization/policyAssignments?api-version=2023-04-01&$filter=atScopeAndBelow()")
        .await;
    assert_eq!(s, 200);
    let ids: Vec<&str> = v["value"].as_array().expect("v").iter().filter_map(|a| a["id"].as_str()).collect();
    for n in [
        "/mcsb-landingzones",
        "/contoso-require-costcenter-tag",
        "/iso27001-devdata",
        &format!("{PROD}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn"),
    ] {
        assert!(ids.iter().any(|id| id.ends_with(n)), "{n} in {ids:?}");
    }
    assert!(
        !ids.iter().any(|id| id.contains("644229d8-401b-4ed5-9b1c-5f7bf2d941da")),
        "Shared Services is under Platform, not Landing Zones: {ids:?}"
    );
    let (s, v) = env.get(&t, &format!("/subscriptions/{PROD}/providers/Microsoft.Authorization/policyExemptions?api-version=2022-07-01-preview&$filter=atScopeAndBelow()")).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("InvalidFilterInQueryString")), "exemptions do not document it");

    let (s, d) = env
        .get(&t, "/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8?api-version=2025-11-01")
        .await;
    assert_eq!(s, 200);
    assert_eq!(d["name"], "1f3afdf9-d0c9-4c3d-847f-89da613e70a8");
    assert_eq!(d["type"], "Microsoft.Authorization/policySetDefinitions");
    assert_eq!(d["properties"]["displayName"], "Microsoft cloud security benchmark");
    assert!(d["properties"]["policyDefinitions"].as_array().expect("defs").len() > 200);
    let (s, _) = env.get(&t, "/providers/Microsoft.Authorization/policySetDefinitions/nope?api-version=2025-11-01").await;
    assert_eq!(s, 404);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn assessments_expand_and_paging() {
    let env = start().await;
    let t = env.sp_token().await;
    // Across the Contoso management group there is more than one page.
    let (all, pages) = env
        .get_all(
            &t,
            "/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Security/assessments?api-version=2021-06-01",
        )
        .await;
    assert!(all.len() > 100, "{}", all.len());
    assert_eq!(pages, all.len().div_ceil(100));
    let mut all_ids: Vec<&str> = all.iter().filter_map(|a| a["id"].as_str()).collect();
    all_ids.sort();
    all_ids.dedup();
    assert_eq!(all_ids.len(), all.len(), "no duplicates across pages");
    // Recommendation metadata is joined from the metadata list by the assessment's name.
    let (md, _) = env.get_all(&t, "/providers/Microsoft.Security/assessmentMetadata?api-version=2021-06-01").await;
    let meta =
        |name: &str| md.iter().find(|m| m["name"] == name).map(|m| m["properties"].clone()).expect("metadata of every demo assessment");
    let (items, _) =
        env.get_all(&t, &format!("/subscriptions/{PROD}/providers/Microsoft.Security/assessments?api-version=2021-06-01")).await;
    assert!(items.len() > 30 && items.len() < all.len(), "{}", items.len());
    let mut ids: Vec<&str> = items.iter().filter_map(|a| a["id"].as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), items.len(), "no duplicates across pages");
    let mut codes = std::collections::BTreeSet::new();
    for a in &items {
        let p = &a["properties"];
        assert_eq!(p["resourceDetails"]["source"], "Azure");
        assert!(p["resourceDetails"]["id"].as_str().expect("rid").to_lowercase().starts_with(&format!("/subscriptions/{PROD}")));
        let m = meta(a["name"].as_str().expect("name"));
        assert!(m["severity"].is_string() && m["assessmentType"].is_string());
        assert_eq!(p["displayName"], m["displayName"]);
        codes.insert(p["status"]["code"].as_str().expect("code").to_string());
    }
    assert!(codes.contains("Healthy") && codes.contains("Unhealthy") && codes.contains("NotApplicable"), "{codes:?}");

    // The list takes no $expand (the 2021-06-01 spec has it on a single GET only): ignored.
    for expand in ["metadata", "links", "metadata,links"] {
        let (s, v) = env
            .get(&t, &format!("/subscriptions/{PROD}/providers/Microsoft.Security/assessments?api-version=2021-06-01&$expand={expand}"))
            .await;
        assert_eq!(s, 200, "{v}");
        assert!(
            v["value"]
                .as_array()
                .expect("v")
                .iter()
                .all(|a| a["properties"].get("metadata").is_none() && a["properties"].get("links").is_none()),
            "{expand}"
        );
    }
    // A single assessment still expands.
    let one = items
        .iter()
        .find(|a| a["properties"]["resourceDetails"]["id"].as_str().is_some_and(|id| id.contains("/providers/")))
        .expect("a resource assessment");
    let path = format!("{}?api-version=2021-06-01&$expand=metadata", one["id"].as_str().expect("id"));
    let (s, v) = env.get(&t, &path).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["properties"]["metadata"]["severity"].is_string(), "{v}");

    // In the sandbox (no MCSB) built-in recommendations are off by policy.
    let (items, _) =
        env.get_all(&t, &format!("/subscriptions/{SANDBOX}/providers/Microsoft.Security/assessments?api-version=2021-06-01")).await;
    for a in items.iter().filter(|a| meta(a["name"].as_str().expect("name"))["assessmentType"] == "BuiltIn") {
        assert_eq!(a["properties"]["status"]["cause"], "OffByPolicy");
    }

    // Metadata, tenant and subscription level.
    let (s, v) = env.get(&t, "/providers/Microsoft.Security/assessmentMetadata?api-version=2021-06-01").await;
    assert_eq!(s, 200);
    let md = v["value"].as_array().expect("v");
    assert!((20..=30).contains(&md.len()));
    assert!(md.iter().any(|m| m["properties"]["assessmentType"] == "CustomPolicy"));
    assert!(md.iter().any(|m| m["properties"]["assessmentType"] == "CustomerManaged"));
    let name = md[0]["name"].as_str().expect("name");
    let (s, one) =
        env.get(&t, &format!("/subscriptions/{PROD}/providers/Microsoft.Security/assessmentMetadata/{name}?api-version=2021-06-01")).await;
    assert_eq!(s, 200);
    assert_eq!(one["id"], format!("/subscriptions/{PROD}/providers/Microsoft.Security/assessmentMetadata/{name}"));
    env.sim.shutdown().await;
}
