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
            ("https://login.microsoftonline.us/".into(), "https://management.usgovcloudapi.net/".into(), "https://graph.microsoft.us/".into())
        );
        assert_eq!(
            host(&Cloud::China),
            ("https://login.chinacloudapi.cn/".into(), "https://management.chinacloudapi.cn/".into(), "https://microsoftgraph.chinacloudapi.cn/".into())
        );
    }

    #[test]
    fn scopes_are_the_endpoint_with_default() {
        assert_eq!(Cloud::Public.arm_scope(), crate::PUBLIC_TOKEN_SCOPE);
        assert_eq!(Cloud::UsGovernment.arm_scope(), "https://management.usgovcloudapi.net/.default");
        assert_eq!(Cloud::China.arm_scope(), "https://management.chinacloudapi.cn/.default");
        assert_eq!(Cloud::China.graph_scope(), "https://microsoftgraph.chinacloudapi.cn/.default");
        let c = Cloud::UsGovernment.connection("contoso.example", SignIn::UserWithoutPrompt { client_id: "c".into(), login_hint: "u".into() });
        assert_eq!((c.tenant.as_str(), c.token_scope.as_str()), ("contoso.example", "https://management.usgovcloudapi.net/.default"));
        assert_eq!(Cloud::Public.authority("organizations").tenant, "organizations");
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
