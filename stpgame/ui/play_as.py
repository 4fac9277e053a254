"""Play an organisation: a participant takes one body and decides its pooling each year.

Everyone else follows their strategies. Beside the participant's result runs
the same game with that body on autopilot (its own strategy), so the page can
say what the participant's choices did: to their own books and rating, and to
the whole system.
"""

from __future__ import annotations

import numpy as np
import solara
from solara import v

from stpgame.core import regulation
from stpgame.ui import charts
from stpgame.ui.overview import BigNumber, ChartView
from stpgame.ui.state import TabState, money, percent, pounds
from stpgame.ui.style import Md


@solara.component
def Chooser(state: TabState):
    """Pick a footprint and an organisation in it, then take it over (or hand it back)."""
    _ = state.settings.value
    s = state.session
    structure = s.a.model.structure
    labels = s.org_labels()
    player = s.player
    start_fp = int(structure.footprint[player.index]) if player else 0
    fp, set_fp = solara.use_state(start_fp)
    fp = min(fp, structure.n_footprints - 1)
    members = [int(k) for k in np.flatnonzero(structure.footprint == fp)]
    default_org = player.index if player and player.index in members else members[0]
    org, set_org = solara.use_state(default_org)
    if org not in members:
        org = members[0]

    names = list(structure.footprint_names)
    with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Select(
            "Footprint",
            values=names,
            value=names[fp],
            on_value=lambda name: set_fp(names.index(name)),
            classes=["player-footprint"],
        )
        solara.Select(
            "Organisation",
            values=[labels[k] for k in members],
            value=labels[org],
            on_value=lambda name: set_org(labels.index(name)),
            classes=["player-org"],
        )
        solara.Button(
            "Take over this organisation",
            icon_name="mdi-account-arrow-right",
            color="primary",
            on_click=lambda: state.attempt(lambda: s.set_player(org)),
            disabled=player is not None and player.index == org,
            classes=["player-take"],
        )
        if player is not None:
            solara.Button(
                "Hand back to autopilot",
                icon_name="mdi-robot",
                on_click=lambda: state.attempt(lambda: s.set_player(None)),
                classes=["player-release"],
            )


@solara.component
def Decision(state: TabState, version: int):
    """The participant's pooling level for next year, and the button that plays it."""
    s = state.session
    p = s.player
    if p is None:
        return
    returns = s.player_returns()
    lag = s.params("A").savings_lag

    def set_level(x) -> None:
        state.attempt(lambda: s.set_level(x), settings=False)

    with solara.Card("Your decision for next year", classes=["decision-card"]):
        with solara.Row(justify="space-between"):
            solara.Text("How much of your free budget do you pool?", classes=["rule-label"])
            solara.Text(f"{p.level:.0%}", classes=["big-value", "player-level-value"])
        v.Slider(
            v_model=p.level,
            on_v_model=set_level,
            min=0.0,
            max=1.0,
            step=0.05,
            hide_details=True,
            class_="player-level",
        )
        with solara.Row(gap="8px"):
            solara.Button("Keep it all", on_click=lambda: set_level(0.0), classes=["player-keep"])
            solara.Button("Pool it all", on_click=lambda: set_level(1.0), classes=["player-pool"])
            solara.Button(
                "Play next year",
                icon_name="mdi-skip-next",
                color="primary",
                on_click=lambda: state.attempt(lambda: s.step(1), settings=False),
                disabled=state.playing.value or s.finished,
                classes=["player-step"],
            )
        if returns is not None:
            own, system = returns
            Md(
                f"Each **£1** you pool now comes back, after {lag} years and allowing for the "
                f"wait, as **{pounds(own)}** net to your own books and "
                f"**{pounds(system)}** net to your whole area. "
                + (
                    "Keeping it is better for you alone; pooling is better for everyone: "
                    "a prisoner's dilemma."
                    if own < 0 < system
                    else "Right now your own interest and your area's point the same way."
                ),
                classes=["card-note"],
            )


@solara.component
def Results(state: TabState, version: int):
    """What the participant's choices did, against the same game on autopilot."""
    s = state.session
    with s.lock:
        p = s.player
        if p is None:
            return
        log = list(p.log)
        label = s.org_labels()[p.index]
    if not log:
        solara.Info("Choose how much to pool, then press 'Play next year'.")
        return
    last = log[-1]
    rating = regulation.RATINGS[int(last["rating"])]
    with solara.Div(classes=["two-up", "player-cards"]):
        with solara.Card(f"You: {label}, year {int(last['round'])}", classes=["player-card"]):
            with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
                BigNumber("your balance this year", money(last["balance"]), key="player-balance")
                BigNumber(
                    "your regulatory score",
                    f"{100 * last['score']:+.2f}%",
                    rating,
                    key="player-score",
                )
                BigNumber(
                    "of your partners pooled", percent(last["partners_pooled"]), key="partners"
                )
            solara.Text(
                f"On autopilot this body would have had {money(last['auto_balance'])} "
                f"(score {100 * last['auto_score']:+.2f}%). Added up since you took over: "
                f"you {money(last['cumulative'])}, autopilot {money(last['auto_cumulative'])}.",
                classes=["card-note", "player-vs-auto"],
            )
        with solara.Card("The whole system", classes=["system-card"]):
            with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
                BigNumber("system balance", money(last["system_balance"]), key="player-system")
                BigNumber("collective welfare", money(last["welfare"]), key="player-welfare")
            solara.Text(
                f"With your body on autopilot: system balance {money(last['auto_system_balance'])}, "
                f"welfare {money(last['auto_welfare'])}.",
                classes=["card-note"],
            )
    with solara.GridFixed(columns=2):
        for chart in charts.player(log):
            ChartView(chart, height=300)
    rows = "".join(
        f"| {int(r['round'])} | {r['level']:.0%} | {money(r['balance'])} | "
        f"{100 * r['score']:+.2f}% | {percent(r['partners_pooled'])} | {money(r['welfare'])} |\n"
        for r in reversed(log)
    )
    # every year since the player took over, newest first; the box scrolls when it is long
    Md(
        "| year | you pooled | your balance | your score | partners pooling | system welfare |\n"
        "|---|---|---|---|---|---|\n" + rows,
        classes=["type-table", "player-history"],
    )


@solara.component
def PlayAs(state: TabState, version: int):
    """Play one organisation yourself, beside the same game with it on autopilot."""
    Md(
        "## Play an organisation\n"
        "Take the part of one organisation. Everyone else follows their strategies. "
        "Each year you decide how much of your free (discretionary) budget to pool "
        "into joined-up, preventive services. The same game runs beside yours with your "
        "organisation on autopilot, so you can see what your choices did.",
        classes=["view-title"],
    )
    Chooser(state)
    Decision(state, version)
    Results(state, version)
