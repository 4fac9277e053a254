"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

Morris elementary effects (Morris 1991; mu* from Campolongo, Cariboni &
Saltelli 2007) rank many parameters cheaply: mu* is the mean absolute effect
of moving one parameter a step, sigma shows non-linearity or interaction.
Sobol indices (Sobol' 2001; Saltelli et al. 2010 estimators) split the output
variance: S1 is a parameter's own share, ST its share including interactions.
Both use SALib (Herman & Usher 2017, JOSS 2(9):97). The sample is drawn from
the experiment's base seed, run through the ordinary sweep runner (so runs are
resumable and parallel), and each sample point's output is the mean over its
replications.

Sobol indices are re-estimated from the first N/4 and N/2 base samples of the same sample
(convergence.py); when they have not settled, ``analyse`` warns (ConvergenceWarning) and says
why in ``sensitivity_convergence.txt``. ``second_order = true`` adds S2 for every pair of
parameters (``sensitivity_second_order.csv``).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from stpgame.batch import convergence, storage
from stpgame.batch.sampling import salib_problem, salib_seed
from stpgame.errors import ResultsError

INDEX_FILE = "sensitivity"
CONVERGENCE_FILE = "sensitivity_convergence"
SECOND_ORDER_FILE = "sensitivity_second_order.csv"


class ConvergenceWarning(UserWarning):
    """Sobol indices that have not settled: more base samples are needed (convergence.py)."""


COLUMNS = {
    "morris": ("mu", "mu_star", "sigma", "mu_star_conf"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
}

_INDEX = "share of output variance"
INDEX_COLUMNS = {
    "output": {"label": "Output", "unit": "-", "description": "The output analysed."},
    "parameter": {"label": "Parameter", "unit": "-", "description": "The parameter moved."},
    "method": {"label": "Method", "unit": "-", "description": "morris or sobol (SALib)."},
    "mu": {
        "label": "μ",
        "unit": "output's unit",
        "description": "Mean elementary effect (signed; effects of opposite sign cancel).",
    },
    "mu_star": {
        "label": "μ*",
        "unit": "output's unit",
        "description": "Mean absolute elementary effect: the parameter's importance.",
    },
    "sigma": {
        "label": "σ",
        "unit": "output's unit",
        "description": "Spread of the elementary effects: non-linearity or interactions.",
    },
    "mu_star_conf": {
        "label": "μ* 95% CI half-width",
        "unit": "output's unit",
        "description": "Bootstrap 95% confidence half-width of μ*.",
    },
    "S1": {"label": "S1", "unit": _INDEX, "description": "First-order Sobol index."},
    "S1_conf": {"label": "S1 95% CI half-width", "unit": _INDEX, "description": "Of S1."},
    "ST": {
        "label": "ST",
        "unit": _INDEX,
        "description": "Total Sobol index (the parameter's share with all interactions).",
    },
    "ST_conf": {"label": "ST 95% CI half-width", "unit": _INDEX, "description": "Of ST."},
}
"""Metadata of the index table's columns (sensitivity.parquet)."""


def indices(sens: Any, base_seed: int, x: np.ndarray, y_by_output: dict[str, np.ndarray]) -> Any:
    """Tidy table of indices: one row per output and parameter."""
    import pandas as pd

    prob = salib_problem(sens)
    rows = []
    for output, y in y_by_output.items():
        if sens.method == "morris":
            from SALib.analyze import morris

            res = morris.analyze(
                prob, x, y, num_levels=sens.levels, conf_level=0.95, seed=salib_seed(base_seed)
            )
        else:
            res = convergence.sobol_indices(prob, y, sens.second_order, salib_seed(base_seed))
        for k, name in enumerate(prob["names"]):
            row = {"output": output, "parameter": name, "method": sens.method}
            row.update({c: float(np.asarray(res[c])[k]) for c in COLUMNS[sens.method]})
            rows.append(row)
    return pd.DataFrame(rows)


def analyse(out: str | Path) -> tuple[Any, list[Path]]:
    """Indices for the finished sensitivity sweep in ``out``; writes CSV, Parquet and a figure,
    and for Sobol the convergence check (and second-order indices when requested).

    Returns (table, files written). Sobol indices that have not settled raise a
    :class:`ConvergenceWarning` naming the file that says why.
    """
    from stpgame.batch import arguments
    from stpgame.batch.experiment import load_experiment

    out = arguments.path(out, "out")
    manifest = storage.read_manifest(out, need=(storage.RUNS, storage.EXPERIMENT_COPY))
    exp = load_experiment(out / storage.EXPERIMENT_COPY)
    if exp.sensitivity is None:
        raise ResultsError(out, "this sweep has no [sensitivity] table")
    sens = exp.sensitivity
    runs = storage.read_results(out, storage.RUNS, manifest)
    per_point = runs.groupby("condition", sort=True)
    names = [v.name for v in sens.parameters]
    x = per_point[names].first().to_numpy(float)
    y = {o: per_point[f"{o}_{sens.statistic}"].mean().to_numpy(float) for o in sens.outputs}
    table = indices(sens, exp.base_seed, x, y)
    files = [
        storage.write_csv(out / f"{INDEX_FILE}.csv", table),
        storage.write_parquet(
            out / f"{INDEX_FILE}.parquet",
            table,
            storage.sweep_metadata(exp, f"one row per output and parameter: {sens.method} indices"),
            INDEX_COLUMNS,
        ),
    ]
    problems: list[str] = []
    if sens.method == "sobol":
        conv, problems = convergence.check(sens, salib_problem(sens), y, salib_seed(exp.base_seed))
        verdict = convergence.report(sens, problems, len(y))
        files += [
            storage.write_csv(out / f"{CONVERGENCE_FILE}.csv", conv),
            storage.write_text(out / f"{CONVERGENCE_FILE}.txt", verdict),
        ]
        if sens.second_order:
            pairs = conv[conv["index"] == "S2"]
            s2 = pairs[["output", "parameter", "other", "value_full", "conf_full"]]
            s2 = s2.rename(columns={"value_full": "S2", "conf_full": "S2_conf"})
            files.append(storage.write_csv(out / SECOND_ORDER_FILE, s2))
    files += figure(table, sens, out / "figures", settled=not problems)
    if problems:
        warnings.warn(
            f"Sobol indices have not settled (N = {sens.n}, {len(problems)} problem(s)); "
            f"see {out / CONVERGENCE_FILE}.txt",
            ConvergenceWarning,
            stacklevel=2,
        )
    return table, files


def format_table(table: Any, method: str) -> str:
    """The sensitivity table as text for the terminal, four significant figures."""
    cols = ["output", "parameter", *COLUMNS[method]]
    return str(table[cols].to_string(index=False, float_format=lambda v: f"{v:.4g}"))


def figure(table: Any, sens: Any, folder: Path, settled: bool = True) -> list[Path]:
    """Morris: mu* against sigma per output. Sobol: S1 and ST bars with 95% intervals (the
    title says so when they have not settled)."""
    from stpgame.batch.figures import MARKERS, OKABE_ITO, new_figure, panel_labels, save, style
    from stpgame.core.outputs import describe

    outputs = list(dict.fromkeys(table["output"]))
    with style():
        fig = new_figure(4.8 * len(outputs) + 1.8, 4.4)
        axes = np.atleast_1d(fig.subplots(1, len(outputs))).ravel()
        for ax, output in zip(axes, outputs, strict=True):
            sub = table[table["output"] == output].reset_index(drop=True)
            title, unit = panel_labels(output, sens.statistic)
            effects = ["mu", "mu_star", "sigma", "mu_star_conf"]
            if sens.method == "morris":  # effects in the output's display unit (shares in %)
                sub[effects] = sub[effects] * describe(output).scale
            if sens.method == "morris":
                for k, row in sub.iterrows():
                    ax.errorbar(
                        row["mu_star"],
                        row["sigma"],
                        xerr=row["mu_star_conf"],
                        fmt=MARKERS[k % len(MARKERS)],
                        color=OKABE_ITO[k % len(OKABE_ITO)],
                        capsize=3,
                        label=row["parameter"],
                    )
                ax.set_xlabel(f"μ*: mean |elementary effect|\n({unit})")
                ax.set_ylabel(f"σ: spread of effects\n({unit})")
                ax.set_xlim(left=0)
                ax.set_ylim(bottom=0)
            else:
                pos = np.arange(len(sub))
                ax.bar(
                    pos - 0.2,
                    sub["S1"],
                    0.4,
                    yerr=sub["S1_conf"],
                    color=OKABE_ITO[0],
                    label="S1 (first order)",
                    capsize=3,
                )
                ax.bar(
                    pos + 0.2,
                    sub["ST"],
                    0.4,
                    yerr=sub["ST_conf"],
                    color=OKABE_ITO[1],
                    label="ST (total)",
                    capsize=3,
                    hatch="//",
                )
                ax.set_xticks(pos, sub["parameter"], rotation=30, ha="right")
                ax.set_ylabel("Sobol index (share of output variance)")
            ax.set_title(title)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside right center")
        what = (
            "Morris screening, 95% CI of μ*" if sens.method == "morris" else "Sobol indices, 95% CI"
        )
        if not settled:
            what += f"\nNOT SETTLED at N = {sens.n}: see {CONVERGENCE_FILE}.txt"
        fig.suptitle(f"Sensitivity: {what}", fontsize=12)
        return save(fig, folder, "sensitivity")
