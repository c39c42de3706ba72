//! The device-code flow: `POST /{tenant}/oauth2/v2.0/devicecode`, polling the
//! token endpoint with `grant_type=urn:ietf:params:oauth:grant-type:device_code`,
//! and the test-side approval (`POST /_sim/devicecode/approve`, or automatic
//! approval after N polls via `POST /_sim/settings`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use rand::Rng;
use serde_json::{json, Value};

use super::{bad, interrupt, missing, ok_json, param, tenant_ok, user_tokens};
use crate::log::query_pairs;
use crate::state::{lock, App, DeviceCode, World};

pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Entra: device codes live 15 minutes; clients poll every 5 seconds.
pub const EXPIRES_IN_SECS: i64 = 900;
pub const INTERVAL_SECS: i64 = 5;

/// Nine characters from Entra's user-code alphabet (no 0/O/1/I).
fn user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..9).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// `POST /{tenant}/oauth2/v2.0/devicecode` (form: `client_id`, `scope`).
pub async fn devicecode(State(app): State<Arc<App>>, Path(tenant): Path<String>, body: Bytes) -> Response {
    let form = query_pairs(&String::from_utf8_lossy(&body));
    let guard = lock(&app.world);
    let world: &World = &guard;
    if !tenant_ok(world, &tenant, true) {
        return bad(&app, "invalid_request", 90002, &format!("Tenant '{tenant}' not found."));
    }
    let Some(client_id) = param(&form, "client_id") else {
        return missing(&app, "client_id");
    };
    if world.public_client(client_id).is_none() {
        return bad(
            &app,
            "unauthorized_client",
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory '{}'.", world.tenant_display_name),
        );
    }
    let Some(scope) = param(&form, "scope") else {
        return missing(&app, "scope");
    };
    let code = DeviceCode {
        device_code: super::random_token("simdc."),
        user_code: user_code(),
        client_id: client_id.to_string(),
        scope: scope.to_string(),
        expires: app.now() + Duration::seconds(EXPIRES_IN_SECS),
        approved_by: None,
        approved_by_external: None,
        mfa: false,
        declined: false,
        polls: 0,
    };
    let verification_uri = format!("{}/devicelogin", app.base_url);
    let body = json!({
        "user_code": code.user_code,
        "device_code": code.device_code,
        "verification_uri": verification_uri,
        "expires_in": EXPIRES_IN_SECS,
        "interval": INTERVAL_SECS,
        "message": format!(
            "To sign in, use a web browser to open the page {verification_uri} and enter the code {} to authenticate.",
            code.user_code
        ),
    });
    lock(&app.device_codes).insert(code.device_code.clone(), code);
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// The token endpoint's device-code grant.
pub fn redeem(app: &App, world: &World, form: &[(String, String)]) -> Response {
    let Some(client_id) = param(form, "client_id") else {
        return missing(app, "client_id");
    };
    let Some(device_code) = param(form, "device_code").or_else(|| param(form, "code")) else {
        return missing(app, "device_code");
    };
    let settings = app.settings();
    let mut codes = lock(&app.device_codes);
    let Some(code) = codes.get_mut(device_code) else {
        return bad(app, "bad_verification_code", 70019, "Verification code invalid. The device code was not recognized.");
    };
    if !code.client_id.eq_ignore_ascii_case(client_id) {
        return bad(app, "invalid_grant", 70000, "The device code was issued to a different client.");
    }
    if code.expires <= app.now() {
        codes.remove(device_code);
        return bad(
            app,
            "expired_token",
            70020,
            "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
        );
    }
    code.polls += 1;
    if code.approved_by.is_none() && code.approved_by_external.is_none() && !code.declined {
        if let Some(n) = settings.device_auto_approve_after_polls {
            if code.polls >= n {
                let upn = settings.device_auto_approve_upn.clone().unwrap_or_else(|| world.default_user_upn.clone());
                code.approved_by = world.user_by_upn(&upn).map(|u| u.object_id.clone());
                code.approved_by_external = world.external_user(&upn).map(|u| u.upn.clone());
            }
        }
    }
    if code.declined {
        codes.remove(device_code);
        return bad(app, "authorization_declined", 70000, "The end user denied the authorization request.");
    }
    if let Some(upn) = code.approved_by_external.clone() {
        codes.remove(device_code);
        return interrupt::wrong_tenant(app, world, &upn, client_id);
    }
    let Some(user_oid) = code.approved_by.clone() else {
        return bad(app, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
    };
    let scope = code.scope.clone();
    let mfa = code.mfa;
    codes.remove(device_code);
    drop(codes);
    if let Some(r) = interrupt::at_token(app, world, client_id, &scope, mfa) {
        return r;
    }
    match user_tokens(app, world, &user_oid, client_id, &scope, mfa) {
        Ok((body, upn)) => ok_json(body, &upn),
        Err(r) => r,
    }
}

/// `POST /_sim/devicecode/approve {"userCode": "...", "upn": "...", "decline": false, "mfa": false}`.
/// `upn` may name an account of another tenant (redemption then fails with
/// AADSTS50020); `mfa: true` = the user completed MFA on the device-login page.
pub async fn approve(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let req: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return sim_error(StatusCode::BAD_REQUEST, &format!("invalid JSON: {e}")),
    };
    let Some(user_code) = req.get("userCode").and_then(Value::as_str) else {
        return sim_error(StatusCode::BAD_REQUEST, "userCode is required");
    };
    let decline = req.get("decline").and_then(Value::as_bool).unwrap_or(false);
    let mfa = req.get("mfa").and_then(Value::as_bool).unwrap_or(false);
    let world = lock(&app.world);
    let upn = req.get("upn").and_then(Value::as_str).unwrap_or(&world.default_user_upn).to_string();
    let oid = world.user_by_upn(&upn).map(|u| u.object_id.clone());
    let external = world.external_user(&upn).map(|u| u.upn.clone());
    if oid.is_none() && external.is_none() {
        return sim_error(StatusCode::BAD_REQUEST, &format!("unknown user '{upn}'"));
    }
    drop(world);
    let mut codes = lock(&app.device_codes);
    let Some(code) = codes.values_mut().find(|c| c.user_code.eq_ignore_ascii_case(user_code.trim())) else {
        return sim_error(StatusCode::NOT_FOUND, &format!("no pending device code '{user_code}'"));
    };
    if decline {
        code.declined = true;
    } else {
        code.approved_by = oid;
        code.approved_by_external = external;
        code.mfa = mfa;
    }
    axum::Json(json!({ "userCode": code.user_code, "upn": upn, "approved": !decline })).into_response()
}

/// `GET /_sim/devicecode`: the pending device codes (user code, client, scope).
pub async fn pending(State(app): State<Arc<App>>) -> Response {
    let codes = lock(&app.device_codes);
    let list: Vec<Value> = codes
        .values()
        .map(|c| {
            json!({
                "userCode": c.user_code, "clientId": c.client_id, "scope": c.scope,
                "expiresOn": c.expires.to_rfc3339(), "approved": c.approved_by.is_some() || c.approved_by_external.is_some(), "polls": c.polls,
            })
        })
        .collect();
    axum::Json(json!({ "value": list })).into_response()
}

fn sim_error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": { "code": "SimBadRequest", "message": message } }))).into_response()
}
