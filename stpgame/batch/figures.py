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
  conditions for bands, one line per condition without bands).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stpgame.batch import storage
from stpgame.batch.summary import custom_outcomes, kept_outputs, t_interval
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


def value_text(name: str, value) -> str:
    """A (displayed) parameter value for a legend: '-2%', '0.5', 'england'."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return str(value)
    return f"{value:g}%" if column(name).percent else f"{value:g}"


def scaled(table, names):
    """A copy of ``table`` with the columns ``names`` in display units (shares times 100)."""
    table = table.copy()
    for name in names:
        if name in table.columns and np.issubdtype(table[name].dtype, np.number):
            factor = column(name).scale
            if factor != 1.0:
                table[name] = (table[name] * factor).round(10)  # -0.02 -> -2, not -2.0000000004
    return table


def style():
    """The house style for every figure (a matplotlib rc context)."""
    import matplotlib

    return matplotlib.rc_context(STYLE)


def new_figure(width: float, height: float):
    """A new figure of ``width`` x ``height`` inches, with constrained layout."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def writers(fig, name: str) -> dict:
    """``{name.png: write, name.svg: write}`` (PNG at 300 dpi): a figure's files as writers for
    ``stpgame.files.write_together``, when they belong to a set written all at once."""
    return {
        f"{name}.{fmt}": (lambda tmp, fmt=fmt: fig.savefig(tmp, format=fmt, dpi=300))
        for fmt in FORMATS
    }


def save(fig, folder: Path, name: str) -> list[Path]:
    """Write ``name.png`` (300 dpi) and ``name.svg`` together, or neither (and no folder
    made for them): ``stpgame.files.write_together``. Returns the paths."""
    from stpgame.files import write_together

    files = writers(fig, name)
    write_together(folder, files)
    return [folder / file for file in files]


# --- grouping conditions into series ----------------------------------------------------------
def _series(runs, varied: list[str]):
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


def _layout(runs, varied: list[str]):
    """How ``over_rounds`` shows the conditions, never pooling runs of different conditions.

    Returns (facet per run, line per run, banded, what): one line and band per condition
    when there are few; else one facet per combination of the other varied parameters with
    a line per value of the first; else one line per condition without bands.
    """
    n = len(runs)
    if not varied:
        return np.array([""] * n), np.array(["all runs"] * n), True, "all runs"
    values = runs  # already in display units (plot)

    def text(names, row) -> str:
        return ", ".join(f"{column(k).label} = {value_text(k, row[k])}" for k in names)

    if runs["condition"].nunique() <= MAX_SERIES:
        lines = [text(varied, row) for _, row in values.iterrows()]
        return np.array([""] * n), np.array(lines), True, "one line per condition"
    first, rest = varied[0], varied[1:]
    if rest and runs[first].nunique() <= MAX_SERIES:
        facets = np.array([text(rest, row) for _, row in values.iterrows()])
        if len(set(facets)) <= MAX_FACETS:
            lines = np.array([text([first], row) for _, row in values.iterrows()])
            return facets, lines, True, "one panel per value of the other parameters"
    lines = runs["condition"].to_numpy()
    return np.array([""] * n), lines, False, "one line per condition"


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
    from stpgame.batch import arguments

    out = arguments.path(out, "out")
    statistic = arguments.one_of(statistic, "statistic", ("final", "mean"))
    manifest = storage.read_manifest(out, need=(storage.RUNS, storage.ROUNDS))
    runs = storage.read_results(out, storage.RUNS, manifest)
    rounds = storage.read_results(out, storage.ROUNDS, manifest)
    varied = list(manifest["experiment"]["varied"])
    levers = [v for v in manifest["experiment"].get("levers", []) if v in varied]
    custom = custom_outcomes(manifest)  # in the tables and summaries, not in these figures
    kept = [o for o in kept_outputs(manifest) if o not in custom]
    if not kept:
        return []
    # shares and fractional parameters in percent, so axes, ticks and legends read as such
    runs = scaled(runs, [*varied, *(f"{o}_{statistic}" for o in kept)])
    rounds = scaled(rounds, [*varied, *kept])
    folder = out / "figures"
    files: list[Path] = []
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


def outcomes(runs, varied, kept, statistic, manifest, folder: Path) -> list[Path]:
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
        if x is None:
            mean, low, high = _stats(runs[col])
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
            _lines(ax, runs, x, series, col)
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


def _sample_points(ax, runs, x: str, colour_by: str | None, col: str):
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


def _lines(ax, runs, x: str, series: str | None, col: str) -> None:
    numeric = np.issubdtype(runs[x].dtype, np.number)
    levels = sorted(runs[x].unique()) if numeric else list(dict.fromkeys(runs[x]))
    position = {v: (v if numeric else k) for k, v in enumerate(levels)}
    groups = [(None, runs)] if series is None else list(runs.groupby(series, sort=True))
    # dodge the series sideways a little so overlapping error bars stay readable
    width = (float(max(levels)) - float(min(levels)) or 1.0) if numeric else 1.0
    spread = 0.0 if len(groups) == 1 else (0.012 if numeric else 0.08) * width
    for k, (value, sub) in enumerate(groups):
        stats = [(_stats(sub.loc[sub[x] == level, col]), level) for level in levels]
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
            label=value_text(key, sub[key].iloc[0]) if colour_by_value else None,
        )
    if colour_by_value:
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles, strict=True))
        ax.legend(unique.values(), unique.keys(), title=param_label(key), frameon=False)
    ax.set_xlabel(output_label("mean_individual_score", statistic))
    ax.set_ylabel(output_label("collective_welfare", statistic))
    ax.set_title(
        "Collective vs individual outcomes\none point per condition, 95% CI over replications"
    )
    return save(fig, folder, f"collective_vs_individual_{statistic}")


def over_rounds(rounds, runs, varied, kept, folder: Path) -> list[Path]:
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
        norm = Normalize(first.min(), first.max()) if numeric else None
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
                low, high = t_interval(s["mean"], s["std"], s["count"])
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
