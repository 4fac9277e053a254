"""Have the Sobol indices settled? The same indices from the first N/4, N/2 and all N base samples.

Saltelli's Sobol design (SALib.sample.sobol) writes the rows of each base sample together,
D + 2 of them (2D + 2 with second-order indices) for D parameters, and its base samples are
the first N points of a scrambled Sobol sequence. So the first N/4 * (D + 2) rows are the
design for N/4 base samples, the first N/2 * (D + 2) the design for N/2: the indices at N/4
and N/2 need no extra run, only re-analysis of the rows already run.

An index has *settled* when, with ``tolerance`` t (default 0.1, shares of output variance):

- it moves by at most t between N/2 and N base samples;
- its 95% bootstrap confidence half-width at N is at most t;
- it lies in [0, 1] within its confidence interval (an index below -CI or above 1 + CI is an
  estimation artefact of too few samples).

This follows the practice of checking convergence by re-estimating indices on growing
subsamples and judging the width of their confidence intervals (Sarrazin, Pianosi &
Wagener 2016, Environmental Modelling & Software 79:135-152). Each check is made for S1,
ST and (when requested) S2 of every output and parameter.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

MIN_BASE = 8
"""The smallest N for the check: N/4 must hold at least 2 base samples to bootstrap."""

STAGES = (("quarter", 4), ("half", 2), ("full", 1))


def sobol_indices(problem: dict[str, Any], y: np.ndarray, second_order: bool, seed: int) -> Any:
    """SALib's Sobol analysis of outputs ``y`` (one per row of the design), 95% intervals.

    SALib treats a seed of 0 as "no seed" (its intervals would change from call to call),
    so 0 is passed as 1.
    """
    from SALib.analyze import sobol

    with warnings.catch_warnings():  # a constant output: SALib warns and gives NaN; so do we
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        return sobol.analyze(
            problem, y, calc_second_order=second_order, conf_level=0.95, seed=seed or 1
        )


def _entries(res: Any, names: list[str], second_order: bool) -> Any:
    """(index, parameter, other, value, conf) for S1, ST and the S2 pairs of one result."""
    for kind in ("S1", "ST"):
        for k, name in enumerate(names):
            yield kind, name, "", float(res[kind][k]), float(res[f"{kind}_conf"][k])
    if second_order:
        for j, a in enumerate(names):
            for k in range(j + 1, len(names)):
                s2, conf = res["S2"][j, k], res["S2_conf"][j, k]
                yield "S2", a, names[k], float(s2), float(conf)


def check(
    sens: Any, problem: dict[str, Any], y_by_output: dict[str, np.ndarray], seed: int
) -> tuple[Any, list[str]]:
    """The convergence table (one row per output and index) and the problems found.

    ``y_by_output``: each output's value per design row, in the design's order. Returns
    (table, problems): ``problems`` is a list of sentences, empty when every index settled.
    """
    import pandas as pd

    n, step, tol = sens.n, sens.rows_per_base_sample, sens.tolerance
    names = list(problem["names"])
    sizes = {stage: n // k for stage, k in STAGES}
    problems: list[str] = []
    if n < MIN_BASE:
        problems.append(
            f"N = {n} base samples is too few to check convergence (need N >= {MIN_BASE}, "
            "so that N/4 holds at least 2); increase N in [sensitivity]"
        )
    rows = []
    for output, y in y_by_output.items():
        y = np.asarray(y, float)
        by_stage = {}
        for stage, _ in STAGES:
            size = sizes[stage]
            if stage != "full" and n < MIN_BASE:
                continue
            res = sobol_indices(problem, y[: size * step], sens.second_order, seed)
            by_stage[stage] = {
                (kind, a, b): (v, c) for kind, a, b, v, c in _entries(res, names, sens.second_order)
            }
        for key, (value, conf) in by_stage["full"].items():
            kind, a, b = key
            row = {"output": output, "index": kind, "parameter": a, "other": b}
            for stage, _ in STAGES:
                v, c = by_stage.get(stage, {}).get(key, (np.nan, np.nan))
                row[f"value_{stage}"], row[f"conf_{stage}"] = v, c
            change = abs(value - row["value_half"])
            row["change"] = change
            found = _problems(value, conf, change, tol, sizes)
            row["settled"] = not found and n >= MIN_BASE
            row["problem"] = "; ".join(found)
            rows.append(row)
            what = f"{kind} of {a}" + (f" x {b}" if b else "") + f" for {output}"
            problems += [f"{what}: {p}" for p in found]
    return pd.DataFrame(rows), problems


def _problems(
    value: float, conf: float, change: float, tol: float, sizes: dict[str, Any]
) -> list[str]:
    if not np.isfinite(value):
        return ["not computable (the output does not vary across the sample)"]
    found = []
    if np.isfinite(change) and change > tol:
        found.append(
            f"moved by {change:.3g} between N = {sizes['half']} and N = {sizes['full']} "
            f"base samples (more than {tol:g})"
        )
    if conf > tol:
        found.append(f"95% CI half-width {conf:.3g} is more than {tol:g}")
    if value + conf < 0 or value - conf > 1:
        found.append(f"{value:.3g} ± {conf:.3g} lies outside [0, 1]")
    return found


def report(sens: Any, problems: list[str], outputs: int) -> str:
    """The verdict as text, for the terminal and ``sensitivity_convergence.txt``."""
    n, tol = sens.n, sens.tolerance
    sizes = ", ".join(str(n // k) for _, k in STAGES)
    rule = (
        f"Settled means, for every index: it moves by at most {tol:g} between N/2 and N base "
        f"samples, its 95% CI half-width at N is at most {tol:g}, and it lies in [0, 1] "
        f"within its CI. Indices computed at N/4, N/2, N = {sizes} base samples from the "
        "same sample (sensitivity_convergence.csv)."
    )
    if not problems:
        return f"Sobol indices settled (N = {n}, {outputs} output(s)).\n{rule}\n"
    shown = "\n".join(f"- {p}" for p in problems)
    return (
        f"WARNING: Sobol indices have not settled (N = {n}): {len(problems)} problem(s); "
        "increase N (a power of 2) and run again.\n"
        f"{shown}\n{rule}\n"
    )
