//! At build time, the licenses of what ships inside the app: the Rust crates
//! compiled into the binary (`cargo metadata --offline`, the normal
//! dependencies of this package for the target being built, walked from it)
//! and the npm packages bundled into the window (`ui/package-lock.json`,
//! every package not marked `dev`). Written as JSON to
//! `$OUT_DIR/licenses.json`, which `commands/about.rs` embeds. Works offline
//! on any machine that can build the app (the crates are already there).
//! A failure here fails the build: an About page with no licenses would be wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

pub fn write() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let lock = manifest_dir.join("../ui/package-lock.json");
    println!("cargo:rerun-if-changed=../Cargo.lock");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=../ui/package-lock.json");
    println!("cargo:rerun-if-changed=build/licenses.rs");
    let mut list = crates(&manifest_dir);
    list.extend(npm(&lock));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("licenses.json");
    std::fs::write(&out, Value::Array(list).to_string()).expect("write licenses.json");
}

fn crates(manifest_dir: &std::path::Path) -> Vec<Value> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target = std::env::var("TARGET").expect("cargo sets TARGET");
    let output = Command::new(cargo)
        .args(["metadata", "--offline", "--format-version", "1", "--filter-platform", &target, "--manifest-path"])
        .arg(manifest_dir.join("Cargo.toml"))
        .output()
        .expect("run cargo metadata");
    assert!(output.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let packages: BTreeMap<&str, &Value> =
        metadata["packages"].as_array().expect("packages").iter().filter_map(|p| Some((p["id"].as_str()?, p))).collect();
    let nodes: BTreeMap<&str, &Value> =
        metadata["resolve"]["nodes"].as_array().expect("resolve nodes").iter().filter_map(|n| Some((n["id"].as_str()?, n))).collect();
    let members: BTreeSet<&str> = metadata["workspace_members"].as_array().expect("members").iter().filter_map(Value::as_str).collect();
    let root = packages
        .iter()
        .find(|(id, p)| members.contains(*id) && p["name"] == "exemption-desk")
        .map(|(id, _)| *id)
        .expect("the exemption-desk package");
    // Normal (not dev, not build) dependencies, transitively.
    let mut seen = BTreeSet::from([root]);
    let mut queue = vec![root];
    while let Some(id) = queue.pop() {
        let Some(node) = nodes.get(id) else { continue };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"].as_array().into_iter().flatten().any(|k| k["kind"].is_null());
            if let Some(dep_id) = dep["pkg"].as_str().filter(|_| normal) {
                if seen.insert(dep_id) {
                    queue.push(dep_id);
                }
            }
        }
    }
    let mut list: Vec<Value> = seen
        .iter()
        .filter(|id| !members.contains(*id))
        .filter_map(|id| packages.get(id))
        .map(|p| {
            json!({
                "name": p["name"],
                "version": p["version"],
                "license": p["license"].as_str().unwrap_or("see the crate's license file"),
                "source": "crate",
            })
        })
        .collect();
    list.sort_by(|a, b| (a["name"].as_str(), a["version"].as_str()).cmp(&(b["name"].as_str(), b["version"].as_str())));
    list
}

fn npm(lock: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(lock).expect("read ui/package-lock.json");
    let lock: Value = serde_json::from_str(&text).expect("ui/package-lock.json is JSON");
    let mut by_name: BTreeMap<(String, String), Value> = BTreeMap::new();
    for (path, package) in lock["packages"].as_object().expect("lockfile v2/v3 packages").iter() {
        if path.is_empty() || package["dev"].as_bool() == Some(true) {
            continue;
        }
        let Some(name) = path.rsplit("node_modules/").next().filter(|n| !n.is_empty()) else { continue };
        let version = package["version"].as_str().unwrap_or_default().to_owned();
        let license = package["license"].as_str().unwrap_or("see the package's license file");
        by_name.insert(
            (name.to_owned(), version.clone()),
            json!({ "name": name, "version": version, "license": license, "source": "npm" }),
        );
    }
    by_name.into_values().collect()
}
