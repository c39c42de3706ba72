//! Where an exemption applies: a management group, subscriptions, or
//! selected resources, and the ARM scope paths they stand for.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::arm_path::{ArmPath, PathError};

/// A subscription the signed-in user can see.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// The bare GUID (`subscriptionId`), not the `/subscriptions/…` path.
    pub id: String,
    pub display_name: String,
    pub state: String,
}

/// A management group with its children, as the tree the scope picker shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ManagementGroupNode {
    /// The group's name (its id segment), e.g. `contoso`.
    pub name: String,
    pub display_name: String,
    pub children: Vec<ManagementGroupNode>,
    /// Bare ids of the subscriptions directly under this group.
    pub subscription_ids: Vec<String>,
}

/// What the user chose to exempt.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ScopeChoice {
    /// One exemption per assignment at the management group.
    ManagementGroup { name: String },
    /// One exemption per assignment at each subscription (bare GUIDs).
    Subscriptions { ids: Vec<String> },
    /// One exemption per assignment at each resource group
    /// (`/subscriptions/{guid}/resourceGroups/{name}`).
    ResourceGroups { ids: Vec<String> },
    /// One exemption per assignment for each resource (full ARM ids).
    Resources { ids: Vec<String> },
}

impl Default for ScopeChoice {
    fn default() -> Self {
        ScopeChoice::Subscriptions { ids: Vec::new() }
    }
}

impl ScopeChoice {
    /// The ARM scope paths to write at, in the user's order.
    pub fn scopes(&self) -> Vec<String> {
        match self {
            ScopeChoice::ManagementGroup { name } => vec![management_group_scope(name)],
            ScopeChoice::Subscriptions { ids } => ids.iter().map(|id| subscription_scope(id)).collect(),
            ScopeChoice::ResourceGroups { ids } | ScopeChoice::Resources { ids } => ids.clone(),
        }
    }

    /// The ARM scope paths to write at, each parsed strictly; the first
    /// id that is not one is refused with the reason.
    pub fn paths(&self) -> Result<Vec<ArmPath>, PathError> {
        match self {
            ScopeChoice::ManagementGroup { name } => Ok(vec![ArmPath::management_group(name)?]),
            ScopeChoice::Subscriptions { ids } => ids.iter().map(|id| ArmPath::subscription(id)).collect(),
            ScopeChoice::ResourceGroups { ids } => ids.iter().map(|id| ArmPath::parse_resource_group(id)).collect(),
            ScopeChoice::Resources { ids } => ids.iter().map(|id| ArmPath::parse_resource_id(id)).collect(),
        }
    }

    /// Subscriptions the choice names directly (none for a management group).
    pub fn subscription_ids(&self) -> Vec<String> {
        match self {
            ScopeChoice::ManagementGroup { .. } => Vec::new(),
            ScopeChoice::Subscriptions { ids } => ids.clone(),
            ScopeChoice::ResourceGroups { ids } | ScopeChoice::Resources { ids } => {
                let mut subs: Vec<String> = Vec::new();
                for sub in ids.iter().filter_map(|id| subscription_of(id)) {
                    if !subs.contains(&sub) {
                        subs.push(sub);
                    }
                }
                subs
            }
        }
    }
}

/// The ARM scope path of a subscription.
pub fn subscription_scope(subscription_id: &str) -> String {
    format!("/subscriptions/{subscription_id}")
}

pub fn management_group_scope(name: &str) -> String {
    format!("/providers/Microsoft.Management/managementGroups/{name}")
}

/// The subscription GUID a subscription-or-below scope lives in.
pub fn subscription_of(scope: &str) -> Option<String> {
    ArmPath::parse_id(scope).ok()?.subscription_id().map(str::to_ascii_lowercase)
}

/// The resource group scope (`/subscriptions/…/resourceGroups/…`) of a resource id.
pub fn resource_group_of(resource_id: &str) -> Option<String> {
    ArmPath::parse_id(resource_id).ok()?.resource_group().map(|g| g.to_string())
}

/// A resource id: `/subscriptions/{guid}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/…]`
/// (see [`ArmPath::parse_resource_id`] for the reason when it is not).
pub fn is_resource_id(id: &str) -> bool {
    ArmPath::parse_resource_id(id).is_ok()
}

/// A resource group id: `/subscriptions/{guid}/resourceGroups/{name}`, the
/// name 1–90 letters, digits, `_`, `-`, `.`, `(`, `)`, not ending in `.`.
pub fn is_resource_group_id(id: &str) -> bool {
    ArmPath::parse_resource_group(id).is_ok()
}

/// A management group name: 1–90 letters, digits, `-`, `_`, `(`, `)`, `.`, not ending in `.`.
pub fn is_management_group_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 90 && !name.ends_with('.') && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_().".contains(c))
}

/// True when `id` looks like a subscription GUID (8-4-4-4-12 hex digits).
pub fn is_subscription_id(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == lengths.len() && groups.iter().zip(lengths).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "ae640e6b-ba3e-4256-9d62-2993eecfa6f2";

    #[test]
    fn subscription_ids_are_guids() {
        assert!(is_subscription_id(SUB));
        assert!(!is_subscription_id("ae640e6b-ba3e-4256-9d62-2993eecfa6f"));
        assert!(!is_subscription_id("/subscriptions/ae640e6b-ba3e-4256-9d62-2993eecfa6f2"));
        assert!(!is_subscription_id("zz640e6b-ba3e-4256-9d62-2993eecfa6f2"));
    }

    #[test]
    fn resource_ids_need_a_group_a_provider_and_a_name() {
        let id = format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1");
        assert!(is_resource_id(&id));
        assert!(is_resource_id(&format!("{id}/blobServices/default")));
        assert!(!is_resource_id(&format!("/subscriptions/{SUB}/resourceGroups/rg")));
        assert!(!is_resource_id(&format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts")));
        assert!(!is_resource_id(&format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/")));
        assert_eq!(resource_group_of(&id), Some(format!("/subscriptions/{SUB}/resourceGroups/rg")));
        assert_eq!(subscription_of(&id), Some(SUB.to_owned()));
    }

    #[test]
    fn scopes_follow_the_choice() {
        assert_eq!(
            ScopeChoice::ManagementGroup { name: "contoso".into() }.scopes(),
            vec!["/providers/Microsoft.Management/managementGroups/contoso"]
        );
        assert_eq!(ScopeChoice::Subscriptions { ids: vec![SUB.into()] }.scopes(), vec![format!("/subscriptions/{SUB}")]);
        let id = format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/app");
        let choice = ScopeChoice::Resources { ids: vec![id.clone(), id.replace("app", "api")] };
        assert_eq!(choice.subscription_ids(), vec![SUB.to_owned()]);
    }

    #[test]
    fn resource_group_ids_name_a_subscription_and_a_group() {
        let rg = format!("/subscriptions/{SUB}/resourceGroups/rg-prod-data");
        assert!(is_resource_group_id(&rg));
        assert!(is_resource_group_id(&format!("/subscriptions/{SUB}/resourcegroups/rg(1)")));
        assert!(!is_resource_group_id(&format!("{rg}/providers/Microsoft.Storage/storageAccounts/st1")));
        assert!(!is_resource_group_id(&format!("/subscriptions/{SUB}/resourceGroups/..")));
        assert!(!is_resource_group_id(&format!("/subscriptions/{SUB}/resourceGroups/a?b")));
        assert!(!is_resource_group_id(&format!("/subscriptions/{SUB}/resourceGroups/")));
        assert!(!is_resource_group_id("/subscriptions/x/resourceGroups/rg"));
        let choice = ScopeChoice::ResourceGroups { ids: vec![rg.clone(), format!("/subscriptions/{SUB}/resourceGroups/rg-2")] };
        assert_eq!(choice.scopes()[0], rg);
        assert_eq!(choice.subscription_ids(), vec![SUB.to_owned()]);
    }

    #[test]
    fn management_group_names_follow_azure() {
        assert!(is_management_group_name("contoso-corp"));
        assert!(is_management_group_name("6c1297b4-fd6e-48e9-a473-c2cd6680ae92"));
        assert!(!is_management_group_name("contoso/corp"));
        assert!(!is_management_group_name("a."));
        assert!(!is_management_group_name(""));
    }
}
