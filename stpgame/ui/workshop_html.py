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

import pandas as pd

from stpgame.core import regulation
from stpgame.ui import texts, workshop_charts
from stpgame.ui.chart_widget import to_json
from stpgame.ui.state import money, percent, pounds
from stpgame.workshop.plans import EVENTS, Plan
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


def pounds_m(x: float) -> str:
    """£m to one decimal with a sign, the same precision on every row of a table of books
    (so the rows visibly add up to the total): -4.66 -> '−£4.7m'."""
    return f"{'−' if x < -0.00005 else ''}£{abs(x):,.1f}m"


def book_rows(f: dict, lag: int) -> list[tuple[str, float, str, str]]:
    """A body's year as rows (label, £m, one-line explanation, css key) that add up exactly
    to its balance: the identity of ``stpgame.core.economy`` (every flow is kept)."""
    later = f"{lag} year{'s' if lag != 1 else ''}"
    return [
        ("Income", f["income"], "Your budget for the year (it grows with funding).", "income"),
        (
            "Running costs",
            -f["cost"],
            "Services for your population: demand grows faster than funding.",
            "cost",
        ),
        (
            "Pooled by choice",
            -f["contribution"],
            "What you chose to pool. (The Better Care Fund minimum is spending you made "
            "anyway, counted in the fund: it does not leave your books.)",
            "chosen",
        ),
        (
            "Savings that landed",
            f["savings"],
            f"Your share of savings from money pooled {later} earlier.",
            "savings",
        ),
        (
            "Savings shared back",
            f["gain_shared"],
            "Gain sharing: savings handed back to those who pooled the money.",
            "gain",
        ),
        (
            "Transformation money",
            f["transformation"],
            "National money that pays part of what you pooled voluntarily.",
            "transformation",
        ),
        (
            "Incentive for pooling",
            f["incentive"],
            "The reward for a footprint that pooled at least the threshold.",
            "incentive",
        ),
        (
            "Risk sharing",
            f["transfer"],
            "Part of every body's surplus or deficit spread across the footprint.",
            "risk",
        ),
        (
            "Your own cuts (councils)",
            f["cut"],
            "A council heading for deficit cuts services to balance its books.",
            "cut",
        ),
        (
            "Council cuts landing on you",
            -f["shifted"],
            "Each £ a council cuts comes back as cost to the NHS.",
            "shifted",
        ),
        (
            "Sustainability money",
            f["central"],
            "Paid to NHS trusts: 70% for the quarters you met your control total, 30% for "
            "performance trajectories.",
            "central",
        ),
        (
            "Regulator's penalty",
            -f["penalty"],
            "Money withheld for the deficit you are judged on.",
            "penalty",
        ),
        (
            "Cash support (grant)",
            f["support_grant"],
            "Central cash covering part of an NHS deficit, when it is a grant; a support "
            "loan is owed instead and does not count here.",
            "bailout",
        ),
        (
            "Interest on support loans",
            -f["interest"],
            "Interest on the support loans you owe.",
            "interest",
        ),
    ]


def who_decided(snap: Snapshot, body: int) -> str:
    """'You pooled 20% (sent by Asha)' or '... (autopilot decided: nobody sent a decision)'."""
    b = snap.bodies[body]
    assert b.last is not None
    level = percent(b.last["level"])
    if b.sent_by:
        return f"You pooled {level} in year {snap.year} (sent by {b.sent_by})."
    if b.control == "autopilot (undecided)":
        return (
            f"You pooled {level} in year {snap.year}: autopilot decided, as no decision "
            "was sent in time."
        )
    return f"You pooled {level} in year {snap.year}: autopilot decided (nobody played you)."


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
    lag = int(snap.lag)
    rows = "".join(
        f"<tr class='book-row book-{key}'><td><b>{escape(label)}</b><br>"
        f"<span class='ws-note'>{escape(why)}</span></td>"
        f"<td class='num book-value'>{escape(pounds_m(x))}</td></tr>"
        for label, x, why, key in book_rows(f, lag)
        if abs(x) >= 0.00005
    )
    total = (
        f"<tr class='book-total'><td><b>Your balance for year {snap.year}</b></td>"
        f"<td class='num book-balance'><b>{escape(pounds_m(f['balance']))}</b></td></tr>"
    )
    t = snap.together
    note = (
        f"The whole footprint: {money(t['balance'][-1])} this year; welfare "
        f"{money(t['welfare'][-1])} against {money(t['everyone_pooled'][-1])} if everyone "
        "had pooled."
    )
    twin = snap.bodies[body].twin
    twin_note = ""
    if twin is not None:
        mine = snap.body_cumulative[body][-1]
        twin_note = (
            "<div class='ws-note twin-note'>"
            + escape(
                f"vs your autopilot twin (the same game with autopilot deciding for you "
                f"throughout): {money(twin[0])} this year, {money(twin[1])} added up; you "
                f"are {'ahead' if mine >= twin[1] else 'behind'} by {money(abs(mine - twin[1]))}."
            )
            + "</div>"
        )
    inner = (
        f"<div class='ws-ok who-decided'>{escape(who_decided(snap, body))}</div>"
        f"<div class='ws-tiles'>{tiles}</div>{twin_note}"
        f"<div class='ws-table my-flows'><table>{rows}{total}</table></div>"
        f"<span class='ws-note footprint-note'>{escape(note)}</span>"
    )
    return card(f"Your own books, year {snap.year}", inner, "player-card my-books")


def rules(snap: Snapshot) -> str:
    """The rules in force in plain words, and a notice while a change is new (the year it
    takes effect is being decided, or has just been played)."""
    return snap.memo("rules", lambda: _rules(snap))


def _rules(snap: Snapshot) -> str:
    fresh = [c for c in snap.changes if c["year"] in (snap.year, snap.year + 1)]
    notices = "".join(
        f"<div class='rule-notice'><b>Rules changed from year {c['year']}:</b> "
        f"{escape(c['words'])}</div>"
        for c in fresh
    )
    items = "".join(
        f"<tr><td>{escape(label)}</td><td class='num'>{escape(value)}</td></tr>"
        for label, value in snap.in_force
    )
    table = f"<div class='ws-table rules-table'><table>{items}</table></div>"
    return notices + card(
        f"The rules in force ({snap.scenario_title}" + (", changed" if snap.changes else "") + ")",
        table,
        "rules-in-force",
    )


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
        auto = b.last is not None and b.control != "human"
        if b.last is None:
            played = ("played by " + ", ".join(b.holders)) if b.holders else "autopilot"
        elif auto:
            played = "autopilot decided" + (
                " (no decision in time)" if b.control == "autopilot (undecided)" else ""
            )
        else:
            played = f"decided by {b.sent_by}"
        state = "tile-autopilot" if auto or (b.last is None and not b.holders) else "tile-human"
        tiles += (
            f"<div class='ws-tile tile-{b.index} {state}'>"
            f"<span class='big-label' style='font-weight: 700'>{escape(b.label)}</span>{result}"
            f"<span class='big-note tile-who'>{escape(played)}</span></div>"
        )
    return (
        "<div class='presenter-columns'>"
        f"<div><div class='ws-card-title'>The footprint together</div>{together}</div>"
        f"<div><div class='ws-card-title'>Each body alone</div><div class='ws-tiles'>{tiles}</div>"
        "</div></div>"
    )


def presenter_rules(snap: Snapshot) -> str:
    """The rules on the shared screen: the preset, whether changed, and any new change."""
    return snap.memo("presenter-rules", lambda: _presenter_rules(snap))


def _presenter_rules(snap: Snapshot) -> str:
    fresh = [c for c in snap.changes if c["year"] in (snap.year, snap.year + 1)]
    head = f"Rules: {snap.scenario_title}" + (
        f", changed {len(snap.changes)} time{'s' if len(snap.changes) > 1 else ''}"
        if snap.changes
        else ""
    )
    return f"<div class='ws-sub rules-line'>{escape(head)}</div>" + "".join(
        f"<div class='rule-notice'><b>Rules changed from year {c['year']}:</b> "
        f"{escape(c['words'])}</div>"
        for c in fresh
    )


def effects_table(df: pd.DataFrame) -> str:
    """What each body's decisions did to the others, in pounds (``debrief.effects``)."""
    rows = "".join(
        f"<tr class='effect-{k}'><td>{escape(r.body)}</td><td class='num'>{percent(r.pooled)}</td>"
        f"<td class='num effect-others'>{escape(pounds_m(r.others))}</td>"
        f"<td class='num'>{escape(pounds_m(r.itself))}</td></tr>"
        for k, r in enumerate(df.itertuples())
    )
    table = (
        "<div class='ws-table effects-table'><table><tr><th>body</th><th>pooled on average</th>"
        "<th>the others gained (£m)</th><th>it gained (£m)</th></tr>"
        f"{rows}</table></div>"
        "<span class='ws-note'>Against the same game with that body pooling everything every "
        "year (everyone else's decisions, the rules and the events as played; the autopilot "
        "bodies react as they would). A minus for the others: its holding back cost them "
        "that much.</span>"
    )
    return card("What each body's decisions did to the others", table, "effects-card")


PRICE_NOTE = (
    "Price of fortress = what the footprint gave up this year against everyone pooling. "
    "A bar below zero is a year the footprint did better than if everyone had pooled: "
    "pooled money pays back only after the lag, so in the early years pooling costs more "
    "than it saves, and keeping money is ahead for a while."
)


def plan_summary(plan: Plan) -> str:
    """A session plan in one paragraph (shown when opening a room)."""
    events = ", ".join(f"year {y}: {EVENTS[e].title}" for y, e in sorted(plan.events.items()))
    return escape(
        f"{plan.years} years. Events: {events}. Ends with {len(plan.questions)} debrief questions."
    )


def plan_agenda(snap: Snapshot) -> str:
    """The plan's events, the one due now marked (the facilitator presses it when ready)."""
    plan = snap.plan
    assert plan is not None
    played = {(c["year"], c["event"]) for c in snap.changes}
    items = ""
    for year, name in sorted(plan.events.items()):
        if (year, name) in played:
            state = "played"
        elif year == snap.year + 1:
            state = "due now: press it below"
        elif year <= snap.year:
            state = "skipped"
        else:
            state = "to come"
        items += (
            f"<li class='agenda-{year}'>Year {year}: {escape(EVENTS[name].title)} ({state})</li>"
        )
    return (
        f"<div class='ws-sub'>Plan: {escape(plan.title)}</div><ul>{items}"
        f"<li>Debrief after year {plan.years}</li></ul>"
    )


def plan_questions(plan: Plan) -> str:
    """The plan's debrief questions."""
    items = "".join(f"<li>{escape(q)}</li>" for q in plan.questions)
    return f"<div class='ws-card-title'>Questions for the debrief</div><ol>{items}</ol>"


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
