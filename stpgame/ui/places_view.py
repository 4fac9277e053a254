"""Real places in the explorer: pick any of England's 44 footprints of 2017, and a view of
England as 44 tiles grouped by NHS England region, coloured by an output, each opening its
footprint (stpgame.places; data and rules in docs/places.md).

No map: no boundary file that works offline was found, so the tiles are grouped by region
and ordered by E54 code, which keeps neighbours mostly near each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import solara

from stpgame import places
from stpgame.places.measures import footprint_table
from stpgame.ui.state import TabState

PRESET_PLACES = "The preset's own footprints"
RELATIONSHIPS_TAB = 1  # texts.TABS: "Relationships"
OVERVIEW_TAB = 0


@solara.component
def PlacePicker(state: TabState, settings: int):
    """Choose a real footprint to play on its own (or the preset's footprints)."""
    s = state.session
    options = [PRESET_PLACES, *places.names()]

    def pick(choice: str) -> None:
        state.playing.set(False)
        state.footprint.set(0)
        state.attempt(lambda: s.set_place("" if choice == PRESET_PLACES else choice))

    solara.Select(
        "Place (a real footprint of 2017)",
        values=options,
        value=s.place or PRESET_PLACES,
        on_value=pick,
        classes=["place-select"],
    )


SAME_AS_A = "The same as rules A"


@solara.component
def PlacePickerB(state: TabState, settings: int):
    """Rules B on another place: compare two real footprints (by default under the same rules)."""
    s = state.session
    options = [SAME_AS_A, PRESET_PLACES, *places.names()]
    current = SAME_AS_A if s.same_places else (s.place_b or PRESET_PLACES)

    def pick(choice: str) -> None:
        state.playing.set(False)
        if choice == SAME_AS_A:
            state.attempt(lambda: s.set_place(s.place or None))
        else:
            state.attempt(lambda: s.set_place("" if choice == PRESET_PLACES else choice, "B"))

    solara.Select(
        "Place under rules B",
        values=options,
        value=current,
        on_value=pick,
        classes=["place-b-select"],
    )


def place_difference(s) -> str | None:
    """In words, the places A and B play when they differ (None when the same)."""
    if s.same_places:
        return None
    return (
        f"**Place**: A {s.place or PRESET_PLACES.lower()}, B {s.place_b or PRESET_PLACES.lower()}"
    )


@dataclass(frozen=True)
class Measure:
    """An output a tile can be coloured by: its label, values per footprint, how to show one."""

    label: str
    fmt: str  # format for one value
    needs_england: bool  # a model output: only when the run holds all 44 footprints


MEASURES = {
    "pooled": Measure("Bodies pooling this year", "{:.0%}", True),
    "trust": Measure("Trust between partners (mean)", "{:.2f}", True),
    "balance": Measure("Balance so far per body (£m)", "{:,.0f}", True),
    "population": Measure("Population (millions, LSOA estimate)", "{:.2f}", False),
    "bodies": Measure("Bodies (trusts, CCGs, councils)", "{:.0f}", False),
    "split_share": Measure("People in councils split across footprints", "{:.0%}", False),
    "structural_loss": Measure("Savings lost to coordination and boundaries", "{:.1%}", False),
}


def tile_values(s, key: str) -> np.ndarray | None:
    """Values of ``key`` per real footprint (E54 order) in session ``s``'s run A; None where
    the run cannot give them (it does not hold all 44 footprints)."""
    table = footprint_table(s.params("A"))
    if not MEASURES[key].needs_england:
        return table[key].to_numpy(float)
    with s.lock:
        model, history = s.a.model, s.a.history
        if model.structure.footprint_codes != tuple(table["code"]):
            return None
        if key == "pooled":
            return history.fp_pooled[-1] if len(history) else np.zeros(len(table))
        if key == "trust":
            return np.asarray(model.footprint_trust(), float)
        size = np.maximum(history.fp_size, 1)
        return np.bincount(history.footprint, history.cumulative, len(size)) / size


def colour(x: float, low: float, high: float) -> str:
    """Light blue (low) to dark blue (high)."""
    t = 0.0 if high <= low else (x - low) / (high - low)
    light, dark = np.array([227, 242, 253]), np.array([13, 71, 161])
    r, g, b = (light + t * (dark - light)).round().astype(int)
    return f"rgb({r},{g},{b})"


@solara.component
def EnglandView(state: TabState, version: int):
    """England's 44 footprints as tiles by NHS region; a tile opens its footprint."""
    key, set_key = solara.use_state("structural_loss")
    s = state.session
    table = footprint_table(s.params("A"))
    values = tile_values(s, key)
    measure = MEASURES[key]
    labels = {m.label: k for k, m in MEASURES.items()}
    solara.Select(
        "Colour by",
        values=list(labels),
        value=measure.label,
        on_value=lambda label: set_key(labels[label]),
        classes=["england-measure"],
    )
    if values is None:
        solara.Text(
            f"“{measure.label}” comes from a run of all 44 footprints: choose an England "
            "preset (and no single place) to colour the tiles by it.",
            classes=["card-note", "england-note"],
        )
        values = np.full(len(table), np.nan)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    england_run = s.a.model.structure.footprint_codes == tuple(table["code"])

    def open_footprint(k: int, name: str) -> None:
        state.playing.set(False)
        if england_run:  # the footprint inside the England run: its relationships
            state.footprint.set(k)
            state.beside.set(-1)
            state.tab.set(RELATIONSHIPS_TAB)
        else:  # play it on its own
            state.footprint.set(0)
            if state.attempt(lambda: s.set_place(name)):
                state.tab.set(OVERVIEW_TAB)

    solara.Text(
        f"{measure.label}: light {measure.fmt.format(low)} to dark {measure.fmt.format(high)}. "
        + (
            "A tile opens that footprint's relationships in this run."
            if england_run
            else "A tile plays that footprint on its own."
        ),
        classes=["card-note"],
    )
    for region in dict.fromkeys(table["region"]):
        solara.Markdown(f"#### {region}")
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}, classes=["england-region"]):
            for k in np.flatnonzero(table["region"].to_numpy() == region):
                row = table.iloc[k]
                x = float(values[k])
                shown = measure.fmt.format(x) if np.isfinite(x) else "–"
                dark = np.isfinite(x) and high > low and (x - low) / (high - low) > 0.55
                solara.Button(
                    f"{row['name']}: {shown}",
                    on_click=lambda k=int(k), n=str(row["name"]): open_footprint(k, n),
                    classes=["england-tile", f"tile-{row['code']}"],
                    style={
                        "background-color": colour(x, low, high) if np.isfinite(x) else "#eee",
                        "color": "white" if dark else "black",
                        "text-transform": "none",
                        "height": "auto",
                        "min-height": "36px",
                        "max-width": "300px",
                        "white-space": "normal",
                    },
                )
