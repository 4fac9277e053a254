"""The workshop pages' components, rendered without a browser, each in its own kernel context
(as for a browser tab), with the cross-tab redraw run at once instead of on a thread.

What only a browser can show (localStorage, the layout at 390 px, the Sankey drawn)
is in tests/test_browser_workshop.py.
"""

from __future__ import annotations

import json

import ipyvuetify as v
import pytest
import solara
from reacton.find import finder
from solara.server import kernel, kernel_context

from stpgame.ui import workshop_html, workshop_widgets
from stpgame.ui.workshop_pages import FacilitatorRoom, ParticipantRoom
from stpgame.ui.workshop_widgets import LevelPickerWidget
from stpgame.workshop import Room, views


class _AtOnce:
    """Stands in for the redraw thread pool: each page redraws before the change returns."""

    def submit(self, fn, *args):
        fn(*args)


@pytest.fixture(autouse=True)
def redraw_at_once(monkeypatch):
    monkeypatch.setattr(workshop_widgets, "_notify", _AtOnce())


class Tab:
    """One rendered page and its kernel context; ``act`` runs a browser action in it."""

    def __init__(self, n: int, element):
        self.context = kernel_context.VirtualKernelContext(
            id=f"test-{n}", session_id=f"test-{n}", kernel=kernel.Kernel()
        )
        with self.context:
            _box, self.rc = solara.render(solara.AppLayout(children=[element]), handle_error=False)

    def act(self, action) -> None:
        with self.context:
            action()

    def close(self) -> None:
        with self.context:
            self.rc.close()


@pytest.fixture
def tab():
    """Render a component in a fresh kernel context, as the server does for each tab."""
    made: list[Tab] = []

    def render(element) -> Tab:
        made.append(Tab(len(made), element))
        return made[-1]

    yield render
    for page in made:
        page.close()


def html(page: Tab) -> str:
    """All the HTML and text the page shows, joined."""
    parts: list[str] = []

    def visit(w) -> bool:
        parts.append(str(getattr(w, "unsafe_innerHTML", "") or ""))
        children = getattr(w, "children", None)
        if isinstance(children, list | tuple):
            parts.extend(c for c in children if isinstance(c, str))
        return False

    finder(page.rc)._walk(visit)
    return "\n".join(parts)


def picker(page: Tab) -> LevelPickerWidget:
    found: list = []
    finder(page.rc)._walk(lambda w: isinstance(w, LevelPickerWidget) and found.append(w) and False)
    assert len(found) == 1
    return found[0]


def button(page: Tab, css: str) -> v.Btn:
    found: list = []

    def visit(w) -> bool:
        if isinstance(w, v.Btn) and css in (w.class_ or "").split():
            found.append(w)
        return False

    finder(page.rc)._walk(visit)
    assert len(found) == 1, css
    return found[0]


def seated(room: Room, name: str, body: int):
    person = room.join(name)
    room.take(person.token, body)
    return person


def test_a_participant_submits_and_every_page_follows_the_year(tab):
    room = Room.open("fortress", seed=2, structure="simple")
    asha, ben = seated(room, "Asha", 0), seated(room, "Ben", 1)
    page_a, page_b = tab(ParticipantRoom(room, asha.token)), tab(ParticipantRoom(room, ben.token))
    fac = tab(FacilitatorRoom(room, room.facilitator_key, "room"))
    assert "Not sent yet" in html(page_a)

    page_a.act(lambda: picker(page_a).vue_submit({"level": 0.25}))
    assert room.pending[0].level == 0.25
    assert "Sent for year 1: 25% (by Asha)" in html(page_a)
    assert "1 of 2 played bodies have decided year 1" in html(fac)

    fac.act(lambda: button(fac, "next-year").fire_event("click", {}))
    assert room.year == 1  # forced: Ben's body ran on autopilot
    for page in (page_a, page_b, fac):
        assert ">Year 1<" in html(page)
    shown = html(page_b)
    assert "What your partners did in year 1" in shown and "Asha" in shown
    assert "your balance, year 1" in html(page_a) and "Not sent yet" in html(page_a)


def test_a_refused_decision_is_shown_beside_the_button(tab):
    room = Room.open("fortress", seed=2, structure="simple")
    asha = seated(room, "Asha", 0)
    page = tab(ParticipantRoom(room, asha.token))
    page.act(lambda: picker(page).vue_submit({"level": 2}))
    assert 0 not in room.pending
    assert "parameter 'level': allowed a number in [0, 1]; got 2" in html(page)


def test_names_are_shown_as_text_not_markup(tab):
    room = Room.open("fortress", seed=2, structure="simple")
    eve = seated(room, "<img src=x onerror=alert(1)>", 0)
    other = seated(room, "Ben", 1)
    room.decide(eve.token, 1.0)
    room.decide(other.token, 0.0)
    room.advance()
    for page in (tab(ParticipantRoom(room, eve.token)), tab(ParticipantRoom(room, other.token))):
        shown = html(page)
        assert "<img" not in shown and "&lt;img src=x" in shown


def test_a_decision_reuses_the_years_tables_and_each_block_is_built_once():
    room = Room.open("fortress", seed=2, structure="simple")
    asha, ben = seated(room, "Asha", 0), seated(room, "Ben", 0)
    room.decide(asha.token, 1.0)
    room.advance()
    first = views.snapshot(room)
    books = workshop_html.books(first, 0)
    assert workshop_html.books(first, 0) is books  # a second page of the same body shares it
    assert workshop_html.flows(first, 0) is workshop_html.flows(first, 0)
    room.decide(ben.token, 0.0)  # a decision: a new snapshot, the same year's tables
    second = views.snapshot(room)
    assert second is not first and second.version > first.version
    assert second.together is first.together and second.flows is first.flows
    assert second.bodies[0].decided and not first.bodies[0].decided
    room.advance()
    third = views.snapshot(room)
    assert third.together is not first.together and third.rounds == (1, 2)


def test_the_presenter_and_debrief_show_the_room(tab):
    room = Room.open("fortress", seed=2, structure="simple")
    key = room.facilitator_key
    asha = seated(room, "Asha", 0)
    assert "Nothing to debrief yet" in html(tab(FacilitatorRoom(room, key, "debrief")))
    room.decide(asha.token, 1.0)
    room.advance()
    shown = html(tab(FacilitatorRoom(room, key, "presenter")))
    assert "footprint balance, year 1" in shown and "decided by Asha" in shown
    assert shown.count("autopilot decided") == 3  # the three bodies nobody played
    assert "The game next year:" in shown
    assert f"/join/{room.code}" in shown and "<svg" in shown  # the join address and QR code
    fac = tab(FacilitatorRoom(room, key, "debrief"))
    charts: list = []
    finder(fac.rc)._walk(lambda w: hasattr(w, "drawn_key") and charts.append(w) and False)
    assert sorted(c.attributes["class"] for c in charts) == [
        "chart chart-books",
        "chart chart-fp-flows",
        "chart chart-fp-flows-all",
        "chart chart-timeline",
        "chart chart-together",
    ]
    assert all(c.drawn_key == "1" for c in charts)
    assert "below zero is a year the footprint did better" in html(fac)
    assert "What each body&#x27;s decisions did to the others" in html(fac)


def test_the_rule_sliders_come_from_ui_rules_and_events_are_offered(tab):
    from stpgame.ui import rules
    from stpgame.ui.workshop_pages import RULE_SLIDERS, Events, RuleChanger

    room = Room.open("fortress", seed=2, structure="simple")
    page = tab(RuleChanger(room, lambda action: action()))
    sliders: list = []
    finder(page.rc)._walk(lambda w: isinstance(w, v.Slider) and sliders.append(w) and False)
    assert [(s.label, s.min, s.max, s.step) for s in sliders] == [
        (r.label, r.low, r.high, r.slider_step) for r in RULE_SLIDERS
    ]
    assert RULE_SLIDERS[0].label == rules.rule("system_weight").label
    assert "own books only" in html(page)  # the value in words, as the explorer shows it
    events = tab(Events(room, views.snapshot(room), lambda action: action()))
    button(events, "event-funding_cut").fire_event("click", {})
    assert room.param("funding_growth") == pytest.approx(0.011 - 0.02)


def test_the_reconnect_script_has_its_timings_filled_in():
    """The page's reconnect script is a template: every timing placeholder must be a number
    in the page (a stray ``LATE`` would be a script error, and the page would never come
    back), and the timings must keep their order (answer late < lost; ask each second)."""
    import re

    template = workshop_widgets.ReconnectWidget().template
    script = template.split("<script>")[1].split("</script>")[0]
    assert not re.search(r"\b(TICK|PERIOD|LATE|LOST)\b", script), script
    w = workshop_widgets
    assert f"setInterval(() => this.check(), {w.RECONNECT_TICK_MS})" in script
    assert f"now - this.last > {w.RECONNECT_LATE_MS}" in script
    assert f"now - this.last > {w.RECONNECT_LOST_MS}" in script
    assert w.RECONNECT_TICK_MS <= 1000 < w.RECONNECT_PERIOD_MS < w.RECONNECT_LATE_MS
    assert w.RECONNECT_LATE_MS < w.RECONNECT_LOST_MS


def test_the_facilitator_sees_when_a_restored_room_is_not_the_session_as_played(tab):
    room = Room.open("fortress", seed=2, structure="simple")
    room.advance(force=True)
    assert "Restored room" not in html(tab(FacilitatorRoom(room, room.facilitator_key, "room")))
    data = json.loads(room.session_file())
    data["params"]["history_years"] = 0  # rules that cannot give the file's results
    restored = Room.from_dict(data)
    shown = html(tab(FacilitatorRoom(restored, restored.facilitator_key, "room")))
    assert "Restored room: saved by stpgame" in shown and "different results" in shown
