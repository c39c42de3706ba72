//! Resource providers of a subscription: list, get, register and
//! unregister (`Microsoft.Resources` providers API), with
//! `registrationState` moving through `Registering` / `Unregistering`.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{json, Value};

use super::auth::{has_any_access, require};
use super::scope::Scope;
use super::{method_not_allowed, ArmResult, Ctx, V_RESOURCES};
use crate::errors::HttpError;
use crate::state::ProviderRegistration;

/// Simulated seconds a register/unregister takes to settle.
pub const SETTLE_SECONDS: i64 = 2;

/// A namespace the simulator knows: its resource types (with their
/// api-versions), whether a fresh subscription has it registered, and
/// whether it needs registration at all (`RegistrationFree` ones do not).
pub struct Namespace {
    pub name: &'static str,
    pub registered: bool,
    pub registration_free: bool,
    pub types: &'static [(&'static str, &'static [&'static str])],
}

const POLICY: &[&str] = &["2025-11-01", "2025-03-01", "2024-04-01", "2023-04-01", "2022-06-01", "2021-06-01", "2020-09-01", "2019-09-01"];
const EXEMPTIONS: &[&str] = &["2026-01-01-preview", "2025-12-01-preview", "2024-12-01-preview", "2022-07-01-preview", "2020-07-01-preview"];
const RBAC: &[&str] = &["2022-05-01-preview", "2022-04-01", "2020-04-01-preview", "2018-09-01-preview", "2015-07-01"];
const SECURITY: &[&str] = &["2021-06-01", "2020-01-01", "2019-01-01-preview"];
const RESOURCES: &[&str] = &["2025-04-01", "2024-11-01", "2024-03-01", "2022-09-01", "2021-04-01", "2020-06-01", "2019-10-01"];

pub const NAMESPACES: &[Namespace] = &[
    Namespace {
        name: "Microsoft.Authorization",
        registered: true,
        registration_free: true,
        types: &[
            ("policyAssignments", POLICY),
            ("policySetDefinitions", POLICY),
            ("policyDefinitions", POLICY),
            ("policyExemptions", EXEMPTIONS),
            ("roleAssignments", RBAC),
            ("roleDefinitions", RBAC),
            ("permissions", RBAC),
        ],
    },
    Namespace {
        name: "Microsoft.Resources",
        registered: true,
        registration_free: true,
        types: &[("resourceGroups", RESOURCES), ("resources", RESOURCES), ("deployments", RESOURCES)],
    },
    Namespace {
        name: "Microsoft.Management",
        registered: true,
        registration_free: false,
        types: &[("managementGroups", &["2023-04-01", "2021-04-01", "2020-10-01", "2020-05-01", "2020-02-01"])],
    },
    Namespace {
        name: "Microsoft.Security",
        registered: true,
        registration_free: false,
        types: &[("assessments", SECURITY), ("assessmentMetadata", SECURITY), ("secureScores", &["2020-01-01", "2020-01-01-preview"])],
    },
    Namespace {
        name: "Microsoft.PolicyInsights",
        registered: true,
        registration_free: false,
        types: &[("policyStates", &["2024-10-01", "2019-10-01"]), ("remediations", &["2024-10-01", "2021-10-01"])],
    },
    Namespace {
        name: "Microsoft.Storage",
        registered: true,
        registration_free: false,
        types: &[("storageAccounts", &["2023-05-01", "2023-01-01"])],
    },
    Namespace {
        name: "Microsoft.Compute",
        registered: true,
        registration_free: false,
        types: &[("virtualMachines", &["2024-07-01", "2023-09-01"]), ("virtualMachineScaleSets", &["2024-07-01", "2023-09-01"])],
    },
    Namespace {
        name: "Microsoft.Network",
        registered: true,
        registration_free: false,
        types: &[("virtualNetworks", &["2024-05-01", "2023-09-01"])],
    },
    Namespace {
        name: "Microsoft.KeyVault",
        registered: true,
        registration_free: false,
        types: &[("vaults", &["2023-07-01", "2022-07-01"])],
    },
    Namespace { name: "Microsoft.Sql", registered: true, registration_free: false, types: &[("servers", &["2023-08-01", "2021-11-01"])] },
    Namespace { name: "Microsoft.Web", registered: true, registration_free: false, types: &[("sites", &["2024-04-01", "2023-12-01"])] },
    Namespace {
        name: "Microsoft.ContainerService",
        registered: true,
        registration_free: false,
        types: &[("managedClusters", &["2024-09-01", "2024-05-01"])],
    },
    Namespace {
        name: "Microsoft.ContainerRegistry",
        registered: true,
        registration_free: false,
        types: &[("registries", &["2023-07-01", "2023-01-01-preview"])],
    },
    Namespace {
        name: "Microsoft.GuestConfiguration",
        registered: false,
        registration_free: false,
        types: &[("guestConfigurationAssignments", &["2024-04-05", "2022-01-25"])],
    },
    Namespace {
        name: "Microsoft.Maintenance",
        registered: false,
        registration_free: false,
        types: &[("maintenanceConfigurations", &["2023-04-01", "2022-11-01-preview"])],
    },
];

fn namespace(ns: &str) -> Option<&'static Namespace> {
    NAMESPACES.iter().find(|n| n.name.eq_ignore_ascii_case(ns))
}

fn not_found(ns: &str) -> HttpError {
    HttpError::not_found("InvalidResourceNamespace", format!("The resource namespace '{ns}' is invalid."))
}

/// The subscription exists and the caller holds some role on it (as for `GET /subscriptions/{id}`).
fn visible(ctx: &Ctx, sub: &str) -> Result<String, HttpError> {
    let scope = Scope::Subscription(sub.to_string());
    scope.check_exists(ctx.world)?;
    if !has_any_access(ctx.world, &ctx.caller.object_id, &scope) {
        return Err(HttpError::not_found("SubscriptionNotFound", format!("The subscription '{sub}' could not be found.")));
    }
    Ok(ctx.world.subscription(sub).map(|s| s.id.clone()).unwrap_or_else(|| sub.to_string()))
}

/// `Registered`, `NotRegistered`, `Registering` or `Unregistering` now.
fn state(ctx: &Ctx, sub: &str, n: &Namespace) -> &'static str {
    match ctx.world.provider_registrations.get(&(sub.to_ascii_lowercase(), n.name.to_ascii_lowercase())) {
        None if n.registered => "Registered",
        None => "NotRegistered",
        Some(r) => match (r.target.as_str(), r.settles_at <= ctx.now) {
            ("Registered", true) => "Registered",
            ("Registered", false) => "Registering",
            (_, true) => "NotRegistered",
            (_, false) => "Unregistering",
        },
    }
}

fn provider_json(ctx: &Ctx, sub: &str, n: &Namespace) -> Value {
    json!({
        "id": format!("/subscriptions/{sub}/providers/{}", n.name),
        "namespace": n.name,
        "registrationState": state(ctx, sub, n),
        "registrationPolicy": if n.registration_free { "RegistrationFree" } else { "RegistrationRequired" },
        "resourceTypes": n.types.iter().map(|(t, versions)| json!({
            "resourceType": t,
            "locations": [],
            "apiVersions": versions,
            "capabilities": "None",
        })).collect::<Vec<_>>(),
    })
}

/// `GET /subscriptions/{id}/providers`
pub fn list(ctx: &mut Ctx, sub: &str) -> ArmResult {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_RESOURCES)?;
    let sub = visible(ctx, sub)?;
    let items: Vec<Value> = NAMESPACES.iter().map(|n| provider_json(ctx, &sub, n)).collect();
    Ok((StatusCode::OK, Some(ctx.paged(items, 100)?)))
}

/// `GET /subscriptions/{id}/providers/{ns}`
pub fn get(ctx: &mut Ctx, sub: &str, ns: &str) -> ArmResult {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_RESOURCES)?;
    let sub = visible(ctx, sub)?;
    let n = namespace(ns).ok_or_else(|| not_found(ns))?;
    Ok((StatusCode::OK, Some(provider_json(ctx, &sub, n))))
}

/// `POST /subscriptions/{id}/providers/{ns}/register` (or `/unregister`):
/// needs `{ns}/register/action` (`/unregister/action`); answers the provider
/// in `Registering` (`Unregistering`), which settles after
/// [`SETTLE_SECONDS`] simulated seconds. Registering a registered provider
/// keeps it `Registered`.
pub fn register(ctx: &mut Ctx, sub: &str, ns: &str, register: bool) -> ArmResult {
    if ctx.method != Method::POST {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_RESOURCES)?;
    let sub = visible(ctx, sub)?;
    let n = namespace(ns).ok_or_else(|| not_found(ns))?;
    let verb = if register { "register" } else { "unregister" };
    require(ctx.world, ctx.caller, &Scope::Subscription(sub.clone()), &format!("{}/{verb}/action", n.name))?;
    let now_state = state(ctx, &sub, n);
    let target = if register { "Registered" } else { "NotRegistered" };
    if now_state != target {
        ctx.world.provider_registrations.insert(
            (sub.to_ascii_lowercase(), n.name.to_ascii_lowercase()),
            ProviderRegistration { target: target.to_string(), settles_at: ctx.now + Duration::seconds(SETTLE_SECONDS) },
        );
    }
    Ok((StatusCode::OK, Some(provider_json(ctx, &sub, n))))
}
