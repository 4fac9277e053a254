"""One browser tab's game: the settings, the two runs (rules A and B) and the human player.

Plain Python with no Solara in it, so the logic is tested directly and each tab
creates its own ``Session`` (nothing is shared between tabs or users). Every
change goes through a method that validates its input at the boundary
(``ParameterError`` names the setting, what is allowed and the value given) and
resets or advances both runs together, so A and B always show the same year.
A lock makes the Play thread and button clicks take turns.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np

from stpgame.core import checks, regulation, scenarios
from stpgame.core.model import STPModel
from stpgame.core.params import ORG_TYPES, Params, check_seed
from stpgame.errors import ParameterError
from stpgame.strategies import REGISTRY
from stpgame.ui import texts
from stpgame.ui.history import History
from stpgame.ui.rules import STRATEGY_PARAM, compose_mix, rule

SIDES = ("A", "B")
DEFAULT_SEED = 1
MAX_ROUNDS = 500  # a tab never holds more years than this (memory and chart length)


class RuleChange(TypedDict):
    """A rule moved mid-game: from ``year`` on, on ``side``, these ``params``."""

    year: int
    side: str
    params: dict[str, object]


@dataclass
class Rules:
    """One side's changes to the preset: rule values, and a strategy choice per org type."""

    values: dict[str, object] = field(default_factory=dict)
    strategy: dict[str, tuple[str | None, float]] = field(default_factory=dict)


class Run:
    """One model and the history its charts draw."""

    def __init__(self, seed: int, scenario: str, params: Params):
        self.model = STPModel(seed=seed, scenario=scenario, params=params)
        self.history = History(self.model)

    def step(self, choices: dict[int, float]) -> None:
        """Play one year, with the human player's ``choices`` (body index -> pooling level)."""
        for index, level in choices.items():
            self.model.choose(index, level)
        self.model.step()
        self.history.record()


@dataclass
class Player:
    """A participant playing one organisation; ``twin`` is the same run with that body on autopilot."""

    index: int
    level: float
    twin: Run
    log: list[dict[str, float]] = field(default_factory=list)


class Session:
    """Settings and runs of one browser tab."""

    def __init__(self, scenario: str | None = None, seed: int = DEFAULT_SEED):
        self.lock = threading.RLock()
        self.version = 0
        self.scenario = scenarios.get(scenario).name if scenario else scenarios.names()[0]
        checked_seed = check_seed(seed)
        if checked_seed is None:
            raise ParameterError("seed", "a whole number >= 0", seed, "the page needs a fixed seed")
        self.seed: int = checked_seed
        self.rules = self._preset_rules()
        self.place = ""  # a real footprint played on its own (stpgame.places); "": the preset's
        self.place_b: str | None = None  # rules B on another place (None: the same as A)
        self.player: Player | None = None
        self.choices: list[dict[int, float]] = []
        self.runs: dict[str, Run] = {}
        self.checked: dict[str, Params] = {}
        self.start: dict[str, Params] = {}
        self.changes: list[RuleChange] = []  # rules changed mid-game
        self.reset()

    # -- reading -------------------------------------------------------------------
    @property
    def a(self) -> Run:
        """The run under rules A."""
        return self.runs["A"]

    @property
    def b(self) -> Run:
        """The run under rules B."""
        return self.runs["B"]

    @property
    def round(self) -> int:
        """Years played so far (A and B always show the same year)."""
        return int(self.a.model.round)

    @property
    def preset(self) -> scenarios.Scenario:
        """The chosen scenario preset."""
        return scenarios.get(self.scenario)

    def base_params(self) -> Params:
        """The preset's full, checked parameters."""
        return _preset_params(self.scenario)

    def overrides(self, side: str) -> dict[str, object]:
        """What ``side`` changes relative to the preset, as model keyword arguments."""
        rules = self.rules[_check_side(side)]
        base = self.base_params()
        out = dict(rules.values)
        for org_type, (name, share) in rules.strategy.items():
            param = STRATEGY_PARAM[org_type]
            out[param] = compose_mix(str(getattr(base, param)), name, share)
        place = self.place_b if side == "B" and self.place_b is not None else self.place
        if place:  # one real footprint, under this side's rules (kept across presets)
            out |= {"structure": "england", "place": place}
        return out

    @property
    def same_places(self) -> bool:
        """Whether rules A and B play the same footprints (a player then plays in both)."""
        return self.place_b is None or self.place_b == self.place

    def params(self, side: str) -> Params:
        """The full, checked parameters ``side`` runs with (checked once per change)."""
        return self.checked[_check_side(side)]

    def value(self, side: str, name: str) -> object:
        """The value ``side`` runs with for the rule ``name``."""
        return getattr(self.params(side), rule(name).name)

    def strategy_choice(self, side: str, org_type: str) -> tuple[str | None, float]:
        """The strategy chosen for ``org_type`` on ``side``, and its share (None: the preset's)."""
        return self.rules[_check_side(side)].strategy.get(org_type, (None, 1.0))

    # -- changing the settings (each one starts the run again) ----------------------
    def choose_scenario(self, name: str) -> None:
        """Pick a preset: its rules for A, the opposite way of judging for B, year 0."""
        with self.lock:
            self.scenario = scenarios.get(name).name
            self.rules = self._preset_rules()
            self.player = None
            self.reset()

    def set_place(self, place: str | None, side: str | None = None) -> None:
        """Play one real footprint of 2017 (name or E54 code), or ``None``/"" for the preset's
        own footprints; starts again (``stpgame.places``). ``side`` None: both runs; "B":
        rules B only, to compare two places under (by default) the same rules."""
        from stpgame.places import find

        name = find(place).name if place else ""
        if side is not None:
            _check_side(side)
        with self.lock:
            if side == "B":
                self.place_b = name
            else:
                self.place, self.place_b = name, None
            self.player = None  # the bodies change
            self.reset()

    def set_seed(self, seed: object) -> None:
        """Set the seed (a whole number >= 0) and start again."""
        value = check_seed(seed)
        if value is None:
            raise ParameterError("seed", "a whole number >= 0", seed)
        with self.lock:
            self.seed = value
            self.reset()

    def set_rule(self, side: str, name: str, value: object) -> None:
        """Change one rule on one side; rejects values the model would reject.

        At year 0 the side starts again with it. Mid-game the year, money and trust carry
        on and the rule applies from the next year (``STPModel.change_rules``, the path a
        workshop room takes); ``changes`` logs it so the settings file reruns the game.
        The side's parameters are built and checked once (coerced, ranges, cross-checks
        such as BCF minimum vs targets) and kept as ``checked``.
        """
        r = rule(name)
        with self.lock:
            side = _check_side(side)
            checked = self.params(side).replace(**{r.name: value})
            new = getattr(checked, r.name)
            self.rules[side].values[r.name] = new
            self.checked[side] = checked
            if self.round == 0:
                self._restart()
                return
            change = {r.name: new}
            self.runs[side].model.change_rules(**change)
            if side == "A" and self.player is not None:
                self.player.twin.model.change_rules(**change)
            self.changes.append({"year": self.round + 1, "side": side, "params": change})
            self.version += 1

    def set_strategy(self, side: str, org_type: str, name: str | None, share: float = 1.0) -> None:
        """``share`` of ``org_type`` follows strategy ``name``; ``None`` restores the preset mix."""
        if org_type not in ORG_TYPES:
            raise ParameterError("organisation type", "one of " + ", ".join(ORG_TYPES), org_type)
        if name is not None and name not in REGISTRY:
            raise ParameterError("strategy", "one of " + ", ".join(REGISTRY), name)
        base = self.base_params()
        compose_mix(str(getattr(base, STRATEGY_PARAM[org_type])), name, share)  # checks share
        with self.lock:
            strategy = self.rules[_check_side(side)].strategy
            if name is None:
                strategy.pop(org_type, None)
            else:
                strategy[org_type] = (name, float(share))
            self.reset()

    def reset(self) -> None:
        """Back to year 0 with the current settings (same seed: the same run again)."""
        with self.lock:
            self.checked = {
                side: self.base_params().replace(**self.overrides(side)) for side in SIDES
            }
            self._restart()

    def _restart(self) -> None:
        """Year 0 again with the parameters in ``checked`` (built and checked already)."""
        self.runs = {side: self._new_run(side) for side in SIDES}
        self.start = dict(self.checked)  # what each side's run started with
        self.changes = []
        self.choices = []
        if self.player is not None:
            self.player = Player(self.player.index, self.player.level, self._new_run("A"))
        self.version += 1

    # -- playing ----------------------------------------------------------------------
    def step(self, rounds: int = 1) -> None:
        """Play ``rounds`` years in both runs (and the player's autopilot twin)."""
        if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
            raise ParameterError("rounds", "a whole number >= 1", rounds)
        with self.lock:
            for _ in range(min(rounds, MAX_ROUNDS - self.round)):
                p = self.player
                choice = {p.index: p.level} if p else {}
                for side, run in self.runs.items():
                    run.step(choice if side == "A" or self.same_places else {})
                self.choices.append(choice)
                if p is not None:
                    p.twin.step({})
                    p.log.append(self._player_row(p))
            self.version += 1

    @property
    def finished(self) -> bool:
        """Whether the tab holds as many years as it may (``MAX_ROUNDS``)."""
        return self.round >= MAX_ROUNDS

    def set_player(self, index: int | None) -> None:
        """Take over organisation ``index`` in run A (and B); ``None`` hands it back."""
        with self.lock:
            if index is None:
                self.player = None
            else:
                n = self.a.model.structure.n
                if isinstance(index, bool) or not isinstance(index, int | np.integer):
                    raise ParameterError("organisation", f"a whole number 0 to {n - 1}", index)
                if not 0 <= int(index) < n:
                    raise ParameterError("organisation", f"0 to {n - 1}", index)
                if self.player is not None and self.player.index == int(index):
                    return
                level = self.player.level if self.player else 1.0
                twin = Run(self.seed, self.scenario, self.start["A"])
                for year, choice in enumerate(self.choices, 1):  # the twin is A up to now
                    for change in self.changes:
                        if change["side"] == "A" and change["year"] == year:
                            twin.model.change_rules(**change["params"])
                    twin.step(choice)
                for change in self.changes:
                    if change["side"] == "A" and change["year"] == self.round + 1:
                        twin.model.change_rules(**change["params"])
                self.player = Player(int(index), level, twin)
            self.version += 1

    def set_level(self, level: object) -> None:
        """The player's pooling level for the coming years: 0 keeps everything, 1 pools all."""
        value = checks.level(level)
        with self.lock:
            if self.player is None:
                raise ParameterError("player", "an organisation chosen first", None)
            self.player.level = value
            self.version += 1

    def player_returns(self) -> tuple[float, float] | None:
        """For the player's body, the return per £ pooled to itself and to its footprint."""
        if self.player is None:
            return None
        own, system = self.a.model.pooling_returns()
        return float(own[self.player.index]), float(system[self.player.index])

    # -- names --------------------------------------------------------------------------
    def org_labels(self) -> list[str]:
        """'Council in Simple 1', 'Acute trust 2 in STP 05', ... one per organisation."""
        return org_labels(self.a.model.structure)

    # -- internals ----------------------------------------------------------------------
    def _preset_rules(self) -> dict[str, Rules]:
        """A: the preset; B: the same places judged the other way (own books <-> system)."""
        alone = self.base_params().control_total != "system"
        return {
            "A": Rules(),
            "B": Rules(values={"control_total": "system" if alone else "individual"}),
        }

    def _new_run(self, side: str) -> Run:
        return Run(self.seed, self.scenario, self.params(side))

    def _player_row(self, p: Player) -> dict[str, float]:
        mine, auto = self.a, p.twin
        me, twin_me = mine.model.organisations[p.index], auto.model.organisations[p.index]
        fp = mine.model.structure.footprint
        partners = (fp == fp[p.index]) & (np.arange(len(fp)) != p.index)
        prev = p.log[-1] if p.log else {"cumulative": 0.0, "auto_cumulative": 0.0}
        return {
            "round": float(self.round),
            "level": p.level,
            "pooled": float(me.pooled),
            "balance": me.balance,
            "cumulative": prev["cumulative"] + me.balance,
            "score": me.score,
            "rating": float(regulation.rating(np.array([me.score]))[0]),
            "partners_pooled": float(mine.history.pooled[partners].mean())
            if partners.any()
            else 0.0,
            "system_balance": mine.model.latest["system_balance"],
            "welfare": mine.model.latest["collective_welfare"],
            "auto_pooled": float(twin_me.pooled),
            "auto_balance": twin_me.balance,
            "auto_cumulative": prev["auto_cumulative"] + twin_me.balance,
            "auto_score": twin_me.score,
            "auto_system_balance": auto.model.latest["system_balance"],
            "auto_welfare": auto.model.latest["collective_welfare"],
        }


def org_labels(structure) -> list[str]:
    """Readable names: the type, a number when a footprint has several, and the footprint
    (a real place: each body's own name and code, stpgame.places)."""
    if structure.org_names is not None:
        return [
            f"{name} ({code}) in {structure.footprint_names[int(f)]}"
            for name, code, f in zip(
                structure.org_names, structure.org_codes, structure.footprint, strict=True
            )
        ]
    labels = []
    seen: dict[tuple[int, int], int] = {}
    counts = structure.counts()
    for k in range(structure.n):
        f, t = int(structure.footprint[k]), int(structure.org_type[k])
        seen[(f, t)] = seen.get((f, t), 0) + 1
        name = texts.org_label(ORG_TYPES[t])
        if counts[f, t] > 1:
            name += f" {seen[(f, t)]}"
        labels.append(f"{name} in {structure.footprint_names[f]}")
    return labels


@functools.cache
def _preset_params(name: str) -> Params:
    return Params.build(scenarios.get(name).params)


def _check_side(side: str) -> str:
    if side not in SIDES:
        raise ParameterError("side", "one of " + ", ".join(SIDES), side)
    return side
