"""A body decides only from what it could observe (issue 17): the strategies' one input is
``Observation`` (plus the published rules and their own random numbers), and decisions do
not depend on the year's random draws, which no body knows when it decides."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import numpy as np

from stpgame import STPModel
from stpgame.strategies import REGISTRY, Observation

STRATEGIES = Path(__file__).resolve().parents[1] / "stpgame" / "strategies"
DECLARED = {
    "n", "round", "fresh", "own_level", "payoff", "against_plan", "partner_level",
    "partner_level_prev", "partner_share", "trust", "peer_level", "peer_against_plan",
    "estimate", "stake", "experience",
}  # fmt: skip


def test_the_observation_declares_what_a_body_can_see_and_nothing_else():
    assert set(vars(Observation(3))) == DECLARED


def test_strategies_import_nothing_from_the_model():
    """Only the rules' type may be named (for annotations) and the compiler's settings
    (core/compiled.py, which holds no model state); no model, economy, replay or network
    reaches a strategy."""
    for path in STRATEGIES.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("stpgame"):
                assert node.module.startswith("stpgame.strategies") or node.module in (
                    "stpgame.core.params",
                    "stpgame.core.compiled",
                ), f"{path.name} imports {node.module}"
            if isinstance(node, ast.Import):
                assert all(not a.name.startswith("stpgame") for a in node.names), path.name


class Spy(Observation):
    """Records every attribute a strategy reads."""

    def __init__(self, n: int) -> None:
        super().__init__(n)
        object.__setattr__(self, "read", set())

    def __getattribute__(self, name: str):
        if not name.startswith("_") and name != "read":
            object.__getattribute__(self, "read").add(name)
        return object.__getattribute__(self, name)


def test_every_strategy_reads_only_declared_fields():
    from stpgame.core.params import Params

    methods = {"own_pooled", "partners_cooperated"}
    for name, cls in REGISTRY.items():
        obs = Spy(4)
        s = cls(4)
        idx = np.arange(4)
        s.decide(obs, idx, np.random.default_rng(0), Params())
        obs.record(np.full(4, 0.5), np.full(4, 0.5), np.ones(4), np.zeros(4))
        obs.see_estimate(np.full(4, 0.01), np.full(4, 0.03))
        obs.read.clear()
        s.decide(obs, idx, np.random.default_rng(0), Params())
        assert obs.read <= DECLARED | methods, f"{name} read {obs.read - DECLARED - methods}"


def test_decisions_and_estimates_do_not_depend_on_the_years_draws():
    """Two copies of a model differing only in this year's cost shocks: the year's decisions
    and the finance teams' estimates of it are the same in both (the year's own books
    differ, of course, and later decisions may follow them). Savings drawn this year land
    only after the lag."""
    a = STPModel.from_scenario("hopeful_evidence", seed=3, structure="mixed", n_footprints=6)
    a.run(4)
    b = copy.deepcopy(a)
    draw = b._draw_year

    def other_draws():
        d, t = draw()
        d.cost_shock[:] += 0.01
        return d, t

    b._draw_year = other_draws
    a.step()
    b.step()
    assert not np.array_equal(a.last_round.balance, b.last_round.balance)
    np.testing.assert_array_equal(a.observation.estimate, b.observation.estimate)
    np.testing.assert_array_equal(
        a.org_dataframe().query("round == 5")["level"],
        b.org_dataframe().query("round == 5")["level"],
    )
