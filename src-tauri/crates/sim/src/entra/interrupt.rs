//! Sign-in interruptions of user flows, set with `POST /_sim/signin`:
//! Conditional Access requiring MFA, a missing consent, a Conditional Access
//! block — and accounts of another tenant (AADSTS50020). They change what the
//! authorize endpoint redirects with and what redeeming a user grant
//! (authorization code, refresh token, device code) answers. App-only
//! (client credentials) sign-ins are not affected.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::issue::{resource_of, split_scopes};
use super::oauth_error_with;
use crate::model::signin::SignInInterrupt;
use crate::state::{is_arm_audience, is_graph_audience, App, ExternalUser, World};

/// The id of the simulated Conditional Access policy that requires MFA (the
/// `capolids` of the claims challenge).
pub const MFA_POLICY_ID: &str = "0f5e9c1a-3b7d-4e2f-8a6c-5d4b3a291807";
/// Well-known application id of the Azure Resource Manager resource
/// ("Windows Azure Service Management API"), named in AADSTS50076.
const ARM_APP_ID: &str = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

const BLOCKED: &str = "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.";

/// The resource's application id for a requested scope, as Entra names it.
fn resource_app_id(scope: &str) -> String {
    let (res, _) = split_scopes(scope);
    let Some(first) = res.first() else {
        return GRAPH_APP_ID.into();
    };
    let aud = resource_of(first);
    if is_arm_audience(&aud) {
        ARM_APP_ID.into()
    } else if is_graph_audience(&aud) {
        GRAPH_APP_ID.into()
    } else {
        aud
    }
}

fn app_name(world: &World, client_id: &str) -> String {
    world.public_client(client_id).map(|c| c.display_name.clone()).unwrap_or_else(|| client_id.to_string())
}

fn mfa_message(scope: &str) -> String {
    format!(
        "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{}'.",
        resource_app_id(scope)
    )
}

fn consent_message(world: &World, client_id: &str) -> String {
    format!(
        "The user or administrator has not consented to use the application with ID '{client_id}' named '{}'. Send an interactive authorization request for this user and resource.",
        app_name(world, client_id)
    )
}

/// AADSTS50020 for an account of another tenant.
pub(crate) fn wrong_tenant_message(world: &World, user: &ExternalUser, client_id: &str) -> String {
    format!(
        "User account '{}' from identity provider 'https://sts.windows.net/{}/' does not exist in tenant '{}' and cannot access the application '{client_id}'({}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.",
        user.upn,
        user.home_tenant_id,
        world.tenant_display_name,
        app_name(world, client_id)
    )
}

/// The token endpoint's AADSTS50020 (a device code approved by an account of another tenant).
pub(crate) fn wrong_tenant(app: &App, world: &World, upn: &str, client_id: &str) -> Response {
    let message = match world.external_user(upn) {
        Some(u) => wrong_tenant_message(world, u, client_id),
        None => format!("User account '{upn}' does not exist in tenant '{}'.", world.tenant_display_name),
    };
    oauth_error_with(app, StatusCode::BAD_REQUEST, "invalid_grant", 50020, &message, Default::default())
}

/// What authorize redirects with under the current interrupt: `(error,
/// error_description)`, or `None` to go on (for `mfa` the user completes MFA
/// in the browser and the grant carries it).
pub(crate) fn at_authorize(app: &App, world: &World, client_id: &str) -> Option<(&'static str, String)> {
    match app.settings().signin_interrupt? {
        SignInInterrupt::Mfa => None,
        SignInInterrupt::Consent => Some(("consent_required", format!("AADSTS65001: {}", consent_message(world, client_id)))),
        SignInInterrupt::Blocked => Some(("access_denied", format!("AADSTS53003: {BLOCKED}"))),
    }
}

/// What redeeming a user grant (code, refresh token, device code) answers
/// under the current interrupt; `mfa` = the grant's sign-in completed MFA.
pub(crate) fn at_token(app: &App, world: &World, client_id: &str, scope: &str, mfa: bool) -> Option<Response> {
    let (code, message, extra) = match app.settings().signin_interrupt? {
        SignInInterrupt::Mfa if mfa => return None,
        SignInInterrupt::Mfa => {
            let claims = json!({ "access_token": { "capolids": { "essential": true, "values": [MFA_POLICY_ID] } } });
            (50076, mfa_message(scope), vec![("suberror", json!("basic_action")), ("claims", json!(claims.to_string()))])
        }
        SignInInterrupt::Consent => (65001, consent_message(world, client_id), vec![("suberror", json!("consent_required"))]),
        SignInInterrupt::Blocked => (53003, BLOCKED.to_string(), vec![("suberror", json!("message_only"))]),
    };
    Some(oauth_error_with(app, StatusCode::BAD_REQUEST, "invalid_grant", code, &message, extra))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for i in [SignInInterrupt::Mfa, SignInInterrupt::Consent, SignInInterrupt::Blocked] {
            assert_eq!(SignInInterrupt::parse(i.as_str()), Some(i));
        }
        assert_eq!(SignInInterrupt::parse("MFA"), None);
    }

    #[test]
    fn resources_by_app_id() {
        assert_eq!(resource_app_id("https://management.azure.com//.default offline_access"), ARM_APP_ID);
        assert_eq!(resource_app_id("https://graph.microsoft.com/.default"), GRAPH_APP_ID);
        assert_eq!(resource_app_id("openid profile"), GRAPH_APP_ID);
    }
}
