"""The debrief's downloads: every decision as CSV, the timeline as PNG or SVG.

The timeline (Matplotlib, drawn with the Agg canvas, never pyplot) has one row
per body with a mark per year, coloured by how much it pooled and shaped by who
decided (a person, autopilot, or autopilot because the person did not decide
in time); rule changes are dashed lines through every panel; below, the
footprint's welfare under the room's rules against everyone pooling, and the
price of fortress behaviour added up.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from stpgame.ui import texts
from stpgame.workshop.room import Room

MARKERS = {"human": "o", "autopilot": "s", "autopilot (undecided)": "X"}
MARKER_WORDS = {
    "human": "decided by a person",
    "autopilot": "autopilot",
    "autopilot (undecided)": "autopilot: person did not decide",
}


def decisions_csv(room: Room) -> bytes:
    """Every submitted decision, in order (`Room.decisions_frame`), as CSV."""
    text: str = room.decisions_frame().to_csv(index=False)
    return text.encode()


def body_years_csv(room: Room) -> bytes:
    """One row per body per year (`Room.debrief`), as CSV."""
    text: str = room.debrief().to_csv(index=False)
    return text.encode()


def timeline(room: Room, fmt: str = "png") -> bytes:
    """The debrief timeline as ``png`` or ``svg`` bytes."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"format: png or svg, got {fmt!r}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LinearSegmentedColormap, Normalize
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    df = room.debrief()
    years = room.debrief_years()
    labels = room.labels
    n = len(labels)
    cmap = LinearSegmentedColormap.from_list(
        "pooling", [texts.WITHHELD_COLOUR, "#f0e442", texts.POOLED_COLOUR]
    )
    fig = Figure(figsize=(12, 3.2 + 0.45 * n + 3.4), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(f"Room {room.code}: {room.title}", fontsize=16, fontweight="bold")
    top, bottom = fig.subplots(
        2, 1, height_ratios=[max(2.0, 0.45 * n), 3.0], sharex=True, squeeze=True
    )
    for control, marker in MARKERS.items():
        part = df[df["control"] == control]
        if len(part):
            top.scatter(
                part["round"],
                part["org_id"],
                c=part["level"],
                cmap=cmap,
                vmin=0,
                vmax=1,
                marker=marker,
                s=160,
                edgecolors="#333333",
                linewidths=0.8,
            )
    top.set_yticks(range(n), labels)
    top.set_ylim(n - 0.5, -0.5)
    top.set_title("Who pooled what, year by year", loc="left", fontsize=13)
    fig.colorbar(ScalarMappable(Normalize(0, 1), cmap), ax=top, label="share of free budget pooled")
    top.legend(
        handles=[
            Line2D([], [], marker=m, linestyle="", color="#777777", markersize=10, label=w)
            for m, w in ((MARKERS[k], MARKER_WORDS[k]) for k in MARKERS)
        ],
        loc="upper left",
        bbox_to_anchor=(1.13, 1.0),
        fontsize=10,
        frameon=False,
    )
    if len(years):
        r = years["round"]
        bottom.plot(
            r,
            years["collective_welfare"],
            color=texts.SYSTEM_COLOUR,
            lw=3,
            label="Under the room's rules",
        )
        bottom.plot(
            r,
            years["full_cooperation_welfare"],
            color=texts.POOLED_COLOUR,
            lw=3,
            ls="--",
            label="If everyone had pooled",
        )
        price = bottom.twinx()
        price.bar(r, years["cumulative_price_of_fortress"], color=texts.WITHHELD_COLOUR, alpha=0.25)
        price.set_ylabel("price of fortress, added up (£m, bars)")
        bottom.set_ylabel("footprint welfare (£m a year)")
        bottom.legend(loc="upper left", fontsize=10)
    bottom.set_xlabel("year")
    bottom.set_title("The footprint together", loc="left", fontsize=13)
    for year in sorted({change["year"] for change in room.rule_changes()}):
        x = year - 0.5
        for ax in (top, bottom):
            ax.axvline(x, color="#444444", ls="--", lw=1.5)
        # along the line, inside the lower panel: above the top panel it hit the title
        bottom.annotate(
            "rules changed",
            (x, 0.02),
            xycoords=("data", "axes fraction"),
            xytext=(3, 0),
            textcoords="offset points",
            rotation=90,
            va="bottom",
            fontsize=10,
        )
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt)
    return buf.getvalue()


def effects(room: Room) -> pd.DataFrame:
    """What each body's decisions did to the others, in pounds: one row per body.

    For each body the room's log is replayed (``Room.from_dict``, exact: the model is
    seeded) with that body pooling everything every year and nothing else changed: the
    same people's decisions, rule changes and events. ``others`` is how much better off
    (£m, added up over the years played) the *other* bodies were in the game as played
    than in that replay: negative when the body's holding back cost the others money.
    ``itself`` is the same for the body's own books. The autopilot bodies react to what
    they see, so the replay includes their reactions (as the HFMA game's debrief asks:
    how did one body's decision hit the others?).
    """
    with room.lock:
        data = room.to_dict(secrets_too=False)
        played = room.debrief()
        labels = list(room.labels)
    if played.empty:
        return pd.DataFrame(columns=["body", "pooled", "others", "itself"])
    actual = played.groupby("org_id")["balance"].sum().to_numpy()
    rows = []
    for body, label in enumerate(labels):
        events: list[dict[str, Any]] = []
        for event in data["events"]:
            if event["kind"] == "advance":
                events.append(
                    {
                        "kind": "decision",
                        "year": event["year"],
                        "body": body,
                        "level": 1.0,
                        "by": "",
                        "name": "",
                        "at": 0.0,
                    }
                )
            events.append(event)
        # another game than the one played: its results are not the file's to check
        replay = Room.from_dict({**data, "events": events, "participants": [], "results": None})
        other = replay.model.org_dataframe().groupby("org_id")["balance"].sum().to_numpy()
        diff = actual - other
        rows.append(
            {
                "body": label,
                "pooled": float(played.loc[played["org_id"] == body, "level"].mean()),
                "others": float(diff.sum() - diff[body]),
                "itself": float(diff[body]),
            }
        )
        replay.release()
    return pd.DataFrame(rows)
