//! The rules an exemption request must satisfy before anything is sent. The UI
//! asks for them as the user types; the backend applies them again on create.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::exemption::ExemptionDraft;
use crate::scope::{is_management_group_name, is_resource_group_id, is_resource_id, is_subscription_id, ScopeChoice};

pub const NAME_MAX: usize = 64;
pub const DISPLAY_NAME_MAX: usize = 128;
pub const DESCRIPTION_MAX: usize = 512;
/// Characters Azure refuses in a policy exemption's name.
pub const NAME_FORBIDDEN: &[char] = &['<', '>', '*', '%', '&', ':', '\\', '?', '.', '+', '/'];

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
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
    let display = draft.display_name.chars().count();
    if display > DISPLAY_NAME_MAX {
        errors.push(err(
            DraftField::DisplayName,
            format!("Display name is {display} characters; the limit is {DISPLAY_NAME_MAX}."),
        ));
    }
    if let Some(e) = expiry_error(draft, now) {
        errors.push(e);
    }
    if draft.category.is_none() {
        errors.push(err(DraftField::Category, "Choose a category: mitigated or risk accepted."));
    }
    let description = draft.description.chars().count();
    if description > DESCRIPTION_MAX {
        errors.push(err(
            DraftField::Description,
            format!("Description is {description} characters; the limit is {DESCRIPTION_MAX}."),
        ));
    }
    errors
}

/// At most this many resources in one request (one exemption each).
pub const RESOURCES_MAX: usize = 5_000;

fn scope_errors(scope: &ScopeChoice) -> Vec<FieldError> {
    match scope {
        ScopeChoice::ManagementGroup { name } if is_management_group_name(name) => Vec::new(),
        ScopeChoice::ManagementGroup { name } => {
            vec![err(DraftField::Scope, format!("\"{name}\" is not a management group name."))]
        }
        ScopeChoice::Subscriptions { ids } => {
            id_list_errors(ids, "Choose at least one subscription.", "subscription", is_subscription_id)
        }
        ScopeChoice::ResourceGroups { ids } => {
            id_list_errors(ids, "Choose at least one resource group.", "resource group", is_resource_group_id)
        }
        ScopeChoice::Resources { ids } if ids.len() > RESOURCES_MAX => vec![err(
            DraftField::Scope,
            format!("{} resources are chosen; split the request into parts of at most {RESOURCES_MAX}.", ids.len()),
        )],
        ScopeChoice::Resources { ids } => id_list_errors(ids, "Choose at least one resource.", "resource", is_resource_id),
    }
}

fn id_list_errors(ids: &[String], empty: &str, what: &str, valid: fn(&str) -> bool) -> Vec<FieldError> {
    if ids.is_empty() {
        return vec![err(DraftField::Scope, empty)];
    }
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !valid(id) {
            errors.push(err(DraftField::Scope, format!("\"{id}\" is not a {what} id.")));
        } else if !seen.insert(id.to_ascii_lowercase()) {
            errors.push(err(DraftField::Scope, format!("The {what} {id} is chosen twice.")));
        }
    }
    errors
}

/// Azure's rules for a policy exemption's resource name.
pub fn name_errors(name: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let length = name.chars().count();
    if name.trim().is_empty() {
        errors.push(err(DraftField::Name, "Enter a name."));
        return errors;
    }
    if length > NAME_MAX {
        errors.push(err(DraftField::Name, format!("Name is {length} characters; the limit is {NAME_MAX}.")));
    }
    let mut forbidden: Vec<char> = name.chars().filter(|c| NAME_FORBIDDEN.contains(c)).collect();
    forbidden.dedup();
    if !forbidden.is_empty() {
        let listed = forbidden.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
        errors.push(err(
            DraftField::Name,
            format!("Name can't contain {listed}. Azure refuses any of < > * % & : \\ ? . + /"),
        ));
    }
    if name.chars().any(char::is_control) {
        errors.push(err(DraftField::Name, "Name can't contain control characters such as tabs or line breaks."));
    }
    if name.ends_with(' ') {
        errors.push(err(DraftField::Name, "Name can't end with a space."));
    }
    errors
}

fn expiry_error(draft: &ExemptionDraft, now: DateTime<Utc>) -> Option<FieldError> {
    let date = draft.expires_on.as_deref()?.trim();
    if date.is_empty() {
        return None;
    }
    let Some(expires) = expiry_instant(date, draft.utc_offset_minutes) else {
        return Some(err(DraftField::ExpiresOn, format!("\"{date}\" is not a date (use YYYY-MM-DD).")));
    };
    if expires <= now {
        return Some(err(DraftField::ExpiresOn, "The expiry date is in the past; choose today or a later day."));
    }
    None
}

/// The UTC instant at which an exemption chosen to expire on `date` (in the
/// user's time zone, `utc_offset_minutes` east of UTC) ends: the last second
/// of that day there.
pub fn expiry_instant(date: &str, utc_offset_minutes: i32) -> Option<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let zone = FixedOffset::east_opt(utc_offset_minutes.checked_mul(60)?)?;
    let end = day.and_time(NaiveTime::from_hms_opt(23, 59, 59)?);
    zone.from_local_datetime(&end).single().map(|t| t.with_timezone(&Utc))
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
}
