"""Footprints and the organisations in them (brief mechanism 1).

A structure is fixed data, not random: the same structure name always gives the
same footprints and organisation counts, so only behaviour depends on the seed.

- ``simple``: West, North & East Cumbria, the smallest STP: 1 council, 1 CCG,
  1 acute trust, 1 community/mental-health trust, pop. 327,000, same boundary
  (calibration §1). Simple structures enabled integration [001].
- ``complex``: a typical North/London STP: ~7 CCGs, ~8 trusts, several councils,
  pop. 1.85m (calibration §1, HSJ 2016), council and CCG boundaries that differ.
- ``england``: the 44 real footprints of 2017 with their real bodies, names and
  codes (207 CCGs, 152 councils, 137 acute and 70 community / mental-health
  trusts), sizes and budgets from public data: ``stpgame.places``, docs/places.md.
  ``place`` (a footprint's name) keeps one of them.
- ``mixed``: simple and complex footprints alternating.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from stpgame.core.params import ORG_TYPES
from stpgame.errors import ParameterError
from stpgame.places import table as places_table

# Mean yearly budget per organisation, £m (calibration §2):
# acute + community ≈ provider income £76bn over 235 trusts; councils' adult social care
# £17.5bn / 152. CCGs: only the money they do not pay to these trusts, so the same pound is
# never counted twice: CCG allocations £73.4bn less about £50bn paid to NHS trusts
# (assumption: two thirds of provider income comes from CCGs) ≈ £23.4bn / 207 (DERIVED).
MEAN_BUDGET = {"acute": 400.0, "community": 170.0, "ccg": 113.0, "council": 115.0}
SIMPLE = ({"acute": 1, "community": 1, "ccg": 1, "council": 1}, 0.327)
COMPLEX = ({"acute": 5, "community": 3, "ccg": 7, "council": 5}, 1.85)
# A mid-sized footprint for a workshop room (6-12 bodies, one per team): like the South and
# Midlands STPs, 3-4 CCGs and a similar number of providers, here trimmed to 2 CCGs, 2 acute
# trusts, 1 community trust and 3 councils, boundaries not matching (calibration §1).
WORKSHOP = ({"acute": 2, "community": 1, "ccg": 2, "council": 3}, 0.9)


@dataclass(frozen=True, eq=False)  # compared by identity: built once per name (``build``)
class Structure:
    """Organisations (one row each) grouped into footprints.

    In the counterfactual replays a row can stand for several organisations of one type
    (``members``); everywhere else each row is one organisation.
    """

    org_type: np.ndarray  # index into ORG_TYPES
    footprint: np.ndarray  # footprint index
    footprint_names: tuple[str, ...]
    population: np.ndarray  # millions, per footprint
    coterminous: np.ndarray  # council and CCG boundaries match, per footprint
    members: np.ndarray | None = None  # organisations each row stands for (None: one each)
    # -- real places only (stpgame.places); None for the synthetic structures ----------
    org_names: tuple[str, ...] | None = None  # each body's name
    org_codes: tuple[str, ...] | None = None  # ONS code (CCGs, councils) or ODS code (trusts)
    footprint_codes: tuple[str, ...] | None = None  # E54 codes
    budget: np.ndarray | None = None  # £m a year, per body, from the data (docs/places.md)

    @property
    def n(self) -> int:
        """Number of organisations."""
        return len(self.org_type)

    @property
    def is_acute(self) -> np.ndarray:
        """Acute hospital trusts."""
        mask: np.ndarray = self.org_type == ORG_TYPES.index("acute")
        return mask

    @property
    def is_provider(self) -> np.ndarray:
        """NHS trusts: acute, and community (with mental health and ambulance)."""
        mask: np.ndarray = self.org_type <= ORG_TYPES.index("community")
        return mask

    @property
    def n_footprints(self) -> int:
        """Number of footprints."""
        return len(self.footprint_names)

    def copies(self, footprints: np.ndarray) -> tuple[Structure, np.ndarray]:
        """One copy of each listed footprint, side by side, and each copy's source body.

        Returns the new structure and ``source``: for each of its organisations, the
        index of the organisation it copies. The model replays a year in copies of a
        footprint to compute what each body's other move would have earned.
        """
        footprints = np.asarray(footprints, int)
        order = np.argsort(self.footprint, kind="stable")
        size = np.bincount(self.footprint, minlength=self.n_footprints)
        start = np.concatenate([[0], np.cumsum(size)[:-1]])
        counts = size[footprints]
        copy_of = np.repeat(np.arange(len(footprints)), counts)
        offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        source = order[np.repeat(start[footprints], counts) + offset]
        return (
            Structure(
                self.org_type[source],
                copy_of,
                tuple(self.footprint_names[f] for f in footprints),
                self.population[footprints],
                self.coterminous[footprints],
                None if self.members is None else self.members[source],
            ),
            source,
        )

    def stack(self, *others: Structure) -> Structure:
        """Side by side with ``others`` as one structure, footprints numbered on: the
        model plays a year and its counterfactuals as one array program over them."""
        parts = (self, *others)
        offsets = np.cumsum([0] + [x.n_footprints for x in parts[:-1]])
        return Structure(
            np.concatenate([x.org_type for x in parts]),
            np.concatenate([x.footprint + k for x, k in zip(parts, offsets, strict=True)]),
            tuple(name for x in parts for name in x.footprint_names),
            np.concatenate([x.population for x in parts]),
            np.concatenate([x.coterminous for x in parts]),
            None
            if all(x.members is None for x in parts)
            else np.concatenate([x.row_members() for x in parts]),
        )

    def row_members(self) -> np.ndarray:
        """Organisations each row stands for."""
        return np.ones(self.n, int) if self.members is None else self.members

    def counts(self) -> np.ndarray:
        """Organisations per footprint and type, shape (footprints, 4)."""
        k = len(ORG_TYPES)
        cells = self.footprint * k + self.org_type
        out = np.bincount(cells, self.row_members(), self.n_footprints * k)
        return out.astype(int).reshape(-1, k)


@lru_cache(maxsize=32)
def build(structure: str, n_footprints: int = 0, place: str = "") -> Structure:
    """The footprints of a named structure (see module docstring); built once per name and
    shared (its arrays are read-only), so what is derived from it can be cached."""
    # -- real places (stpgame.places): England's 44 footprints, or the one named ----------
    if place or structure == "england":
        if structure != "england":
            raise ParameterError(
                "place",
                "a footprint only with structure='england'",
                place,
                f"structure is '{structure}'",
            )
        return real_structure(place)
    # -------------------------------------------------------------------------------------
    n = n_footprints or 6
    kinds = {
        "simple": ["simple"] * n,
        "complex": ["complex"] * n,
        "mixed": ["simple" if k % 2 == 0 else "complex" for k in range(n)],
        "workshop": ["workshop"] * n,
    }[structure]
    sizes = {"simple": SIMPLE, "complex": COMPLEX, "workshop": WORKSHOP}
    layout = [sizes[kind] for kind in kinds]
    names = [f"{kind.capitalize()} {k + 1}" for k, kind in enumerate(kinds)]
    org_type, footprint = [], []
    for f, (count, _pop) in enumerate(layout):
        for t, name in enumerate(ORG_TYPES):
            org_type += [t] * count[name]
            footprint += [f] * count[name]
    coterminous = np.array([c["council"] == c["ccg"] for c, _ in layout])
    arrays = (
        np.array(org_type),
        np.array(footprint),
        np.array([p for _, p in layout], float),
        coterminous,
    )
    for a in arrays:
        a.flags.writeable = False
    org, fp, population, cot = arrays
    return Structure(org, fp, tuple(names), population, cot)


# -- real places (stpgame.places: England's 44 footprints of 2017) -------------------------
# Budgets (£m a year), each rule also in docs/places.md (rule 9):
# - Each kind's national total is its calibrated mean budget (MEAN_BUDGET, calibration §2)
#   times the number of bodies of that kind in the place table, so the mean budget of each
#   kind, and the balance between kinds the economy was calibrated on, stay as before.
# - CCGs and councils: the national total shared in proportion to population (LSOA counts;
#   a council's whole population, all of its budget sitting in its home footprint).
# - Trusts: their kind's national total shared between the footprints that have a trust of
#   that kind in proportion to population (the footprint's spend on that care), then between
#   its trusts of that kind in proportion to staff (full-time equivalents, September 2017).
# A one-footprint structure takes its bodies' budgets from the England-wide computation, so
# Devon on its own and Devon among the 44 are the same bodies with the same money.


@lru_cache(maxsize=64)
def real_structure(place: str = "") -> Structure:
    """England's 44 real footprints (``place`` empty) or the one named (name or E54 code)."""
    fps = places_table.footprints()
    keep = fps if not place else (places_table.find(place),)
    bodies = [b for b in places_table.bodies() if b.footprint_code in {f.code for f in keep}]
    index = {f.code: k for k, f in enumerate(keep)}
    budget_of = _budgets()
    org_type = np.array([ORG_TYPES.index(b.kind) for b in bodies], int)
    footprint = np.array([index[b.footprint_code] for b in bodies], int)
    population = np.array([f.population / 1e6 for f in keep], float)
    coterminous = np.array([f.coterminous for f in keep], bool)
    budget = np.array([budget_of[(b.kind, b.code)] for b in bodies], float)
    for a in (org_type, footprint, population, coterminous, budget):
        a.flags.writeable = False
    return Structure(
        org_type,
        footprint,
        tuple(f.name for f in keep),
        population,
        coterminous,
        org_names=tuple(b.name for b in bodies),
        org_codes=tuple(b.code for b in bodies),
        footprint_codes=tuple(f.code for f in keep),
        budget=budget,
    )


@lru_cache(maxsize=1)
def _budgets() -> dict[tuple[str, str], float]:
    """£m a year for every body of England, by (kind, code) (rules in the module docstring)."""
    fps = {f.code: f for f in places_table.footprints()}
    bodies = places_table.bodies()
    out: dict[tuple[str, str], float] = {}
    for kind in ORG_TYPES:
        mine = [b for b in bodies if b.kind == kind]
        total = MEAN_BUDGET[kind] * len(mine)
        if kind in ("ccg", "council"):
            weight = sum(b.lsoas for b in mine)
            out.update({(kind, b.code): total * b.lsoas / weight for b in mine})
            continue
        staff: dict[str, float] = {}
        for b in mine:
            staff[b.footprint_code] = staff.get(b.footprint_code, 0.0) + b.weight
        people = sum(fps[code].lsoas for code in staff)
        for b in mine:
            spend = total * fps[b.footprint_code].lsoas / people
            out[(kind, b.code)] = spend * b.weight / staff[b.footprint_code]
    return out
