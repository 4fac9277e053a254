"""Every parameter changes what the model does when it moves (nothing is decorative)."""

import numpy as np
import pandas as pd
import pytest

from stpgame import STPModel
from stpgame.core.params import PARAMS

# Some rules only act when another one is switched on.
CONTEXT = {
    "incentive_threshold": {"incentive_fund": 0.02},
    "transformation_years": {"transformation_fund": 0.5},
    # learning matters where pooling pays only a little (a shared control total)
    "foregone_weight": {"strategy_acute": "reinforcement", "system_weight": 1.0},
    "learning_rate": {
        "strategy_acute": "reinforcement",
        "system_weight": 1.0,
        "foregone_weight": 0.5,
    },
    "exploration": {"strategy_acute": "reinforcement"},
    "imitation_rate": {"strategy_acute": "imitation"},
    "trust_threshold": {"strategy_acute": "trusted_partners"},
}
# A value different from the default, inside the allowed range.
OTHER = {
    "structure": "simple",
    "n_footprints": 3,
    "council_balanced_budget": False,
    "transformation_years": 1,
    "savings_to_acute": None,
}
SKIP = {"savings_to_acute", "savings_to_community", "savings_to_ccg", "savings_to_council"}


def other_value(p):
    if p.name in OTHER:
        return OTHER[p.name]
    if p.kind == "mix":
        return "always_cooperate"
    if p.kind == "choice":
        return next(c for c in p.choices if c != p.default)
    if p.kind == "bool":
        return not p.default
    target = p.high if p.default != p.high else p.low
    value = p.default + 0.5 * (target - p.default)
    return int(round(value)) if p.kind == "int" else value


def outputs(**kw) -> pd.DataFrame:
    m = STPModel(seed=3, **kw).run(8)
    orgs = m.org_dataframe().drop(columns=["strategy", "rating", "footprint", "org_type"])
    return pd.concat([m.model_dataframe(), orgs.groupby("round").mean()], axis=1)


@pytest.mark.parametrize("param", [p for p in PARAMS if p.name not in SKIP], ids=lambda p: p.name)
def test_moving_a_parameter_changes_the_outputs(param):
    base = CONTEXT.get(param.name, {})
    a = outputs(**base)
    b = outputs(**{**base, param.name: other_value(param)})
    if a.shape != b.shape:
        return  # a different structure: different tables
    assert not np.allclose(a.to_numpy(float), b.to_numpy(float), equal_nan=True), param.name


def test_savings_shares_move_the_outputs():
    a = outputs()
    b = outputs(savings_to_acute=0.25, savings_to_council=0.5)
    assert not np.allclose(a.to_numpy(float), b.to_numpy(float))
