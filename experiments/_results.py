"""What the experiment scripts share: a 95% t-interval, and writing a table both as CSV
(experiments/results/) and as its generated Markdown page (docs/)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent


def interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval over seeds (a single value: the value, no spread)."""
    x = np.asarray(x, float)
    if len(x) < 2:
        return float(x.mean()), float(x.mean()), float(x.mean())
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


def grid_table(t: pd.DataFrame, index: str, columns: str, values: str, corner: str) -> list[str]:
    """A fitting grid's ``values`` as a Markdown table, ``index`` down and ``columns``
    across (two decimals), headed ``corner`` in its top-left cell."""
    wide = t.pivot(index=index, columns=columns, values=values)
    lines = [f"| {corner} | " + " | ".join(f"{c:g}" for c in wide.columns) + " |"]
    lines.append("|---" * (len(wide.columns) + 1) + "|")
    for value, row in wide.iterrows():
        lines.append(f"| {value:g} | " + " | ".join(f"{v:.2f}" for v in row) + " |")
    return lines


def write(name: str, table: pd.DataFrame, markdown: str) -> None:
    """``experiments/results/<name>.csv`` and ``docs/<name>.md``, and the page on stdout."""
    out = ROOT / "experiments" / "results"
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / f"{name}.csv", index=False, float_format="%.6g")
    (ROOT / "docs" / f"{name}.md").write_text(markdown)
    sys.stdout.write(markdown)
