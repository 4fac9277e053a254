#!/usr/bin/env bash
# Write requirements/test.lock: the exact version of every package a fresh install of
# stpgame[all] (the app, experiments and test tools) resolves to today.
#
#   bash scripts/lock.sh                  # fresh temporary environment, then pip freeze
#   PYTHON=python3.11 bash scripts/lock.sh
#
# pyproject.toml keeps the ranges the project works with; scripts/setup.sh installs with
# "-c requirements/test.lock" (constraints), so CI and every developer get these versions.
# Re-run this after changing dependencies in pyproject.toml, run the tests, commit both.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
LOCK="$ROOT/requirements/test.lock"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "[lock] fresh environment in $TMP with $("$PYTHON" --version 2>&1)"
"$PYTHON" -m venv "$TMP/venv"
"$TMP/venv/bin/python" -m pip install --quiet --upgrade pip
# Without the old lock: resolve from the ranges in pyproject.toml afresh.
(cd "$ROOT" && "$TMP/venv/bin/python" -m pip install --quiet -e ".[all]")

mkdir -p "$(dirname "$LOCK")"
{
    echo "# Exact versions for stpgame[all] (app, experiments, tests), written by scripts/lock.sh"
    echo "# with $("$TMP/venv/bin/python" --version) on $(uname -sm). Used as pip constraints by"
    echo "# scripts/setup.sh; the ranges stay in pyproject.toml. Do not edit: re-run the script."
    "$TMP/venv/bin/python" -m pip freeze --exclude-editable
} >"$LOCK.tmp"
mv "$LOCK.tmp" "$LOCK"
echo "[lock] wrote $LOCK ($(grep -vc '^#' "$LOCK") packages)"
