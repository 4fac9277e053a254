"""The page: tabs in the app bar, controls in the sidebar, one Session per browser tab."""

from __future__ import annotations

import solara
import solara.lab

from stpgame.ui import texts
from stpgame.ui.compare import Compare
from stpgame.ui.controls import RunBar, Sidebar
from stpgame.ui.downloads import Downloads
from stpgame.ui.explain import Explain
from stpgame.ui.game_panel import GamePanel
from stpgame.ui.network_panel import NetworkPanel
from stpgame.ui.overview import Overview
from stpgame.ui.places_view import EnglandView
from stpgame.ui.play_as import PlayAs
from stpgame.ui.release import use_release_on_close
from stpgame.ui.state import TabState, use_tab_state
from stpgame.ui.style import Style

VIEWS = (Overview, NetworkPanel, Compare, PlayAs, GamePanel, Explain, Downloads, EnglandView)


@solara.component
def Live(state: TabState):
    """The only listener of the tab's tick: a played year is one render pass.

    (Solara renders once per listening component; the views get the tick as a
    prop instead. Only the open tab is drawn, so Play redraws just what is seen.)
    """
    version = state.tick.value
    RunBar(state, version)
    with solara.Column():
        VIEWS[state.tab.value](state, version)


@solara.component
def Page():
    """The explorer page: one tab's game, its sidebar and its views."""
    state = use_tab_state()
    use_release_on_close()
    with solara.Column(gap="0px"):  # no gaps for the invisible parts (style, title, bars)
        Style()
        solara.Title(texts.APP_TITLE)
        with solara.AppBarTitle():
            solara.Text(texts.APP_TITLE)
        with (
            solara.AppBar(),
            solara.lab.Tabs(value=state.tab, background_color="#1565c0", dark=True),
        ):
            for label in texts.TABS:
                solara.lab.Tab(label)
        with solara.Sidebar():
            Sidebar(state)
        Live(state)
