//! Seeds: deterministic starting worlds. `demo` is the only one so far.

pub mod demo;

use serde_json::{json, Value};

use crate::errors::SimError;
use crate::state::World;

/// The MCSB initiative as shipped in `data/` (Azure/azure-policy, MIT).
const MCSB_JSON: &str = include_str!("../../data/mcsb-initiative.json");
pub const MCSB_ID: &str = "1f3afdf9-d0c9-4c3d-847f-89da613e70a8";

/// Build the world for a seed name.
pub fn build(seed: &str) -> Result<World, SimError> {
    match seed {
        "demo" => demo::build(),
        other => Err(SimError::UnknownSeed(other.to_string())),
    }
}

/// The MCSB policy set definition in the shape ARM returns it.
pub fn mcsb_definition() -> Result<Value, SimError> {
    let file: Value = serde_json::from_str(MCSB_JSON).map_err(|e| SimError::SeedData(format!("mcsb-initiative.json: {e}")))?;
    let mut props = file
        .get("properties")
        .cloned()
        .ok_or_else(|| SimError::SeedData("mcsb-initiative.json has no properties".into()))?;
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
