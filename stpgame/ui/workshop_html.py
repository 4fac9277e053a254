"""What the workshop pages show of a room, as HTML and chart JSON built once per room version.

Every page of a room redraws after "Next year". Building each page from dozens
of small Solara elements cost about 13 ms of server time per page (Reacton
walks and compares every element on each redraw); here each block of results
is one HTML string or one ECharts JSON string, built once per snapshot (per
body where it differs) through ``Snapshot.memo`` and shared by all the pages
showing it. The cards use Vuetify's own classes, so they look like
``solara.Card``. Everything put into the HTML is escaped.
"""

from __future__ import annotations

from html import escape

from stpgame.core import regulation
from stpgame.ui import texts, workshop_charts
from stpgame.ui.chart_widget import to_json
from stpgame.ui.state import money, percent, pounds
from stpgame.workshop.views import Snapshot


def card(title: str, inner: str, classes: str) -> str:
    """A card with a title around ``inner`` (HTML), styled like ``solara.Card``."""
    return (
        f"<div class='v-card v-sheet theme--light elevation-2 ma-2 {classes}'>"
        f"<div class='v-card__title'>{escape(title)}</div>"
        f"<div class='v-card__text'>{inner}</div></div>"
    )


def big(label: str, value: str, key: str, note: str = "") -> str:
    """A large number with its label (and a note), readable on a projector."""
    return (
        f"<div class='big-number big-{key}'><span class='big-value value-{key}'>"
        f"{escape(value)}</span><span class='big-label'>{escape(label)}</span>"
        + (f"<span class='big-note'>{escape(note)}</span>" if note else "")
        + "</div>"
    )


def rating(value: float) -> str:
    """The regulator's rating in words."""
    return regulation.RATINGS[int(value)]


def who(snap: Snapshot, body: int) -> str:
    """The names of the people playing ``body``, or 'autopilot'."""
    names = snap.bodies[body].holders
    return ", ".join(names) if names else "autopilot"


# -- a participant's page -----------------------------------------------------------------------


def books(snap: Snapshot, body: int) -> str:
    """The participant's own books last year: balance, rating and each money flow."""
    return snap.memo(("books", body), lambda: _books(snap, body))


def _books(snap: Snapshot, body: int) -> str:
    f = snap.bodies[body].last
    if f is None:
        inner = "<span class='ws-note'>Nothing yet: your first year's results appear here.</span>"
        return card("Your own books", inner, "player-card my-books")
    tiles = (
        big(f"your balance, year {snap.year}", money(f["balance"]), "my-balance")
        + big("added up so far", money(snap.body_cumulative[body][-1]), "my-cumulative")
        + big("your rating", rating(f["rating"]), "my-rating", f"score {100 * f['score']:+.2f}%")
    )
    rows = [
        ("You paid into the pool", -f["contribution"]),
        ("Savings that landed with you", f["savings"]),
        ("Cost of council cuts shifted onto you", -f["shifted"]),
        ("Your own cuts (councils)", -f["cut"]),
        ("Risk sharing", f["transfer"]),
        (
            "Incentive, transformation and bail-out money",
            f["incentive"] + f["transformation"] + f["bailout"],
        ),
        ("Regulator's penalty", -f["penalty"]),
    ]
    table = "".join(
        f"<tr><td>{escape(label)}</td><td class='num'>{escape(money(x))}</td></tr>"
        for label, x in rows
        if abs(x) > 0.005
    )
    t = snap.together
    note = (
        f"The whole footprint: {money(t['balance'][-1])} this year; welfare "
        f"{money(t['welfare'][-1])} against {money(t['everyone_pooled'][-1])} if everyone "
        "had pooled."
    )
    inner = (
        f"<div class='ws-tiles'>{tiles}</div>"
        f"<div class='ws-table my-flows'><table>{table}</table></div>"
        f"<span class='ws-note footprint-note'>{escape(note)}</span>"
    )
    return card("Your own books", inner, "player-card my-books")


def partners(snap: Snapshot, body: int) -> str:
    """What the other bodies did last year: who played them, pooled share, balance, rating
    ("" before the first year)."""
    return snap.memo(("partners", body), lambda: _partners(snap, body))


def _partners(snap: Snapshot, body: int) -> str:
    if not snap.rounds:
        return ""
    rows = "".join(
        f"<tr class='partner-{b.index}'><td>{escape(b.label)}</td>"
        f"<td>{escape(who(snap, b.index))}</td>"
        f"<td class='num partner-pooled'>{percent(b.last['level'])}</td>"
        f"<td class='num'>{escape(money(b.last['balance']))}</td>"
        f"<td>{escape(texts.RATING_SHORT[int(b.last['rating'])])}</td></tr>"
        for b in snap.bodies
        if b.index != body and b.last is not None
    )
    table = (
        "<div class='ws-table partners-table'><table><tr><th>body</th><th>played by</th>"
        f"<th>pooled</th><th>balance</th><th>rating</th></tr>{rows}</table></div>"
    )
    return card(f"What your partners did in year {snap.year}", table, "partners-card")


def flows(snap: Snapshot, body: int | None) -> str:
    """The Sankey diagram of last year's money as ECharts JSON, ``body``'s flows highlighted
    ("" when no money moved)."""
    if not snap.flows["links"]:
        return ""
    return snap.memo(("flows", body), lambda: to_json(workshop_charts.flows(snap, body)))


# -- the facilitator's views ----------------------------------------------------------------------


def seats(snap: Snapshot) -> str:
    """Who plays which body and whether they have decided this year."""
    return snap.memo("seats", lambda: _seats(snap))


def _seats(snap: Snapshot) -> str:
    rows = ""
    for b in snap.bodies:
        if not b.holders:
            state = "<span class='ws-note'>autopilot</span>"
        elif b.decided:
            state = "<span class='ws-ok'>decided ✓</span>"
        else:
            state = "<span class='ws-wait'>deciding…</span>"
        names = escape(", ".join(b.holders)) or "–"
        rows += (
            f"<tr class='seat-row seat-{b.index}'><td>{escape(b.label)}</td><td>{names}</td>"
            f"<td>{state}</td></tr>"
        )
    return (
        f"<div class='ws-table seats-table'><table><tr><th>body</th><th>played by</th>"
        f"<th>year {snap.year + 1}</th></tr>{rows}</table></div>"
    )


def decided_count(snap: Snapshot) -> str:
    """'3 of 4 played bodies have decided year 2' ("" when nobody plays a body)."""
    if not snap.humans:
        return ""
    decided = len(snap.humans) - len(snap.undecided)
    return f"{decided} of {len(snap.humans)} played bodies have decided year {snap.year + 1}"


def presenter(snap: Snapshot) -> str:
    """The projector's two columns: the footprint together, and each body alone."""
    return snap.memo("presenter", lambda: _presenter(snap))


def _presenter(snap: Snapshot) -> str:
    t = snap.together
    if snap.rounds:
        gap = t["everyone_pooled"][-1] - t["welfare"][-1]
        together = (
            big(f"footprint balance, year {snap.year}", money(t["balance"][-1]), "fp-balance")
            + big(
                "welfare this year",
                money(t["welfare"][-1]),
                "fp-welfare",
                f"if everyone had pooled: {money(t['everyone_pooled'][-1])} "
                f"({'gave up' if gap > 0 else 'ahead by'} {money(abs(gap))})",
            )
            + big("price of fortress so far", money(t["cum_price"][-1]), "fp-price")
        )
    else:
        together = "<span class='ws-sub'>Year 1 has not been played yet.</span>"
    tiles = ""
    for b in snap.bodies:
        if b.last is None:
            result = "<span class='big-value'>–</span>"
        else:
            result = (
                f"<span class='big-value tile-balance-{b.index}'>{escape(money(b.last['balance']))}"
                f"</span><span class='big-note'>pooled {percent(b.last['level'])} · "
                f"{escape(texts.RATING_SHORT[int(b.last['rating'])])}</span>"
            )
        played = ("played by " + ", ".join(b.holders)) if b.holders else "autopilot"
        tiles += (
            f"<div class='ws-tile tile-{b.index}'><span class='big-label' style='font-weight: 700'>"
            f"{escape(b.label)}</span>{result}<span class='big-note'>{escape(played)}</span></div>"
        )
    return (
        "<div class='presenter-columns'>"
        f"<div><div class='ws-card-title'>The footprint together</div>{together}</div>"
        f"<div><div class='ws-card-title'>Each body alone</div><div class='ws-tiles'>{tiles}</div>"
        "</div></div>"
    )


def game(snap: Snapshot) -> str:
    """The coming year's effective game in one sentence: type, best move, payoffs per £1."""
    g = snap.game
    if g is None:
        return "The effective game is not available for this model."
    pays = "withholding" if g["dominant"] == "withhold" else g["dominant"] or "neither move"
    return (
        f"The game next year: {g['kind']}. Best for a body judged as the rules judge it: "
        f"{pays}. Per £1: both pool {pounds(g['R'])} each, pool alone {pounds(g['S'])}, "
        f"withhold while the other pools {pounds(g['T'])}."
    )


def debrief_charts(snap: Snapshot) -> tuple[str, str, str]:
    """The debrief's three charts as ECharts JSON: timeline, the footprint together, the books."""
    return snap.memo(
        "debrief",
        lambda: (
            to_json(workshop_charts.timeline(snap)),
            to_json(workshop_charts.together(snap)),
            to_json(workshop_charts.body_books(snap)),
        ),
    )
