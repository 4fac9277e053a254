"""The peeling-trajectory figure of a scenario discovery (discovery.py), in the house style.

Left: every box on PRIM's trajectory, coverage against density, coloured by how many inputs
it restricts, the density threshold as a dashed line and the reported box ringed. Right: the
reported box's range of each input searched, drawn on that input's full range (its labels
and units from the parameter table, fractions as percentages).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stpgame.batch.boxes import input_label, restrictions, shown, threshold_text
from stpgame.batch.figures import MARKERS, OKABE_ITO, new_figure, style


def figure(
    question: Any, boxes: Any, chosen: int, threshold: float, limit: Any, initial: Any
) -> Any:
    """The figure (a matplotlib Figure, drawn on the Agg canvas when saved)."""
    inputs = list(initial.columns)
    with style():
        fig = new_figure(11.5, max(4.4, 1.2 + 0.55 * len(inputs)))
        left, right = fig.subplots(1, 2, width_ratios=[1.15, 1])
        for k, dims in enumerate(sorted(boxes["restricted"].map(_count).unique())):
            sub = boxes[boxes["restricted"].map(_count) == dims]
            left.scatter(
                sub["coverage"] * 100,
                sub["density"] * 100,
                s=28,
                color=OKABE_ITO[k % len(OKABE_ITO)],
                marker=MARKERS[k % len(MARKERS)],
                label=f"{dims} input{'s' if dims != 1 else ''} restricted",
                zorder=3,
            )
        left.plot(boxes["coverage"] * 100, boxes["density"] * 100, color="0.75", lw=0.8, zorder=2)
        left.axhline(threshold * 100, color="0.3", linestyle="--", linewidth=1)
        left.annotate(
            f"density threshold {threshold:.0%}",
            (0.02, threshold * 100),
            xycoords=("axes fraction", "data"),
            xytext=(0, 4),
            textcoords="offset points",
            fontsize=9,
        )
        row = boxes.iloc[chosen]
        left.scatter(
            [row["coverage"] * 100],
            [row["density"] * 100],
            s=170,
            facecolor="none",
            edgecolor="black",
            linewidth=1.5,
            zorder=4,
        )
        left.annotate(
            f"box {chosen}",
            (row["coverage"] * 100, row["density"] * 100),
            xytext=(8, -14),
            textcoords="offset points",
            fontsize=10,
        )
        left.set_xlabel("Coverage (% of all cases of interest in the box)")
        left.set_ylabel("Density (% of the box's runs of interest)")
        left.set_title("Peeling trajectory")
        left.legend(frameon=False, loc="lower left")

        restricted = restrictions(limit, initial)
        positions = np.arange(len(inputs))[::-1]
        for pos, name in zip(positions, inputs, strict=True):
            first, last = initial[name].iloc[0], initial[name].iloc[1]
            right.barh(pos, 1.0, color="0.9", height=0.5)
            if isinstance(first, set):
                allowed = sorted(map(str, limit[name].iloc[0]))
                right.barh(
                    pos, 1.0, color=OKABE_ITO[0] if name in restricted else "0.7", height=0.5
                )
                right.text(0.5, pos, " or ".join(allowed), ha="center", va="center", fontsize=9)
                continue
            low, high = limit[name].iloc[0], limit[name].iloc[1]
            span = float(last - first) or 1.0
            a, b = (float(low) - first) / span, (float(high) - first) / span
            colour = OKABE_ITO[0] if name in restricted else "0.7"
            right.barh(pos, max(b - a, 0.01), left=a, color=colour, height=0.5)
            right.text(a, pos + 0.32, shown(name, low), ha="center", fontsize=8)
            right.text(b, pos + 0.32, shown(name, high), ha="center", fontsize=8)
        right.set_yticks(positions, [input_label(n) for n in inputs])
        right.set_ylim(-0.6, len(inputs) - 0.15)  # room for the top bar's values under the title
        right.set_xlim(-0.05, 1.05)
        right.set_xticks([0, 1], ["low end", "high end"])
        right.set_title(f"Box {chosen}: range of each input searched\n(blue: restricted)")
        right.grid(False)
        out = question.about()
        value = threshold_text(question)
        n_runs = int(boxes.iloc[0]["runs_in_box"])  # box 0 is the whole input space
        fig.suptitle(
            f"Scenario discovery (PRIM): {out.label} {question.direction} {value}\n"
            f"{n_runs} runs; box {chosen}: coverage {row['coverage']:.0%}, "
            f"density {row['density']:.0%}, mass {row['mass']:.0%}",
            fontsize=12,
        )
        return fig


def _count(restricted: object) -> int:
    return len([r for r in str(restricted).split(", ") if r])
