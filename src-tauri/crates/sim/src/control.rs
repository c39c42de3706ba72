//! The `/_sim/*` control endpoints (no auth): request log, reset, principals
//! (and their certificates), clock, settings, sign-in interrupts, token
//! lifetime, faults and throttle, and the Table service's entities.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::entra::certificate;
use crate::model::faults::FaultConfig;
use crate::model::signin::SignInInterrupt;
use crate::state::{lock, App, KeyCredential};
use crate::throttle::ThrottleConfig;
use crate::{arm, seed};

fn sim_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({ "error": { "code": "SimBadRequest", "message": message.into() } }))).into_response()
}

#[allow(clippy::result_large_err)]
fn parse(body: &Bytes) -> Result<Value, Response> {
    if body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| sim_error(StatusCode::BAD_REQUEST, format!("invalid JSON: {e}")))
}

pub async fn requests(State(app): State<Arc<App>>) -> Response {
    axum::Json(Value::Array(lock(&app.requests).clone())).into_response()
}

/// Restores the seed (with the simulated "now"), clears the log, codes and
/// refresh tokens and refills the throttle buckets. Clock, settings and faults
/// are kept.
pub async fn reset(State(app): State<Arc<App>>) -> Response {
    match seed::build(&app.seed, app.now()) {
        Ok(world) => {
            *lock(&app.world) = world;
            lock(&app.requests).clear();
            lock(&app.auth_codes).clear();
            lock(&app.refresh_tokens).clear();
            lock(&app.device_codes).clear();
            lock(&app.throttle).refill();
            lock(&app.arg).forget_results();
            axum::Json(json!({ "seed": app.seed, "reset": true })).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(json!({ "error": e.to_string() }))).into_response(),
    }
}

pub async fn principals(State(app): State<Arc<App>>) -> Response {
    let w = lock(&app.world);
    let roles_of = |oid: &str| -> Vec<Value> {
        w.role_assignments
            .iter()
            .filter(|r| r.principal_id.eq_ignore_ascii_case(oid))
            .map(|r| json!({ "role": r.role, "scope": r.scope }))
            .collect()
    };
    let users: Vec<Value> = w
        .users
        .iter()
        .map(|u| json!({ "upn": u.upn, "objectId": u.object_id, "displayName": u.display_name, "roleAssignments": roles_of(&u.object_id) }))
        .collect();
    let sps: Vec<Value> = w
        .service_principals
        .iter()
        .map(|s| {
            json!({
                "displayName": s.display_name, "clientId": s.client_id, "objectId": s.object_id,
                "clientSecret": s.client_secret, "roleAssignments": roles_of(&s.object_id),
                "certificateThumbprints": s.certificates.iter().map(thumbprint_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let external: Vec<Value> = w
        .external_users
        .iter()
        .map(|u| json!({ "upn": u.upn, "objectId": u.object_id, "displayName": u.display_name, "homeTenantId": u.home_tenant_id }))
        .collect();
    axum::Json(json!({
        "tenantId": w.tenant_id, "publicClientId": w.public_client_id, "users": users,
        "externalUsers": external, "servicePrincipals": sps,
    }))
    .into_response()
}

fn thumbprint_json(c: &KeyCredential) -> Value {
    json!({ "x5t": c.x5t, "x5tS256": c.x5t_s256, "notAfter": arm::arm_time(&c.not_after), "subject": c.subject })
}

/// `POST /_sim/principals/{clientId}/certificates {"certificate": "<PEM>"}`:
/// register another certificate on a service principal (until the next reset).
/// Answers the thumbprint entry and whether it was new.
pub async fn add_certificate(State(app): State<Arc<App>>, Path(client_id): Path<String>, body: Bytes) -> Response {
    let v = match parse(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(text) = v.get("certificate").and_then(Value::as_str) else {
        return sim_error(StatusCode::BAD_REQUEST, "certificate (a PEM string) is required");
    };
    let cert = match certificate::from_pem(text) {
        Ok(c) => c,
        Err(e) => return sim_error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let mut w = lock(&app.world);
    let Some(sp) = w.sp_by_client_id_mut(&client_id) else {
        return sim_error(StatusCode::NOT_FOUND, format!("no service principal with client id '{client_id}'"));
    };
    let added = !sp.certificates.iter().any(|c| c.x5t_s256 == cert.x5t_s256);
    let mut entry = thumbprint_json(&cert);
    if added {
        sp.certificates.push(cert);
    }
    entry["clientId"] = json!(sp.client_id);
    entry["added"] = json!(added);
    axum::Json(entry).into_response()
}

fn signin_json(app: &App) -> Value {
    json!({ "interrupt": app.settings().signin_interrupt.map(SignInInterrupt::as_str) })
}

/// `GET /_sim/signin` -> `{"interrupt": "mfa" | "consent" | "blocked" | null}`.
pub async fn get_signin(State(app): State<Arc<App>>) -> Response {
    axum::Json(signin_json(&app)).into_response()
}

/// `POST /_sim/signin {"interrupt": "mfa" | "consent" | "blocked" | null}`:
/// what interrupts user sign-ins from now on (kept across `/_sim/reset`, like
/// the other settings).
pub async fn post_signin(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let v = match parse(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let interrupt = match v.get("interrupt") {
        None => return sim_error(StatusCode::BAD_REQUEST, "interrupt is required: \"mfa\", \"consent\", \"blocked\" or null"),
        Some(Value::Null) => None,
        Some(Value::String(s)) => match SignInInterrupt::parse(s) {
            Some(i) => Some(i),
            None => {
                return sim_error(
                    StatusCode::BAD_REQUEST,
                    format!("unknown interrupt '{s}' (expected \"mfa\", \"consent\", \"blocked\" or null)"),
                )
            }
        },
        Some(_) => return sim_error(StatusCode::BAD_REQUEST, "interrupt must be a string or null"),
    };
    lock(&app.settings).signin_interrupt = interrupt;
    axum::Json(signin_json(&app)).into_response()
}

fn clock_json(app: &App) -> Value {
    json!({ "now": arm::arm_time(&app.now()), "offsetSeconds": app.clock.offset_seconds() })
}

/// `GET /_sim/clock` -> `{"now", "offsetSeconds"}`.
pub async fn clock(State(app): State<Arc<App>>) -> Response {
    axum::Json(clock_json(&app)).into_response()
}

/// `POST /_sim/clock {"advanceSeconds": N}` (N >= 0; time never goes back).
pub async fn advance_clock(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let v = match parse(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    match v.get("advanceSeconds").and_then(Value::as_f64) {
        Some(s) if s >= 0.0 && s.is_finite() => {
            app.clock.advance(s);
            axum::Json(clock_json(&app)).into_response()
        }
        _ => sim_error(StatusCode::BAD_REQUEST, "advanceSeconds (a number >= 0) is required"),
    }
}

fn settings_json(app: &App) -> Value {
    let s = app.settings();
    let arg = lock(&app.arg);
    json!({
        "effectDelaySeconds": s.effect_delay_secs,
        "tokenLifetimeSeconds": s.token_lifetime_secs,
        "deviceCodeAutoApproveAfterPolls": s.device_auto_approve_after_polls,
        "deviceCodeAutoApproveUpn": s.device_auto_approve_upn,
        "listPageSize": s.list_page_size,
        "resourceGraphQuota": arg.quota.limit,
        "resourceGraphQuotaWindowSeconds": arg.quota.window_secs,
        "resourceGraphAnswer": arg.answer.name(),
    })
}

pub async fn get_settings(State(app): State<Arc<App>>) -> Response {
    axum::Json(settings_json(&app)).into_response()
}

/// `POST /_sim/settings` with any of `effectDelaySeconds`, `tokenLifetimeSeconds`,
/// `deviceCodeAutoApproveAfterPolls` (null = off), `deviceCodeAutoApproveUpn`,
/// `listPageSize` (null = defaults), and Resource Graph's `resourceGraphQuota`
/// (queries per window, 1..=1000), `resourceGraphQuotaWindowSeconds` (1..=3600)
/// and `resourceGraphAnswer` (`normal`, `denied` = 403, `unavailable` = 503).
pub async fn post_settings(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let v = match parse(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(obj) = v.as_object() else {
        return sim_error(StatusCode::BAD_REQUEST, "an object is expected");
    };
    let mut s = app.settings();
    let (mut quota, mut answer) = {
        let arg = lock(&app.arg);
        ((arg.quota.limit, arg.quota.window_secs), arg.answer)
    };
    for (k, val) in obj {
        match k.as_str() {
            "effectDelaySeconds" => match val.as_i64() {
                Some(n) if n >= 0 => s.effect_delay_secs = n,
                _ => return sim_error(StatusCode::BAD_REQUEST, "effectDelaySeconds must be an integer >= 0"),
            },
            "tokenLifetimeSeconds" => match val.as_i64() {
                Some(n) if n >= 1 => s.token_lifetime_secs = n,
                _ => return sim_error(StatusCode::BAD_REQUEST, "tokenLifetimeSeconds must be an integer >= 1"),
            },
            "deviceCodeAutoApproveAfterPolls" => match (val.is_null(), val.as_u64()) {
                (true, _) => s.device_auto_approve_after_polls = None,
                (false, Some(n)) if n >= 1 => s.device_auto_approve_after_polls = Some(n.min(u32::MAX as u64) as u32),
                _ => return sim_error(StatusCode::BAD_REQUEST, "deviceCodeAutoApproveAfterPolls must be null or an integer >= 1"),
            },
            "deviceCodeAutoApproveUpn" => s.device_auto_approve_upn = val.as_str().map(str::to_string),
            "listPageSize" => match (val.is_null(), val.as_u64()) {
                (true, _) => s.list_page_size = None,
                (false, Some(n)) if (1..=1000).contains(&n) => s.list_page_size = Some(n as usize),
                _ => return sim_error(StatusCode::BAD_REQUEST, "listPageSize must be null or an integer from 1 to 1000"),
            },
            "resourceGraphQuota" => match val.as_u64() {
                Some(n) if (1..=1000).contains(&n) => quota.0 = n as u32,
                _ => return sim_error(StatusCode::BAD_REQUEST, "resourceGraphQuota must be an integer from 1 to 1000"),
            },
            "resourceGraphQuotaWindowSeconds" => match val.as_u64() {
                Some(n) if (1..=3600).contains(&n) => quota.1 = n,
                _ => return sim_error(StatusCode::BAD_REQUEST, "resourceGraphQuotaWindowSeconds must be an integer from 1 to 3600"),
            },
            "resourceGraphAnswer" => match val.as_str().and_then(crate::arg::Answer::parse) {
                Some(a) => answer = a,
                None => return sim_error(StatusCode::BAD_REQUEST, "resourceGraphAnswer must be 'normal', 'denied' or 'unavailable'"),
            },
            other => return sim_error(StatusCode::BAD_REQUEST, format!("unknown setting '{other}'")),
        }
    }
    *lock(&app.settings) = s;
    {
        let mut arg = lock(&app.arg);
        if (arg.quota.limit, arg.quota.window_secs) != quota {
            arg.quota.limit = quota.0;
            arg.quota.window_secs = quota.1;
            arg.quota.clear();
        }
        arg.answer = answer;
    }
    axum::Json(settings_json(&app)).into_response()
}

/// `POST /_sim/tokens {"lifetimeSeconds": N}`: lifetime of tokens issued from now on.
pub async fn tokens(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let v = match parse(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    match v.get("lifetimeSeconds").and_then(Value::as_i64) {
        Some(n) if n >= 1 => {
            lock(&app.settings).token_lifetime_secs = n;
            axum::Json(json!({ "lifetimeSeconds": n })).into_response()
        }
        _ => sim_error(StatusCode::BAD_REQUEST, "lifetimeSeconds (an integer >= 1) is required"),
    }
}

fn faults_json(app: &App) -> Value {
    let mut cfg = lock(&app.faults).config.clone();
    cfg.throttle = Some(lock(&app.throttle).config.clone());
    serde_json::to_value(cfg).unwrap_or(Value::Null)
}

/// Apply a fault configuration (also used by `Simulator::set_faults`).
pub fn apply_faults(app: &App, cfg: FaultConfig) -> Result<(), String> {
    cfg.validate()?;
    if let Some(t) = cfg.throttle.clone() {
        lock(&app.throttle).set_config(t);
    }
    lock(&app.faults).set(cfg);
    Ok(())
}

pub async fn get_faults(State(app): State<Arc<App>>) -> Response {
    axum::Json(faults_json(&app)).into_response()
}

pub async fn post_faults(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let cfg: FaultConfig = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return sim_error(StatusCode::BAD_REQUEST, format!("invalid fault configuration: {e}")),
    };
    match apply_faults(&app, cfg) {
        Ok(()) => axum::Json(faults_json(&app)).into_response(),
        Err(e) => sim_error(StatusCode::BAD_REQUEST, e),
    }
}

/// `DELETE /_sim/faults`: no rules, throttle back to Azure's defaults.
pub async fn delete_faults(State(app): State<Arc<App>>) -> Response {
    lock(&app.faults).set(FaultConfig::default());
    lock(&app.throttle).set_config(ThrottleConfig::default());
    axum::Json(faults_json(&app)).into_response()
}

/// `POST /_sim/recommendations`: add a recommendation Defender reports
/// oddly, for clients that must tolerate it (until the next reset):
/// `{"name", "displayName", "severity": "Critical", "assessmentType": "Partner",
/// "policyDefinitionId": null, "listed": false, "statusCode": "Unhealthy",
/// "resources": ["/subscriptions/…/resourceGroups/…/providers/…", "/subscriptions/{id}"]}`.
/// Severity, type and status code are taken as given (any text); `listed:
/// false` leaves the recommendation out of `assessmentMetadata` (list and
/// GET) while its assessments are listed. → 200 `{"name", "listed", "assessments"}`.
pub async fn add_recommendation(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let v = match parse(&body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let text = |key: &str, default: &str| -> Result<String, String> {
        match v.get(key) {
            None | Some(Value::Null) if !default.is_empty() => Ok(default.to_string()),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            _ => Err(format!("{key} must be a non-empty string")),
        }
    };
    let fields = (|| -> Result<_, String> {
        Ok((
            text("name", "")?,
            text("displayName", "")?,
            text("severity", "Medium")?,
            text("assessmentType", "BuiltIn")?,
            text("statusCode", "Unhealthy")?,
        ))
    })();
    let (name, display_name, severity, assessment_type, status_code) = match fields {
        Ok(f) => f,
        Err(message) => return sim_error(StatusCode::BAD_REQUEST, message),
    };
    let policy_definition_id = v.get("policyDefinitionId").and_then(Value::as_str).map(str::to_string);
    let listed = v.get("listed").and_then(Value::as_bool).unwrap_or(true);
    let Some(resources) = v.get("resources").and_then(Value::as_array) else {
        return sim_error(StatusCode::BAD_REQUEST, "resources (an array of resource or subscription ids) is required");
    };
    let mut w = lock(&app.world);
    if w.metadata(&name).is_some() {
        return sim_error(StatusCode::BAD_REQUEST, format!("recommendation '{name}' exists already"));
    }
    let mut ids = Vec::new();
    for r in resources {
        let Some(id) = r.as_str() else {
            return sim_error(StatusCode::BAD_REQUEST, "resources must be strings");
        };
        let known = w.resource(id).map(|r| r.id.clone()).or_else(|| {
            let sub = id.strip_prefix("/subscriptions/").filter(|s| !s.contains('/'))?;
            w.subscriptions.iter().find(|s| s.id.eq_ignore_ascii_case(sub)).map(|s| format!("/subscriptions/{}", s.id))
        });
        match known {
            Some(id) => ids.push(id),
            None => return sim_error(StatusCode::BAD_REQUEST, format!("no resource or subscription '{id}'")),
        }
    }
    let now = app.now();
    w.assessment_metadata.push(crate::state::AssessmentMetadata {
        name: name.clone(),
        display_name,
        policy_definition_id,
        description: String::new(),
        remediation_description: String::new(),
        categories: Vec::new(),
        severity,
        user_impact: "Low".into(),
        implementation_effort: "Low".into(),
        threats: Vec::new(),
        assessment_type,
        preview: false,
        targets: Vec::new(),
        planned_deprecation_date: None,
    });
    if !listed {
        w.unlisted_metadata.insert(name.to_ascii_lowercase());
    }
    for id in &ids {
        w.assessments.push(crate::state::Assessment {
            metadata_name: name.clone(),
            resource_id: id.clone(),
            status: crate::state::AssessmentStatus { code: status_code.clone(), cause: None, description: None },
            first_evaluation: now,
        });
    }
    w.changed();
    axum::Json(json!({ "name": name, "listed": listed, "assessments": ids.len() })).into_response()
}

/// `GET /_sim/tls`: `{"enabled", "certificate"}` (the PEM clients should
/// trust; `null` in plain-HTTP mode).
pub async fn tls(State(app): State<Arc<App>>) -> Response {
    axum::Json(json!({ "enabled": app.certificate_pem.is_some(), "certificate": app.certificate_pem })).into_response()
}

/// `GET /_sim/tables/{account}/{table}`: every entity of a table with its
/// ETag and typed properties (full metadata), no auth — for tests.
pub async fn table_entities(State(app): State<Arc<App>>, Path((account, table)): Path<(String, String)>) -> Response {
    let world = lock(&app.world);
    let found = world.tables.accounts.get(&account.to_ascii_lowercase()).and_then(|a| a.tables.get(&table.to_ascii_lowercase()));
    let Some(t) = found else {
        return sim_error(StatusCode::NOT_FOUND, format!("no table '{table}' in storage account '{account}'"));
    };
    let url = format!("{}/{}", crate::tables::endpoint(&app.base_url, &account), t.name);
    let value: Vec<Value> =
        t.entities.values().map(|e| Value::Object(crate::tables::entity::to_json(e, crate::tables::entity::Metadata::Full, &url, None))).collect();
    axum::Json(json!({ "value": value })).into_response()
}
