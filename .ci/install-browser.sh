#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver for the real-browser test
# (io.wsgateway.browser.BrowserChatTests) when either is missing. Idempotent; needs root
# (or sudo) and the Debian package mirror. Usage: bash .ci/install-browser.sh
set -euo pipefail

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  echo "install-browser: chromium and chromedriver already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get here; install chromium and chromedriver yourself" \
       "(or point CHROME_BIN and CHROMEDRIVER at them)" >&2
  exit 1
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  SUDO="sudo"
fi

echo "install-browser: installing chromium and chromium-driver"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium ?'), $(/usr/bin/chromedriver --version 2>/dev/null || echo 'chromedriver ?')"
