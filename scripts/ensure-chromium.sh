#!/usr/bin/env bash
# The suite drives a real headless Chromium (the client SDK's browser test). Debian's package is the
# one this project uses; as root with apt-get it is installed when missing, otherwise the run fails
# with what to do (never skipped).
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser test..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "npm test needs Chromium at $chromium: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH" >&2
exit 1
