"""Per-tab Solara state: the Session plus the reactive values components listen to.

Created inside the page component (``use_tab_state``), never at module level,
so every browser tab (and every user) gets its own models. Two counters keep
redraws cheap: ``tick`` changes every played year (charts and numbers listen
to it), ``settings`` only when a setting changes (the controls listen to it),
so the sidebar is not redrawn on every year of Play.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import solara

from stpgame.errors import ParameterError
from stpgame.ui.pacer import Pacer
from stpgame.ui.rules import RULES
from stpgame.ui.session import Session

AUTO = -2  # the network view picks the footprint shown beside (see network_panel.beside)
DEFAULT_SPEED = 2.0  # years a second: slow enough for a room to follow
DEFAULT_STOP = 30


@dataclass(frozen=True)
class TabState:
    """One tab's state: its session and the reactive values the components listen to."""

    session: Session
    tick: solara.Reactive[int]  # every change, including each year played
    settings: solara.Reactive[int]  # setting changes only
    playing: solara.Reactive[bool]
    error: solara.Reactive[str]  # the last rejected input, in words
    footprint: solara.Reactive[int]  # footprint shown in the network view
    beside: solara.Reactive[int]  # footprint shown beside it (NONE, or AUTO: see network_panel)
    tab: solara.Reactive[int]  # the open tab
    speed: solara.Reactive[float]  # years a second during Play (0: as fast as it draws)
    stop_at: solara.Reactive[int]  # Play stops at this year
    pacer: Pacer  # Play waits for the browser to draw each year

    def changed(self, settings: bool = False) -> None:
        """Tell the components the session changed (``settings``: a setting, not just a year)."""
        self.tick.set(self.session.version)
        if settings:
            self.settings.set(self.settings.value + 1)

    def attempt(self, change: Callable[[], None], settings: bool = True) -> bool:
        """Apply a session change; a rejected input becomes a message instead of an exception."""
        try:
            change()
        except ParameterError as exc:
            label = RULES[exc.name].label + ": " if exc.name in RULES else ""
            self.error.set(f"{label}{exc}")
            self.changed(settings)  # controls go back to the value actually in use
            return False
        if self.error.value:
            self.error.set("")
        self.changed(settings)
        return True


def use_tab_state(scenario: str | None = None) -> TabState:
    """The state of one browser tab (a hook: call it once, in the page component)."""
    session = solara.use_memo(lambda: Session(scenario), [])
    tick = solara.use_reactive(session.version)
    settings = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    error = solara.use_reactive("")
    footprint = solara.use_reactive(0)
    beside = solara.use_reactive(AUTO)
    tab = solara.use_reactive(0)
    speed = solara.use_reactive(DEFAULT_SPEED)
    stop_at = solara.use_reactive(DEFAULT_STOP)
    return solara.use_memo(
        lambda: TabState(
            session, tick, settings, playing, error, footprint, beside, tab, speed, stop_at, Pacer()
        ),
        [],
    )


def money(x: float | None) -> str:
    """£m with a sign and thousands separators: -2115.3 -> '−£2,115m'."""
    if x is None:
        return "–"
    sign = "−" if x < 0 else ""
    ax = abs(x)
    if ax >= 100:
        return f"{sign}£{ax:,.0f}m"
    if ax >= 1:
        return f"{sign}£{ax:,.1f}m"
    return f"{sign}£{ax:,.2f}m"


def pounds(x: float) -> str:
    """Pounds and pence with a sign: -0.793 -> '−£0.79'."""
    return f"{'−' if x < 0 else '+'}£{abs(x):.2f}"


def count(x: float | None) -> str:
    """2045665.9 -> '2.05 million'; 53120 -> '53,120'."""
    if x is None:
        return "–"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.2f} million"
    return f"{x:,.0f}"


def percent(x: float | None) -> str:
    """0.25 -> '25%'; None -> '–'."""
    return "–" if x is None else f"{x:.0%}"
