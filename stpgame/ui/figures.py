"""Draw ``charts.Chart`` objects and the network with Matplotlib, for the PNG downloads.

Uses ``Figure`` with the Agg canvas directly (never pyplot), so figures are not
kept in a global registry and tabs drawing at the same time do not interfere.
Matplotlib is imported on the first download only, to keep the app's start fast.
"""

from __future__ import annotations

import io
import math

from stpgame.ui import texts
from stpgame.ui.charts import Chart


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def charts_png(charts: list[Chart], title: str, ncols: int = 2) -> bytes:
    """A grid of charts as one PNG, large type (readable when projected or printed)."""
    if not charts:
        raise ValueError("no charts to draw")
    nrows = math.ceil(len(charts) / ncols)
    fig = _figure(7.0 * ncols, 4.6 * nrows)
    fig.suptitle(title, fontsize=18, fontweight="bold")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, chart in zip(axes, charts, strict=False):
        _draw(ax, chart)
    for ax in axes[len(charts) :]:
        ax.set_visible(False)
    return _png(fig)


def _draw(ax, chart: Chart) -> None:
    scale = 100.0 if chart.percent else 1.0
    x = list(chart.rounds)
    for line in chart.lines:
        ax.plot(
            x,
            [v * scale for v in line.values],
            color=line.colour,
            lw=3,
            ls="--" if line.dashed else "-",
            label=line.name,
            marker="o" if len(x) < 2 else None,
        )
    if chart.band is not None and x:
        low, high = (chart.lines[i].values for i in chart.band)
        ax.fill_between(
            x,
            [v * scale for v in low],
            [v * scale for v in high],
            color=texts.WITHHELD_COLOUR,
            alpha=0.25,
            label=chart.band_name,
        )
    ax.set_title(chart.title, fontsize=15)
    ax.set_xlabel("Year", fontsize=13)
    ax.set_ylabel(chart.unit + (" (%)" if chart.percent and chart.unit != "%" else ""), fontsize=13)
    ax.tick_params(labelsize=12)
    ax.grid(alpha=0.3)
    if chart.percent:
        ax.set_ylim(0, 100)
    if chart.empty:
        ax.text(0.5, 0.5, texts.EMPTY_CHART, ha="center", va="center", transform=ax.transAxes)
    else:
        ax.legend(fontsize=11, loc="best")


def network_png(view) -> bytes:
    """The relationship network of one footprint (a ``network_view.FootprintView``)."""
    fig = _figure(9.0, 8.0)
    ax = fig.subplots()
    ax.set_title(view.title, fontsize=16)
    for e in view.edges:
        a, b = view.nodes[e.a], view.nodes[e.b]
        ax.plot(
            [a.x, b.x],
            [a.y, b.y],
            color=e.colour,
            lw=e.width,
            alpha=0.8,
            zorder=1,
        )
    markers = {"circle": "o", "roundRect": "s", "triangle": "^", "diamond": "D"}
    for node in view.nodes:
        ax.scatter(
            [node.x],
            [node.y],
            s=node.size**2 * 0.6,
            c=node.colour,
            marker=markers.get(node.symbol, "o"),
            edgecolors="black",
            linewidths=1.5,
            zorder=2,
        )
        ax.annotate(
            node.short,
            (node.x, node.y),
            xytext=(0, -node.size * 0.55 - 6),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=11,
        )
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.text(0.0, -0.02, view.legend, transform=ax.transAxes, fontsize=11, va="top")
    return _png(fig)
