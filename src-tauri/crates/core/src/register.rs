//! The exemption register: every exemption the signed-in user can read, at
//! every level, as one row each, with what it exempts and who made it said
//! in words. These are IPC types; the app fills them (`Desk::exemption_register`)
//! and the Exemptions screen, the CSV export and the expiry reminders read them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::exemption::Exemption;

/// The reminder window when the user has not chosen one (days).
pub const DEFAULT_REMINDER_DAYS: u16 = 30;
/// The longest reminder window the Settings screen accepts (days).
pub const MAX_REMINDER_DAYS: u16 = 365;

/// The level of the scope an exemption is written at.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum ScopeLevel {
    ManagementGroup,
    Subscription,
    ResourceGroup,
    Resource,
}

/// One recommendation an exemption exempts, named.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExemptedRecommendation {
    /// The policy definition reference id inside the initiative.
    pub reference_id: String,
    /// The assessment key, when the reference resolves to a Defender recommendation.
    pub recommendation_key: Option<String>,
    /// The recommendation's display name; the reference id when it did not resolve.
    pub display_name: String,
}

/// Where an exemption stands against its expiry and the reminder window.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ExpiryState {
    /// No expiry.
    Never,
    /// Expires after the reminder window.
    Active,
    /// Expires within the reminder window, in `days` whole days (0 = today).
    ExpiresSoon {
        days: u32,
    },
    Expired,
}

/// One row of the register.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct RegisterEntry {
    /// The exemption as Azure holds it (id, name, scope, fields, expiry).
    pub exemption: Exemption,
    pub level: ScopeLevel,
    /// The scope in words: "Contoso (management group)", a subscription's
    /// name, "rg-web in Contoso Prod", "stcontosodata (storage account) in rg-data, Contoso Prod".
    pub scope_name: String,
    /// The subscription the scope is in (none at a management group).
    pub subscription_id: Option<String>,
    pub subscription_name: Option<String>,
    /// The assignment's initiative (policy set definition) id and display name.
    pub initiative_id: Option<String>,
    pub initiative_name: Option<String>,
    /// The assignment's display name.
    pub assignment_name: Option<String>,
    /// Empty when it exempts every recommendation of the initiative.
    pub recommendations: Vec<ExemptedRecommendation>,
    pub expiry: ExpiryState,
    /// `systemData`.
    pub created_by: Option<String>,
    pub created_at: Option<String>,
    pub last_modified_by: Option<String>,
    pub last_modified_at: Option<String>,
    /// `metadata.requestedBy` / `approvedBy` / `ticket` (as the app writes them).
    pub requested_by: Option<String>,
    pub approved_by: Option<String>,
    pub ticket: Option<String>,
}

/// The app's settings (the Settings screen).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Days before expiry an exemption counts as expiring soon (1..=365).
    pub reminder_window_days: u16,
    /// Desktop notifications for exemptions entering the window.
    pub reminders_enabled: bool,
    /// A PEM file of extra CA certificates to trust beside the system's (a
    /// TLS-inspecting proxy's root), for Entra, ARM, Graph and the request
    /// table alike; it comes before `EXEMPTION_DESK_CA_CERTIFICATE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub extra_ca_certificate: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { reminder_window_days: DEFAULT_REMINDER_DAYS, reminders_enabled: true, extra_ca_certificate: None }
    }
}

/// The state of an expiry (`expires_on`, RFC 3339 UTC) at `now` with a
/// reminder window of `window_days`. An expiry Azure wrote that does not parse
/// counts as active: the row still shows its text.
pub fn expiry_state(expires_on: Option<&str>, now: DateTime<Utc>, window_days: u16) -> ExpiryState {
    let Some(text) = expires_on else { return ExpiryState::Never };
    let Ok(at) = DateTime::parse_from_rfc3339(text) else { return ExpiryState::Active };
    let at = at.with_timezone(&Utc);
    if at <= now {
        return ExpiryState::Expired;
    }
    let days = (at - now).num_days();
    if days < i64::from(window_days) {
        ExpiryState::ExpiresSoon { days: u32::try_from(days).unwrap_or(u32::MAX) }
    } else {
        ExpiryState::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    #[test]
    fn states_follow_the_window() {
        let now = at("2026-12-01T12:00:00Z");
        assert_eq!(expiry_state(None, now, 30), ExpiryState::Never);
        assert_eq!(expiry_state(Some("2026-11-30T23:59:59Z"), now, 30), ExpiryState::Expired);
        assert_eq!(expiry_state(Some("2026-12-01T12:00:00Z"), now, 30), ExpiryState::Expired);
        assert_eq!(expiry_state(Some("2026-12-01T23:59:59Z"), now, 30), ExpiryState::ExpiresSoon { days: 0 });
        assert_eq!(expiry_state(Some("2026-12-30T23:59:59Z"), now, 30), ExpiryState::ExpiresSoon { days: 29 });
        assert_eq!(expiry_state(Some("2026-12-31T23:59:59Z"), now, 30), ExpiryState::Active);
        assert_eq!(expiry_state(Some("2026-12-31T23:59:59Z"), now, 31), ExpiryState::ExpiresSoon { days: 30 });
        assert_eq!(expiry_state(Some("soon"), now, 30), ExpiryState::Active);
    }
}
