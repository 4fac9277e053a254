"""The facilitator's pages: ``/workshop`` opens a room, ``/workshop/<CODE>?key=…`` runs it.

Every page of a room reads the same ``stpgame.workshop.views.snapshot`` and
re-renders within a moment of any change (``use_room_version``), whoever made
it. Reacton walks a page's whole tree on every redraw, so the occasional tools
(seating someone, changing the rules) are built only while their panel is open. The facilitator's controls are keyed by a secret in the URL (``?key=``), so
a reload, a new tab or a server restart gives them back. Three views: the room
(seats, who has decided, timer, Next year, rule changes), the presenter view for
a projector (1280x720, big numbers, Space = next year) and the debrief
(timeline, charts, downloads). The participants' pages are in
``workshop_join``; ``Join`` is re-exported here for ``app.py``.
"""

from __future__ import annotations

from html import escape

import solara

from stpgame.core import scenarios
from stpgame.ui import workshop_html
from stpgame.ui.chart_widget import EChart
from stpgame.ui.downloads import Download
from stpgame.ui.release import use_release_on_close
from stpgame.ui.style import Expander
from stpgame.ui.workshop_base import (
    ERRORS,
    WorkshopStyle,
    host,
    html_block,
    routed_room,
    use_attempt,
)
from stpgame.ui.workshop_join import Join, ParticipantRoom
from stpgame.ui.workshop_widgets import Countdown, SpaceKey, use_room_version
from stpgame.workshop import RoomError, rooms
from stpgame.workshop import debrief as debrief_files
from stpgame.workshop.room import FIXED, STRUCTURES
from stpgame.workshop.views import Snapshot, snapshot

__all__ = ["Facilitator", "FacilitatorRoom", "Join", "ParticipantRoom"]

TIMERS = {"No timer": 0, "1 minute": 60, "2 minutes": 120, "3 minutes": 180, "5 minutes": 300}
RULE_SLIDERS = {  # parameter: (slider label, what it means)
    "system_weight": (
        "Judged on the footprint",
        "0 = each body on its own books, 1 = the whole footprint",
    ),
    "risk_share": ("Risk sharing", "share of each body's result spread across the footprint"),
}


@solara.component
def Facilitator():
    """``/workshop`` and ``/workshop/<CODE>``: the room if the link carries its facilitator
    key, else the form that opens one."""
    code, room, key = routed_room("key")
    use_release_on_close()
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


@solara.component
def FacilitatorRoom(room):
    """The facilitator's page of one room, with its three views: room, presenter and debrief."""
    use_room_version(room)
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
        Presenter(snap, next_year)
    elif view == "Debrief":
        Debrief(room, snap)
    else:
        RoomControls(room, snap, next_year, attempt)


def _next_label(snap: Snapshot) -> str:
    waiting = len(snap.undecided)
    if waiting:
        return f"Next year ({waiting} undecided → autopilot)"
    return "Next year"


def RoomHead(snap: Snapshot) -> None:
    """The room's code, year, title, timer and join link, and how many have decided."""
    where = host()
    link = f"{where}/join/{snap.code}" if where else f"/join/{snap.code}"
    decided = workshop_html.decided_count(snap)
    html_block(
        f"<div class='ws-head'><span class='ws-code room-code'>{escape(snap.code)}</span>"
        f"<span class='ws-year room-year'>Year {snap.year}</span>"
        f"<span class='ws-sub'>{escape(snap.title)}</span></div>"
        f"<div class='ws-sub'>Join at <a class='join-link' href='/join/{escape(snap.code)}'>"
        f"{escape(link)}</a> (or open /join and type <b>{escape(snap.code)}</b>)</div>"
        + (f"<div class='ws-sub decided-count'>{escape(decided)}</div>" if decided else "")
    )
    Countdown(snap.timer_deadline)


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
    with room.lock:
        people = tuple((p.id, p.name, p.body) for p in room.participants.values())
    free = sum(1 for p in people if p[2] is None)
    labels = tuple(b.label for b in snap.bodies)
    with solara.Div(classes=["ws-grid"]):
        with solara.Card("Seats: who plays which body", classes=["seats-card"]):
            html_block(
                workshop_html.seats(snap)
                + f"<span class='ws-note joined'>{len(people)} joined; {free} without a body "
                "yet.</span>"
            )
            if people:
                Expander(
                    "Seat someone at a body",
                    lambda: AssignSeat(room, labels, people, attempt),
                    css="assign-panel",
                )
        with solara.Card("Rules", classes=["rules-card"]):
            if snap.rule_changes:
                html_block(
                    "<ul>"
                    + "".join(
                        f"<li>from year {year}: {escape(what)}</li>"
                        for year, what in snap.rule_changes
                    )
                    + "</ul>",
                    "rule-changes",
                )
            Expander(
                "Change the rules from next year (no reset)",
                lambda: RuleChanger(room, attempt),
                css="rules-panel",
            )


@solara.component
def AssignSeat(room, labels: tuple[str, ...], people: tuple, attempt):
    """Seat a person at a body (or take them off it). ``people``: (id, name, body) each."""
    names = [f"{name} ({pid})" for pid, name, _ in people]
    who, set_who = solara.use_state(names[0])
    where, set_where = solara.use_state(labels[0])
    if who not in names:
        who = names[0]
    bodies = [*labels, "(autopilot: no body)"]

    def assign() -> None:
        pid = people[names.index(who)][0]
        body = None if where == bodies[-1] else bodies.index(where)
        attempt(lambda: room.assign(pid, body))

    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Select("Person", values=names, value=who, on_value=set_who)
        solara.Select("Body", values=bodies, value=where, on_value=set_where)
        solara.Button("Seat", on_click=assign, classes=["assign-seat"])


@solara.component
def RuleChanger(room, attempt):
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

    def refuse(text: str) -> None:
        raise RoomError(text)

    def apply_preset() -> None:
        changes = preset_changes(choice) if choice else {}
        if not changes:
            attempt(lambda: refuse("Those rules are already in play."))
            return
        attempt(lambda: room.change_rules(**changes))

    def apply_sliders() -> None:
        changes = {k: v for k, v in values.items() if room.param(k) != v}
        if not changes:
            attempt(lambda: refuse("Move a slider first."))
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


@solara.component
def Presenter(snap: Snapshot, next_year):
    """For the projector: no sidebar, big numbers, Space = next year."""
    SpaceKey(on_press=next_year)
    with solara.Column(classes=["presenter"], gap="6px"):
        with solara.Div(classes=["ws-head"]):
            html_block(
                f"<span class='ws-code room-code'>{escape(snap.code)}</span> "
                f"<span class='ws-year room-year'>Year {snap.year}</span>",
                "ws-head",
            )
            Countdown(snap.timer_deadline)
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
        decided = workshop_html.decided_count(snap)
        html_block(
            escape(
                f"Join: /join/{snap.code} · {snap.title}" + (f" · {decided}" if decided else "")
            ),
            "ws-sub decided-count",
        )
        html_block(workshop_html.presenter(snap))
        html_block(escape(workshop_html.game(snap)), "ws-game ws-sub effective-game")


@solara.component
def Debrief(room, snap: Snapshot):
    """The debrief: the timeline, the charts and the room's data to download."""
    RoomHead(snap)
    if not snap.rounds:
        solara.Text("Nothing to debrief yet: play a year first.", classes=["ws-sub"])
        return
    key = str(snap.year)
    timeline, together, books = workshop_html.debrief_charts(snap)
    EChart(timeline, key, "chart chart-timeline", 140 + 40 * len(snap.bodies))
    with solara.Div(classes=["ws-grid"]):
        EChart(together, key, "chart chart-together", 380)
        EChart(books, key, "chart chart-books", 380)
    solara.Text(
        "Circles: a person decided; squares: autopilot; triangles: the person did not "
        "decide in time. Dashed lines: the rules changed.",
        classes=["ws-note"],
    )
    DebriefDownloads(room)


@solara.component
def DebriefDownloads(room):
    """The room's files: every decision, every body-year, the timeline, the session file."""
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
