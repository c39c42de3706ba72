//! Seeds: deterministic starting worlds. `demo` (the Contoso tenant),
//! `scale:<subscriptions>x<resources>[x<exemptions>]` (generated, for benchmarks) and
//! `conformance` (the ids the official Azure examples use).

pub mod conformance;
pub mod demo;
pub mod recs;
pub mod scale;
pub mod scale_exemptions;
pub mod storage;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::errors::SimError;
use crate::state::{PolicyAssignment, World};

/// The MCSB initiative as shipped in `data/` (Azure/azure-policy, MIT),
/// minified and brotli-compressed by `build.rs`.
const MCSB_BROTLI: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/mcsb-initiative.json.br"));
pub const MCSB_ID: &str = "1f3afdf9-d0c9-4c3d-847f-89da613e70a8";
/// ISO 27001:2013, abridged (13 of its members; Azure/azure-policy, MIT).
const ISO_JSON: &str = include_str!("../../data/iso27001-2013-abridged.json");
pub const ISO_ID: &str = "89c6cddc-1c73-4ac1-b19c-54d1a15a42f2";
pub const ISO_ASSIGNMENT_NAME: &str = "ISO27001-2013";

/// Build the world for a seed name; `now` is the simulated time (seeds place
/// "expires in 14 days" exemptions relative to it).
pub fn build(seed: &str, now: DateTime<Utc>) -> Result<World, SimError> {
    match seed {
        "demo" => demo::build(now),
        "conformance" => conformance::build(),
        other => match other.strip_prefix("scale:") {
            Some(spec) => scale::build(spec, now),
            None => Err(SimError::UnknownSeed(other.to_string())),
        },
    }
}

/// The MCSB policy set definition in the shape ARM returns it.
pub fn mcsb_definition() -> Result<Value, SimError> {
    let mut json = Vec::new();
    brotli::BrotliDecompress(&mut &MCSB_BROTLI[..], &mut json).map_err(|e| SimError::SeedData(format!("mcsb-initiative.json.br: {e}")))?;
    let file: Value = serde_json::from_slice(&json).map_err(|e| SimError::SeedData(format!("mcsb-initiative.json: {e}")))?;
    let mut props = file.get("properties").cloned().ok_or_else(|| SimError::SeedData("mcsb-initiative.json has no properties".into()))?;
    if props.get("versions").is_none() {
        let v = props.get("version").cloned().unwrap_or(json!("1.0.0"));
        props["versions"] = json!([v]);
    }
    Ok(json!({
        "properties": props,
        "id": format!("/providers/Microsoft.Authorization/policySetDefinitions/{MCSB_ID}"),
        "type": "Microsoft.Authorization/policySetDefinitions",
        "name": MCSB_ID,
    }))
}

/// The (abridged) ISO 27001:2013 policy set definition in ARM's shape.
pub fn iso_definition() -> Result<Value, SimError> {
    serde_json::from_str(ISO_JSON).map_err(|e| SimError::SeedData(format!("iso27001-2013-abridged.json: {e}")))
}

/// An assignment of ISO 27001:2013 at a subscription, as the portal's
/// regulatory-compliance page creates it.
pub fn iso_assignment(sub_id: &str) -> PolicyAssignment {
    PolicyAssignment {
        id: format!("/subscriptions/{sub_id}/providers/Microsoft.Authorization/policyAssignments/{ISO_ASSIGNMENT_NAME}"),
        name: ISO_ASSIGNMENT_NAME.into(),
        scope: format!("/subscriptions/{sub_id}"),
        display_name: "ISO 27001:2013".into(),
        description: Some("Regulatory compliance standard added from Defender for Cloud".into()),
        policy_definition_id: format!("/providers/Microsoft.Authorization/policySetDefinitions/{ISO_ID}"),
        definition_version: Some("5.*.*".into()),
        metadata: json!({ "assignedBy": "Security Center", "createdOn": "2024-02-01T10:00:00.0000000Z" }),
        parameters: json!({}),
        enforcement_mode: "Default".into(),
        instance_id: uuid_from(&format!("iso|{sub_id}")),
    }
}

/// A stable GUID-shaped id from a string (FNV-1a based; not a real UUID v5).
pub fn uuid_from(s: &str) -> String {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in s.bytes() {
        h ^= b as u128;
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    let x = format!("{h:032x}");
    format!("{}-{}-4{}-a{}-{}", &x[0..8], &x[8..12], &x[13..16], &x[17..20], &x[20..32])
}
