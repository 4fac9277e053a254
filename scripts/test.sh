#!/usr/bin/env bash
# Run the test suite (this is the command CI runs).
#
#   bash scripts/test.sh                    # everything, options from pyproject.toml
#   bash scripts/test.sh -m "not browser"   # skip the real-browser tests
#   bash scripts/test.sh -n 2 -m "not slow and not browser"   # the quick inner loop
#   bash scripts/test.sh -n 2 tests/test_x.py   # any pytest arguments
#
# Browser tests drive Debian's Chromium at /usr/bin/chromium through Playwright (no
# `playwright install`). If Chromium is missing it is installed with apt-get (as root, or with
# passwordless sudo); otherwise a message is printed and the browser tests fail, they never skip.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
export VENV

bash "$ROOT/scripts/setup.sh"

CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
    echo "[test] $CHROMIUM not found: installing Debian's chromium with apt-get"
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo"
    else
        SUDO="none"
    fi
    if [ "$SUDO" != "none" ] && command -v apt-get >/dev/null 2>&1 \
        && $SUDO apt-get update -qq \
        && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
        echo "[test] installed $("$CHROMIUM" --version 2>/dev/null | tail -n 1)"
    else
        echo "[test] WARNING: could not install chromium (need root, passwordless sudo and apt-get)."
        echo "[test]          Install it with: sudo apt-get install -y chromium"
        echo "[test]          Browser tests will FAIL until $CHROMIUM exists."
    fi
fi

export SOLARA_TELEMETRY_MIXPANEL_ENABLE=False
cd "$ROOT"
echo "[test] $VENV/bin/python -m pytest $*"
exec "$VENV/bin/python" -m pytest "$@"
