"""The app in a real browser: Debian's headless Chromium against ``solara run app.py``.

Every page here is ``offline_page`` (tests/conftest.py): any request to a host other
than this machine is blocked and fails the test, so these also check that the app
needs no internet (scripts, styles, fonts and ECharts all come from the venv).
Charts mark themselves ``data-drawn="<year>"`` once ECharts has drawn that year.
"""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import expect

from stpgame.core import scenarios

pytestmark = pytest.mark.browser

LOAD = 60_000  # ms: first load of a page (server kernel start, assets)


def open_app(page, url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    expect(page.locator(".year-counter")).to_have_text("Year 0", timeout=LOAD)
    expect(page.locator(".chart-welfare")).to_have_attribute("data-drawn", "0", timeout=LOAD)


def year(page) -> int:
    return int(page.locator(".year-counter").inner_text().split()[-1])


def step(page, times: int = 1) -> None:
    for _ in range(times):
        target = year(page) + 1
        page.locator(".step-button").click()
        expect(page.locator(".year-counter")).to_have_text(f"Year {target}")


def drawn(page, chart: str, at: int) -> None:
    expect(page.locator(f".chart-{chart}")).to_have_attribute("data-drawn", str(at))


def canvas(page, chart: str) -> str:
    return page.locator(f".chart-{chart} canvas").first.evaluate("c => c.toDataURL()")


def choose(page, select_class: str, option: str) -> None:
    page.locator(f".{select_class}").click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.locator(".v-menu__content.menuable__content__active")).to_have_count(0)


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def test_page_loads_offline_with_charts(offline_page, app_server):
    open_app(offline_page, app_server)
    expect(offline_page.locator(".chart")).to_have_count(8)
    expect(offline_page.get_by_text("The whole system", exact=True)).to_be_visible()
    expect(offline_page.get_by_text("Each organisation on its own", exact=True)).to_be_visible()
    loaded = offline_page.evaluate(
        "() => document.fonts.ready.then(() => [...document.fonts]"
        ".filter(f => f.status === 'loaded').map(f => f.family))"
    )
    assert any("Roboto" in f for f in loaded), f"text font not loaded locally: {loaded}"
    assert any("Material Design Icons" in f for f in loaded), f"icons not loaded: {loaded}"
    assert offline_page.outside_requests == []
    # Solara's corner banner would sit over the bottom-right chart's title (stpgame.ui.style)
    expect(offline_page.get_by_text("This website runs on")).to_have_count(0)


def test_step_and_play_redraw_the_charts(offline_page, app_server):
    page = offline_page
    open_app(page, app_server)
    step(page)
    drawn(page, "welfare", 1)
    before = canvas(page, "welfare")
    step(page)
    drawn(page, "welfare", 2)
    assert canvas(page, "welfare") != before
    numbers = page.locator(".value-system-balance").inner_text()
    choose(page, "speed-select", "10 years a second")
    choose(page, "stop-select", "10")
    page.locator(".play-button").click()
    expect(page.locator(".year-counter")).to_have_text("Year 10", timeout=30_000)
    expect(page.locator(".play-button")).to_contain_text("Play")  # stopped by itself
    drawn(page, "welfare", 10)
    drawn(page, "pooling", 10)
    assert page.locator(".value-system-balance").inner_text() != numbers


def test_picking_a_preset_resets_the_run(offline_page, app_server):
    page = offline_page
    open_app(page, app_server)
    step(page, 2)
    canterbury = scenarios.get("canterbury")
    choose(page, "scenario-select", canterbury.title)
    expect(page.locator(".year-counter")).to_have_text("Year 0")
    expect(page.get_by_text(canterbury.summary)).to_be_visible()
    expect(page.locator(".run-bar-title")).to_have_text(canterbury.title)


def test_ab_shows_two_different_outcomes(offline_page, app_server):
    """B with every surplus and deficit shared across its footprint (risk share moved to
    100% with the keyboard) pools more than A (docs/decisions.md). B's other starting
    difference, one control total per footprint, moves little: with the unearned STF paid
    out again the system's money is nearly the same either way."""
    page = offline_page
    open_app(page, app_server)
    open_tab(page, "Different rules (A/B)")
    page.locator(".rule-risk_share-B [role=slider]").focus()
    page.keyboard.press("End")
    expect(page.locator(".ab-diff")).to_contain_text("Risk share")
    step(page, 3)
    a = page.locator(".ab-a .value-pooling").inner_text()
    b = page.locator(".ab-b .value-pooling").inner_text()
    assert float(b.rstrip("%")) > float(a.rstrip("%"))
    drawn(page, "ab_pooling", 3)


def test_play_as_decision_changes_the_participants_result(offline_page, app_server):
    page = offline_page
    open_app(page, app_server)
    open_tab(page, "Play an organisation")
    page.locator(".player-take").click()
    results = []
    for button in ("player-keep", "player-pool"):
        page.locator(".reset-button").click()
        expect(page.locator(".year-counter")).to_have_text("Year 0")
        page.locator(f".{button}").click()
        page.locator(".player-step").click()
        expect(page.locator(".year-counter")).to_have_text("Year 1")
        results.append(page.locator(".value-player-balance").inner_text())
    assert results[0] != results[1]


def test_export_downloads_a_csv(offline_page, app_server):
    page = offline_page
    open_app(page, app_server)
    step(page, 2)
    open_tab(page, "Download")
    with page.expect_download() as info:
        page.locator(".download-model-A").click()
    download = info.value
    assert download.suggested_filename.endswith("_model_A.csv")
    df = pd.read_csv(download.path())
    assert list(df["round"]) == [1, 2]
    with page.expect_download() as info:
        page.locator(".download-charts").click()
    with open(info.value.path(), "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_two_tabs_do_not_share_state(browser, app_server):
    from conftest import block_outside_requests

    contexts = [browser.new_context() for _ in range(2)]
    try:
        pages = []
        for context in contexts:
            blocked = block_outside_requests(context)
            page = context.new_page()
            open_app(page, app_server)
            pages.append((page, blocked))
        first, second = pages[0][0], pages[1][0]
        step(first, 3)
        assert year(second) == 0
        step(second)
        assert year(first) == 3 and year(second) == 1
        second.reload()  # a reload is a new game too
        expect(second.locator(".year-counter")).to_have_text("Year 0", timeout=LOAD)
        assert year(first) == 3
        assert pages[0][1] == [] and pages[1][1] == []
    finally:
        for context in contexts:
            context.close()


IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
LAYOUT = """() => {
  const box = (s) => document.querySelector(s).getBoundingClientRect();
  const page = document.documentElement.scrollWidth;
  const together = box('.collective-column'), alone = box('.individual-column');
  const table = box('.individual-table table'), card = box('.individual-card');
  const buttons = [...document.querySelectorAll('.run-bar .v-btn')].map(b => b.getBoundingClientRect().right);
  return {page, stacked: alone.top >= together.bottom - 1, side_by_side: alone.left >= together.right - 1,
          table_right: table.right, card_right: card.right, buttons_right: Math.max(...buttons)};
}"""


@pytest.mark.parametrize(
    ("viewport", "agent", "stacked"),
    [
        ({"width": 390, "height": 844}, IPHONE, True),  # phone: sidebar closed
        ({"width": 1280, "height": 720}, None, False),  # projector, sidebar open
    ],
)
def test_together_and_alone_fit_the_screen(browser, app_server, viewport, agent, stacked):
    from conftest import block_outside_requests

    context = browser.new_context(viewport=viewport, user_agent=agent)
    blocked = block_outside_requests(context)
    try:
        page = context.new_page()
        page.goto(app_server)
        expect(page.locator(".year-counter")).to_have_text("Year 0", timeout=LOAD)
        step(page)
        drawn(page, "welfare", 1)
        layout = page.evaluate(LAYOUT)
        assert layout["page"] <= viewport["width"]  # nothing sticks out sideways
        assert layout["stacked"] is stacked and layout["side_by_side"] is not stacked
        # the whole table of each organisation on its own is inside its card: no column cut off
        assert layout["table_right"] <= layout["card_right"]
        assert layout["buttons_right"] <= viewport["width"]  # Play, Step and Reset reachable
        assert blocked == []
    finally:
        context.close()
