//! Entra's refusals, each with what the user can do about it. Entra's own
//! words (with its AADSTS code, trace and correlation ids for a support
//! ticket) are kept beside the advice.

use crate::error::AzureError;

/// Advice for an Entra `error` and its `AADSTS…` description, if we have any.
fn advice(error: &str, description: &str) -> Option<&'static str> {
    let has = |code: &str| description.contains(code);
    Some(if error == "consent_required" || has("AADSTS65001") {
        "Exemption Desk has not been granted access in this tenant. Ask an administrator to consent to the app (or use your organisation's own client id), then sign in again."
    } else if has("AADSTS53003") {
        "Your organisation's Conditional Access policies block this sign-in (for example from this device or location). Ask your administrator which conditions apply."
    } else if error == "interaction_required" || has("AADSTS50076") || has("AADSTS50079") || has("AADSTS50158") {
        "Your organisation now asks for another step, such as multi-factor authentication. Sign in again (with the browser or a device code) and complete it."
    } else if has("AADSTS50020") {
        "This account is not a member or guest of the tenant you chose. Check the tenant, sign in with an account of that tenant, or ask its administrator to invite you."
    } else if has("AADSTS90002") {
        "No tenant of that name exists in this cloud. Check the tenant id or domain, and the cloud (Azure, US Government, China)."
    } else if has("AADSTS700016") {
        "The client id is not an application in this tenant. Check the client id and the tenant; an administrator may need to register or consent to the app."
    } else if has("AADSTS7000215") || has("AADSTS7000222") {
        "The client secret is wrong or has expired. Create a new secret in the app registration and sign in with it."
    } else if has("AADSTS700027") {
        "Entra does not accept this certificate for the application: upload its public certificate to the app registration (Certificates & secrets), or choose the certificate that is registered."
    } else if has("AADSTS700024") {
        "This computer's clock is too far from Entra's: correct the date and time, then sign in again."
    } else if error == "access_denied" {
        "The sign-in was cancelled or denied in the browser. Sign in again to continue."
    } else if error == "invalid_grant" && (has("AADSTS700082") || has("AADSTS70043") || has("AADSTS50173")) {
        "The saved sign-in has expired. Sign in again."
    } else {
        return None;
    })
}

/// A sign-in refusal with advice becomes [`AzureError::Refused`]; any other
/// error (and one already explained) is returned as it is.
pub(crate) fn explain(error: AzureError) -> AzureError {
    let AzureError::SignIn { error, description } = error else { return error };
    match advice(&error, &description) {
        Some(advice) => AzureError::Refused { error, advice, entra: description },
        None => AzureError::SignIn { error, description },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(error: &str, description: &str) -> String {
        explain(AzureError::SignIn { error: error.into(), description: description.into() }).to_string()
    }

    #[test]
    fn common_refusals_say_what_to_do() {
        assert!(refused("invalid_client", "AADSTS65001: The user or administrator has not consented").contains("administrator to consent"));
        assert!(refused("interaction_required", "AADSTS50076: MFA").contains("multi-factor"));
        assert!(refused("invalid_grant", "AADSTS50076: Due to a configuration change").contains("multi-factor"));
        assert!(refused("access_denied", "AADSTS53003: Access has been blocked").contains("Conditional Access"));
        assert!(refused("invalid_request", "AADSTS50020: User account 'x' from identity provider").contains("not a member or guest"));
        assert!(refused("invalid_request", "AADSTS90002: Tenant 'x' not found").contains("No tenant of that name"));
        assert!(refused("unauthorized_client", "AADSTS700016: Application with identifier").contains("client id is not an application"));
        assert!(refused("invalid_client", "AADSTS700027: The certificate with identifier").contains("upload its public certificate"));
        assert!(refused("invalid_grant", "AADSTS700082: The refresh token has expired").contains("has expired. Sign in again"));
        assert!(refused("access_denied", "").contains("cancelled"));
        assert_eq!(refused("invalid_scope", "nope"), "Sign-in failed (invalid_scope): nope");
    }

    #[test]
    fn advice_is_given_once_and_keeps_entras_words() {
        let once = explain(AzureError::SignIn { error: "invalid_grant".into(), description: "AADSTS50076: MFA, Trace ID: t".into() });
        let twice =
            explain(explain(AzureError::SignIn { error: "invalid_grant".into(), description: "AADSTS50076: MFA, Trace ID: t".into() }));
        assert_eq!(once.to_string(), twice.to_string());
        assert!(once.to_string().ends_with("(Entra: AADSTS50076: MFA, Trace ID: t)"), "{once}");
    }

    #[test]
    fn the_ui_gets_the_advice_as_the_message_and_entras_words_as_details() {
        let payload =
            explain(AzureError::SignIn { error: "invalid_grant".into(), description: "AADSTS50076: MFA (really)".into() }).payload();
        assert!(payload.message.starts_with("Your organisation now asks for another step"), "{}", payload.message);
        assert!(!payload.message.contains("AADSTS"));
        let details = payload.details.unwrap_or_default();
        assert_eq!(details["entra"], "AADSTS50076: MFA (really)");
        assert_eq!(details["entraError"], "invalid_grant");
        let plain = explain(AzureError::SignIn { error: "invalid_scope".into(), description: "nope".into() }).payload();
        assert_eq!(plain.message, "Sign-in failed (invalid_scope): nope");
    }
}
