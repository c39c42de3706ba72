use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A subscription the signed-in user can see.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// The bare GUID (`subscriptionId`), not the `/subscriptions/…` path.
    pub id: String,
    pub display_name: String,
    pub state: String,
}

/// The ARM scope path of a subscription.
pub fn subscription_scope(subscription_id: &str) -> String {
    format!("/subscriptions/{subscription_id}")
}

/// True when `id` looks like a subscription GUID (8-4-4-4-12 hex digits).
pub fn is_subscription_id(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == lengths.len()
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_ids_are_guids() {
        assert!(is_subscription_id("ae640e6b-ba3e-4256-9d62-2993eecfa6f2"));
        assert!(!is_subscription_id("ae640e6b-ba3e-4256-9d62-2993eecfa6f"));
        assert!(!is_subscription_id("/subscriptions/ae640e6b-ba3e-4256-9d62-2993eecfa6f2"));
        assert!(!is_subscription_id("zz640e6b-ba3e-4256-9d62-2993eecfa6f2"));
    }
}
