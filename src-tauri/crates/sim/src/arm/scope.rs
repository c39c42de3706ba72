//! ARM scopes: parsing `{scope}` path prefixes and walking the hierarchy
//! (resource -> resource group -> subscription -> management groups -> tenant).

use crate::errors::HttpError;
use crate::state::World;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `/` (tenant level, e.g. built-in definitions).
    Tenant,
    ManagementGroup(String),
    Subscription(String),
    ResourceGroup {
        sub: String,
        rg: String,
    },
    /// A resource: `id` is the full resource id as given.
    Resource {
        sub: String,
        rg: String,
        id: String,
    },
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl Scope {
    /// Parse decoded path segments (no empty segments) into a scope.
    pub fn parse(segs: &[String]) -> Option<Scope> {
        match segs {
            [] => Some(Scope::Tenant),
            [p, ns, mgs, mg] if eq(p, "providers") && eq(ns, "Microsoft.Management") && eq(mgs, "managementGroups") => {
                Some(Scope::ManagementGroup(mg.clone()))
            }
            [s, sub] if eq(s, "subscriptions") => Some(Scope::Subscription(sub.clone())),
            [s, sub, r, rg] if eq(s, "subscriptions") && eq(r, "resourceGroups") => {
                Some(Scope::ResourceGroup { sub: sub.clone(), rg: rg.clone() })
            }
            [s, sub, r, rg, p, rest @ ..]
                if eq(s, "subscriptions")
                    && eq(r, "resourceGroups")
                    && eq(p, "providers")
                    && rest.len() >= 3
                    && (rest.len() - 1) % 2 == 0 =>
            {
                let id = format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/{}", rest.join("/"));
                Some(Scope::Resource { sub: sub.clone(), rg: rg.clone(), id })
            }
            _ => None,
        }
    }

    /// Parse a scope id such as `/subscriptions/x/resourceGroups/y`.
    pub fn parse_id(id: &str) -> Option<Scope> {
        let segs: Vec<String> = id.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
        Scope::parse(&segs)
    }

    /// The scope's id, with ARM's canonical casing of the fixed segments.
    pub fn id(&self) -> String {
        match self {
            Scope::Tenant => "/".to_string(),
            Scope::ManagementGroup(mg) => format!("/providers/Microsoft.Management/managementGroups/{mg}"),
            Scope::Subscription(s) => format!("/subscriptions/{s}"),
            Scope::ResourceGroup { sub, rg } => format!("/subscriptions/{sub}/resourceGroups/{rg}"),
            Scope::Resource { id, .. } => id.clone(),
        }
    }

    pub fn subscription_id(&self) -> Option<&str> {
        match self {
            Scope::Subscription(s) | Scope::ResourceGroup { sub: s, .. } | Scope::Resource { sub: s, .. } => Some(s),
            _ => None,
        }
    }

    /// Does the scope exist in the world? ARM-shaped 404 when it does not.
    /// (Unknown management groups are left to the RBAC check, which answers
    /// 403 AuthorizationFailed "... or the scope is invalid" as ARM does.)
    pub fn check_exists(&self, world: &World) -> Result<(), HttpError> {
        if let Some(sub) = self.subscription_id() {
            if world.subscription(sub).is_none() {
                return Err(HttpError::not_found("SubscriptionNotFound", format!("The subscription '{sub}' could not be found.")));
            }
        }
        match self {
            Scope::ResourceGroup { sub, rg } | Scope::Resource { sub, rg, .. } if world.resource_group(sub, rg).is_none() => {
                Err(HttpError::not_found("ResourceGroupNotFound", format!("Resource group '{rg}' could not be found.")))
            }
            Scope::Resource { rg, id, .. } if world.resource(id).is_none() => {
                let tail = id.split_once("/providers/").map(|x| x.1).unwrap_or(id);
                Err(HttpError::not_found(
                    "ResourceNotFound",
                    format!("The Resource '{tail}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// Lower-case ids of the scope and all its ancestors, nearest first, ending
/// with `/` (the tenant).
pub fn chain(world: &World, scope: &Scope) -> Vec<String> {
    let mut out = Vec::new();
    let mut mg: Option<String> = None;
    match scope {
        Scope::Tenant => {}
        Scope::ManagementGroup(m) => mg = Some(m.clone()),
        Scope::Subscription(_) | Scope::ResourceGroup { .. } | Scope::Resource { .. } => {
            if let Scope::Resource { id, .. } = scope {
                out.push(id.to_ascii_lowercase());
            }
            if let Scope::ResourceGroup { sub, rg } | Scope::Resource { sub, rg, .. } = scope {
                out.push(format!("/subscriptions/{sub}/resourcegroups/{rg}").to_ascii_lowercase());
            }
            if let Some(sub) = scope.subscription_id() {
                out.push(format!("/subscriptions/{sub}").to_ascii_lowercase());
                mg = world.subscription(sub).map(|s| s.parent_mg.clone());
            }
        }
    }
    let mut depth = 0;
    while let Some(name) = mg.take() {
        out.push(format!("/providers/microsoft.management/managementgroups/{name}").to_ascii_lowercase());
        depth += 1;
        if depth > 16 {
            break;
        }
        mg = world.management_group(&name).and_then(|m| m.parent.clone());
    }
    out.push("/".to_string());
    out
}

/// Is `outer` the same as or an ancestor of `inner`?
pub fn contains(world: &World, outer: &Scope, inner: &Scope) -> bool {
    let outer_id = outer.id().to_ascii_lowercase();
    chain(world, inner).contains(&outer_id)
}

/// Is the scope id `outer` the same as or an ancestor of `inner`?
pub fn contains_id(world: &World, outer: &str, inner: &str) -> bool {
    match (Scope::parse_id(outer), Scope::parse_id(inner)) {
        (Some(o), Some(i)) => contains(world, &o, &i),
        _ => false,
    }
}

/// Fast `contains_id` for hot paths: subscription-rooted scopes are compared
/// as id prefixes; anything else walks the hierarchy.
pub fn covers(world: &World, outer: &str, inner: &str) -> bool {
    crate::index::examine(1);
    let o = outer.trim_end_matches('/');
    let is_sub_rooted = o.len() > 15 && o.as_bytes()[..15].eq_ignore_ascii_case(b"/subscriptions/");
    if is_sub_rooted {
        let i = inner.as_bytes();
        return i.len() >= o.len() && i[..o.len()].eq_ignore_ascii_case(o.as_bytes()) && (i.len() == o.len() || i[o.len()] == b'/');
    }
    contains_id(world, outer, inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        p.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect()
    }

    #[test]
    fn parses_every_level() {
        assert_eq!(Scope::parse(&segs("")), Some(Scope::Tenant));
        assert_eq!(Scope::parse(&segs("/providers/microsoft.management/managementgroups/x")), Some(Scope::ManagementGroup("x".into())));
        assert_eq!(Scope::parse(&segs("/subscriptions/s")), Some(Scope::Subscription("s".into())));
        assert_eq!(
            Scope::parse(&segs("/subscriptions/s/resourcegroups/r")).map(|s| s.id()),
            Some("/subscriptions/s/resourceGroups/r".into())
        );
        let r = Scope::parse(&segs("/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/vm/extensions/e"));
        assert!(matches!(r, Some(Scope::Resource { .. })));
        assert_eq!(Scope::parse(&segs("/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines")), None);
        assert_eq!(Scope::parse(&segs("/foo/bar")), None);
    }
}
