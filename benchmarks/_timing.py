"""Shared timing helper for the benchmark scripts (not a benchmark itself).

The scripts are run as ``.venv/bin/python benchmarks/bench_x.py``, so Python puts
this folder first on ``sys.path`` and ``from _timing import best_of`` finds it.
"""

from __future__ import annotations

import importlib.util
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best_of(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Call ``fn`` ``repeats`` times; (best, median) wall time in seconds."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def suite_conftest():
    """The test suite's server settings and Chromium flags (one definition for both)."""
    spec = importlib.util.spec_from_file_location(
        "stpgame_conftest", ROOT / "tests" / "conftest.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_app_server(conf, env: dict[str, str] | None = None, probe: str = "/"):
    """Start ``solara run app.py`` on a free port with the test suite's server settings
    (``conf`` from ``suite_conftest``) plus ``env``; wait for HTTP 200 on ``probe``.

    Returns (process, base url, seconds from start to the first HTTP 200). Exits with a
    message if the server stops or gives no 200 within 90 s.
    """
    import subprocess
    import sys
    import urllib.request

    port = conf.free_port()
    url = f"http://127.0.0.1:{port}"
    solara = Path(sys.executable).parent / "solara"
    cmd = [str(solara), "run", "app.py", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--production", "--no-check-version", "--no-open"]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**conf.server_env(), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.perf_counter() - started < 90:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            with opener.open(url + probe, timeout=5) as response:
                if response.status == 200:
                    return proc, url, time.perf_counter() - started
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server gave no HTTP 200 in 90 s")
