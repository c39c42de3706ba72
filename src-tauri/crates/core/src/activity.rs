//! The local audit log as the Activity screen shows it: every sign-in,
//! request, decision, write and delete, with who, when and the outcome.

use serde::{Deserialize, Serialize};
use specta::Type;

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum ActivityKind {
    SignIn,
    SignOut,
    Request,
    Decision,
    Write,
    Delete,
    Other,
}

/// One line of the log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEntry {
    /// UTC, RFC 3339.
    pub at: String,
    pub kind: ActivityKind,
    /// Who did it (UPN or application id).
    pub account: String,
    /// What, in words ("Approved request … for …", "PUT …/policyExemptions/x").
    pub summary: String,
    /// How it ended ("Succeeded", "Failed: …", "Rejected").
    pub outcome: String,
    /// The exemption, request or apply it concerns, when there is one.
    pub subject: Option<String>,
}

/// Which lines to show: text found anywhere in a line, of these kinds (all when empty), at most `limit`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ActivityQuery {
    pub text: String,
    pub kinds: Vec<ActivityKind>,
    pub limit: u32,
}
