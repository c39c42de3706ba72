//! The `apply_worker` example: an apply in a process of its own, so a test
//! can kill it midway and start another on the same journal.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::World;

fn worker() -> PathBuf {
    // Integration tests live in target/<profile>/deps; cargo builds examples beside them.
    let exe = std::env::current_exe().expect("test binary");
    let profile = exe.parent().and_then(|deps| deps.parent()).expect("target dir");
    let path = profile.join("examples").join(format!("apply_worker{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run the whole package's tests (`cargo test -p exemption-desk-azure`), which build examples",
        path.display()
    );
    path
}

impl World {
    /// Runs the journalled apply `apply_id` from `journal` as the seeded CI
    /// service principal, two writes in flight.
    pub fn spawn_apply_worker(&self, journal: &Path, apply_id: &str) -> Child {
        let sp = self.principals["servicePrincipals"]
            .as_array()
            .and_then(|all| all.iter().find(|p| p["displayName"] == "exemption-desk-ci"))
            .expect("seeded CI principal");
        Command::new(worker())
            .args([
                &self.sim.base_url(),
                self.principals["tenantId"].as_str().expect("tenant"),
                sp["clientId"].as_str().expect("id"),
                sp["clientSecret"].as_str().expect("secret"),
                journal.to_str().expect("utf-8 path"),
                apply_id,
                "2",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("worker starts")
    }
}
