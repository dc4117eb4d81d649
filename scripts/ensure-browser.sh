#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the console's browser tests (Playwright drives it; Playwright's own
# browser download cannot work without internet). Installs it when missing, as ensure-services.sh starts services.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "ensure-browser: chromium is installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "ensure-browser: $CHROMIUM is missing; install Debian's chromium (apt-get install chromium) as root." >&2
  exit 1
fi
echo "ensure-browser: installing chromium"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q chromium >/dev/null; then
  # An image without package lists (or with stale ones) needs them first.
  apt-get update -q >/dev/null
  apt-get install -y -q chromium >/dev/null
fi
"$CHROMIUM" --version
