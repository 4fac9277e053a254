"""England's 44 STP footprints of 2017 with their real bodies, names and codes.

``footprints()``, ``bodies()``, ``find("Devon")`` (name or E54 code; anything else refused
with the list of valid names), ``members("Devon")``. The model uses them through
``structure="england"`` (all 44) and ``place="Devon"`` (one), built in
stpgame.core.structure:
``STPModel.from_scenario("fortress", place="Devon")``. Sources, rules and assumptions:
docs/places.md; the tables are rebuilt by scripts/build_places.py.
"""

from stpgame.places.table import (
    KINDS,
    Body,
    CouncilShare,
    Footprint,
    bodies,
    council_shares,
    find,
    footprints,
    members,
    names,
)

__all__ = [
    "KINDS",
    "Body",
    "CouncilShare",
    "Footprint",
    "bodies",
    "council_shares",
    "find",
    "footprints",
    "members",
    "names",
]
