#!/usr/bin/env bash
# Start the stpgame browser app, offline and private.
#
#   bash scripts/app.sh                       # http://127.0.0.1:8765/
#   HOST=0.0.0.0 PORT=9000 bash scripts/app.sh   # listen on every interface, port 9000
#   bash scripts/app.sh --log-level debug     # extra arguments go to `solara run`
#
# Private by default: no telemetry (SOLARA_TELEMETRY_MIXPANEL_ENABLE=False), no PyPI version check
# (--no-check-version), no browser is opened for you (--no-open; pass --open to get one), and the
# server never fetches front-end files from cdn.jsdelivr.net: they come from the venv (see
# setup.sh), and SOLARA_ASSETS_CDN points at a closed local port so a missing file fails instead
# of being fetched. Set SOLARA_ASSETS_CDN=https://cdn.jsdelivr.net/npm/ to allow that fetch.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
export VENV

bash "$ROOT/scripts/setup.sh"

export SOLARA_TELEMETRY_MIXPANEL_ENABLE=False
export SOLARA_ASSETS_CDN="${SOLARA_ASSETS_CDN:-http://127.0.0.1:9/}"

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8765}"

cd "$ROOT"
if [ ! -f app.py ]; then
    echo "[app] ERROR: $ROOT/app.py not found" >&2
    exit 1
fi

echo "[app] open http://$HOST:$PORT/ in your browser (Ctrl+C stops the server)"
if [ "$HOST" = "0.0.0.0" ]; then
    echo "[app] listening on all interfaces: use this machine's address instead of 0.0.0.0"
fi
exec "$VENV/bin/solara" run app.py --host "$HOST" --port "$PORT" \
    --no-check-version --production --no-open "$@"
