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

from collections.abc import Callable
from html import escape

import solara

from stpgame.core import scenarios
from stpgame.ui import workshop_charts, workshop_html
from stpgame.ui.chart_widget import EChart, to_json
from stpgame.ui.downloads import Download
from stpgame.ui.release import use_release_on_close
from stpgame.ui.rules import Rule, format_value, rule
from stpgame.ui.style import Expander
from stpgame.ui.workshop_base import (
    ERRORS,
    WorkshopStyle,
    html_block,
    join_block,
    query,
    routed_room,
    use_attempt,
)
from stpgame.ui.workshop_join import Join, ParticipantRoom
from stpgame.ui.workshop_widgets import Countdown, Reconnect, SpaceKey, use_room_version
from stpgame.workshop import Room, RoomError, rooms
from stpgame.workshop import debrief as debrief_files
from stpgame.workshop.plans import EVENTS, PLANS
from stpgame.workshop.room import FIXED, STRUCTURES
from stpgame.workshop.views import Snapshot, snapshot

__all__ = ["Facilitator", "FacilitatorRoom", "Join", "ParticipantRoom"]

TIMERS = {"No timer": 0, "1 minute": 60, "2 minutes": 120, "3 minutes": 180, "5 minutes": 300}
VIEWS = ("room", "presenter", "debrief")
# The rules the facilitator's sliders move: labels, ranges, steps and help from ui/rules.py
# (itself from core/params.py), so the room and the explorer call a rule the same thing.
RULE_SLIDERS: tuple[Rule, ...] = (rule("system_weight"), rule("risk_share"))
NO_PLAN = "No plan: free play"


def view_url(code: str, key: str, view: str) -> str:
    """The facilitator's address of one view: a reload, or a second screen, stays on it."""
    return f"/workshop/{code}?key={key}" + ("" if view == "room" else f"&view={view}")


@solara.component
def Facilitator():
    """``/workshop`` and ``/workshop/<CODE>``: the room if the link carries its facilitator
    key, else the form that opens one."""
    code, room, key = routed_room("key")
    router = solara.use_router()
    view = query(router).get("view", "room")
    view = view if view in VIEWS else "room"
    use_release_on_close()
    WorkshopStyle()
    Reconnect()
    css = ["ws-page", "ws-wide"] if view == "presenter" else ["ws-page"]
    with solara.Column(classes=css):
        if room is not None and room.is_facilitator(key):
            FacilitatorRoom(room, key, view)
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
    plan, set_plan = solara.use_state(NO_PLAN)
    message, set_message = solara.use_state("")
    plans = {p.title: p for p in PLANS.values()}

    def choose_plan(name: str) -> None:
        set_plan(name)
        if name in plans:  # a plan brings its rules
            chosen = plans[name].scenario
            set_title(next(t for t, n in by_title.items() if n == chosen))

    def open_room() -> None:
        try:
            value = int(seed)
        except ValueError:
            set_message(f"Seed: a whole number >= 0, got {seed!r}")
            return
        name = {v: k for k, v in STRUCTURES.items()}[structure]
        chosen = plans[plan].name if plan in plans else ""
        try:
            room = rooms().open(by_title[title], seed=value, structure=name, plan=chosen)
        except ERRORS as exc:
            set_message(str(exc))
            return
        router.push(view_url(room.code, room.facilitator_key, "room"))

    solara.Markdown(
        "## Open a workshop room\n"
        "One footprint, the rules of a preset, and a seed. People join on their own "
        "laptop or phone with the room code and each play a body; bodies nobody plays "
        "run on autopilot."
    )
    with solara.Column(style={"max-width": "560px"}):
        solara.Select(
            "Session plan",
            values=[NO_PLAN, *plans],
            value=plan,
            on_value=choose_plan,
            classes=["plan-select"],
        )
        if plan in plans:
            html_block(workshop_html.plan_summary(plans[plan]), "ws-note plan-summary")
        solara.Select("Rules (preset)", values=list(by_title), value=title, on_value=set_title)
        solara.Select(
            "Footprint", values=list(STRUCTURES.values()), value=structure, on_value=set_structure
        )
        solara.InputText("Seed", value=seed, on_value=set_seed, continuous_update=True)
        solara.Button("Open room", color="primary", on_click=open_room, classes=["open-room"])
        if message:
            solara.Text(message, classes=["ws-msg"])


@solara.component
def FacilitatorRoom(room: Room, key: str, view: str) -> None:
    """The facilitator's page of one room, with its three views (room, presenter, debrief),
    the view kept in the page's address."""
    use_room_version(room)
    snap = snapshot(room)
    router = solara.use_router()
    message, attempt = use_attempt()

    def next_year() -> None:
        attempt(lambda: room.advance(force=True))

    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        for name in VIEWS:
            solara.Button(
                name.title(),
                on_click=lambda name=name: router.push(view_url(room.code, key, name)),
                color="primary" if view == name else None,
                outlined=view != name,
                classes=[f"view-{name}"],
            )
    if message:
        solara.Text(message, classes=["ws-msg", "facilitator-message"])
    if room.replay_note:  # restored from a file the model can no longer replay exactly
        solara.Text(f"Restored room: {room.replay_note}.", classes=["ws-msg", "replay-note"])
    if view == "presenter":
        Presenter(snap, next_year)
    elif view == "debrief":
        Debrief(room, snap)
    else:
        RoomControls(room, snap, next_year, attempt)


def _next_label(snap: Snapshot) -> str:
    waiting = len(snap.undecided)
    if waiting:
        return f"Next year ({waiting} undecided → autopilot)"
    return "Next year"


def RoomHead(snap: Snapshot) -> None:
    """The room's code, year, title, timer, join address and QR code, how many have decided."""
    decided = workshop_html.decided_count(snap)
    html_block(
        f"<div class='ws-head'><span class='ws-code room-code'>{escape(snap.code)}</span>"
        f"<span class='ws-year room-year'>Year {snap.year}</span>"
        f"<span class='ws-sub'>{escape(snap.title)}</span></div>"
        + join_block(snap.code)
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
            "Timer (each year)",
            values=list(TIMERS),
            value=timer_label(snap.timer_seconds),
            on_value=lambda label: attempt(lambda: room.set_timer(TIMERS[label])),
            classes=["timer-select"],
            style={"max-width": "220px"},
        )
        CloseRoom(room, attempt)
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
                Expander(
                    "Rename or remove someone",
                    lambda: EditPerson(room, people, attempt),
                    css="edit-person-panel",
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
        with solara.Card("Play the commissioner: events", classes=["events-card"]):
            if snap.plan is not None:
                html_block(workshop_html.plan_agenda(snap), "plan-agenda")
            Events(room, snap, attempt)


def _play(room: Room, name: str, body: int | None = None) -> None:
    room.play_event(name, body)


def timer_label(seconds: float | None) -> str:
    """The timer menu's entry for ``seconds`` (the room keeps it from year to year)."""
    for label, value in TIMERS.items():
        if value == (seconds or 0):
            return label
    return f"{seconds:g} seconds"


@solara.component
def CloseRoom(room: Room, attempt: Callable[[Callable[[], None]], None]) -> None:
    """Close the room (asks once more): nobody can change it after, it is not restored
    when the server starts again, and its file stays for the debrief."""
    asking, set_asking = solara.use_state(False)
    if room.closed:
        solara.Text("This room is closed.", classes=["ws-sub", "room-closed"])
        return
    if not asking:
        solara.Button(
            "Close room", outlined=True, on_click=lambda: set_asking(True), classes=["close-room"]
        )
        return
    solara.Text("Close for good? Participants see that it is over.", classes=["ws-msg"])
    solara.Button(
        "Yes, close the room",
        color="error",
        on_click=lambda: attempt(lambda: rooms().close(room.code)),
        classes=["close-room-yes"],
    )
    solara.Button("Keep it open", text=True, on_click=lambda: set_asking(False))


@solara.component
def EditPerson(room: Room, people: tuple, attempt: Callable[[Callable[[], None]], None]) -> None:
    """Rename a participant, or take them out of the room (their body goes to autopilot)."""
    names = [f"{name} ({pid})" for pid, name, _ in people]
    who, set_who = solara.use_state(names[0])
    new_name, set_new_name = solara.use_state("")
    if who not in names:
        who = names[0]
    pid = people[names.index(who)][0]
    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Select("Person", values=names, value=who, on_value=set_who, classes=["edit-who"])
        solara.InputText(
            "New name",
            value=new_name,
            on_value=set_new_name,
            continuous_update=True,
            classes=["rename-input"],
        )
        solara.Button(
            "Rename",
            on_click=lambda: attempt(lambda: room.rename(pid, new_name)),
            disabled=not new_name.strip(),
            classes=["rename-person"],
        )
        solara.Button(
            "Remove from the room",
            outlined=True,
            on_click=lambda: attempt(lambda: room.remove(pid)),
            classes=["remove-person"],
        )


@solara.component
def Events(room: Room, snap: Snapshot, attempt: Callable[[Callable[[], None]], None]) -> None:
    """One button per event; each changes the rules from the year being decided (logged,
    shown to the participants, undone after one year when it is a one-year event)."""
    labels = [b.label for b in snap.bodies]
    where, set_where = solara.use_state(labels[0])
    for event in EVENTS.values():
        with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
            if event.at_body:
                solara.Select(
                    "at", values=labels, value=where, on_value=set_where, classes=["event-body"]
                )
            body = labels.index(where) if event.at_body and where in labels else None
            solara.Button(
                event.title,
                outlined=True,
                disabled=snap.closed,
                on_click=lambda name=event.name, body=body: attempt(
                    lambda: _play(room, name, body)
                ),
                classes=["play-event", f"event-{event.name}"],
            )
            solara.Text(event.explains, classes=["ws-note"])


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
    values, set_values = solara.use_state({r.name: float(room.param(r.name)) for r in RULE_SLIDERS})

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

    for r in RULE_SLIDERS:
        solara.Text(
            f"{r.label}: {format_value(r.name, values[r.name])}",
            classes=["ws-note", f"slider-value-{r.name}"],
        )
        solara.SliderFloat(
            r.label,
            value=values[r.name],
            min=float(r.low),
            max=float(r.high),
            step=r.slider_step,
            on_value=lambda x, name=r.name: set_values({**values, name: x}),
        )
        solara.Text(r.tooltip, classes=["ws-note"])
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
def Presenter(snap: Snapshot, next_year: Callable[[], None]) -> None:
    """For the projector (1280x720 to 1920x1080): big numbers, the join address and QR code,
    the rules and their changes, where the money went; Space = next year."""
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
            join_block(snap.code, scale=5)
            + (f"<div class='ws-sub decided-count'>{escape(decided)}</div>" if decided else ""),
            "presenter-join",
        )
        html_block(workshop_html.presenter_rules(snap), "presenter-rules")
        html_block(workshop_html.presenter(snap))
        html_block(escape(workshop_html.game(snap)), "ws-game ws-sub effective-game")
        FootprintFlows(snap)


def FootprintFlows(snap: Snapshot) -> None:
    """The whole footprint's money: last year, and every year so far added up."""
    if not snap.flows["links"]:
        return
    this_year = snap.memo("fp-flows", lambda: to_json(workshop_charts.flows(snap)))
    so_far = snap.memo("fp-flows-all", lambda: to_json(workshop_charts.flows(snap, all_years=True)))
    with solara.Div(classes=["ws-grid", "footprint-flows"]):
        EChart(this_year, str(snap.year), "chart chart-fp-flows", 520)
        EChart(so_far, str(snap.year), "chart chart-fp-flows-all", 520)


@solara.component
def Debrief(room: Room, snap: Snapshot) -> None:
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
        EChart(books, key, "chart chart-books", workshop_charts.books_height(snap))
    solara.Text(
        "Circles: a person decided; squares: autopilot; triangles: the person did not "
        "decide in time. Dashed lines: the rules changed.",
        classes=["ws-note"],
    )
    html_block(escape(workshop_html.PRICE_NOTE), "ws-note price-note")
    FootprintFlows(snap)
    html_block(
        snap.memo("effects", lambda: workshop_html.effects_table(debrief_files.effects(room)))
    )
    if snap.plan is not None:
        html_block(workshop_html.plan_questions(snap.plan), "plan-questions")
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
