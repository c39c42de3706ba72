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

say "Style: rustfmt, ESLint and Prettier (each alone: see README, Test it)"
cargo fmt --all --check
(cd ui && npm run lint --silent && npm run format:check --silent)
(cd tests/e2e && npm run lint --silent && npm run format:check --silent)

say "Rust: unit, simulator and backend-against-simulator tests"
cargo test --workspace --exclude exemption-desk

say "Rust: secrets in the OS keyring, through a real Secret Service (gnome-keyring)"
# A keyring of its own (XDG_DATA_HOME), so a login keyring left with another password cannot lock it.
XDG_DATA_HOME="$(mktemp -d)" dbus-run-session -- bash -c '
  echo -n exemption-desk-ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  DESK_REQUIRE_KEYRING=1 cargo test -p exemption-desk-azure --test keyring_secret_service'

say "UI: type check, component tests, build"
(cd ui && npm run typecheck --silent && npm test --silent && npm run build --silent)

say "UI: browser test of the built UI with the IPC mocked"
(cd ui && npm run test:browser --silent)

say "Desktop app and simulator binaries; the TypeScript bindings are current"
cargo build -p exemption-desk -p azure-sim
# The shell holds the IPC builder (it needs ui/dist, built above): fails when
# ui/src/ipc/bindings.ts differs from what the Rust commands and types render.
cargo test -p exemption-desk --lib

say "Style: clippy with every warning an error; cargo deny (licenses, bans, sources)"
cargo clippy --workspace --all-targets -- -D warnings
# Offline: every crate is in the local registry by now. Advisories need the
# RustSec database, a download this machine cannot make, so they are not run.
cargo deny --offline check licenses bans sources
# What the size work took out of the shipped binary stays out (README "Start-up, memory
# and size"): aws-lc (TLS is on ring), h2, encoding_rs and a compiled-in SQLite.
shipped() { cargo tree -p exemption-desk -e normal,features --target "$(rustc -vV | sed -n 's/^host: //p')" "$@"; }
for crate in aws-lc-sys h2 encoding_rs; do
  if shipped -i "$crate" >/dev/null 2>&1; then echo "$crate is back in the shipped binary's dependencies:" >&2; shipped -i "$crate" >&2; exit 1; fi
done
if shipped -i libsqlite3-sys | grep -q 'feature "bundled"'; then echo "SQLite is compiled into the shipped binary again (rusqlite \"bundled\")" >&2; exit 1; fi

say "End to end: the real app under Xvfb through tauri-driver"
(cd tests/e2e && xvfb-run -a -s "-screen 0 1440x900x24" npm test --silent)

say "Install test: the .deb installed with apt, started from its desktop entry, purged"
# Packages the debug binary built above (a release build would add most of an hour on 2 cores;
# scripts/package.sh alone builds release). The .rpm is bundled too, so its bundler is exercised.
packages="$(./scripts/package.sh --debug --no-build --bundles deb,rpm)"
./tests/install/run.sh "$(printf '%s\n' "$packages" | grep '\.deb$')"
