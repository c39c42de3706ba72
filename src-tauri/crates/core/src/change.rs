//! Changes to exemptions that already exist — extend, edit, remove the
//! expiry, delete — on one or many at once. A pure function turns the
//! exemptions as read (the JSON exactly as Azure returned it) and the
//! requested change into checks and exact writes: an edit PUTs the whole
//! exemption as read with only the edited fields changed, so nothing the app
//! does not show is lost; each write keeps the snapshot it was made from,
//! which [`before_send`] compares with a fresh read just before sending.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use specta::Type;

use crate::checks::{check, failed, with_remedy, Check, CheckKind, CheckStatus};
use crate::error::CoreError;
use crate::exemption::{scope_of, ExemptionCategory};
use crate::permissions::{Permissions, ASSIGNMENT_EXEMPT, EXEMPTION_DELETE, EXEMPTION_WRITE};
use crate::plan::{exemption_path, PlannedWrite, WriteMethod};
use crate::validation::{expiry_instant, text_errors, DraftField, FieldError, DESCRIPTION_MAX, DISPLAY_NAME_MAX};

mod compare;
pub use compare::{before_send, differences, BeforeSend, FieldChange};

/// At most this many exemptions in one change.
pub const CHANGE_MAX: usize = 5_000;
/// Extending by more days than this is refused (about 100 years).
pub const EXTEND_DAYS_MAX: u32 = 36_600;
/// Ticket references are short identifiers (`CHG-1042`).
pub const TICKET_MAX: usize = 128;
/// The metadata key a ticket reference is written under, unless the
/// exemption already holds one under [`TICKET_KEYS`]' other spelling.
pub const TICKET_KEY: &str = "ticket";
/// Spellings of the ticket reference found in exemptions' metadata.
pub const TICKET_KEYS: [&str; 2] = ["ticket", "ticketRef"];
/// The plan registry's key for change previews: one change form is open at
/// a time, so a newer change preview replaces the older ones.
pub const CHANGE_KEY: &str = "exemption-change";

/// A new expiry: the end of `date` in the user's time zone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewExpiry {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The user's offset from UTC in minutes, east positive.
    pub utc_offset_minutes: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExtendBy {
    /// Added to each exemption's current expiry.
    pub days: u32,
}

/// The edited fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionEdit {
    /// Empty removes it (the portal then shows the name).
    pub display_name: Option<String>,
    /// Empty removes it.
    pub description: Option<String>,
    pub category: Option<ExemptionCategory>,
    /// To remove the expiry, use [`ExemptionChange::RemoveExpiry`].
    pub expires_on: Option<NewExpiry>,
    /// The change ticket (metadata `ticket`, or `ticketRef` where the
    /// exemption already uses that); empty removes it.
    pub ticket: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ExemptionChange {
    ExtendTo(NewExpiry),
    ExtendBy(ExtendBy),
    Edit(ExemptionEdit),
    RemoveExpiry,
    Delete,
}

/// The change and the exemptions (full ARM ids) it applies to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRequest {
    pub exemption_ids: Vec<String>,
    pub change: ExemptionChange,
}

impl ExemptionChange {
    /// The permission the change needs at each exemption's scope.
    pub fn action(&self) -> &'static str {
        match self {
            ExemptionChange::Delete => EXEMPTION_DELETE,
            _ => EXEMPTION_WRITE,
        }
    }

    fn verb(&self) -> &'static str {
        match self {
            ExemptionChange::Delete => "delete",
            _ => "write",
        }
    }
}

/// An exemption to change, addressed strictly.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeTarget {
    pub scope: String,
    pub name: String,
    /// The ARM path, without the api-version.
    pub path: String,
}

/// Each id parsed strictly into scope and name (none twice, at most
/// [`CHANGE_MAX`]); refused before anything is read.
pub fn targets(request: &ChangeRequest) -> Result<Vec<ChangeTarget>, CoreError> {
    let invalid = |message: String| CoreError::InvalidDraft(vec![FieldError { field: DraftField::Scope, message }]);
    if request.exemption_ids.is_empty() {
        return Err(invalid("Choose at least one exemption.".into()));
    }
    if request.exemption_ids.len() > CHANGE_MAX {
        return Err(invalid(format!("{} exemptions are chosen; change at most {CHANGE_MAX} at once.", request.exemption_ids.len())));
    }
    let mut out: Vec<ChangeTarget> = Vec::new();
    for id in &request.exemption_ids {
        let scope = scope_of(id);
        let name = id.get(scope.len()..).and_then(|rest| rest.rsplit('/').next()).unwrap_or_default();
        if scope.len() == id.len() || name.is_empty() {
            return Err(invalid(format!("{id} is not a policy exemption's id.")));
        }
        let path = exemption_path(scope, name)?.to_string();
        if out.iter().any(|t| t.path.eq_ignore_ascii_case(&path)) {
            return Err(invalid(format!("The exemption {path} is chosen twice.")));
        }
        out.push(ChangeTarget { scope: scope.to_owned(), name: name.to_owned(), path });
    }
    Ok(out)
}

/// What Azure said about one target when the change was prepared.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRead {
    pub target: ChangeTarget,
    /// The exemption exactly as Azure returned it; `None` when it is gone.
    pub read: Option<Value>,
    /// The caller's permissions at the exemption's scope, when readable.
    pub permissions: Option<Permissions>,
    /// The caller's permissions at the scope of the exemption's policy
    /// assignment (ARM asks for `policyAssignments/exempt/action` there on
    /// every PUT), when readable.
    pub assignment_permissions: Option<Permissions>,
}

/// The checks and the writes of a change; nothing may be sent when a check failed.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangePlan {
    pub checks: Vec<Check>,
    pub writes: Vec<PlannedWrite>,
}

/// Azure's field rules for the edited fields, and the number of days.
pub fn change_errors(change: &ExemptionChange) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let date_error = |e: &NewExpiry| {
        expiry_instant(e.date.trim(), e.utc_offset_minutes).is_none().then(|| FieldError {
            field: DraftField::ExpiresOn,
            message: format!("\"{}\" is not a date (use YYYY-MM-DD).", e.date.chars().take(40).collect::<String>()),
        })
    };
    match change {
        ExemptionChange::ExtendTo(e) => errors.extend(date_error(e)),
        ExemptionChange::ExtendBy(by) if by.days == 0 || by.days > EXTEND_DAYS_MAX => {
            errors.push(FieldError { field: DraftField::ExpiresOn, message: format!("Extend by 1 to {EXTEND_DAYS_MAX} days.") })
        }
        ExemptionChange::Edit(edit) => {
            if let Some(d) = &edit.display_name {
                errors.extend(text_errors(DraftField::DisplayName, "Display name", d, DISPLAY_NAME_MAX, false));
            }
            if let Some(d) = &edit.description {
                errors.extend(text_errors(DraftField::Description, "Description", d, DESCRIPTION_MAX, true));
            }
            if let Some(t) = &edit.ticket {
                errors.extend(text_errors(DraftField::Description, "Ticket reference", t, TICKET_MAX, false));
            }
            if let Some(e) = &edit.expires_on {
                errors.extend(date_error(e));
            }
        }
        _ => {}
    }
    errors
}

fn instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

fn arm_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Why a target is not written though it exists.
enum Skip {
    /// Already as asked.
    Unchanged,
    /// Extend by N days of an exemption that never expires.
    NoExpiry,
}

/// The properties after the change, or why nothing is written.
fn changed_properties(props: &Map<String, Value>, change: &ExemptionChange) -> Result<Map<String, Value>, Skip> {
    let mut out = props.clone();
    let set = |out: &mut Map<String, Value>, key: &str, value: &str| {
        if value.is_empty() {
            out.remove(key);
        } else {
            out.insert(key.into(), json!(value));
        }
    };
    match change {
        ExemptionChange::ExtendTo(e) => {
            if let Some(t) = expiry_instant(e.date.trim(), e.utc_offset_minutes) {
                out.insert("expiresOn".into(), json!(arm_time(t)));
            }
        }
        ExemptionChange::ExtendBy(by) => {
            let current = props.get("expiresOn").and_then(Value::as_str).and_then(instant).ok_or(Skip::NoExpiry)?;
            let later = current.checked_add_signed(Duration::days(i64::from(by.days))).ok_or(Skip::NoExpiry)?;
            out.insert("expiresOn".into(), json!(arm_time(later)));
        }
        ExemptionChange::RemoveExpiry => {
            out.remove("expiresOn");
        }
        ExemptionChange::Edit(edit) => {
            if let Some(d) = &edit.display_name {
                set(&mut out, "displayName", d);
            }
            if let Some(d) = &edit.description {
                set(&mut out, "description", d);
            }
            if let Some(c) = edit.category {
                out.insert("exemptionCategory".into(), json!(c.as_arm()));
            }
            if let Some(t) = edit.expires_on.as_ref().and_then(|e| expiry_instant(e.date.trim(), e.utc_offset_minutes)) {
                out.insert("expiresOn".into(), json!(arm_time(t)));
            }
            if let Some(ticket) = &edit.ticket {
                let mut metadata = match props.get("metadata") {
                    Some(Value::Object(m)) => m.clone(),
                    _ => Map::new(),
                };
                let key = TICKET_KEYS.iter().find(|k| metadata.contains_key(**k)).copied().unwrap_or(TICKET_KEY);
                set(&mut metadata, key, ticket.trim());
                out.insert("metadata".into(), Value::Object(metadata));
            }
        }
        ExemptionChange::Delete => {}
    }
    if compare::same_properties(&out, props) {
        return Err(Skip::Unchanged);
    }
    Ok(out)
}

/// The body of an edit: the exemption as read, with the new properties and
/// without what ARM alone sets (`id`, `name`, `type`, `systemData`).
fn put_body(read: &Value, properties: Map<String, Value>) -> Value {
    let mut body = match read {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    for key in ["id", "name", "type", "systemData"] {
        body.remove(key);
    }
    body.insert("properties".into(), Value::Object(properties));
    Value::Object(body)
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
}

/// The checks and exact writes for `change` over the exemptions as read.
pub fn plan_change(change: &ExemptionChange, reads: &[TargetRead], now: DateTime<Utc>) -> ChangePlan {
    let deleting = matches!(change, ExemptionChange::Delete);
    let mut writes = Vec::new();
    let (mut gone, mut unchanged, mut no_expiry, mut past, mut refused, mut unknown) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut shortened = Vec::new();
    for r in reads {
        let t = &r.target;
        let Some(read) = &r.read else {
            gone.push(t.path.clone());
            continue;
        };
        match &r.permissions {
            Some(p) if !p.allows(change.action()) => refused.push(format!("{} exemptions at {}", change.verb(), t.scope)),
            None => unknown.push(t.scope.clone()),
            _ => {}
        }
        let empty = Map::new();
        let props = read.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let (method, body) = if deleting {
            (WriteMethod::Delete, Value::Null)
        } else {
            match changed_properties(props, change) {
                Ok(new) => {
                    if let Some(expiry) = new.get("expiresOn").and_then(Value::as_str).and_then(instant) {
                        let edited = props.get("expiresOn") != new.get("expiresOn");
                        if edited && expiry <= now {
                            past.push(format!("{} ({})", t.name, arm_time(expiry)));
                        }
                        let current = props.get("expiresOn").and_then(Value::as_str).and_then(instant);
                        if edited && current.is_some_and(|c| expiry < c) {
                            shortened.push(t.name.clone());
                        }
                    }
                    if r.assignment_permissions.as_ref().is_some_and(|p| !p.allows(ASSIGNMENT_EXEMPT)) {
                        let assignment = props.get("policyAssignmentId").and_then(Value::as_str).unwrap_or_default();
                        refused.push(format!("exempt from {assignment}"));
                    }
                    (WriteMethod::Put, put_body(read, new))
                }
                Err(Skip::Unchanged) => {
                    unchanged.push(t.name.clone());
                    continue;
                }
                Err(Skip::NoExpiry) => {
                    no_expiry.push(t.name.clone());
                    continue;
                }
            }
        };
        writes.push(PlannedWrite {
            method,
            scope: t.scope.clone(),
            name: t.name.clone(),
            path: t.path.clone(),
            policy_assignment_id: props.get("policyAssignmentId").and_then(Value::as_str).unwrap_or_default().to_owned(),
            initiative_name: String::new(),
            policy_definition_reference_ids: string_list(props.get("policyDefinitionReferenceIds")),
            replaces_existing: true,
            below_chosen_scope: false,
            body,
            as_read: Some(read.clone()),
        });
    }
    let checks = vec![
        exists_check(deleting, &gone),
        fields_check(change),
        expiry_check(change, &past, &no_expiry, &shortened),
        permissions_check(change, &refused, &unknown),
        unchanged_check(&unchanged, writes.is_empty() && !reads.is_empty()),
    ];
    ChangePlan { checks, writes }
}

fn listed(items: &[String]) -> String {
    listed_with(items, ", ")
}

fn listed_with(items: &[String], separator: &str) -> String {
    let mut items = items.to_vec();
    items.sort();
    items.dedup();
    items.join(separator)
}

fn exists_check(deleting: bool, gone: &[String]) -> Check {
    let title = "The exemptions still exist";
    if gone.is_empty() {
        return check(CheckKind::Exists, CheckStatus::Passed, title, "Each one was read from Azure just now.");
    }
    if deleting {
        return check(
            CheckKind::Exists,
            CheckStatus::Warning,
            title,
            format!("Already gone from Azure, nothing to delete: {}.", listed(gone)),
        );
    }
    with_remedy(
        failed(CheckKind::Exists, "Some exemptions no longer exist", format!("No longer in Azure: {}.", listed(gone))),
        "Refresh the list and choose again.",
    )
}

fn fields_check(change: &ExemptionChange) -> Check {
    let title = "The new values meet Azure's rules";
    let errors = change_errors(change);
    if !errors.is_empty() {
        let detail = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
        return with_remedy(
            failed(CheckKind::Fields, "Some new values break Azure's rules", detail),
            "Correct the fields marked in the form.",
        );
    }
    match change {
        ExemptionChange::Delete | ExemptionChange::RemoveExpiry => {
            check(CheckKind::Fields, CheckStatus::NotApplicable, title, "No field is set.")
        }
        _ => check(CheckKind::Fields, CheckStatus::Passed, title, "Every field meets Azure's rules."),
    }
}

fn expiry_check(change: &ExemptionChange, past: &[String], no_expiry: &[String], shortened: &[String]) -> Check {
    let title = "The new expiry is in the future";
    let sets_expiry = match change {
        ExemptionChange::ExtendTo(_) | ExemptionChange::ExtendBy(_) => true,
        ExemptionChange::Edit(edit) => edit.expires_on.is_some(),
        _ => false,
    };
    if !sets_expiry {
        return check(CheckKind::Expiry, CheckStatus::NotApplicable, title, "The expiry is not set by this change.");
    }
    if !past.is_empty() {
        return with_remedy(
            failed(
                CheckKind::Expiry,
                "The new expiry has already passed",
                format!("The new expiry would already have passed for {}.", listed(past)),
            ),
            "Extend to a later date, or by more days.",
        );
    }
    if !no_expiry.is_empty() {
        return check(
            CheckKind::Expiry,
            CheckStatus::Warning,
            title,
            format!("Never expire, so not extended: {}. Extend to a date to give them one.", listed(no_expiry)),
        );
    }
    if !shortened.is_empty() {
        return check(
            CheckKind::Expiry,
            CheckStatus::Warning,
            title,
            format!("The new expiry is earlier than the current one for {}: they will end sooner.", listed(shortened)),
        );
    }
    check(CheckKind::Expiry, CheckStatus::Passed, title, "Every new expiry lies ahead.")
}

fn permissions_check(change: &ExemptionChange, refused: &[String], unknown: &[String]) -> Check {
    let verb = change.verb();
    let title = if verb == "delete" { "You may delete these exemptions" } else { "You may write these exemptions" };
    if !refused.is_empty() {
        return with_remedy(
            failed(
                CheckKind::Permissions,
                &format!("You may not {verb} these exemptions"),
                format!("You may not {}.", listed_with(refused, "; ")),
            ),
            "Ask for Security Admin, Resource Policy Contributor or Owner there, or leave those exemptions out.",
        );
    }
    if !unknown.is_empty() {
        return check(
            CheckKind::Permissions,
            CheckStatus::Warning,
            title,
            format!("Your permissions at {} could not be read; Azure will refuse what you may not {verb}.", listed(unknown)),
        );
    }
    let also = if verb == "write" { format!(", and {ASSIGNMENT_EXEMPT} for each assignment") } else { String::new() };
    check(CheckKind::Permissions, CheckStatus::Passed, title, format!("You hold {} at each exemption's scope{also}.", change.action()))
}

fn unchanged_check(unchanged: &[String], nothing_left: bool) -> Check {
    let title = "Something changes";
    if unchanged.is_empty() {
        return check(CheckKind::Unchanged, CheckStatus::Passed, title, "Each exemption differs from what it is now.");
    }
    let detail = format!("Already as asked, so not written: {}.", listed(unchanged));
    if nothing_left {
        return with_remedy(failed(CheckKind::Unchanged, "Nothing changes", detail), "Change a field, or choose other exemptions.");
    }
    check(CheckKind::Unchanged, CheckStatus::Warning, title, detail)
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
