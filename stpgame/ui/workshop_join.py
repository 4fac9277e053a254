"""A participant's pages: ``/join`` (type the code), ``/join/<CODE>`` (name, body, decisions).

The seat is a secret token: in the page's address (``?seat=``) and, so that
reopening ``/join/<CODE>`` in the same browser finds it again, in the browser's
localStorage (``SeatMemory``). "Not you?" (``?new=1``) joins someone else from
the same browser.

The page redraws on every change that concerns it (``participant_view``): the
year, seats, the timer, rule changes and this body's own decision. Results are
blocks of HTML and one chart built once per room version and body
(``workshop_html``), and the slider and its buttons are one widget that works
in the browser until Submit (``LevelPicker``), so a redraw after "Next year"
touches few widgets (see docs/app.md, "Workshop room", for the measured cost).
"""

from __future__ import annotations

from html import escape

import solara
from solara import v

from stpgame.ui import workshop_html
from stpgame.ui.chart_widget import EChart
from stpgame.ui.release import use_release_on_close
from stpgame.ui.workshop_base import (
    ERRORS,
    WorkshopStyle,
    html_block,
    query,
    routed_room,
    use_attempt,
)
from stpgame.ui.workshop_widgets import (
    Countdown,
    LevelPicker,
    Reconnect,
    SeatMemory,
    use_room_version,
)
from stpgame.workshop import Room
from stpgame.workshop.views import snapshot


@solara.component
def Join():
    """``/join`` and ``/join/<CODE>``: the code form, the name form, or the person's seat."""
    code, room, token = routed_room("seat")
    router = solara.use_router()
    use_release_on_close()
    WorkshopStyle()
    Reconnect()
    with solara.Column(classes=["ws-page", "join-page"]):
        if room is None:
            CodeEntry(code)
        elif room.participant(token) is None:
            NameEntry(room, stale=bool(token), lookup="new" not in query(router))
        else:
            ParticipantRoom(room, token)


def seat_url(code: str, token: str) -> str:
    """The address of a participant's seat."""
    return f"/join/{code}?seat={token}"


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
def NameEntry(room, stale: bool = False, lookup: bool = True):
    """Give a name to join the room; a seat kept in this browser is taken back instead.

    ``stale``: the address carried a seat this room does not have (dropped from the
    browser too); ``lookup``: look for a kept seat (not after "Not you?").
    """
    router = solara.use_router()
    name, set_name = solara.use_state("")
    message, set_message = solara.use_state("")

    def join() -> None:
        try:
            person = room.join(name)
        except ERRORS as exc:
            set_message(str(exc))
            return
        router.push(seat_url(room.code, person.token))

    def found(token: str) -> None:
        if room.participant(token) is not None:
            router.push(seat_url(room.code, token))

    SeatMemory(room.code, lookup=lookup and not stale, forget=stale, on_found=found)
    solara.Markdown(f"## Room {room.code}: {escape(room.title)}\nYour name, or your team's:")
    if stale:
        solara.Text(
            "That seat link is not one of this room's: join with your name.", classes=["ws-msg"]
        )
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
        "This browser keeps your seat: reopening this page brings you back (so does the "
        "address of your page).",
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
    if person is None:  # the facilitator removed this seat while the page was open
        html_block(
            "The facilitator has taken this seat out of the room. "
            f"<a class='join-again' href='/join/{escape(room.code)}?new=1'>Join again</a>",
            "ws-msg seat-removed",
        )
        return

    SeatMemory(room.code, token=token)
    html_block(
        f"<span class='ws-sub'>Room {escape(snap.code)}</span> "
        f"<span class='ws-year room-year'>Year {snap.year}</span> "
        f"<span class='ws-sub my-name'>{escape(person.name)}</span>",
        "ws-head",
    )
    Countdown(snap.timer_deadline)
    if message:
        solara.Text(message, classes=["ws-msg", "participant-message"])
    if snap.closed:
        solara.Text(
            "The facilitator has closed this room. Thank you for playing.", classes=["ws-sub"]
        )
    if person.body is None:
        BodyChooser(room, snap, token, attempt)
    else:
        body = person.body
        pending = room.pending.get(body)
        with solara.Div(classes=["ws-grid"]):
            Decide(
                room,
                token,
                snap.label(body),
                snap.year + 1,
                (pending.level, pending.name) if pending else None,
                snap.closed,
                snap.bodies[body].start,
            )
            html_block(workshop_html.books(snap, body))
        html_block(workshop_html.rules(snap))
        html_block(workshop_html.partners(snap, body))
        flows = workshop_html.flows(snap, body)
        if flows:
            EChart(flows, str(snap.year), "chart chart-flows", 460)
    if person.body is not None:
        solara.Button(
            "Leave this body (autopilot takes over)",
            text=True,
            on_click=lambda: attempt(lambda: room.take(token, None)),
            classes=["leave-body"],
        )
    html_block(
        f"<a class='not-me' href='/join/{escape(room.code)}?new=1'>Not {escape(person.name)}? "
        "Join with another name</a>",
        "ws-note",
    )


@solara.component
def BodyChooser(room, snap, token: str, attempt):
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
def Decide(
    room: Room,
    token: str,
    label: str,
    year: int,
    pending: tuple[float, str] | None,
    closed: bool,
    start: float,
) -> None:
    """The decision for the coming year (``pending``: the level sent and by whom, if any;
    ``start``: where the slider starts, the level the body's people last sent or 50%)."""
    message, attempt = use_attempt()
    with v.Card(class_="ma-2 ws-decision", elevation=2):
        v.CardTitle(children=[f"Your decision for year {year}"])
        with v.CardText():
            html_block(
                f"<span class='ws-sub my-body'>You play: {escape(label)}</span><br>"
                "<span class='ws-note'>How much of your free budget do you pool?</span>"
            )
            LevelPicker(start, closed, lambda level: attempt(lambda: room.decide(token, level)))
            if message:
                solara.Text(message, classes=["ws-msg", "decision-message"])
            if pending:
                html_block(
                    f"Sent for year {year}: {pending[0]:.0%} (by {escape(pending[1])}). You can "
                    "change it until the facilitator moves on.",
                    "ws-ok submitted",
                )
            else:
                html_block(
                    "Not sent yet: if the year moves on without it, autopilot decides for you.",
                    "ws-wait not-submitted",
                )
