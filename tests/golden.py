"""Golden results: every preset x a handful of rule mixes x two seeds, pinned to the bit.

A refactor of the year's arithmetic (core/year_kernel.py, core/economy.py) must leave every
number the model produces unchanged; a change to the arithmetic that is meant must say so
by regenerating this file's table. For each run, ``tests/data/golden.json`` holds a short
hash of every column of the model table (one row per year) and of the organisation table
(one row per body per year), so a failure names the run and the outputs that moved.

Regenerate (only when a change of results is meant; say why in the commit message)::

    PYTHONPATH=. python tests/golden.py --regenerate

``python tests/golden.py`` (no flag) compares and lists what differs. The hashes are of
the values' bytes (float64, NaN and signed zeros included): the same code on another
machine gives the same bits (numba compiles without fastmath, sums add in a fixed order;
see core/compiled.py).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stpgame import STPModel
from stpgame.core import scenarios

PATH = Path(__file__).parent / "data" / "golden.json"
YEARS = 10
SEEDS = (1, 2)
# Rule mixes that reach every phase of the year: each control-total kind, the blended
# score at both ends, risk and gain sharing with the incentive fund, no lag, no
# balanced-budget rule with transformation money, patient outcomes in the score.
MIXES: dict[str, dict[str, object]] = {
    "preset": {},
    "individual_w1": {"control_total": "individual", "system_weight": 1.0},
    "system_w0": {"control_total": "system", "system_weight": 0.0, "savings_lag": 0},
    "none_sharing": {
        "control_total": "none",
        "risk_share": 0.3,
        "gain_share": 0.5,
        "incentive_fund": 0.02,
    },
    "half_weight": {
        "system_weight": 0.5,
        "outcome_weight": 0.3,
        "transformation_fund": 0.3,
        "council_balanced_budget": False,
    },
}


def _digest(values: np.ndarray) -> str:
    """A short hash of an array's bytes (categories by their labels)."""
    return hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()[:16]


def _column(series: pd.Series) -> np.ndarray:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return np.array([str(v) for v in series], dtype="U")
    return series.to_numpy()


def run(preset: str, mix: dict[str, object], seed: int) -> dict[str, dict[str, str]]:
    """Hashes of each column of the model and organisation tables of one run."""
    model = STPModel.from_scenario(preset, seed=seed, **mix).run(YEARS)
    tables = {"model": model.model_dataframe(), "orgs": model.org_dataframe()}
    return {
        name: {str(k): _digest(_column(table[k])) for k in table.columns}
        for name, table in tables.items()
    }


def runs() -> list[tuple[str, str, dict[str, object], int]]:
    """Every run pinned: (key, preset, mix, seed)."""
    return [
        (f"{preset}/{label}/seed{seed}", preset, mix, seed)
        for preset in scenarios.names()
        for label, mix in MIXES.items()
        for seed in SEEDS
    ]


def compute() -> dict[str, Any]:
    """The whole table, as written to ``PATH``."""
    return {key: run(preset, mix, seed) for key, preset, mix, seed in runs()}


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Each run and table whose columns differ, naming the columns."""
    out = []
    for key in sorted(set(expected) | set(actual)):
        if key not in expected or key not in actual:
            out.append(f"{key}: {'new run' if key in actual else 'run no longer made'}")
            continue
        for table in ("model", "orgs"):
            old, new = expected[key][table], actual[key][table]
            moved = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            if moved:
                out.append(f"{key} {table}: {', '.join(moved)}")
    return out


def main(argv: list[str]) -> int:
    actual = compute()
    if "--regenerate" in argv:
        PATH.parent.mkdir(parents=True, exist_ok=True)
        PATH.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(actual)} runs to {PATH}")
        return 0
    diff = differences(json.loads(PATH.read_text()), actual)
    print("\n".join(diff) if diff else f"all {len(actual)} runs unchanged")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
