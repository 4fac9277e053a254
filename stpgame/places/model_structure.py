"""The model's ``Structure`` built from the real places: all 44 footprints, or one.

Budgets (£m a year), each rule documented in docs/places.md and docs/parameters.md's
companion section in docs/places.md:

- Each kind's national total is its calibrated mean budget (``MEAN_BUDGET``, calibration
  §2) times the number of bodies of that kind in the place table, so the mean budget of
  each kind, and the balance between kinds the economy was calibrated on, stay as before.
- CCGs and councils: the national total shared in proportion to population (LSOA counts,
  the population proxy; a council's whole population, all of its budget sitting in its
  home footprint).
- Trusts: the national total of their kind shared between the footprints that have a
  trust of that kind in proportion to population (the footprint's spend on that care),
  then between its trusts of that kind in proportion to staff (full-time equivalents,
  September 2017). Footprints with no NHS trust of a kind (community services run by
  other providers) have no such spend in the model.

A one-footprint structure takes its bodies' budgets from the England-wide computation, so
Devon on its own and Devon among the 44 are the same bodies with the same money.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from stpgame.core.params import ORG_TYPES
from stpgame.core.structure import MEAN_BUDGET, Structure
from stpgame.places import table


@lru_cache(maxsize=64)
def real_structure(place: str = "") -> Structure:
    """England's 44 real footprints (``place`` empty) or the one named (name or E54 code)."""
    fps = table.footprints()
    keep = fps if not place else (table.find(place),)
    bodies = [b for b in table.bodies() if b.footprint_code in {f.code for f in keep}]
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
    fps = {f.code: f for f in table.footprints()}
    bodies = table.bodies()
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
