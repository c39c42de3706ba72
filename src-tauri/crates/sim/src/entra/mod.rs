//! Entra ID (v2.0) endpoints: authorize (auto-consent), token (client
//! credentials, authorization code + PKCE, refresh token, device code),
//! devicecode and OpenID discovery.

pub mod device;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use rand::RngCore;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::jwt;
use crate::log::{query_pairs, LoggedPrincipal};
use crate::state::{is_arm_audience, lock, App, AuthCode, RefreshGrant, World};

const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];

pub(crate) fn random_token(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(b))
}

/// An Entra OAuth error response.
pub(crate) fn oauth_error(app: &App, status: StatusCode, error: &str, code: u32, message: &str) -> Response {
    let trace = uuid::Uuid::new_v4().to_string();
    let corr = uuid::Uuid::new_v4().to_string();
    let now = app.now();
    let body = json!({
        "error": error,
        "error_description": format!(
            "AADSTS{code}: {message} Trace ID: {trace} Correlation ID: {corr} Timestamp: {}",
            now.format("%Y-%m-%d %H:%M:%SZ")
        ),
        "error_codes": [code],
        "timestamp": now.format("%Y-%m-%d %H:%M:%SZ").to_string(),
        "trace_id": trace,
        "correlation_id": corr,
        "error_uri": format!("{}/error?code={code}", app.base_url),
    });
    (status, axum::Json(body)).into_response()
}

pub(crate) fn bad(app: &App, error: &str, code: u32, message: &str) -> Response {
    oauth_error(app, StatusCode::BAD_REQUEST, error, code, message)
}

/// Is `tenant` (from the path) this tenant? `organizations`/`common` only when
/// `allow_multi` (user flows).
pub(crate) fn tenant_ok(world: &World, tenant: &str, allow_multi: bool) -> bool {
    tenant.eq_ignore_ascii_case(&world.tenant_id)
        || tenant.eq_ignore_ascii_case(&world.tenant_domain)
        || (allow_multi && (tenant.eq_ignore_ascii_case("organizations") || tenant.eq_ignore_ascii_case("common")))
}

/// Split requested scopes into (resource scopes, OIDC scopes).
fn split_scopes(scope: &str) -> (Vec<String>, Vec<String>) {
    let mut res = Vec::new();
    let mut oidc = Vec::new();
    for s in scope.split_whitespace() {
        if OIDC_SCOPES.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            oidc.push(s.to_ascii_lowercase());
        } else {
            res.push(s.to_string());
        }
    }
    (res, oidc)
}

/// The resource (audience) a scope like `https://management.azure.com//.default` is for.
fn resource_of(scope: &str) -> String {
    let base = match scope.rfind('/') {
        Some(i) if scope[..i].contains("://") => &scope[..i],
        _ => scope,
    };
    let trimmed = base.trim_end_matches('/');
    if is_arm_audience(trimmed) {
        if trimmed.to_ascii_lowercase().contains("core.windows.net") {
            "https://management.core.windows.net/".to_string()
        } else {
            "https://management.azure.com/".to_string()
        }
    } else {
        format!("{trimmed}/")
    }
}

/// Claims common to every access token.
fn base_claims(app: &App, tid: &str, aud: &str) -> serde_json::Map<String, Value> {
    let now = app.now().timestamp();
    let lifetime = app.settings().token_lifetime_secs;
    let mut m = serde_json::Map::new();
    m.insert("aud".into(), json!(aud));
    m.insert("iss".into(), json!(format!("https://sts.windows.net/{tid}/")));
    m.insert("iat".into(), json!(now));
    m.insert("nbf".into(), json!(now));
    m.insert("exp".into(), json!(now + lifetime));
    m.insert("tid".into(), json!(tid));
    m.insert("ver".into(), json!("1.0"));
    m.insert("uti".into(), json!(random_token("").chars().take(22).collect::<String>()));
    m
}

fn token_response(app: &App, access_token: String, scope: &str) -> serde_json::Map<String, Value> {
    let lifetime = app.settings().token_lifetime_secs;
    let mut m = serde_json::Map::new();
    m.insert("token_type".into(), json!("Bearer"));
    m.insert("scope".into(), json!(scope));
    m.insert("expires_in".into(), json!(lifetime));
    m.insert("ext_expires_in".into(), json!(lifetime));
    m.insert("access_token".into(), json!(access_token));
    m
}

pub(crate) fn ok_json(body: serde_json::Map<String, Value>, principal: &str) -> Response {
    let mut resp = (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store, no-cache"), (header::PRAGMA, "no-cache")],
        axum::Json(Value::Object(body)),
    )
        .into_response();
    resp.extensions_mut().insert(LoggedPrincipal(principal.to_string()));
    resp
}

pub(crate) fn param<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

pub(crate) fn missing(app: &App, name: &str) -> Response {
    bad(
        app,
        "invalid_request",
        900144,
        &format!("The request body must contain the following parameter: '{name}'."),
    )
}

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
            &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        );
    }
    match grant {
        "client_credentials" => client_credentials(&app, world, &form),
        "authorization_code" => authorization_code(&app, world, &form),
        "refresh_token" => refresh(&app, world, &form),
        device::GRANT_TYPE => device::redeem(&app, world, &form),
        other => bad(
            &app,
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{other}'."),
        ),
    }
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
            return oauth_error(
                app,
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            )
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
    let Some(secret) = param(form, "client_secret") else {
        return oauth_error(
            app,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
    };
    if sp.client_secret.as_deref() != Some(secret) {
        return oauth_error(
            app,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000215,
            &format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", sp.client_id),
        );
    }
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
    claims.insert("appidacr".into(), json!("1"));
    claims.insert("idtyp".into(), json!("app"));
    claims.insert("oid".into(), json!(sp.object_id));
    claims.insert("sub".into(), json!(sp.object_id));
    claims.insert("name".into(), json!(sp.display_name));
    let at = jwt::sign(&app.jwt_secret, &Value::Object(claims));
    ok_json(token_response(app, at, &res[0]), &sp.client_id)
}

/// Issue access (+ refresh, + id) tokens for a user.
#[allow(clippy::result_large_err)]
pub(crate) fn user_tokens(
    app: &App,
    world: &World,
    user_oid: &str,
    client_id: &str,
    scope: &str,
) -> Result<(serde_json::Map<String, Value>, String), Response> {
    let Some(user) = world.user_by_oid(user_oid) else {
        return Err(bad(app, "invalid_grant", 50034, "The user account does not exist in the directory."));
    };
    let (res, oidc) = split_scopes(scope);
    let aud = match res.first() {
        Some(r) => resource_of(r),
        None => "00000003-0000-0000-c000-000000000000".to_string(),
    };
    if res.iter().any(|r| resource_of(r) != aud) {
        return Err(bad(
            app,
            "invalid_request",
            28000,
            "Provided value for the input parameter scope is not valid because it contains more than one resource.",
        ));
    }
    let mut claims = base_claims(app, &world.tenant_id, &aud);
    claims.insert("appid".into(), json!(client_id));
    claims.insert("appidacr".into(), json!("0"));
    claims.insert("idtyp".into(), json!("user"));
    claims.insert("oid".into(), json!(user.object_id));
    claims.insert("sub".into(), json!(user.object_id));
    claims.insert("upn".into(), json!(user.upn));
    claims.insert("unique_name".into(), json!(user.upn));
    claims.insert("name".into(), json!(user.display_name));
    claims.insert("scp".into(), json!("user_impersonation"));
    let at = jwt::sign(&app.jwt_secret, &Value::Object(claims));

    let mut granted: Vec<String> = res
        .iter()
        .map(|r| {
            if r.ends_with("/.default") {
                format!("{}user_impersonation", resource_of(r))
            } else {
                r.clone()
            }
        })
        .collect();
    granted.extend(oidc.iter().cloned());
    let mut body = token_response(app, at, &granted.join(" "));
    if oidc.iter().any(|s| s == "offline_access") {
        let rt = random_token("simrt.");
        lock(&app.refresh_tokens).insert(
            rt.clone(),
            RefreshGrant {
                client_id: client_id.to_string(),
                user_object_id: user.object_id.clone(),
                scope: scope.to_string(),
                expires: app.now() + Duration::days(90),
            },
        );
        body.insert("refresh_token".into(), json!(rt));
    }
    if oidc.iter().any(|s| s == "openid") {
        let now = app.now().timestamp();
        let lifetime = app.settings().token_lifetime_secs;
        let id = json!({
            "aud": client_id,
            "iss": format!("{}/{}/v2.0", app.base_url, world.tenant_id),
            "iat": now, "nbf": now, "exp": now + lifetime,
            "oid": user.object_id, "sub": user.object_id, "tid": world.tenant_id,
            "preferred_username": user.upn, "name": user.display_name, "ver": "2.0",
        });
        body.insert("id_token".into(), json!(jwt::sign(&app.jwt_secret, &id)));
        let ci = json!({"uid": user.object_id, "utid": world.tenant_id});
        body.insert("client_info".into(), json!(URL_SAFE_NO_PAD.encode(ci.to_string())));
    }
    Ok((body, user.upn.clone()))
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
            return bad(app, "invalid_grant", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.");
        };
        let computed = if grant.code_challenge_method.eq_ignore_ascii_case("S256") {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        } else {
            verifier.to_string()
        };
        if &computed != challenge {
            return bad(app, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
        }
    }
    let scope = param(form, "scope").unwrap_or(&grant.scope).to_string();
    match user_tokens(app, world, &grant.user_object_id, client_id, &scope) {
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
        return bad(app, "invalid_grant", 700005, "Provided Authorization Code is intended to use against other tenant or client, thus rejected.");
    }
    let mut scope = param(form, "scope").unwrap_or(&grant.scope).to_string();
    // A refreshed grant keeps offline access.
    if !scope.split_whitespace().any(|s| s == "offline_access") && grant.scope.contains("offline_access") {
        scope.push_str(" offline_access");
    }
    match user_tokens(app, world, &grant.user_object_id, client_id, &scope) {
        Ok((body, upn)) => ok_json(body, &upn),
        Err(r) => r,
    }
}

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
    let Some(user) = world.user_by_upn(upn) else {
        return fail(
            "invalid_request",
            &format!("AADSTS50034: The user account {upn} does not exist in the {} directory.", world.tenant_display_name),
        );
    };
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

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`
pub async fn openid_configuration(State(app): State<Arc<App>>, Path(tenant): Path<String>) -> Response {
    let tid = lock(&app.world).tenant_id.clone();
    let b = &app.base_url;
    let body = json!({
        "issuer": format!("{b}/{tid}/v2.0"),
        "authorization_endpoint": format!("{b}/{tenant}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{b}/{tenant}/oauth2/v2.0/token"),
        "device_authorization_endpoint": format!("{b}/{tenant}/oauth2/v2.0/devicecode"),
        "jwks_uri": format!("{b}/{tenant}/discovery/v2.0/keys"),
        "response_types_supported": ["code"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "tenant_region_scope": "NA",
        "cloud_instance_name": "microsoftonline.com",
    });
    axum::Json(body).into_response()
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

    #[test]
    fn resources() {
        assert_eq!(resource_of("https://management.azure.com/.default"), "https://management.azure.com/");
        assert_eq!(resource_of("https://management.azure.com//.default"), "https://management.azure.com/");
        assert_eq!(resource_of("https://management.core.windows.net//user_impersonation"), "https://management.core.windows.net/");
        assert_eq!(resource_of("https://graph.microsoft.com/.default"), "https://graph.microsoft.com/");
    }
}
