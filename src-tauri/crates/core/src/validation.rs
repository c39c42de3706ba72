//! The rules an exemption request must satisfy before anything is sent. The UI
//! asks for them as the user types; the backend applies them again on create.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::arm_path::{is_bidi_control, ArmPath, PathError};
use crate::exemption::ExemptionDraft;
use crate::scope::ScopeChoice;

/// Limits in UTF-16 code units, as Azure counts string lengths.
pub const NAME_MAX: usize = 64;
pub const DISPLAY_NAME_MAX: usize = 128;
pub const DESCRIPTION_MAX: usize = 512;
/// Characters Azure refuses in a policy exemption's name, and `#`, which ARM's
/// naming guidance warns breaks URLs (it would start a fragment).
pub const NAME_FORBIDDEN: &[char] = &['<', '>', '*', '%', '&', ':', '\\', '?', '.', '+', '/', '#'];
/// The last year an expiry date may fall in (RFC 3339 has four-digit years).
pub const EXPIRY_YEAR_MAX: i32 = 9999;

/// A string's length as Azure measures it: UTF-16 code units.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// "N characters" for a message, noting when Azure's count differs from what people see.
fn counted(text: &str) -> String {
    let units = utf16_len(text);
    if units == text.chars().count() {
        format!("{units} characters")
    } else {
        format!("{units} characters as Azure counts them (emoji and other characters outside the Basic Multilingual Plane count twice)")
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub enum DraftField {
    Recommendation,
    Scope,
    Name,
    DisplayName,
    ExpiresOn,
    Category,
    Description,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
pub struct FieldError {
    pub field: DraftField,
    pub message: String,
}

fn err(field: DraftField, message: impl Into<String>) -> FieldError {
    FieldError { field, message: message.into() }
}

/// Every rule the draft breaks, in form order; empty when it may be sent.
pub fn validate(draft: &ExemptionDraft, now: DateTime<Utc>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if draft.recommendation_key.trim().is_empty() {
        errors.push(err(DraftField::Recommendation, "Choose a recommendation to exempt."));
    }
    errors.extend(scope_errors(&draft.scope));
    errors.extend(name_errors(&draft.name));
    errors.extend(text_errors(DraftField::DisplayName, "Display name", &draft.display_name, DISPLAY_NAME_MAX, false));
    if let Some(e) = expiry_error(draft, now) {
        errors.push(e);
    }
    if draft.category.is_none() {
        errors.push(err(DraftField::Category, "Choose a category: mitigated or risk accepted."));
    }
    errors.extend(text_errors(DraftField::Description, "Description", &draft.description, DESCRIPTION_MAX, true));
    errors
}

/// A free-text field: at most `max` UTF-16 units, no control characters
/// (line breaks and tabs allowed where `multiline`), no bidi overrides or
/// isolates, which could make the text show differently from what it says.
pub fn text_errors(field: DraftField, label: &str, text: &str, max: usize, multiline: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if utf16_len(text) > max {
        errors.push(err(field, format!("{label} is {}; the limit is {max}.", counted(text))));
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        let what =
            if multiline { "control characters other than line breaks and tabs" } else { "control characters such as tabs or line breaks" };
        errors.push(err(field, format!("{label} can't contain {what}.")));
    }
    if text.chars().any(is_bidi_control) {
        errors.push(err(
            field,
            format!("{label} can't contain bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)."),
        ));
    }
    errors
}

/// At most this many resources in one request (one exemption each).
pub const RESOURCES_MAX: usize = 5_000;

fn scope_errors(scope: &ScopeChoice) -> Vec<FieldError> {
    match scope {
        ScopeChoice::ManagementGroup { name } => match ArmPath::management_group(name) {
            Ok(_) => Vec::new(),
            Err(e) => vec![err(DraftField::Scope, e.to_string())],
        },
        ScopeChoice::Subscriptions { ids } => {
            id_list_errors(ids, "Choose at least one subscription.", "subscription", ArmPath::subscription)
        }
        ScopeChoice::ResourceGroups { ids } => {
            id_list_errors(ids, "Choose at least one resource group.", "resource group", ArmPath::parse_resource_group)
        }
        ScopeChoice::Resources { ids } if ids.len() > RESOURCES_MAX => vec![err(
            DraftField::Scope,
            format!("{} resources are chosen; split the request into parts of at most {RESOURCES_MAX}.", ids.len()),
        )],
        ScopeChoice::Resources { ids } => id_list_errors(ids, "Choose at least one resource.", "resource", ArmPath::parse_resource_id),
    }
}

/// Each id parsed strictly (the parser's reason becomes the message), and none twice.
fn id_list_errors(ids: &[String], empty: &str, what: &str, parse: fn(&str) -> Result<ArmPath, PathError>) -> Vec<FieldError> {
    if ids.is_empty() {
        return vec![err(DraftField::Scope, empty)];
    }
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        match parse(id) {
            Err(e) => errors.push(err(DraftField::Scope, e.to_string())),
            Ok(path) if !seen.insert(path.to_string().to_lowercase()) => {
                errors.push(err(DraftField::Scope, format!("The {what} {path} is chosen twice.")));
            }
            Ok(_) => {}
        }
    }
    errors
}

/// Azure's rules for a policy exemption's resource name.
pub fn name_errors(name: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if name.trim().is_empty() {
        errors.push(err(DraftField::Name, "Enter a name."));
        return errors;
    }
    if utf16_len(name) > NAME_MAX {
        errors.push(err(DraftField::Name, format!("Name is {}; the limit is {NAME_MAX}.", counted(name))));
    }
    let mut forbidden: Vec<char> = Vec::new();
    for c in name.chars().filter(|c| NAME_FORBIDDEN.contains(c)) {
        if !forbidden.contains(&c) {
            forbidden.push(c);
        }
    }
    if !forbidden.is_empty() {
        let listed = forbidden.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
        errors.push(err(
            DraftField::Name,
            format!("Name can't contain {listed}. Azure refuses any of < > * % & : \\ ? . + / and # would address another exemption."),
        ));
    }
    if name.chars().any(char::is_control) {
        errors.push(err(DraftField::Name, "Name can't contain control characters such as tabs or line breaks."));
    }
    if name.chars().any(is_bidi_control) {
        errors
            .push(err(DraftField::Name, "Name can't contain bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)."));
    }
    // `char::is_whitespace` is Unicode's White_Space: no-break, ideographic, line separators too.
    if name.chars().next_back().is_some_and(|c| c.is_whitespace() && !c.is_control()) {
        errors.push(err(DraftField::Name, "Name can't end with a space or other blank character."));
    }
    errors
}

fn expiry_error(draft: &ExemptionDraft, now: DateTime<Utc>) -> Option<FieldError> {
    let date = draft.expires_on.as_deref()?.trim();
    if date.is_empty() {
        return None;
    }
    let shown: String = date.chars().take(40).flat_map(char::escape_default).collect();
    if !is_iso_date(date) || NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
        return Some(err(DraftField::ExpiresOn, format!("\"{shown}\" is not a date (use YYYY-MM-DD).")));
    }
    let Some(expires) = expiry_instant(date, draft.utc_offset_minutes) else {
        return Some(err(DraftField::ExpiresOn, format!("The expiry date must be in the year {EXPIRY_YEAR_MAX} or earlier (in UTC).")));
    };
    if expires <= now {
        return Some(err(DraftField::ExpiresOn, "The expiry date is in the past; choose today or a later day."));
    }
    None
}

/// Exactly `YYYY-MM-DD` in ASCII digits.
fn is_iso_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    bytes.len() == 10 && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// The UTC instant at which an exemption chosen to expire on `date` (in the
/// user's time zone, `utc_offset_minutes` east of UTC) ends: the last second
/// of that day there. `None` unless `date` is `YYYY-MM-DD` and the instant
/// falls in a year RFC 3339 can write (1–9999).
pub fn expiry_instant(date: &str, utc_offset_minutes: i32) -> Option<DateTime<Utc>> {
    if !is_iso_date(date) {
        return None;
    }
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let zone = FixedOffset::east_opt(utc_offset_minutes.checked_mul(60)?)?;
    let end = day.and_time(NaiveTime::from_hms_opt(23, 59, 59)?);
    let instant = zone.from_local_datetime(&end).single().map(|t| t.with_timezone(&Utc))?;
    (1..=EXPIRY_YEAR_MAX).contains(&instant.year()).then_some(instant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exemption::ExemptionCategory;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().expect("valid time")
    }

    fn draft() -> ExemptionDraft {
        ExemptionDraft {
            recommendation_key: "1195afff-c881-495e-9bc5-1486211ae03f".into(),
            scope: ScopeChoice::Subscriptions { ids: vec!["ae640e6b-ba3e-4256-9d62-2993eecfa6f2".into()] },
            name: "storage-waiver".into(),
            display_name: String::new(),
            expires_on: Some("2026-12-31".into()),
            utc_offset_minutes: 0,
            category: Some(ExemptionCategory::Waiver),
            description: "Accepted until the migration ends".into(),
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<DraftField> {
        errors.iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_draft_is_valid() {
        assert_eq!(validate(&draft(), now()), vec![]);
    }

    #[test]
    fn each_forbidden_character_is_refused_and_named() {
        for c in NAME_FORBIDDEN {
            let errors = name_errors(&format!("a{c}b"));
            assert_eq!(errors.len(), 1, "{c}");
            assert!(errors[0].message.contains(&format!("'{c}'")), "{}", errors[0].message);
        }
    }

    #[test]
    fn names_may_have_spaces_hyphens_and_underscores_inside() {
        assert_eq!(name_errors("Waiver for prod_db-1"), vec![]);
    }

    #[test]
    fn name_length_counts_characters_not_bytes() {
        assert_eq!(name_errors(&"é".repeat(64)), vec![]);
        let errors = name_errors(&"é".repeat(65));
        assert!(errors[0].message.contains("65 characters"));
    }

    #[test]
    fn empty_trailing_space_and_control_names_are_refused() {
        assert_eq!(fields(&name_errors("  ")), vec![DraftField::Name]);
        assert!(name_errors("waiver ")[0].message.contains("end with a space"));
        assert!(name_errors("wai\tver")[0].message.contains("control"));
    }

    #[test]
    fn display_name_and_description_limits() {
        let mut d = draft();
        d.display_name = "x".repeat(DISPLAY_NAME_MAX);
        d.description = "y".repeat(DESCRIPTION_MAX);
        assert_eq!(validate(&d, now()), vec![]);
        d.display_name.push('x');
        d.description.push('y');
        assert_eq!(fields(&validate(&d, now())), vec![DraftField::DisplayName, DraftField::Description]);
    }

    #[test]
    fn expiry_today_is_fine_yesterday_is_not() {
        let mut d = draft();
        d.expires_on = Some("2026-11-25".into());
        assert_eq!(validate(&d, now()), vec![]);
        d.expires_on = Some("2026-11-24".into());
        assert_eq!(fields(&validate(&d, now())), vec![DraftField::ExpiresOn]);
        d.expires_on = Some("25/11/2026".into());
        assert!(validate(&d, now())[0].message.contains("not a date"));
        d.expires_on = None;
        assert_eq!(validate(&d, now()), vec![]);
    }

    #[test]
    fn expiry_is_the_end_of_the_users_day_in_utc() {
        let t = expiry_instant("2026-12-31", 60).expect("valid");
        assert_eq!(t.to_rfc3339(), "2026-12-31T22:59:59+00:00");
        let t = expiry_instant("2026-12-31", -300).expect("valid");
        assert_eq!(t.to_rfc3339(), "2027-01-01T04:59:59+00:00");
        assert_eq!(expiry_instant("2026-12-31", 100_000), None);
    }

    #[test]
    fn a_day_still_running_east_of_utc_is_not_past() {
        // 12:00 UTC on the 25th is already the 26th in UTC+14: the 25th has ended there.
        let mut d = draft();
        d.expires_on = Some("2026-11-25".into());
        d.utc_offset_minutes = 14 * 60;
        assert_eq!(fields(&validate(&d, now())), vec![DraftField::ExpiresOn]);
    }

    #[test]
    fn scope_needs_distinct_subscription_ids() {
        let mut d = draft();
        d.scope = ScopeChoice::Subscriptions { ids: vec![] };
        assert_eq!(fields(&validate(&d, now())), vec![DraftField::Scope]);
        d.scope = ScopeChoice::Subscriptions { ids: vec!["nope".into()] };
        assert!(validate(&d, now())[0].message.contains("not a subscription id"));
        let id = "ae640e6b-ba3e-4256-9d62-2993eecfa6f2".to_string();
        d.scope = ScopeChoice::Subscriptions { ids: vec![id.clone(), id.to_uppercase()] };
        assert!(validate(&d, now())[0].message.contains("twice"));
    }

    #[test]
    fn resource_and_management_group_scopes_are_checked() {
        let mut d = draft();
        let id = "/subscriptions/ae640e6b-ba3e-4256-9d62-2993eecfa6f2/resourceGroups/rg/providers/Microsoft.Sql/servers/sql1";
        d.scope = ScopeChoice::Resources { ids: vec![id.into()] };
        assert_eq!(validate(&d, now()), vec![]);
        d.scope = ScopeChoice::Resources { ids: vec![id.into(), id.to_uppercase()] };
        assert!(validate(&d, now())[0].message.contains("twice"));
        d.scope = ScopeChoice::Resources { ids: vec!["/subscriptions/x".into()] };
        assert!(validate(&d, now())[0].message.contains("not a resource id"));
        d.scope = ScopeChoice::Resources { ids: vec![] };
        assert!(validate(&d, now())[0].message.contains("at least one resource"));
        d.scope = ScopeChoice::Resources { ids: (0..=RESOURCES_MAX).map(|i| format!("{id}{i}")).collect() };
        assert!(validate(&d, now())[0].message.contains("split the request"));
        d.scope = ScopeChoice::ManagementGroup { name: "contoso".into() };
        assert_eq!(validate(&d, now()), vec![]);
        d.scope = ScopeChoice::ManagementGroup { name: "con/toso".into() };
        assert!(validate(&d, now())[0].message.contains("not a management group"));
    }

    #[test]
    fn category_and_recommendation_are_required() {
        let mut d = draft();
        d.category = None;
        d.recommendation_key = " ".into();
        assert_eq!(fields(&validate(&d, now())), vec![DraftField::Recommendation, DraftField::Category]);
    }

    #[test]
    fn a_hash_in_a_name_is_refused_because_it_would_address_another_exemption() {
        let errors = name_errors("victim#new");
        assert_eq!(fields(&errors), vec![DraftField::Name]);
        assert!(errors[0].message.contains("'#'"), "{}", errors[0].message);
    }

    #[test]
    fn name_length_is_measured_in_utf16_units() {
        // U+1F600 is one character but two UTF-16 units.
        assert_eq!(name_errors(&"\u{1F600}".repeat(32)), vec![]);
        let errors = name_errors(&"\u{1F600}".repeat(33));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("66 characters as Azure counts them"), "{}", errors[0].message);
        assert_eq!(name_errors(&format!("{}\u{1F600}", "a".repeat(62))), vec![]);
        assert_eq!(fields(&name_errors(&format!("{}\u{1F600}", "a".repeat(63)))), vec![DraftField::Name]);
    }

    #[test]
    fn every_kind_of_trailing_blank_is_refused() {
        for blank in ['\u{00A0}', '\u{3000}', '\u{2003}', '\u{2028}', '\u{205F}', '\u{1680}', ' '] {
            let errors = name_errors(&format!("waiver{blank}"));
            assert_eq!(errors.len(), 1, "{blank:?}: {errors:?}");
            assert!(errors[0].message.contains("end with a space or other blank"), "{blank:?}");
        }
        assert_eq!(fields(&name_errors("waiver\n")), vec![DraftField::Name], "a line break is refused as a control character");
        assert_eq!(name_errors("wai\u{00A0}ver"), vec![], "blanks inside are fine");
    }

    #[test]
    fn bidi_overrides_are_refused_in_names_display_names_and_descriptions() {
        for c in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
            assert_eq!(fields(&name_errors(&format!("a{c}b"))), vec![DraftField::Name], "{c:?}");
            let mut d = draft();
            d.display_name = format!("Waiver {c}txt.exe");
            d.description = format!("see {c}here");
            let errors = validate(&d, now());
            assert_eq!(fields(&errors), vec![DraftField::DisplayName, DraftField::Description], "{c:?}");
            assert!(errors[0].message.contains("bidirectional"), "{}", errors[0].message);
        }
    }

    #[test]
    fn control_characters_are_refused_in_display_names_and_descriptions_but_line_breaks_in_descriptions_are_not() {
        let mut d = draft();
        d.display_name = "Waiver\nfor prod".into();
        d.description = "First line\r\nSecond\tline".into();
        let errors = validate(&d, now());
        assert_eq!(fields(&errors), vec![DraftField::DisplayName]);
        assert!(errors[0].message.contains("control characters"), "{}", errors[0].message);
        d.display_name = "Waiver".into();
        d.description = "bell\u{7}".into();
        assert_eq!(fields(&validate(&d, now())), vec![DraftField::Description]);
        d.description = "escape\u{1B}[31m".into();
        assert_eq!(fields(&validate(&d, now())), vec![DraftField::Description]);
    }

    #[test]
    fn display_name_and_description_are_measured_in_utf16_units() {
        let mut d = draft();
        d.display_name = "\u{1F600}".repeat(DISPLAY_NAME_MAX / 2);
        d.description = "\u{1F600}".repeat(DESCRIPTION_MAX / 2);
        assert_eq!(validate(&d, now()), vec![]);
        d.display_name.push('x');
        d.description.push('y');
        assert_eq!(fields(&validate(&d, now())), vec![DraftField::DisplayName, DraftField::Description]);
    }

    #[test]
    fn expiry_years_are_bounded_and_the_format_is_strict() {
        let mut d = draft();
        d.expires_on = Some("9999-12-30".into());
        assert_eq!(validate(&d, now()), vec![]);
        // The last day of 9999 west of UTC ends in the year 10000 in UTC.
        d.expires_on = Some("9999-12-31".into());
        d.utc_offset_minutes = -300;
        let errors = validate(&d, now());
        assert_eq!(fields(&errors), vec![DraftField::ExpiresOn]);
        assert!(errors[0].message.contains("9999 or earlier"), "{}", errors[0].message);
        d.utc_offset_minutes = 0;
        for bad in ["+10000-01-01", "10000-01-01", "2026-1-31", "2026-01-1", " 2026-01-31x", "２０２６-01-31", "2026-02-30"] {
            d.expires_on = Some(bad.into());
            let errors = validate(&d, now());
            assert_eq!(fields(&errors), vec![DraftField::ExpiresOn], "{bad}");
            assert!(errors[0].message.contains("not a date"), "{bad}: {}", errors[0].message);
        }
        assert_eq!(expiry_instant("10000-01-01", 0), None);
        let last = expiry_instant("9999-12-31", 0).expect("in range");
        assert_eq!(last.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn hostile_scope_ids_are_refused_with_the_reason() {
        let mut d = draft();
        let base = "/subscriptions/ae640e6b-ba3e-4256-9d62-2993eecfa6f2/resourceGroups/rg/providers/Microsoft.Sql/servers";
        for (bad, reason) in [
            (format!("{base}/sql1?x=1"), "'?'"),
            (format!("{base}/sql1#frag"), "'#'"),
            (format!("{base}/sql1/../.."), "'..'"),
            (format!("{base}/sql1%2F..%2F.."), "'%'"),
            (format!("{base}/sql1\\..\\.."), "'\\'"),
            (format!("{base}/sql1\u{0}"), "control"),
        ] {
            d.scope = ScopeChoice::Resources { ids: vec![bad.clone()] };
            let errors = validate(&d, now());
            assert_eq!(fields(&errors), vec![DraftField::Scope], "{bad}");
            assert!(errors[0].message.contains(reason), "{bad}: {}", errors[0].message);
        }
        d.scope = ScopeChoice::ManagementGroup { name: "..".into() };
        assert_eq!(fields(&validate(&d, now())), vec![DraftField::Scope]);
        d.scope = ScopeChoice::Subscriptions { ids: vec!["ae640e6b-ba3e-4256-9d62-2993eecfa6f2/../..".into()] };
        assert_eq!(fields(&validate(&d, now())), vec![DraftField::Scope]);
    }
}
