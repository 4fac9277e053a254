#!/usr/bin/env bash
# Idempotent developer/CI setup: a virtual environment with stpgame[all] installed in editable
# mode, and Solara's front-end files served from inside that environment (no CDN, works offline).
#
#   bash scripts/setup.sh            # create or update .venv in the repository root
#   VENV=/tmp/venv bash scripts/setup.sh   # use another environment folder
#   FORCE=1 bash scripts/setup.sh    # reinstall even if pyproject.toml has not changed
#   PYTHON=python3.11 bash scripts/setup.sh  # interpreter used to create a new environment
#
# Versions: pyproject.toml holds the ranges; requirements/test.lock (scripts/lock.sh) pins the
# exact versions, used as pip constraints when the file exists.
#
# pip runs only when pyproject.toml or the lock changed since the last successful install (their
# sha256 is kept in "$VENV/.stpgame-setup.sha256"), so a second run takes well under a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.stpgame-setup.sha256"
LOCK="$ROOT/requirements/test.lock"
START=$SECONDS

say() { echo "[setup] $*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo "$@"
    else
        return 1
    fi
}

# 1. The environment itself -----------------------------------------------------------------
if [ -e "$VENV/pyvenv.cfg" ] && ! "$VENV/bin/python" -c "" >/dev/null 2>&1; then
    say "$VENV is broken (its python does not start): recreating it"
    rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV with $("$PYTHON" --version 2>&1)"
    if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
        # Debian's python3 has no ensurepip unless python3-venv is installed.
        rm -rf "$VENV"
        say "python3 -m venv failed; installing python3-venv with apt-get"
        if ! { as_root apt-get update -qq \
            && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; }; then
            say "ERROR: cannot create a venv. Install python3-venv (Debian/Ubuntu) and run again."
            exit 1
        fi
        "$PYTHON" -m venv "$VENV"
    fi
    rm -f "$STAMP"
fi

# 2. Packages ------------------------------------------------------------------------------------
CONSTRAINTS=()
INPUTS=("$ROOT/pyproject.toml")
if [ -f "$LOCK" ]; then
    CONSTRAINTS=(-c "$LOCK")
    INPUTS+=("$LOCK")
fi
WANT="$(cat "${INPUTS[@]}" | sha256sum | cut -d' ' -f1)"
HAVE="$(cat "$STAMP" 2>/dev/null || true)"
if [ "${FORCE:-0}" != "0" ] || [ "$WANT" != "$HAVE" ]; then
    say "upgrading pip"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    say "installing -e \".[all]\" ${CONSTRAINTS[*]:-(no lock file)} (about a minute on a fresh environment)"
    (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet -e ".[all]" "${CONSTRAINTS[@]}")
    # The model's loops are compiled on first use and cached (stpgame/core/compiled.py):
    # compile them now, so the first run, test or page does not wait for it.
    say "compiling the model's loops (numba, cached for later runs)"
    "$VENV/bin/python" -c "from stpgame import STPModel; STPModel(seed=0, n_footprints=2).run(2).pooling_returns()"
    echo "$WANT" >"$STAMP"
else
    say "packages up to date (pyproject.toml and lock unchanged)"
fi

# 3. Offline front-end files ---------------------------------------------------------------------
# solara-assets installs the files Solara's /_solara/cdn/ route would otherwise fetch from
# cdn.jsdelivr.net. Solara asks for vega@5, vega-lite@5 and vega-embed@6 (Altair charts), but the
# package ships exact-version folders (vega@5.21.0, ...), so link the major-version names to them.
CDN="${SOLARA_ASSETS_PROXY_CACHE_DIR:-$VENV/share/solara/cdn}"
if [ ! -d "$CDN" ]; then
    say "WARNING: $CDN does not exist (is solara-assets installed?): the app will need internet"
else
    shopt -s nullglob
    for spec in vega@5 vega-lite@5 vega-embed@6; do
        link="$CDN/$spec"
        candidates=()
        for dir in "$CDN/$spec".*; do
            [ -d "$dir" ] && [ ! -L "$dir" ] && candidates+=("$(basename "$dir")")
        done
        if [ "${#candidates[@]}" -eq 0 ]; then
            say "WARNING: no $spec.* folder in $CDN: Altair charts will not render offline"
            continue
        fi
        target="$(printf '%s\n' "${candidates[@]}" | sort -V | tail -n 1)"
        if [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ]; then
            continue
        elif [ -e "$link" ] && [ ! -L "$link" ]; then
            say "$spec is a real folder in the cache: left as it is"
        else
            ln -sfn "$target" "$link"
            say "linked $spec -> $target"
        fi
    done
    # Every solara.Markdown loads KaTeX (maths) from the cache, and solara-assets does not ship it:
    # without it the page logs 404s and a script error, and $...$ maths is not rendered.
    # Fetch it once with npm (the npm registry is reachable wherever this project is set up).
    NPM_ASSETS=(katex@0.16.9)
    for spec in "${NPM_ASSETS[@]}"; do
        [ -e "$CDN/$spec" ] && continue
        if ! command -v npm >/dev/null 2>&1; then
            say "WARNING: npm not found, so $spec is not in the cache (Markdown maths stays raw)"
            continue
        fi
        tmp="$(mktemp -d)"
        if (cd "$tmp" && npm pack "$spec" >npm.log 2>&1) \
            && mkdir -p "$tmp/unpacked" \
            && tar -xzf "$tmp"/*.tgz -C "$tmp/unpacked" --strip-components=1 \
            && mv "$tmp/unpacked" "$CDN/$spec"; then
            say "added $spec to the cache (npm pack)"
        else
            say "WARNING: could not fetch $spec with npm (Markdown maths stays raw):"
            tail -n 5 "$tmp/npm.log" 2>/dev/null | sed 's/^/    /' || true
        fi
        rm -rf "$tmp"
    done
    missing=()
    for need in katex@0.16.9 requirejs@2.3.6 font-awesome@4.5.0 '@widgetti/solara-vuetify-app@*'; do
        # shellcheck disable=SC2206  # $need is a glob on purpose
        matches=("$CDN"/$need)
        [ "${#matches[@]}" -gt 0 ] || missing+=("$need")
    done
    shopt -u nullglob
    if [ "${#missing[@]}" -gt 0 ]; then
        say "WARNING: missing front-end files in $CDN: ${missing[*]}"
    else
        say "front-end files served from $CDN"
    fi
fi

say "done in $((SECONDS - START)) s ($VENV)"
