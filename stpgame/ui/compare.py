"""Same places, different rules: rules A (the sidebar) against rules B, year by year.

Both runs use the same scenario, footprints and seed and step together (the
Session does that), so any difference between the two columns comes from the
rules alone.
"""

from __future__ import annotations

import solara

from stpgame.ui import charts, texts
from stpgame.ui.controls import RulesPanel
from stpgame.ui.overview import ChartView, SystemCard
from stpgame.ui.places_view import PlacePickerB, place_difference
from stpgame.ui.rules import RULES, STRATEGY_PARAM, format_value
from stpgame.ui.state import TabState
from stpgame.ui.style import Md


def differences(state: TabState) -> list[str]:
    """The rules that differ between A and B, in words."""
    s = state.session
    a, b = s.params("A").as_dict(), s.params("B").as_dict()
    out = [
        f"**{r.label}**: A {format_value(name, a[name])}, B {format_value(name, b[name])}"
        for name, r in RULES.items()
        if a[name] != b[name]
    ]
    for org_type, param in STRATEGY_PARAM.items():
        if a[param] != b[param]:
            out.append(f"**What {texts.org_label(org_type, plural=True).lower()} do** differs")
    place = place_difference(s)  # two real places compared (stpgame.ui.places_view)
    return out + ([place] if place else [])


@solara.component
def Differences(state: TabState):
    """Which rules B changes from A, in words (or a prompt to change one)."""
    _ = state.settings.value
    diff = differences(state)
    if diff:
        Md("Rules B differ from A in: " + "; ".join(diff) + ".", classes=["ab-diff"])
    else:
        solara.Warning("Rules B are the same as rules A: change one below to compare.")


@solara.component
def RulesB(state: TabState):
    """The rules panel for side B."""
    settings = state.settings.value
    with solara.Details("Change rules B", expand=True):
        PlacePickerB(state, settings)  # or compare two real places (places_view)
        RulesPanel(state, "B", settings)


@solara.component
def Compare(state: TabState, version: int):
    """(``version``: the tab's tick, passed down so only the page listens to it.)"""
    s = state.session
    with s.lock:
        ha, hb, version = s.a.history, s.b.history, s.version
        items = charts.compare(ha, hb)
    Md(
        f"## Same places, different rules — year {s.round}\n"
        "The same organisations, footprints and luck (seed). Rules A are set in the sidebar; "
        "rules B below. Play and Step move both.",
        classes=["view-title"],
    )
    Differences(state)
    with solara.Div(classes=["two-up", "ab-cards"]):
        with solara.Column(classes=["ab-a"]):
            SystemCard(ha, version, title="Rules A")
        with solara.Column(classes=["ab-b"]):
            SystemCard(hb, version, title="Rules B")
    with solara.Div(classes=["two-up", "ab-charts"]):
        for chart in items:
            ChartView(chart, height=300)
    RulesB(state)
