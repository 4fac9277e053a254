"""The committed place tables (stpgame/places/data/*.csv), read once and checked.

Plain ``csv`` and no model imports: ``stpgame.core.params`` reads the footprint names from
here when it is imported, so this module must stay light. The tables are rebuilt from the
public lookups in data/places/raw/ by ``scripts/build_places.py``; docs/places.md says
what each column means and where each number comes from.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from stpgame.errors import ParameterError, ResultsError

KINDS = ("acute", "community", "ccg", "council")
"""Kinds of body, in the model's order (``stpgame.core.params.ORG_TYPES``)."""

_COLUMNS = {
    "footprints.csv": (
        "code", "name", "region_code", "region", "lsoas", "population", "acute", "community",
        "ccg", "council", "councils_touching", "coterminous", "split_share", "mismatch_share",
    ),
    "bodies.csv": (
        "kind", "code", "ods_code", "name", "footprint_code", "weight", "lsoas", "placed_by",
        "split", "home_share",
    ),
    "council_shares.csv": (
        "council_code", "council_name", "footprint_code", "lsoas", "share", "home",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Footprint:
    """One STP footprint of 2017: its E54 code, name, NHS England region and structure."""

    code: str
    name: str
    region_code: str
    region: str
    lsoas: int
    population: int  # people: LSOAs x England's mid-2017 population per LSOA
    acute: int
    community: int
    ccg: int
    council: int
    councils_touching: int  # councils with any of their population here
    coterminous: bool  # every CCG inside one council, and no council split across footprints
    split_share: float  # share of the population living in councils split across footprints
    mismatch_share: float  # share of the population whose council belongs to another footprint

    @property
    def bodies(self) -> int:
        """Number of bodies of every kind."""
        return self.acute + self.community + self.ccg + self.council


@dataclass(frozen=True)
class Body:
    """One organisation: its kind, codes (ONS for CCGs and councils, ODS for trusts and
    CCGs), name, footprint, size weight (LSOAs for CCGs and councils, full-time
    equivalent staff of September 2017 for trusts) and boundary flags."""

    kind: str
    code: str
    ods_code: str
    name: str
    footprint_code: str
    weight: float
    lsoas: int
    placed_by: str
    split: bool  # a council straddling footprints; a CCG whose area spans councils
    home_share: float  # a council's share of its people in its footprint (a CCG's: main council)


@dataclass(frozen=True)
class CouncilShare:
    """The part of one council's population living in one footprint."""

    council_code: str
    council_name: str
    footprint_code: str
    lsoas: int
    share: float
    home: bool


def _rows(name: str) -> list[dict[str, str]]:
    """One committed table's rows, with its columns checked."""
    path = resources.files("stpgame.places") / "data" / name
    try:
        with path.open(encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = tuple(reader.fieldnames or ())
    except FileNotFoundError as exc:
        raise ResultsError(
            path, "place table missing", "rebuild it: python scripts/build_places.py"
        ) from exc
    if header != _COLUMNS[name]:
        raise ResultsError(
            path,
            f"columns {', '.join(header)}; expected {', '.join(_COLUMNS[name])}",
            "rebuild it: python scripts/build_places.py",
        )
    return rows


@cache
def footprints() -> tuple[Footprint, ...]:
    """The 44 footprints, by E54 code."""
    out = []
    for r in _rows("footprints.csv"):
        out.append(
            Footprint(
                r["code"], r["name"], r["region_code"], r["region"], int(r["lsoas"]),
                int(r["population"]), int(r["acute"]), int(r["community"]), int(r["ccg"]),
                int(r["council"]), int(r["councils_touching"]), r["coterminous"] == "1",
                float(r["split_share"]), float(r["mismatch_share"]),
            )
        )  # fmt: skip
    return tuple(out)


@cache
def bodies() -> tuple[Body, ...]:
    """Every body, grouped by footprint (E54 code), then kind (``KINDS``), then name."""
    return tuple(
        Body(
            r["kind"], r["code"], r["ods_code"], r["name"], r["footprint_code"],
            float(r["weight"]), int(r["lsoas"]), r["placed_by"], r["split"] == "1",
            float(r["home_share"]),
        )
        for r in _rows("bodies.csv")
    )  # fmt: skip


@cache
def council_shares() -> tuple[CouncilShare, ...]:
    """Each council's population by footprint (one row per council and footprint)."""
    return tuple(
        CouncilShare(
            r["council_code"], r["council_name"], r["footprint_code"], int(r["lsoas"]),
            float(r["share"]), r["home"] == "1",
        )
        for r in _rows("council_shares.csv")
    )  # fmt: skip


@cache
def names() -> tuple[str, ...]:
    """The footprints' names, by E54 code (the values ``place`` takes)."""
    return tuple(f.name for f in footprints())


def find(place: str) -> Footprint:
    """A footprint by its name or E54 code (either in any case); anything else is refused
    with the list of valid names."""
    if isinstance(place, str):
        key = place.strip().casefold()
        for f in footprints():
            if key in (f.code.casefold(), f.name.casefold()):
                return f
    close = difflib.get_close_matches(str(place), names(), n=1, cutoff=0.5)
    raise ParameterError(
        "place",
        "a footprint name or E54 code: " + "; ".join(names()),
        place,
        f"did you mean '{close[0]}'?" if close else "see `stpgame places`",
    )


def members(place: str) -> tuple[Body, ...]:
    """The bodies of one footprint (name or E54 code), in the model's order."""
    code = find(place).code
    return tuple(b for b in bodies() if b.footprint_code == code)
