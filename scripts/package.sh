#!/usr/bin/env bash
# Builds Exemption Desk's Linux packages (.deb and .rpm) with the Tauri CLI
# pinned in packaging/package.json. Release build by default.
#
#   scripts/package.sh                  release app, .deb and .rpm
#   scripts/package.sh --debug          the debug build instead (what the install test packages)
#   scripts/package.sh --bundles deb    only some of deb, rpm, appimage (appimage needs downloads: see README)
#   scripts/package.sh --no-build       package the binary already built (same profile), build nothing
#
# Prints the package paths, one a line, on stdout; everything else goes to stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile=release bundles=deb,rpm build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) profile=debug ;;
    --bundles) bundles="${2:?--bundles needs a list, e.g. deb,rpm}"; shift ;;
    --no-build) build=0 ;;
    *) echo "package.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
  esac
  shift
done

source "$root/scripts/setup.sh" >&2
export PATH="$HOME/.cargo/bin:$PATH"
cd "$root"

# One version: [workspace.package] in Cargo.toml. tauri.conf.json holds none,
# so the app and the CLI both take the crate's; refuse a copy that could drift.
version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)"
[ -n "$version" ] || { echo "package.sh: no version in Cargo.toml's [workspace.package]" >&2; exit 1; }
if node -e 'process.exit("version" in require(process.argv[1]) ? 0 : 1)' "$root/tauri.conf.json"; then
  echo "package.sh: tauri.conf.json must not hold a version: the one version is Cargo.toml's [workspace.package] ($version)" >&2
  exit 1
fi

cli="$root/packaging/node_modules/.bin/tauri"
[ -x "$cli" ] || { echo "package.sh: the Tauri CLI is missing ($cli); scripts/setup.sh installs it" >&2; exit 1; }

if [ "$build" = 1 ]; then
  say "Building the UI and the $profile app" >&2
  (cd ui && npm run build --silent) >&2
  if [ "$profile" = release ]; then cargo build --release -p exemption-desk >&2; else cargo build -p exemption-desk >&2; fi
fi

# The CLI wants its tauri.conf.json beside the app crate's Cargo.toml; ours is at
# the root (build.rs and generate_context! read it there). Link it, with the
# files it names, into src-tauri for this run only.
links=(tauri.conf.json icons packaging)
cleanup() { for l in "${links[@]}"; do [ -L "src-tauri/$l" ] && rm -f "src-tauri/$l"; done; return 0; }
trap cleanup EXIT
for l in "${links[@]}"; do
  [ -e "src-tauri/$l" ] && [ ! -L "src-tauri/$l" ] && { echo "package.sh: src-tauri/$l exists and is not our link" >&2; exit 1; }
  ln -sfn "../$l" "src-tauri/$l"
done

debug_flag=()
[ "$profile" = debug ] && debug_flag=(--debug)
say "Bundling $bundles ($profile, version $version)" >&2
TAURI_APP_PATH="$root/src-tauri" TAURI_FRONTEND_PATH="$root/ui" \
  "$cli" bundle "${debug_flag[@]}" --bundles "$bundles" --ci >&2

target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
found=0
for kind in ${bundles//,/ }; do
  case "$kind" in
    deb) f="$target_dir/$profile/bundle/deb/Exemption Desk_${version}_amd64.deb" ;;
    rpm) f="$target_dir/$profile/bundle/rpm/Exemption Desk-${version}-1.x86_64.rpm" ;;
    appimage) f="$target_dir/$profile/bundle/appimage/Exemption Desk_${version}_amd64.AppImage" ;;
    *) echo "package.sh: unknown bundle '$kind' (deb, rpm, appimage)" >&2; exit 2 ;;
  esac
  [ -f "$f" ] || { echo "package.sh: the CLI did not make $f" >&2; exit 1; }
  echo "$f"
  found=$((found + 1))
done
[ "$found" -gt 0 ]
