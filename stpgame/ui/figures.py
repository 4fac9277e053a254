"""Draw ``charts.Chart`` objects and the network with Matplotlib, for the PNG downloads.

Uses ``Figure`` with the Agg canvas directly (never pyplot), so figures are not
kept in a global registry and tabs drawing at the same time do not interfere.
Matplotlib is imported on the first download only, to keep the app's start fast.
"""

from __future__ import annotations

import io
from typing import Literal

from stpgame.ui import texts
from stpgame.ui.charts import Chart


def _figure(
    width: float,
    height: float,
    layout: Literal["constrained", "compressed", "tight"] | None = "constrained",
):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def charts_png(columns: list[tuple[str, list[Chart]]], title: str) -> bytes:
    """Columns of charts as one PNG (e.g. the whole system | each organisation), large type."""
    if not any(items for _, items in columns):
        raise ValueError("no charts to draw")
    nrows = max(len(items) for _, items in columns)
    ncols = len(columns)
    fig = _figure(7.0 * ncols, 4.4 * nrows + 0.6)
    fig.suptitle(title, fontsize=18, fontweight="bold")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for col, (header, items) in enumerate(columns):
        for row in range(nrows):
            ax = axes[row, col]
            if row < len(items):
                _draw(ax, items[row], header if row == 0 else "")
            else:
                ax.set_visible(False)
    return _png(fig)


def _draw(ax, chart: Chart, header: str = "") -> None:
    from matplotlib.ticker import MaxNLocator

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
    ax.set_title(f"{header}\n{chart.title}" if header else chart.title, fontsize=15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Year", fontsize=13)
    ax.set_ylabel(
        chart.unit + (" (%)" if chart.percent and "%" not in chart.unit else ""), fontsize=13
    )
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
    fig = _figure(9.0, 8.6, layout=None)
    ax = fig.add_axes((0.02, 0.1, 0.96, 0.84))
    ax.set_title(view.title, fontsize=16)
    for e in view.edges:
        a, b = view.nodes[e.a], view.nodes[e.b]
        ax.plot(
            [a.x, b.x],
            [a.y, b.y],
            color=e.colour,
            lw=e.width,
            ls="--" if e.dashed else "-",
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
            linewidths=4.5 if node.you else 1.5,
            zorder=2,
        )
        ax.annotate(
            f"You: {node.short}" if node.you else node.short,
            (node.x, node.y),
            xytext=(node.x * (node.size * 0.6 + 6), node.y * (node.size * 0.6 + 6)),
            textcoords="offset points",
            ha="left" if node.x > 0.3 else "right" if node.x < -0.3 else "center",
            va="bottom" if node.y > 0.3 else "top" if node.y < -0.3 else "center",
            fontsize=11,
            fontweight="bold" if node.you else "normal",
        )
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.4, 1.4)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.text(0.03, 0.02, view.summary + "\n" + view.legend, fontsize=11, wrap=True)
    return _png(fig)
