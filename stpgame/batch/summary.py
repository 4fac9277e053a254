"""Means with 95% confidence intervals per condition, over a sweep's replications.

The interval is Student's t: mean ± t(0.975, n-1) · sd / √n over the n
replications of a condition (each replication an independent seed), the usual
choice for the small numbers of replications in agent-based studies (Lee et al.
2015, "The complexities of agent-based modeling output analysis", JASSS 18(4)).
With one replication there is no interval (NaN). For a share (cooperation rate, pooled
share, ...) the t-interval is built on the logit scale, so it stays inside [0, 1]
(:func:`share_interval`; the ``interval`` column says which).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from stpgame.batch import storage
from stpgame.core.outputs import describe
from stpgame.errors import ParameterError

SUMMARY_FILE = "summary.csv"
"""The name older versions wrote for either statistic; now see :func:`summary_file`."""


def summary_file(statistic: str) -> str:
    """``summary_final.csv`` or ``summary_mean.csv``: each statistic keeps its own file."""
    return f"summary_{statistic}.csv"


KEY_OUTPUTS = (
    "cooperation_rate",
    "collective_welfare",
    "mean_individual_score",
    "price_of_fortress",
)
"""Printed by default: collective and individual outcomes and the gap between them."""


def t_interval(mean: Any, sd: Any, n: Any) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper 95% bounds (arrays); NaN where n < 2."""
    from scipy.stats import t

    n = np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(
            n > 1, t.ppf(0.975, np.maximum(n - 1, 1)) * np.asarray(sd) / np.sqrt(n), np.nan
        )
    return np.asarray(mean) - half, np.asarray(mean) + half


def share_interval(mean: Any, sd: Any, n: Any) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper 95% bounds of a mean share that stay inside [0, 1] (arrays; NaN where
    n < 2): Student's t-interval built on the logit scale and mapped back (the delta
    method: the logit's standard error is se / (p (1 - p))). A t-interval on the raw scale
    leaves [0, 1] for a share near 0 or 1 with few replications (issue 20 saw cooperation
    11.57 [-0.54, 23.69] %); on the logit scale it cannot, and it still holds the mean.
    A mean of exactly 0 or 1 (every replication the same) has the interval [p, p].
    (Agresti, Categorical Data Analysis, 3rd ed. 2013, §1.4 and §16.1: intervals for
    proportions via the logit; Wilson's score interval needs Bernoulli trials, which the
    replications' shares are not.)
    """
    from scipy.special import expit, logit
    from scipy.stats import t

    n = np.asarray(n, float)
    p = np.clip(np.asarray(mean, float), 0.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.asarray(sd, float) / np.sqrt(n)
        half = t.ppf(0.975, np.maximum(n - 1, 1)) * se / (p * (1 - p))
        inside = (p > 0) & (p < 1)
        # expit(logit(p)) is p only to rounding: keep the bounds on either side of the mean
        low = np.minimum(np.where(inside, expit(logit(p) - half), p), p)
        high = np.maximum(np.where(inside, expit(logit(p) + half), p), p)
    low = np.where(n > 1, low, np.nan)
    high = np.where(n > 1, high, np.nan)
    return low, high


def interval(mean: Any, sd: Any, n: Any, share: bool) -> tuple[np.ndarray, np.ndarray]:
    """The 95% interval of a mean: :func:`share_interval` for a share, else :func:`t_interval`."""
    return share_interval(mean, sd, n) if share else t_interval(mean, sd, n)


def load(out: str | Path) -> tuple[dict[str, Any], Any]:
    """(manifest, runs table) of a finished sweep."""
    manifest = storage.read_manifest(out)
    return manifest, storage.read_results(out, storage.RUNS, manifest)


def kept_outputs(manifest: dict[str, Any]) -> list[str]:
    """The outputs a sweep kept: model outputs, by-type ones per organisation type, then its
    custom outcomes."""
    from stpgame.core.params import ORG_TYPES

    spec = manifest["experiment"]
    by_type = [f"{c}_{t}" for c in spec["by_type"] for t in ORG_TYPES]
    return list(spec["model_outputs"]) + by_type + list(custom_outcomes(manifest))


def custom_outcomes(manifest: dict[str, Any]) -> dict[str, Any]:
    """The custom outcomes of a finished sweep, by name (outcomes.Outcome)."""
    from stpgame.batch.outcomes import Outcome

    found = manifest["experiment"].get("outcomes") or {}  # older manifests have none
    return {name: Outcome(name, **spec) for name, spec in found.items()}


def run_column(output: str, statistic: str, custom: dict[str, Any]) -> str:
    """The runs-table column of ``output``: ``<output>_<statistic>``, or the output itself
    for a custom outcome measured once per run (it has one value per run, no statistic)."""
    if output in custom and custom[output].per == "run":
        return output
    return f"{output}_{statistic}"


def _describe(output: str, custom: dict[str, Any]) -> Any:
    return custom[output].output() if output in custom else describe(output)


def summarise(
    out: str | Path,
    statistic: str = "final",
    outputs: list[str] | None = None,
    write: bool = True,
) -> tuple[Any, Path]:
    """Tidy table: one row per condition and output with n, mean, sd and the 95% CI.

    ``statistic``: each run's ``final``-year value or its ``mean`` over years 1 to the last
    (a custom outcome measured once per run has its one value either way).
    Writes ``summary_<statistic>.csv`` into ``out`` (atomically) when ``write``. Each row
    names the output's label and unit (from the output registry); values stay as stored
    (shares as fractions, as the ``unit`` column says).
    """
    import pandas as pd

    from stpgame.batch import arguments

    out = arguments.path(out, "out")
    statistic = arguments.one_of(statistic, "statistic", ("final", "mean"))
    outputs = arguments.names(outputs, "outputs", "a list of outputs kept by the sweep")
    write = arguments.flag(write, "write")
    manifest, runs = load(out)
    kept = kept_outputs(manifest)
    outputs = kept if outputs is None else outputs
    unknown = [o for o in outputs if o not in kept]
    if unknown or not outputs:
        raise ParameterError(
            "outputs",
            f"outputs kept by this sweep ({', '.join(kept)})",
            unknown[0] if unknown else outputs,
        )
    if len(set(outputs)) != len(outputs):
        raise ParameterError("outputs", "each output once", outputs)
    varied = list(manifest["experiment"]["varied"])
    custom = custom_outcomes(manifest)
    columns = [run_column(o, statistic, custom) for o in outputs]
    grouped = runs.groupby("condition", sort=True)
    first = grouped[varied].first() if varied else pd.DataFrame(index=grouped.size().index)
    frames = []
    for output, col in zip(outputs, columns, strict=True):
        stats = grouped[col].agg(["count", "mean", "std"])
        share = _describe(output, custom).share
        low, high = interval(stats["mean"], stats["std"], stats["count"], share)
        frames.append(
            pd.DataFrame(
                {
                    **{name: first[name] for name in varied},
                    "condition": stats.index,
                    "output": output,
                    "label": _describe(output, custom).label,
                    "unit": _describe(output, custom).unit,
                    "statistic": statistic,
                    "n": stats["count"].astype(int),
                    "mean": stats["mean"],
                    "sd": stats["std"],
                    "ci_low": low,
                    "ci_high": high,
                    "interval": "t, logit scale" if share else "t",
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    path = Path(out) / summary_file(statistic)
    if write:
        storage.write_csv(path, table)
    return table, path


def format_summary(table: Any, outputs: list[str] | None = None, limit: int = 4) -> str:
    """A readable text table: one row per condition, 'mean [low, high]' per output."""
    present = list(dict.fromkeys(table["output"]))
    if outputs:
        chosen = list(outputs)
    else:  # the key outputs first, then the others, up to ``limit`` columns
        chosen = [o for o in KEY_OUTPUTS if o in present]
        chosen = (chosen + [o for o in present if o not in chosen])[:limit]
    varied = list(table.columns[: list(table.columns).index("condition")])
    index = [*varied, "condition"] if varied else ["condition"]
    rows = table[table["output"].isin(chosen)].copy()
    info = {o: _shown(o, table) for o in chosen}
    scale = rows["output"].map({o: info[o].scale for o in chosen})  # shares in %
    rows["cell"] = [
        _cell(m * k, lo * k, hi * k)
        for m, lo, hi, k in zip(rows["mean"], rows["ci_low"], rows["ci_high"], scale, strict=True)
    ]
    wide = rows.pivot_table(index=index, columns="output", values="cell", aggfunc="first")
    wide = wide[chosen].reset_index()
    if varied:
        wide = wide.drop(columns="condition")
    n = int(table["n"].min())
    statistic = table["statistic"].iloc[0]
    note = f"mean [95% CI] of each run's {statistic} value over n = {n} replications"
    hidden = len(present) - len(chosen)
    if hidden > 0:
        note += f"; {hidden} more outputs in {summary_file(statistic)} (choose with --outputs)"
    units = "; ".join(f"{o}: {info[o].display_unit() or '-'}" for o in chosen)
    return str(wide.to_string(index=False)) + "\n" + note + "\nunits: " + units


def _shown(output: str, table: Any) -> Any:
    """How an output is shown: the registry's way, or as stored for a custom outcome (its
    label and unit are in the summary table)."""
    from stpgame.batch.outcomes import Outcome

    try:
        return describe(output)
    except KeyError:
        row = table[table["output"] == output].iloc[0]
        return Outcome(output, "", "run", row["label"], row["unit"], "").output()


def _cell(mean: float, low: float, high: float) -> str:
    if np.isnan(low):
        return f"{mean:.4g}"
    return f"{mean:.4g} [{low:.4g}, {high:.4g}]"
