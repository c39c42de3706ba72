//! A tenant's rules for exemptions ([`TenantPolicy`]) as checks: on a direct
//! Create (approval required stops it), on a request and on its approval
//! (the longest expiry, a ticket reference). A rule the tenant did not set
//! adds no check.

use chrono::{Days, NaiveDate};

use super::{ApprovalRequirement, TenantPolicy};
use crate::checks::{check, failed, with_remedy, Check, CheckKind, CheckStatus};
use crate::exemption::{ExemptionCategory, ExemptionDraft};

/// What the checks are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyUse {
    /// Writing the draft directly (the Exempt pane's Create).
    Create,
    /// Asking for approval.
    Request,
    /// An approver deciding a request.
    Approval,
}

/// The tenant demands approval before this draft is written.
pub fn approval_required(policy: &TenantPolicy, draft: &ExemptionDraft) -> bool {
    match policy.approval {
        ApprovalRequirement::Never => false,
        ApprovalRequirement::Waivers => draft.category == Some(ExemptionCategory::Waiver),
        ApprovalRequirement::Always => true,
    }
}

/// The policy's checks for `draft`; `since` is the day the request was made
/// (today for a new one), from which the longest expiry counts.
pub fn policy_checks(
    draft: &ExemptionDraft,
    ticket: Option<&str>,
    policy: &TenantPolicy,
    purpose: PolicyUse,
    since: NaiveDate,
) -> Vec<Check> {
    let mut checks = Vec::new();
    if purpose == PolicyUse::Create && approval_required(policy, draft) {
        let (title, what) = match policy.approval {
            ApprovalRequirement::Always => ("This tenant requires approval for every exemption — request it", "every exemption"),
            _ => ("This tenant requires approval for waivers — request it", "waivers (risk accepted)"),
        };
        checks.push(with_remedy(
            failed(
                CheckKind::Approval,
                title,
                format!("The tenant's policy says {what} are written only once someone else approves them."),
            ),
            "Choose Request approval; an approver then reviews and applies it.",
        ));
    }
    if let Some(days) = policy.max_expiry_days {
        checks.push(max_expiry_check(draft.expires_on.as_deref(), days, since));
    }
    if policy.ticket_required && purpose != PolicyUse::Create {
        let title = "A ticket reference is given";
        checks.push(match ticket.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => check(CheckKind::Ticket, CheckStatus::Passed, title, format!("Ticket {t}.")),
            None => with_remedy(
                failed(
                    CheckKind::Ticket,
                    "A ticket reference is required",
                    "The tenant's policy requires a ticket reference or link on every request.",
                ),
                "Enter the change or risk ticket that covers this exemption.",
            ),
        });
    }
    checks
}

/// The longest expiry's check for an expiry (`YYYY-MM-DD`; none: it never
/// expires), counted from `since`.
pub(super) fn max_expiry_check(expires_on: Option<&str>, days: u16, since: NaiveDate) -> Check {
    let title = format!("The expiry is within {days} days");
    let latest = since.checked_add_days(Days::new(u64::from(days)));
    let expiry = expires_on.map(str::trim).filter(|d| !d.is_empty());
    let remedy = |c: Check| {
        with_remedy(c, format!("Choose an expiry on or before {}.", latest.map_or_else(|| "the limit".into(), |d| d.to_string())))
    };
    match (expiry.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d")), latest) {
        (None, _) => remedy(failed(
            CheckKind::MaxExpiry,
            "An expiry is required",
            format!("The tenant's policy allows exemptions of at most {days} days; this one never expires."),
        )),
        (Some(Ok(date)), Some(latest)) if date <= latest => {
            check(CheckKind::MaxExpiry, CheckStatus::Passed, &title, format!("It ends on {date}, no later than {latest}."))
        }
        (Some(Ok(date)), _) => remedy(failed(
            CheckKind::MaxExpiry,
            "The expiry is later than the tenant allows",
            format!("It ends on {date}; the tenant's policy allows at most {days} days from {since}."),
        )),
        // An unreadable date is the Fields check's to report.
        (Some(Err(_)), _) => check(CheckKind::MaxExpiry, CheckStatus::NotApplicable, &title, "Enter a valid expiry first."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::draft;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("as built")
    }

    fn statuses(checks: &[Check]) -> Vec<(CheckKind, CheckStatus)> {
        checks.iter().map(|c| (c.kind, c.status)).collect()
    }

    #[test]
    fn no_rules_no_checks() {
        for purpose in [PolicyUse::Create, PolicyUse::Request, PolicyUse::Approval] {
            assert!(policy_checks(&draft(), None, &TenantPolicy::default(), purpose, day("2026-11-25")).is_empty());
        }
    }

    #[test]
    fn approval_required_stops_a_direct_create_of_a_waiver_only() {
        let policy = TenantPolicy { approval: ApprovalRequirement::Waivers, ..Default::default() };
        let waiver = draft();
        let created = policy_checks(&waiver, None, &policy, PolicyUse::Create, day("2026-11-25"));
        assert_eq!(statuses(&created), vec![(CheckKind::Approval, CheckStatus::Failed)]);
        assert_eq!(created[0].title, "This tenant requires approval for waivers — request it");
        assert!(policy_checks(&waiver, None, &policy, PolicyUse::Request, day("2026-11-25")).is_empty());
        let mitigated = ExemptionDraft { category: Some(ExemptionCategory::Mitigated), ..draft() };
        assert!(policy_checks(&mitigated, None, &policy, PolicyUse::Create, day("2026-11-25")).is_empty());
        let always = TenantPolicy { approval: ApprovalRequirement::Always, ..Default::default() };
        assert!(approval_required(&always, &mitigated));
        assert_eq!(
            statuses(&policy_checks(&mitigated, None, &always, PolicyUse::Create, day("2026-11-25"))),
            vec![(CheckKind::Approval, CheckStatus::Failed)]
        );
    }

    #[test]
    fn the_longest_expiry_counts_from_the_day_of_the_request() {
        let policy = TenantPolicy { max_expiry_days: Some(67), ..Default::default() };
        // The draft expires 2027-01-31: 67 days after 2026-11-25.
        let on_time = policy_checks(&draft(), None, &policy, PolicyUse::Request, day("2026-11-25"));
        assert_eq!(statuses(&on_time), vec![(CheckKind::MaxExpiry, CheckStatus::Passed)]);
        let late = policy_checks(&draft(), None, &policy, PolicyUse::Approval, day("2026-11-24"));
        assert_eq!(statuses(&late), vec![(CheckKind::MaxExpiry, CheckStatus::Failed)]);
        assert!(late[0].remedy.as_deref().expect("as built").contains("2027-01-30"));
        let never = ExemptionDraft { expires_on: None, ..draft() };
        assert_eq!(policy_checks(&never, None, &policy, PolicyUse::Create, day("2026-11-25"))[0].title, "An expiry is required");
    }

    #[test]
    fn a_ticket_is_required_on_request_and_approval() {
        let policy = TenantPolicy { ticket_required: true, ..Default::default() };
        let missing = policy_checks(&draft(), Some("  "), &policy, PolicyUse::Request, day("2026-11-25"));
        assert_eq!(statuses(&missing), vec![(CheckKind::Ticket, CheckStatus::Failed)]);
        let given = policy_checks(&draft(), Some("CHG-42"), &policy, PolicyUse::Approval, day("2026-11-25"));
        assert_eq!(statuses(&given), vec![(CheckKind::Ticket, CheckStatus::Passed)]);
    }
}
