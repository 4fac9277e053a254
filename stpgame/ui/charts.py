"""Chart contents, independent of how they are drawn.

Each builder turns a run's ``History`` into ``Chart`` objects (title, unit,
lines); ``echarts.py`` draws them live in the browser and ``figures.py`` draws
the same objects with Matplotlib for the PNG download, so a chart is defined
once. Titles and units of charts showing one model output come from the output
registry (stpgame/core/outputs.py), so the app names an output as the files and figures do.
"""

from __future__ import annotations

from dataclasses import dataclass

from stpgame.core.outputs import ORG_REGISTRY, REGISTRY
from stpgame.core.params import ORG_TYPES
from stpgame.ui import texts
from stpgame.ui.history import History


@dataclass(frozen=True)
class Line:
    """One line of a chart: its name, a value per year, colour and style."""

    name: str
    values: tuple[float, ...]
    colour: str
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    """One chart's contents: title, unit, years, lines and an optional shaded band."""

    key: str
    title: str
    unit: str
    rounds: tuple[int, ...]
    lines: tuple[Line, ...]
    band: tuple[int, int] | None = None  # shade between these two lines (indices)
    band_name: str = ""
    percent: bool = False  # values are shares in [0, 1], shown as %

    @property
    def empty(self) -> bool:
        """Whether there is nothing to draw yet (no year played)."""
        return not self.rounds


def _t(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _unit(output) -> str:
    """The registry unit as shown (shares in %), e.g. '£m per year', '% of organisations'."""
    return output.display_unit()


def collective(h: History) -> list[Chart]:
    """The whole system: money, welfare against everyone pooling, how much is pooled (money,
    and bodies' own choices: a mandatory pool raises the first, not the second), hospitals,
    patients."""
    r = tuple(h.rounds)
    thousand = 1e-3
    return [
        Chart(
            "welfare",
            "Welfare: these rules vs all pooling",
            _unit(REGISTRY["collective_welfare"]),
            r,
            (
                Line(
                    "Everyone pooling",
                    _t(h.series("full_cooperation_welfare")),
                    texts.POOLED_COLOUR,
                ),
                Line("Under these rules", _t(h.series("collective_welfare")), texts.SYSTEM_COLOUR),
            ),
            band=(1, 0),
            band_name=REGISTRY["price_of_fortress"].label,
        ),
        Chart(
            "system_balance",
            REGISTRY["system_balance"].label,
            _unit(REGISTRY["system_balance"]),
            r,
            (
                Line(
                    REGISTRY["system_balance"].label,
                    _t(h.series("system_balance")),
                    texts.SYSTEM_COLOUR,
                ),
            ),
        ),
        Chart(
            "pooled",
            "Pooling: money and choices",
            "% of free budget · % of bodies",
            r,
            (
                Line(
                    "Money pooled (% of free budget, mandatory pool included)",
                    _t(h.series("pooled_share")),
                    texts.POOLED_COLOUR,
                ),
                Line(
                    "Bodies pooling half or more of what they are free to",
                    _t(h.series("cooperation_rate")),
                    texts.SYSTEM_COLOUR,
                    dashed=True,
                ),
            ),
            percent=True,
        ),
        Chart(
            "hospital",
            "Hospital pressure",
            "thousands per year",
            r,
            (
                Line(
                    REGISTRY["delayed_bed_days"].label,
                    _t(v * thousand for v in h.series("delayed_bed_days")),
                    texts.WITHHELD_COLOUR,
                ),
                Line(
                    REGISTRY["emergency_admissions"].label,
                    _t(v * thousand for v in h.series("emergency_admissions")),
                    texts.SYSTEM_COLOUR,
                ),
            ),
        ),
        Chart(
            "outcomes",
            REGISTRY["patient_outcome_index"].label,
            _unit(REGISTRY["patient_outcome_index"]),
            r,
            (
                Line(
                    REGISTRY["patient_outcome_index"].label,
                    _t(h.series("patient_outcome_index")),
                    texts.POOLED_COLOUR,
                ),
            ),
        ),
    ]


def individual(h: History) -> list[Chart]:
    """Each organisation type on its own: its books, its rating score, whether it pools."""
    r = tuple(h.rounds)
    present = [t for t in ORG_TYPES if h.type_count[ORG_TYPES.index(t)] > 0]

    def per_type(which: str, scale: float = 1.0) -> tuple[Line, ...]:
        return tuple(
            Line(
                texts.ORG_SHORT_PLURAL[t],
                _t(v * scale for v in h.by_type(which, t)),
                texts.ORG_COLOURS[t],
            )
            for t in present
        )

    return [
        Chart(
            "own_balance",
            f"{ORG_REGISTRY['balance'].label}, average body",
            _unit(ORG_REGISTRY["balance"]),
            r,
            per_type("balance"),
        ),
        Chart(
            "own_score",
            ORG_REGISTRY["score"].label,
            _unit(ORG_REGISTRY["score"]),
            r,
            per_type("score", ORG_REGISTRY["score"].scale),
        ),
        Chart(
            "pooling",
            "Share of bodies pooling",
            _unit(ORG_REGISTRY["pooled"]),
            r,
            per_type("pooled"),
            percent=True,
        ),
    ]


FOOTPRINT_COLOURS = (texts.SYSTEM_COLOUR, texts.WITHHELD_COLOUR)


def footprints(h: History, shown: list[int], names: list[str]) -> list[Chart]:
    """The footprints shown side by side, year by year: how many of their bodies pool, and how
    much they trust each other (``names``: each footprint's name, with its size)."""
    r = tuple(h.rounds)

    def lines(which: str) -> tuple[Line, ...]:
        return tuple(
            Line(names[fp], _t(h.by_footprint(which, fp)), FOOTPRINT_COLOURS[k % 2], dashed=k > 0)
            for k, fp in enumerate(shown)
        )

    return [
        Chart(
            "fp_pooling",
            "Share of bodies pooling, by footprint",
            "% of the footprint's bodies",
            r,
            lines("pooled"),
            percent=True,
        ),
        Chart("fp_trust", "Mean trust, by footprint", "0 none, 1 complete", r, lines("trust")),
    ]


def compare(a: History, b: History) -> list[Chart]:
    """Rules A against rules B, the same places and the same luck."""
    r = tuple(a.rounds)

    def pair(key: str, scale: float = 1.0) -> tuple[Line, ...]:
        return (
            Line("Rules A", _t(v * scale for v in a.series(key)), texts.A_COLOUR),
            Line("Rules B", _t(v * scale for v in b.series(key)), texts.B_COLOUR, dashed=True),
        )

    return [
        Chart(
            "ab_pooling",
            "Share of bodies pooling",
            _unit(REGISTRY["cooperation_rate"]),
            r,
            pair("cooperation_rate"),
            percent=True,
        ),
        Chart(
            "ab_welfare",
            REGISTRY["collective_welfare"].label,
            _unit(REGISTRY["collective_welfare"]),
            r,
            pair("collective_welfare"),
        ),
        Chart(
            "ab_price",
            REGISTRY["cumulative_price_of_fortress"].label,
            _unit(REGISTRY["cumulative_price_of_fortress"]),
            r,
            pair("cumulative_price_of_fortress"),
        ),
        Chart(
            "ab_delays",
            REGISTRY["delayed_bed_days"].label,
            f"thousand {_unit(REGISTRY['delayed_bed_days'])}",
            r,
            pair("delayed_bed_days", 1e-3),
        ),
    ]


def player(log: list[dict[str, float]]) -> list[Chart]:
    """The participant's body and the system, against the same run with that body on autopilot."""
    r = tuple(int(row["round"]) for row in log)

    def pair(key: str, auto: str) -> tuple[Line, ...]:
        return (
            Line("Your choices", _t(row[key] for row in log), texts.INDIVIDUAL_COLOUR),
            Line("On autopilot", _t(row[auto] for row in log), "#777777", dashed=True),
        )

    return [
        Chart(
            "player_own",
            "Your own balance, added up",
            "£m",
            r,
            pair("cumulative", "auto_cumulative"),
        ),
        Chart(
            "player_system",
            "The whole system's welfare",
            "£m a year",
            r,
            pair("welfare", "auto_welfare"),
        ),
    ]
