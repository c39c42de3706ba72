#!/usr/bin/env bash
# Sets up what is missing and opens Exemption Desk on the demo tenant (an
# embedded Azure simulator). Set EXEMPTION_DESK_ARM_ENDPOINT and friends (see
# README) to use another endpoint instead.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
export PATH="$HOME/.cargo/bin:$PATH"
say "Building the UI"
(cd "$root/ui" && npm run build --silent)
say "Building and starting Exemption Desk"
cd "$root"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  say "No display found: running under Xvfb (screenshots with 'import -window root')"
  exec xvfb-run -a -s "-screen 0 1440x900x24" cargo run -p exemption-desk
fi
exec cargo run -p exemption-desk
