//! The Activity log and the tenant settings through the application layer,
//! against the simulator: a sign-in, an apply and a sign-out are logged with
//! the account and never with a secret; the export writes them as CSV; each
//! profile keeps its own tenant settings, wrong ones are refused field by field,
//! and the demo's request table is the default until another is saved.

mod common;

use std::sync::Arc;

use common::*;
use desk_app::{FIELD_ENDPOINT, FIELD_MAX_EXPIRY, FIELD_TABLE};
use desk_azure::RequestFilter;
use desk_core::activity::{ActivityKind, ActivityQuery};
use desk_core::request::{ApprovalRequirement, RequestTableChoice, TenantPolicy, TenantSettings};
use desk_core::ErrorCode;

fn all() -> ActivityQuery {
    ActivityQuery::default()
}

fn settings(endpoint: &str, table: &str, max_expiry_days: Option<u16>) -> TenantSettings {
    TenantSettings {
        request_table: Some(RequestTableChoice { endpoint: endpoint.into(), table: table.into() }),
        policy: TenantPolicy { approval: ApprovalRequirement::Waivers, max_expiry_days, ticket_required: true },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_writes_and_sign_out_are_logged_with_the_account_and_exported_as_csv() {
    let world = World::start().await;
    let dir = DataDir::new("activity-log");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let events = Arc::new(Recorder::default());
    let request = world.service_principal("ci");
    let secret = request.client_secret.clone();
    let session = app.sign_in(&*events, request).await.expect("signs in");

    let signed_in = app.activity(&all()).expect("reads");
    assert_eq!(signed_in.len(), 1, "{signed_in:?}");
    assert_eq!(signed_in[0].kind, ActivityKind::SignIn);
    assert_eq!(signed_in[0].account, session.account, "who signed in");
    assert!(signed_in[0].summary.contains("profile ci"), "{}", signed_in[0].summary);

    let prepared = app.prepare_exemption(draft(&[PRODUCTION], SECURE_TRANSFER, "activity-one")).await.expect("prepares");
    let apply_id = app.apply_plan(events.clone(), &prepared.plan_id).await.expect("applies");
    until("the apply ends", || !app.is_running(&apply_id)).await;
    app.sign_out("ci".into()).await.expect("signs out");

    let lines = app.activity(&all()).expect("reads");
    let kinds: Vec<ActivityKind> = lines.iter().map(|e| e.kind).collect();
    assert_eq!(kinds.first(), Some(&ActivityKind::SignOut), "newest first: {kinds:?}");
    assert_eq!(lines[0].account, session.account);
    assert_eq!(kinds.last(), Some(&ActivityKind::SignIn));
    let writes: Vec<_> = lines.iter().filter(|e| e.kind == ActivityKind::Write).collect();
    assert_eq!(writes.len(), prepared.writes.len(), "one line per write sent");
    assert!(writes.iter().all(|w| w.outcome == "Succeeded" && w.summary.contains(&apply_id) && w.account == session.account));
    let mut subjects: Vec<&str> = writes.iter().filter_map(|w| w.subject.as_deref()).collect();
    let mut paths: Vec<&str> = prepared.writes.iter().map(|w| w.path.as_str()).collect();
    subjects.sort();
    paths.sort();
    assert_eq!(subjects, paths, "each line names the exemption written");

    let only = |text: &str, kinds: Vec<ActivityKind>| app.activity(&ActivityQuery { text: text.into(), kinds, limit: 0 }).expect("reads");
    assert_eq!(only("ACTIVITY-ONE", vec![]).len(), writes.len(), "the exemption's name in any case");
    assert_eq!(only("", vec![ActivityKind::SignIn, ActivityKind::SignOut]).len(), 2);

    let folder = dir.path().join("exports");
    std::fs::create_dir_all(&folder).expect("folder");
    let written = app.export_activity(&all(), &folder.join("activity").to_string_lossy()).expect("exports");
    assert!(written.ends_with("activity.csv"), "the extension is added: {written}");
    let csv = std::fs::read_to_string(&written).expect("reads back");
    assert!(csv.starts_with("\u{feff}when,kind,account,summary,outcome,subject\r\n"), "{csv}");
    assert!(csv.contains(",Sign-in,") && csv.contains(",Sign-out,") && csv.contains(",Write,"), "{csv}");
    let refused = app.export_activity(&all(), "relative.csv").expect_err("a relative path is refused");
    assert_eq!(refused.code(), ErrorCode::InvalidRequest);
    assert_eq!(app.activity(&all()).expect("reads")[0].summary, format!("Exported the activity: {} lines as csv to {written}", lines.len()));

    // The secret the sign-in used is in no line, no export, nowhere in the database.
    assert!(!csv.contains(&secret));
    let everything = app.activity(&ActivityQuery { limit: u32::MAX, ..all() }).expect("reads");
    assert!(everything.iter().all(|e| !format!("{e:?}").contains(&secret)));
    drop(app);
    for entry in std::fs::read_dir(dir.path()).expect("data dir").flatten().filter(|e| e.path().is_file()) {
        let bytes = std::fs::read(entry.path()).expect("reads");
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{} holds the secret", entry.path().display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_profile_keeps_its_tenant_settings_and_wrong_ones_are_refused_by_field() {
    let world = World::start().await;
    let dir = DataDir::new("tenant-settings");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let events = Recorder::default();
    app.sign_in(&events, world.service_principal("first")).await.expect("signs in");
    assert_eq!(app.tenant_settings().await.expect("reads"), TenantSettings::default(), "nothing saved: requests travel as files");

    let chosen = settings("https://contosorisk.table.core.windows.net/", "exemptionRequests", Some(365));
    let saved = app.save_tenant_settings(chosen).await.expect("saves");
    assert_eq!(saved, settings("https://contosorisk.table.core.windows.net", "exemptionRequests", Some(365)), "as saved, trimmed");
    assert_eq!(app.tenant_settings().await.expect("reads"), saved);

    app.sign_in(&events, world.service_principal("second")).await.expect("signs in as another profile");
    assert_eq!(app.tenant_settings().await.expect("reads"), TenantSettings::default(), "another profile's are its own");
    app.use_profile("first".into()).await.expect("back to the first");
    assert_eq!(app.tenant_settings().await.expect("reads"), saved, "and kept");

    let wrong = settings("http://contosorisk.table.core.windows.net?sig=x", "tables", Some(0));
    let refused = app.save_tenant_settings(wrong).await.expect_err("refused");
    let payload = refused.payload();
    assert_eq!(payload.code, ErrorCode::InvalidRequest);
    let fields: Vec<&str> = payload.details.as_ref().and_then(|d| d.as_array()).expect("field list").iter().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!(fields, [FIELD_ENDPOINT, FIELD_TABLE, FIELD_MAX_EXPIRY]);
    assert_eq!(app.tenant_settings().await.expect("reads"), saved, "nothing is saved from a refused form");

    // Settings survive the app: a new one on the same data folder reads them.
    drop(app);
    let again = desk(&dir, Arc::new(MemorySecrets::default()));
    again.sign_in(&events, world.service_principal("first")).await.expect("signs in");
    assert_eq!(again.tenant_settings().await.expect("reads"), saved);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_uses_its_own_table_until_another_is_saved_and_logs_its_sign_in() {
    let dir = DataDir::new("demo-settings");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let session = app.open_demo().await.expect("the demo starts");
    let shown = app.tenant_settings().await.expect("reads");
    assert_eq!(shown.policy, TenantPolicy::default());
    let choice = shown.request_table.expect("the demo's own table");
    assert_eq!(choice.table, "exemptionrequests");
    assert!(choice.endpoint.ends_with("/tables/stcontosorisk"), "{}", choice.endpoint);
    // The default is a table the demo's user can read, not just a name.
    let table = app.connected().await.expect("session").tenant.request_table(&choice).expect("a valid choice");
    let listed = table.list(&session.tenant_id, &RequestFilter::default()).await.expect("the demo's table answers");
    assert!(listed.requests.is_empty() && listed.unreadable.is_empty());

    let own = TenantSettings { request_table: None, policy: TenantPolicy { approval: ApprovalRequirement::Always, ..Default::default() } };
    assert_eq!(app.save_tenant_settings(own.clone()).await.expect("saves"), own, "files only, by choice");
    assert_eq!(app.tenant_settings().await.expect("reads"), own, "a saved choice wins over the default");
    let lines = app.activity(&ActivityQuery { kinds: vec![ActivityKind::SignIn], ..all() }).expect("reads");
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].account.as_str(), lines[0].summary.as_str()), (session.account.as_str(), "Signed in: demo tenant"));
}
