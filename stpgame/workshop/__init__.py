"""Workshop rooms: several people in one browser-based game, each playing a body.

``Room`` is one game (one footprint; open, join, take a body, decide, advance,
change rules, debrief, save/load); ``Rooms`` keeps a server's rooms by code and
on disk; ``rooms()`` is the server's own. No Solara in here: the pages are in
``stpgame.ui.workshop_pages``. See docs/app.md, "Workshop room".
"""

from stpgame.workshop.registry import Rooms, rooms
from stpgame.workshop.room import Participant, Room, RoomError

__all__ = ["Participant", "Room", "RoomError", "Rooms", "rooms"]
