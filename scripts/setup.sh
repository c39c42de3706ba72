#!/usr/bin/env bash
# Installs what Exemption Desk needs to build, run and test on Debian 12 (or
# Ubuntu 22.04+), skipping whatever is already there. Safe to run repeatedly.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

debian_packages=(
  # Tauri 2 on Linux (WebKitGTK 4.1 and friends)
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config
  # the store's SQLite: the system's library on Linux (rusqlite links it)
  libsqlite3-dev
  # headless runs, end-to-end driving, screenshots
  xvfb xauth webkit2gtk-driver chromium imagemagick xdotool
  # OS keyring (Secret Service) for sign-in secrets and its tests
  gnome-keyring libsecret-1-dev dbus dbus-x11
  # a real notification server (org.freedesktop.Notifications) for the expiry-reminder test
  dunst
  # the install test: xdg-mime and xdg-open, which read types and launch through gio
  xdg-utils libglib2.0-bin
)
missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/cargo" ] || {
    say "Installing Rust with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  }
  export PATH="$HOME/.cargo/bin:$PATH"
fi
rust_minor=$(rustc --version | sed -E 's/rustc 1\.([0-9]+).*/\1/')
if [ "$rust_minor" -lt 90 ]; then
  echo "Rust 1.90 or newer is needed (found $(rustc --version)); run: rustup update stable" >&2
  exit 1
fi

if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  say "Adding rustfmt and clippy (the style gates)"
  rustup component add rustfmt clippy
fi

if ! command -v node >/dev/null 2>&1; then
  echo "Node.js 20.19+ (with npm) is needed: https://nodejs.org or your distribution's nodejs 20 package." >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js 20.19+ is needed (found $(node --version))." >&2
  exit 1
fi

if ! tauri-driver --help >/dev/null 2>&1 && ! "$HOME/.cargo/bin/tauri-driver" --help >/dev/null 2>&1; then
  say "Installing tauri-driver 2 (the 3.0 alphas are not for Tauri 2)"
  cargo install tauri-driver --version '^2' --locked
fi

if ! cargo deny --version >/dev/null 2>&1; then
  say "Installing cargo-deny (the licenses, bans and sources gate)"
  cargo install cargo-deny --version '^0.20' --locked
fi

for dir in ui tests/e2e tests/azurite packaging; do
  if [ -f "$root/$dir/package-lock.json" ]; then
    stamp="$root/$dir/node_modules/.desk-lock"
    if ! cmp -s "$root/$dir/package-lock.json" "$stamp" 2>/dev/null; then
      say "Installing npm packages in $dir"
      (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error)
      cp "$root/$dir/package-lock.json" "$stamp"
    fi
  fi
done
