//! Preparing a request's checks and writes: under the requester's identity
//! when asking (a failed Permissions check does not stop the plan: that is why
//! one asks), under the approver's when reviewing (every check must pass).
//! The tenant's policy adds its checks both times.

use chrono::{DateTime, NaiveDate, Utc};
use desk_azure::AzureError;
use desk_core::checks::{Check, CheckStatus};
use desk_core::choice::{decide_with, ChoiceKey, Planning};
use desk_core::exemption::ExemptionDraft;
use desk_core::plan::{PlannedWrite, Requester, ScopeLevel};
use desk_core::request::{policy_checks, PolicyUse, TenantPolicy, NOTE_MAX};
use desk_core::scope::ScopeChoice;
use desk_core::validation::validate;
use desk_core::CoreError;

use crate::{AppError, Connected, Desk};

/// A ticket reference or link: at most this many characters.
pub const TICKET_MAX: usize = 256;

pub(crate) fn refused(message: impl Into<String>) -> AppError {
    AppError::Azure(AzureError::from(CoreError::RequestRefused(message.into())))
}

/// A prepared draft: its checks, and its writes or why none could be made.
pub(crate) struct Prepared {
    pub recommendation_name: String,
    pub checks: Vec<Check>,
    pub writes: Result<Vec<PlannedWrite>, AppError>,
}

/// The justification, trimmed: required and bounded.
pub(crate) fn justification(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(refused("Enter a justification: why this exemption is needed."));
    }
    if text.chars().count() > NOTE_MAX {
        return Err(refused(format!("Keep the justification to {NOTE_MAX} characters.")));
    }
    Ok(text.to_owned())
}

/// The ticket reference, trimmed; blank is none.
pub(crate) fn ticket(text: Option<String>) -> Result<Option<String>, AppError> {
    let Some(text) = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > TICKET_MAX || text.chars().any(char::is_control) {
        return Err(refused(format!("A ticket reference is one line of at most {TICKET_MAX} characters.")));
    }
    Ok(Some(text))
}

/// "2 subscriptions", "management group contoso-corp", "1 resource group".
pub(crate) fn scope_summary(scope: &ScopeChoice) -> String {
    match scope {
        ScopeChoice::ManagementGroup { name } => format!("management group {name}"),
        other => {
            let scopes = other.scopes();
            let level = scopes.first().map_or(ScopeLevel::Subscription, |s| ScopeLevel::of(s));
            format!("{} {}", scopes.len(), level.noun(scopes.len()))
        }
    }
}

/// The calendar day (UTC) of an RFC 3339 time; today when it cannot be read.
pub(crate) fn day_of(rfc3339: &str, now: DateTime<Utc>) -> NaiveDate {
    DateTime::parse_from_rfc3339(rfc3339).map_or(now.date_naive(), |t| t.with_timezone(&Utc).date_naive())
}

impl Desk {
    /// Checks and writes for `draft` under the signed-in identity, from the
    /// facts kept for its choice, with the policy's checks for `purpose`.
    pub(crate) async fn prepare_for_request(
        &self,
        connected: &Connected,
        draft: &ExemptionDraft,
        ticket: Option<&str>,
        policy: &TenantPolicy,
        purpose: PolicyUse,
        since: NaiveDate,
    ) -> Result<Prepared, AppError> {
        let now = Utc::now();
        let errors = validate(draft, now);
        if !errors.is_empty() {
            return Err(AzureError::from(CoreError::InvalidDraft(errors)).into());
        }
        let requester = Requester {
            account: &connected.identity.account,
            object_id: &connected.identity.object_id,
            app_version: env!("CARGO_PKG_VERSION"),
        };
        let tenant = &connected.tenant;
        let gather = || async { Ok::<_, AppError>(desk_azure::caught(tenant.gather(&draft.recommendation_key, &draft.scope)).await?) };
        let facts = self.choices.facts(&connected.choice_session(), ChoiceKey::of(&draft.recommendation_key, &draft.scope), gather).await?;
        let extra = policy_checks(draft, ticket, policy, purpose, since);
        let planning = if purpose == PolicyUse::Request { Planning::Request } else { Planning::Write };
        let decision = decide_with(draft, &facts, &requester, now, extra, planning);
        let writes = match decision.writes {
            Ok(writes) if writes.is_empty() => Err(refused("There is nothing to write for this draft.")),
            Ok(writes) => Ok(writes),
            Err(e) => Err(AzureError::from(e).into()),
        };
        Ok(Prepared { recommendation_name: facts.recommendation.display_name.clone(), checks: decision.checks, writes })
    }
}

/// The failed checks' titles, joined: why an approver may not approve.
pub(crate) fn failed_titles(checks: &[Check]) -> Option<String> {
    let failed: Vec<&str> = checks.iter().filter(|c| c.status == CheckStatus::Failed).map(|c| c.title.as_str()).collect();
    (!failed.is_empty()).then(|| failed.join("; "))
}
