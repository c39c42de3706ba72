//! Effective Azure RBAC permissions (`Microsoft.Authorization/permissions`)
//! and whether they allow an action, with Azure's wildcard rules.

/// One entry of a permissions answer: what is granted, minus what is excluded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PermissionEntry {
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
}

/// The caller's effective permissions at one scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Permissions {
    pub entries: Vec<PermissionEntry>,
}

/// Writing a policy exemption at a scope.
pub const EXEMPTION_WRITE: &str = "Microsoft.Authorization/policyExemptions/write";
/// Deleting a policy exemption at a scope.
pub const EXEMPTION_DELETE: &str = "Microsoft.Authorization/policyExemptions/delete";
/// Exempting from a policy assignment, checked at the assignment's scope.
pub const ASSIGNMENT_EXEMPT: &str = "Microsoft.Authorization/policyAssignments/exempt/action";
/// Granting a role (Reader for the Security Resource Provider).
pub const ROLE_ASSIGNMENT_WRITE: &str = "Microsoft.Authorization/roleAssignments/write";

/// Whether the signed-in user may write exemptions anywhere, as their
/// subscriptions tell (a role at a management group is inherited by every
/// subscription below it): shown on the first screen, before any form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WriteAccess {
    /// The subscriptions the user can read.
    pub subscriptions: u32,
    /// Those where the user holds `policyExemptions/write`.
    pub writable: u32,
    /// Those whose permissions could not be read (Azure decides there).
    pub unknown: u32,
}

impl WriteAccess {
    /// Counts one subscription's permissions (`None`: unreadable).
    pub fn count(&mut self, permissions: Option<&Permissions>) {
        self.subscriptions = self.subscriptions.saturating_add(1);
        match permissions {
            Some(p) if p.allows(EXEMPTION_WRITE) => self.writable = self.writable.saturating_add(1),
            Some(_) => {}
            None => self.unknown = self.unknown.saturating_add(1),
        }
    }

    /// Surely nowhere: every subscription was read and none allows writing.
    pub fn nowhere(&self) -> bool {
        self.subscriptions > 0 && self.writable == 0 && self.unknown == 0
    }
}

/// Azure's action patterns: `*` matches any run of characters, case-insensitively.
fn matches(pattern: &str, action: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let action = action.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == action;
    };
    if parts.len() == 1 {
        return pattern == action;
    }
    if !action.starts_with(first) || action.len() < first.len() + last.len() || !action.ends_with(last) {
        return false;
    }
    let mut rest = &action[first.len()..action.len() - last.len()];
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

impl Permissions {
    pub fn allows(&self, action: &str) -> bool {
        self.entries.iter().any(|e| e.actions.iter().any(|a| matches(a, action)) && !e.not_actions.iter().any(|n| matches(n, action)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_access_is_nowhere_only_when_every_subscription_says_so() {
        let reader = Permissions { entries: vec![entry(&["*/read"], &[])] };
        let admin = Permissions { entries: vec![entry(&["Microsoft.Authorization/policyExemptions/*"], &[])] };
        let mut access = WriteAccess::default();
        assert!(!access.nowhere(), "no subscriptions: nothing to say");
        access.count(Some(&reader));
        assert!(access.nowhere());
        access.count(None);
        assert!(!access.nowhere(), "unreadable permissions: Azure decides");
        let mut access = WriteAccess::default();
        access.count(Some(&reader));
        access.count(Some(&admin));
        assert_eq!(access, WriteAccess { subscriptions: 2, writable: 1, unknown: 0 });
    }

    fn entry(actions: &[&str], not_actions: &[&str]) -> PermissionEntry {
        PermissionEntry {
            actions: actions.iter().map(|s| s.to_string()).collect(),
            not_actions: not_actions.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn owner_may_do_anything() {
        let owner = Permissions { entries: vec![entry(&["*"], &[])] };
        assert!(owner.allows(EXEMPTION_WRITE));
        assert!(owner.allows(ROLE_ASSIGNMENT_WRITE));
    }

    #[test]
    fn contributor_is_excluded_from_authorization_writes() {
        let contributor =
            Permissions { entries: vec![entry(&["*"], &["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"])] };
        assert!(!contributor.allows(EXEMPTION_WRITE));
        assert!(!contributor.allows(ROLE_ASSIGNMENT_WRITE));
        assert!(contributor.allows(ASSIGNMENT_EXEMPT));
    }

    #[test]
    fn reader_reads_only_and_policy_contributor_writes_policy() {
        let reader = Permissions { entries: vec![entry(&["*/read"], &[])] };
        assert!(reader.allows("Microsoft.Security/assessments/read"));
        assert!(!reader.allows(EXEMPTION_WRITE));
        let policy = Permissions {
            entries: vec![entry(
                &["*/read", "Microsoft.Authorization/policyassignments/*", "Microsoft.Authorization/policyexemptions/*"],
                &[],
            )],
        };
        assert!(policy.allows(EXEMPTION_WRITE));
        assert!(policy.allows(ASSIGNMENT_EXEMPT));
        assert!(!policy.allows(ROLE_ASSIGNMENT_WRITE));
    }

    #[test]
    fn a_not_action_only_removes_from_its_own_entry() {
        let two = Permissions { entries: vec![entry(&["*"], &["Microsoft.Authorization/*/Write"]), entry(&[EXEMPTION_WRITE], &[])] };
        assert!(two.allows(EXEMPTION_WRITE));
        assert!(!Permissions::default().allows(EXEMPTION_WRITE));
    }
}
