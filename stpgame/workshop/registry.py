"""All the rooms of one server, by code, kept apart from each other and on disk.

Solara gives every browser tab its own state, so a room shared by several tabs
lives here, in an ordinary server-side object guarded by a lock. ``rooms()``
is the server's registry: made on first use, it restores every open room from
the data folder (so a restarted server carries on where it stopped).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from stpgame.workshop.room import Room, RoomError, new_code, normalise_code
from stpgame.workshop.store import rooms_folder

log = logging.getLogger(__name__)


class Rooms:
    """Rooms by code; each room writes itself to ``folder`` after every change."""

    def __init__(self, folder: Path | str | None):
        self.folder = Path(folder) if folder is not None else None
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()
        self.restore_errors: dict[str, str] = {}

    def open(
        self,
        scenario: str = "fortress",
        seed: int = 1,
        structure: str = "workshop",
        title: str = "",
        plan: str = "",
        **overrides: object,
    ) -> Room:
        """A new room with a code no other room on this server (or in the folder) has
        (``plan``: a session plan of ``workshop.plans.PLANS``, or "")."""
        with self._lock:
            taken = set(self._rooms) | self._codes_on_disk()
            code = new_code(taken)
            room = Room(code, scenario, seed, structure, overrides, title, self.folder, plan=plan)
            self._rooms[code] = room
        room._changed()  # first write
        return room

    def get(self, code: object) -> Room | None:
        """The room with this code (any case, spaces ignored), or None."""
        try:
            key = normalise_code(code)
        except RoomError:
            return None
        with self._lock:
            return self._rooms.get(key)

    def __len__(self) -> int:
        return len(self._rooms)

    def codes(self) -> list[str]:
        """Codes of the open rooms, sorted (closed ones left out)."""
        with self._lock:
            return sorted(code for code, room in self._rooms.items() if not room.closed)

    def close(self, code: str) -> None:
        """Close a room: its file stays, marked closed, and it is not restored when the
        server starts again. Until then it stays readable (the facilitator's debrief and
        downloads; participants' pages say it is over), and refuses every change."""
        room = self.get(code)
        if room is None:
            raise RoomError(f"No room {code!r}.")
        room.close()

    def restore(self) -> list[str]:
        """Load every open room in the folder (replaying its log); returns their codes.

        A file that cannot be replayed is left alone and reported in ``restore_errors``.
        """
        if self.folder is None or not self.folder.is_dir():
            return []
        restored = []
        for path in sorted(self.folder.glob("*.json")):
            code = path.stem
            if code in self._rooms:
                continue
            try:
                room = Room.load(path, self.folder)
            except Exception as exc:  # a damaged file must not stop the server
                log.exception("could not restore room %s", path)
                self.restore_errors[code] = f"{type(exc).__name__}: {exc}"
                continue
            if room.closed:
                room.release()
                continue
            with self._lock:
                self._rooms[room.code] = room
            restored.append(room.code)
        return restored

    def _codes_on_disk(self) -> set[str]:
        if self.folder is None or not self.folder.is_dir():
            return set()
        return {p.stem for p in self.folder.glob("*.json")}


_server_rooms: Rooms | None = None
_server_lock = threading.Lock()


def rooms() -> Rooms:
    """The rooms of this server (made, and restored from the data folder, on first use)."""
    global _server_rooms
    with _server_lock:
        if _server_rooms is None:
            registry = Rooms(rooms_folder())
            registry.restore()
            _server_rooms = registry
        return _server_rooms
