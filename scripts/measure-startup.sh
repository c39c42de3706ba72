#!/usr/bin/env bash
# Start-up, memory and size of Exemption Desk against the floor, in one run
# under Xvfb (README "Performance"): time to the painted shell and to the
# first recommendation rows, for the release build in demo mode and for a bare
# WebKitGTK window showing a static page, several launches each (medians and
# ratio); PSS of all the app's processes idle after start and after browsing
# 50,000 rows of the `scale:200x250` tenant (through tauri-driver; served by a
# separate azure-sim, or the embedded demo simulator without one); and the
# size of the stripped release binary.
#   scripts/measure-startup.sh [--runs N] [--skip-browse | --browse-only] [--idle SECONDS] [--timeline]
# SKIP_BUILD=1 measures the binary already in the target dir.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
export PATH="$HOME/.cargo/bin:$PATH"

# The screen grabs: GDK from Python (the system's python3, where python3-gi lives).
if ! /usr/bin/python3 -c 'import gi; gi.require_version("Gdk", "3.0"); from gi.repository import Gdk' 2>/dev/null; then
  say "Installing python3-gi and gir1.2-gtk-3.0"
  apt-get install -y --no-install-recommends python3-gi gir1.2-gtk-3.0 >/dev/null
fi
for tool in xvfb-run WebKitWebDriver tauri-driver; do
  command -v "$tool" >/dev/null || { echo "measure-startup: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

target="${CARGO_TARGET_DIR:-$root/target}"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  say "Building the UI and the release binary (cargo build --release -p exemption-desk)"
  (cd "$root/ui" && npm run build --silent)
  (cd "$root" && cargo build --release -p exemption-desk --features custom-protocol)
  # The browsing phase's tenant, served as its own process (the app alone is measured).
  (cd "$root" && cargo build --release -p azure-sim)
fi
app="$target/release/exemption-desk"
sim="$target/release/azure-sim"
# The floor: a bare WebKitGTK window in C (the -dev package scripts/setup.sh installs).
bare="$target/measure-startup/bare-window"
mkdir -p "$(dirname "$bare")"
cc -O2 -o "$bare" "$root/scripts/startup/bare_window.c" $(pkg-config --cflags --libs webkit2gtk-4.1)
[ -x "$app" ] || { echo "measure-startup: no release binary at $app" >&2; exit 1; }

echo "Release binary: $(stat -c %s "$app") bytes ($(awk "BEGIN { printf \"%.1f\", $(stat -c %s "$app") / 1e6 }") MB), $(file -b "$app" | grep -o 'stripped\|not stripped')"
echo
sim_args=()
[ -x "$sim" ] && sim_args=(--sim "$sim")
xvfb-run -a -s "-screen 0 1440x900x24" /usr/bin/python3 "$root/scripts/startup/measure.py" --app "$app" --bare "$bare" "${sim_args[@]}" "$@"
