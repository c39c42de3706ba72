#!/usr/bin/env bash
# Install test: installs the .deb with apt (its declared dependencies resolved
# by apt), checks the desktop entry, the icons and the registrations of the
# exemption-desk:// scheme and *.exemption-request.json files, starts the
# installed app from the entry's Exec line under Xvfb in demo mode and sees its
# recommendations through WebDriver, opens a link, a malformed link and a request
# file with xdg-open and sees each reach the running app (one process), then
# purges the package and checks that
# nothing it installed is left but the user's data.
#
#   tests/install/run.sh [PATH.deb]    without a path: scripts/package.sh --debug --bundles deb
#
# As root, or a user with sudo (it installs and removes a system package). Refuses to run when
# the package is already installed, so it never removes a real install.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fail() { printf 'install test: FAILED: %s\n' "$*" >&2; exit 1; }
step() { printf '\033[1;34m-->\033[0m %s\n' "$*"; }
need() { command -v "$1" >/dev/null 2>&1 || fail "missing prerequisite: $1 ($2; scripts/setup.sh installs it)"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
as_root true 2>/dev/null || fail "needs root or password-less sudo: it installs and purges a system package"
need apt-get "Debian's apt"
need dpkg-deb "dpkg"
need xvfb-run "Debian package xvfb"
need xdg-mime "Debian package xdg-utils"
need gio "Debian package libglib2.0-bin: how xdg-utils reads file types and opens things on a GNOME desktop"
need WebKitWebDriver "Debian package webkit2gtk-driver"
need flock "Debian package util-linux"
need dbus-daemon "Debian package dbus: a session bus for the single-instance hand-over"
need node "Node.js 20.19+"
tauri_driver="${TAURI_DRIVER:-$HOME/.cargo/bin/tauri-driver}"
[ -x "$tauri_driver" ] || fail "missing prerequisite: tauri-driver at $tauri_driver (scripts/setup.sh installs it)"
[ -d "$root/tests/e2e/node_modules/webdriverio" ] || fail "missing prerequisite: tests/e2e/node_modules (npm ci in tests/e2e; scripts/setup.sh does it)"

deb="${1:-}"
if [ -z "$deb" ]; then
  step "Packaging the debug build (scripts/package.sh --debug --bundles deb)"
  deb="$("$root/scripts/package.sh" --debug --bundles deb | tail -n 1)"
fi
[ -f "$deb" ] || fail "no package at $deb"
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
pkg="$(dpkg-deb -f "$deb" Package)"
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
  fail "$pkg is already installed; this test installs and purges it, so remove it first (apt-get remove --purge $pkg)"
fi

work="$(mktemp -d /tmp/desk-install-test.XXXXXX)"
installed=0
cleanup() {
  if [ "$installed" = 1 ]; then
    echo "install test: purging $pkg after a failure" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq "$pkg" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

step "apt-get install $deb"
apt_install() { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1; }
installed=1
if ! apt_install; then
  # Missing dependencies need the package lists; a fresh machine may have none yet.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
  apt_install || { cat "$work/apt.log" >&2; fail "apt-get could not install $deb"; }
fi
dpkg -L "$pkg" >"$work/files"
# What was a file or link, and which folders only this package owned.
: >"$work/paths" ; : >"$work/own-dirs"
while IFS= read -r p; do
  if [ -d "$p" ] && [ ! -L "$p" ]; then
    owners="$(dpkg-query -S "$p" 2>/dev/null | sed -n '1s/: .*//p')"
    [ "$owners" = "$pkg" ] && echo "$p" >>"$work/own-dirs"
  else
    [ -e "$p" ] || [ -L "$p" ] || fail "dpkg lists $p but it is not on disk"
    echo "$p" >>"$work/paths"
  fi
done <"$work/files"
echo "    $(wc -l <"$work/paths") files installed"

step "The declared dependencies cover every library the binary loads"
# This machine has the libraries already, so apt alone proves little: each one
# ldd resolves must come from a package in the declared dependencies' closure.
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$pkg" 2>/dev/null |
  grep -v '^ ' | sed 's/:.*//' | sort -u >"$work/closure"
grep -qx "$pkg" "$work/closure" || fail "apt-cache does not know the installed $pkg"
binaries="$(grep -E '^/usr/bin/' "$work/paths" || true)"
[ -n "$binaries" ] || fail "$pkg installs nothing in /usr/bin"
owner_of() {
  local lib="$1" real alt
  real="$(readlink -f "$lib")"
  alt="${real#/usr}"
  for p in "$lib" "$real" "$alt" "/usr$lib"; do
    dpkg-query -S "$p" 2>/dev/null | sed -n '1s/:.*//p' | grep . && return 0
  done
  return 1
}
missing_deps=0
for bin in $binaries; do
  ldd "$bin" | grep -q 'not found' && { ldd "$bin" >&2; fail "$bin needs a library that is not installed"; }
  for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do
    owner="$(owner_of "$lib")" || { echo "    no package owns $lib" >&2; missing_deps=$((missing_deps + 1)); continue; }
    grep -qx "$owner" "$work/closure" || { echo "    $lib comes from $owner, which $pkg does not depend on" >&2; missing_deps=$((missing_deps + 1)); }
  done
done
[ "$missing_deps" = 0 ] || fail "the declared dependencies miss $missing_deps libraries (see above)"
echo "    $(ldd $binaries | grep -c '=>') libraries, all from the declared dependencies"

step "The desktop entry"
desktop="$(grep -E '^/usr/share/applications/[^/]+\.desktop$' "$work/paths" || true)"
[ "$(printf '%s\n' "$desktop" | grep -c .)" = 1 ] || fail "expected one desktop entry in /usr/share/applications, found: ${desktop:-none}"
entry() { sed -n "s/^$1=//p" "$desktop" | head -n 1; }
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "desktop-file-validate refused $desktop"
fi
[ "$(entry Name)" = "Exemption Desk" ] || fail "Name= is '$(entry Name)'"
[ -n "$(entry Comment)" ] || fail "no Comment= in $desktop"
entry Categories | grep -q 'Utility;' || fail "Categories= is '$(entry Categories)'"
entry MimeType | tr ';' '\n' | grep -qx 'x-scheme-handler/exemption-desk' || fail "MimeType= lacks x-scheme-handler/exemption-desk"
entry MimeType | tr ';' '\n' | grep -qx 'application/x-exemption-request+json' || fail "MimeType= lacks application/x-exemption-request+json"
icon="$(entry Icon)"
for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  [ -f "/usr/share/icons/hicolor/$size/apps/$icon.png" ] || fail "no $size icon (/usr/share/icons/hicolor/$size/apps/$icon.png)"
done
[ -f "/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || fail "no scalable icon"

step "Registrations: the exemption-desk:// scheme and request files"
name="$(basename "$desktop")"
# A fresh home: no mimeapps.list of the user's decides instead of the package.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$HOME"
unset DESKTOP_SESSION
# xdg-utils as on a GNOME desktop (Debian's default): types and launches through
# GLib's gio. Without a desktop its generic mode finds the scheme's handler the
# same way, but reads file types with File::MimeInfo, whose extension rule
# (\w+) skips a glob with a hyphen: see README, Packages.
for desktop_env in GNOME ""; do
  for mime in x-scheme-handler/exemption-desk application/x-exemption-request+json; do
    got="$(XDG_CURRENT_DESKTOP="$desktop_env" xdg-mime query default "$mime")"
    [ "$got" = "$name" ] || fail "xdg-mime (desktop '${desktop_env:-none}') names '$got' for $mime, not '$name'"
  done
done
export XDG_CURRENT_DESKTOP=GNOME
sample="$work/sample.exemption-request.json"
echo '{}' >"$sample"
got="$(xdg-mime query filetype "$sample")"
[ "$got" = "application/x-exemption-request+json" ] || fail "xdg-mime query filetype gives '$got' for $sample"
plain="$work/plain.json"
echo '{}' >"$plain"
got="$(xdg-mime query filetype "$plain")"
[ "$got" = "application/json" ] || fail "a plain .json file is '$got', not application/json"

step "The installed app from its Exec line (demo mode, Xvfb, WebDriver); xdg-open hands it links and files"
exec_line="$(entry Exec)"
# Field codes (%U, %f, …) stand for what is opened: nothing here.
read -r -a words <<<"$(printf '%s' "$exec_line" | sed -E 's/(^| )%[A-Za-z]//g')"
program="$(command -v "${words[0]}")" || fail "the Exec line's program '${words[0]}' is not on PATH"
case "$program" in /usr/*) ;; *) fail "the Exec line's program resolves to $program, not the package's";; esac
grep -qxF "$program" "$work/paths" || fail "$program is not a file of $pkg"
args_json="$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "${words[@]:1}")"
mkdir -p "$work/data"
(
  cd "$root/tests/e2e"
  # The e2e suites' ports are fixed: take the machine-wide lock they use.
  DESK_INSTALLED_PROGRAM="$program" DESK_INSTALLED_ARGS="$args_json" \
    DESK_INSTALLED_DATA_DIR="$work/data" DESK_INSTALLED_HOME="$work/app-home" TAURI_DRIVER="$tauri_driver" \
    flock /tmp/e2e.lock xvfb-run -a -s "-screen 0 1440x900x24" \
    node --test --test-concurrency=1 --test-timeout=300000 install/
) || fail "the installed app, or what xdg-open handed it, failed (see above)"
ls "$work/data" | grep -q 'exemption-desk.sqlite' || fail "the app wrote no database into its data folder"

step "apt-get remove --purge $pkg"
as_root env DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq "$pkg" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get could not remove $pkg"; }
installed=0
left=0
while IFS= read -r p; do
  if [ -e "$p" ] || [ -L "$p" ]; then echo "    left behind: $p" >&2; left=$((left + 1)); fi
done < <(cat "$work/paths" "$work/own-dirs")
[ "$left" = 0 ] || fail "$left paths of $pkg are left after the purge"
got="$(xdg-mime query default x-scheme-handler/exemption-desk)"
[ -z "$got" ] || fail "after the purge xdg-mime still names '$got' for the scheme"
got="$(xdg-mime query filetype "$sample")"
[ "$got" != "application/x-exemption-request+json" ] || fail "after the purge the request-file type is still known"
[ -f "$work/data/exemption-desk.sqlite" ] || fail "the purge removed the user's data"
count="$(wc -l <"$work/paths")"
rm -rf "$work"
echo "install test: passed ($pkg installed with apt, started from its desktop entry, purged: $count files gone)"
