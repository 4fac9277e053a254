"""Shared pytest fixtures: real-browser tests of the Solara app with Debian's Chromium.

Fixtures (all lazy: a test module that uses none of them pays nothing):

- ``browser_type_launch_args`` (session) overrides pytest-playwright's so that ``page`` and
  ``browser`` drive ``/usr/bin/chromium`` (Debian's package; ``playwright install`` is never run).
- ``app_server`` (session) runs ``solara run app.py`` from the repository root on a free port,
  offline and without telemetry, and yields its base URL, e.g. ``http://127.0.0.1:40123``.
- ``offline_page`` is pytest-playwright's ``page`` with every request to a host other than
  127.0.0.1/localhost aborted and recorded in ``offline_page.outside_requests``; the test fails
  at teardown if any was made.

Example::

    from playwright.sync_api import expect

    def test_step(offline_page, app_server):
        offline_page.goto(app_server)
        expect(offline_page.get_by_text("Step: 0")).to_be_visible(timeout=30_000)
        offline_page.get_by_role("button", name="Step").click()
        expect(offline_page.get_by_text("Step: 1")).to_be_visible()
        assert offline_page.outside_requests == []

Tests that use ``page``, ``offline_page`` or ``app_server`` get the ``browser`` marker
automatically, so ``pytest -m "not browser"`` leaves them out.

A module whose tests are all slow says so with ``pytestmark = pytest.mark.slow`` on a line of
its own; when ``-m`` leaves slow tests out (``-m "not slow"``, ``-m "not slow and not
browser"``), such a module is not even imported, which saves the inner loop a second or two.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("STPGAME_CHROMIUM", "/usr/bin/chromium")
# The app the server runs; STPGAME_APP points the fixture at another Solara file.
APP = Path(os.environ.get("STPGAME_APP", ROOT / "app.py"))
SERVER_START_TIMEOUT = 60.0
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Even with the flags above, Chromium itself looks up and contacts Google's hosts (component
    # updates, accounts) at start-up. Resolve every host but this machine to "not found" so the
    # browser cannot reach out at all; page requests are also caught by offline_page.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]

BROWSER_FIXTURES = {"page", "offline_page", "app_server", "browser", "context"}


def pytest_configure(config):
    # pytest-base-url (a pytest-playwright dependency) triggers this pytest 9 deprecation notice.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )


SLOW_MODULE = re.compile(r"^pytestmark = pytest\.mark\.slow$", re.M)


def leaves_out_slow(markexpr: str) -> bool:
    """True if ``-m markexpr`` rejects every slow test: a plain conjunction with "not slow"."""
    words = markexpr.split()
    if not words or "or" in words or "(" in markexpr or ")" in markexpr:
        return False
    conjuncts = " ".join(words).split(" and ")
    return "not slow" in conjuncts


def pytest_ignore_collect(collection_path, config):
    if (
        collection_path.suffix == ".py"
        and collection_path.name.startswith("test_")
        and leaves_out_slow(config.getoption("markexpr") or "")
        and SLOW_MODULE.search(collection_path.read_text(encoding="utf-8"))
    ):
        return True
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, with Debian's Chromium and quiet, offline flags."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (`apt-get install -y chromium`; "
            "scripts/test.sh does this when run as root)"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _solara_command() -> list[str]:
    # The solara of the environment running pytest (.venv when started by scripts/test.sh).
    script = Path(sys.executable).parent / "solara"
    return [str(script)] if script.exists() else [sys.executable, "-m", "solara"]


def server_env() -> dict[str, str]:
    """Environment for a private, offline Solara server (same settings as scripts/app.sh)."""
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    # Front-end files must come from the venv: a missing one fails instead of being fetched
    # from cdn.jsdelivr.net (the server would otherwise do that quietly when online).
    env.setdefault("SOLARA_ASSETS_CDN", "http://127.0.0.1:9/")
    return env


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """Start ``solara run app.py`` on a free port; yield its base URL (no trailing slash)."""
    if not APP.is_file():
        pytest.fail(f"app not found: {APP}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("app_server")
    out_path, err_path = logs / "stdout.log", logs / "stderr.log"
    cmd = [
        *_solara_command(),
        "run",
        str(APP),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--production",
        "--no-check-version",
        "--no-open",
    ]

    def output() -> str:
        return (
            f"command: {' '.join(cmd)}\n--- stderr ---\n{err_path.read_text(errors='replace')}"
            f"\n--- stdout ---\n{out_path.read_text(errors='replace')}"
        )

    # No proxy for 127.0.0.1, whatever http_proxy says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env(), stdout=out, stderr=err)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"solara server exited with code {proc.returncode}\n{output()}")
            try:
                with opener.open(url + "/", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"solara server gave no HTTP 200 in {SERVER_START_TIMEOUT:.0f} s\n{output()}"
                )
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def is_local_url(url: str) -> bool:
    """True for URLs that stay on this machine (127.0.0.1, localhost, data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    return parts.hostname in LOCAL_HOSTS


def block_outside_requests(context) -> list[str]:
    """Abort every request (HTTP and WebSocket) that would leave this machine; return their URLs.

    ``context`` is a Playwright BrowserContext or Page. Local requests are not intercepted at all.
    """
    blocked: list[str] = []

    def is_outside(url: str) -> bool:
        return not is_local_url(url)

    def abort(route):
        blocked.append(route.request.url)
        route.abort("blockedbyclient")

    def close_ws(ws):
        blocked.append(ws.url)
        ws.close()

    context.route(is_outside, abort)
    context.route_web_socket(is_outside, close_ws)
    return blocked


@pytest.fixture
def offline_page(page):
    """pytest-playwright's ``page`` that cannot reach any host but this machine.

    Blocked URLs are in ``offline_page.outside_requests``; any at teardown fail the test.
    """
    page.outside_requests = block_outside_requests(page.context)
    yield page
    if page.outside_requests:
        pytest.fail(
            "the page tried to reach other hosts:\n  " + "\n  ".join(page.outside_requests),
            pytrace=False,
        )
