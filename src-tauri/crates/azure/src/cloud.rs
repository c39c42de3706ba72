//! Which Azure cloud a profile signs in to: where Entra, ARM and Graph are,
//! and the token scope ARM expects.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::connect::{Connection, SignIn};
use crate::credential::Authority;

/// An Azure cloud. Stored in profiles as `{"cloud":"public"}` or
/// `{"cloud":"custom","authorityHost":…,"armEndpoint":…,"graphEndpoint":…,"armScope":…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cloud", rename_all = "camelCase")]
#[allow(clippy::large_enum_variant)] // a settings value, built once per profile
pub enum Cloud {
    Public,
    UsGovernment,
    China,
    /// Anything else: an Azure Stack hub, or the simulator.
    #[serde(rename_all = "camelCase")]
    Custom {
        #[serde(with = "url_text")]
        authority_host: Url,
        #[serde(with = "url_text")]
        arm_endpoint: Url,
        #[serde(with = "url_text")]
        graph_endpoint: Url,
        arm_scope: String,
    },
}

/// A URL written in this file, checked by the unit tests.
fn fixed(url: &str) -> Url {
    Url::parse(url).expect("a well-formed constant URL")
}

impl Cloud {
    /// Entra's sign-in host (`https://login.microsoftonline.com/`).
    pub fn authority_host(&self) -> Url {
        match self {
            Cloud::Public => fixed("https://login.microsoftonline.com/"),
            Cloud::UsGovernment => fixed("https://login.microsoftonline.us/"),
            Cloud::China => fixed("https://login.chinacloudapi.cn/"),
            Cloud::Custom { authority_host, .. } => authority_host.clone(),
        }
    }

    /// Azure Resource Manager (`https://management.azure.com/`).
    pub fn arm_endpoint(&self) -> Url {
        match self {
            Cloud::Public => fixed("https://management.azure.com/"),
            Cloud::UsGovernment => fixed("https://management.usgovcloudapi.net/"),
            Cloud::China => fixed("https://management.chinacloudapi.cn/"),
            Cloud::Custom { arm_endpoint, .. } => arm_endpoint.clone(),
        }
    }

    /// Microsoft Graph (`https://graph.microsoft.com/`).
    pub fn graph_endpoint(&self) -> Url {
        match self {
            Cloud::Public => fixed("https://graph.microsoft.com/"),
            Cloud::UsGovernment => fixed("https://graph.microsoft.us/"),
            Cloud::China => fixed("https://microsoftgraph.chinacloudapi.cn/"),
            Cloud::Custom { graph_endpoint, .. } => graph_endpoint.clone(),
        }
    }

    /// The token scope for ARM: `{arm endpoint}/.default`.
    pub fn arm_scope(&self) -> String {
        match self {
            Cloud::Custom { arm_scope, .. } => arm_scope.clone(),
            _ => format!("{}/.default", self.arm_endpoint().as_str().trim_end_matches('/')),
        }
    }

    /// The token scope for Graph: `{graph endpoint}/.default`.
    pub fn graph_scope(&self) -> String {
        format!("{}/.default", self.graph_endpoint().as_str().trim_end_matches('/'))
    }

    /// Entra for `tenant` (a tenant id, a domain, or `organizations`).
    pub fn authority(&self, tenant: &str) -> Authority {
        Authority { host: self.authority_host(), tenant: tenant.to_owned() }
    }

    /// A connection to `tenant` in this cloud.
    pub fn connection(&self, tenant: &str, sign_in: SignIn) -> Connection {
        Connection {
            arm_endpoint: self.arm_endpoint(),
            graph_endpoint: self.graph_endpoint(),
            authority_host: self.authority_host(),
            tenant: tenant.to_owned(),
            token_scope: self.arm_scope(),
            sign_in,
        }
    }
}

/// The well-known clouds' ARM audiences (both spellings Entra accepts) and
/// the one Resource Manager host that may receive tokens for each.
const KNOWN_ARM_AUDIENCES: &[(&str, &str)] = &[
    ("management.azure.com", "management.azure.com"),
    ("management.core.windows.net", "management.azure.com"),
    ("management.usgovcloudapi.net", "management.usgovcloudapi.net"),
    ("management.core.usgovcloudapi.net", "management.usgovcloudapi.net"),
    ("management.chinacloudapi.cn", "management.chinacloudapi.cn"),
    ("management.core.chinacloudapi.cn", "management.chinacloudapi.cn"),
];

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The ARM token scope for `arm` when none is named: the endpoint's origin
/// followed by `/.default`, so its tokens are good for it alone. A loopback
/// endpoint is the simulator standing in for public Azure: it gets public ARM's scope.
pub fn default_arm_scope(arm: &Url) -> String {
    if is_loopback(arm) {
        return crate::connect::PUBLIC_TOKEN_SCOPE.to_owned();
    }
    format!("{}/.default", arm.origin().ascii_serialization())
}

/// The Graph token scope for `graph`: its origin followed by `/.default`
/// (`https://graph.microsoft.us/.default` for US Government), so a custom
/// endpoint never receives public Graph's token; loopback (the simulator)
/// gets public Graph's.
pub fn default_graph_scope(graph: &Url) -> String {
    if is_loopback(graph) {
        return crate::graph::GRAPH_SCOPE.to_owned();
    }
    format!("{}/.default", graph.origin().ascii_serialization())
}

/// An audience (`https://management.example/`) or scope (`…/.default`) as
/// typed, as a scope; `None` when it is not an absolute http(s) URI.
pub fn arm_scope_from(text: &str) -> Option<String> {
    let text = text.trim();
    let base = text.strip_suffix("/.default").unwrap_or(text).trim_end_matches('/');
    let url = Url::parse(base).ok()?;
    let plain = matches!(url.scheme(), "https" | "http") && url.host().is_some() && url.query().is_none() && url.fragment().is_none();
    (plain && url.username().is_empty() && url.password().is_none()).then(|| format!("{base}/.default"))
}

/// A token for `scope` may go to `arm`: never a well-known cloud's token to
/// a host that is not that cloud's Resource Manager (loopback aside: the simulator).
pub fn check_arm_scope(arm: &Url, scope: &str) -> Result<(), String> {
    let audience = scope.strip_suffix("/.default").unwrap_or(scope);
    let host = Url::parse(audience).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase)).unwrap_or_default();
    match KNOWN_ARM_AUDIENCES.iter().find(|(aud, _)| *aud == host) {
        Some((_, owner)) if arm.host_str() != Some(*owner) && !is_loopback(arm) => Err(format!(
            "Tokens for {audience} belong to {owner}; Exemption Desk does not send them to {}. Name this endpoint's own token audience.",
            arm.host_str().unwrap_or("this endpoint")
        )),
        _ => Ok(()),
    }
}

mod url_text {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};
    use url::Url;

    pub fn serialize<S: Serializer>(url: &Url, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(url.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
        let text = String::deserialize(d)?;
        Url::parse(&text).map_err(|e| D::Error::custom(format!("{text:?} is not a URL: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sovereign_clouds_have_their_own_hosts() {
        let host = |c: &Cloud| (c.authority_host().to_string(), c.arm_endpoint().to_string(), c.graph_endpoint().to_string());
        assert_eq!(
            host(&Cloud::Public),
            ("https://login.microsoftonline.com/".into(), "https://management.azure.com/".into(), "https://graph.microsoft.com/".into())
        );
        assert_eq!(
            host(&Cloud::UsGovernment),
            (
                "https://login.microsoftonline.us/".into(),
                "https://management.usgovcloudapi.net/".into(),
                "https://graph.microsoft.us/".into()
            )
        );
        assert_eq!(
            host(&Cloud::China),
            (
                "https://login.chinacloudapi.cn/".into(),
                "https://management.chinacloudapi.cn/".into(),
                "https://microsoftgraph.chinacloudapi.cn/".into()
            )
        );
    }

    #[test]
    fn scopes_are_the_endpoint_with_default() {
        assert_eq!(Cloud::Public.arm_scope(), crate::PUBLIC_TOKEN_SCOPE);
        assert_eq!(Cloud::UsGovernment.arm_scope(), "https://management.usgovcloudapi.net/.default");
        assert_eq!(Cloud::China.arm_scope(), "https://management.chinacloudapi.cn/.default");
        assert_eq!(Cloud::China.graph_scope(), "https://microsoftgraph.chinacloudapi.cn/.default");
        let c =
            Cloud::UsGovernment.connection("contoso.example", SignIn::UserWithoutPrompt { client_id: "c".into(), login_hint: "u".into() });
        assert_eq!((c.tenant.as_str(), c.token_scope.as_str()), ("contoso.example", "https://management.usgovcloudapi.net/.default"));
        assert_eq!(Cloud::Public.authority("organizations").tenant, "organizations");
    }

    #[test]
    fn a_custom_endpoint_gets_its_own_audience_and_never_another_clouds() {
        let arm = |u: &str| Url::parse(u).expect("url");
        assert_eq!(
            default_arm_scope(&arm("https://management.stack.contoso.example:8443/")),
            "https://management.stack.contoso.example:8443/.default"
        );
        assert_eq!(default_arm_scope(&arm("https://management.azure.com/")), crate::PUBLIC_TOKEN_SCOPE);
        assert_eq!(default_arm_scope(&arm("http://127.0.0.1:9000/")), crate::PUBLIC_TOKEN_SCOPE, "the simulator");
        assert_eq!(arm_scope_from(" https://management.stack.example/ ").as_deref(), Some("https://management.stack.example/.default"));
        assert_eq!(
            arm_scope_from("https://management.stack.example/.default").as_deref(),
            Some("https://management.stack.example/.default")
        );
        assert_eq!(arm_scope_from("not a uri"), None);
        assert_eq!(arm_scope_from("https://u:p@x.example/"), None);

        let evil = arm("https://arm.attacker.example/");
        for scope in
            [crate::PUBLIC_TOKEN_SCOPE, "https://management.core.windows.net//.default", "https://management.usgovcloudapi.net/.default"]
        {
            let refused = check_arm_scope(&evil, scope).expect_err("another cloud's token");
            assert!(refused.contains("does not send them to arm.attacker.example"), "{refused}");
        }
        assert!(check_arm_scope(&evil, "https://arm.attacker.example/.default").is_ok(), "its own audience is its own business");
        assert!(check_arm_scope(&arm("https://management.azure.com/"), crate::PUBLIC_TOKEN_SCOPE).is_ok());
        assert!(check_arm_scope(&arm("https://management.azure.com/"), "https://management.usgovcloudapi.net/.default").is_err());
        assert!(check_arm_scope(&arm("http://127.0.0.1:9000/"), crate::PUBLIC_TOKEN_SCOPE).is_ok());

        for cloud in [Cloud::Public, Cloud::UsGovernment, Cloud::China] {
            assert_eq!(default_graph_scope(&cloud.graph_endpoint()), cloud.graph_scope(), "{cloud:?}");
        }
        assert_eq!(default_graph_scope(&arm("https://graph.attacker.example/")), "https://graph.attacker.example/.default");
        assert_eq!(default_graph_scope(&arm("http://127.0.0.1:9000/")), crate::graph::GRAPH_SCOPE);
    }

    #[test]
    fn profiles_store_the_cloud_tagged() {
        assert_eq!(serde_json::to_value(Cloud::UsGovernment).expect("json"), json!({"cloud": "usGovernment"}));
        let custom = json!({
            "cloud": "custom",
            "authorityHost": "http://127.0.0.1:9000/",
            "armEndpoint": "http://127.0.0.1:9000/",
            "graphEndpoint": "http://127.0.0.1:9000/",
            "armScope": "https://management.azure.com/.default"
        });
        let cloud: Cloud = serde_json::from_value(custom.clone()).expect("parses");
        assert_eq!(cloud.arm_endpoint().as_str(), "http://127.0.0.1:9000/");
        assert_eq!(cloud.arm_scope(), crate::PUBLIC_TOKEN_SCOPE);
        assert_eq!(serde_json::to_value(&cloud).expect("json"), custom);
        let bad = json!({"cloud": "custom", "authorityHost": "nope", "armEndpoint": "x", "graphEndpoint": "y", "armScope": "z"});
        let e = serde_json::from_value::<Cloud>(bad).expect_err("refused");
        assert!(e.to_string().contains("not a URL"), "{e}");
        assert!(serde_json::from_value::<Cloud>(json!({"cloud": "mars"})).is_err());
    }
}
