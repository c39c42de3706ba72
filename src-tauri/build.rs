//! Tauri's build step, and the list of bundled dependencies' licenses for
//! the About section (`licenses.rs`, written to `OUT_DIR`).

#[path = "build/licenses.rs"]
mod licenses;

fn main() {
    let attributes = tauri_build::Attributes::new().config_path("../tauri.conf.json");
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build configuration failed: {e:#}");
    }
    licenses::write();
}
