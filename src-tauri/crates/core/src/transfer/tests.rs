use chrono::{TimeZone, Utc};
use proptest::prelude::*;

use super::csv::read;
use super::*;
use crate::exemption::{Exemption, ExemptionCategory};
use crate::register::{ExemptedRecommendation, ExpiryState, RegisterEntry, ScopeLevel};

const SUB: &str = "ae640e6b-ba3e-4256-9d62-2993eecfa6f2";
const KEY: &str = "1195afff-c881-495e-9bc5-1486211ae03f";

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).single().unwrap_or_default()
}

fn known() -> KnownRecommendations {
    KnownRecommendations::new([KEY])
}

fn entry(name: &str, description: &str) -> RegisterEntry {
    let scope = format!("/subscriptions/{SUB}");
    RegisterEntry {
        exemption: Exemption {
            id: format!("{scope}/providers/Microsoft.Authorization/policyExemptions/{name}"),
            name: name.into(),
            scope: scope.clone(),
            display_name: Some(format!("{name} shown")),
            description: Some(description.into()),
            category: Some(ExemptionCategory::Waiver),
            expires_on: Some("2027-01-31T23:59:59Z".into()),
            expired: false,
            policy_assignment_id: format!("{scope}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn"),
            policy_definition_reference_ids: vec!["storageAccountsShouldRestrictNetworkAccess".into()],
        },
        level: ScopeLevel::Subscription,
        scope_name: "Contoso Prod".into(),
        subscription_id: Some(SUB.into()),
        subscription_name: Some("Contoso Prod".into()),
        initiative_id: None,
        initiative_name: Some("Microsoft cloud security benchmark".into()),
        assignment_name: None,
        recommendations: vec![ExemptedRecommendation {
            reference_id: "storageAccountsShouldRestrictNetworkAccess".into(),
            recommendation_key: Some(KEY.into()),
            display_name: "Storage accounts should restrict network access".into(),
        }],
        expiry: ExpiryState::Active,
        created_by: Some("ada@contoso.com".into()),
        created_at: Some("2026-11-01T10:00:00Z".into()),
        last_modified_by: None,
        last_modified_at: None,
        requested_by: Some("ada@contoso.com".into()),
        approved_by: None,
        ticket: Some("CHG-1042".into()),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap_or_default()
}

/// A file with the import's columns and the given rows (each `[scope, name, keys, category, expiresOn]`).
fn file(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut out = String::from("scope,name,recommendationKeys,category,expiresOn\r\n");
    for r in rows {
        out.push_str(&csv::record(r));
    }
    out.into_bytes()
}

fn sub_scope() -> String {
    format!("/subscriptions/{SUB}")
}

fn good(name: &str) -> [String; 5] {
    [sub_scope(), name.into(), KEY.into(), "Waiver".into(), "2027-01-31".into()]
}

fn parse(bytes: &[u8]) -> ImportReport {
    parse_import(bytes, &known(), now(), 0)
}

fn file_of(rows: &[[String; 5]]) -> Vec<u8> {
    let refs: Vec<[&str; 5]> = rows.iter().map(|r| [r[0].as_str(), &r[1], &r[2], &r[3], &r[4]]).collect();
    file(&refs)
}

fn columns_in_error(report: &ImportReport) -> Vec<Option<String>> {
    report.rows.iter().flat_map(|r| r.errors.iter().map(|e| e.column.clone())).collect()
}

#[test]
fn csv_has_a_bom_crlf_and_the_documented_header() {
    let bytes = export(&[entry("a", "x")], ExportFormat::Csv, 0);
    assert!(bytes.starts_with(b"\xEF\xBB\xBFname,displayName,scope,scopeName,level,"), "{}", text(&bytes));
    let body = text(&bytes);
    assert_eq!(body.matches("\r\n").count(), 2);
    assert!(!body.replace("\r\n", "").contains('\n'));
    assert!(body.contains(",Waiver,2027-01-31,2027-01-31T23:59:59Z,Active,"), "{body}");
    assert!(body.contains(",Subscription,"), "{body}");
}

#[test]
fn the_expiry_date_is_the_users_day() {
    let body = text(&export(&[entry("a", "x")], ExportFormat::Csv, 120));
    assert!(body.contains(",2027-02-01,2027-01-31T23:59:59Z,"), "{body}");
}

#[test]
fn cells_spreadsheets_would_run_get_a_quote_and_the_import_takes_it_off() {
    for start in ["=", "+", "-", "@"] {
        let description = format!("{start}HYPERLINK(\"http://x\")");
        let body = text(&export(&[entry("a", &description)], ExportFormat::Csv, 0));
        assert!(body.contains(&format!("\"'{}\"", description.replace('"', "\"\""))), "{body}");
        assert_eq!(unguard_formula(&guard_formula(&description)), description);
    }
    assert_eq!(guard_formula("plain"), "plain");
    assert_eq!(unguard_formula(&guard_formula("'=on purpose")), "'=on purpose");
    assert_eq!(unguard_formula("'quoted on purpose"), "'quoted on purpose");
    // Quotes the user wrote before a formula character, however many, come back as written.
    for text in ["''\r", "''=x", "'''+1", "''plain"] {
        assert_eq!(unguard_formula(&guard_formula(text)), text);
    }
}

#[test]
fn quotes_commas_and_line_breaks_survive_the_round_trip() {
    let description = "Line one, with \"quotes\"\r\nline two";
    let bytes = export(&[entry("storage-waiver", description)], ExportFormat::Csv, 0);
    let report = parse(&bytes);
    assert_eq!(report.file_errors, vec![]);
    let row = &report.rows[0];
    assert_eq!(row.errors, vec![]);
    assert_eq!(row.description.as_deref(), Some(description));
    assert_eq!(row.name, "storage-waiver");
    assert_eq!(row.display_name.as_deref(), Some("storage-waiver shown"));
    assert_eq!(row.recommendation_keys, vec![KEY.to_owned()]);
    assert_eq!(row.category, Some(ExemptionCategory::Waiver));
    assert_eq!(row.expires_on.as_deref(), Some("2027-01-31"));
    assert_eq!(row.ticket.as_deref(), Some("CHG-1042"));
    assert_eq!(row.row, 2);
}

#[test]
fn every_recommendation_exports_as_every() {
    let mut e = entry("a", "x");
    e.recommendations.clear();
    let body = text(&export(&[e.clone()], ExportFormat::Csv, 0));
    assert!(body.contains(",every,Every recommendation of Microsoft cloud security benchmark,"), "{body}");
    let report = parse(body.as_bytes());
    assert_eq!(report.rows[0].errors, vec![]);
    assert!(report.rows[0].recommendation_keys.is_empty());
}

#[test]
fn json_holds_the_same_columns_with_lists_as_arrays() {
    let bytes = export(&[entry("a", "=1+1")], ExportFormat::Json, 0);
    let rows: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let row = &rows[0];
    for column in COLUMNS {
        assert!(row.get(column).is_some(), "missing {column}");
    }
    assert_eq!(row["recommendationKeys"], serde_json::json!([KEY]));
    assert_eq!(row["description"], "=1+1", "JSON is not a spreadsheet: no guard");
    assert_eq!(row["approvedBy"], serde_json::Value::Null);
}

#[test]
fn the_template_is_the_header_alone_and_imports_as_no_rows() {
    let bytes = template();
    assert_eq!(text(&bytes), format!("\u{feff}{}\r\n", COLUMNS.join(",")));
    let report = parse(&bytes);
    assert_eq!(report.file_errors.len(), 1);
    assert!(report.file_errors[0].message.contains("no rows"), "{:?}", report.file_errors);
}

#[test]
fn a_good_file_reads_every_row_with_no_error() {
    let rows: Vec<[String; 5]> = (0..20).map(|i| good(&format!("ex-{i}"))).collect();
    let report = parse(&file_of(&rows));
    assert_eq!(report.file_errors, vec![]);
    assert_eq!(report.rows.len(), 20);
    assert!(report.rows.iter().all(ImportRow::is_valid));
    assert_eq!(report.rows[19].row, 21);
}

#[test]
fn a_bad_scope_is_an_error_in_the_scope_column() {
    let mut r = good("a");
    r[0] = "/subscriptions/not-a-guid".into();
    let mut empty = good("b");
    empty[0] = String::new();
    let report = parse(&file_of(&[r, empty]));
    assert_eq!(columns_in_error(&report), vec![Some("scope".into()), Some("scope".into())]);
    assert!(report.rows[0].errors[0].message.contains("not-a-guid"), "{:?}", report.rows[0].errors);
}

#[test]
fn an_unknown_recommendation_is_named() {
    let mut r = good("a");
    r[2] = "00000000-0000-0000-0000-000000000000".into();
    let mut empty = good("b");
    empty[2] = String::new();
    let report = parse(&file_of(&[r, empty]));
    assert_eq!(columns_in_error(&report), vec![Some("recommendationKeys".into()), Some("recommendationKeys".into())]);
    assert!(report.rows[0].errors[0].message.contains("00000000-0000"), "{:?}", report.rows[0].errors);
}

#[test]
fn bad_and_past_dates_are_errors_in_the_expiry_column() {
    let mut reformatted = good("a");
    reformatted[4] = "31/01/2027".into();
    let mut past = good("b");
    past[4] = "2026-11-30".into();
    let mut none = good("c");
    none[4] = String::new();
    let report = parse(&file_of(&[reformatted, past, none]));
    assert_eq!(columns_in_error(&report), vec![Some("expiresOn".into()), Some("expiresOn".into())]);
    assert!(report.rows[0].errors[0].message.contains("YYYY-MM-DD"));
    assert!(report.rows[1].errors[0].message.contains("passed"));
    assert_eq!(report.rows[2].expires_on, None);
}

#[test]
fn names_follow_creations_rules() {
    let mut dotted = good("a.b");
    let long = "x".repeat(65);
    let mut too_long = good(&long);
    let mut empty = good("");
    dotted[1] = "a.b".into();
    too_long[1] = long.clone();
    empty[1] = String::new();
    let report = parse(&file_of(&[dotted, too_long, empty]));
    assert_eq!(columns_in_error(&report), vec![Some("name".into()); 3]);
}

#[test]
fn categories_are_arms_words() {
    let mut r = good("a");
    r[3] = "Accepted".into();
    let mut lower = good("b");
    lower[3] = "mitigated".into();
    let report = parse(&file_of(&[r, lower]));
    assert_eq!(columns_in_error(&report), vec![Some("category".into())]);
    assert_eq!(report.rows[1].category, Some(ExemptionCategory::Mitigated));
}

#[test]
fn a_second_row_for_the_same_exemption_is_a_duplicate() {
    let mut again = good("Storage-Waiver");
    again[0] = sub_scope().to_uppercase().replace("SUBSCRIPTIONS", "subscriptions");
    let report = parse(&file_of(&[good("storage-waiver"), good("other"), again]));
    assert!(report.rows[0].is_valid());
    assert_eq!(report.rows[2].errors.len(), 1, "{:?}", report.rows[2].errors);
    assert!(report.rows[2].errors[0].message.contains("Row 2"), "{:?}", report.rows[2].errors);
}

#[test]
fn a_header_that_does_not_match_says_which_column() {
    let report = parse(b"scope,name,recomendationKeys,category,expiresOn\r\nx,y,z,Waiver,\r\n");
    let messages: Vec<&str> = report.file_errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("Column 3, \"recomendationKeys\"")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("no \"recommendationKeys\" column")), "{messages:?}");
    assert!(report.rows.is_empty());
    let twice = parse(b"scope,name,recommendationKeys,category,expiresOn,Name\r\n");
    assert!(twice.file_errors[0].message.contains("\"name\" appears twice"), "{:?}", twice.file_errors);
}

#[test]
fn the_header_is_matched_without_case_and_in_any_order() {
    let body = format!("ExpiresOn,Category,RecommendationKeys,Name,Scope,Ticket\r\n2027-01-31,Waiver,{KEY},a,{},CHG-1\r\n", sub_scope());
    let report = parse(body.as_bytes());
    assert_eq!(report.file_errors, vec![]);
    assert_eq!(report.rows[0].errors, vec![]);
    assert_eq!(report.rows[0].ticket.as_deref(), Some("CHG-1"));
    assert_eq!(report.rows[0].description, None, "no such column");
}

#[test]
fn semicolons_from_european_excel_are_detected() {
    let body = format!("scope;name;recommendationKeys;category;expiresOn\r\n{};a;{KEY};Waiver;2027-01-31\r\n", sub_scope());
    let report = parse(body.as_bytes());
    assert_eq!(report.file_errors.len(), 1);
    assert!(report.file_errors[0].message.contains("semicolons"), "{:?}", report.file_errors);
    let tabs = parse(b"scope\tname\tcategory\r\n");
    assert!(tabs.file_errors[0].message.contains("tabs"), "{:?}", tabs.file_errors);
}

#[test]
fn utf16_and_legacy_encodings_are_refused() {
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("scope".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    assert!(parse(&utf16).file_errors[0].message.contains("UTF-16"));
    let mut latin1 = file_of(&[good("a")]);
    latin1.extend_from_slice(b"x,caf\xE9,y,Waiver,\r\n");
    let report = parse(&latin1);
    assert!(report.file_errors[0].message.starts_with("Row 3 is not UTF-8"), "{:?}", report.file_errors);
}

#[test]
fn an_empty_file_is_refused() {
    for empty in [&b""[..], b"\xEF\xBB\xBF", b"\r\n\r\n", b",,,\r\n"] {
        let report = parse(empty);
        assert!(report.file_errors[0].message.contains("empty"), "{empty:?}: {:?}", report.file_errors);
    }
}

#[test]
fn more_than_ten_thousand_rows_are_refused() {
    let row = csv::record(&good("a"));
    let mut body = String::from("scope,name,recommendationKeys,category,expiresOn\r\n");
    body.push_str(&row.repeat(IMPORT_ROWS_MAX));
    assert_eq!(parse(body.as_bytes()).file_errors, vec![], "exactly the limit is accepted");
    body.push_str(&row);
    let report = parse(body.as_bytes());
    assert!(report.file_errors[0].message.contains("more than 10,000 rows"), "{:?}", report.file_errors);
    assert!(report.rows.is_empty());
}

#[test]
fn a_row_with_too_few_cells_and_broken_quoting_are_reported() {
    let report = parse(format!("scope,name,recommendationKeys,category,expiresOn\r\n{},a,{KEY}\r\n", sub_scope()).as_bytes());
    assert!(report.rows[0].errors.iter().any(|e| e.column.is_none() && e.message.contains("3 cells")), "{:?}", report.rows[0].errors);
    let broken = parse(b"scope,name,recommendationKeys,category,expiresOn\r\n\"open,a,b,c,d\r\n");
    assert_eq!(broken.file_errors[0].row, Some(2));
}

#[test]
fn long_free_text_is_an_error_in_its_column() {
    let body = format!(
        "scope,name,recommendationKeys,category,expiresOn,description,displayName\r\n{},a,{KEY},Waiver,,{},{}\r\n",
        sub_scope(),
        "d".repeat(513),
        "n".repeat(129)
    );
    let report = parse(body.as_bytes());
    assert_eq!(columns_in_error(&report), vec![Some("displayName".into()), Some("description".into())]);
}

proptest! {
    #[test]
    fn any_cells_read_back_as_written(rows in proptest::collection::vec(proptest::collection::vec(".{0,12}", 3), 1..6)) {
        let body: String = rows.iter().map(|r| csv::record(r)).collect();
        let (read_back, _) = read(&body, 100).map_err(|e| TestCaseError::fail(e.message))?;
        // A record of one empty cell reads as a blank line, which the import skips; compare the rest.
        let cells: Vec<Vec<String>> = read_back.into_iter().map(|r| r.cells).collect();
        prop_assert_eq!(cells, rows);
    }

    #[test]
    fn any_description_survives_export_and_import(description in "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{7f}-\u{9f}\u{202a}-\u{202e}\u{2066}-\u{2069}]{0,60}") {
        let bytes = export(&[entry("a", &description)], ExportFormat::Csv, 0);
        let report = parse(&bytes);
        prop_assert_eq!(&report.file_errors, &vec![]);
        prop_assert_eq!(report.rows[0].description.clone(), Some(description.trim().to_owned()));
    }
}
