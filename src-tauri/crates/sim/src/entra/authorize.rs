//! `GET /{tenant}/oauth2/v2.0/authorize`: auto-consent for loopback redirect
//! URIs, as the user named by `login_hint`, unless a sign-in interrupt
//! ([`super::interrupt`]) or an account of another tenant stops it.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::Duration;

use super::{interrupt, param, random_token, tenant_ok};
use crate::log::query_pairs;
use crate::model::log::LoggedPrincipal;
use crate::model::signin::SignInInterrupt;
use crate::state::{lock, App, AuthCode, World};

fn error_page(status: StatusCode, code: u32, message: &str) -> Response {
    let html = format!(
        "<!doctype html><html><head><title>Sign in to your account</title></head><body><h1>Sign in</h1><p>Sorry, but we're having trouble signing you in.</p><p id=\"error\">AADSTS{code}: {}</p></body></html>",
        message.replace('<', "&lt;").replace('>', "&gt;")
    );
    (status, Html(html)).into_response()
}

/// Loopback redirect URIs are the only ones registered for the public client.
fn is_loopback_redirect(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) => {
            if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
                return false;
            }
            h
        }
        None => host_port,
    };
    host == "127.0.0.1" || host.eq_ignore_ascii_case("localhost")
}

fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let q = serde_urlencoded::to_string(params).unwrap_or_default();
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!("{redirect_uri}{sep}{q}");
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// `GET /{tenant}/oauth2/v2.0/authorize`: consents automatically as the user
/// named by `login_hint` (default: the seed's security admin).
pub async fn authorize(State(app): State<Arc<App>>, Path(tenant): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let q = query_pairs(raw.as_deref().unwrap_or(""));
    let guard = lock(&app.world);
    let world: &World = &guard;
    if !tenant_ok(world, &tenant, true) {
        return error_page(StatusCode::BAD_REQUEST, 90002, &format!("Tenant '{tenant}' not found."));
    }
    let Some(client_id) = param(&q, "client_id") else {
        return error_page(StatusCode::BAD_REQUEST, 900144, "The request body must contain the following parameter: 'client_id'.");
    };
    if world.public_client(client_id).is_none() {
        return error_page(
            StatusCode::BAD_REQUEST,
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory '{}'.", world.tenant_display_name),
        );
    }
    let Some(redirect_uri) = param(&q, "redirect_uri") else {
        return error_page(StatusCode::BAD_REQUEST, 900144, "The request body must contain the following parameter: 'redirect_uri'.");
    };
    if !is_loopback_redirect(redirect_uri) {
        return error_page(
            StatusCode::BAD_REQUEST,
            50011,
            &format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'."),
        );
    }
    let state = param(&q, "state").unwrap_or("");
    let fail = |error: &str, desc: &str| {
        let mut p = vec![("error", error), ("error_description", desc)];
        if !state.is_empty() {
            p.push(("state", state));
        }
        redirect_with(redirect_uri, &p)
    };
    if param(&q, "response_type") != Some("code") {
        return fail("unsupported_response_type", "AADSTS700054: response_type must be 'code' for this application.");
    }
    let Some(scope) = param(&q, "scope") else {
        return fail("invalid_request", "AADSTS900144: The request body must contain the following parameter: 'scope'.");
    };
    let method = param(&q, "code_challenge_method").unwrap_or("plain");
    let challenge = param(&q, "code_challenge");
    if challenge.is_some() && !(method.eq_ignore_ascii_case("S256") || method.eq_ignore_ascii_case("plain")) {
        return fail("invalid_request", "AADSTS501491: Invalid code_challenge_method.");
    }
    let upn = param(&q, "login_hint").unwrap_or(&world.default_user_upn);
    if let Some(external) = world.external_user(upn) {
        return fail("invalid_request", &format!("AADSTS50020: {}", interrupt::wrong_tenant_message(world, external, client_id)));
    }
    let Some(user) = world.user_by_upn(upn) else {
        return fail(
            "invalid_request",
            &format!("AADSTS50034: The user account {upn} does not exist in the {} directory.", world.tenant_display_name),
        );
    };
    if let Some((error, description)) = interrupt::at_authorize(&app, world, client_id) {
        return fail(error, &description);
    }
    // Under an MFA requirement the user completes MFA in the browser.
    let mfa = app.settings().signin_interrupt == Some(SignInInterrupt::Mfa);
    let code = random_token("simcode.");
    lock(&app.auth_codes).insert(
        code.clone(),
        AuthCode {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            code_challenge: challenge.map(str::to_string),
            code_challenge_method: method.to_string(),
            user_object_id: user.object_id.clone(),
            scope: scope.to_string(),
            expires: app.now() + Duration::minutes(10),
            mfa,
        },
    );
    let session = uuid::Uuid::new_v4().to_string();
    let mut p = vec![("code", code.as_str())];
    if !state.is_empty() {
        p.push(("state", state));
    }
    p.push(("session_state", session.as_str()));
    let mut resp = redirect_with(redirect_uri, &p);
    resp.extensions_mut().insert(LoggedPrincipal(user.upn.clone()));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only() {
        assert!(is_loopback_redirect("http://127.0.0.1:5000/"));
        assert!(is_loopback_redirect("http://localhost:1234/callback"));
        assert!(is_loopback_redirect("http://localhost"));
        assert!(!is_loopback_redirect("https://127.0.0.1:5000/"));
        assert!(!is_loopback_redirect("http://evil.example:5000/"));
        assert!(!is_loopback_redirect("http://127.0.0.1.evil.example/"));
        assert!(!is_loopback_redirect("http://127.0.0.1:x/"));
    }
}
