"""Footprints and the organisations in them (brief mechanism 1).

A structure is fixed data, not random: the same structure name always gives the
same footprints and organisation counts, so only behaviour depends on the seed.

- ``simple``: West, North & East Cumbria, the smallest STP: 1 council, 1 CCG,
  1 acute trust, 1 community/mental-health trust, pop. 327,000, same boundary
  (calibration §1). Simple structures enabled integration [001].
- ``complex``: a typical North/London STP: ~7 CCGs, ~8 trusts, several councils,
  pop. 1.85m (calibration §1, HSJ 2016), council and CCG boundaries that differ.
- ``england``: 44 footprints sized between the smallest (327,000) and the
  largest (Greater Manchester, 2.8m) on a log scale, holding 152 councils,
  207 CCGs and 235 trusts (153 acute incl. specialist, 82 community, mental
  health and ambulance) in proportion to population (calibration §1).
- ``mixed``: simple and complex footprints alternating.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stpgame.core.params import ORG_TYPES

# Mean yearly budget per organisation, £m (calibration §2):
# acute + community ≈ provider income £76bn over 235 trusts; councils' adult social care
# £17.5bn / 152. CCGs: only the money they do not pay to these trusts, so the same pound is
# never counted twice: CCG allocations £73.4bn less about £50bn paid to NHS trusts
# (assumption: two thirds of provider income comes from CCGs) ≈ £23.4bn / 207 (DERIVED).
MEAN_BUDGET = {"acute": 400.0, "community": 170.0, "ccg": 113.0, "council": 115.0}
ENGLAND_COUNTS = {"acute": 153, "community": 82, "ccg": 207, "council": 152}
SIMPLE = ({"acute": 1, "community": 1, "ccg": 1, "council": 1}, 0.327)
COMPLEX = ({"acute": 5, "community": 3, "ccg": 7, "council": 5}, 1.85)
# A mid-sized footprint for a workshop room (6-12 bodies, one per team): like the South and
# Midlands STPs, 3-4 CCGs and a similar number of providers, here trimmed to 2 CCGs, 2 acute
# trusts, 1 community trust and 3 councils, boundaries not matching (calibration §1).
WORKSHOP = ({"acute": 2, "community": 1, "ccg": 2, "council": 3}, 0.9)
SMALLEST_POP, LARGEST_POP = 0.327, 2.8  # millions (calibration §1)


@dataclass(frozen=True)
class Structure:
    """Organisations (one row each) grouped into footprints."""

    org_type: np.ndarray  # index into ORG_TYPES
    footprint: np.ndarray  # footprint index
    footprint_names: tuple[str, ...]
    population: np.ndarray  # millions, per footprint
    coterminous: np.ndarray  # council and CCG boundaries match, per footprint

    @property
    def n(self) -> int:
        """Number of organisations."""
        return len(self.org_type)

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
            ),
            source,
        )

    def counts(self) -> np.ndarray:
        """Organisations per footprint and type, shape (footprints, 4)."""
        out = np.zeros((self.n_footprints, len(ORG_TYPES)), int)
        np.add.at(out, (self.footprint, self.org_type), 1)
        return out


def build(structure: str, n_footprints: int = 0) -> Structure:
    """The footprints of a named structure (see module docstring)."""
    if structure == "england":
        pops = _england_populations()
        counts = [_allocate(ENGLAND_COUNTS[t], pops) for t in ORG_TYPES]
        layout = [
            ({t: int(c[k]) for t, c in zip(ORG_TYPES, counts, strict=True)}, pops[k])
            for k in range(len(pops))
        ]
        names = [f"STP {k + 1:02d}" for k in range(len(pops))]
    else:
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
    return Structure(
        np.array(org_type),
        np.array(footprint),
        tuple(names),
        np.array([p for _, p in layout], float),
        coterminous,
    )


def _england_populations(n: int = 44) -> np.ndarray:
    """44 populations spaced evenly on a log scale from 327,000 to 2.8m (DERIVED)."""
    return np.exp(np.linspace(np.log(SMALLEST_POP), np.log(LARGEST_POP), n))


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` in proportion to ``weights``, at least 1 each (largest remainder)."""
    base = np.ones(len(weights), int)
    share = weights / weights.sum() * (total - len(weights))
    base += np.floor(share).astype(int)
    rest = total - base.sum()
    order = np.argsort(-(share - np.floor(share)), kind="stable")
    base[order[:rest]] += 1
    return base
