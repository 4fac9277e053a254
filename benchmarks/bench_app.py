"""Speed of the workshop app in a real browser (Debian's Chromium through Playwright).

    .venv/bin/python benchmarks/bench_app.py [--steps 15] [--play-seconds 10] [--tabs 30]

Starts ``solara run app.py`` (offline, no telemetry, as scripts/app.sh does) and reports,
on the default England preset (Fortress, 566 organisations):

- server start to first HTTP 200, and page load to a usable Step button;
- Step latency: from the click to all eight charts of the main view showing the new
  year (each chart marks itself ``data-drawn="<year>"`` once ECharts has finished
  drawing it), median and 90th percentile;
- Play at "As fast as it can draw": years played per second, and chart redraws per
  second seen by the browser (a requestAnimationFrame poll of the welfare chart);
- load: ``--tabs`` pages open against one server (each with its own models), then the
  Step latency again in one of them, and the server's memory.

Targets (issue 5): at least 5 rendered years a second during Play; Step stays
responsive with 30 tabs open.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from _timing import (  # benchmarks/_timing.py: the script's folder is on sys.path
    start_app_server,
    suite_conftest,
)
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
N_CHARTS = 8  # charts on the "Together vs alone" view


def open_app(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    expect(page.locator(".step-button")).to_be_enabled(timeout=90_000)
    expect(page.locator(".year-counter")).to_have_text("Year 0", timeout=90_000)
    return time.perf_counter() - started


def year(page) -> int:
    return int(page.locator(".year-counter").inner_text().split()[-1])


def charts_at(page, n: int, timeout: float = 60.0) -> None:
    page.wait_for_function(
        "([n, count]) => { const c = document.querySelectorAll('.chart');"
        " return c.length === count && [...c].every(e => e.dataset.drawn === String(n)); }",
        arg=[n, N_CHARTS],
        timeout=timeout * 1000,
    )


STEP_JS = """([target, count]) => new Promise((resolve) => {
  const started = performance.now();
  document.querySelector('.step-button').click();
  const poll = () => {
    const c = document.querySelectorAll('.chart');
    if (c.length === count && [...c].every(e => e.dataset.drawn === String(target))) {
      resolve(performance.now() - started);
    } else {
      requestAnimationFrame(poll);
    }
  };
  requestAnimationFrame(poll);
})"""


def step_latency(page, steps: int) -> list[float]:
    """Seconds from clicking Step to every chart showing the new year, timed in the page."""
    times = []
    for _ in range(steps):
        expect(page.locator(".step-button")).to_be_enabled()
        target = year(page) + 1
        times.append(page.evaluate(STEP_JS, [target, N_CHARTS]) / 1000)
    return times


def choose(page, select_class: str, option: str) -> None:
    page.locator(f".{select_class}").click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.locator(".v-menu__content.menuable__content__active")).to_have_count(0)


def play_rate(page, seconds: float) -> tuple[float, float, int]:
    """(years played per second, chart redraws per second, years played) at full speed."""
    choose(page, "speed-select", "As fast as it can draw")
    choose(page, "stop-select", "500")
    page.evaluate(
        """() => {
        window.__frames = [];
        const poll = () => {
          const el = document.querySelector('.chart-welfare');
          const drawn = el ? el.dataset.drawn : undefined;
          const last = window.__frames[window.__frames.length - 1];
          if (drawn !== undefined && (!last || last[1] !== drawn)) {
            window.__frames.push([performance.now(), drawn]);
          }
          if (!window.__stop) requestAnimationFrame(poll);
        };
        window.__stop = false;
        requestAnimationFrame(poll);
    }"""
    )
    first = year(page)
    started = time.perf_counter()
    page.locator(".play-button").click()
    time.sleep(seconds)
    page.locator(".play-button").click()  # pause
    elapsed = time.perf_counter() - started
    page.evaluate("() => { window.__stop = true; }")
    frames = page.evaluate("() => window.__frames")
    played = year(page) - first
    redraws = [f for f in frames if int(f[1]) > first]
    if len(redraws) >= 2:
        span = (redraws[-1][0] - redraws[0][0]) / 1000
        redraw_rate = (len(redraws) - 1) / span if span > 0 else float("nan")
    else:
        redraw_rate = float("nan")
    return played / elapsed, redraw_rate, played


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):.0f} ms, p90 {p90:.0f} ms, n={len(ms)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=15, help="Step clicks to time (default 15)")
    parser.add_argument("--play-seconds", type=float, default=10.0, help="Play duration (10)")
    parser.add_argument("--tabs", type=int, default=30, help="tabs for the load test (30)")
    args = parser.parse_args()
    if args.steps < 1 or args.play_seconds <= 0 or args.tabs < 1:
        parser.error("--steps and --tabs must be >= 1 and --play-seconds > 0")

    conf = suite_conftest()
    proc, url, start_s = start_app_server(conf)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=conf.CHROMIUM, args=conf.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            load_s = open_app(page, url)
            charts_at(page, 0)
            print(f"server start to HTTP 200: {start_s:.1f} s; page load to usable: {load_s:.1f} s")
            print(f"server memory, 1 tab: {rss_mb(proc.pid):.0f} MB")
            print(f"Step to charts redrawn (1 tab): {summary(step_latency(page, args.steps))}")
            years_s, redraws_s, played = play_rate(page, args.play_seconds)
            print(
                f"Play, as fast as it can draw, {args.play_seconds:.0f} s: {years_s:.1f} years/s "
                f"played, {redraws_s:.1f} chart redraws/s in the browser ({played} years)"
            )
            page.locator(".reset-button").click()
            expect(page.locator(".year-counter")).to_have_text("Year 0")

            context = browser.new_context(viewport={"width": 1280, "height": 900})
            others = []
            started = time.perf_counter()
            for _ in range(args.tabs - 1):
                other = context.new_page()
                open_app(other, url)
                others.append(other)
            opened = time.perf_counter() - started
            print(f"opened {args.tabs - 1} more tabs in {opened:.1f} s ({args.tabs} in all)")
            print(f"server memory, {args.tabs} tabs: {rss_mb(proc.pid):.0f} MB")
            page.bring_to_front()
            times = step_latency(page, args.steps)
            print(f"Step to charts redrawn ({args.tabs} tabs open): {summary(times)}")
            isolated = all(year(o) == 0 for o in others)
            print(f"other tabs still at year 0 (no shared state): {isolated}")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
