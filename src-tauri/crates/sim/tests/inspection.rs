//! `/_sim/requests`, `/_sim/reset`, `/_sim/principals`.

mod common;
use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn request_log_reset_and_principals() {
    let env = start().await;
    let p = &env.principals;
    assert_eq!(p["tenantId"], azure_sim::demo_identity().tenant_id);
    assert_eq!(p["publicClientId"], azure_sim::demo_identity().public_client_id);
    let users = p["users"].as_array().expect("users");
    assert!(users.iter().any(|u| u["upn"] == "alex.admin@contoso.example"
        && u["roleAssignments"].as_array().expect("ra").iter().any(|r| r["role"] == "Security Admin")));
    assert!(p["servicePrincipals"].as_array().expect("sps").iter().any(|s| s["clientId"] == "8edd93e1-2103-40b4-bd70-6e34e586362d"));

    let t = env.sp_token().await;
    let scope = format!("/subscriptions/{PROD}");
    let path = exemption_path(&scope, "logged");
    let b = json!({ "properties": { "policyAssignmentId": mcsb_assignment(PROD), "exemptionCategory": "Waiver" } });
    assert_eq!(env.put(&t, &path, b.clone()).await.0, 201);
    assert_eq!(env.get(&t, &path).await.0, 200);

    let log: Value = env.http.get(format!("{}/_sim/requests", env.base)).send().await.expect("req").json().await.expect("json");
    let log = log.as_array().expect("array");
    // principals fetch is /_sim (not logged): token, PUT, GET.
    assert_eq!(log.len(), 3, "{log:?}");
    assert_eq!(log[0]["method"], "POST");
    assert_eq!(log[0]["body"]["client_secret"], "[redacted]");
    assert_eq!(log[0]["principal"], env.sp("exemption-desk-ci").0);
    assert_eq!(log[1]["method"], "PUT");
    assert_eq!(log[1]["path"], format!("{scope}/providers/Microsoft.Authorization/policyExemptions/logged"));
    assert_eq!(log[1]["query"]["api-version"], EXEMPTIONS_API);
    assert_eq!(log[1]["rawQuery"], format!("api-version={EXEMPTIONS_API}"));
    assert_eq!(log[1]["body"], b);
    assert_eq!(log[1]["status"], 201);
    assert_eq!(log[2]["method"], "GET");
    assert_eq!(log[2]["body"], Value::Null);
    let text = serde_json::to_string(log).expect("s");
    assert!(!text.contains(&t), "no tokens in the log");
    assert!(!text.contains(&env.sp("exemption-desk-ci").1), "no secrets in the log");

    let r = env.http.post(format!("{}/_sim/reset", env.base)).send().await.expect("reset");
    assert_eq!(r.status(), 200);
    let log: Value = env.http.get(format!("{}/_sim/requests", env.base)).send().await.expect("req").json().await.expect("json");
    assert_eq!(log.as_array().expect("a").len(), 0);
    // Tokens stay valid; the created exemption is gone, seeded ones are back.
    assert_eq!(env.get(&t, &path).await.0, 404);
    assert_eq!(env.get(&t, &exemption_path(&scope, "prod-jit-legacy-migration")).await.0, 200);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn binary_prints_listening_line_first() {
    use std::io::BufRead;
    let exe = env!("CARGO_BIN_EXE_azure-sim");
    let mut child = std::process::Command::new(exe)
        .args(["--seed", "demo", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout).read_line(&mut line).expect("line");
    let url = line.trim().strip_prefix("listening on ").expect("prefix").to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let r = reqwest::get(format!("{url}/_sim/principals")).await.expect("get");
    assert_eq!(r.status(), 200);
    let _ = child.kill();
    let _ = child.wait();

    let out = std::process::Command::new(exe).args(["--seed", "nope"]).output().expect("run");
    assert!(!out.status.success());
}
