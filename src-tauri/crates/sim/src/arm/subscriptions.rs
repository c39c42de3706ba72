//! Tenants, subscriptions, resource groups and resources (read-only).

use axum::http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use super::auth::{has_any_access, require};
use super::scope::Scope;
use super::{method_not_allowed, ArmResult, Ctx, V_RESOURCES, V_SUBSCRIPTIONS};
use crate::errors::HttpError;
use crate::state::{Resource, Subscription};

fn tags(t: &[(String, String)]) -> Value {
    Value::Object(t.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<_, _>>())
}

pub fn subscription_json(s: &Subscription, tenant_id: &str) -> Value {
    json!({
        "id": format!("/subscriptions/{}", s.id),
        "authorizationSource": "RoleBased",
        "managedByTenants": s.managed_by_tenants.iter().map(|t| json!({ "tenantId": t })).collect::<Vec<_>>(),
        "subscriptionId": s.id,
        "tenantId": tenant_id,
        "displayName": s.display_name,
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "EnterpriseAgreement_2014-09-01",
            "spendingLimit": "Off"
        },
        "tags": tags(&s.tags),
    })
}

fn get_only(ctx: &Ctx) -> Result<(), HttpError> {
    if ctx.method != Method::GET {
        return Err(method_not_allowed(ctx));
    }
    Ok(())
}

/// `GET /tenants`
pub fn tenants(ctx: &mut Ctx) -> ArmResult {
    get_only(ctx)?;
    ctx.check_version(V_SUBSCRIPTIONS)?;
    let w = &ctx.world;
    let t = json!({
        "id": format!("/tenants/{}", w.tenant_id),
        "tenantId": w.tenant_id,
        "countryCode": "US",
        "displayName": w.tenant_display_name,
        "domains": [w.tenant_domain],
        "tenantCategory": "Home",
        "defaultDomain": w.tenant_domain,
        "tenantType": "AAD",
    });
    Ok((StatusCode::OK, Some(json!({ "value": [t] }))))
}

/// `GET /subscriptions`
pub fn list(ctx: &mut Ctx) -> ArmResult {
    get_only(ctx)?;
    ctx.check_version(V_SUBSCRIPTIONS)?;
    let items: Vec<Value> = ctx
        .world
        .subscriptions
        .iter()
        .filter(|s| has_any_access(ctx.world, &ctx.caller.object_id, &Scope::Subscription(s.id.clone())))
        .map(|s| subscription_json(s, &ctx.world.tenant_id))
        .collect();
    Ok((StatusCode::OK, Some(ctx.paged(items, 100)?)))
}

/// `GET /subscriptions/{id}`
pub fn get(ctx: &mut Ctx, sub: &str) -> ArmResult {
    get_only(ctx)?;
    ctx.check_version(V_SUBSCRIPTIONS)?;
    let visible = has_any_access(ctx.world, &ctx.caller.object_id, &Scope::Subscription(sub.to_string()));
    match ctx.world.subscription(sub) {
        Some(s) if visible => Ok((StatusCode::OK, Some(subscription_json(s, &ctx.world.tenant_id)))),
        _ => Err(HttpError::not_found("SubscriptionNotFound", format!("The subscription '{sub}' could not be found."))),
    }
}

/// The resource group `rg` of `sub`, or the subscription itself.
fn group_or_subscription(sub: &str, rg: Option<&str>) -> Scope {
    match rg {
        Some(rg) => Scope::ResourceGroup { sub: sub.to_string(), rg: rg.to_string() },
        None => Scope::Subscription(sub.to_string()),
    }
}

/// `GET /subscriptions/{id}/resourceGroups[/{rg}]`
pub fn resource_groups(ctx: &mut Ctx, sub: &str, rg: Option<&str>) -> ArmResult {
    get_only(ctx)?;
    ctx.check_version(V_RESOURCES)?;
    let scope = group_or_subscription(sub, rg);
    scope.check_exists(ctx.world)?;
    require(ctx.world, ctx.caller, &scope, "Microsoft.Resources/subscriptions/resourceGroups/read")?;
    let to_json = |g: &crate::state::ResourceGroup| {
        json!({
            "id": format!("/subscriptions/{}/resourceGroups/{}", g.subscription_id, g.name),
            "name": g.name,
            "type": "Microsoft.Resources/resourceGroups",
            "location": g.location,
            "properties": { "provisioningState": "Succeeded" },
        })
    };
    match rg {
        Some(rg) => {
            let g = ctx.world.resource_group(sub, rg).map(to_json);
            g.map(|g| (StatusCode::OK, Some(g)))
                .ok_or_else(|| HttpError::not_found("ResourceGroupNotFound", format!("Resource group '{rg}' could not be found.")))
        }
        None => {
            let t = ctx.world.tables();
            let selected = t.resource_groups_by_sub.get(&sub.to_ascii_lowercase()).map(Vec::as_slice).unwrap_or_default();
            let (range, next) = ctx.page_range(selected.len(), 100)?;
            crate::index::examine(range.len());
            let items: Vec<Value> = selected[range].iter().filter_map(|&i| ctx.world.resource_groups.get(i)).map(to_json).collect();
            Ok((StatusCode::OK, Some(super::page_body(items, next))))
        }
    }
}

pub fn resource_json(r: &Resource) -> Value {
    let mut v = json!({
        "id": r.id,
        "name": r.name,
        "type": r.type_,
        "location": r.location,
        "tags": tags(&r.tags),
    });
    if let Some(k) = &r.kind {
        v["kind"] = json!(k);
    }
    v
}

/// `GET /subscriptions/{id}[/resourceGroups/{rg}]/resources`
pub fn resources(ctx: &mut Ctx, sub: &str, rg: Option<&str>) -> ArmResult {
    get_only(ctx)?;
    ctx.check_version(V_RESOURCES)?;
    let scope = group_or_subscription(sub, rg);
    scope.check_exists(ctx.world)?;
    require(ctx.world, ctx.caller, &scope, "Microsoft.Resources/subscriptions/resources/read")?;
    let key = match rg {
        Some(rg) => format!("{}/{}", sub.to_ascii_lowercase(), rg.to_ascii_lowercase()),
        None => sub.to_ascii_lowercase(),
    };
    let t = ctx.world.tables();
    let selected = t.resources_by_container.get(&key).map(Vec::as_slice).unwrap_or_default();
    let (range, next) = ctx.page_range(selected.len(), 100)?;
    crate::index::examine(range.len());
    let items: Vec<Value> = selected[range].iter().filter_map(|&i| ctx.world.resources.get(i)).map(resource_json).collect();
    Ok((StatusCode::OK, Some(super::page_body(items, next))))
}

/// `GET /subscriptions/{id}/resourceGroups/{rg}/providers/{ns}/{type}/{name}` (any api-version).
pub fn resource(ctx: &mut Ctx, segs: &[String]) -> ArmResult {
    get_only(ctx)?;
    let Some(scope) = Scope::parse(segs) else {
        return Err(HttpError::not_found("NotFound", format!("The requested path '{}' was not found.", ctx.raw_path)));
    };
    scope.check_exists(ctx.world)?;
    let Scope::Resource { id, .. } = &scope else {
        return Err(HttpError::not_found("NotFound", "Not a resource id."));
    };
    let r = ctx.world.resource(id).cloned();
    let Some(r) = r else {
        return Err(HttpError::not_found("ResourceNotFound", format!("The Resource '{id}' was not found.")));
    };
    require(ctx.world, ctx.caller, &scope, &format!("{}/read", r.type_))?;
    Ok((StatusCode::OK, Some(resource_json(&r))))
}

/// `DELETE /subscriptions/{id}/resourceGroups/{rg}/providers/{ns}/{type}/{name}`
/// (any api-version): removes the resource, its child resources, their
/// assessments and every policy exemption at or under it, as Azure does.
/// 200 when deleted, 204 when there was nothing to delete.
pub fn delete_resource(ctx: &mut Ctx, segs: &[String]) -> ArmResult {
    let Some(scope) = Scope::parse(segs) else {
        return Err(HttpError::not_found("NotFound", format!("The requested path '{}' was not found.", ctx.raw_path)));
    };
    let Scope::Resource { sub, rg, id } = &scope else {
        return Err(HttpError::not_found("NotFound", "Not a resource id."));
    };
    Scope::ResourceGroup { sub: sub.clone(), rg: rg.clone() }.check_exists(ctx.world)?;
    let Some(r) = ctx.world.resource(id).cloned() else {
        return Ok((StatusCode::NO_CONTENT, None));
    };
    require(ctx.world, ctx.caller, &scope, &format!("{}/delete", r.type_))?;
    let lower = r.id.to_ascii_lowercase();
    let under = |x: &str| {
        let x = x.to_ascii_lowercase();
        x == lower || x.starts_with(&format!("{lower}/"))
    };
    ctx.world.resources.retain(|x| !under(&x.id));
    ctx.world.assessments.retain(|a| !under(&a.resource_id));
    ctx.world.exemptions.retain(|_, e| !under(&e.scope));
    ctx.world.changed();
    Ok((StatusCode::OK, None))
}
