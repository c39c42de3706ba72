//! `Microsoft.Security/secureScores` (2020-01-01): the subscription's "ASC score",
//! computed from the effective assessment statuses (a simplification of
//! Defender's per-control formula, see the README).

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::auth::require;
use super::scope::Scope;
use super::security::effective_status;
use super::{method_not_allowed, ArmResult, Ctx};
use crate::errors::HttpError;

pub const V_SECURE_SCORES: &[&str] = &["2020-01-01", "2020-01-01-preview"];
pub const SCORE_NAME: &str = "ascScore";

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The score object for one subscription.
fn score(ctx: &Ctx, sub: &str) -> Value {
    let w = &*ctx.world;
    let prefix = format!("/subscriptions/{sub}");
    // recommendation -> (healthy, unhealthy)
    let mut per_rec: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    let mut resources: BTreeSet<String> = BTreeSet::new();
    let t = w.tables();
    let mine = t.assessments.get(&prefix.to_ascii_lowercase()).map(Vec::as_slice).unwrap_or_default();
    crate::index::examine(mine.len());
    for a in mine.iter().filter_map(|&i| w.assessments.get(i)) {
        let Some(m) = w.metadata(&a.metadata_name) else { continue };
        let s = effective_status(w, a, m, ctx.now, ctx.effect_delay);
        let e = per_rec.entry(m.name.as_str()).or_default();
        match s.code.as_str() {
            "Healthy" => e.0 += 1,
            "Unhealthy" => e.1 += 1,
            _ => continue,
        }
        resources.insert(a.resource_id.to_ascii_lowercase());
    }
    let max = per_rec.values().filter(|(h, u)| h + u > 0).count() as f64;
    let current: f64 = per_rec.values().filter(|(h, u)| h + u > 0).map(|(h, u)| *h as f64 / (*h + *u) as f64).sum();
    let percentage = if max > 0.0 { current / max } else { 0.0 };
    json!({
        "id": format!("{prefix}/providers/Microsoft.Security/secureScores/{SCORE_NAME}"),
        "name": SCORE_NAME,
        "type": "Microsoft.Security/secureScores",
        "properties": {
            "displayName": "ASC score",
            "score": { "max": max as i64, "current": round(current, 2), "percentage": round(percentage, 4) },
            "weight": resources.len(),
        },
    })
}

/// `GET /subscriptions/{id}/providers/Microsoft.Security/secureScores[/{name}]`
pub fn secure_scores(ctx: &mut Ctx, scope: &Scope, name: Option<&str>) -> ArmResult {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    ctx.check_version(V_SECURE_SCORES)?;
    let Scope::Subscription(sub) = scope else {
        return Err(HttpError::bad_request("InvalidScope", "Secure scores are available at the subscription scope."));
    };
    scope.check_exists(ctx.world)?;
    require(ctx.world, ctx.caller, scope, "Microsoft.Security/secureScores/read")?;
    match name {
        Some(n) if n.eq_ignore_ascii_case(SCORE_NAME) => Ok((StatusCode::OK, Some(score(ctx, sub)))),
        Some(n) => Err(HttpError::not_found("NotFound", format!("The secure score '{n}' was not found."))),
        None => Ok((StatusCode::OK, Some(json!({ "value": [score(ctx, sub)] })))),
    }
}
