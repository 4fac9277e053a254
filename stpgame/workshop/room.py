"""A workshop room: one footprint, one model, several people each playing a body.

A ``Room`` holds the model of one footprint (a preset's rules on a one-footprint
structure), the people in the room and the seats they hold, and an ordered log
of everything that changes the game: each submitted decision, each year
advanced and each rule change. The model is deterministic given its seed, so
the log *is* the game: ``Room.from_dict`` rebuilds a room by replaying it, and
the same code path runs live and on replay (``_apply``), which is what makes a
restored room or a downloaded session file exact.

Plain Python with no Solara in it; the pages in ``stpgame.ui.workshop_*`` only
call these methods. All methods are thread-safe (one lock per room); every
change bumps ``version``, is written to disk (when the room has a folder) and
is announced to ``subscribe``-d listeners.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stpgame import __version__, places
from stpgame.core import checks, scenarios
from stpgame.core.model import STRUCTURE_PARAMS, STPModel
from stpgame.core.params import DEFAULTS, ORG_TYPES
from stpgame.errors import ParameterError
from stpgame.ui import texts
from stpgame.workshop.plans import EVENTS, PLANS, describe_rules, rules_in_force
from stpgame.workshop.store import atomic_write_json

if TYPE_CHECKING:  # views imports this module
    from stpgame.core.structure import Structure
    from stpgame.workshop.views import Snapshot, _YearView

FORMAT = "stpgame-room"
FORMAT_VERSION = 2
"""2: the file keeps the parameters the room started with and each year's results, so a
later stpgame replays it under the same rules even where its presets changed, and says when
its results differ all the same (1 kept only the preset's name and the changes to it)."""
RESULTS_TOLERANCE = 1e-9  # relative; a replay on the same code is exact to the bit
log = logging.getLogger(__name__)
# Flows added up over the years played (the footprint-wide Sankey of "all years so far").
FLOW_TOTALS = (
    "income",
    "cost",
    "contribution",
    "savings",
    "gain_shared",
    "transformation",
    "incentive",
    "transfer",
    "cut",
    "shifted",
    "central",
    "penalty",
    "bailout",
    "interest",
    "balance",
)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_LENGTH = 5
# One footprint per room: the workshop footprint (8 bodies) by default, or the simple one
# (4 bodies: the HFMA game's four roles) or the complex one (20 bodies).
STRUCTURES = {
    "workshop": "Workshop footprint (8 bodies)",
    "simple": "Simple footprint (4 bodies)",
    "complex": "Complex footprint (20 bodies)",
}
# -- real places (stpgame.places): a room can also open on any of England's 44 footprints
# of 2017, by name, with seats for its real bodies under their own names.
PLACES = {f.name: f"{f.name} (real footprint, {f.bodies} bodies)" for f in places.footprints()}
STRUCTURES = {**STRUCTURES, **PLACES}
# ------------------------------------------------------------------------------------------
FIXED = STRUCTURE_PARAMS  # a room's footprint never changes
NAME_MAX = 40
MAX_YEARS = 60


class RoomError(ValueError):
    """An action the room refuses, with a message for the person who tried it."""


def _results(saved: Any) -> np.ndarray | None:
    """A room file's ``results`` as an array (years x [summed result, summed pooling]), or
    None if it kept none; a RoomError if they are not that."""
    if saved is None:
        return None
    try:
        out = np.asarray(saved, float)
    except (TypeError, ValueError):
        out = np.full((1, 1), np.nan)  # not numbers: refused below
    pairs = out.size == 0 or (out.ndim == 2 and out.shape[1] == 2)
    if not pairs or not np.isfinite(out).all():
        raise RoomError("the file's results must be one [result, pooled] pair per year")
    return out.reshape(-1, 2)


@dataclass
class Participant:
    """A person in the room and the body they play (None: no body yet)."""

    id: str  # shown to the facilitator and in the log
    token: str  # secret: the key to the seat (kept in the participant's URL)
    name: str
    body: int | None = None
    joined: float = field(default_factory=time.time)

    def public(self) -> dict[str, Any]:
        """What everyone may see of this person: no token."""
        return {"id": self.id, "name": self.name, "body": self.body}


@dataclass(frozen=True)
class Decision:
    """A decision submitted for one body this year: the pooling level, and who sent it and when."""

    body: int
    level: float
    by: str  # participant id
    name: str
    at: float


def new_code(taken: Collection[str] = ()) -> str:
    """A new random room code, not one of ``taken``."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def normalise_code(code: object) -> str:
    """'ab 3x7' -> 'AB3X7'; anything else than 4-6 letters/digits is refused."""
    text = "".join(str(code or "").split()).upper()
    if not 4 <= len(text) <= 6 or not text.isalnum():
        raise RoomError(f"A room code is 4 to 6 letters or digits; got {code!r}.")
    return text


def body_labels(structure: Structure) -> list[str]:
    """'Acute trust 1', 'Council', ... one per body of a one-footprint structure (a real
    place: each body's own name)."""
    if structure.org_names is not None:
        return list(structure.org_names)
    counts = np.bincount(structure.org_type, minlength=len(ORG_TYPES))
    seen = [0] * len(ORG_TYPES)
    labels = []
    for t in structure.org_type:
        t = int(t)
        seen[t] += 1
        name = texts.org_label(ORG_TYPES[t])
        labels.append(f"{name} {seen[t]}" if counts[t] > 1 else name)
    return labels


class Room:
    """One workshop game. Open one with ``Room.open(...)`` or ``Rooms.open(...)``."""

    def __init__(
        self,
        code: str,
        scenario: str = "fortress",
        seed: int = 1,
        structure: str = "workshop",
        overrides: dict[str, Any] | None = None,
        title: str = "",
        folder: Path | str | None = None,
        facilitator_key: str | None = None,
        created: float | None = None,
        plan: str = "",
    ):
        self.code = normalise_code(code)
        self.scenario = scenarios.get(scenario).name
        if structure not in STRUCTURES:
            raise ParameterError("structure", "one of " + ", ".join(STRUCTURES), structure)
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ParameterError("seed", "a whole number >= 0 (a room replays from its seed)", seed)
        overrides = dict(overrides or {})
        for key in FIXED:
            if key in overrides:
                raise ParameterError(key, "set by the room (one footprint)", overrides[key])
        if plan and plan not in PLANS:
            raise ParameterError("plan", "one of " + ", ".join(PLANS), plan)
        self.plan = plan
        self.structure_name = structure
        self.overrides = overrides
        shape: dict[str, Any]
        self._shape = shape = (
            # a real place (PLACES): England's structure, one footprint of it, whatever the
            # preset's own structure (Canterbury's is 4 simple footprints)
            {"structure": "england", "place": structure, "n_footprints": 0}
            if structure in PLACES
            else {"structure": structure, "n_footprints": 1}
        )
        self.model = STPModel(seed=seed, scenario=self.scenario, **shape, **overrides)
        self.seed = int(seed)
        self.title = title or scenarios.get(self.scenario).title
        self.folder = Path(folder) if folder is not None else None
        self.facilitator_key = facilitator_key or secrets.token_urlsafe(12)
        self.created = created if created is not None else time.time()
        self.lock = threading.RLock()
        self.version = 0
        self.closed = False
        self.participants: dict[str, Participant] = {}  # by token
        self.events: list[dict[str, Any]] = []
        self.pending: dict[int, Decision] = {}
        self.timer_deadline: float | None = None
        self.timer_seconds: float | None = None  # kept from year to year until changed
        self.removed: list[str] = []  # ids of people the facilitator took out
        # per body decided by people: the same game with that body on autopilot throughout
        self.twins: dict[int, STPModel] = {}
        self.rules = dict(overrides)  # the room's rules now, relative to the preset
        self._years: list[dict[str, Any]] = []  # per year played: who played what (from the log)
        self._rule_changes: list[dict[str, Any]] = []
        self._temporary: list[dict[str, Any]] = []  # one-year events still to be undone
        n = int(self.model.structure.n)
        self.flow_totals: dict[str, np.ndarray] = {k: np.zeros(n) for k in FLOW_TOTALS}
        self._listeners: list[Callable[[Room], None]] = []
        self._snapshot: Snapshot | None = None  # views.snapshot's caches
        self._year_view: _YearView | None = None
        self.labels = body_labels(self.model.structure)
        # the rules it started with, all of them (the file's ``params``), and per year played
        # the bodies' summed result and pooling (£m; the file's ``results``)
        self.start_params = {k: v for k, v in self.model.params.as_dict().items() if k not in FIXED}
        self.results: list[list[float]] = []
        self.replay_note = ""  # why a replay from a file may not be the session as played

    # -- opening ----------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        scenario: str = "fortress",
        seed: int = 1,
        structure: str = "workshop",
        title: str = "",
        code: str | None = None,
        folder: Path | str | None = None,
        plan: str = "",
        **overrides: object,
    ) -> Room:
        """A new room with a fresh code (pass ``folder`` to keep it on disk)."""
        room = cls(
            code or new_code(), scenario, seed, structure, overrides, title, folder, plan=plan
        )
        room._changed()
        return room

    # -- reading ------------------------------------------------------------------------
    @property
    def year(self) -> int:
        """Years played so far (the participants are deciding year ``year + 1``)."""
        return int(self.model.round)

    @property
    def n_bodies(self) -> int:
        """Number of bodies in the room."""
        return int(self.model.structure.n)

    @property
    def org_types(self) -> list[str]:
        """Each body's organisation type."""
        return [ORG_TYPES[int(t)] for t in self.model.structure.org_type]

    def participant(self, token: str | None) -> Participant | None:
        """The participant holding this token (a reconnect gets their seat back), or None."""
        if not token:
            return None
        with self.lock:
            return self.participants.get(str(token))

    def holders(self, body: int) -> list[Participant]:
        """The people playing ``body``."""
        with self.lock:
            return [p for p in self.participants.values() if p.body == body]

    def human_bodies(self) -> list[int]:
        """The bodies somebody plays, in order."""
        with self.lock:
            return sorted({p.body for p in self.participants.values() if p.body is not None})

    def undecided(self) -> list[int]:
        """Bodies held by people who have not decided this year yet."""
        with self.lock:
            return [b for b in self.human_bodies() if b not in self.pending]

    def is_facilitator(self, key: str | None) -> bool:
        """Whether ``key`` is this room's facilitator key (compared in constant time)."""
        return bool(key) and secrets.compare_digest(str(key), self.facilitator_key)

    def param(self, name: str) -> Any:
        """The value of model parameter ``name`` now (rule changes included)."""
        return getattr(self.model.params, name)

    # -- people and seats ---------------------------------------------------------------------
    def join(self, name: str) -> Participant:
        """A new participant (no seat yet); keep ``token`` to come back to the seat."""
        name = " ".join(str(name or "").split())
        if not name:
            raise RoomError("Please type your name (or a team name).")
        if len(name) > NAME_MAX:
            raise RoomError(f"A name is at most {NAME_MAX} characters.")
        with self.lock:
            self._check_open()
            person = Participant(f"p{self._next_id()}", secrets.token_urlsafe(9), name)
            self.participants[person.token] = person
            self._changed()
        return person

    def take(self, token: str, body: int | None) -> None:
        """The participant takes ``body`` (teams may share one); ``None`` leaves it to autopilot."""
        with self.lock:
            self._check_open()
            person = self._person(token)
            if body is not None:
                body = self._check_body(body)
            if person.body == body:
                return
            person.body = body
            self._changed()

    def assign(self, participant_id: str, body: int | None) -> None:
        """The facilitator seats a participant (by their id) at ``body``, or unseats them."""
        with self.lock:
            self.take(self._by_id(participant_id).token, body)

    def rename(self, participant_id: str, name: str) -> None:
        """The facilitator renames a participant (a typo, or a team's name)."""
        name = " ".join(str(name or "").split())
        if not name:
            raise RoomError("A name cannot be empty.")
        if len(name) > NAME_MAX:
            raise RoomError(f"A name is at most {NAME_MAX} characters; got {len(name)}.")
        with self.lock:
            self._check_open()
            person = self._by_id(participant_id)
            if person.name != name:
                person.name = name
                self._changed()

    def remove(self, participant_id: str) -> None:
        """The facilitator removes a participant: their seat link stops working and their
        body goes back to autopilot (decisions already sent this year still count)."""
        with self.lock:
            self._check_open()
            person = self._by_id(participant_id)
            del self.participants[person.token]
            self.removed.append(person.id)
            self._changed()

    # -- the year -------------------------------------------------------------------------------
    def decide(self, token: str, level: object) -> Decision:
        """The participant's body pools ``level`` (0..1) of what it is free to pool next year.

        A body's latest submission this year counts (teams: whoever submits last).
        """
        value = checks.level(level)
        with self.lock:
            self._check_open()
            person = self._person(token)
            if person.body is None:
                raise RoomError("Take a body first, then decide.")
            event = {
                "kind": "decision",
                "year": self.year + 1,
                "body": person.body,
                "level": value,
                "by": person.id,
                "name": person.name,
                "at": time.time(),
            }
            self._apply(event)
            self._changed()
            return self.pending[person.body]

    def advance(self, force: bool = False) -> int:
        """Play the year. Humans who have not decided fall back to autopilot only if ``force``."""
        with self.lock:
            self._check_open()
            if self.year >= MAX_YEARS:
                raise RoomError(f"A room plays at most {MAX_YEARS} years.")
            waiting = self.undecided()
            if waiting and not force:
                names = ", ".join(self.labels[b] for b in waiting)
                raise RoomError(
                    f"Still deciding: {names}. Force the year to put them on autopilot."
                )
            event = {
                "kind": "advance",
                "year": self.year + 1,
                "humans": {str(b): [p.name for p in self.holders(b)] for b in self.human_bodies()},
                "autopilot": waiting,
                "at": time.time(),
            }
            self._apply(event)
            for temp in [t for t in self._temporary if t["until"] <= self.year]:
                self._apply(
                    {
                        "kind": "rules",
                        "year": self.year + 1,
                        "params": temp["before"],
                        "event": temp["event"],
                        "ends": True,
                        "at": time.time(),
                    }
                )
            self.timer_deadline = time.time() + self.timer_seconds if self.timer_seconds else None
            self._changed()
            return self.year

    def change_rules(self, **params: object) -> None:
        """Change rules from next year on, without starting again (the year, money and
        trust carry on). Changes are logged and marked in the debrief."""
        if not params:
            raise RoomError("No rule to change.")
        for key in FIXED:
            if key in params:
                raise ParameterError(key, "fixed for a room (its footprint)", params[key])
        with self.lock:
            self._check_open()
            event = {"kind": "rules", "year": self.year + 1, "params": params, "at": time.time()}
            self._apply(event)
            self._changed()

    def play_event(self, name: str, body: int | None = None) -> dict[str, Any]:
        """The facilitator, as the commissioner, plays event ``name`` (``plans.EVENTS``) from
        the year being decided: a documented change of existing parameters through the same
        path as a rule change (a one-year event is undone when that year has been played),
        or, for a new chief executive, the model's leadership turnover at ``body`` now.
        Returns the logged change."""
        if name not in EVENTS:
            raise ParameterError("event", "one of " + ", ".join(EVENTS), name)
        spec = EVENTS[name]
        with self.lock:
            self._check_open()
            event: dict[str, Any] = {"year": self.year + 1, "event": name, "at": time.time()}
            if spec.at_body:
                if body is None:
                    raise RoomError(f"{spec.title}: choose the body it happens at.")
                event |= {"kind": "leader", "body": self._check_body(body)}
            else:
                event |= {"kind": "rules", "params": spec.change(self.param)}
            self._apply(event)
            self._changed()
            return self._rule_changes[-1]

    def set_timer(self, seconds: float | None) -> None:
        """Show a countdown of ``seconds`` to everyone, and again each year until changed
        (None or 0 clears it)."""
        with self.lock:
            if seconds is None or seconds == 0:
                self.timer_deadline = None
                self.timer_seconds = None
            else:
                try:
                    value = float(seconds)
                except (TypeError, ValueError):
                    raise ParameterError("timer", "seconds in [1, 3600]", seconds) from None
                if not 1 <= value <= 3600:
                    raise ParameterError("timer", "seconds in [1, 3600]", seconds)
                self.timer_deadline = time.time() + value
                self.timer_seconds = value
            self._changed()

    def close(self) -> None:
        """End the room: no more changes; it is not restored when the server starts."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
            self._changed()

    # -- listeners -------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[Room], None]) -> Callable[[], None]:
        """Call ``listener(room)`` after every change; returns the function that unsubscribes."""
        with self.lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self.lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    @property
    def listener_count(self) -> int:
        """Number of pages listening to this room."""
        return len(self._listeners)

    # -- the log ---------------------------------------------------------------------------------
    def _apply(self, event: dict[str, Any]) -> None:
        """Apply one logged event to the model and the room (live and on replay alike)."""
        kind = event["kind"]
        if event["year"] != self.year + 1:
            raise RoomError(f"event for year {event['year']} while deciding year {self.year + 1}")
        if kind == "decision":
            body = self._check_body(event["body"])
            if body not in self.twins:  # its first decision: from here on its twin differs
                self.twins[body] = self._twin(body)
            self.pending[body] = Decision(
                body, checks.level(event["level"]), event["by"], event["name"], event["at"]
            )
        elif kind == "advance":
            for body in sorted(self.pending):
                self.model.choose(body, self.pending[body].level)
            for b, twin in self.twins.items():
                for body in sorted(self.pending):
                    if body != b:
                        twin.choose(body, self.pending[body].level)
                twin.step()
            self.model.step()
            last = self.model.last_round
            assert last is not None  # a year was just played
            self.results.append([float(np.sum(last.balance)), float(np.sum(last.contribution))])
            for name in FLOW_TOTALS:
                self.flow_totals[name] = self.flow_totals[name] + np.asarray(
                    getattr(last, name), float
                )
            self._years.append(
                {
                    "year": self.year,
                    "decisions": dict(self.pending),
                    "humans": {int(b): list(v) for b, v in event["humans"].items()},
                    "autopilot": [int(b) for b in event["autopilot"]],
                }
            )
            self.pending = {}
        elif kind == "leader":
            body = self._check_body(event["body"])
            which = np.zeros(self.n_bodies, bool)
            which[body] = True
            self.model.new_leaders(which)
            for twin in self.twins.values():
                twin.new_leaders(which)
            self._rule_changes.append(
                {
                    "year": event["year"],
                    "params": {},
                    "before": {},
                    "event": event["event"],
                    "ends": False,
                    "body": self.labels[body],
                }
            )
        elif kind == "rules":
            before = {k: self.param(k) for k in event["params"]}
            self.model.change_rules(**event["params"])
            for twin in self.twins.values():
                twin.change_rules(**event["params"])
            self.rules.update(event["params"])
            change = {
                "year": event["year"],
                "params": dict(event["params"]),
                "before": before,
                "event": event.get("event", ""),
                "ends": bool(event.get("ends", False)),
            }
            self._rule_changes.append(change)
            name = event.get("event", "")
            if event.get("ends"):
                self._temporary = [t for t in self._temporary if t["event"] != name]
            elif name and EVENTS[name].one_year:
                self._temporary.append({"event": name, "until": event["year"], "before": before})
        else:
            raise RoomError(f"unknown event {kind!r}")
        self.events.append(event)

    def _twin(self, body: int) -> STPModel:
        """The game so far on a second model, for ``body``'s autopilot twin: until its
        first decision (now) the body has been on autopilot, so the twin is the log so far
        replayed; from now on it plays everyone's decisions but ``body``'s (as play-as's
        twin does in the explorer)."""
        twin = STPModel(seed=self.seed, scenario=self.scenario, **self._shape, **self.overrides)
        pending: dict[int, float] = {}
        for e in self.events:
            if e["kind"] == "decision":
                pending[int(e["body"])] = float(e["level"])
            elif e["kind"] == "advance":
                for k in sorted(pending):
                    twin.choose(k, pending[k])
                pending = {}
                twin.step()
            elif e["kind"] == "rules":
                twin.change_rules(**e["params"])
            elif e["kind"] == "leader":
                which = np.zeros(self.n_bodies, bool)
                which[int(e["body"])] = True
                twin.new_leaders(which)
        return twin

    def twin_result(self, body: int) -> tuple[float, float] | None:
        """``body``'s autopilot twin: its balance last year and added up (£m), or None if
        nobody has decided for it yet."""
        with self.lock:
            twin = self.twins.get(body)
            if twin is None or twin.round == 0:
                return None
            return float(twin.organisations[body].balance), float(twin.ledger.cumulative[body])

    # -- saving and loading ---------------------------------------------------------------------------
    def to_dict(self, secrets_too: bool = True) -> dict[str, Any]:
        """Everything the room is; ``secrets_too=False`` leaves out tokens and the facilitator key
        (the downloadable session file: it replays the game but gives no one a seat)."""
        with self.lock:
            people = [
                {**p.public(), "joined": p.joined, **({"token": p.token} if secrets_too else {})}
                for p in self.participants.values()
            ]
            out = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "stpgame_version": __version__,
                "code": self.code,
                "title": self.title,
                "scenario": self.scenario,
                "seed": self.seed,
                "structure": self.structure_name,
                "overrides": self.overrides,
                "params": self.start_params,
                "results": [list(r) for r in self.results],
                "replay_note": self.replay_note,
                "created": self.created,
                "closed": self.closed,
                "timer_deadline": self.timer_deadline,
                "timer_seconds": self.timer_seconds,
                "plan": self.plan,
                "removed": list(self.removed),
                "participants": people,
                "events": list(self.events),
                "year": self.year,
            }
            if secrets_too:
                out["facilitator_key"] = self.facilitator_key
            return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], folder: Path | str | None = None) -> Room:
        """Rebuild a room by replaying its log on a fresh model (exact: the model is seeded).

        The room starts from the parameters the file kept (``params``, format 2), so a later
        stpgame whose presets changed still plays the same rules; when the replay's results
        still differ from the file's (the model itself changed), or the file kept no
        parameters (format 1), ``replay_note`` says so and it is logged.
        """
        if data.get("format") != FORMAT:
            raise RoomError("not an stpgame room file")
        if int(data.get("format_version", 0)) > FORMAT_VERSION:
            raise RoomError(
                f"room file version {data['format_version']} is newer than this stpgame"
            )
        overrides, note = cls._starting_rules(data)
        room = cls(
            data["code"],
            data["scenario"],
            data["seed"],
            data["structure"],
            overrides,
            data.get("title", ""),
            folder,
            data.get("facilitator_key"),
            data.get("created"),
            data.get("plan", ""),
        )
        for i, person in enumerate(data.get("participants", [])):
            token = person.get("token") or f"replay-{i}"
            room.participants[token] = Participant(
                person["id"], token, person["name"], person.get("body"), person.get("joined", 0.0)
            )
        for event in data.get("events", []):
            room._apply(event)
        if data.get("year") is not None and data["year"] != room.year:
            raise RoomError(f"replay reached year {room.year}, the file says {data['year']}")
        saved = _results(data.get("results"))
        note = data.get("replay_note") or note  # a file that knew first says so still
        if not note and saved is not None and not room._replays(saved):
            note = (
                f"saved by stpgame {data.get('stpgame_version', '?')} and replayed by "
                f"{__version__}, whose model gives different results: the room is not the "
                "session as played"
            )
        if note:
            log.warning("room %s: %s", room.code, note)
            if saved is not None:  # the years as played, not as replayed
                room.results = saved.tolist()
        room.replay_note = note
        room.timer_deadline = data.get("timer_deadline")
        room.timer_seconds = data.get("timer_seconds")
        room.removed = list(data.get("removed", []))
        room.closed = bool(data.get("closed", False))
        return room

    def _replays(self, saved: np.ndarray) -> bool:
        """Whether the years played give the file's ``results``."""
        mine = np.asarray(self.results, float).reshape(-1, 2)
        return mine.shape == saved.shape and bool(
            np.allclose(mine, saved, rtol=RESULTS_TOLERANCE, atol=0.0)
        )

    @staticmethod
    def _starting_rules(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """The overrides that rebuild the rules a room file started with, on today's preset,
        and a note when they cannot be known (a format-1 file kept only its overrides)."""
        kept = data.get("params")
        if kept is None:
            return dict(data.get("overrides") or {}), (
                "saved by an earlier stpgame that did not keep its parameters: replayed under "
                "today's presets, so it may differ from the session as played"
            )
        unknown = sorted(set(kept) - set(DEFAULTS))
        if unknown:
            raise RoomError(
                f"the file's rules include {', '.join(unknown)}, which this stpgame does not have"
            )
        preset = scenarios.get(data["scenario"]).checked.as_dict()
        changed = {k: v for k, v in kept.items() if k not in FIXED and preset.get(k) != v}
        return {**(data.get("overrides") or {}), **changed}, ""

    def save(self, path: Path | str | None = None) -> Path:
        """Write the room (atomically). Default: ``<folder>/<CODE>.json``."""
        if path is None:
            if self.folder is None:
                raise RoomError("this room has no folder; give a path")
            path = self.folder / f"{self.code}.json"
        with self.lock:
            data = self.to_dict()
        return atomic_write_json(Path(path), data)

    @classmethod
    def load(cls, path: Path | str, folder: Path | str | None = None) -> Room:
        """A room from a file written by ``save`` (replayed from its log)."""
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        return cls.from_dict(data, folder)

    def session_file(self) -> str:
        """The session file (JSON, no secrets): replays exactly with ``Room.from_dict``."""
        return json.dumps(self.to_dict(secrets_too=False), indent=1)

    def release(self) -> None:
        """Let the model go (call when the room is removed from the server)."""
        self.model = None  # type: ignore[assignment]

    # -- debrief --------------------------------------------------------------------------------------
    def debrief(self) -> pd.DataFrame:
        """One row per body per year: what it did, who decided, and what it got.

        ``control`` is "human" (a participant decided), "autopilot" (no one held the
        body) or "autopilot (undecided)" (held, but no decision by the end of the year);
        ``rules_changed`` is True in the first year played under changed rules.
        """
        with self.lock:
            df = self.model.org_dataframe()
            years = list(self._years)
            changes = {c["year"] for c in self._rule_changes}
            labels = list(self.labels)
        if df.empty:
            return df.assign(body=[], control=[], players=[], decided_by=[], rules_changed=[])
        df = df.drop(columns=["footprint"], errors="ignore")
        n = self.n_bodies
        control, players, decided_by = [], [], []
        for info in years:
            for b in range(n):
                d = info["decisions"].get(b)
                held = info["humans"].get(b, [])
                if d is not None:
                    control.append("human")
                elif b in info["autopilot"]:
                    control.append("autopilot (undecided)")
                else:
                    control.append("autopilot")
                players.append(", ".join(held))
                decided_by.append(d.name if d is not None else "")
        df.insert(2, "body", [labels[k] for k in df["org_id"]])
        df["control"] = control
        df["players"] = players
        df["decided_by"] = decided_by
        df["rules_changed"] = df["round"].isin(changes)
        df["strategy"] = np.where(df["control"] == "human", "human", df["strategy"].astype(str))
        return df

    def debrief_years(self) -> pd.DataFrame:
        """One row per year for the footprint: together against everyone pooling, and rules."""
        with self.lock:
            df = self.model.model_dataframe().copy()
            changes: dict[int, list[str]] = {}
            for c in self._rule_changes:
                changes.setdefault(c["year"], []).append(change_words(c))
        if df.empty:
            return df
        df["rule_change"] = ["; ".join(changes.get(int(r), [])) for r in df["round"]]
        return df

    def decisions_frame(self) -> pd.DataFrame:
        """Every decision submitted, in order; ``counted`` marks the one each body's year used
        (a body's last submission before the year was played)."""
        with self.lock:
            events = list(self.events)
            labels = list(self.labels)
        last: dict[tuple[int, int], int] = {}
        played: set[int] = set()
        for i, e in enumerate(events):
            if e["kind"] == "decision":
                last[(e["year"], e["body"])] = i
            elif e["kind"] == "advance":
                played.add(e["year"])
        counted = {i for (year, _), i in last.items() if year in played}
        rows = [
            {
                "year": e["year"],
                "body": labels[e["body"]],
                "org_id": e["body"],
                "participant": e["by"],
                "name": e["name"],
                "level": e["level"],
                "submitted_at": pd.Timestamp(e["at"], unit="s"),
                "counted": i in counted,
            }
            for i, e in enumerate(events)
            if e["kind"] == "decision"
        ]
        columns = ["year", "body", "org_id", "participant", "name", "level", "submitted_at"]
        return pd.DataFrame(rows, columns=[*columns, "counted"])

    def last_sent(self, body: int) -> float | None:
        """The level the people playing ``body`` last sent (this year's or an earlier
        year's), or None if nobody ever has: where their slider starts."""
        with self.lock:
            for e in reversed(self.events):
                if e["kind"] == "decision" and e["body"] == body:
                    return float(e["level"])
            return None

    def rules_in_force(self) -> list[tuple[str, str]]:
        """The rules in play now, each as (label, value in words)."""
        with self.lock:
            return rules_in_force(self.param)

    def rule_changes(self) -> list[dict[str, Any]]:
        """Every rule change so far: the first year under the new rules, the parameters changed."""
        with self.lock:
            return [dict(c) for c in self._rule_changes]

    def years(self) -> list[dict[str, Any]]:
        """Every year played: its decisions, who played which body and which ran on autopilot."""
        with self.lock:
            return list(self._years)

    # -- internals ---------------------------------------------------------------------------------
    def _next_id(self) -> int:
        """A participant number never used in this room (a removed person's id stays in the
        log of their decisions, so it is not handed out again)."""
        ids = [p.id for p in self.participants.values()]
        ids += [e["by"] for e in self.events if e["kind"] == "decision"]
        ids += self.removed
        return max((int(i[1:]) for i in ids if i[1:].isdigit()), default=0) + 1

    def _by_id(self, participant_id: str) -> Participant:
        match = [p for p in self.participants.values() if p.id == participant_id]
        if not match:
            raise RoomError(f"No participant {participant_id!r} in room {self.code}.")
        return match[0]

    def _person(self, token: str) -> Participant:
        person = self.participants.get(str(token))
        if person is None:
            raise RoomError("That seat is not in this room: join again with your name.")
        return person

    def _check_body(self, body: object) -> int:
        n = self.n_bodies
        if isinstance(body, bool) or not isinstance(body, int | np.integer) or not 0 <= body < n:
            raise ParameterError("body", f"a whole number from 0 to {n - 1}", body)
        return int(body)

    def _check_open(self) -> None:
        if self.closed:
            raise RoomError(f"Room {self.code} is closed.")

    def _changed(self) -> None:
        """After every change: new version, on disk, then tell the listeners."""
        self.version += 1
        self._snapshot = None
        if self.folder is not None:
            self.save()
        for listener in list(self._listeners):
            listener(self)


def change_words(change: dict[str, Any]) -> str:
    """One logged rule change in words: the event's title and what it does, or the rules
    changed with their old values ('Risk share ...: 50% (was 0%)')."""
    what = describe_rules(change["params"], change.get("before"))
    name = change.get("event", "")
    if not name:
        return what
    title = EVENTS[name].title
    if change.get("ends"):
        return f"{title} is over: {what}"
    if change.get("body"):
        return f"{title} at {change['body']}: {EVENTS[name].explains}"
    return f"{title}: {EVENTS[name].explains} ({what})"
