//! Importing a CSV through the application layer against the simulator:
//! rows that exist are edited, new ones created, excluded and invalid rows
//! never written, all through one registered preview and the journalled apply.

mod common;

use std::sync::Arc;

use common::*;
use desk_core::apply::ItemState;
use desk_core::transfer::{ImportRequest, ImportSource, RowAction};

fn csv(rows: &[[&str; 6]]) -> Vec<u8> {
    let mut out = String::from("\u{feff}scope,name,recommendationKeys,category,expiresOn,description\r\n");
    for r in rows {
        out.push_str(&desk_core::transfer::csv::record(r));
    }
    out.into_bytes()
}

fn request(bytes: Vec<u8>, excluded_rows: Vec<u32>) -> ImportRequest {
    ImportRequest { source: ImportSource::Contents { bytes }, excluded_rows, utc_offset_minutes: 0 }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_updates_one_creates_another_and_leaves_excluded_and_invalid_rows_alone() {
    let world = World::start().await;
    let dir = DataDir::new("import");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let events = Arc::new(Recorder::default());
    app.sign_in(&*events, world.service_principal("ci")).await.expect("signs in");

    // An exemption the file will update, made the usual way.
    let created = app.prepare_exemption(draft(&[PRODUCTION], SECURE_TRANSFER, "imported-existing")).await.expect("prepares");
    let apply_id = app.apply_plan(events.clone(), &created.plan_id).await.expect("applies");
    until("the creation ends", || !app.is_running(&apply_id)).await;
    let existing = &created.writes[0];
    assert_eq!(existing.name, "imported-existing");

    let production = format!("/subscriptions/{PRODUCTION}");
    let development = format!("/subscriptions/{DEVELOPMENT}");
    let sandbox = format!("/subscriptions/{SANDBOX}");
    let file = csv(&[
        [&production, "imported-existing", SECURE_TRANSFER, "Waiver", "2030-06-30", "Accepted after review"],
        [&development, "imported-new", SECURE_TRANSFER, "Mitigated", "2030-01-31", "=cmd|' /C calc'!A0"],
        [&sandbox, "imported-excluded", SECURE_TRANSFER, "Mitigated", "2030-01-31", "left out"],
        [&development, "bad.name", SECURE_TRANSFER, "Mitigated", "2030-01-31", "invalid"],
    ]);
    // The invalid row not excluded yet: shown with its error, and nothing may be sent.
    let prepared = app.prepare_import(request(file.clone(), vec![4])).await.expect("prepares");
    assert_eq!(prepared.report.file_errors, vec![]);
    let actions: Vec<(u32, RowAction)> = prepared.outcomes.iter().map(|o| (o.row, o.action)).collect();
    assert_eq!(actions, vec![(2, RowAction::Update), (3, RowAction::Create), (4, RowAction::Excluded), (5, RowAction::Invalid)]);
    assert_eq!(prepared.report.rows[3].errors[0].column.as_deref(), Some("name"));
    let blocked = prepared.preparation.expect("a preview");
    assert!(blocked.blocked, "an invalid row not excluded blocks the import");
    assert!(app.apply_plan(events.clone(), &blocked.plan_id).await.is_err(), "a blocked preview is never registered");

    let prepared = app.prepare_import(request(file, vec![4, 5])).await.expect("prepares");
    assert_eq!(prepared.outcomes[3].action, RowAction::Excluded);
    let preview = prepared.preparation.expect("a preview");
    assert!(!preview.blocked, "{:?}", preview.checks);
    let paths: Vec<String> = preview.writes.iter().map(|w| w.path.to_lowercase()).collect();
    assert!(paths.iter().any(|p| p.ends_with("/imported-existing")), "{paths:?}");
    assert!(paths.iter().any(|p| p.starts_with(&development.to_lowercase()) && p.ends_with("/imported-new")), "{paths:?}");
    assert!(!paths.iter().any(|p| p.contains("imported-excluded") || p.contains("bad.name")), "{paths:?}");
    let update = preview.writes.iter().find(|w| w.name == "imported-existing").expect("the update");
    assert!(update.as_read.is_some(), "an update is checked against the exemption as read");
    assert_eq!(update.body["properties"]["exemptionCategory"], "Waiver");
    assert_eq!(update.body["properties"]["expiresOn"], existing.body["properties"]["expiresOn"], "the same day is left as it was");

    let puts_before = world.puts().await.len();
    let apply_id = app.apply_plan(events.clone(), &preview.plan_id).await.expect("applies");
    until("the import ends", || !app.is_running(&apply_id)).await;
    let report = app.apply_report(&apply_id).expect("report");
    assert_eq!(report.recommendation_key, desk_app::IMPORT_KEY);
    assert!(report.items.iter().all(|i| i.state == ItemState::Succeeded), "{:?}", report.items);
    let puts = world.puts().await;
    let sent: Vec<String> = puts[puts_before..].iter().map(|r| r["path"].as_str().unwrap_or_default().to_lowercase()).collect();
    assert_eq!(sent.len(), preview.writes.len(), "{sent:?}");
    assert!(!sent.iter().any(|p| p.contains("imported-excluded") || p.contains("bad.name")), "{sent:?}");

    // The same file again: the update is now as the row says, the new one exists.
    let again = csv(&[[&production, "imported-existing", SECURE_TRANSFER, "Waiver", "2030-06-30", "Accepted after review"]]);
    let prepared = app.prepare_import(request(again, Vec::new())).await.expect("prepares");
    assert_eq!(prepared.outcomes[0].action, RowAction::Unchanged);
    assert!(prepared.preparation.expect("checks").blocked, "nothing to write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_cannot_be_read_prepares_nothing() {
    let world = World::start().await;
    let dir = DataDir::new("import-refused");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let events = Arc::new(Recorder::default());
    app.sign_in(&*events, world.service_principal("ci")).await.expect("signs in");
    let semicolons =
        format!("scope;name;recommendationKeys;category;expiresOn\r\n/subscriptions/{PRODUCTION};a;{SECURE_TRANSFER};Waiver;\r\n");
    let prepared = app.prepare_import(request(semicolons.into_bytes(), Vec::new())).await.expect("answers");
    assert!(prepared.report.file_errors[0].message.contains("semicolons"));
    assert!(prepared.preparation.is_none());
    let unknown = csv(&[[&format!("/subscriptions/{PRODUCTION}"), "a", "00000000-0000-0000-0000-000000000000", "Waiver", "", ""]]);
    let prepared = app.prepare_import(request(unknown, Vec::new())).await.expect("answers");
    assert_eq!(prepared.report.rows[0].errors[0].column.as_deref(), Some("recommendationKeys"));
    assert!(prepared.preparation.is_none(), "no valid row, nothing to check");
    assert_eq!(app.plans().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_is_written_where_asked_and_reads_back_as_an_import() {
    use desk_core::exemption::{Exemption, ExemptionCategory};
    use desk_core::register::{ExpiryState, RegisterEntry, ScopeLevel};
    use desk_core::transfer::{parse_import, ExportFormat, KnownRecommendations};

    let dir = DataDir::new("export");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let scope = format!("/subscriptions/{PRODUCTION}");
    let entry = RegisterEntry {
        exemption: Exemption {
            id: format!("{scope}/providers/Microsoft.Authorization/policyExemptions/exported"),
            name: "exported".into(),
            scope: scope.clone(),
            display_name: Some("Exported".into()),
            description: Some("@SUM(A1) looks like a formula".into()),
            category: Some(ExemptionCategory::Mitigated),
            expires_on: Some("2030-06-30T23:59:59Z".into()),
            expired: false,
            policy_assignment_id: format!("{scope}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn"),
            policy_definition_reference_ids: Vec::new(),
        },
        level: ScopeLevel::Subscription,
        scope_name: "Contoso Production".into(),
        subscription_id: Some(PRODUCTION.into()),
        subscription_name: Some("Contoso Production".into()),
        initiative_id: None,
        initiative_name: None,
        assignment_name: None,
        recommendations: Vec::new(),
        expiry: ExpiryState::Active,
        created_by: None,
        created_at: None,
        last_modified_by: None,
        last_modified_at: None,
        requested_by: None,
        approved_by: None,
        ticket: None,
    };
    let asked = dir.path().join("register").display().to_string();
    let written = app.export_register(&[entry], ExportFormat::Csv, &asked, 0).expect("writes");
    assert_eq!(written, format!("{asked}.csv"), "the format's extension is added");
    let bytes = std::fs::read(&written).expect("reads");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(String::from_utf8_lossy(&bytes).contains(",'@SUM(A1) looks like a formula,"), "the formula guard");
    let report = parse_import(&bytes, &KnownRecommendations::default(), chrono::Utc::now(), 0);
    assert_eq!(report.file_errors, vec![]);
    assert_eq!(report.rows[0].description.as_deref(), Some("@SUM(A1) looks like a formula"));
    assert!(report.rows[0].is_valid(), "{:?}", report.rows[0].errors);
    assert!(app.export_register(&[], ExportFormat::Json, &format!("{asked}.csv"), 0).is_err(), "a JSON export is not saved as .csv");
    let template = app.save_import_template(&dir.path().join("template.csv").display().to_string()).expect("writes");
    assert!(std::fs::read(template).expect("reads").ends_with(b"ticket\r\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_cannot_write_what_the_tenant_sends_for_approval() {
    use desk_core::checks::{CheckKind, CheckStatus};
    use desk_core::request::{ApprovalRequirement, TenantPolicy, TenantSettings};
    let world = World::start().await;
    let dir = DataDir::new("import-policy");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    app.sign_in(&Recorder::default(), world.service_principal("ci")).await.expect("signs in");
    let policy = TenantPolicy { approval: ApprovalRequirement::Waivers, max_expiry_days: None, ticket_required: false };
    app.save_tenant_settings(TenantSettings { request_table: None, policy }).await.expect("settings saved");

    let development = format!("/subscriptions/{DEVELOPMENT}");
    let file = csv(&[
        [&development, "imported-waiver", SECURE_TRANSFER, "Waiver", "2030-06-30", "risk accepted"],
        [&development, "imported-mitigated", SECURE_TRANSFER, "Mitigated", "2030-06-30", "a firewall"],
    ]);
    let prepared = app.prepare_import(request(file.clone(), Vec::new())).await.expect("prepares");
    let preview = prepared.preparation.expect("a preview");
    assert!(preview.blocked, "the waiver needs approval: {:?}", preview.checks);
    let approval = preview.checks.iter().find(|c| c.kind == CheckKind::Approval).expect("the policy's check");
    assert_eq!(approval.status, CheckStatus::Failed);
    assert!(approval.detail.contains("Row 2"), "{}", approval.detail);
    assert!(app.apply_plan(Arc::new(Recorder::default()), &preview.plan_id).await.is_err(), "nothing of it is sent");

    // Leaving the waiver out, the mitigated row may be written.
    let prepared = app.prepare_import(request(file, vec![2])).await.expect("prepares");
    assert!(!prepared.preparation.expect("a preview").blocked);

    // An update of an existing waiver (the demo's JIT one) is held as the register's Edit is.
    let production = format!("/subscriptions/{PRODUCTION}");
    let update = csv(&[[&production, "prod-jit-legacy-migration", "every", "Waiver", "2030-06-30", "extended by import"]]);
    let prepared = app.prepare_import(request(update, Vec::new())).await.expect("prepares");
    assert_eq!(prepared.outcomes[0].action, desk_core::transfer::RowAction::Update, "{:?}", prepared.report.rows[0].errors);
    let preview = prepared.preparation.expect("a preview");
    assert!(preview.blocked, "a waiver is not changed directly: {:?}", preview.checks);
    assert!(preview.checks.iter().any(|c| c.kind == CheckKind::Approval && c.status == CheckStatus::Failed));
}
