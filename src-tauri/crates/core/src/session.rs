use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, TS)]
pub enum SessionMode {
    /// The embedded simulator with the demo tenant.
    Demo,
    /// An ARM/Entra endpoint given by configuration.
    External,
}

/// Who is signed in, to which tenant, through which endpoint.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub mode: SessionMode,
    pub tenant_id: String,
    /// UPN for a user, application id for a service principal.
    pub account: String,
    pub object_id: String,
    pub arm_endpoint: String,
}
