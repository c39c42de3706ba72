#!/usr/bin/env bash
# Sets up what is missing and runs every test suite headless: Rust unit and
# simulator tests, UI component tests, the browser test of the built UI, and
# the end-to-end tests of the real app under Xvfb.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
export PATH="$HOME/.cargo/bin:$PATH"
cd "$root"
export CARGO_TERM_COLOR=never

say "Rust: unit, simulator and backend-against-simulator tests"
cargo test --workspace --exclude exemption-desk

say "UI: type check, component tests, build"
(cd ui && npm run typecheck --silent && npm test --silent && npm run build --silent)

say "UI: browser test of the built UI with the IPC mocked"
(cd ui && npm run test:browser --silent)

say "Desktop app and simulator binaries"
cargo build -p exemption-desk -p azure-sim

say "End to end: the real app under Xvfb through tauri-driver"
(cd tests/e2e && xvfb-run -a -s "-screen 0 1440x900x24" npm test --silent)
