use serde::{Deserialize, Serialize};
use specta::Type;

/// How Defender produced the recommendation (`metadata.assessmentType`).
/// `Unknown`: a value this version does not know, or no metadata at all.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum AssessmentType {
    BuiltIn,
    CustomPolicy,
    CustomerManaged,
    VerifiedPartner,
    Unknown,
}

impl AssessmentType {
    /// Defender's text (case-insensitive); anything else is `Unknown`.
    pub fn from_arm(text: &str) -> AssessmentType {
        match text.trim().to_ascii_lowercase().as_str() {
            "builtin" => AssessmentType::BuiltIn,
            "custompolicy" => AssessmentType::CustomPolicy,
            "customermanaged" => AssessmentType::CustomerManaged,
            "verifiedpartner" => AssessmentType::VerifiedPartner,
            _ => AssessmentType::Unknown,
        }
    }
}

/// Most severe first; `Unknown` (a value this version does not know, or no
/// metadata) sorts last.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Type)]
pub enum Severity {
    High,
    Medium,
    Low,
    Unknown,
}

impl Severity {
    /// Defender's text (case-insensitive); anything else is `Unknown`.
    pub fn from_arm(text: &str) -> Severity {
        match text.trim().to_ascii_lowercase().as_str() {
            "high" => Severity::High,
            "medium" => Severity::Medium,
            "low" => Severity::Low,
            _ => Severity::Unknown,
        }
    }
}

/// A Defender recommendation (assessment metadata) with its counts across the
/// subscriptions it was gathered from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
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
    /// Every resource Defender shows Not applicable, whatever the cause
    /// (the exempted ones included).
    pub not_applicable_count: u32,
    /// Of the not applicable ones, those with cause `Exempt` (an exemption applies).
    pub exempted_count: u32,
    /// `None` when the recommendation can be exempted; otherwise why not.
    pub not_exemptible_reason: Option<String>,
}

/// The recommendations counted so far while a tenant's list is read in
/// parts: the whole list as far as it is known (counts summed over the
/// subscriptions counted yet, sorted as the finished list), to show in place
/// of the last part. The last part has `counted == subscriptions`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecommendationsSoFar {
    pub recommendations: Vec<Recommendation>,
    /// How many of the subscriptions are counted in.
    pub counted: u32,
    /// How many subscriptions the read counts.
    pub subscriptions: u32,
}

const NOT_EXEMPTIBLE: &str = include_str!("../data/non-exemptible-recommendations.txt");

/// Why a recommendation Defender serves no metadata for cannot be exempted.
pub const NO_METADATA_REASON: &str = "Defender for Cloud gives no metadata for this recommendation (no severity, type or policy definition), so Exemption Desk cannot tell which policy to exempt.";

/// A recommendation Defender assesses but serves no metadata for: listed
/// with what the assessments say (its key and display name), severity and
/// type `Unknown`, and not exemptible.
pub fn without_metadata(key: &str, display_name: Option<&str>) -> Recommendation {
    let display_name = display_name.map(str::trim).filter(|d| !d.is_empty()).unwrap_or(key);
    Recommendation {
        key: key.to_owned(),
        display_name: display_name.to_owned(),
        description: String::new(),
        severity: Severity::Unknown,
        assessment_type: AssessmentType::Unknown,
        policy_definition_id: None,
        unhealthy_count: 0,
        healthy_count: 0,
        not_applicable_count: 0,
        exempted_count: 0,
        not_exemptible_reason: Some(NO_METADATA_REASON.to_owned()),
    }
}

/// Why a recommendation cannot be exempted, or `None` when it can.
///
/// Custom recommendations and those Defender documents as not supporting
/// exemption are refused; so is one without a policy definition, since an
/// exemption is always against a policy.
pub fn not_exemptible_reason(display_name: &str, assessment_type: AssessmentType, policy_definition_id: Option<&str>) -> Option<String> {
    if assessment_type == AssessmentType::Unknown {
        return Some(
            "Defender for Cloud reports an assessment type Exemption Desk does not know, so it cannot tell whether an exemption would apply."
                .to_owned(),
        );
    }
    if assessment_type != AssessmentType::BuiltIn {
        return Some("Custom recommendations cannot be exempted; change or remove the custom policy instead.".to_owned());
    }
    let wanted = display_name.trim();
    let listed = NOT_EXEMPTIBLE.lines().filter(|l| !l.starts_with('#')).any(|l| l.trim().eq_ignore_ascii_case(wanted));
    if listed {
        return Some("Microsoft Defender for Cloud does not support exemptions for this recommendation.".to_owned());
    }
    if policy_definition_id.is_none_or(|id| id.trim().is_empty()) {
        return Some("This recommendation has no Azure Policy definition to exempt.".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEF: Option<&str> = Some("/providers/Microsoft.Authorization/policyDefinitions/0a075868-4c26-42ef-914c-5bc007359560");

    #[test]
    fn built_in_recommendations_with_a_policy_can_be_exempted() {
        assert_eq!(not_exemptible_reason("Storage accounts should restrict network access", AssessmentType::BuiltIn, DEF), None);
    }

    #[test]
    fn documented_exceptions_are_refused_whatever_the_case() {
        let reason = not_exemptible_reason("privileged containers should be avoided", AssessmentType::BuiltIn, DEF);
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
    fn unknown_values_become_unknown_and_sort_last() {
        assert_eq!(Severity::from_arm("HIGH"), Severity::High);
        assert_eq!(Severity::from_arm("Critical"), Severity::Unknown);
        assert_eq!(AssessmentType::from_arm("builtin"), AssessmentType::BuiltIn);
        assert_eq!(AssessmentType::from_arm("Partner"), AssessmentType::Unknown);
        let mut all = vec![Severity::Unknown, Severity::Low, Severity::High, Severity::Medium];
        all.sort();
        assert_eq!(all, [Severity::High, Severity::Medium, Severity::Low, Severity::Unknown]);
        let reason = not_exemptible_reason("x", AssessmentType::Unknown, DEF).unwrap_or_default();
        assert!(reason.contains("does not know"), "{reason}");
    }

    #[test]
    fn a_recommendation_without_metadata_is_listed_but_not_exemptible() {
        let r = without_metadata("k-1", Some("Shown name"));
        assert_eq!((r.display_name.as_str(), r.severity, r.assessment_type), ("Shown name", Severity::Unknown, AssessmentType::Unknown));
        assert_eq!(r.not_exemptible_reason.as_deref(), Some(NO_METADATA_REASON));
        assert_eq!(without_metadata("k-2", Some("  ")).display_name, "k-2");
    }

    #[test]
    fn recommendations_without_a_policy_are_refused() {
        assert!(not_exemptible_reason("x", AssessmentType::BuiltIn, None).is_some());
        assert!(not_exemptible_reason("x", AssessmentType::BuiltIn, Some(" ")).is_some());
    }
}
