"""What a PRIM box says: the question asked, the inputs a box restricts, and both as text.

Shared by the discovery (discovery.py) and its figure (prim_figure.py); values are shown as
people read them (fractions as percentages, from the output registry and parameter table).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from stpgame.core.outputs import Output


@dataclass(frozen=True)
class Question:
    """Which runs are of interest: ``column`` below or above ``value`` (stored units)."""

    output: str
    statistic: str
    direction: str  # "below" | "above"
    value: float
    custom: Output | None = None  # a custom outcome's own description (batch/outcomes.py)

    @property
    def column(self) -> str:
        """The outcome's column in runs.parquet (``cooperation_rate_final``; a custom outcome
        measured once per run is its own column)."""
        if self.custom is not None and self.custom.name == self.output:
            return self.output
        return f"{self.output}_{self.statistic}"

    def about(self) -> Output:
        """What the column holds: from the output registry, or the custom outcome's words."""
        from stpgame.core.outputs import column

        return column(self.column) if self.custom is None else self.custom

    @property
    def folder_name(self) -> str:
        """``cooperation_rate_final_below_0.1``: one folder per question."""
        return f"{self.column}_{self.direction}_{self.value:g}"

    def of_interest(self, values: np.ndarray) -> np.ndarray:
        """Whether each value is of interest (strictly below or above)."""
        return values < self.value if self.direction == "below" else values > self.value


def restrictions(limit: Any, initial: Any) -> dict[str, tuple[object, object]]:
    """The inputs a box restricts: number -> (low or None, high or None) for each side it
    moves in from the full range; text -> (allowed values, None)."""
    out: dict[str, tuple[object, object]] = {}
    for name in limit.columns:
        low, high = limit[name].iloc[0], limit[name].iloc[1]
        first, last = initial[name].iloc[0], initial[name].iloc[1]
        if isinstance(low, set):
            if low != first:
                out[name] = (sorted(low), None)
            continue
        lower = low if low > first else None
        upper = high if high < last else None
        if lower is not None or upper is not None:
            out[name] = (lower, upper)
    return out


def shown(name: str, value: object) -> str:
    """A value as people read it: '2%' for a fraction stored as 0.02, '1.5', 'system'."""
    from stpgame.batch.figures import value_text
    from stpgame.core.outputs import column

    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return value_text(name, round(float(value) * column(name).scale, 10))
    return str(value)


def threshold_text(question: Question) -> str:
    """The question's value with its unit as people read it: '12% of organisations'."""
    about = question.about()
    value = round(question.value * about.scale, 10)
    text, unit = (f"{value:g}%" if about.percent else f"{value:g}"), about.display_unit()
    if text.endswith("%") and unit.startswith("%"):
        return text + unit[1:]
    return f"{text} {unit}" if unit else text


def input_label(name: str) -> str:
    """'Savings multiplier', 'Funding growth (% per year)', 'Savings lag, rounds (years)':
    the parameter's label and unit, without parentheses inside parentheses."""
    from stpgame.core.outputs import column

    about = column(name)
    unit = about.display_unit()
    if not unit:
        return str(about.label)
    return f"{about.label}, {unit}" if "(" in unit else f"{about.label} ({unit})"


def restriction_text(
    name: str, low: object, high: object, initial: Any, declared: object = None
) -> str:
    """'Savings multiplier at least 1.5 (of 0.1 to 3 swept)' for one restricted input.

    ``declared``: the range the experiment declared (``[low, high]``, or the grid's values),
    said rather than the span the sampled runs happened to cover (a Latin hypercube of 0.1
    to 3 samples, say, 0.13 to 2.96)."""
    label = input_label(name)
    first, last = initial[name].iloc[0], initial[name].iloc[1]
    if isinstance(low, list):
        return f"{label} is {' or '.join(map(str, low))} (of {', '.join(sorted(map(str, first)))})"
    if isinstance(declared, list | tuple) and len(declared) >= 2:
        numbers = [v for v in declared if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(numbers) == len(declared):
            first, last = min(numbers), max(numbers)
    whole_range = f"(of {shown(name, first)} to {shown(name, last)} swept)"
    if low is not None and high is not None:
        return f"{label} between {shown(name, low)} and {shown(name, high)} {whole_range}"
    if low is not None:
        return f"{label} at least {shown(name, low)} {whole_range}"
    return f"{label} at most {shown(name, high)} {whole_range}"
