#!/usr/bin/env bash
# Stands in for the system browser in end-to-end tests: the app hands it the
# sign-in URL; the simulator's authorize endpoint consents (as the login_hint
# user) and redirects to the app's loopback listener, which this follows,
# as a browser would. What the listener answered is kept for the test.
set -euo pipefail
url="$1"
log="${FAKE_BROWSER_LOG:-/dev/null}"
echo "opened: $url" >> "$log"
# Only Entra's authorize page is acted on; any other page (a device-code page) is just "shown".
case "$url" in */oauth2/v2.0/authorize*) ;; *) exit 0 ;; esac
redirect=$(curl -s -o /dev/null -w '%{redirect_url}' "$url")
echo "redirect: ${redirect%%\?*}" >> "$log"
(curl -s "$redirect" | tr '\n' ' '; echo) >> "$log" &
