"""Publication figures of a finished sweep (PNG at 300 dpi and SVG).

Drawn on matplotlib ``Figure`` objects with the Agg canvas (no pyplot, no
display needed), in the Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008;
Wong 2011, Nature Methods 8:441) with distinct markers and line styles as well
as colours, readable font sizes, and axes labelled with units. Error bars and
bands are 95% t-intervals over replications (summary.py).

- ``outcomes``: collective and individual outcomes across conditions;
- ``collective_vs_individual``: each condition's collective welfare against its
  bodies' mean regulatory score: the gap the model is about;
- ``over_rounds``: cooperation (and collective welfare) year by year, with bands.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stpgame.batch import storage
from stpgame.batch.summary import kept_outputs, t_interval
from stpgame.errors import ParameterError

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)), "-")
MAX_SERIES = 8
FORMATS = ("png", "svg")
STYLE = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "legend.title_fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "svg.fonttype": "none",  # text stays text in SVG (editable, searchable)
}

# label, unit; units follow economy.py (money in £m a year) and regulation.py (scores)
OUTPUT_LABELS = {
    "cooperation_rate": ("Cooperation", "share of organisations pooling"),
    "pooled_share": ("Pooled budget", "share of discretionary budget"),
    "system_balance": ("System financial balance", "£m per year"),
    "collective_welfare": ("Collective welfare", "£m per year"),
    "full_cooperation_welfare": ("Welfare if all cooperated", "£m per year"),
    "price_of_fortress": ("Price of fortress behaviour", "£m per year"),
    "cumulative_price_of_fortress": ("Cumulative price of fortress", "£m"),
    "mean_individual_score": ("Mean regulatory score", "judged balance, share of budget"),
    "emergency_admissions": ("Emergency admissions", "admissions per year"),
    "delayed_bed_days": ("Delayed-transfer bed days", "days per year"),
    "patient_outcome_index": ("Patient outcome index", "100 = starting level"),
    "mean_trust": ("Mean trust", "0 = none, 1 = full"),
    "sucker_share": ("Suckers", "share of organisations"),
    "councils_cutting": ("Councils cutting services", "share of councils"),
    "council_cuts": ("Council cuts", "£m per year"),
    "nhs_deficit": ("NHS deficit", "£m per year"),
    "penalties": ("Regulatory penalties", "£m per year"),
    "bailouts": ("Bail-outs", "£m per year"),
    "incentives": ("Incentive payments", "£m per year"),
    "transformation_money": ("Transformation money", "£m per year"),
}
ORG_LABELS = {
    "pooled": ("Pooling", "share of organisations"),
    "level": ("Pooling level", "0 = none, 1 = all"),
    "contribution": ("Contribution", "£m per organisation per year"),
    "savings": ("Savings received", "£m per organisation per year"),
    "cut": ("Cuts", "£m per organisation per year"),
    "penalty": ("Penalty", "£m per organisation per year"),
    "bailout": ("Bail-out", "£m per organisation per year"),
    "balance": ("Own balance", "£m per organisation per year"),
    "cumulative_balance": ("Cumulative own balance", "£m per organisation"),
    "score": ("Regulatory score", "judged balance, share of budget"),
    "payoff": ("Payoff", "share of budget"),
    "sucker": ("Suckers", "share of organisations"),
    "forced_cut": ("Forced to pool less", "share of organisations"),
    "trust": ("Trust in partners", "0 = none, 1 = full"),
}
PANELS = ("collective_welfare", "mean_individual_score", "cooperation_rate", "price_of_fortress")


def describe(name: str) -> tuple[str, str]:
    """(label, unit) of an output column, e.g. ('Own balance: council', '£m per ...')."""
    if name in OUTPUT_LABELS:
        return OUTPUT_LABELS[name]
    column, _, org_type = name.rpartition("_")
    label, unit = ORG_LABELS.get(column, (column, ""))
    return f"{label}: {org_type}", unit


def output_label(name: str, statistic: str | None = None) -> str:
    """Axis label with unit, e.g. 'Collective welfare, final year (£m per year)'."""
    label, unit = describe(name)
    when = {"final": ", final year", "mean": ", mean over years", None: ""}[statistic]
    return f"{label}{when} ({unit})" if unit else f"{label}{when}"


def panel_labels(name: str, statistic: str | None = None) -> tuple[str, str]:
    """(title, y label) for a panel: the name and statistic on top, the unit on the axis."""
    label, unit = describe(name)
    when = {"final": " (final year)", "mean": " (mean over years)", None: ""}[statistic]
    return label + when, unit or label


def param_label(name: str) -> str:
    from stpgame.core.params import BY_NAME

    p = BY_NAME.get(name)
    unit = p.unit if p is not None and p.unit not in ("", "-") else ""
    return f"{name}\n({unit})" if unit else name


def style():
    import matplotlib

    return matplotlib.rc_context(STYLE)


def new_figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def save(fig, folder: Path, name: str) -> list[Path]:
    """Write ``name.png`` (300 dpi) and ``name.svg`` atomically; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in FORMATS:
        path = folder / f"{name}.{fmt}"
        storage.atomic_write(path, lambda tmp, fmt=fmt: fig.savefig(tmp, format=fmt, dpi=300))
        paths.append(path)
    return paths


# --- grouping conditions into series ----------------------------------------------------------
def _series(runs, varied: list[str]):
    """(x parameter or None, series parameter or None, note) for a runs table."""
    if not varied:
        return None, None, ""
    x = varied[0]
    series = varied[1] if len(varied) > 1 and runs[varied[1]].nunique() <= MAX_SERIES else None
    pooled = [v for v in varied[1:] if v != series]
    note = f"averaged over {', '.join(pooled)}" if pooled else ""
    return x, series, note


def _groups(runs, varied: list[str]):
    """Label per run for curves over rounds: conditions, or levels/quartiles of one parameter."""
    if runs["condition"].nunique() <= MAX_SERIES:
        if not varied:
            return np.array(["all runs"] * len(runs)), ""
        labels = (
            runs[varied]
            .astype(str)
            .agg(lambda r: ", ".join(f"{k}={v}" for k, v in r.items()), axis=1)
        )
        return labels.to_numpy(), ""
    x = varied[0]
    if runs[x].nunique() <= MAX_SERIES:
        return np.array([f"{x}={v}" for v in runs[x]]), f"averaged over {', '.join(varied[1:])}"
    import pandas as pd

    bins = pd.qcut(runs[x], 4, duplicates="drop")
    return np.array([f"{x} in {b}" for b in bins.astype(str)]), "quartiles; averaged over the rest"


def _stats(values):
    values = np.asarray(values, float)
    n = np.sum(~np.isnan(values))
    mean = np.nanmean(values) if n else np.nan
    sd = np.nanstd(values, ddof=1) if n > 1 else np.nan
    low, high = t_interval(mean, sd, n)
    return mean, float(low), float(high)


# --- figures ------------------------------------------------------------------------------------
def plot(out: str | Path, statistic: str = "final") -> list[Path]:
    """Write every figure for the sweep in ``out`` into ``out/figures``; return the files."""
    if statistic not in ("final", "mean"):
        raise ParameterError("statistic", "final or mean", statistic)
    out = Path(out)
    manifest = storage.read_manifest(out, need=(storage.RUNS, storage.ROUNDS))
    runs = storage.read_table(out, storage.RUNS)
    rounds = storage.read_table(out, storage.ROUNDS)
    varied = list(manifest["experiment"]["varied"])
    kept = kept_outputs(manifest)
    folder = out / "figures"
    files: list[Path] = []
    with style():
        files += outcomes(runs, varied, kept, statistic, manifest, folder)
        if {"collective_welfare", "mean_individual_score"} <= set(kept):
            files += collective_vs_individual(runs, varied, statistic, folder)
        files += over_rounds(rounds, runs, varied, kept, folder)
    return files


def outcomes(runs, varied, kept, statistic, manifest, folder: Path) -> list[Path]:
    """Collective and individual outcomes (up to four panels) across conditions."""
    panels = [o for o in PANELS if o in kept] or kept[:4]
    cols = 2 if len(panels) > 1 else 1
    rows = int(np.ceil(len(panels) / cols))
    fig = new_figure(5.2 * cols, 3.8 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    x, series, note = _series(runs, varied)
    sampled = manifest["experiment"]["design"] in ("latin_hypercube", "sobol", "sensitivity")
    for ax, output in zip(axes, panels, strict=False):
        column = f"{output}_{statistic}"
        if x is None:
            mean, low, high = _stats(runs[column])
            ax.errorbar(
                [0],
                [mean],
                yerr=[[mean - low], [high - mean]],
                fmt="o",
                color=OKABE_ITO[0],
                capsize=4,
            )
            ax.set_xticks([0], ["all runs"])
        elif sampled:
            colour_by = varied[1] if len(varied) > 1 else None
            points = _sample_points(ax, runs, x, colour_by, column)
            ax.set_xlabel(param_label(x))
        else:
            _lines(ax, runs, x, series, column)
        title, ylabel = panel_labels(output, statistic)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    title = "Collective and individual outcomes across conditions"
    detail = "mean and 95% CI over replications" + (f"; {note}" if note else "")
    if sampled and x is not None:
        detail = "one point per sample point: mean over its replications"
        if len(varied) > 1:
            fig.colorbar(points, ax=list(axes[: len(panels)]), label=param_label(varied[1]))
    fig.suptitle(f"{title}\n{detail}", fontsize=12)
    if series is not None and not sampled:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, title=param_label(series), loc="outside right center")
    return save(fig, folder, "outcomes")


def _sample_points(ax, runs, x: str, colour_by: str | None, column: str):
    """Scatter of each sample point's mean, coloured (cividis, colour-blind safe) by a second parameter."""
    agg = {"xv": (x, "first"), "y": (column, "mean")}
    if colour_by:
        agg["c"] = (colour_by, "first")
    per = runs.groupby("condition").agg(**agg)
    if colour_by:
        return ax.scatter(per["xv"], per["y"], c=per["c"], cmap="cividis", s=18, edgecolor="none")
    return ax.scatter(per["xv"], per["y"], s=18, color=OKABE_ITO[0], edgecolor="none")


def _lines(ax, runs, x: str, series: str | None, column: str) -> None:
    numeric = np.issubdtype(runs[x].dtype, np.number)
    levels = sorted(runs[x].unique()) if numeric else list(dict.fromkeys(runs[x]))
    position = {v: (v if numeric else k) for k, v in enumerate(levels)}
    groups = [(None, runs)] if series is None else list(runs.groupby(series, sort=True))
    # dodge the series sideways a little so overlapping error bars stay readable
    width = (float(max(levels)) - float(min(levels)) or 1.0) if numeric else 1.0
    spread = 0.0 if len(groups) == 1 else (0.012 if numeric else 0.08) * width
    for k, (value, sub) in enumerate(groups):
        stats = [(_stats(sub.loc[sub[x] == level, column]), level) for level in levels]
        stats = [(s, lv) for s, lv in stats if not np.isnan(s[0])]
        xs = [position[lv] + spread * (k - (len(groups) - 1) / 2) for _, lv in stats]
        means = np.array([s[0] for s, _ in stats])
        err = np.array([[s[0] - s[1], s[2] - s[0]] for s, _ in stats]).T
        err = np.nan_to_num(err)
        ax.errorbar(
            xs,
            means,
            yerr=err,
            color=OKABE_ITO[k % len(OKABE_ITO)],
            marker=MARKERS[k % len(MARKERS)],
            linestyle=LINESTYLES[k % len(LINESTYLES)] if numeric else "none",  # no order
            capsize=3,
            label="all" if value is None else str(value),
        )
    if not numeric:
        ax.set_xticks(range(len(levels)), [str(v) for v in levels], rotation=20, ha="right")
        ax.set_xlim(-0.5, len(levels) - 0.5)
    ax.set_xlabel(param_label(x))


def collective_vs_individual(runs, varied, statistic, folder: Path) -> list[Path]:
    """Each condition's collective welfare against its bodies' mean regulatory score."""
    fig = new_figure(6.4, 4.8)
    ax = fig.subplots()
    cw, ms = f"collective_welfare_{statistic}", f"mean_individual_score_{statistic}"
    key = varied[0] if varied else None
    values = list(dict.fromkeys(sorted(runs[key].unique()))) if key else [None]
    colour_by_value = key is not None and len(values) <= MAX_SERIES
    for _, sub in runs.groupby("condition", sort=True):
        ym, ylo, yhi = _stats(sub[cw])
        xm, xlo, xhi = _stats(sub[ms])
        k = values.index(sub[key].iloc[0]) if colour_by_value else 0
        ax.errorbar(
            [xm],
            [ym],
            xerr=np.nan_to_num([[xm - xlo], [xhi - xm]]),
            yerr=np.nan_to_num([[ym - ylo], [yhi - ym]]),
            fmt=MARKERS[k % len(MARKERS)],
            color=OKABE_ITO[k % len(OKABE_ITO)],
            capsize=2,
            alpha=0.9,
            label=f"{key} = {sub[key].iloc[0]}" if colour_by_value else None,
        )
    if colour_by_value:
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles, strict=True))
        ax.legend(unique.values(), unique.keys(), title=None, frameon=False)
    ax.set_xlabel(output_label("mean_individual_score", statistic))
    ax.set_ylabel(output_label("collective_welfare", statistic))
    ax.set_title(
        "Collective vs individual outcomes\none point per condition, 95% CI over replications"
    )
    return save(fig, folder, "collective_vs_individual")


def over_rounds(rounds, runs, varied, kept, folder: Path) -> list[Path]:
    """Cooperation and collective welfare year by year: mean and 95% CI band per group."""
    from matplotlib.ticker import MaxNLocator

    wanted = [o for o in ("cooperation_rate", "collective_welfare") if o in kept] or kept[:1]
    labels, note = _groups(runs, varied)
    group_of_run = dict(zip(runs["run"], labels, strict=True))
    data = rounds[["run", "round", *wanted]].copy()
    data["group"] = data["run"].map(group_of_run)
    fig = new_figure(5.2 * len(wanted) + 2.5, 4.0)
    axes = np.atleast_1d(fig.subplots(1, len(wanted))).ravel()
    order = list(dict.fromkeys(labels))
    for ax, output in zip(axes, wanted, strict=True):
        stats = data.groupby(["group", "round"])[output].agg(["count", "mean", "std"]).reset_index()
        for k, group in enumerate(order):
            s = stats[stats["group"] == group]
            low, high = t_interval(s["mean"], s["std"], s["count"])
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            ax.plot(
                s["round"],
                s["mean"],
                color=colour,
                linestyle=LINESTYLES[k % len(LINESTYLES)],
                label=group,
            )
            ax.fill_between(s["round"], low, high, color=colour, alpha=0.18, linewidth=0)
        ax.set_xlabel("Year (round)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        title, ylabel = panel_labels(output)
        ax.set_title(title + " over time")
        ax.set_ylabel(ylabel)
    handles, legend_labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="outside right center", title=note or None)
    fig.suptitle("Mean and 95% CI band over replications", fontsize=12)
    return save(fig, folder, "over_rounds")
