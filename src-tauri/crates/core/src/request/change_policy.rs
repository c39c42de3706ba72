//! A tenant's rules ([`TenantPolicy`]) for changes to existing exemptions:
//! the register's Extend, Edit and Remove expiry. A waiver is written only
//! once someone else approved it, so a direct change to one is refused when
//! the tenant demands approval (for waivers, or for everything); a change of
//! the expiry keeps within the longest the tenant allows. Deleting takes no
//! risk on, and adds no check.

use chrono::NaiveDate;
use serde_json::Value;

use super::policy::max_expiry_check;
use super::{ApprovalRequirement, TenantPolicy};
use crate::change::ExemptionChange;
use crate::checks::{failed, with_remedy, Check, CheckKind};
use crate::plan::{PlannedWrite, WriteMethod};

/// The policy's checks for `change`, planned as `writes`, on `today`.
pub fn change_policy_checks(change: &ExemptionChange, writes: &[PlannedWrite], policy: &TenantPolicy, today: NaiveDate) -> Vec<Check> {
    let puts: Vec<&Value> = writes.iter().filter(|w| w.method == WriteMethod::Put).map(|w| &w.body["properties"]).collect();
    if puts.is_empty() {
        return Vec::new();
    }
    let mut checks = Vec::new();
    let held = match policy.approval {
        ApprovalRequirement::Never => 0,
        ApprovalRequirement::Waivers => puts.iter().filter(|p| p["exemptionCategory"].as_str() == Some("Waiver")).count(),
        ApprovalRequirement::Always => puts.len(),
    };
    if held > 0 {
        let (title, what) = match policy.approval {
            ApprovalRequirement::Always => {
                ("This tenant requires approval for every exemption, and for changes to one", "every exemption is")
            }
            _ => ("This tenant requires approval for waivers, and for changes to one", "waivers (risk accepted) are"),
        };
        checks.push(with_remedy(
            failed(
                CheckKind::Approval,
                title,
                format!("{held} of the changed exemptions would be written directly; the tenant's policy says {what} written only once someone else approves."),
            ),
            "Ask for approval instead: from the Exempt pane, request the exemption again with the same name, scope and recommendation and the new terms; once approved, it replaces this one.",
        ));
    }
    let touches_expiry = match change {
        ExemptionChange::ExtendTo(_) | ExemptionChange::ExtendBy(_) | ExemptionChange::RemoveExpiry => true,
        ExemptionChange::Edit(edit) => edit.expires_on.is_some(),
        ExemptionChange::Delete => false,
    };
    if let (Some(days), true) = (policy.max_expiry_days, touches_expiry) {
        checks.push(longest_expiry(&puts, days, today));
    }
    checks
}

/// The latest of the new expiries against the longest allowed; one that
/// never expires fails it.
fn longest_expiry(puts: &[&Value], days: u16, today: NaiveDate) -> Check {
    // The date part of each new expiry (Azure's `expiresOn` is a UTC date-time).
    let days_of: Option<Vec<&str>> = puts.iter().map(|p| p["expiresOn"].as_str().and_then(|t| t.get(..10))).collect();
    let latest = days_of.and_then(|d| d.into_iter().max());
    max_expiry_check(latest, days, today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{ExemptionEdit, NewExpiry};
    use crate::checks::CheckStatus;
    use serde_json::json;

    fn put(category: &str, expires: Option<&str>) -> PlannedWrite {
        let mut properties = json!({"exemptionCategory": category, "policyAssignmentId": "/a"});
        if let Some(e) = expires {
            properties["expiresOn"] = json!(e);
        }
        PlannedWrite {
            method: WriteMethod::Put,
            scope: "/subscriptions/s".into(),
            name: "x".into(),
            path: "/subscriptions/s/providers/Microsoft.Authorization/policyExemptions/x".into(),
            policy_assignment_id: "/a".into(),
            initiative_name: "MCSB".into(),
            policy_definition_reference_ids: vec![],
            replaces_existing: true,
            below_chosen_scope: false,
            body: json!({ "properties": properties }),
            as_read: None,
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("as built")
    }

    fn kinds(checks: &[Check]) -> Vec<(CheckKind, CheckStatus)> {
        checks.iter().map(|c| (c.kind, c.status)).collect()
    }

    const EXTEND: ExemptionChange = ExemptionChange::ExtendBy(crate::change::ExtendBy { days: 30 });

    #[test]
    fn a_waiver_is_not_changed_directly_where_the_tenant_demands_approval() {
        let waivers = TenantPolicy { approval: ApprovalRequirement::Waivers, ..Default::default() };
        let writes = [put("Waiver", Some("2027-01-01T00:00:00Z")), put("Mitigated", Some("2027-01-01T00:00:00Z"))];
        let checks = change_policy_checks(&EXTEND, &writes, &waivers, day("2026-12-01"));
        assert_eq!(kinds(&checks), vec![(CheckKind::Approval, CheckStatus::Failed)]);
        assert!(checks[0].detail.starts_with("1 of the changed exemptions"), "{}", checks[0].detail);
        assert!(change_policy_checks(&EXTEND, &writes[1..], &waivers, day("2026-12-01")).is_empty(), "a mitigated one may change");
        let always = TenantPolicy { approval: ApprovalRequirement::Always, ..Default::default() };
        assert_eq!(
            kinds(&change_policy_checks(&EXTEND, &writes[1..], &always, day("2026-12-01"))),
            vec![(CheckKind::Approval, CheckStatus::Failed)]
        );
        let mut delete = put("Waiver", None);
        delete.method = WriteMethod::Delete;
        delete.body = Value::Null;
        assert!(
            change_policy_checks(&ExemptionChange::Delete, &[delete], &always, day("2026-12-01")).is_empty(),
            "deleting takes no risk on"
        );
    }

    #[test]
    fn a_new_expiry_keeps_within_the_longest_allowed() {
        let policy = TenantPolicy { max_expiry_days: Some(31), ..Default::default() };
        let today = day("2026-12-01");
        let within = [put("Mitigated", Some("2027-01-01T22:59:59Z"))];
        assert_eq!(kinds(&change_policy_checks(&EXTEND, &within, &policy, today)), vec![(CheckKind::MaxExpiry, CheckStatus::Passed)]);
        let late = [put("Mitigated", Some("2027-01-01T00:00:00Z")), put("Mitigated", Some("2027-01-02T00:00:00Z"))];
        let checks = change_policy_checks(&EXTEND, &late, &policy, today);
        assert_eq!(kinds(&checks), vec![(CheckKind::MaxExpiry, CheckStatus::Failed)]);
        assert!(checks[0].detail.contains("2027-01-02"), "{}", checks[0].detail);
        let never = [put("Mitigated", None)];
        assert_eq!(change_policy_checks(&ExemptionChange::RemoveExpiry, &never, &policy, today)[0].title, "An expiry is required");
        // An edit that leaves the expiry alone is not held to it (the exemption may predate the policy).
        let edit = ExemptionChange::Edit(ExemptionEdit { description: Some("Reworded.".into()), ..Default::default() });
        assert!(change_policy_checks(&edit, &never, &policy, today).is_empty());
        let dated = ExemptionChange::Edit(ExemptionEdit {
            expires_on: Some(NewExpiry { date: "2027-06-30".into(), utc_offset_minutes: 0 }),
            ..Default::default()
        });
        assert_eq!(
            kinds(&change_policy_checks(&dated, &[put("Mitigated", Some("2027-06-30T23:59:59Z"))], &policy, today)),
            vec![(CheckKind::MaxExpiry, CheckStatus::Failed)]
        );
    }
}
