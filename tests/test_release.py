"""A closed tab's game is freed and its memory handed back (stpgame/ui/release.py).

The page is rendered in its own kernel context, as the server does for a browser tab,
and the context is closed as Solara closes it when the tab's close beacon arrives or the
cull timeout passes. That needs Solara's server patches (widgets kept per context), which
would change how every later test in this process renders, so it runs in a subprocess.
``benchmarks/bench_tab_memory.py`` measures the effect on a real server's memory.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from conftest import ROOT
from solara.server import settings as server_settings

from stpgame.ui import release

CLOSE_A_TAB = """
import gc, time, weakref
import solara
import solara.server.app  # the server's per-context widget patches
from solara.server import kernel, kernel_context
from stpgame.ui import release, state
from stpgame.ui.page import Page

release.DELAY = 0.05
made = []
real = state.Session
def tracked(*args, **kwargs):
    session = real(*args, **kwargs)
    made.append(weakref.ref(session))
    return session
state.Session = tracked
context = kernel_context.VirtualKernelContext(id="t", session_id="t", kernel=kernel.Kernel())
with context:
    box, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    context.app_object = rc
del box, rc
(session,) = made
print("open", session() is not None)
before = release.releases
context.close(reason="page-close")
deadline = time.monotonic() + 10
while release.releases == before and time.monotonic() < deadline:
    time.sleep(0.02)
print("released", release.releases - before)
gc.collect()
print("freed", session() is None)
"""


@pytest.mark.slow
def test_closing_a_tab_frees_its_game_and_hands_memory_back():
    done = subprocess.run(
        [sys.executable, "-c", CLOSE_A_TAB],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["open", "True", "released", "1", "freed", "True"]


def test_many_closes_make_one_release(monkeypatch):
    calls = []
    monkeypatch.setattr(release, "release", lambda: calls.append(1))
    for _ in range(5):
        release.release_soon(0.1)
    time.sleep(0.4)
    assert calls == [1]


def test_a_vanished_tab_is_culled_in_minutes_unless_the_environment_says(monkeypatch):
    monkeypatch.setattr(server_settings.kernel, "cull_timeout", "24h")
    monkeypatch.delenv("SOLARA_KERNEL_CULL_TIMEOUT", raising=False)
    release.set_cull_timeout()
    assert server_settings.kernel.cull_timeout == release.CULL_TIMEOUT == "15m"
    monkeypatch.setattr(server_settings.kernel, "cull_timeout", "24h")
    monkeypatch.setenv("SOLARA_KERNEL_CULL_TIMEOUT", "1h")
    release.set_cull_timeout()
    assert server_settings.kernel.cull_timeout == "24h"  # the environment's own setting stays
