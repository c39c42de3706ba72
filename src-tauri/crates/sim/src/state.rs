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

/// A user of *another* tenant: not a member or guest of this one. Signing in
/// to this tenant as them fails with AADSTS50020, as in Entra.
#[derive(Debug, Clone)]
pub struct ExternalUser {
    pub upn: String,
    pub object_id: String,
    pub display_name: String,
    /// The tenant the account lives in.
    pub home_tenant_id: String,
}

/// A certificate registered on a service principal (a `keyCredential` of type
/// `AsymmetricX509Cert`), reduced to what checking a client assertion needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCredential {
    /// The certificate's subject, e.g. `CN=exemption-desk-ci`.
    pub subject: String,
    /// base64url SHA-1 of the certificate's DER (the JWT header's `x5t`).
    pub x5t: String,
    /// base64url SHA-256 of the certificate's DER (`x5t#S256`).
    pub x5t_s256: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// The RSA public key as a PKCS#1 `RSAPublicKey` (DER).
    pub rsa_public_key: Vec<u8>,
}

/// A service principal (application) that can sign in with client credentials
/// when it has a secret or a certificate. Its `Debug` hides the secret.
#[derive(Clone)]
pub struct ServicePrincipal {
    pub display_name: String,
    pub client_id: String,
    pub object_id: String,
    pub client_secret: Option<String>,
    /// Certificates a client assertion may be signed with.
    pub certificates: Vec<KeyCredential>,
}

impl std::fmt::Debug for ServicePrincipal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServicePrincipal")
            .field("display_name", &self.display_name)
            .field("client_id", &self.client_id)
            .field("object_id", &self.object_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "<redacted>"))
            .field("certificates", &self.certificates)
            .finish()
    }
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
    /// Tenant ids that manage the subscription (`managedByTenants`); empty in most seeds.
    pub managed_by_tenants: Vec<String>,
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
    /// `plannedDeprecationDate` (e.g. `"03/2022"`), when announced.
    pub planned_deprecation_date: Option<String>,
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
    /// Accounts of other tenants (not guests here), for AADSTS50020.
    pub external_users: Vec<ExternalUser>,
    pub service_principals: Vec<ServicePrincipal>,
    pub public_clients: Vec<PublicClient>,
    pub role_assignments: Vec<RoleAssignment>,
    /// Custom role definitions on top of the built-in `model::roles::ROLES`.
    pub custom_roles: Vec<&'static crate::model::roles::Role>,
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
    /// Lower-case names of recommendations whose metadata Defender does not
    /// serve (absent from `assessmentMetadata`, list and GET) although their
    /// assessments exist (`POST /_sim/recommendations` with `listed: false`).
    pub unlisted_metadata: std::collections::BTreeSet<String>,
    /// Resource-provider registrations changed at run time, by (lower-case
    /// subscription id, lower-case namespace); the rest come from
    /// `arm::providers::NAMESPACES`.
    pub provider_registrations: BTreeMap<(String, String), ProviderRegistration>,
    /// Storage accounts' Table service data (`crate::tables`).
    pub tables: crate::model::tables::TableStore,
    /// Lookup tables over the fields above, built lazily (`crate::index`).
    /// Whoever changes a field in place calls `changed()` or
    /// `exemptions_changed()`.
    pub index: crate::index::Cache,
}

/// A `POST …/providers/{ns}/register` or `/unregister`: the state it moves
/// to, and when (simulated time) it gets there.
#[derive(Debug, Clone)]
pub struct ProviderRegistration {
    /// `Registered` or `NotRegistered` once `settles_at` has passed.
    pub target: String,
    pub settles_at: DateTime<Utc>,
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
    /// The user completed MFA in the browser (a sign-in interrupt asked for it).
    pub mfa: bool,
}

/// An issued refresh token.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub client_id: String,
    pub user_object_id: String,
    pub scope: String,
    pub expires: DateTime<Utc>,
    /// The sign-in behind it satisfied MFA (tokens carry `amr: ["pwd","mfa"]`).
    pub mfa: bool,
}

/// A pending device-code sign-in (`/oauth2/v2.0/devicecode`).
#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub device_code: String,
    pub user_code: String,
    pub client_id: String,
    pub scope: String,
    pub expires: DateTime<Utc>,
    /// Object id of the user who approved it, once approved.
    pub approved_by: Option<String>,
    /// UPN of an account of another tenant that signed in instead (AADSTS50020 at redemption).
    pub approved_by_external: Option<String>,
    /// The approving sign-in completed MFA.
    pub mfa: bool,
    pub declined: bool,
    pub polls: u32,
}

/// Run-time knobs (`POST /_sim/settings`, `POST /_sim/tokens`). They survive
/// `/_sim/reset`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Seconds before a new exemption shows in assessment statuses.
    pub effect_delay_secs: i64,
    /// Lifetime of issued access tokens (`expires_in`).
    pub token_lifetime_secs: i64,
    /// Approve a device code automatically on this poll (1 = first poll).
    pub device_auto_approve_after_polls: Option<u32>,
    /// The user who auto-approves (default: the seed's default user).
    pub device_auto_approve_upn: Option<String>,
    /// What interrupts user sign-ins (`POST /_sim/signin`); `None` = nothing.
    pub signin_interrupt: Option<crate::model::signin::SignInInterrupt>,
    /// Page size of the management-group list, descendants and policy
    /// assignment lists; `None` = the defaults (`arm::DEFAULT_*_PAGE`).
    pub list_page_size: Option<usize>,
}

pub const DEFAULT_EFFECT_DELAY_SECS: i64 = 5;
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3599;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            effect_delay_secs: DEFAULT_EFFECT_DELAY_SECS,
            token_lifetime_secs: DEFAULT_TOKEN_LIFETIME_SECS,
            device_auto_approve_after_polls: None,
            device_auto_approve_upn: None,
            signin_interrupt: None,
            list_page_size: None,
        }
    }
}

/// The simulated clock: real UTC time plus an offset that `POST /_sim/clock`
/// moves forward. Every time the simulator reasons about (token expiry,
/// exemption expiry and effect delay, systemData) comes from here.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::milliseconds(self.offset_ms.load(std::sync::atomic::Ordering::SeqCst))
    }
    pub fn offset_seconds(&self) -> f64 {
        self.offset_ms.load(std::sync::atomic::Ordering::SeqCst) as f64 / 1000.0
    }
    /// Move simulated time forward (negative values are refused by callers).
    pub fn advance(&self, seconds: f64) {
        let ms = (seconds * 1000.0).round() as i64;
        self.offset_ms.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Server-wide state shared by all handlers.
pub struct App {
    pub seed: String,
    pub base_url: String,
    /// In TLS mode, the certificate clients should trust (PEM).
    pub certificate_pem: Option<String>,
    pub jwt_secret: Vec<u8>,
    pub world: Mutex<World>,
    pub auth_codes: Mutex<HashMap<String, AuthCode>>,
    pub refresh_tokens: Mutex<HashMap<String, RefreshGrant>>,
    pub device_codes: Mutex<HashMap<String, DeviceCode>>,
    pub requests: Mutex<Vec<Value>>,
    pub clock: Clock,
    pub settings: Mutex<Settings>,
    pub faults: Mutex<crate::model::faults::Faults>,
    pub throttle: Mutex<crate::throttle::Throttle>,
    /// Resource Graph: its quota, answer mode and cache of evaluated results.
    pub arg: Mutex<crate::arg::ArgState>,
}

impl App {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }
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
    pub fn external_user(&self, upn: &str) -> Option<&ExternalUser> {
        self.external_users.iter().find(|u| u.upn.eq_ignore_ascii_case(upn))
    }
    pub fn sp_by_client_id(&self, client_id: &str) -> Option<&ServicePrincipal> {
        self.service_principals.iter().find(|s| s.client_id.eq_ignore_ascii_case(client_id))
    }
    pub fn sp_by_client_id_mut(&mut self, client_id: &str) -> Option<&mut ServicePrincipal> {
        self.service_principals.iter_mut().find(|s| s.client_id.eq_ignore_ascii_case(client_id))
    }
    pub fn public_client(&self, client_id: &str) -> Option<&PublicClient> {
        self.public_clients.iter().find(|c| c.client_id.eq_ignore_ascii_case(client_id))
    }
    pub fn subscription(&self, id: &str) -> Option<&Subscription> {
        let i = *self.tables().subscriptions.get(&id.to_ascii_lowercase())?;
        self.subscriptions.get(i)
    }
    pub fn management_group(&self, name: &str) -> Option<&ManagementGroup> {
        let i = *self.tables().management_groups.get(&name.to_ascii_lowercase())?;
        self.management_groups.get(i)
    }
    pub fn resource_group(&self, sub: &str, rg: &str) -> Option<&ResourceGroup> {
        let key = format!("{}/{}", sub.to_ascii_lowercase(), rg.to_ascii_lowercase());
        let i = *self.tables().resource_groups.get(&key)?;
        self.resource_groups.get(i)
    }
    pub fn resource(&self, id: &str) -> Option<&Resource> {
        let i = *self.tables().resources.get(&id.to_ascii_lowercase())?;
        self.resources.get(i)
    }
    pub fn policy_assignment(&self, id: &str) -> Option<&PolicyAssignment> {
        let id = id.trim_end_matches('/');
        let i = *self.tables().assignments.get(&id.to_ascii_lowercase())?;
        self.policy_assignments.get(i)
    }
    /// The metadata Defender serves for a recommendation (`None` for unlisted ones).
    pub fn listed_metadata(&self, name: &str) -> Option<&AssessmentMetadata> {
        if self.unlisted_metadata.contains(&name.to_ascii_lowercase()) {
            return None;
        }
        self.metadata(name)
    }
    pub fn metadata(&self, name: &str) -> Option<&AssessmentMetadata> {
        let i = *self.tables().metadata.get(&name.to_ascii_lowercase())?;
        self.assessment_metadata.get(i)
    }
    /// The built-in policy set definition an id points at, if any.
    pub fn policy_set_by_id(&self, id: &str) -> Option<&Value> {
        let lower = id.to_ascii_lowercase();
        let (_, name) = lower.rsplit_once("/providers/microsoft.authorization/policysetdefinitions/")?;
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

/// The audience of Entra's tokens for Azure Storage (v1 resource id, no trailing slash).
pub const STORAGE_AUDIENCE: &str = "https://storage.azure.com";

/// Is this string Azure Storage's resource (its URI, with or without the
/// trailing slash, or its application id)?
pub fn is_storage_audience(aud: &str) -> bool {
    matches!(
        aud.trim_end_matches('/').to_ascii_lowercase().as_str(),
        "https://storage.azure.com" | "e406a681-f3d4-42a8-90b6-c2b029497af1"
    )
}

/// Is this string an audience Microsoft Graph accepts (its URI, with or
/// without the trailing slash, or its application id)?
pub fn is_graph_audience(aud: &str) -> bool {
    matches!(
        aud.trim_end_matches('/').to_ascii_lowercase().as_str(),
        "https://graph.microsoft.com" | "00000003-0000-0000-c000-000000000000"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_principal_debug_hides_its_secret() {
        let sp = ServicePrincipal {
            display_name: "ci".into(),
            client_id: "740a34f6".into(),
            object_id: "6bbbca31".into(),
            client_secret: Some("demo~s3cr3t-must-not-show".into()),
            certificates: Vec::new(),
        };
        for shown in [format!("{sp:?}"), format!("{:?}", World { service_principals: vec![sp.clone()], ..World::default() })] {
            assert!(!shown.contains("demo~s3cr3t-must-not-show"), "{shown}");
            assert!(shown.contains("<redacted>") && shown.contains("740a34f6"), "{shown}");
        }
    }
}
