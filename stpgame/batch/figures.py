"""Publication figures of a finished sweep (PNG at 300 dpi and SVG).

Drawn on matplotlib ``Figure`` objects with the Agg canvas (no pyplot, no
display needed), in the Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008;
Wong 2011, Nature Methods 8:441) with distinct markers and line styles as well
as colours, readable font sizes, and axes labelled with the labels and units of the
output registry (stpgame/core/outputs.py) and the parameter table, shares shown as
percentages. Error bars and bands are 95% t-intervals over the replications of one
condition (summary.py), never pooled across conditions. File names carry the
statistic (``outcomes_final.png``, ``outcomes_mean.png``), so plotting both keeps both.
When the experiment marks policy levers, lines and colours show the levers and the x axis
an uncertainty (or another parameter), so each line is one policy.

- ``outcomes``: collective and individual outcomes across conditions;
- ``collective_vs_individual``: each condition's collective welfare against its
  bodies' mean regulatory score: the gap the model is about;
- ``over_rounds``: cooperation (and collective welfare) year by year, one line and band per
  condition (faceted by the other varied parameters when there are many; with too many
  conditions for bands, one line per condition without bands);
- ``each_parameter``: with two or more varied parameters (a Latin hypercube, a Sobol sample,
  a grid) or custom outcomes: one column per varied parameter, one row per output (custom
  outcomes by name), each condition's mean and the partial dependence on the parameter;
- ``lever_<name>``: one figure per policy lever: a line per setting of the lever, across
  each uncertainty.

Intervals of shares (cooperation rate, pooled share, ...) are built on the logit scale, so
they stay inside [0, 100] % (summary.share_interval).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from stpgame.batch import storage
from stpgame.batch.summary import _describe, custom_outcomes, interval, kept_outputs, run_column
from stpgame.core.outputs import column, describe

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

PANELS = ("collective_welfare", "mean_individual_score", "cooperation_rate", "price_of_fortress")
MAX_FACETS = 4
WHEN = {"final": "final year", "mean": "mean over years", None: ""}


def output_label(name: str, statistic: str | None = None) -> str:
    """Axis label with unit, e.g. 'Collective welfare, final year (£m per year)'."""
    o = describe(name)
    when = f", {WHEN[statistic]}" if statistic else ""
    unit = o.display_unit()
    return f"{o.label}{when} ({unit})" if unit else f"{o.label}{when}"


def panel_labels(name: str, statistic: str | None = None) -> tuple[str, str]:
    """(title, y label) for a panel: the name and statistic on top, the unit on the axis."""
    o = describe(name)
    when = f" ({WHEN[statistic]})" if statistic else ""
    return o.label + when, o.display_unit() or o.label


def param_label(name: str) -> str:
    """'Funding growth (% per year)': the parameter's label and unit (percent for fractions)."""
    return column(name).axis_label()


def value_text(name: str | None, value: object) -> str:
    """A (displayed) parameter value for a legend: '-2%', '0.5', 'england'."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return str(value)
    percent = name is not None and column(name).percent
    return f"{value:g}%" if percent else f"{value:g}"


def scaled(table: Any, names: Any) -> Any:
    """A copy of ``table`` with the columns ``names`` in display units (shares times 100)."""
    table = table.copy()
    for name in names:
        if name in table.columns and np.issubdtype(table[name].dtype, np.number):
            factor = column(name).scale
            if factor != 1.0:
                table[name] = (table[name] * factor).round(10)  # -0.02 -> -2, not -2.0000000004
    return table


def style() -> Any:
    """The house style for every figure (a matplotlib rc context)."""
    import matplotlib

    return matplotlib.rc_context(STYLE)  # type: ignore[arg-type]


def new_figure(width: float, height: float) -> Any:
    """A new figure of ``width`` x ``height`` inches, with constrained layout."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def writers(fig: Any, name: str) -> dict[str, Any]:
    """``{name.png: write, name.svg: write}`` (PNG at 300 dpi): a figure's files as writers for
    ``stpgame.files.write_together``, when they belong to a set written all at once."""
    return {
        f"{name}.{fmt}": (lambda tmp, fmt=fmt: fig.savefig(tmp, format=fmt, dpi=300))
        for fmt in FORMATS
    }


def save(fig: Any, folder: Path, name: str) -> list[Path]:
    """Write ``name.png`` (300 dpi) and ``name.svg`` together, or neither (and no folder
    made for them): ``stpgame.files.write_together``. Returns the paths."""
    from stpgame.files import write_together

    files = writers(fig, name)
    write_together(folder, files)
    return [folder / file for file in files]


# --- grouping conditions into series ----------------------------------------------------------
def _series(runs: Any, varied: list[str]) -> tuple[Any, Any, bool]:
    """(x parameter or None, series parameter or None, pooled) for a runs table.

    ``pooled`` is True when some varied parameter would be neither the x axis nor the
    series: the figure then shows one point per condition instead of pooling runs.
    """
    if not varied:
        return None, None, False
    x = varied[0]
    series = varied[1] if len(varied) > 1 and runs[varied[1]].nunique() <= MAX_SERIES else None
    pooled = any(v != series for v in varied[1:])
    return x, series, pooled


def _layout(runs: Any, varied: list[str]) -> tuple[Any, Any, bool, str]:
    """How ``over_rounds`` shows the conditions, never pooling runs of different conditions.

    Returns (facet per run, line per run, banded, what): one line and band per condition
    when there are few; else one facet per combination of the other varied parameters with
    a line per value of the first; else one line per condition without bands.
    """
    n = len(runs)
    if not varied:
        return np.array([""] * n), np.array(["all runs"] * n), True, "all runs"
    values = runs  # already in display units (plot)

    def text(names: list[str], row: Any) -> str:
        return ", ".join(f"{column(k).label} = {value_text(k, row[k])}" for k in names)

    if runs["condition"].nunique() <= MAX_SERIES:
        texts = [text(varied, row) for _, row in values.iterrows()]
        return np.array([""] * n), np.array(texts), True, "one line per condition"
    first, rest = varied[0], varied[1:]
    if rest and runs[first].nunique() <= MAX_SERIES:
        facets = np.array([text(rest, row) for _, row in values.iterrows()])
        if len(set(facets)) <= MAX_FACETS:
            lines = np.array([text([first], row) for _, row in values.iterrows()])
            return facets, lines, True, "one panel per value of the other parameters"
    lines = runs["condition"].to_numpy()
    return np.array([""] * n), lines, False, "one line per condition"


def _stats(values: Any, share_scale: float | None = None) -> tuple[float, float, float]:
    """Mean and 95% interval of ``values``; for a share shown times ``share_scale`` (100 for
    percent) the interval is built on the logit scale and stays inside [0, 100 %]."""
    values = np.asarray(values, float)
    k = share_scale or 1.0
    values = values / k
    n = np.sum(~np.isnan(values))
    mean = np.nanmean(values) if n else np.nan
    sd = np.nanstd(values, ddof=1) if n > 1 else np.nan
    low, high = interval(mean, sd, n, share_scale is not None)
    return mean * k, float(low) * k, float(high) * k


def _share_scale(output: str, custom: dict[str, Any] | None = None) -> float | None:
    """The display scale of a share output (its values are fractions), else None."""
    o = _describe(output, custom or {})
    return o.scale if o.share else None


# --- figures ------------------------------------------------------------------------------------
def plot(out: str | Path, statistic: str = "final", outputs: list[str] | None = None) -> list[Path]:
    """Write every figure for the sweep in ``out`` into ``out/figures``; return the files.

    ``outputs``: the outputs (custom outcomes too, by name) the per-parameter and per-lever
    figures show; default: the key outputs kept, then the custom outcomes.
    """
    from stpgame.batch import arguments
    from stpgame.batch.schema import closest
    from stpgame.errors import ParameterError

    out = arguments.path(out, "out")
    statistic = arguments.one_of(statistic, "statistic", ("final", "mean"))
    outputs = arguments.names(outputs, "outputs", "a list of outputs kept by the sweep")
    manifest = storage.read_manifest(out, need=(storage.RUNS, storage.ROUNDS))
    runs = storage.read_results(out, storage.RUNS, manifest)
    rounds = storage.read_results(out, storage.ROUNDS, manifest)
    varied = list(manifest["experiment"]["varied"])
    levers = [v for v in manifest["experiment"].get("levers", []) if v in varied]
    uncertainties = [v for v in manifest["experiment"].get("uncertainties", []) if v in varied]
    custom = custom_outcomes(manifest)
    every = kept_outputs(manifest)
    for name in outputs or []:
        if name not in every:
            raise ParameterError(
                "outputs",
                f"outputs kept by this sweep ({', '.join(every)})",
                name,
                closest(name, every, "output"),
            )
    chosen = outputs or default_outputs(every, custom)
    raw = runs
    kept = [o for o in every if o not in custom]
    files: list[Path] = []
    folder = out / "figures"
    with style():
        if varied and chosen and (len(varied) > 1 or outputs or set(chosen) & set(custom)):
            files += each_parameter(raw, varied, chosen, statistic, custom, folder)
        across = uncertainties or [v for v in varied if v not in levers]
        for lever in levers if across and chosen else []:
            files += per_lever(raw, lever, across, chosen, statistic, custom, folder)
    if not kept:
        return files
    # shares and fractional parameters in percent, so axes, ticks and legends read as such
    runs = scaled(runs, [*varied, *(f"{o}_{statistic}" for o in kept)])
    rounds = scaled(rounds, [*varied, *kept])
    # colour by policy lever: levers name the lines, the x axis an uncertainty or other parameter
    others = [v for v in varied if v not in levers]
    first_levers = levers + others
    by_lever = first_levers
    if levers and others:
        head = [others[0], levers[0]]
        by_lever = head + [v for v in varied if v not in head]
    with style():
        files += outcomes(runs, by_lever, kept, statistic, manifest, folder)
        if {"collective_welfare", "mean_individual_score"} <= set(kept):
            files += collective_vs_individual(runs, first_levers, statistic, folder)
        files += over_rounds(rounds, runs, first_levers, kept, folder)
    return files


def outcomes(
    runs: Any, varied: Any, kept: Any, statistic: str, manifest: Any, folder: Path
) -> list[Path]:
    """Collective and individual outcomes (up to four panels) across conditions."""
    panels = [o for o in PANELS if o in kept] or kept[:4]
    cols = 2 if len(panels) > 1 else 1
    rows = int(np.ceil(len(panels) / cols))
    fig = new_figure(5.2 * cols, 3.8 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    x, series, pooled = _series(runs, varied)
    sampled = manifest["experiment"]["design"] in ("latin_hypercube", "sobol", "sensitivity")
    sampled = sampled or pooled  # one point per condition rather than runs pooled across them
    for ax, output in zip(axes, panels, strict=False):
        col = f"{output}_{statistic}"
        share = _share_scale(output)
        if x is None:
            mean, low, high = _stats(runs[col], share)
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
            points = _sample_points(ax, runs, x, colour_by, col)
            ax.set_xlabel(param_label(x))
        else:
            _lines(ax, runs, x, series, col, share)
        title, ylabel = panel_labels(output, statistic)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    title = "Collective and individual outcomes across conditions"
    n = int(runs.groupby("condition").size().min())
    detail = f"mean and 95% CI over the {n} replications of each condition"
    if sampled and x is not None:
        point = "condition" if pooled else "sample point"
        detail = f"one point per {point}: mean over its {n} replications"
        if len(varied) > 1 and points is not None:
            fig.colorbar(points, ax=list(axes[: len(panels)]), label=param_label(varied[1]))
    fig.suptitle(f"{title}\n{detail}", fontsize=12)
    legend_by = varied[1] if sampled and len(varied) > 1 else series
    handles, labels = axes[0].get_legend_handles_labels()
    if legend_by is not None and handles:
        title = param_label(legend_by)
        if legend_by in manifest["experiment"].get("levers", []):
            title += "\n(policy lever)"
        fig.legend(handles, labels, title=title, loc="outside right center")
    return save(fig, folder, f"outcomes_{statistic}")


def _sample_points(ax: Any, runs: Any, x: str, colour_by: str | None, col: str) -> Any:
    """Scatter of each condition's mean, coloured by a second parameter: a number on the
    cividis scale (colour-blind safe; returned for a colour bar), a few values of text
    (a policy choice) in the Okabe-Ito colours and markers with a legend (returns None)."""
    agg = {"xv": (x, "first"), "y": (col, "mean")}
    if colour_by:
        agg["c"] = (colour_by, "first")
    per = runs.groupby("condition").agg(**agg)
    if not colour_by:
        return ax.scatter(per["xv"], per["y"], s=18, color=OKABE_ITO[0], edgecolor="none")
    if np.issubdtype(per["c"].dtype, np.number) and not np.issubdtype(per["c"].dtype, np.bool_):
        return ax.scatter(per["xv"], per["y"], c=per["c"], cmap="cividis", s=18, edgecolor="none")
    for k, (value, sub) in enumerate(per.groupby("c", sort=False)):
        ax.scatter(
            sub["xv"],
            sub["y"],
            s=22,
            color=OKABE_ITO[k % len(OKABE_ITO)],
            marker=MARKERS[k % len(MARKERS)],
            edgecolor="none",
            label=value_text(colour_by, value),
        )
    return None


def _lines(
    ax: Any, runs: Any, x: str, series: str | None, col: str, share: float | None = None
) -> None:
    numeric = np.issubdtype(runs[x].dtype, np.number)
    levels = sorted(runs[x].unique()) if numeric else list(dict.fromkeys(runs[x]))
    position = {v: (v if numeric else k) for k, v in enumerate(levels)}
    groups = [(None, runs)] if series is None else list(runs.groupby(series, sort=True))
    # dodge the series sideways a little so overlapping error bars stay readable
    width = (float(max(levels)) - float(min(levels)) or 1.0) if numeric else 1.0
    spread = 0.0 if len(groups) == 1 else (0.012 if numeric else 0.08) * width
    for k, (value, sub) in enumerate(groups):
        stats = [(_stats(sub.loc[sub[x] == level, col], share), level) for level in levels]
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
            label="all" if value is None else value_text(series, value),
        )
    if not numeric:
        ticks = [value_text(x, v) for v in levels]
        ax.set_xticks(range(len(levels)), ticks, rotation=20, ha="right")
        ax.set_xlim(-0.5, len(levels) - 0.5)
    ax.set_xlabel(param_label(x))


def collective_vs_individual(runs: Any, varied: Any, statistic: str, folder: Path) -> list[Path]:
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
            label=value_text(key, sub[key].iloc[0]) if colour_by_value else None,
        )
    if colour_by_value:
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles, strict=True))
        ax.legend(unique.values(), unique.keys(), title=param_label(str(key)), frameon=False)
    ax.set_xlabel(output_label("mean_individual_score", statistic))
    ax.set_ylabel(output_label("collective_welfare", statistic))
    ax.set_title(
        "Collective vs individual outcomes\none point per condition, 95% CI over replications"
    )
    return save(fig, folder, f"collective_vs_individual_{statistic}")


def over_rounds(rounds: Any, runs: Any, varied: Any, kept: Any, folder: Path) -> list[Path]:
    """Cooperation and collective welfare year by year: the mean of each condition's
    replications with its 95% CI band. Runs of different conditions are never pooled."""
    from matplotlib.ticker import MaxNLocator

    wanted = [o for o in ("cooperation_rate", "collective_welfare") if o in kept] or kept[:1]
    facet, line, banded, what = _layout(runs, varied)
    data = rounds[["run", "round", *wanted]].copy()
    data["facet"] = data["run"].map(dict(zip(runs["run"], facet, strict=True)))
    data["line"] = data["run"].map(dict(zip(runs["run"], line, strict=True)))
    facets, lines = list(dict.fromkeys(facet)), list(dict.fromkeys(line))
    n = int(runs.groupby("condition").size().min())
    fig = new_figure(4.6 * len(facets) + 2.8, 3.8 * len(wanted))
    axes = np.atleast_2d(fig.subplots(len(wanted), len(facets), squeeze=False))
    colours = None
    if not banded and varied:  # one line per condition, coloured by the first varied parameter
        from matplotlib import colormaps
        from matplotlib.colors import Normalize

        first = runs.groupby("condition")[varied[0]].first()
        numeric = np.issubdtype(first.dtype, np.number)
        norm: Any = Normalize(first.min(), first.max()) if numeric else None
        colours = {c: colormaps["cividis"](norm(v)) if numeric else "0.4" for c, v in first.items()}
    for row, output in enumerate(wanted):
        stats = data.groupby(["facet", "line", "round"])[output].agg(["count", "mean", "std"])
        stats = stats.reset_index()
        title, ylabel = panel_labels(output)
        for k_facet, name in enumerate(facets):
            ax = axes[row, k_facet]
            for k, group in enumerate(lines):
                s = stats[(stats["facet"] == name) & (stats["line"] == group)]
                if s.empty:
                    continue
                if colours is not None:
                    ax.plot(s["round"], s["mean"], color=colours[group], linewidth=0.8, alpha=0.8)
                    continue
                colour = OKABE_ITO[k % len(OKABE_ITO)]
                ax.plot(
                    s["round"],
                    s["mean"],
                    color=colour,
                    linestyle=LINESTYLES[k % len(LINESTYLES)],
                    label=group,
                )
                share = _share_scale(output)
                k_share = share or 1.0
                low, high = interval(
                    s["mean"] / k_share, s["std"] / k_share, s["count"], share is not None
                )
                low, high = low * k_share, high * k_share
                ax.fill_between(s["round"], low, high, color=colour, alpha=0.18, linewidth=0)
            ax.set_xlabel("Year (round)")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(f"{title} over time" + (f"\n{name}" if name else ""))
            ax.set_ylabel(ylabel)
    if colours is not None:
        from matplotlib.cm import ScalarMappable

        if norm is not None:
            bar = ScalarMappable(norm=norm, cmap="cividis")
            fig.colorbar(bar, ax=list(axes.ravel()), label=param_label(varied[0]))
        detail = (
            f"{what}: mean over its {n} replications\n"
            "(too many conditions for bands; runs of different conditions never pooled)"
        )
    else:
        handles, legend_labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, legend_labels, loc="outside right center", title="Condition")
        if len(facets) > 1:
            what += ", one line per condition"
        detail = (
            f"{what}:\nmean and 95% CI band over its {n} replications\n"
            "(runs of different conditions never pooled)"
            if n > 1
            else f"{what}:\none replication each, so no confidence band"
        )
    fig.suptitle(f"Outcomes year by year, {detail}", fontsize=12)
    return save(fig, folder, "over_rounds")


# --- every varied parameter, custom outcomes, one figure per lever -------------------------------
MAX_BINS = 8
"""A parameter with more values than this (a sampled range) is cut into this many bins of
equal counts (quantiles) for its partial-dependence line."""
LEVER_GROUPS = 4
"""A lever with more values than MAX_SERIES is cut into this many quantile groups (lines)."""


def default_outputs(kept: list[str], custom: dict[str, Any]) -> list[str]:
    """What the per-parameter and per-lever figures show unless told: the key outputs the
    sweep kept, then its custom outcomes."""
    return [o for o in PANELS if o in kept] + [o for o in custom if o in kept]


def _bins(values: Any, max_bins: int = MAX_BINS) -> tuple[Any, Any, list[Any]]:
    """(bin of each value, the bins' x positions, the bins' labels): each distinct value its
    own bin when there are few (a grid), else ``max_bins`` quantile bins (a sample) placed
    at the mean of their values."""
    import pandas as pd

    values = pd.Series(values).reset_index(drop=True)
    numeric = np.issubdtype(values.dtype, np.number) and not np.issubdtype(values.dtype, np.bool_)
    distinct = list(dict.fromkeys(sorted(values.unique()) if numeric else values))
    if not numeric or len(distinct) <= max_bins:
        index = {v: k for k, v in enumerate(distinct)}
        codes = values.map(index).to_numpy()
        positions = (
            np.asarray(distinct, float) if numeric else np.arange(len(distinct), dtype=float)
        )
        return codes, positions, distinct
    codes = pd.qcut(values.rank(method="first"), max_bins, labels=False).to_numpy()
    positions = np.array([values[codes == k].mean() for k in range(max_bins)])
    labels = [(values[codes == k].min(), values[codes == k].max()) for k in range(max_bins)]
    return codes, positions, labels


def _condition_means(runs: Any, varied: list[str], columns: list[str]) -> Any:
    """One row per condition: its varied values and the mean of each column over its runs."""
    grouped = runs.groupby("condition", sort=True)
    table = grouped[varied].first()
    for col in columns:
        table[col] = grouped[col].mean()
    return table.reset_index()


def _binned_line(ax: Any, x_values: Any, y_values: Any, share: float | None, **style: Any) -> None:
    """Mean and 95% interval of ``y`` per bin of ``x`` (over the conditions in the bin)."""
    codes, positions, _ = _bins(x_values)
    y = np.asarray(y_values, float)
    stats = [_stats(y[codes == k], share) for k in range(len(positions))]
    means = np.array([s[0] for s in stats])
    err = np.nan_to_num(np.array([[s[0] - s[1], s[2] - s[0]] for s in stats]).T)
    ax.errorbar(positions, means, yerr=err, capsize=3, **style)


def _x_axis(ax: Any, name: str, values: Any) -> None:
    """Label the x axis; a parameter of text values gets one tick per value."""
    _, positions, labels = _bins(values)
    numeric = np.issubdtype(np.asarray(values).dtype, np.number)
    if not numeric:
        ax.set_xticks(positions, [value_text(name, v) for v in labels], rotation=20, ha="right")
    ax.set_xlabel(param_label(name))


def _display(name: str, values: Any) -> Any:
    """A parameter's values in display units (percent for fractions)."""
    values = np.asarray(values)
    if np.issubdtype(values.dtype, np.number) and not np.issubdtype(values.dtype, np.bool_):
        return values * column(name).scale
    return values


def each_parameter(
    runs: Any, varied: Any, outputs: Any, statistic: str, custom: Any, folder: Path
) -> list[Path]:
    """Small multiples, one column per varied parameter and one row per output: each
    condition's mean (points) and the partial dependence on that parameter (the line: the
    mean and 95% interval over the conditions in each of its values or bins, the other
    parameters averaged over the design). So every parameter of a Latin hypercube or Sobol
    sample is seen, not only the first (Friedman 2001, Ann. Stat. 29:1189, partial
    dependence; here estimated from the design's own spread, not by refitting)."""
    columns = [run_column(o, statistic, custom) for o in outputs]
    cond = _condition_means(runs, varied, columns)
    fig = new_figure(3.3 * len(varied) + 0.6, 2.9 * len(outputs) + 1.0)
    axes = np.atleast_2d(fig.subplots(len(outputs), len(varied), squeeze=False))
    for row, (output, col) in enumerate(zip(outputs, columns, strict=True)):
        o = _describe(output, custom)
        share = o.scale if o.share else None
        y = cond[col].to_numpy(float) * o.scale
        for k, name in enumerate(varied):
            ax = axes[row, k]
            x = _display(name, cond[name])
            codes, positions, _ = _bins(x)
            numeric = np.issubdtype(np.asarray(x).dtype, np.number)
            ax.scatter(x if numeric else positions[codes], y, s=9, color="0.6", edgecolor="none")
            _binned_line(
                ax, x, y, share, color=OKABE_ITO[0], marker=MARKERS[0], label="partial dependence"
            )
            _x_axis(ax, name, x)
            if k == 0:
                when = "" if col == output else f", {WHEN[statistic]}"
                unit = o.display_unit()
                ax.set_ylabel(f"{o.label}{when}" + (f"\n({unit})" if unit else ""))
    n = int(runs.groupby("condition").size().min())
    fig.suptitle(
        "Each varied parameter: the outcome against it, the others averaged over\n"
        f"points: one per condition (mean of its {n} replications); line: mean and 95% CI "
        "over the conditions at each value (or bin of equal counts)",
        fontsize=11,
    )
    return save(fig, folder, f"each_parameter_{statistic}")


def per_lever(
    runs: Any,
    lever: str,
    across: list[str],
    outputs: Any,
    statistic: str,
    custom: Any,
    folder: Path,
) -> list[Path]:
    """One figure for a policy lever: one column per uncertainty (x), one row per output,
    one line per setting of the lever (its values, or quantile groups of a sampled lever):
    how each policy fares across the uncertainties (EMA's levers x uncertainties view;
    Kwakkel 2017, Environ. Model. Softw. 96:239)."""
    columns = [run_column(o, statistic, custom) for o in outputs]
    cond = _condition_means(runs, [lever, *across], columns)
    lever_values = _display(lever, cond[lever])
    codes, _, labels = _bins(lever_values, MAX_SERIES)
    if len(labels) == MAX_SERIES and len(set(np.asarray(lever_values).tolist())) > MAX_SERIES:
        codes, _, labels = _bins(lever_values, LEVER_GROUPS)
    unit = "%" if column(lever).percent else ""
    names = [
        f"{lab[0]:.2g} to {lab[1]:.2g}{unit}" if isinstance(lab, tuple) else value_text(lever, lab)
        for lab in labels
    ]
    fig = new_figure(3.6 * len(across) + 2.6, 2.9 * len(outputs) + 1.0)
    axes = np.atleast_2d(fig.subplots(len(outputs), len(across), squeeze=False))
    for row, (output, col) in enumerate(zip(outputs, columns, strict=True)):
        o = _describe(output, custom)
        share = o.scale if o.share else None
        y = cond[col].to_numpy(float) * o.scale
        for k, name in enumerate(across):
            ax = axes[row, k]
            x = _display(name, cond[name])
            for g, label in enumerate(names):
                inside = codes == g
                if not inside.any():
                    continue
                _binned_line(
                    ax,
                    np.asarray(x)[inside],
                    y[inside],
                    share,
                    color=OKABE_ITO[g % len(OKABE_ITO)],
                    marker=MARKERS[g % len(MARKERS)],
                    linestyle=LINESTYLES[g % len(LINESTYLES)],
                    label=label,
                )
            _x_axis(ax, name, x)
            if k == 0:
                when = "" if col == output else f", {WHEN[statistic]}"
                unit = o.display_unit()
                ax.set_ylabel(f"{o.label}{when}" + (f"\n({unit})" if unit else ""))
    handles, legend_labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(
        handles,
        legend_labels,
        title=f"{param_label(lever)}\n(policy lever)",
        loc="outside right center",
    )
    fig.suptitle(
        f"Policy lever: {column(lever).label}, across the uncertainties\n"
        "mean and 95% CI over the conditions at each value (or bin of equal counts)",
        fontsize=11,
    )
    return save(fig, folder, f"lever_{lever}_{statistic}")
