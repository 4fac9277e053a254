"""Real places in real browsers: a workshop room opened on Devon seats Devon's real bodies.

Uses the workshop test's own server (``solara run app.py`` with a private data folder);
every page is offline.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_browser_workshop import LOAD, PHONE, PROJECTOR, UPDATE, new_page, server  # noqa: F401

from stpgame import places

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def pick_option(page, name: str) -> None:
    """Click ``name`` in the open Vuetify menu, which draws a long list 20 items at a time
    (more as it scrolls)."""
    option = page.get_by_role("option", name=name, exact=True)
    menu = page.locator(".menuable__content__active")
    for _ in range(10):
        if option.count():
            break
        menu.evaluate("e => { e.scrollTop = e.scrollHeight }")
        page.wait_for_timeout(300)
    option.click()


def test_a_room_opened_on_devon_shows_its_real_bodies(browser, server):  # noqa: F811
    blocked: list[list[str]] = []
    fac = new_page(browser, PROJECTOR, blocked)
    fac.goto(server.url + "/workshop")
    devon = places.find("Devon")
    fac.locator(".v-select", has_text="Footprint").click(timeout=LOAD)
    pick_option(fac, f"Devon (real footprint, {devon.bodies} bodies)")
    fac.locator(".open-room").click()
    expect(fac.locator(".room-code")).to_be_visible(timeout=LOAD)
    code = fac.locator(".room-code").inner_text()

    person = new_page(browser, PHONE, blocked)
    person.goto(server.url + "/join")
    person.locator(".code-input input").fill(code.lower(), timeout=LOAD)
    person.locator(".code-join").click()
    person.locator(".name-input input").fill("Asha", timeout=LOAD)
    person.locator(".name-join").click()
    seats = person.locator(".take-body")
    expect(seats).to_have_count(devon.bodies, timeout=LOAD)
    text = " ".join(seats.all_inner_texts())
    for body in places.members("Devon"):
        assert body.name in text  # every seat is a real body, by its own name
    k = [b.name for b in places.members("Devon")].index("Devon Partnership NHS Trust")
    person.locator(f".take-{k}").click()
    expect(person.locator(".my-body")).to_have_text(
        "You play: Devon Partnership NHS Trust", timeout=UPDATE
    )
    expect(fac.locator(".joined")).to_contain_text("1 joined", timeout=UPDATE)
    assert not any(blocked_list for blocked_list in blocked), blocked


def test_england_tab_tiles_open_their_footprint(offline_page, app_server):
    from test_browser_app import open_app, open_tab

    page = offline_page
    open_app(page, app_server)  # the first preset, fortress: all 44 real footprints
    open_tab(page, "England's 44 places")
    expect(page.locator(".england-tile")).to_have_count(44, timeout=LOAD)
    expect(page.locator(".england-region")).to_have_count(5)
    expect(page.locator(".tile-E54000037")).to_contain_text("Devon")
    page.locator(".tile-E54000037").click()
    # inside the England run, a tile opens that footprint's relationships
    expect(page.get_by_role("tab", name="Relationships", exact=True)).to_have_attribute(
        "aria-selected", "true", timeout=UPDATE
    )
    expect(page.locator(".footprint-select")).to_contain_text("Devon (10 organisations)")
    # the sidebar's Place plays one footprint on its own, with its bodies' real names
    page.locator(".place-select").click()
    pick_option(page, "Somerset")
    expect(page.locator(".footprint-select")).to_contain_text("Somerset", timeout=LOAD)
    # A/B: rules B on another place
    open_tab(page, "Different rules (A/B)")
    page.locator(".place-b-select").click(timeout=LOAD)
    pick_option(page, "Devon")
    expect(page.locator(".ab-diff")).to_contain_text("B Devon", timeout=LOAD)
    expect(page.locator(".ab-diff")).to_contain_text("A Somerset")
    assert page.outside_requests == []
