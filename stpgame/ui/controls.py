"""Sidebar controls: scenario preset, Play / Step / Reset and speed, the rules, strategies, seed.

Slider ranges and help come from ``stpgame.core.params`` through ``rules.Rule``;
every change goes through the Session, which validates it and starts the run
again. The Play loop runs in a thread of this tab (``use_thread``) that plays
one year, redraws, and waits for the chosen speed; it is cancelled by a flag,
never interrupted mid-year.
"""

from __future__ import annotations

import threading
import time

import solara
from solara import v

from stpgame.core import scenarios
from stpgame.core.params import ORG_TYPES, check_seed
from stpgame.errors import ParameterError
from stpgame.strategies import REGISTRY
from stpgame.ui import texts
from stpgame.ui.chart_widget import FrameAck
from stpgame.ui.places_view import PlacePicker
from stpgame.ui.rules import MAIN_RULES, MORE_RULES, Rule, format_value
from stpgame.ui.state import AUTO, TabState
from stpgame.ui.style import Expander

SPEEDS = {
    "1 year a second": 1.0,
    "2 years a second": 2.0,
    "5 years a second": 5.0,
    "10 years a second": 10.0,
    "As fast as it can draw": 0.0,
}
STOP_AT = (10, 20, 30, 50, 100, 200, 500)


@solara.component
def ScenarioPicker(state: TabState, settings: int):
    """Choose a scenario preset; shows its summary, description and sources."""
    s = state.session
    by_title = {sc.title: sc.name for sc in scenarios.all_scenarios()}

    def pick(title: str) -> None:
        state.playing.set(False)
        state.footprint.set(0)
        state.beside.set(AUTO)
        state.attempt(lambda: s.choose_scenario(by_title[title]))

    solara.Select(
        "Scenario",
        values=list(by_title),
        value=s.preset.title,
        on_value=pick,
        classes=["scenario-select"],
    )
    solara.Text(s.preset.summary, classes=["scenario-summary"])
    if s.preset.name in texts.WHERE_TO_LOOK:
        solara.Text(
            texts.WHERE_TO_LOOK[s.preset.name], classes=["scenario-summary", "where-to-look"]
        )
    preset = s.preset
    Expander(
        "What this scenario shows, and its sources",
        lambda: solara.Markdown(
            preset.description + "\n\n" + "\n".join(f"- {src}" for src in preset.sources)
        ),
    )


@solara.component
def RunBar(state: TabState, version: int):
    """Year, Play/Pause, Step, Reset and the scenario's name, stuck to the top of the page.

    (Not in the app bar: Solara draws the app bar's content in a second pass, and
    each pass walks the whole page; here a played year costs one.)
    """
    s = state.session
    playing = state.playing.value
    speed, stop_at = state.speed.value, state.stop_at.value

    def loop(cancel: threading.Event) -> None:
        if not playing:
            return
        wait = 1.0 / speed if speed else 0.0
        while not cancel.is_set():
            started = time.perf_counter()
            if s.round >= stop_at or s.finished:
                state.playing.set(False)
                return
            s.step(1)
            state.changed()
            state.pacer.wait(s.version)  # the browser has drawn this year
            cancel.wait(max(wait - (time.perf_counter() - started), 0.001))

    solara.use_thread(loop, dependencies=[playing, speed, stop_at], intrusive_cancel=False)

    def step() -> None:
        state.attempt(lambda: s.step(1), settings=False)

    def reset() -> None:
        state.playing.set(False)
        state.attempt(s.reset, settings=False)

    with solara.Row(gap="10px", classes=["run-bar"], style={"align-items": "center"}):
        FrameAck(s.version, state.pacer.acked)
        solara.Text(f"Year {s.round}", classes=["year-counter"])
        solara.Button(
            "Pause" if playing else "Play",
            icon_name="mdi-pause" if playing else "mdi-play",
            color="primary",
            on_click=lambda: state.playing.set(not playing),
            disabled=s.round >= stop_at and not playing,
            classes=["play-button"],
        )
        solara.Button(
            "Step",
            icon_name="mdi-skip-next",
            color="primary",
            outlined=True,
            on_click=step,
            disabled=playing or s.finished,
            classes=["step-button"],
        )
        solara.Button(
            "Reset",
            icon_name="mdi-restart",
            color="primary",
            outlined=True,
            on_click=reset,
            classes=["reset-button"],
        )
        solara.Text(s.preset.title, classes=["run-bar-title"])


@solara.component
def PlaySettings(state: TabState):
    """How fast Play goes and where it stops."""
    words = {v: k for k, v in SPEEDS.items()}
    with solara.Row(gap="8px"):
        solara.Select(
            "Play speed",
            values=list(SPEEDS),
            value=words[state.speed.value],
            on_value=lambda label: state.speed.set(SPEEDS[label]),
            classes=["speed-select"],
        )
        solara.Select(
            "Play stops at year",
            values=list(STOP_AT),
            value=state.stop_at.value,
            on_value=lambda x: state.stop_at.set(int(x)),
            classes=["stop-select"],
        )


@solara.component
def RuleControl(state: TabState, side: str, r: Rule, settings: int):
    """One rule: its room label (help and source on hover), its value in words, a slider.

    (``settings`` changes with every setting: passed down so only one component listens.)
    """
    s = state.session
    value = s.value(side, r.name)

    def set_value(x) -> None:
        if (
            r.param.kind not in ("bool", "choice")
            and abs(float(x) - float(value)) < r.slider_step / 2  # type: ignore[arg-type]
        ):
            return  # the slider snapping the preset's value onto its grid, not a move
        state.attempt(lambda: s.set_rule(side, r.name, x))

    with solara.Column(gap="0px", classes=["rule"]):
        with solara.Row(justify="space-between", classes=["rule-head"]):
            with solara.Tooltip(r.tooltip), solara.Row(gap="4px", classes=["rule-label"]):
                solara.Text(r.label)
                v.Icon(small=True, children=["mdi-information-outline"])
            solara.Text(format_value(r.name, value), classes=["rule-value"])
        changed = [c["year"] for c in s.changes if c["side"] == side and r.name in c["params"]]
        if changed:  # moved mid-game: the year carried on, the rule applies from then
            solara.Text(f"changed from year {changed[-1]}", classes=["rule-changed"])
        if r.param.kind == "bool":
            solara.Switch(
                label="", value=bool(value), on_value=set_value, classes=[f"rule-{r.name}"]
            )
        elif r.param.kind == "choice":
            solara.ToggleButtonsSingle(
                value=str(value),
                values=list(r.param.choices),
                on_value=set_value,
                classes=[f"rule-{r.name}-{side}"],
            )
        else:
            v.Slider(
                v_model=value,
                on_v_model=set_value,
                min=r.low,
                max=r.high,
                step=r.slider_step,
                hide_details=True,
                class_=f"rule-{r.name}-{side}",
            )


@solara.component
def StrategyControl(state: TabState, side: str, org_type: str, settings: int):
    """What one organisation type does: the scenario's mix, or a share following one rule."""
    s = state.session
    name, share = s.strategy_choice(side, org_type)
    words = {texts.PRESET_MIX: None} | {texts.strategy_label(k): k for k in REGISTRY}
    current = texts.PRESET_MIX if name is None else texts.strategy_label(name)

    def choose(label: str) -> None:
        state.attempt(lambda: s.set_strategy(side, org_type, words[label], share))

    def set_share(x: float) -> None:
        state.attempt(lambda: s.set_strategy(side, org_type, name, x))

    solara.Select(
        f"What {texts.org_label(org_type, plural=True).lower()} do",
        values=list(words),
        value=current,
        on_value=choose,
        classes=[f"strategy-{org_type}-{side}"],
    )
    if name is not None:
        with solara.Row(justify="space-between"):
            solara.Text("Share doing this (the rest: the scenario's mix)", classes=["rule-label"])
            solara.Text(f"{share:.0%}", classes=["rule-value"])
        v.Slider(
            v_model=share,
            on_v_model=set_share,
            min=0.0,
            max=1.0,
            step=0.05,
            hide_details=True,
            class_=f"share-{org_type}-{side}",
        )


@solara.component
def RulesPanel(state: TabState, side: str, settings: int):
    """All rule controls for one side (A in the sidebar, B on the comparison tab)."""
    for r in MAIN_RULES:
        RuleControl(state, side, r, settings)

    def more() -> None:
        for r in MORE_RULES:
            RuleControl(state, side, r, settings)

    def strategies() -> None:
        for t in ORG_TYPES:
            StrategyControl(state, side, t, settings)

    Expander("More rules", more)
    Expander("What each kind of organisation does (strategies)", strategies)


@solara.component
def SeedControl(state: TabState, settings: int):
    """The seed: the same seed and rules replay exactly the same run.

    A refused seed is shown under its own box (not with the other messages at the
    top of the sidebar) and goes as soon as the box holds a good one again; the run
    restarts only when the seed really changes.
    """
    s = state.session
    text, set_text = solara.use_state(str(s.seed))
    message, set_message = solara.use_state("")

    def commit(value: str | None) -> None:
        value = value or ""
        set_text(value)
        try:
            seed = check_seed(value)
            if seed is None:
                raise ParameterError("seed", "a whole number >= 0", value)
        except ParameterError as exc:
            set_message(str(exc))
            return
        set_message("")
        if seed != s.seed:
            state.attempt(lambda: s.set_seed(seed))

    with solara.Tooltip(
        "The same seed and rules give exactly the same run; change it to see other luck."
    ):
        solara.InputText(
            "Seed (luck)",
            value=text,
            on_value=commit,
            continuous_update=False,
            error=message or False,
            classes=["seed-input"],
        )


@solara.component
def ErrorMessage(state: TabState):
    """The last rejected input, in words."""
    if state.error.value:
        solara.Error(state.error.value, classes=["input-error"])


@solara.component
def Sidebar(state: TabState):
    """The explorer's sidebar: scenario, Play settings, rules A and the seed."""
    settings = state.settings.value  # the sidebar's one listener: a pass per change, not one each
    ScenarioPicker(state, settings)
    PlacePicker(state, settings)  # real footprints (stpgame.ui.places_view)
    PlaySettings(state)
    ErrorMessage(state)
    solara.Markdown("### The rules (A)")
    RulesPanel(state, "A", settings)
    SeedControl(state, settings)
