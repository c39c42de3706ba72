//! WebKitGTK's compositing on machines without a GPU. WebKitGTK composites
//! with OpenGL by default; with no GPU (a VM, a remote or virtual X server
//! such as Xvfb) that GL is Mesa's software renderer, which only adds buffers:
//! the web process took ~150 MiB PSS for a static page instead of ~80 MiB
//! without compositing, and painted no sooner (README "Performance"). So,
//! without a GPU render node, the window draws without compositing, unless
//! `WEBKIT_DISABLE_COMPOSITING_MODE` is already set either way.

use std::path::Path;

/// WebKitGTK's own switch, read by its web process (which inherits it).
const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Call at start, before any thread starts (it sets a variable of the
/// process's environment).
pub fn choose() {
    if cfg!(target_os = "linux") && std::env::var_os(SWITCH).is_none() && !has_render_node(Path::new("/dev/dri")) {
        std::env::set_var(SWITCH, "1");
        tracing::info!("no GPU render node: WebKit draws without compositing ({SWITCH}=1)");
    }
}

/// Whether `dri` (normally `/dev/dri`) holds a GPU render node (`renderD*`).
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD"))).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::has_render_node;

    #[test]
    fn a_render_node_is_a_gpu_and_a_missing_or_empty_dri_is_none() {
        let dir = std::env::temp_dir().join(format!("desk-dri-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        assert!(!has_render_node(&dir.join("missing")));
        assert!(!has_render_node(&dir));
        std::fs::write(dir.join("card0"), b"").expect("card0");
        assert!(!has_render_node(&dir), "a display card alone is not a render node");
        std::fs::write(dir.join("renderD128"), b"").expect("renderD128");
        assert!(has_render_node(&dir));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
