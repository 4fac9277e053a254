"""Designs for a sweep: the full grid, a Latin hypercube or a Sobol sample.

A full factorial grid is the plain way to compare a few settings; for more than
two or three parameters space-filling samples cover the ranges with far fewer
runs: Latin hypercube (McKay, Beckman & Conover 1979) and scrambled Sobol
sequences (Sobol' 1967; Owen 1998), both from ``scipy.stats.qmc`` and seeded
from the experiment's base seed so the sample is reproducible. A sensitivity
analysis draws its sample from SALib (Morris trajectories or Saltelli's Sobol
design); ``sensitivity.py`` analyses the runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

DESIGNS = ("grid", "latin_hypercube", "sobol")


def grid(values: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    """Every combination of the given values, first parameter varying slowest."""
    return list(itertools.product(*values))


def unit_sample(design: str, n: int, d: int, seed: int) -> np.ndarray:
    """``n`` points in the unit cube ``[0, 1)^d`` (``n`` a power of 2 for Sobol)."""
    from scipy.stats import qmc

    if design == "latin_hypercube":
        engine = _engine(qmc.LatinHypercube, d, seed)
        return np.asarray(engine.random(n))
    if design == "sobol":
        engine = _engine(qmc.Sobol, d, seed, scramble=True)
        return np.asarray(engine.random_base2(int(n).bit_length() - 1))
    raise ValueError(f"unknown design {design!r}; choices: {', '.join(DESIGNS[1:])}")


def _engine(cls: Any, d: int, seed: int, **kw: object) -> Any:
    # SciPy >= 1.15 names the generator ``rng``; older versions call it ``seed``.
    try:
        return cls(d, rng=np.random.default_rng(seed), **kw)
    except TypeError:
        return cls(d, seed=np.random.default_rng(seed), **kw)


def scale(unit: np.ndarray, low: float, high: float, integer: bool) -> list[float | int]:
    """Map unit-interval values onto ``[low, high]``.

    Whole-number parameters take each of ``low .. high`` with equal probability
    (floor of a uniform over ``high - low + 1`` slots), not rounding, which would
    give the two end values half the weight of the others.
    """
    if integer:
        slots = np.floor(low + unit * (high - low + 1)).astype(int)
        return [int(v) for v in np.clip(slots, int(low), int(high))]
    return [float(v) for v in low + unit * (high - low)]


def is_power_of_two(n: int) -> bool:
    """Whether ``n`` is a power of two (Sobol sample sizes must be)."""
    return n > 0 and n & (n - 1) == 0


def salib_problem(sens: Any) -> dict[str, Any]:
    """SALib's problem definition from an experiment's [sensitivity] table."""
    return {
        "num_vars": len(sens.parameters),
        "names": [v.name for v in sens.parameters],
        "bounds": [[float(v.low), float(v.high)] for v in sens.parameters],
    }


def salib_seed(base_seed: int) -> int:
    """SALib seeds NumPy's legacy generator, which takes 32-bit seeds."""
    return int(base_seed) % 2**32


def salib_sample(sens: Any, base_seed: int) -> np.ndarray:
    """The SALib sample matrix of a [sensitivity] table (one row per sample point)."""
    problem, seed = salib_problem(sens), salib_seed(base_seed)
    if sens.method == "morris":
        from SALib.sample import morris

        return np.asarray(morris.sample(problem, sens.n, num_levels=sens.levels, seed=seed))
    from SALib.sample import sobol

    return np.asarray(sobol.sample(problem, sens.n, calc_second_order=sens.second_order, seed=seed))
