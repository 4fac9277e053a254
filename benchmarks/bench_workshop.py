"""Workshop rooms under load: 30 participants in 3 rooms against one server.

    .venv/bin/python benchmarks/bench_workshop.py [--rooms 3] [--people 10] [--years 4]
    .venv/bin/python benchmarks/bench_workshop.py --browsers      # every page a Chromium page
    .venv/bin/python benchmarks/bench_workshop.py --server-only   # the server's redraw alone

Starts ``solara run app.py`` (offline, no telemetry, a private data folder), opens
``--rooms`` rooms (simple footprint: 4 bodies, so 10 people make teams of 2-3),
and joins ``--people`` participants to each. Each year every participant submits
a decision, then:

- **one room at a time** (odd years): its facilitator presses "Next year";
- **all rooms at once** (even years): the facilitators press within a few
  milliseconds of each other;

and the time from the press to every page of those rooms (participants and
facilitator) being updated is recorded. Also the server's memory (resident set
size, psutil) at start, with every page open and at the end, and (simulated
participants) the server's CPU time per "Next year".

Three ways to play the participants:

- **simulated participants** (default; ``_simclient.SimPage``): each page is a
  websocket client that speaks Solara's protocol as its front end does: it
  loads the page, receives every widget and update, clicks and submits with
  the same messages a browser sends. "Updated" = the page has received the last
  message the change sent it (nothing more arrives for 0.5 s), timed on one
  clock. This is the server's side of the target: in a workshop every
  participant's browser runs on their own laptop or phone, so what the shared
  server must do is compute and send 33 pages' updates; the clients here cost
  the server's 2 cores little. Not included: the time a device then takes to
  draw the update: for that, ``--real-pages K`` (default 1) makes K participants
  of the first room real Chromium pages among the simulated ones, and reports
  separately when they show the new year with its Sankey diagram drawn.
- **``--browsers``**: every page is a Chromium page (Playwright), all on the
  same 2 cores as the server. "Updated" = the page shows the new year
  (a MutationObserver in the page, ``Date.now()`` in the browser). 33 browsers
  drawing their Sankey diagrams on the server's 2 cores is far more work than a
  workshop puts on its server, so this is an upper bound.
- **``--server-only``**: no server process and no clients: the real page
  components rendered in one Solara kernel context each (as for a browser tab),
  then the wall and CPU time from ``room.advance()`` until every page has
  re-rendered (sending included, to no one).
- **``--recovery``**: a room with a facilitator on the presenter view and
  ``--people`` participants, all Chromium pages; the server is killed (as a
  crash) and started again on the same port ``--restarts`` times; the time from
  the server answering again to every page having reloaded itself (nobody presses
  anything) and showing the room is recorded (target: within 15 s,
  issue 19). Each restart also prints when each page showed the room (its own
  clock) and the CPU time the server and Chromium spent meanwhile: the pages'
  reloads, not the server's re-render, are the cost. The pages keep their HTTP
  cache, as a participant's browser does (nothing can leave this machine all the
  same, and any attempt fails the run); ``--uncached`` blocks outside requests by
  Playwright routing instead, as the browser tests do, which switches the cache
  off: every reload then fetches ~4 MB of scripts, styles and fonts again.

Target (issue 9): under 1 s from "Next year" to every page updated on this 2-core
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
from _timing import (  # benchmarks/_timing.py: the script's folder is on sys.path
    start_app_server,
    suite_conftest,
)

ROOT = Path(__file__).resolve().parents[1]
LOAD = 120_000
QUIET = 0.5  # s without a message: a page has everything a change sent it
BODIES = 4  # the simple footprint the "Open room" form offers first

WATCH = """(target) => {
  window.__seen = null;
  const check = () => {
    const el = document.querySelector('.room-year');
    if (el && el.textContent.trim() === target && window.__seen === null) {
      window.__seen = Date.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  check();
}"""
CLICK_TIME = """() => {
  window.__clicked = null;
  document.addEventListener('click', (e) => {
    if (e.target.closest('.next-year')) window.__clicked = Date.now();
  }, {capture: true, once: true});
}"""


SHOWN = """
window.__watchShown = () => {  // when a .room-year not marked before the restart shows
  window.__shown = null;
  new MutationObserver((_, observer) => {
    if (document.querySelector('.room-year:not(.before-restart)')) {
      window.__shown = Date.now();
      observer.disconnect();
    }
  }).observe(document, {subtree: true, childList: true});
};
window.__watchShown();
"""
MARK = """() => {
  window.__before_restart = true;  // gone if the page reloads
  document.querySelectorAll('.room-year').forEach((e) => e.classList.add('before-restart'));
  window.__watchShown();
}"""


def cpu_tree(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` and all its descendants."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return total
    for p in procs:
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system
    return total


def rss_mb(proc: subprocess.Popen) -> float:
    p = psutil.Process(proc.pid)
    return sum(q.memory_info().rss for q in [p, *p.children(recursive=True)]) / 2**20


def cpu_s(proc: subprocess.Popen) -> float:
    times = psutil.Process(proc.pid).cpu_times()
    return times.user + times.system


def level(k: int, year: int) -> float:
    """Participant ``k``'s decision in ``year``: all or nothing, alternating."""
    return 1.0 if (k + year) % 2 else 0.0


def report(args, one_room: list[float], all_rooms: list[float], mem: dict, extra: str = ""):
    n = args.rooms * args.people
    pages = "simulated pages" if not args.browsers else "Chromium pages"
    print(f"\n{n} participants in {args.rooms} rooms (+{args.rooms} facilitator pages), one server")
    print(
        f"Next year, one room ({args.people + 1} pages): every one of its {pages} updated, "
        f"median {statistics.median(one_room):.2f} s, max {max(one_room):.2f} s "
        f"over {len(one_room)} presses"
    )
    if all_rooms:
        print(
            f"Next year in all {args.rooms} rooms at once ({n + args.rooms} pages): every one "
            f"of the {pages} updated, median {statistics.median(all_rooms):.2f} s, "
            f"max {max(all_rooms):.2f} s over {len(all_rooms)} presses"
        )
    if extra:
        print(extra)
    print("server memory: " + ", ".join(f"{k} {v:.0f} MB" for k, v in mem.items()))


# -- simulated participants ---------------------------------------------------------------------


REAL_WATCH = """(year) => {
  window.__seen = null;
  const check = () => {
    const el = document.querySelector('.room-year');
    const chart = document.querySelector('.chart-flows');
    const drawn = !chart || chart.dataset.drawn === String(year);
    if (el && el.textContent.trim() === `Year ${year}` && drawn && window.__seen === null) {
      window.__seen = Date.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, {subtree: true, childList: true, characterData: true,
                                   attributes: true, attributeFilter: ['data-drawn']});
  check();
}"""


class RealPage:
    """A participant in a real Chromium page (Playwright's async API), among simulated ones."""

    def __init__(self, page):
        self.page = page

    async def join(self, url: str, code: str, name: str, body: int) -> None:
        await self.page.goto(f"{url}/join/{code}")
        await self.page.locator(".name-input input").fill(name, timeout=LOAD)
        await self.page.locator(".name-join").click()
        await self.page.locator(f".take-{body}").click(timeout=LOAD)
        await self.page.locator(".submit-decision").wait_for(timeout=LOAD)

    async def submit(self, value: float) -> None:
        await self.page.locator(".pool-all" if value else ".keep-all").click()
        await self.page.locator(".submit-decision").click()

    async def arm(self, year: int) -> None:
        await self.page.evaluate(REAL_WATCH, year)

    async def seen(self, year: int) -> float:
        """When (epoch seconds) the page showed ``year`` with its Sankey diagram drawn."""
        await self.page.wait_for_function("window.__seen !== null", timeout=LOAD)
        return await self.page.evaluate("window.__seen") / 1000.0


async def simulated(args, conf, proc: subprocess.Popen, url: str, mem: dict) -> None:
    from _simclient import SimPage

    browser = None
    if args.real_pages:
        from playwright.async_api import async_playwright

        pw = await async_playwright().start()
        browser = await pw.chromium.launch(executable_path=conf.CHROMIUM, args=conf.CHROMIUM_ARGS)
    rooms = []
    real: list[RealPage] = []
    for r in range(args.rooms):
        fac = SimPage(url)
        await fac.open("/workshop")
        await fac.click("open-room")
        found = await fac.wait_for(lambda p: re.search(r"room-code'>(\w+)<", p.text()))
        code = found.group(1)
        people = []
        for k in range(args.people):
            if r == 0 and k < args.real_pages:
                context = await browser.new_context(viewport={"width": 1024, "height": 768})
                await context.route(
                    lambda u: not conf.is_local_url(u), lambda route: route.abort("blockedbyclient")
                )
                page = RealPage(await context.new_page())
                await page.join(url, code, f"P{r}-{k}", k % BODIES)
                real.append(page)
                continue
            page = SimPage(url)
            await page.open(f"/join/{code}")
            await page.fill("name-input", f"P{r}-{k}")
            await page.click("name-join")
            await page.click(f"take-{k % BODIES}")
            people.append((page, await page.widget("level-picker")))
        rooms.append((code, fac, people))
        print(f"room {code}: {args.people} participants joined")
    mem["all pages open"] = rss_mb(proc)
    everyone = [p for _, fac, people in rooms for p in [fac, *(q for q, _ in people)]]

    async def quiet() -> float:
        """Wait until no page has received anything for QUIET s; the last arrival time."""
        while True:
            last = max((p.received[-1][0] for p in everyone if p.received), default=0.0)
            if time.perf_counter() - last >= QUIET:
                return last
            await asyncio.sleep(0.05)

    one_room: list[float] = []
    all_rooms: list[float] = []
    drawn: list[float] = []  # real pages: Next year to the new year drawn
    cpu: dict[int, list[float]] = {1: [], args.rooms: []}  # by rooms advanced at once
    for year in range(1, args.years + 1):
        which = [[r] for r in range(args.rooms)] if year % 2 else [list(range(args.rooms))]
        for r in range(args.rooms):
            _, fac, people = rooms[r]
            for k, (page, picker) in enumerate(people, start=len(real) if r == 0 else 0):
                await page.event(picker, "submit", {"level": level(k, year)})
            if r == 0:
                for k, page in enumerate(real):
                    await page.submit(level(k, year))
            decided = f"{BODIES} of {BODIES} played bodies have decided year {year}"
            await fac.wait_for(lambda f, decided=decided: decided in f.text())
        for group in which:
            await quiet()
            pages = [p for r in group for p in [rooms[r][1], *(q for q, _ in rooms[r][2])]]
            watched = real if 0 in group else []
            for page in watched:
                await page.arm(year)
            before = cpu_s(proc)
            start, wall = time.perf_counter(), time.time()
            await asyncio.gather(*(rooms[r][1].click("next-year") for r in group))
            for page in pages:
                await page.wait_for(lambda p, year=year: f">Year {year}<" in p.text(), LOAD / 1000)
            for page in watched:
                drawn.append(await page.seen(year) - wall)
            await quiet()
            cpu[len(group)].append(cpu_s(proc) - before)
            done = max(max(t for t, _ in p.received if t > start) for p in pages)
            (one_room if len(group) == 1 else all_rooms).append(done - start)
        print(f"year {year} played in every room")
    mem["end"] = rss_mb(proc)
    for page in everyone:
        await page.close()
    if browser is not None:
        await browser.close()
        await pw.stop()
    extra = (
        "server CPU per Next year (user + system, until every page has its update): "
        + ", ".join(
            f"{n} room{'s' * (n > 1)} median {statistics.median(v):.2f} s"
            for n, v in cpu.items()
            if v
        )
    )
    if drawn:
        extra += (
            f"\n{len(real)} real Chromium page(s) in the first room, Next year to the new year "
            f"shown with its Sankey diagram drawn: median {statistics.median(drawn):.2f} s, "
            f"max {max(drawn):.2f} s over {len(drawn)} presses"
        )
    report(args, one_room, all_rooms, mem, extra)


# -- real browsers ---------------------------------------------------------------------------------


def browsers(args, conf, proc: subprocess.Popen, url: str, mem: dict) -> None:
    from playwright.sync_api import expect, sync_playwright

    one_room: list[float] = []
    all_rooms: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=conf.CHROMIUM, args=conf.CHROMIUM_ARGS)

        def new_page():
            # one context per person: each has its own localStorage, as on their own device
            context = browser.new_context(viewport={"width": 1024, "height": 768})
            conf.block_outside_requests(context)
            return context.new_page()

        rooms = []
        for r in range(args.rooms):
            fac = new_page()
            fac.goto(url + "/workshop")
            fac.locator(".open-room").click(timeout=LOAD)
            expect(fac.locator(".room-code")).to_be_visible(timeout=LOAD)
            code = fac.locator(".room-code").inner_text()
            people = []
            for k in range(args.people):
                page = new_page()
                page.goto(f"{url}/join/{code}")
                page.locator(".name-input input").fill(f"P{r}-{k}", timeout=LOAD)
                page.locator(".name-join").click()
                page.locator(f".take-{k % BODIES}").click(timeout=LOAD)
                expect(page.locator(".submit-decision")).to_be_visible(timeout=LOAD)
                people.append(page)
            rooms.append((code, fac, people))
            print(f"room {code}: {args.people} participants joined")
        mem["all pages open"] = rss_mb(proc)

        def play(year: int, which: list[int]) -> float:
            for r in which:
                _, fac, people = rooms[r]
                for k, page in enumerate(people):
                    page.locator(".pool-all" if level(k, year) else ".keep-all").click()
                    page.locator(".submit-decision").click()
                expect(fac.locator(".next-year").first).to_have_text("Next year", timeout=LOAD)
            pages = [p for r in which for p in [rooms[r][1], *rooms[r][2]]]
            for page in pages:
                page.evaluate(WATCH, f"Year {year}")
            for r in which:
                rooms[r][1].evaluate(CLICK_TIME)
            for r in which:
                rooms[r][1].locator(".next-year").first.click()
            for page in pages:
                expect(page.locator(".room-year").first).to_have_text(f"Year {year}", timeout=LOAD)
            clicked = min(rooms[r][1].evaluate("window.__clicked") for r in which)
            seen = max(page.evaluate("window.__seen") for page in pages)
            return (seen - clicked) / 1000.0

        for year in range(1, args.years + 1):
            if year % 2:
                for r in range(args.rooms):  # one room after another
                    one_room.append(play(year, [r]))
            else:
                all_rooms.append(play(year, list(range(args.rooms))))
            print(f"year {year} played in every room")
        mem["end"] = rss_mb(proc)
        browser.close()
    report(args, one_room, all_rooms, mem)


# -- pages after a server restart ------------------------------------------------------------------


def recovery(args, conf) -> None:
    """Kill and restart the server under open pages; time until every page is back."""
    import urllib.error
    import urllib.request

    from playwright.sync_api import expect, sync_playwright

    data = Path(tempfile.mkdtemp(prefix="bench-workshop-"))
    port = conf.free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [*conf._solara_command(), "run", "app.py", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--production", "--no-check-version", "--no-open"]
    env = {**conf.server_env(), "STPGAME_DATA": str(data)}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def start() -> tuple[subprocess.Popen, float]:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited with code {proc.returncode}")
            try:
                with opener.open(url + "/join", timeout=5) as response:
                    if response.status == 200:
                        return proc, time.perf_counter()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)

    proc, _ = start()
    back: list[float] = []
    outside: list[list[str]] = []  # per page: requests to other hosts (there must be none)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=conf.CHROMIUM, args=conf.CHROMIUM_ARGS)

            def new_page(viewport):
                context = browser.new_context(viewport=viewport)
                if args.uncached:
                    # Playwright's request routing, as the browser tests use: it also switches
                    # the browser's HTTP cache off, so each reload fetches ~4 MB again
                    outside.append(conf.block_outside_requests(context))
                else:
                    # A participant's browser keeps the scripts, styles and fonts in its HTTP
                    # cache. Nothing leaves this machine all the same: CHROMIUM_ARGS resolve
                    # every other host to "not found", and any attempt is recorded here.
                    tried: list[str] = []
                    for event in ("request", "websocket"):
                        context.on(
                            event,
                            lambda r, t=tried: (
                                t.append(r.url) if not conf.is_local_url(r.url) else None
                            ),
                        )
                    outside.append(tried)
                context.add_init_script(SHOWN)  # each load notes when the room shows
                return context.new_page()

            fac = new_page({"width": 1280, "height": 720})
            fac.goto(url + "/workshop")
            fac.locator(".open-room").click(timeout=LOAD)
            expect(fac.locator(".room-code")).to_be_visible(timeout=LOAD)
            code = fac.locator(".room-code").inner_text()
            fac.locator(".view-presenter").click()
            expect(fac.locator(".presenter")).to_be_visible(timeout=LOAD)
            pages = [fac]
            for k in range(args.people):
                page = new_page({"width": 390, "height": 844})
                page.goto(f"{url}/join/{code}")
                page.locator(".name-input input").fill(f"P{k}", timeout=LOAD)
                page.locator(".name-join").click()
                page.locator(f".take-{k % BODIES}").click(timeout=LOAD)
                expect(page.locator(".submit-decision")).to_be_visible(timeout=LOAD)
                pages.append(page)
            print(f"room {code}: presenter and {args.people} participants open")
            for n in range(args.restarts):
                for page in pages:
                    page.evaluate(MARK)
                proc.kill()
                proc.wait()
                proc, answered = start()
                wall = time.time()  # the pages' clock (Date.now()) for the same moment
                # Chromium runs under Playwright's driver, a child of this process; the server not
                cpu = {"server": cpu_tree(proc.pid), "Chromium+Playwright": cpu_tree(os.getpid())}
                for page in pages:  # reloaded by itself, showing the room drawn anew
                    page.wait_for_function("window.__before_restart === undefined", timeout=LOAD)
                    expect(page.locator(".room-year:not(.before-restart)").first).to_be_visible(
                        timeout=LOAD
                    )
                back.append(time.perf_counter() - answered)
                cpu = {
                    k: cpu_tree(proc.pid if k == "server" else os.getpid()) - v
                    for k, v in cpu.items()
                }
                shown = sorted(page.evaluate("window.__shown") / 1000 - wall for page in pages)
                print(
                    f"restart {n + 1}: every page back {back[-1]:.1f} s after the server answered"
                    f" (load average {os.getloadavg()[0]:.1f}); each page showed the room at "
                    + " ".join(f"{t:.1f}" for t in shown)
                    + " s; CPU meanwhile: "
                    + ", ".join(f"{k} {v:.1f} s" for k, v in cpu.items())
                )
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    tried = sorted({u for urls in outside for u in urls})
    if tried:
        raise SystemExit("pages tried to reach other hosts:\n  " + "\n  ".join(tried))
    cache = "HTTP cache off (Playwright routing)" if args.uncached else "with their HTTP cache"
    print(
        f"\n{args.people + 1} Chromium pages (presenter + participants; {cache}), {len(back)} server "
        f"restarts: every page back {statistics.median(back):.1f} s (median), "
        f"max {max(back):.1f} s after the server answered again (target 15 s)"
    )


# -- the server's redraw alone ----------------------------------------------------------------------


def server_only(rooms: int, people: int, years: int) -> None:
    """Every page's server-side redraw after Next year, without clients (see module doc)."""
    import solara
    from solara.server import kernel, kernel_context

    from stpgame.ui import workshop_widgets
    from stpgame.ui.workshop_pages import FacilitatorRoom, ParticipantRoom
    from stpgame.workshop import Room

    done: list[float] = []
    deliver = workshop_widgets._deliver

    def timed(context, set_version, version):
        deliver(context, set_version, version)
        done.append(time.perf_counter())

    workshop_widgets._deliver = timed
    all_rooms = []
    for r in range(rooms):
        room = Room.open("fortress", seed=r + 1, structure="simple")
        tokens = []
        for k in range(people):
            person = room.join(f"P{r}-{k}")
            room.take(person.token, k % room.n_bodies)
            tokens.append(person.token)
        for k in range(people + 1):
            context = kernel_context.VirtualKernelContext(
                id=f"bench-{r}-{k}", session_id=f"bench-{r}-{k}", kernel=kernel.Kernel()
            )
            with context:
                page = (
                    ParticipantRoom(room, tokens[k])
                    if k < people
                    else FacilitatorRoom(room, room.facilitator_key, "room")
                )
                solara.render(solara.AppLayout(children=[page]), handle_error=False)
        all_rooms.append((room, tokens))
    pages = rooms * (people + 1)
    for year in range(1, years + 1):
        for room, tokens in all_rooms:
            for k, token in enumerate(tokens):
                room.decide(token, level(k, year))
        while workshop_widgets._notify._work_queue.qsize():
            time.sleep(0.01)
        time.sleep(0.2)
        done.clear()
        cpu, start = time.process_time(), time.perf_counter()
        for room, _ in all_rooms:
            room.advance()
        while len(done) < pages:
            time.sleep(0.002)
        print(
            f"year {year}: {pages} pages re-rendered {max(done) - start:.2f} s after Next year "
            f"({time.process_time() - cpu:.2f} s CPU)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rooms", type=int, default=3)
    ap.add_argument("--people", type=int, default=10, help="participants per room")
    ap.add_argument("--years", type=int, default=4)
    how = ap.add_mutually_exclusive_group()
    how.add_argument("--browsers", action="store_true", help="every page a Chromium page")
    how.add_argument("--server-only", action="store_true", help="no clients: server redraw only")
    how.add_argument("--recovery", action="store_true", help="Chromium pages after server restarts")
    ap.add_argument("--restarts", type=int, default=3, help="--recovery: server restarts")
    ap.add_argument(
        "--uncached",
        action="store_true",
        help="--recovery: block outside requests by Playwright routing, as the browser tests "
        "do, which also switches off the pages' HTTP cache (each reload fetches all again)",
    )
    ap.add_argument(
        "--real-pages",
        type=int,
        default=1,
        help="simulated mode: this many participants of the first room are Chromium pages",
    )
    args = ap.parse_args()
    if not 0 <= args.real_pages <= args.people:
        ap.error(f"--real-pages: allowed 0 to --people ({args.people}); got {args.real_pages}")
    if args.server_only:
        server_only(args.rooms, args.people, args.years)
        return
    conf = suite_conftest()
    if args.recovery:
        recovery(args, conf)
        return
    data = Path(tempfile.mkdtemp(prefix="bench-workshop-"))
    proc, url, _ = start_app_server(conf, {"STPGAME_DATA": str(data)}, probe="/join")
    print(f"server {url}, data {data}")
    mem = {"start": rss_mb(proc)}
    try:
        if args.browsers:
            browsers(args, conf, proc, url, mem)
        else:
            asyncio.run(simulated(args, conf, proc, url, mem))
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
