"""The workshop pages: ``/workshop`` for the facilitator, ``/join`` and ``/join/<CODE>`` for people.

Every page of a room reads the same ``stpgame.workshop.views.snapshot`` and
re-renders within a moment of any change (``use_room_version``), whoever made
it. Seats and the facilitator's controls are keyed by secrets in the URL
(``?seat=`` for a participant, ``?key=`` for the facilitator), so a reload, a
new tab or a server restart gives the same seat back. The facilitator has three
views: the room (seats, who has decided, timer, Next year, rule changes), the
presenter view for a projector (1280x720, big numbers, Space = next year) and
the debrief (timeline, charts, downloads).
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

import solara
from solara import v

from stpgame.core import regulation, scenarios
from stpgame.core.params import ParameterError
from stpgame.ui import texts, workshop_charts
from stpgame.ui.chart_widget import EChart
from stpgame.ui.downloads import Download
from stpgame.ui.state import money, percent, pounds
from stpgame.ui.style import Style
from stpgame.ui.workshop_widgets import Countdown, SpaceKey, use_room_version
from stpgame.workshop import Room, RoomError, rooms
from stpgame.workshop import debrief as debrief_files
from stpgame.workshop.room import FIXED, STRUCTURES
from stpgame.workshop.views import Snapshot, snapshot

TIMERS = {"No timer": 0, "1 minute": 60, "2 minutes": 120, "3 minutes": 180, "5 minutes": 300}
RULE_SLIDERS = {  # parameter: (slider label, what it means)
    "system_weight": (
        "Judged on the footprint",
        "0 = each body on its own books, 1 = the whole footprint",
    ),
    "risk_share": ("Risk sharing", "share of each body's result spread across the footprint"),
}
ERRORS = (RoomError, ParameterError, NotImplementedError)

CSS = """
.ws-page { max-width: 1280px; margin: 0 auto; padding: 4px 8px 24px 8px; }
.ws-head { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: baseline; }
.ws-code { font-size: 40px; font-weight: 800; letter-spacing: 4px; color: #1f3b73; }
.ws-year { font-size: 32px; font-weight: 800; }
.ws-sub { font-size: 18px; color: #333; }
.ws-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; }
.ws-tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; }
.ws-tile { border: 2px solid #dde3ee; border-radius: 6px; padding: 8px 10px; }
.ws-tile .big-value { font-size: 28px; }
.ws-table table { border-collapse: collapse; width: 100%; font-size: 17px; }
.ws-table td, .ws-table th { padding: 4px 6px; border-bottom: 1px solid #e0e0e0; text-align: left; }
.ws-table td.num { text-align: right; white-space: nowrap; }
.ws-ok { color: #1b7f3b; font-weight: 700; }
.ws-wait { color: #b35900; font-weight: 700; }
.ws-msg { color: #b00020; font-size: 17px; }
.ws-note { font-size: 16px; color: #444; }
.ws-decision .v-btn { font-size: 17px; min-height: 44px; }
.ws-level { font-size: 44px; font-weight: 800; }
.countdown { font-size: 26px; font-weight: 700; color: #1f3b73; }
.countdown-over { color: #b00020; }
.presenter { width: 100%; max-width: 1280px; margin: 0 auto; }
.presenter .ws-code { font-size: 52px; line-height: 1.1; }
.presenter .ws-year { font-size: 44px; line-height: 1.1; }
.presenter .big-value { font-size: 40px; }
.presenter .big-label { font-size: 20px; }
.presenter .ws-tile .big-value { font-size: 34px; }
.presenter .ws-game { font-size: 21px; line-height: 1.3; }
.presenter .big-number { margin: 0; }
.ws-card-title { font-size: 26px; font-weight: 800; margin: 4px 0 6px 0; }
"""


def _query(router) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(router.search or "").items() if v}


def _host() -> str:
    headers = solara.lab.headers.value or {}
    host = headers.get("host") or headers.get("Host") or [""]
    return host[0] if isinstance(host, list) else str(host)


@solara.component
def WorkshopStyle():
    """The app's stylesheet plus the workshop pages' own."""
    Style()
    solara.Style(CSS)


@solara.component
def Big(label: str, value: str, key: str, note: str = ""):
    """A large number with its label (and a note), readable on a projector."""
    with solara.Column(gap="0px", classes=["big-number", f"big-{key}"]):
        solara.Text(value, classes=["big-value", f"value-{key}"])
        solara.Text(label, classes=["big-label"])
        if note:
            solara.Text(note, classes=["big-note"])


@solara.component
def Chart(option: dict, key: str, css: str, height: int):
    """An ECharts chart (see ``EChart``); ``key`` marks when it has been drawn."""
    EChart(option, key, f"chart {css}", height)


def _rating(value: float) -> str:
    return regulation.RATINGS[int(value)]


def _who(snap: Snapshot, body: int) -> str:
    names = snap.bodies[body].holders
    return ", ".join(names) if names else "autopilot"


# ----------------------------------------------------------------------------------------------
# facilitator


def _routed_room(secret: str) -> tuple[str, Room | None, str]:
    """The room code in the path (``/workshop/<CODE>``, ``/join/<CODE>``), its room on this
    server if any, and the ``secret`` query value (facilitator key or seat token)."""
    router = solara.use_router()
    code = router.parts[1] if len(router.parts) > 1 else ""
    return code, rooms().get(code) if code else None, _query(router).get(secret, "")


@solara.component
def Facilitator():
    """``/workshop`` and ``/workshop/<CODE>``: the room if the link carries its facilitator
    key, else the form that opens one."""
    code, room, key = _routed_room("key")
    WorkshopStyle()
    with solara.Column(classes=["ws-page"]):
        if room is not None and room.is_facilitator(key):
            FacilitatorRoom(room)
        else:
            if code:
                solara.Text(
                    f"Room {code} is not open on this server, or this link is not its "
                    "facilitator's. Open a new room:",
                    classes=["ws-msg"],
                )
            OpenRoom()


@solara.component
def OpenRoom():
    """The form that opens a room: a preset's rules, a footprint and a seed."""
    router = solara.use_router()
    by_title = {sc.title: sc.name for sc in scenarios.all_scenarios()}
    title, set_title = solara.use_state(next(iter(by_title)))
    structure, set_structure = solara.use_state(STRUCTURES["simple"])
    seed, set_seed = solara.use_state("1")
    message, set_message = solara.use_state("")

    def open_room() -> None:
        try:
            value = int(seed)
        except ValueError:
            set_message(f"Seed: a whole number >= 0, got {seed!r}")
            return
        name = {v: k for k, v in STRUCTURES.items()}[structure]
        try:
            room = rooms().open(by_title[title], seed=value, structure=name)
        except ERRORS as exc:
            set_message(str(exc))
            return
        router.push(f"/workshop/{room.code}?key={room.facilitator_key}")

    solara.Markdown(
        "## Open a workshop room\n"
        "One footprint, the rules of a preset, and a seed. People join on their own "
        "laptop or phone with the room code and each play a body; bodies nobody plays "
        "run on autopilot."
    )
    with solara.Column(style={"max-width": "560px"}):
        solara.Select("Rules (preset)", values=list(by_title), value=title, on_value=set_title)
        solara.Select(
            "Footprint", values=list(STRUCTURES.values()), value=structure, on_value=set_structure
        )
        solara.InputText("Seed", value=seed, on_value=set_seed, continuous_update=True)
        solara.Button("Open room", color="primary", on_click=open_room, classes=["open-room"])
        if message:
            solara.Text(message, classes=["ws-msg"])


def use_attempt():
    """(message, attempt): ``attempt(action)`` runs it and shows a refused input as the message."""
    message, set_message = solara.use_state("")

    def attempt(action) -> None:
        try:
            action()
        except ERRORS as exc:
            set_message(str(exc))
            return
        set_message("")

    return message, attempt


@solara.component
def FacilitatorRoom(room):
    """The facilitator's page of one room, with its three views: room, presenter and debrief."""
    version = use_room_version(room)
    snap = snapshot(room)
    view, set_view = solara.use_state("Room")
    message, attempt = use_attempt()

    def next_year() -> None:
        attempt(lambda: room.advance(force=True))

    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        for name in ("Room", "Presenter", "Debrief"):
            solara.Button(
                name,
                on_click=lambda name=name: set_view(name),
                color="primary" if view == name else None,
                outlined=view != name,
                classes=[f"view-{name.lower()}"],
            )
    if message:
        solara.Text(message, classes=["ws-msg", "facilitator-message"])
    if view == "Presenter":
        Presenter(room, snap, next_year)
    elif view == "Debrief":
        Debrief(room, snap, version)
    else:
        RoomControls(room, snap, next_year, attempt)


def _next_label(snap: Snapshot) -> str:
    waiting = len(snap.undecided)
    if waiting:
        return f"Next year ({waiting} undecided → autopilot)"
    return "Next year"


@solara.component
def RoomHead(snap: Snapshot, big: bool = False):
    """The room's code, year, title, timer and join link, and how many have decided."""
    host = _host()
    link = f"{host}/join/{snap.code}" if host else f"/join/{snap.code}"
    with solara.Div(classes=["ws-head"]):
        solara.Text(snap.code, classes=["ws-code", "room-code"])
        solara.Text(f"Year {snap.year}", classes=["ws-year", "room-year"])
        solara.Text(snap.title, classes=["ws-sub"])
        Countdown(snap.timer_deadline, snap.version)
    solara.HTML(
        unsafe_innerHTML=(
            f"Join at <a class='join-link' href='/join/{escape(snap.code)}'>"
            f"{escape(link)}</a> (or open /join and type <b>{escape(snap.code)}</b>)"
        ),
        classes=["ws-sub"],
    )
    decided = len(snap.humans) - len(snap.undecided)
    if snap.humans:
        solara.Text(
            f"{decided} of {len(snap.humans)} played bodies have decided year {snap.year + 1}",
            classes=["ws-sub", "decided-count"],
        )


@solara.component
def RoomControls(room, snap: Snapshot, next_year, attempt):
    """The facilitator's room view: Next year, the timer, the seats and the rules."""
    RoomHead(snap)
    with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Button(
            _next_label(snap),
            icon_name="mdi-skip-next",
            color="primary",
            on_click=next_year,
            disabled=snap.closed,
            classes=["next-year"],
        )
        solara.Select(
            "Timer",
            values=list(TIMERS),
            value="No timer",
            on_value=lambda label: attempt(lambda: room.set_timer(TIMERS[label])),
            classes=["timer-select"],
            style={"max-width": "200px"},
        )
    with solara.Div(classes=["ws-grid"]):
        with solara.Card("Seats: who plays which body", classes=["seats-card"]):
            Seats(room, snap, attempt)
        with solara.Card("Change the rules (from next year, no reset)", classes=["rules-card"]):
            RuleChanger(room, snap, attempt)


@solara.component
def Seats(room, snap: Snapshot, attempt):
    """Who plays which body and whether they have decided, and who has no body yet."""
    with room.lock:
        people = [p.public() for p in room.participants.values()]
    rows = ""
    for b in snap.bodies:
        if not b.holders:
            state = "<span class='ws-note'>autopilot</span>"
        elif b.decided:
            state = "<span class='ws-ok'>decided ✓</span>"
        else:
            state = "<span class='ws-wait'>deciding…</span>"
        who = escape(", ".join(b.holders)) or "–"
        rows += (
            f"<tr class='seat-row seat-{b.index}'><td>{escape(b.label)}</td><td>{who}</td>"
            f"<td>{state}</td></tr>"
        )
    solara.HTML(
        unsafe_innerHTML=f"<table><tr><th>body</th><th>played by</th><th>year {snap.year + 1}</th>"
        f"</tr>{rows}</table>",
        classes=["ws-table", "seats-table"],
    )
    free = [person for person in people if person["body"] is None]
    solara.Text(
        f"{len(people)} joined; {len(free)} without a body yet.", classes=["ws-note", "joined"]
    )
    if people:
        AssignSeat(room, snap, people, attempt)


@solara.component
def AssignSeat(room, snap: Snapshot, people: list[dict], attempt):
    """Seat a person at a body (or take them off it)."""
    names = [f"{p['name']} ({p['id']})" for p in people]
    who, set_who = solara.use_state(names[0])
    where, set_where = solara.use_state(snap.bodies[0].label)
    if who not in names:
        who = names[0]
    bodies = [b.label for b in snap.bodies] + ["(autopilot: no body)"]

    def assign() -> None:
        pid = people[names.index(who)]["id"]
        body = None if where == bodies[-1] else bodies.index(where)
        attempt(lambda: room.assign(pid, body))

    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Select("Person", values=names, value=who, on_value=set_who)
        solara.Select("Body", values=bodies, value=where, on_value=set_where)
        solara.Button("Seat", on_click=assign, classes=["assign-seat"])


@solara.component
def RuleChanger(room, snap: Snapshot, attempt):
    """Change the rules from next year (sliders, or a preset's rules) without starting again."""
    presets = {sc.title: sc for sc in scenarios.all_scenarios()}
    choice, set_choice = solara.use_state("")
    values, set_values = solara.use_state({name: float(room.param(name)) for name in RULE_SLIDERS})

    def preset_changes(title: str) -> dict:
        out = {}
        for name, value in presets[title].params.items():
            if name in FIXED or name.startswith("strategy_"):
                continue  # the footprint and the bodies' habits stay
            if room.param(name) != value:
                out[name] = value
        return out

    def apply_preset() -> None:
        changes = preset_changes(choice) if choice else {}
        if not changes:
            attempt(lambda: (_ for _ in ()).throw(RoomError("Those rules are already in play.")))
            return
        attempt(lambda: room.change_rules(**changes))

    def apply_sliders() -> None:
        changes = {k: v for k, v in values.items() if room.param(k) != v}
        if not changes:
            attempt(lambda: (_ for _ in ()).throw(RoomError("Move a slider first.")))
            return
        attempt(lambda: room.change_rules(**changes))

    for name, (label, help_text) in RULE_SLIDERS.items():
        solara.Text(f"{label}: {help_text}", classes=["ws-note"])
        solara.SliderFloat(
            label,
            value=values[name],
            min=0.0,
            max=1.0,
            step=0.05,
            on_value=lambda x, name=name: set_values({**values, name: x}),
        )
    solara.Button(
        "Apply these from next year",
        on_click=apply_sliders,
        classes=["apply-sliders"],
    )
    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Select(
            "Or switch to the rules of a preset",
            values=["", *presets],
            value=choice,
            on_value=set_choice,
            classes=["rules-preset"],
        )
        solara.Button(
            "Switch",
            on_click=apply_preset,
            disabled=not choice,
            classes=["apply-preset"],
        )
    if snap.rule_changes:
        solara.Markdown(
            "\n".join(f"- from year {year}: {what}" for year, what in snap.rule_changes),
            style={"font-size": "15px"},
        )


@solara.component
def Presenter(room, snap: Snapshot, next_year):
    """For the projector: no sidebar, big numbers, Space = next year."""
    SpaceKey(on_press=next_year)
    t = snap.together
    with solara.Column(classes=["presenter"], gap="6px"):
        with solara.Div(classes=["ws-head"]):
            solara.Text(snap.code, classes=["ws-code", "room-code"])
            solara.Text(f"Year {snap.year}", classes=["ws-year", "room-year"])
            Countdown(snap.timer_deadline, snap.version)
            solara.Button(
                _next_label(snap),
                icon_name="mdi-skip-next",
                color="primary",
                on_click=next_year,
                disabled=snap.closed,
                classes=["next-year", "presenter-next"],
                style={"font-size": "20px", "min-height": "48px"},
            )
            solara.Text("(Space)", classes=["ws-note"])
        decided = len(snap.humans) - len(snap.undecided)
        solara.Text(
            f"Join: /join/{snap.code} · {snap.title} · "
            f"{decided} of {len(snap.humans)} played bodies have decided year {snap.year + 1}",
            classes=["ws-sub", "decided-count"],
        )
        with solara.Columns([2, 3]):
            with solara.Column(gap="2px"):
                solara.Text("The footprint together", classes=["ws-card-title"])
                if snap.rounds:
                    gap = t["everyone_pooled"][-1] - t["welfare"][-1]
                    Big(
                        f"footprint balance, year {snap.year}",
                        money(t["balance"][-1]),
                        "fp-balance",
                    )
                    Big(
                        "welfare this year",
                        money(t["welfare"][-1]),
                        "fp-welfare",
                        f"if everyone had pooled: {money(t['everyone_pooled'][-1])} "
                        f"({'gave up' if gap > 0 else 'ahead by'} {money(abs(gap))})",
                    )
                    Big("price of fortress so far", money(t["cum_price"][-1]), "fp-price")
                else:
                    solara.Text("Year 1 has not been played yet.", classes=["ws-sub"])
            with solara.Column(gap="2px"):
                solara.Text("Each body alone", classes=["ws-card-title"])
                with solara.Div(classes=["ws-tiles"]):
                    for b in snap.bodies:
                        BodyTile(snap, b.index)
        Game(snap)


@solara.component
def BodyTile(snap: Snapshot, body: int):
    """One body on the projector: its balance, share pooled, rating and who plays it."""
    b = snap.bodies[body]
    with solara.Column(gap="0px", classes=["ws-tile", f"tile-{body}"]):
        solara.Text(b.label, classes=["big-label"], style={"font-weight": "700"})
        if b.last is None:
            solara.Text("–", classes=["big-value"])
        else:
            solara.Text(money(b.last["balance"]), classes=["big-value", f"tile-balance-{body}"])
            solara.Text(
                f"pooled {percent(b.last['level'])} · {texts.RATING_SHORT[int(b.last['rating'])]}",
                classes=["big-note"],
            )
        solara.Text(
            ("played by " + ", ".join(b.holders)) if b.holders else "autopilot",
            classes=["big-note"],
        )


@solara.component
def Game(snap: Snapshot):
    """The coming year's effective game in one sentence: type, best move, payoffs per £1."""
    g = snap.game
    if g is None:
        solara.Text("The effective game is not available for this model.", classes=["ws-note"])
        return
    pays = "withholding" if g["dominant"] == "withhold" else g["dominant"] or "neither move"
    solara.Text(
        f"The game next year: {g['kind']}. Best for a body judged as the rules judge it: "
        f"{pays}. Per £1: both pool {pounds(g['R'])} each, pool alone {pounds(g['S'])}, "
        f"withhold while the other pools {pounds(g['T'])}.",
        classes=["ws-game", "ws-sub", "effective-game"],
    )


@solara.component
def Debrief(room, snap: Snapshot, version: int):
    """The debrief: the timeline, the charts and the room's data to download."""
    RoomHead(snap)
    if not snap.rounds:
        solara.Text("Nothing to debrief yet: play a year first.", classes=["ws-sub"])
        return
    key = str(snap.year)
    Chart(workshop_charts.timeline(snap), key, "chart-timeline", 140 + 40 * len(snap.bodies))
    with solara.Div(classes=["ws-grid"]):
        Chart(workshop_charts.together(snap), key, "chart-together", 380)
        Chart(workshop_charts.body_books(snap), key, "chart-books", 380)
    solara.Text(
        "Circles: a person decided; squares: autopilot; triangles: the person did not "
        "decide in time. Dashed lines: the rules changed.",
        classes=["ws-note"],
    )
    code = room.code
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        Download(
            "Decisions (CSV)",
            lambda: debrief_files.decisions_csv(room),
            f"{code}-decisions.csv",
            "text/csv",
            "decisions",
        )
        Download(
            "Every body, every year (CSV)",
            lambda: debrief_files.body_years_csv(room),
            f"{code}-years.csv",
            "text/csv",
            "years",
        )
        Download(
            "Timeline (PNG)",
            lambda: debrief_files.timeline(room, "png"),
            f"{code}-timeline.png",
            "image/png",
            "png",
        )
        Download(
            "Timeline (SVG)",
            lambda: debrief_files.timeline(room, "svg"),
            f"{code}-timeline.svg",
            "image/svg+xml",
            "svg",
        )
        Download(
            "Session file",
            lambda: room.session_file().encode(),
            f"{code}-session.json",
            "application/json",
            "session",
        )


# ----------------------------------------------------------------------------------------------
# participants


@solara.component
def Join():
    """``/join`` and ``/join/<CODE>``: the code form, the name form, or the person's seat."""
    code, room, token = _routed_room("seat")
    WorkshopStyle()
    with solara.Column(classes=["ws-page", "join-page"]):
        if room is None:
            CodeEntry(code)
        elif room.participant(token) is None:
            NameEntry(room)
        else:
            ParticipantRoom(room, token)


@solara.component
def CodeEntry(tried: str):
    """Type a room code to join (``tried``: a code that found no room)."""
    router = solara.use_router()
    code, set_code = solara.use_state("")
    solara.Markdown("## Join a workshop room\nType the code on the facilitator's screen.")
    if tried:
        solara.Text(f"There is no room {tried} on this server.", classes=["ws-msg"])
    solara.InputText(
        "Room code", value=code, on_value=set_code, continuous_update=True, classes=["code-input"]
    )
    solara.Button(
        "Join",
        color="primary",
        on_click=lambda: router.push(f"/join/{''.join(code.split()).upper()}"),
        disabled=not code.strip(),
        classes=["code-join"],
    )


@solara.component
def NameEntry(room):
    """Give a name to join the room."""
    router = solara.use_router()
    name, set_name = solara.use_state("")
    message, set_message = solara.use_state("")

    def join() -> None:
        try:
            person = room.join(name)
        except ERRORS as exc:
            set_message(str(exc))
            return
        router.push(f"/join/{room.code}?seat={person.token}")

    solara.Markdown(f"## Room {room.code}: {escape(room.title)}\nYour name, or your team's:")
    solara.InputText(
        "Name", value=name, on_value=set_name, continuous_update=True, classes=["name-input"]
    )
    solara.Button(
        "Join the room",
        color="primary",
        on_click=join,
        disabled=not name.strip(),
        classes=["name-join"],
    )
    if message:
        solara.Text(message, classes=["ws-msg"])
    solara.Text(
        "Keep this page's address: it is your seat. Reloading or reopening it brings you back.",
        classes=["ws-note"],
    )


def participant_view(token: str):
    """What a participant's page shows, as a key: it redraws only when this changes."""

    def key(room) -> tuple:
        person = room.participants.get(token)
        body = person.body if person else None
        mine = room.pending.get(body) if body is not None else None
        seats = tuple(tuple(p.name for p in room.holders(b)) for b in range(room.n_bodies))
        return (
            room.year,
            room.timer_deadline,
            room.closed,
            len(room.rule_changes()),
            seats,
            body,
            (mine.level, mine.by, mine.at) if mine else None,
        )

    return key


@solara.component
def ParticipantRoom(room, token: str):
    """A participant's page: choose a body, then decide each year and see the results."""
    view = solara.use_memo(lambda: participant_view(token), [token])
    use_room_version(room, view)
    snap = snapshot(room)
    person = room.participant(token)
    message, attempt = use_attempt()

    with solara.Div(classes=["ws-head"]):
        solara.HTML(
            unsafe_innerHTML=f"<span class='ws-sub'>Room {escape(snap.code)}</span> "
            f"<span class='ws-year room-year'>Year {snap.year}</span> "
            f"<span class='ws-sub my-name'>{escape(person.name)}</span>",
            classes=["ws-head"],
        )
        Countdown(snap.timer_deadline, snap.version)
    if message:
        solara.Text(message, classes=["ws-msg", "participant-message"])
    if snap.closed:
        solara.Text(
            "The facilitator has closed this room. Thank you for playing.", classes=["ws-sub"]
        )
    if person.body is None:
        BodyChooser(room, snap, token, attempt)
        return
    body = person.body
    with solara.Div(classes=["ws-grid"]):
        Decide(room, snap, token, body, attempt)
        Books(snap, body)
    Partners(snap, body)
    if snap.flows["links"]:
        Chart(workshop_charts.flows(snap, body), str(snap.year), "chart-flows", 460)
    solara.Button(
        "Leave this body (autopilot takes over)",
        text=True,
        on_click=lambda: attempt(lambda: room.take(token, None)),
        classes=["leave-body"],
    )


@solara.component
def BodyChooser(room, snap: Snapshot, token: str, attempt):
    """Choose which body to play (teams may share one)."""
    solara.Markdown(
        "### Which body will you play?\nTeams may share a body. Bodies nobody plays run on autopilot."
    )
    with solara.Column(gap="8px"):
        for b in snap.bodies:
            who = f" — played by {', '.join(b.holders)}" if b.holders else " — free"
            solara.Button(
                b.label + who,
                on_click=lambda k=b.index: attempt(lambda: room.take(token, k)),
                classes=["take-body", f"take-{b.index}"],
                style={
                    "justify-content": "flex-start",
                    "text-transform": "none",
                    "min-height": "44px",
                },
                outlined=True,
            )


@solara.component
def Decide(room, snap: Snapshot, token: str, body: int, attempt):
    """The decision for the coming year: how much of the free budget to pool (changeable
    until the year moves on)."""
    pending = room.pending.get(body)
    last = snap.bodies[body].last
    start = pending.level if pending else (last["level"] if last else 0.5)
    level, set_level = solara.use_state(start)
    year = snap.year + 1
    with (
        solara.Card(f"Your decision for year {year}", classes=["ws-decision"]),
        solara.Column(gap="6px"),
    ):
        solara.Text(f"You play: {snap.bodies[body].label}", classes=["ws-sub", "my-body"])
        solara.Text("How much of your free budget do you pool?", classes=["ws-note"])
        solara.Text(f"{level:.0%}", classes=["ws-level", "my-level"])
        v.Slider(
            v_model=level,
            on_v_model=lambda x: set_level(float(x)),
            min=0.0,
            max=1.0,
            step=0.05,
            hide_details=True,
            class_="level-slider",
        )
        with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
            solara.Button("Keep it all", on_click=lambda: set_level(0.0), classes=["keep-all"])
            solara.Button("Pool it all", on_click=lambda: set_level(1.0), classes=["pool-all"])
        solara.Button(
            "Submit my decision",
            color="primary",
            icon_name="mdi-check",
            on_click=lambda: attempt(lambda: room.decide(token, level)),
            disabled=snap.closed,
            classes=["submit-decision"],
            style={"width": "100%"},
        )
        if pending:
            solara.Text(
                f"Sent for year {year}: {pending.level:.0%} (by {pending.name}). You can change it "
                "until the facilitator moves on.",
                classes=["ws-ok", "submitted"],
            )
        else:
            solara.Text(
                "Not sent yet: if the year moves on without it, autopilot decides for you.",
                classes=["ws-wait", "not-submitted"],
            )


@solara.component
def Books(snap: Snapshot, body: int):
    """The participant's own books last year: balance, rating and each money flow."""
    b = snap.bodies[body]
    with solara.Card("Your own books", classes=["player-card", "my-books"]):
        if b.last is None:
            solara.Text("Nothing yet: your first year's results appear here.", classes=["ws-note"])
            return
        f = b.last
        cumulative = snap.body_cumulative[body][-1]
        tiles = "".join(
            f"<div class='big-number big-{key}'><span class='big-value value-{key}'>"
            f"{escape(value)}</span><span class='big-label'>{escape(label)}</span>"
            + (f"<span class='big-note'>{escape(note)}</span>" if note else "")
            + "</div>"
            for label, value, key, note in (
                (f"your balance, year {snap.year}", money(f["balance"]), "my-balance", ""),
                ("added up so far", money(cumulative), "my-cumulative", ""),
                (
                    "your rating",
                    _rating(f["rating"]),
                    "my-rating",
                    f"score {100 * f['score']:+.2f}%",
                ),
            )
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
        body_rows = "".join(
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
        solara.HTML(
            unsafe_innerHTML=f"<div class='ws-tiles'>{tiles}</div>"
            f"<div class='ws-table my-flows'><table>{body_rows}</table></div>"
            f"<span class='ws-note footprint-note'>{escape(note)}</span>",
        )


@solara.component
def Partners(snap: Snapshot, body: int):
    """What the other bodies did last year: who played them, pooled share, balance, rating."""
    if not snap.rounds:
        return
    rows = ""
    for b in snap.bodies:
        if b.index == body or b.last is None:
            continue
        rows += (
            f"<tr class='partner-{b.index}'><td>{escape(b.label)}</td>"
            f"<td>{escape(_who(snap, b.index))}</td>"
            f"<td class='num partner-pooled'>{percent(b.last['level'])}</td>"
            f"<td class='num'>{escape(money(b.last['balance']))}</td>"
            f"<td>{escape(texts.RATING_SHORT[int(b.last['rating'])])}</td></tr>"
        )
    with solara.Card(f"What your partners did in year {snap.year}", classes=["partners-card"]):
        solara.HTML(
            unsafe_innerHTML="<table><tr><th>body</th><th>played by</th><th>pooled</th>"
            f"<th>balance</th><th>rating</th></tr>{rows}</table>",
            classes=["ws-table", "partners-table"],
        )
