//! A resource as a recommendation assesses it.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Defender's status code; `Unknown` for a code this version does not know.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum ResourceStatus {
    Healthy,
    Unhealthy,
    NotApplicable,
    Unknown,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct AssessedResource {
    /// The resource's ARM id (a subscription id for subscription-level assessments).
    pub id: String,
    pub name: String,
    /// e.g. `Microsoft.Storage/storageAccounts`.
    pub resource_type: String,
    pub subscription_id: String,
    pub resource_group: Option<String>,
    pub status: ResourceStatus,
    /// Defender's cause for Not applicable (`Exempt`, `OffByPolicy`, …).
    pub cause: Option<String>,
    /// For an exempt resource: the id of the exemption that applies to it, when known.
    pub exemption_id: Option<String>,
}

/// Name, type and resource group read off a resource id.
pub fn describe(id: &str) -> (String, String, Option<String>) {
    let parts: Vec<&str> = id.trim_start_matches('/').split('/').collect();
    let name = parts.last().copied().unwrap_or_default().to_owned();
    let group = crate::scope::resource_group_of(id).and_then(|g| g.rsplit('/').next().map(str::to_owned));
    let provider_at = parts.iter().rposition(|p| p.eq_ignore_ascii_case("providers"));
    let resource_type = match provider_at {
        Some(at) if parts.len() > at + 2 => {
            let mut t = vec![parts[at + 1]];
            t.extend(parts[at + 2..].iter().step_by(2));
            t.join("/")
        }
        _ if parts.len() == 2 => "Microsoft.Resources/subscriptions".to_owned(),
        _ => String::new(),
    };
    (name, resource_type, group)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_resource_id_is_described() {
        let (name, t, rg) = super::describe("/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Web/sites/app1");
        assert_eq!((name.as_str(), t.as_str(), rg.as_deref()), ("app1", "Microsoft.Web/sites", Some("rg-web")));
        let (name, t, rg) = super::describe("/subscriptions/abc");
        assert_eq!((name.as_str(), t.as_str(), rg), ("abc", "Microsoft.Resources/subscriptions", None));
    }
}
