//! `POST /{tenant}/oauth2/v2.0/token`: client credentials (secret or
//! certificate assertion), authorization code (+ PKCE) and refresh token grants
//! (device code is in [`super::device`]). User grants go through the sign-in
//! interrupts of [`super::interrupt`].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::issue::{application_permissions, base_claims, resource_of, split_scopes, token_response};
use super::{bad, certificate, device, interrupt, missing, oauth_error, ok_json, param, tenant_ok, user_tokens};
use crate::jwt;
use crate::log::query_pairs;
use crate::state::{lock, App, ServicePrincipal, World};

/// `POST /{tenant}/oauth2/v2.0/token`
pub async fn token(State(app): State<Arc<App>>, Path(tenant): Path<String>, body: Bytes) -> Response {
    let form = query_pairs(&String::from_utf8_lossy(&body));
    let Some(grant) = param(&form, "grant_type") else {
        return missing(&app, "grant_type");
    };
    let guard = lock(&app.world);
    let world: &World = &guard;
    let multi_ok = grant != "client_credentials";
    if !tenant_ok(world, &tenant, multi_ok) {
        return bad(
            &app,
            "invalid_request",
            90002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        );
    }
    match grant {
        "client_credentials" => client_credentials(&app, world, &form),
        "authorization_code" => authorization_code(&app, world, &form),
        "refresh_token" => refresh(&app, world, &form),
        device::GRANT_TYPE => device::redeem(&app, world, &form),
        other => bad(&app, "unsupported_grant_type", 70003, &format!("The app requested an unsupported grant type '{other}'.")),
    }
}

/// A confidential client sent neither a secret nor an assertion.
fn no_client_credential(app: &App) -> Response {
    oauth_error(
        app,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    )
}

fn client_credentials(app: &App, world: &World, form: &[(String, String)]) -> Response {
    let Some(client_id) = param(form, "client_id") else {
        return missing(app, "client_id");
    };
    let Some(scope) = param(form, "scope") else {
        return missing(app, "scope");
    };
    let sp = match world.sp_by_client_id(client_id) {
        Some(sp) => sp,
        None if world.public_client(client_id).is_some() => {
            return no_client_credential(app)
        }
        None => {
            return bad(
                app,
                "unauthorized_client",
                700016,
                &format!(
                    "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                    world.tenant_display_name
                ),
            )
        }
    };
    let appidacr = match client_credential(app, world, sp, form) {
        Ok(Some(acr)) => acr,
        Ok(None) => return no_client_credential(app),
        Err(r) => return r,
    };
    let (res, _) = split_scopes(scope);
    if res.len() != 1 || !res[0].ends_with("/.default") {
        return bad(
            app,
            "invalid_scope",
            1002012,
            &format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."),
        );
    }
    let aud = resource_of(&res[0]);
    let mut claims = base_claims(app, &world.tenant_id, &aud);
    claims.insert("appid".into(), json!(sp.client_id));
    claims.insert("appidacr".into(), json!(appidacr));
    let roles = application_permissions(&aud);
    if !roles.is_empty() {
        claims.insert("roles".into(), json!(roles));
    }
    claims.insert("idtyp".into(), json!("app"));
    claims.insert("oid".into(), json!(sp.object_id));
    claims.insert("sub".into(), json!(sp.object_id));
    claims.insert("name".into(), json!(sp.display_name));
    let at = jwt::sign(&app.jwt_secret, &Value::Object(claims));
    ok_json(token_response(app, at, &res[0]), &sp.client_id)
}

/// Authenticate a confidential client by its secret or a certificate-signed
/// client assertion: `Ok(Some(appidacr))` ("1" secret, "2" certificate, as in
/// Entra's tokens), `Ok(None)` when neither was sent, `Err` = the error to send.
#[allow(clippy::result_large_err)]
fn client_credential(app: &App, world: &World, sp: &ServicePrincipal, form: &[(String, String)]) -> Result<Option<&'static str>, Response> {
    let secret = param(form, "client_secret");
    let assertion = param(form, "client_assertion");
    let assertion_type = param(form, "client_assertion_type");
    if secret.is_some() && (assertion.is_some() || assertion_type.is_some()) {
        // RFC 6749 2.3: one authentication method per request.
        return Err(bad(
            app,
            "invalid_request",
            9002313,
            "Invalid request. Request is malformed or invalid. Send either 'client_secret' or 'client_assertion', not both.",
        ));
    }
    if let Some(secret) = secret {
        if sp.client_secret.as_deref() != Some(secret) {
            return Err(oauth_error(
                app,
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7000215,
                &format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", sp.client_id),
            ));
        }
        return Ok(Some("1"));
    }
    match (assertion_type, assertion) {
        (None, None) => Ok(None),
        (Some(t), _) if t != certificate::ASSERTION_TYPE => Err(bad(
            app,
            "invalid_request",
            90011,
            &format!("Unexpected client assertion type '{t}'. Use '{}'.", certificate::ASSERTION_TYPE),
        )),
        (None, Some(_)) => Err(missing(app, "client_assertion_type")),
        (Some(_), None) => Err(missing(app, "client_assertion")),
        (Some(_), Some(jwt)) => certificate::check_assertion(app, world, sp, jwt).map(|()| Some("2")),
    }
}

fn authorization_code(app: &App, world: &World, form: &[(String, String)]) -> Response {
    let Some(client_id) = param(form, "client_id") else {
        return missing(app, "client_id");
    };
    let Some(code) = param(form, "code") else {
        return missing(app, "code");
    };
    let Some(redirect_uri) = param(form, "redirect_uri") else {
        return missing(app, "redirect_uri");
    };
    let Some(grant) = lock(&app.auth_codes).remove(code) else {
        return bad(
            app,
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        );
    };
    if grant.expires < app.now() {
        return bad(app, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
    }
    if !grant.client_id.eq_ignore_ascii_case(client_id) {
        return bad(app, "invalid_grant", 70000, "The request was denied because one or more scopes requested are unauthorized or expired. The authorization code was issued to a different client.");
    }
    if grant.redirect_uri != redirect_uri {
        return bad(
            app,
            "invalid_grant",
            50011,
            &format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URI used to obtain the authorization code."),
        );
    }
    if let Some(challenge) = &grant.code_challenge {
        let Some(verifier) = param(form, "code_verifier") else {
            return bad(
                app,
                "invalid_grant",
                50148,
                "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.",
            );
        };
        let computed = if grant.code_challenge_method.eq_ignore_ascii_case("S256") {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        } else {
            verifier.to_string()
        };
        if &computed != challenge {
            return bad(
                app,
                "invalid_grant",
                501481,
                "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
            );
        }
    }
    let scope = param(form, "scope").unwrap_or(&grant.scope).to_string();
    if let Some(r) = interrupt::at_token(app, world, client_id, &scope, grant.mfa) {
        return r;
    }
    match user_tokens(app, world, &grant.user_object_id, client_id, &scope, grant.mfa) {
        Ok((body, upn)) => ok_json(body, &upn),
        Err(r) => r,
    }
}

fn refresh(app: &App, world: &World, form: &[(String, String)]) -> Response {
    let Some(client_id) = param(form, "client_id") else {
        return missing(app, "client_id");
    };
    let Some(rt) = param(form, "refresh_token") else {
        return missing(app, "refresh_token");
    };
    let grant = lock(&app.refresh_tokens).get(rt).cloned();
    let Some(grant) = grant else {
        return bad(app, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
    };
    if grant.expires < app.now() {
        return bad(app, "invalid_grant", 700082, "The refresh token has expired due to inactivity.");
    }
    if !grant.client_id.eq_ignore_ascii_case(client_id) {
        return bad(
            app,
            "invalid_grant",
            700005,
            "Provided Authorization Code is intended to use against other tenant or client, thus rejected.",
        );
    }
    let mut scope = param(form, "scope").unwrap_or(&grant.scope).to_string();
    // A refreshed grant keeps offline access.
    if !scope.split_whitespace().any(|s| s == "offline_access") && grant.scope.contains("offline_access") {
        scope.push_str(" offline_access");
    }
    if let Some(r) = interrupt::at_token(app, world, client_id, &scope, grant.mfa) {
        return r;
    }
    match user_tokens(app, world, &grant.user_object_id, client_id, &scope, grant.mfa) {
        Ok((body, upn)) => ok_json(body, &upn),
        Err(r) => r,
    }
}
