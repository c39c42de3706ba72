use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How Defender produced the recommendation (`metadata.assessmentType`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
pub enum AssessmentType {
    BuiltIn,
    CustomPolicy,
    CustomerManaged,
    VerifiedPartner,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, TS)]
pub enum Severity {
    High,
    Medium,
    Low,
}

/// A Defender recommendation (assessment metadata) with its counts across the
/// subscriptions it was gathered from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// The assessment key (the metadata's `name`, a GUID).
    pub key: String,
    pub display_name: String,
    pub description: String,
    pub severity: Severity,
    pub assessment_type: AssessmentType,
    /// The policy definition behind the recommendation, if Defender gives one.
    pub policy_definition_id: Option<String>,
    pub unhealthy_count: u32,
    pub healthy_count: u32,
    pub not_applicable_count: u32,
    /// `None` when the recommendation can be exempted; otherwise why not.
    pub not_exemptible_reason: Option<String>,
}

const NOT_EXEMPTIBLE: &str = include_str!("../data/non-exemptible-recommendations.txt");

/// Why a recommendation cannot be exempted, or `None` when it can.
///
/// Custom recommendations and those Defender documents as not supporting
/// exemption are refused; so is one without a policy definition, since an
/// exemption is always against a policy.
pub fn not_exemptible_reason(
    display_name: &str,
    assessment_type: AssessmentType,
    policy_definition_id: Option<&str>,
) -> Option<String> {
    if assessment_type != AssessmentType::BuiltIn {
        return Some(
            "Custom recommendations cannot be exempted; change or remove the custom policy instead."
                .to_owned(),
        );
    }
    let wanted = display_name.trim();
    let listed = NOT_EXEMPTIBLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.trim().eq_ignore_ascii_case(wanted));
    if listed {
        return Some(
            "Microsoft Defender for Cloud does not support exemptions for this recommendation."
                .to_owned(),
        );
    }
    if policy_definition_id.is_none_or(|id| id.trim().is_empty()) {
        return Some("This recommendation has no Azure Policy definition to exempt.".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEF: Option<&str> =
        Some("/providers/Microsoft.Authorization/policyDefinitions/0a075868-4c26-42ef-914c-5bc007359560");

    #[test]
    fn built_in_recommendations_with_a_policy_can_be_exempted() {
        assert_eq!(
            not_exemptible_reason("Storage accounts should restrict network access", AssessmentType::BuiltIn, DEF),
            None
        );
    }

    #[test]
    fn documented_exceptions_are_refused_whatever_the_case() {
        let reason = not_exemptible_reason(
            "privileged containers should be avoided",
            AssessmentType::BuiltIn,
            DEF,
        );
        assert!(reason.unwrap_or_default().contains("does not support exemptions"));
    }

    #[test]
    fn the_source_comment_line_is_not_a_recommendation() {
        let first = NOT_EXEMPTIBLE.lines().next().unwrap_or_default();
        assert!(first.starts_with('#'));
        assert_eq!(not_exemptible_reason(first, AssessmentType::BuiltIn, DEF), None);
    }

    #[test]
    fn custom_recommendations_are_refused() {
        for t in [AssessmentType::CustomPolicy, AssessmentType::CustomerManaged, AssessmentType::VerifiedPartner] {
            let reason = not_exemptible_reason("Tag resources", t, DEF).unwrap_or_default();
            assert!(reason.contains("Custom"), "{t:?}");
        }
    }

    #[test]
    fn recommendations_without_a_policy_are_refused() {
        assert!(not_exemptible_reason("x", AssessmentType::BuiltIn, None).is_some());
        assert!(not_exemptible_reason("x", AssessmentType::BuiltIn, Some(" ")).is_some());
    }
}
