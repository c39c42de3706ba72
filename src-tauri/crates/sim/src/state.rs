//! The simulated tenant ("world") and the running server's shared state.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A user account in the simulated Entra tenant.
#[derive(Debug, Clone)]
pub struct User {
    pub upn: String,
    pub object_id: String,
    pub display_name: String,
}

/// A service principal (application) that can sign in with client credentials
/// when it has a secret.
#[derive(Debug, Clone)]
pub struct ServicePrincipal {
    pub display_name: String,
    pub client_id: String,
    pub object_id: String,
    pub client_secret: Option<String>,
}

/// A public client application (interactive sign-in with PKCE).
#[derive(Debug, Clone)]
pub struct PublicClient {
    pub display_name: String,
    pub client_id: String,
}

/// An Azure RBAC role assignment.
#[derive(Debug, Clone)]
pub struct RoleAssignment {
    /// The assignment's GUID name.
    pub name: String,
    pub principal_id: String,
    /// `User` or `ServicePrincipal`.
    pub principal_type: String,
    /// Built-in role name, e.g. `Owner` (see `arm::rbac`).
    pub role: String,
    /// Scope id, e.g. `/providers/Microsoft.Management/managementGroups/contoso`.
    pub scope: String,
}

#[derive(Debug, Clone)]
pub struct ManagementGroup {
    pub name: String,
    pub display_name: String,
    /// Parent group name; `None` only for the tenant root group.
    pub parent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: String,
    pub display_name: String,
    /// Name of the management group that directly contains it.
    pub parent_mg: String,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct ResourceGroup {
    pub subscription_id: String,
    pub name: String,
    pub location: String,
}

#[derive(Debug, Clone)]
pub struct Resource {
    /// Full ARM id.
    pub id: String,
    pub name: String,
    /// e.g. `Microsoft.Storage/storageAccounts`.
    pub type_: String,
    pub kind: Option<String>,
    pub location: String,
    pub subscription_id: String,
    pub resource_group: String,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct PolicyAssignment {
    pub id: String,
    pub name: String,
    pub scope: String,
    pub display_name: String,
    pub description: Option<String>,
    /// Policy definition or policy set definition id.
    pub policy_definition_id: String,
    pub definition_version: Option<String>,
    pub metadata: Value,
    pub parameters: Value,
    pub enforcement_mode: String,
    pub instance_id: String,
}

/// What a recommendation (assessment metadata) is evaluated on.
#[derive(Debug, Clone)]
pub enum Target {
    /// The subscription itself (`resourceDetails.id` = `/subscriptions/{id}`).
    Subscription,
    /// Resources of a type, optionally of a `kind` (substring match).
    Resource { type_: String, kind: Option<String> },
}

/// A Defender for Cloud recommendation (`Microsoft.Security/assessmentMetadata`).
#[derive(Debug, Clone)]
pub struct AssessmentMetadata {
    pub name: String,
    pub display_name: String,
    pub policy_definition_id: Option<String>,
    pub description: String,
    pub remediation_description: String,
    pub categories: Vec<String>,
    pub severity: String,
    pub user_impact: String,
    pub implementation_effort: String,
    pub threats: Vec<String>,
    pub assessment_type: String,
    pub preview: bool,
    pub targets: Vec<Target>,
}

/// The evaluated status of a recommendation on one resource, as seeded
/// (before policy assignment and exemptions are taken into account).
#[derive(Debug, Clone)]
pub struct AssessmentStatus {
    pub code: String,
    pub cause: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Assessment {
    pub metadata_name: String,
    pub resource_id: String,
    pub status: AssessmentStatus,
    pub first_evaluation: DateTime<Utc>,
}

/// A stored policy exemption.
#[derive(Debug, Clone)]
pub struct Exemption {
    pub id: String,
    pub name: String,
    pub scope: String,
    /// The `properties` object as accepted (normalised enums).
    pub properties: serde_json::Map<String, Value>,
    pub expires_on: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_by_type: String,
    pub created_at: DateTime<Utc>,
    pub last_modified_by: String,
    pub last_modified_by_type: String,
    pub last_modified_at: DateTime<Utc>,
}

/// The whole simulated tenant. Everything a seed creates and the API changes.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub tenant_id: String,
    pub tenant_display_name: String,
    pub tenant_domain: String,
    pub public_client_id: String,
    pub default_user_upn: String,
    pub users: Vec<User>,
    pub service_principals: Vec<ServicePrincipal>,
    pub public_clients: Vec<PublicClient>,
    pub role_assignments: Vec<RoleAssignment>,
    pub management_groups: Vec<ManagementGroup>,
    pub subscriptions: Vec<Subscription>,
    pub resource_groups: Vec<ResourceGroup>,
    pub resources: Vec<Resource>,
    /// Built-in policy set definitions by lower-case name: the full ARM object.
    pub policy_set_definitions: BTreeMap<String, Value>,
    pub policy_assignments: Vec<PolicyAssignment>,
    pub assessment_metadata: Vec<AssessmentMetadata>,
    pub assessments: Vec<Assessment>,
    /// Exemptions by lower-case id.
    pub exemptions: BTreeMap<String, Exemption>,
    /// How long after its creation an exemption starts to show in assessment
    /// statuses (Azure: up to 24 h). Seconds.
    pub exemption_effect_delay_secs: i64,
}

/// A pending authorization code.
#[derive(Debug, Clone)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub code_challenge_method: String,
    pub user_object_id: String,
    pub scope: String,
    pub expires: DateTime<Utc>,
}

/// An issued refresh token.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub client_id: String,
    pub user_object_id: String,
    pub scope: String,
    pub expires: DateTime<Utc>,
}

/// Server-wide state shared by all handlers.
pub struct App {
    pub seed: String,
    pub base_url: String,
    pub jwt_secret: Vec<u8>,
    pub world: Mutex<World>,
    pub auth_codes: Mutex<HashMap<String, AuthCode>>,
    pub refresh_tokens: Mutex<HashMap<String, RefreshGrant>>,
    pub requests: Mutex<Vec<Value>>,
}

/// Lock a mutex, recovering the data if a panicking thread poisoned it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl World {
    pub fn user_by_upn(&self, upn: &str) -> Option<&User> {
        self.users.iter().find(|u| u.upn.eq_ignore_ascii_case(upn))
    }
    pub fn user_by_oid(&self, oid: &str) -> Option<&User> {
        self.users.iter().find(|u| u.object_id.eq_ignore_ascii_case(oid))
    }
    pub fn sp_by_client_id(&self, client_id: &str) -> Option<&ServicePrincipal> {
        self.service_principals
            .iter()
            .find(|s| s.client_id.eq_ignore_ascii_case(client_id))
    }
    pub fn public_client(&self, client_id: &str) -> Option<&PublicClient> {
        self.public_clients
            .iter()
            .find(|c| c.client_id.eq_ignore_ascii_case(client_id))
    }
    pub fn subscription(&self, id: &str) -> Option<&Subscription> {
        self.subscriptions.iter().find(|s| s.id.eq_ignore_ascii_case(id))
    }
    pub fn management_group(&self, name: &str) -> Option<&ManagementGroup> {
        self.management_groups
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
    }
    pub fn resource_group(&self, sub: &str, rg: &str) -> Option<&ResourceGroup> {
        self.resource_groups
            .iter()
            .find(|r| r.subscription_id.eq_ignore_ascii_case(sub) && r.name.eq_ignore_ascii_case(rg))
    }
    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }
    pub fn policy_assignment(&self, id: &str) -> Option<&PolicyAssignment> {
        let id = id.trim_end_matches('/');
        self.policy_assignments
            .iter()
            .find(|a| a.id.eq_ignore_ascii_case(id))
    }
    pub fn metadata(&self, name: &str) -> Option<&AssessmentMetadata> {
        self.assessment_metadata
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
    }
    /// The built-in policy set definition an id points at, if any.
    pub fn policy_set_by_id(&self, id: &str) -> Option<&Value> {
        let lower = id.to_ascii_lowercase();
        let name = lower.strip_prefix("/providers/microsoft.authorization/policysetdefinitions/")?;
        self.policy_set_definitions.get(name)
    }
}

/// Is this string a management-plane audience ARM accepts?
pub fn is_arm_audience(aud: &str) -> bool {
    matches!(
        aud.trim_end_matches('/').to_ascii_lowercase().as_str(),
        "https://management.azure.com" | "https://management.core.windows.net"
    )
}
