"""Every parameter changes what the model does: the bodies' decisions, or -- documented in
docs/levers.md as 'accounting only' -- the money and outcomes but no decision.

Decisions and accounting are counted separately, the two ends are those of
experiments/levers.py, and nothing passes vacuously: a structure parameter must change
the footprints, an accounting-only one must change the money and leave every decision
alone, and every other one must change some body's decision.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from stpgame import STPModel
from stpgame.core.params import PARAMS

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("levers", ROOT / "experiments" / "levers.py")
levers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(levers)

YEARS = levers.YEARS


def documented() -> dict[str, str]:
    """Parameter -> 'decisions' or 'accounting only', from the committed table."""
    rows = re.findall(
        r"^\| `(\w+)` \|.*\| (decisions|accounting only) \|$",
        (ROOT / "docs" / "levers.md").read_text(),
        re.M,
    )
    return dict(rows)


def run(settings: dict, seed: int):
    m = STPModel.from_scenario(levers.SCENARIO, seed=seed, **settings).run(YEARS)
    orgs = m.org_dataframe()
    outputs = m.model_dataframe().drop(columns="round").to_numpy(float)
    money = np.concatenate(
        [orgs[["balance", "payoff", "score"]].to_numpy().ravel(), outputs.ravel()]
    )
    return orgs["level"].to_numpy() >= 0.5, money


def effects(name: str) -> tuple[bool, bool]:
    """(some decision changed, some money changed) between the ends, in either context."""
    p = next(q for q in PARAMS if q.name == name)
    decisions = money = False
    for context in levers.CONTEXTS.values():
        extra = {**context, **levers.NEEDS.get(name, {})}
        for _, low, high in levers.ends(p):
            for seed in levers.SEEDS:  # the seeds of the lever table
                (d0, m0), (d1, m1) = run({**extra, **low}, seed), run({**extra, **high}, seed)
                decisions |= bool((d0 != d1).any())
                money |= not np.allclose(m0, m1, equal_nan=True)
    return decisions, money


def test_the_lever_table_covers_every_parameter():
    table = documented()
    expected = {p.name for p in PARAMS} - levers.SKIP
    assert set(table) == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(documented()), ids=str)
def test_a_parameter_acts_as_documented(name):
    decisions, money = effects(name)
    if documented()[name] == "accounting only":
        assert not decisions, f"{name} changes decisions: update docs/levers.md"
        assert money, f"{name} changes nothing at all"
    else:
        assert decisions, f"{name} is documented as moving decisions but moves none"


@pytest.mark.parametrize("name, value", [("structure", "simple"), ("n_footprints", 3)])
def test_structure_parameters_change_the_footprints(name, value):
    kw = {"structure": "mixed", "n_footprints": 6}
    a = STPModel(seed=1, **kw).structure
    b = STPModel(seed=1, **{**kw, name: value}).structure
    assert (a.n, a.n_footprints) != (b.n, b.n_footprints)


def test_place_changes_the_footprints():
    a = STPModel(seed=1, structure="england").structure
    b = STPModel(seed=1, structure="england", place="Devon").structure
    assert (a.n_footprints, b.n_footprints) == (44, 1) and b.n < a.n
