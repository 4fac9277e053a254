"""Server memory as browser tabs open and close (Debian's Chromium through Playwright).

    .venv/bin/python benchmarks/bench_tab_memory.py [--tabs 35] [--rounds 2] [--cull 30s]

Starts ``solara run app.py`` (offline, as scripts/app.sh does, with
``SOLARA_KERNEL_CULL_TIMEOUT=--cull`` so the vanished tabs below are culled within the
run) and reports the server's resident memory (RSS, psutil):

- at start, after one tab has opened and closed (every module loaded);
- **closed with a goodbye**, ``--rounds`` times: ``--tabs`` explorer tabs opened (one Step
  each: two England models per tab), then closed as a browser closes a tab (its
  ``beforeunload`` runs and Solara's close beacon reaches the server), then 8 s later;
- **vanished**: ``--tabs`` tabs closed without a goodbye (no beacon: a phone that dies, a
  browser killed), then after the cull timeout.

The memory a tab held comes back when the server frees it (stpgame/ui/release.py).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
from _timing import (  # benchmarks/_timing.py: the script's folder is on sys.path
    start_app_server,
    suite_conftest,
)
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
LOAD = 120_000


def rss_mb(proc: subprocess.Popen) -> float:
    return psutil.Process(proc.pid).memory_info().rss / 2**20


def open_tabs(context, url: str, n: int) -> list:
    pages = []
    for _ in range(n):
        page = context.new_page()
        page.goto(url)
        expect(page.locator(".year-counter")).to_have_text("Year 0", timeout=LOAD)
        page.locator(".step-button").click()
        expect(page.locator(".year-counter")).to_have_text("Year 1", timeout=LOAD)
        pages.append(page)
    return pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tabs", type=int, default=35)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--cull", default="30s", help="the server's cull timeout for vanished tabs")
    args = ap.parse_args()
    if args.tabs < 1 or args.rounds < 1:
        ap.error(f"--tabs and --rounds: whole numbers >= 1; got {args.tabs}, {args.rounds}")
    conf = suite_conftest()
    data = tempfile.mkdtemp(prefix="bench-memory-")
    env = {"STPGAME_DATA": data, "SOLARA_KERNEL_CULL_TIMEOUT": args.cull}
    proc, url, _ = start_app_server(conf, env, probe="/join")
    cull_s = float(args.cull.rstrip("s")) if args.cull.endswith("s") else 60.0
    rows: list[tuple[str, float]] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=conf.CHROMIUM, args=conf.CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            conf.block_outside_requests(context)
            for page in open_tabs(context, url, 1):
                page.close(run_before_unload=True)
            time.sleep(8)
            rows.append(("start (one tab opened and closed)", rss_mb(proc)))
            for r in range(1, args.rounds + 1):
                pages = open_tabs(context, url, args.tabs)
                rows.append((f"round {r}: {args.tabs} tabs open", rss_mb(proc)))
                for page in pages:
                    page.close(run_before_unload=True)  # a browser closing a tab
                time.sleep(8)
                rows.append((f"round {r}: closed with a goodbye, 8 s later", rss_mb(proc)))
            pages = open_tabs(context, url, args.tabs)
            rows.append((f"{args.tabs} tabs open", rss_mb(proc)))
            for page in pages:
                page.close()  # no beforeunload: the server is not told
            time.sleep(8)
            rows.append(("vanished without a goodbye, 8 s later", rss_mb(proc)))
            time.sleep(cull_s + 10)
            rows.append((f"vanished, after the cull timeout ({args.cull})", rss_mb(proc)))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(f"\nserver memory (RSS), explorer tabs of the England preset, {args.tabs} at a time")
    for label, mb in rows:
        print(f"  {label:<48} {mb:6.0f} MB")


if __name__ == "__main__":
    main()
