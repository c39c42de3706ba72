use serde::{Deserialize, Serialize};
use specta::Type;

use crate::scope::ScopeChoice;

/// Why the risk is exempted (`exemptionCategory`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum ExemptionCategory {
    /// "Resolved through 3rd party (mitigated)".
    Mitigated,
    /// "Risk accepted (waiver)".
    Waiver,
}

impl ExemptionCategory {
    pub fn as_arm(self) -> &'static str {
        match self {
            ExemptionCategory::Mitigated => "Mitigated",
            ExemptionCategory::Waiver => "Waiver",
        }
    }

    /// ARM enums compare case-insensitively.
    pub fn from_arm(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("Mitigated") {
            Some(ExemptionCategory::Mitigated)
        } else if value.eq_ignore_ascii_case("Waiver") {
            Some(ExemptionCategory::Waiver)
        } else {
            None
        }
    }
}

/// What the user typed in the Exempt pane, as it crosses IPC. Nothing in it is
/// trusted until [`crate::validation::validate`] accepts it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionDraft {
    /// The recommendation's assessment key.
    pub recommendation_key: String,
    /// Where the exemption applies.
    pub scope: ScopeChoice,
    /// The exemption's resource name.
    pub name: String,
    /// Shown in the portal; the name when left empty.
    pub display_name: String,
    /// A calendar date `YYYY-MM-DD` in the user's time zone; the exemption
    /// ends at the end of that day.
    pub expires_on: Option<String>,
    /// The user's offset from UTC in minutes, east positive (UTC+1 is 60).
    pub utc_offset_minutes: i32,
    pub category: Option<ExemptionCategory>,
    pub description: String,
}

/// A policy exemption as Azure holds it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct Exemption {
    /// The full ARM id.
    pub id: String,
    pub name: String,
    /// The scope it is written at (the id before `/providers/Microsoft.Authorization`).
    pub scope: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// `None` when Azure returned a category this app does not know.
    pub category: Option<ExemptionCategory>,
    /// UTC, RFC 3339.
    pub expires_on: Option<String>,
    pub expired: bool,
    pub policy_assignment_id: String,
    pub policy_definition_reference_ids: Vec<String>,
}

/// The scope part of an exemption id.
pub fn scope_of(exemption_id: &str) -> &str {
    let marker = "/providers/microsoft.authorization/policyexemptions/";
    match exemption_id.to_ascii_lowercase().rfind(marker) {
        Some(at) => &exemption_id[..at],
        None => exemption_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip_through_arm_spelling() {
        for c in [ExemptionCategory::Mitigated, ExemptionCategory::Waiver] {
            assert_eq!(ExemptionCategory::from_arm(c.as_arm()), Some(c));
        }
        assert_eq!(ExemptionCategory::from_arm("waiver"), Some(ExemptionCategory::Waiver));
        assert_eq!(ExemptionCategory::from_arm("Accepted"), None);
    }

    #[test]
    fn scope_is_what_precedes_the_exemption_provider() {
        assert_eq!(scope_of("/subscriptions/s1/providers/Microsoft.Authorization/policyExemptions/x"), "/subscriptions/s1");
        assert_eq!(
            scope_of("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/providers/Microsoft.Authorization/policyExemptions/x"),
            "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a"
        );
    }
}
