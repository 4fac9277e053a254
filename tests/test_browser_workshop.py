"""A workshop room in real browsers: a facilitator and four participants (one on a phone).

The test runs its own ``solara run app.py`` with a private data folder, so it can
kill the server in the middle of the room and start it again: nothing submitted
may be lost, and every participant gets their seat back. Every page is offline
(any request to another host fails the test).
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, _solara_command, block_outside_requests, free_port, server_env
from playwright.sync_api import expect

from stpgame.workshop import Room

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOAD = 60_000
UPDATE = 5_000  # ms: other pages must show a change well within this (measured: see docs/app.md)
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}


class Server:
    """``solara run app.py`` on a fixed port with its own data folder; can be killed and restarted."""

    def __init__(self, data, logs):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data, self.logs = data, logs
        self.proc = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        env = {**server_env(), "STPGAME_DATA": str(self.data)}
        cmd = [
            *_solara_command(),
            "run",
            "app.py",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--production",
            "--no-check-version",
            "--no-open",
        ]
        log = open(self.logs / f"server{self.starts}.log", "wb")  # noqa: SIM115 (kept open while it runs)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.logs / f"server{self.starts}.log").read_text()
            try:
                with opener.open(self.url + "/join", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise AssertionError("server did not start")

    def kill(self) -> None:
        """Like a crash: no chance to save anything on the way out."""
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "data", tmp_path)
    s.start()
    yield s
    if s.proc.poll() is None:
        s.proc.terminate()
        try:
            s.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            s.proc.kill()


@pytest.fixture(autouse=True)
def close_pages_afterwards(browser):
    """Every page a test opened is closed when it ends: left open, a room page whose server
    has gone keeps asking for its address every second (the reconnect script) and slows
    every test after it."""
    yield
    for context in list(browser.contexts):
        context.close()


def new_page(browser, viewport, blocked):
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    blocked.append(block_outside_requests(context))
    return context.new_page()


def open_room(page, url) -> str:
    page.goto(url + "/workshop")
    page.locator(".open-room").click(timeout=LOAD)
    expect(page.locator(".room-code")).to_be_visible(timeout=LOAD)
    return page.locator(".room-code").inner_text()


def join(page, url, code, name, body):
    page.goto(url + "/join")
    page.locator(".code-input input").fill(code.lower(), timeout=LOAD)
    page.locator(".code-join").click()
    page.locator(".name-input input").fill(name, timeout=LOAD)
    page.locator(".name-join").click()
    page.locator(f".take-{body}").click(timeout=LOAD)
    expect(page.locator(".submit-decision")).to_be_visible(timeout=LOAD)
    assert "seat=" in page.url


def decide(page, how: str, steps_left: int = 0) -> str:
    """Pool it all or keep it all, then ``steps_left`` slider steps (5% each) down; submit."""
    page.locator(".pool-all" if how == "pool" else ".keep-all").click()
    level = 100 if how == "pool" else 0
    expect(page.locator(".my-level")).to_have_text(f"{level}%")
    if steps_left:
        page.locator(".level-slider [role=slider]").focus()
        for _ in range(steps_left):
            page.keyboard.press("ArrowLeft")
        level = max(0, level - 5 * steps_left)
        expect(page.locator(".my-level")).to_have_text(f"{level}%")
    page.locator(".submit-decision").click()
    expect(page.locator(".submitted")).to_contain_text(f"{level}%")
    return f"{level}%"


def year_everywhere(pages, year: int, timeout=UPDATE) -> None:
    for page in pages:
        expect(page.locator(".room-year").first).to_have_text(f"Year {year}", timeout=timeout)


def test_facilitator_and_four_participants_play_three_years(browser, server):
    blocked: list[list[str]] = []
    url = server.url
    fac = new_page(browser, PROJECTOR, blocked)
    code = open_room(fac, url)
    fac_url = fac.url
    assert "key=" in fac_url and 4 <= len(code) <= 6
    other_fac = new_page(browser, PROJECTOR, blocked)
    other = open_room(other_fac, url)
    assert other != code

    names = ["Asha", "Ben", "Chloe", "Dev"]
    people = [
        new_page(browser, PHONE if k == 3 else {"width": 1024, "height": 800}, blocked)
        for k in range(4)
    ]
    for k, page in enumerate(people):
        join(page, url, code, names[k], k)
    expect(fac.locator(".joined")).to_contain_text("4 joined", timeout=UPDATE)
    # the phone is usable: the decision controls fit the 390 px screen
    phone = people[3]
    box = phone.locator(".submit-decision").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    # year 1: everyone decides; the facilitator sees it; Next year reaches every screen
    levels = [decide(people[0], "pool"), decide(people[1], "keep")]
    levels += [decide(people[2], "pool", steps_left=10), decide(people[3], "keep")]
    assert levels == ["100%", "0%", "50%", "0%"]
    expect(fac.locator(".decided-count")).to_contain_text("4 of 4", timeout=UPDATE)
    expect(fac.locator(".next-year")).to_have_text("Next year")
    start = time.monotonic()
    fac.locator(".next-year").click()
    year_everywhere([fac, *people], 1)
    print(f"\nNext year -> 5 pages updated in {time.monotonic() - start:.2f} s")
    # a participant's decision changes what the others see
    expect(people[1].locator(".partners-table .partner-0 .partner-pooled")).to_have_text("100%")
    expect(people[1].locator(".partners-table .partner-2 .partner-pooled")).to_have_text("50%")
    expect(people[1].locator(".partners-table .partner-0")).to_contain_text("Asha")
    expect(people[0].locator(".chart-flows")).to_have_attribute("data-drawn", "1", timeout=UPDATE)
    paid = people[0].locator(".my-flows").inner_text()
    assert "Pooled by choice" in paid
    assert "Pooled by choice" not in people[1].locator(".my-flows").inner_text()

    # year 2: the facilitator changes the rules without a reset (when the model can)
    fac.locator(".rules-panel .v-expansion-panel-header").click()
    fac.locator(".rules-preset").click()
    fac.get_by_role("option", name="System control total", exact=True).click()
    fac.locator(".apply-preset").click()
    expect(fac.locator(".rules-card")).to_contain_text("from year 2", timeout=UPDATE)
    expect(fac.locator(".room-year").first).to_have_text("Year 1")
    # a participant reloads and keeps the seat and the submitted decision
    decide(people[2], "keep")
    people[2].reload()
    expect(people[2].locator(".my-body")).to_have_text("You play: CCG", timeout=LOAD)
    expect(people[2].locator(".submitted")).to_contain_text("0%")
    for k in (0, 1, 3):
        decide(people[k], "pool")
    expect(fac.locator(".decided-count")).to_contain_text("4 of 4", timeout=UPDATE)
    fac.locator(".next-year").click()
    year_everywhere([fac, *people], 2)

    # year 3: three decide, then the server dies; nothing submitted may be lost
    for k in (0, 1, 2):
        decide(people[k], "keep" if k else "pool")
    expect(fac.locator(".decided-count")).to_contain_text("3 of 4", timeout=UPDATE)
    for page in [fac, *people]:
        page.evaluate("window.__before_restart = true")
    server.kill()
    server.start()
    for page in [fac, *people]:  # the pages reload themselves once the server answers
        page.wait_for_function("window.__before_restart === undefined", timeout=LOAD)
    year_everywhere([fac, *people], 2, timeout=LOAD)
    expect(fac.locator(".decided-count")).to_contain_text("3 of 4")
    for k in (0, 1, 2):
        expect(people[k].locator(".submitted")).to_be_visible()
    expect(people[3].locator(".not-submitted")).to_be_visible()
    expect(people[3].locator(".my-body")).to_contain_text("Council")
    decide(people[3], "pool")
    expect(fac.locator(".next-year")).to_have_text("Next year", timeout=UPDATE)
    fac.locator(".next-year").click()
    year_everywhere([fac, *people], 3)

    # the presenter view: Space plays the next year (one body undecided -> autopilot)
    fac.locator(".view-presenter").click()
    expect(fac.locator(".value-fp-balance")).to_be_visible()
    decide(people[0], "pool")
    fac.keyboard.press("Space")
    year_everywhere([fac, *people], 4)

    # debrief: the decisions CSV holds every decision submitted
    fac.locator(".view-debrief").click()
    expect(fac.locator(".chart-timeline")).to_have_attribute("data-drawn", "4", timeout=UPDATE)
    with fac.expect_download() as download:
        fac.locator(".download-decisions").click()
    df = pd.read_csv(download.value.path())
    assert len(df) == 4 + 4 + 4 + 1
    assert list(df.groupby("year").size()) == [4, 4, 4, 1]
    year1 = df[df["year"] == 1].sort_values("org_id")
    assert list(year1["level"]) == [1.0, 0.0, 0.5, 0.0]
    assert list(year1["name"]) == names
    assert df["counted"].all()
    with fac.expect_download() as download:
        fac.locator(".download-years").click()
    years = pd.read_csv(download.value.path())
    year4 = years[years["round"] == 4].set_index("org_id")["control"]
    assert list(year4) == [
        "human",
        "autopilot (undecided)",
        "autopilot (undecided)",
        "autopilot (undecided)",
    ]

    # the other room never moved
    other_fac.reload()
    expect(other_fac.locator(".room-year").first).to_have_text("Year 0", timeout=LOAD)
    expect(other_fac.locator(".joined")).to_contain_text("0 joined")
    assert (server.data / "rooms" / f"{other}.json").exists()
    for urls in blocked:
        assert urls == [], urls


def test_the_browser_keeps_the_seat_and_the_link_still_works(browser, server):
    blocked: list[list[str]] = []
    url = server.url
    fac = new_page(browser, PROJECTOR, blocked)
    code = open_room(fac, url)
    phone = browser.new_context(viewport=PHONE)  # one person's browser: its own localStorage
    blocked.append(block_outside_requests(phone))
    page = phone.new_page()
    join(page, url, code, "Asha", 2)
    seat = page.url
    decide(page, "pool")
    # nothing on the phone's page is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # the same browser reopens /join/<CODE> without the link: the seat comes back
    again = phone.new_page()
    again.goto(f"{url}/join/{code}")
    expect(again.locator(".my-body")).to_have_text("You play: CCG", timeout=LOAD)
    expect(again.locator(".my-name")).to_have_text("Asha")
    expect(again.locator(".submitted")).to_contain_text("100%")
    assert "seat=" in again.url
    # another browser has no seat kept: it gets the name form
    stranger = new_page(browser, PHONE, blocked)
    stranger.goto(f"{url}/join/{code}")
    expect(stranger.locator(".name-input")).to_be_visible(timeout=LOAD)
    stranger.wait_for_timeout(1500)  # a kept seat would have moved the page on by now
    expect(stranger.locator(".name-input")).to_be_visible()

    # "Not Asha?" lets someone else join from this browser; their seat is then the one kept
    again.locator(".not-me").click()
    again.locator(".name-input input").fill("Ben", timeout=LOAD)
    again.locator(".name-join").click()
    again.locator(".take-3").click(timeout=LOAD)
    expect(again.locator(".my-body")).to_have_text("You play: Council", timeout=LOAD)
    third = phone.new_page()
    third.goto(f"{url}/join/{code}")
    expect(third.locator(".my-name")).to_have_text("Ben", timeout=LOAD)
    expect(fac.locator(".joined")).to_contain_text("2 joined", timeout=UPDATE)

    # the seat link still works on its own, in a browser that never saw it
    elsewhere = new_page(browser, PHONE, blocked)
    elsewhere.goto(seat)
    expect(elsewhere.locator(".my-name")).to_have_text("Asha", timeout=LOAD)
    # a seat link this room does not know is dropped, and the name form says why
    wrong = new_page(browser, PHONE, blocked)
    wrong.goto(f"{url}/join/{code}?seat=not-a-seat")
    expect(wrong.locator(".ws-msg")).to_contain_text("not one of this room's", timeout=LOAD)
    for urls in blocked:
        assert urls == [], urls


HD = {"width": 1920, "height": 1080}


def pounds(text: str) -> float:
    """'−£4.7m' -> -4.7 (the books' format)."""
    text = text.strip().replace("−", "-").replace("£", "").replace("m", "").replace(",", "")
    return float(text)


def tooltips(page, chart: str) -> list[str]:
    """Hover over a grid of points on a chart; every tooltip text shown."""
    box = page.locator(f".{chart}").bounding_box()
    seen = []
    for fx in (0.3, 0.4, 0.5, 0.6, 0.7):
        for fy in (0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85):
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            page.wait_for_timeout(60)
            text = page.locator(f".{chart}").inner_text().strip()
            if text:
                seen.append(text)
    return seen


def choose(page, select_class: str, option: str) -> None:
    page.locator(f".{select_class}").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_the_room_explains_itself(browser, server, tmp_path):
    blocked: list[list[str]] = []
    url = server.url
    fac = new_page(browser, HD, blocked)
    code = open_room(fac, url)
    address = f"http://127.0.0.1:{server.port}/join/{code}"
    # the full join address (host and port) and its QR code, on the room view and the presenter
    expect(fac.locator(".join-link")).to_have_text(address)
    expect(fac.locator(".join-qr svg")).to_be_visible()
    fac.locator(".view-presenter").click()
    expect(fac.locator(".presenter .join-link")).to_have_text(address, timeout=UPDATE)
    assert "view=presenter" in fac.url
    fac.reload()  # a reload stays on the presenter
    expect(fac.locator(".presenter .join-link")).to_have_text(address, timeout=LOAD)
    expect(fac.locator(".presenter .join-qr svg")).to_be_visible()
    assert fac.locator(".presenter").bounding_box()["width"] > 1800  # fills a 1920 px screen

    # a participant on a phone: the slider starts at 50%, then where the team last sent it
    phone = new_page(browser, PHONE, blocked)
    console: list[str] = []
    phone.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    phone.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    join(phone, url, code, "Asha", 2)  # the CCG: its Better Care Fund minimum is counted
    expect(phone.locator(".my-level")).to_have_text("50%")
    phone.locator(".keep-all").click()
    phone.locator(".level-slider [role=slider]").focus()
    for _ in range(4):
        phone.keyboard.press("ArrowRight")
    expect(phone.locator(".my-level")).to_have_text("20%")
    phone.locator(".submit-decision").click()
    expect(phone.locator(".submitted")).to_contain_text("20%", timeout=UPDATE)
    phone.reload()
    expect(phone.locator(".submitted")).to_contain_text("20%", timeout=LOAD)
    expect(phone.locator(".my-level")).to_have_text("20%")
    mate = new_page(browser, {"width": 1024, "height": 800}, blocked)
    join(mate, url, code, "Ben", 2)  # a teammate's slider agrees with what the team sent
    expect(mate.locator(".my-level")).to_have_text("20%")

    # the timer runs again every year until changed
    fac.locator(".view-room").click()
    choose(fac, "timer-select", "2 minutes")
    expect(phone.locator(".countdown")).to_contain_text("left", timeout=UPDATE)
    fac.locator(".next-year").click()
    year_everywhere([fac, phone, mate], 1)
    expect(fac.locator(".timer-select")).to_contain_text("2 minutes")
    expect(phone.locator(".countdown")).to_contain_text("left", timeout=UPDATE)

    # the books add up to the balance shown, and say who decided
    expect(phone.locator(".who-decided")).to_have_text("You pooled 20% in year 1 (sent by Asha).")
    # the minimum is spending it made anyway: said beside what it pooled, not a flow
    expect(phone.locator(".book-chosen")).to_contain_text("Better Care Fund minimum")
    expect(phone.locator(".twin-note")).to_contain_text("vs your autopilot twin")
    rows = [pounds(t) for t in phone.locator(".my-flows .book-value").all_inner_texts()]
    total = pounds(phone.locator(".book-balance").inner_text())
    # income, costs, what it pooled and what else moved: every row, adding up
    assert len(rows) >= 4 and abs(sum(rows) - total) <= 0.05 * len(rows) + 1e-9, (rows, total)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the partners table fits the phone: its rating column is on screen
    table = phone.locator(".partners-table table").bounding_box()
    assert table["x"] + table["width"] <= PHONE["width"]
    # the level sits below the question, not over it
    question = phone.locator(".ws-decision .ws-note").first.bounding_box()
    level = phone.locator(".my-level").bounding_box()
    assert level["y"] >= question["y"] + question["height"] - 1
    assert not [m for m in console if "katex" in m.lower() or m.startswith("pageerror")], console

    # Sankey: tooltips in words and pounds, no internal ids
    expect(phone.locator(".chart-flows")).to_have_attribute("data-drawn", "1", timeout=UPDATE)
    phone.locator(".chart-flows").scroll_into_view_if_needed()
    shown = tooltips(phone, "chart-flows")
    assert any("£" in t for t in shown), shown
    assert not any("out:" in t or "in:" in t for t in shown), shown

    # a rule change reaches the participants in words, and stays up that year
    fac.locator(".rules-panel .v-expansion-panel-header").click()
    choose(fac, "rules-preset", "System control total")
    fac.locator(".apply-preset").click()
    notice = phone.locator(".rule-notice").first
    expect(notice).to_contain_text("Rules changed from year 2", timeout=UPDATE)
    expect(notice).to_contain_text("one for the whole footprint (was each NHS body its own)")
    # the facilitator as commissioner: a winter surge for year 2
    fac.locator(".event-winter_surge").click()
    expect(phone.locator(".rule-notice").last).to_contain_text("Winter surge", timeout=UPDATE)
    expect(phone.locator(".rules-table")).to_contain_text("6.2%")
    fac.locator(".next-year").click()
    year_everywhere([fac, phone], 2)
    expect(phone.locator(".rule-notice").last).to_contain_text("Winter surge is over")
    fac.locator(".view-presenter").click()
    expect(fac.locator(".presenter-rules")).to_contain_text("Winter surge", timeout=UPDATE)
    expect(fac.locator(".tile-0 .tile-who")).to_have_text("autopilot decided")
    expect(fac.locator(".tile-2 .tile-who")).to_contain_text("autopilot decided")  # undecided
    # the event changed year 2: the same log without it plays a different year
    fac.locator(".view-debrief").click()
    expect(fac.locator(".effects-table .effect-2")).to_contain_text("CCG", timeout=UPDATE)
    with fac.expect_download() as download:
        fac.locator(".download-session").click()
    log = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    played = Room.from_dict(log)
    without = dict(log, events=[e for e in log["events"] if not e.get("event")])
    other = Room.from_dict(without)
    assert played.debrief().query("round == 1").equals(other.debrief().query("round == 1"))
    a, b = played.debrief().query("round == 2"), other.debrief().query("round == 2")
    assert not a["balance"].round(6).equals(b["balance"].round(6))

    # the facilitator renames and removes someone, then closes the room
    fac.locator(".view-room").click()
    fac.locator(".edit-person-panel .v-expansion-panel-header").click()
    choose(fac, "edit-who", "Ben (p2)")
    fac.locator(".rename-input input").fill("Team Blue")
    fac.locator(".rename-person").click()
    expect(mate.locator(".my-name")).to_have_text("Team Blue", timeout=UPDATE)
    choose(fac, "edit-who", "Team Blue (p2)")
    fac.locator(".remove-person").click()
    expect(mate.locator(".seat-removed")).to_be_visible(timeout=UPDATE)
    fac.locator(".close-room").click()
    fac.locator(".close-room-yes").click()
    expect(phone.get_by_text("The facilitator has closed this room")).to_be_visible(timeout=UPDATE)
    for urls in blocked:
        assert urls == [], urls


def test_pages_come_back_by_themselves_after_a_server_restart(browser, server):
    blocked: list[list[str]] = []
    url = server.url
    fac = new_page(browser, PROJECTOR, blocked)
    code = open_room(fac, url)
    fac.locator(".view-presenter").click()
    expect(fac.locator(".presenter")).to_be_visible(timeout=UPDATE)
    phone = new_page(browser, PHONE, blocked)
    join(phone, url, code, "Asha", 1)
    decide(phone, "pool")
    for page in (fac, phone):
        page.evaluate("window.__before_restart = true")
    server.kill()
    server.start()
    back = time.monotonic()
    for page in (fac, phone):  # nobody presses reload
        page.wait_for_function("window.__before_restart === undefined", timeout=LOAD)
        expect(page.locator(".room-year").first).to_have_text("Year 0", timeout=LOAD)
    print(f"\npages back {time.monotonic() - back:.1f} s after the server answered")
    expect(phone.locator(".submitted")).to_contain_text("100%")
    expect(fac.locator(".presenter")).to_be_visible()  # still the presenter view
    fac.keyboard.press("Space")  # and live again: Next year reaches the phone
    year_everywhere([fac, phone], 1)
    for urls in blocked:
        assert urls == [], urls


def test_explorer_rule_change_mid_game_keeps_the_year(browser, app_server):
    """The explorer changes a rule mid-game as the room does: the year carries on."""
    blocked: list[list[str]] = []
    page = new_page(browser, {"width": 1280, "height": 900}, blocked)
    page.goto(app_server)
    expect(page.locator(".year-counter")).to_have_text("Year 0", timeout=LOAD)
    for target in (1, 2, 3):  # (a busy machine: each step may take a while)
        page.locator(".step-button").click()
        expect(page.locator(".year-counter")).to_have_text(f"Year {target}", timeout=LOAD)
    page.locator(".rule-control_total-A").get_by_role("button", name="system").click()
    expect(page.locator(".rule-changed")).to_have_text("changed from year 4", timeout=UPDATE)
    expect(page.locator(".year-counter")).to_have_text("Year 3")
    page.locator(".step-button").click()
    expect(page.locator(".year-counter")).to_have_text("Year 4", timeout=LOAD)
    for urls in blocked:
        assert urls == [], urls
