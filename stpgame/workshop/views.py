"""What the workshop pages show, computed once per room version and shared by every page.

``snapshot(room)`` reads the room under its lock and returns plain, immutable
data: the footprint together, each body alone, who decided, the year's money
flows between bodies (for the Sankey diagram) and the effective game. Thirty
pages redrawing after "Next year" all read the same snapshot, so the model's
tables are built once per year, not once per page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stpgame.core import regulation, scenarios
from stpgame.workshop.plans import PLANS, Plan
from stpgame.workshop.room import FLOW_TOTALS, Room, change_words

FLOWS = FLOW_TOTALS  # every flow of a body's books: they add up to its balance
POOL = "Pooled fund"
RISK = "Risk-sharing pot"
CENTRE = "Central money"  # sustainability, incentive, transformation, bail-outs
REGULATOR = "Penalties"


@dataclass(frozen=True)
class BodyView:
    """One body as the pages show it: who plays it, whether they decided, last year's results."""

    index: int
    label: str
    org_type: str
    holders: tuple[str, ...]  # names of the people playing it now
    decided: bool  # this year, so far
    last: dict[str, Any] | None  # last year's flows and results (None before year 1)
    control: str  # last year: human / autopilot / autopilot (undecided)
    sent_by: str  # last year: who sent the decision that counted ("" for autopilot)
    twin: tuple[float, float] | None  # its autopilot twin: last year's balance, added up
    start: float  # where this body's slider starts: the level its people last sent, or 50%


@dataclass(frozen=True, eq=False)  # compared by identity: one object per room version
class Snapshot:
    """Everything the workshop pages show of a room at one version (see the module docstring)."""

    code: str
    title: str
    year: int
    version: int
    closed: bool
    timer_deadline: float | None
    bodies: tuple[BodyView, ...]
    rounds: tuple[int, ...]
    together: dict[
        str, Any
    ]  # series per year: balance, welfare, everyone_pooled, price, cum_price, pooling
    body_balance: tuple[tuple[float, ...], ...]  # per body, its balance each year
    body_cumulative: tuple[tuple[float, ...], ...]
    body_level: tuple[tuple[float, ...], ...]  # per body, the share it pooled each year
    body_control: tuple[tuple[str, ...], ...]
    rule_changes: tuple[tuple[int, str], ...]  # (first year under new rules, what changed)
    flows: dict[str, Any]  # Sankey nodes and links of last year
    game: dict[str, Any] | None  # effective game of the coming year
    undecided: tuple[int, ...]
    humans: tuple[int, ...]
    rules: dict[str, Any]
    in_force: tuple[tuple[str, str], ...]  # the rules in play, (label, value in words)
    changes: tuple[dict[str, Any], ...]  # every rule change: year, words, event name
    totals: dict[str, Any]  # Sankey nodes and links of every year so far, added up
    plan: Plan | None
    timer_seconds: float | None
    scenario_title: str
    lag: int  # years before pooled money lands as savings (the books' explanation)
    _memo: dict[object, Any] = field(default_factory=dict, repr=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def label(self, body: int) -> str:
        """The label of body ``body``."""
        return self.bodies[body].label

    def memo(self, key: object, build: Callable[[], Any]) -> Any:
        """``build()``, made once for this version and shared by every page that asks.

        The pages' HTML and chart JSON depend only on the snapshot (and the body a
        page shows), so thirty pages redrawing after "Next year" build each piece
        once, not thirty times. The lock makes the pages' redraw threads wait for
        the first build instead of repeating it.
        """
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = build()
            return self._memo[key]


def snapshot(room: Room) -> Snapshot:
    """The room as the pages show it (cached until the room changes)."""
    with room.lock:
        cached = room._snapshot
        if cached is not None and cached.version == room.version:
            return cached
        snap = _build(room, _year_view(room))
        room._snapshot = snap
        return snap


@dataclass(frozen=True)
class _YearView:
    """The part of a snapshot that changes only when a year is played or the rules change:
    the model's tables, last year's flows and the effective game. A submitted decision
    makes a new snapshot but reuses this (building it takes ~30 ms, the rest ~0.1 ms)."""

    key: tuple[int, int]
    rounds: tuple[int, ...]
    together: dict[str, Any]
    balance: tuple[tuple[float, ...], ...]
    cumulative: tuple[tuple[float, ...], ...]
    level: tuple[tuple[float, ...], ...]
    control: tuple[tuple[str, ...], ...]
    last: tuple[dict[str, Any] | None, ...]  # per body
    flows: dict[str, Any]
    game: dict[str, Any] | None
    rule_changes: tuple[tuple[int, str], ...]
    changes: tuple[dict[str, Any], ...]
    totals: dict[str, Any]
    in_force: tuple[tuple[str, str], ...]
    sent_by: tuple[str, ...]
    twin: tuple[tuple[float, float] | None, ...]  # per body: its autopilot twin's results


def _year_view(room: Room) -> _YearView:
    key = (room.year, len(room.rule_changes()))
    cached = room._year_view
    if cached is not None and cached.key == key:
        return cached
    model = room.model
    n = room.n_bodies
    years = room.years()
    changes = room.rule_changes()
    df = model.org_dataframe()
    md = model.model_dataframe()
    rounds = tuple(int(r) for r in md["round"]) if len(md) else ()
    balance = np.zeros((n, len(rounds)))
    cumulative = np.zeros((n, len(rounds)))
    level = np.zeros((n, len(rounds)))
    if len(df):
        k = df["org_id"].to_numpy()
        y = df["round"].to_numpy() - 1
        balance[k, y] = df["balance"].to_numpy()
        cumulative[k, y] = df["cumulative_balance"].to_numpy()
        level[k, y] = df["level"].to_numpy()
    last = _last_flows(room) if rounds else None
    if last is not None:
        last["level"] = level[:, -1]
    together = {}
    if len(md):
        together = {
            "balance": tuple(float(x) for x in md["system_balance"]),
            "welfare": tuple(float(x) for x in md["collective_welfare"]),
            "everyone_pooled": tuple(float(x) for x in md["full_cooperation_welfare"]),
            "price": tuple(float(x) for x in md["price_of_fortress"]),
            "cum_price": tuple(float(x) for x in md["cumulative_price_of_fortress"]),
            "pooling": tuple(float(x) for x in md["cooperation_rate"]),
        }
    view = _YearView(
        key,
        rounds,
        together,
        tuple(tuple(row) for row in balance.tolist()),
        tuple(tuple(row) for row in cumulative.tolist()),
        tuple(tuple(row) for row in level.tolist()),
        tuple(tuple(_control(info, b) for info in years) for b in range(n)),
        tuple(
            None if last is None else {name: float(v[b]) for name, v in last.items()}
            for b in range(n)
        ),
        flows(room.labels, room.org_types, last) if last else {"nodes": [], "links": []},
        effective_game(room),
        tuple((c["year"], change_words(c)) for c in changes),
        tuple(
            {"year": c["year"], "words": change_words(c), "event": c["event"], "ends": c["ends"]}
            for c in changes
        ),
        flows(room.labels, room.org_types, dict(room.flow_totals))
        if rounds
        else {"nodes": [], "links": []},
        tuple(room.rules_in_force()),
        tuple(
            years[-1]["decisions"][b].name if years and b in years[-1]["decisions"] else ""
            for b in range(n)
        ),
        tuple(room.twin_result(b) for b in range(n)),
    )
    room._year_view = view
    return view


def _build(room: Room, year: _YearView) -> Snapshot:
    n = room.n_bodies
    bodies = tuple(
        BodyView(
            b,
            room.labels[b],
            room.org_types[b],
            tuple(p.name for p in room.holders(b)),
            b in room.pending,
            year.last[b],
            year.control[b][-1] if year.rounds else "",
            year.sent_by[b],
            year.twin[b],
            _start(room, b),
        )
        for b in range(n)
    )
    return Snapshot(
        room.code,
        room.title,
        room.year,
        room.version,
        room.closed,
        room.timer_deadline,
        bodies,
        year.rounds,
        year.together,
        year.balance,
        year.cumulative,
        year.level,
        year.control,
        year.rule_changes,
        year.flows,
        year.game,
        tuple(room.undecided()),
        tuple(room.human_bodies()),
        dict(room.rules),
        year.in_force,
        year.changes,
        year.totals,
        PLANS.get(room.plan),
        room.timer_seconds,
        scenarios.get(room.scenario).title,
        int(room.model.params.savings_lag),
    )


def _start(room: Room, body: int) -> float:
    sent = room.last_sent(body)
    return 0.5 if sent is None else sent


def _control(info: dict[str, Any], body: int) -> str:
    if body in info["decisions"]:
        return "human"
    if body in info["autopilot"]:
        return "autopilot (undecided)"
    return "autopilot"


def _last_flows(room: Room) -> dict[str, np.ndarray]:
    """Last year's flows per body from ``model.last_round`` plus score and rating."""
    model = room.model
    r = model.last_round
    assert r is not None
    out = {k: np.asarray(getattr(r, k), float) for k in FLOWS}
    # cash support counts in the books only as a grant: a support loan finances the
    # deficit and is owed (economy.py); its interest is a cost
    grant = model.params.cash_support == "grant"
    out["support_grant"] = out["bailout"] if grant else np.zeros_like(out["bailout"])
    scores = np.asarray(room.model.scores, float)
    out["score"] = scores
    out["rating"] = regulation.rating(scores).astype(float)
    out["pooled"] = np.array([bool(o.pooled) for o in room.model.organisations], float)
    return out


def node_name(label: str, side: str) -> str:
    """A Sankey node's name: the body's label and whether money leaves it ('pays') or lands
    with it ('receives'). ECharts shows node names in its tooltips, so they are words."""
    return f"{label} ({side})"


def flows(labels: list[str], org_types: list[str], f: dict[str, np.ndarray]) -> dict[str, Any]:
    """Where the money went, as Sankey nodes and links (£m, only flows above £0.01m).

    Left, each body as a payer; right, each body as a receiver. Through the
    middle: the pooled fund (what each paid in; the savings landing this year
    come from pooling ``savings_lag`` years earlier), the risk-sharing pot, the
    central money (sustainability money for control totals met, the incentive
    fund, transformation money, bail-outs) and the regulators' penalties. Council
    cuts shift cost straight onto the NHS bodies, shared out by how much each
    council cut. Each link carries ``words``: what it was, in a sentence.
    """
    n = len(labels)
    out_id = [node_name(label, "pays") for label in labels]
    in_id = [node_name(label, "receives") for label in labels]
    links: list[dict[str, Any]] = []

    def link(source: str, target: str, value: float, kind: str, words: str) -> None:
        if value > 0.01:
            links.append(
                {
                    "source": source,
                    "target": target,
                    "value": round(float(value), 2),
                    "kind": kind,
                    "words": f"{words}: £{float(value):,.1f}m",
                }
            )

    for k in range(n):
        name = labels[k]
        link(out_id[k], POOL, f["contribution"][k], "pool", f"{name} paid into the pooled fund")
        link(POOL, in_id[k], f["savings"][k], "savings", f"Savings landed with {name}")
        link(out_id[k], RISK, -f["transfer"][k], "risk", f"{name} paid into risk sharing")
        link(RISK, in_id[k], f["transfer"][k], "risk", f"Risk sharing paid {name}")
        central = f["central"][k] + f["incentive"][k] + f["transformation"][k] + f["bailout"][k]
        link(CENTRE, in_id[k], central, "central", f"Central money to {name}")
        link(out_id[k], REGULATOR, f["penalty"][k], "penalty", f"{name} paid a penalty")
    total_cut = float(f["cut"].sum())
    if total_cut > 0:
        for c in range(n):
            for j in range(n):
                link(
                    out_id[c],
                    in_id[j],
                    f["shifted"][j] * f["cut"][c] / total_cut,
                    "cuts",
                    f"{labels[c]}'s cuts shifted cost onto {labels[j]}",
                )
    used = {x for lk in links for x in (lk["source"], lk["target"])}
    nodes = []
    for k in range(n):
        for ident, side in ((out_id[k], "out"), (in_id[k], "in")):
            if ident in used:
                nodes.append(
                    {
                        "name": ident,
                        "label": labels[k],
                        "org_type": org_types[k],
                        "side": side,
                        "body": k,
                    }
                )
    for ident in (POOL, RISK, CENTRE, REGULATOR):
        if ident in used:
            nodes.append(
                {"name": ident, "label": ident, "org_type": "", "side": "middle", "body": -1}
            )
    return {"nodes": nodes, "links": links}


def effective_game(room: Room) -> dict[str, Any] | None:
    """The 2x2 game two representative bodies of this footprint face next year, in words.

    None when the analysis does not fit this model (e.g. after a model change).
    """
    try:
        from stpgame.analysis.effective_game import effective_game as game_of
        from stpgame.analysis.stage_game import analyse_game

        analysis = analyse_game(game_of(room.model))
    except (AttributeError, KeyError, TypeError, ImportError):
        return None
    g = analysis.game
    return {
        "kind": analysis.kind,
        "R": g.R,
        "S": g.S,
        "T": g.T,
        "P": g.P,
        "dominant": analysis.dominant,
        "explanation": analysis.explanation,
    }


def rating_words(rating: float) -> str:
    """The regulator's rating in words (NHS Improvement's Single Oversight Framework segment)."""
    return regulation.RATINGS[int(rating)]
