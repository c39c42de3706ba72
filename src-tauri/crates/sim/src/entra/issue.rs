//! Minting tokens: scopes -> audience, the claims of app and user access
//! tokens, refresh tokens and id tokens.

use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use serde_json::{json, Value};

use super::{bad, random_token};
use crate::jwt;
use crate::state::{is_arm_audience, is_graph_audience, is_storage_audience, lock, App, RefreshGrant, World, STORAGE_AUDIENCE};

const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];

/// Split requested scopes into (resource scopes, OIDC scopes).
pub(crate) fn split_scopes(scope: &str) -> (Vec<String>, Vec<String>) {
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
pub(crate) fn resource_of(scope: &str) -> String {
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
    } else if is_storage_audience(trimmed) {
        // Entra's v1 resource id for Azure Storage has no trailing slash:
        // tokens for `https://storage.azure.com/.default` (or `//.default`)
        // carry `aud: https://storage.azure.com`, the v1 issuer
        // (`base_claims`) and `scp: user_impersonation`.
        STORAGE_AUDIENCE.to_string()
    } else {
        format!("{trimmed}/")
    }
}

/// Delegated permissions (`scp`) a user token for `aud` carries: ARM's
/// `user_impersonation`; for Graph, what the demo tenant's admin consented
/// to for the public client (reading service principals). Not enforced.
pub(crate) fn delegated_permissions(aud: &str) -> &'static [&'static str] {
    if is_graph_audience(aud) {
        &["Application.Read.All", "User.Read"]
    } else {
        &["user_impersonation"]
    }
}

/// Application permissions (`roles`) an app-only token for `aud` carries.
pub(crate) fn application_permissions(aud: &str) -> &'static [&'static str] {
    if is_graph_audience(aud) {
        &["Application.Read.All"]
    } else {
        &[]
    }
}

/// Claims common to every access token.
pub(crate) fn base_claims(app: &App, tid: &str, aud: &str) -> serde_json::Map<String, Value> {
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

pub(crate) fn token_response(app: &App, access_token: String, scope: &str) -> serde_json::Map<String, Value> {
    let lifetime = app.settings().token_lifetime_secs;
    let mut m = serde_json::Map::new();
    m.insert("token_type".into(), json!("Bearer"));
    m.insert("scope".into(), json!(scope));
    m.insert("expires_in".into(), json!(lifetime));
    m.insert("ext_expires_in".into(), json!(lifetime));
    m.insert("access_token".into(), json!(access_token));
    m
}

/// Issue access (+ refresh, + id) tokens for a user; `mfa` = the sign-in
/// completed multi-factor authentication (`amr` and the refresh token carry it).
#[allow(clippy::result_large_err)]
pub(crate) fn user_tokens(
    app: &App,
    world: &World,
    user_oid: &str,
    client_id: &str,
    scope: &str,
    mfa: bool,
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
    claims.insert("scp".into(), json!(delegated_permissions(&aud).join(" ")));
    let amr: &[&str] = if mfa { &["pwd", "mfa"] } else { &["pwd"] };
    claims.insert("amr".into(), json!(amr));
    let at = jwt::sign(&app.jwt_secret, &Value::Object(claims));

    let mut granted: Vec<String> = res
        .iter()
        .map(|r| {
            if r.ends_with("/.default") {
                let resource = resource_of(r);
                let sep = if resource.ends_with('/') { "" } else { "/" };
                delegated_permissions(&resource).iter().map(|p| format!("{resource}{sep}{p}")).collect::<Vec<_>>().join(" ")
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
                mfa,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources() {
        assert_eq!(resource_of("https://management.azure.com/.default"), "https://management.azure.com/");
        assert_eq!(resource_of("https://management.azure.com//.default"), "https://management.azure.com/");
        assert_eq!(resource_of("https://management.core.windows.net//user_impersonation"), "https://management.core.windows.net/");
        assert_eq!(resource_of("https://graph.microsoft.com/.default"), "https://graph.microsoft.com/");
        assert_eq!(resource_of("https://storage.azure.com/.default"), "https://storage.azure.com");
        assert_eq!(resource_of("https://storage.azure.com//.default"), "https://storage.azure.com");
    }
}
