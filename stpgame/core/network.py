"""The relationship network and how trust moves (brief mechanism 7).

Every pair of organisations in a footprint is linked; each link carries trust
in [0, 1]. The graph is a networkx ``Graph`` (for drawing and analysis); the
trust values live in an array over its edges so a round updates all links at
once.

Starting trust follows the surveys: of 56 organisations, 25% called NHS-council
relationships "limited", 54% "reasonable", 21% "very strong" (CIPFA/iMPOWER
2017, [002], calibration §4); 56% of GPs rated relationships with adult social
services poor [000], used for CCG-council links (CCGs are GP-led). Trust
grows when both partners pool, erodes when one withholds while the other
pools, faster down than up (Slovic 1993), and fades when neither pools; growth between
health and council staff is slowed by professional and cultural boundaries [001].
"""

from __future__ import annotations

from functools import cache
from typing import cast

import networkx as nx
import numpy as np

from stpgame.core.arrays import FloatArray, IntArray
from stpgame.core.params import ORG_TYPES
from stpgame.core.structure import Structure

TRUST_LEVELS = {"limited": 0.2, "reasonable": 0.5, "very strong": 0.8}
NHS_COUNCIL_MIX = (0.25, 0.54, 0.21)  # [002]
GP_COUNCIL_MIX = (0.56, 0.44, 0.0)  # [000]: 56% poor
COUNCIL = ORG_TYPES.index("council")
CCG = ORG_TYPES.index("ccg")


@cache
def _pairs(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (a < b) of a complete graph on ``k`` nodes."""
    return np.triu_indices(k, k=1)


class Relationships:
    """Links within footprints, their trust, and the per-organisation mean trust."""

    def __init__(self, structure: Structure, rng: np.random.Generator, shift: float = 0.0):
        self.n = structure.n
        pairs = []
        for f in range(structure.n_footprints):
            members = np.flatnonzero(structure.footprint == f)
            a, b = _pairs(len(members))
            pairs.append(np.stack([members[a], members[b]], axis=1))
        edges = np.concatenate(pairs) if pairs else np.zeros((0, 2), int)
        self.i, self.j = edges[:, 0], edges[:, 1]
        ti, tj = structure.org_type[self.i], structure.org_type[self.j]
        self.cross_sector = (ti == COUNCIL) != (tj == COUNCIL)
        gp_council = self.cross_sector & ((ti == CCG) | (tj == CCG))
        levels = np.array(list(TRUST_LEVELS.values()))
        nhs = rng.choice(levels, size=len(self.i), p=NHS_COUNCIL_MIX)
        gp = rng.choice(levels, size=len(self.i), p=GP_COUNCIL_MIX)
        self.initial = np.clip(np.where(gp_council, gp, nhs) + shift, 0.0, 1.0)
        self._totals: np.ndarray | None = None  # summed trust per body, until trust moves
        self.trust = self.initial.copy()
        self._gain_key: tuple[float, float] | None = None
        self._gain: FloatArray | None = None
        self._links_of: tuple[IntArray, IntArray] | None = None
        self.degree = np.bincount(self.i, minlength=self.n) + np.bincount(self.j, minlength=self.n)
        self._fp, self._n_fp = structure.footprint, structure.n_footprints
        self._fp_links = np.bincount(self._fp, self.degree, self._n_fp) / 2.0

    @property
    def trust(self) -> FloatArray:
        """Trust on each link, in [0, 1]."""
        return self._trust

    @trust.setter
    def trust(self, values: FloatArray) -> None:
        self._trust, self._totals = values, None

    def copy(self) -> Relationships:
        """The same links with their own copy of today's trust (the everyone-pools twin)."""
        twin = object.__new__(Relationships)
        twin.__dict__.update(self.__dict__)
        twin.trust = self.trust.copy()
        return twin

    def totals(self) -> np.ndarray:
        """Each organisation's summed trust over its links."""
        totals = self._totals
        if totals is None:
            t = self.trust
            totals = np.bincount(self.i, t, self.n) + np.bincount(self.j, t, self.n)
            self._totals = totals
        return totals

    def mean_trust(self) -> np.ndarray:
        """Each organisation's mean trust in its partners."""
        mean: FloatArray = np.divide(
            self.totals(), self.degree, out=np.zeros(self.n), where=self.degree > 0
        )
        return mean

    def footprint_trust(self) -> np.ndarray:
        """Mean trust on each footprint's links (0.5 for a footprint without links).

        Every link lies inside one footprint and touches two of its bodies, so a
        footprint's link-trust total is half the sum of its bodies' totals.
        """
        total = np.bincount(self._fp, self.totals(), self._n_fp) / 2.0
        count = self._fp_links
        mean: FloatArray = np.divide(total, count, out=np.full(self._n_fp, 0.5), where=count > 0)
        return mean

    def update(
        self, willing: np.ndarray, gain: float, loss: float, decay: float, barrier: float
    ) -> None:
        """Trust after a year, from what each partner was willing to do.

        Grows when both pooled (slower across the health-council boundary [001]), erodes
        fast when one withheld on the other (Slovic 1993), and fades when neither pooled:
        mutual withholding never builds trust. ``willing`` counts a council that meant to
        pool but could not afford it as willing: partners can see its books.
        """
        t = self.trust
        key = (gain, barrier)
        if self._gain_key != key:
            self._gain_key, self._gain = key, gain * np.where(self.cross_sector, 1.0 - barrier, 1.0)
        grown = t + cast(FloatArray, self._gain) * (1.0 - t)
        if willing.all():  # the everyone-pools twin: every link grows
            self.trust = grown
            return
        a, b = willing[self.i], willing[self.j]
        both, one = a & b, a ^ b
        self.trust = np.where(both, grown, np.where(one, t - loss * t, t - decay * t))

    def reset(self, orgs: np.ndarray) -> None:
        """New leaders lose the trust their predecessors built [004].

        Each of their links falls back to its surveyed starting level, or stays
        where it is if it is already lower: a new leader never inherits more.
        """
        hit = self.links_of(orgs)
        if len(hit):
            self.reset_links(hit)

    def reset_links(self, hit: np.ndarray) -> None:
        """``reset`` for links already found (the twin shares the links of the played world)."""
        self.trust[hit] = np.minimum(self.trust[hit], self.initial[hit])
        self._totals = None

    def links_of(self, orgs: np.ndarray) -> np.ndarray:
        """Ids of the links touching any of ``orgs`` (a mask over organisations)."""
        who = np.flatnonzero(orgs)
        if len(who) == 0:
            return who
        edges, ptr = self._incidence()
        start, count = ptr[who], ptr[who + 1] - ptr[who]
        hit: np.ndarray = edges[
            np.repeat(start - np.cumsum(count) + count, count) + np.arange(count.sum())
        ]
        return hit

    def _incidence(self) -> tuple[np.ndarray, np.ndarray]:
        """Links of each organisation as (link ids, offsets), built on first use."""
        if self._links_of is None:
            ends = np.concatenate([self.i, self.j])
            ids = np.tile(np.arange(len(self.i)), 2)
            order = np.argsort(ends, kind="stable")
            ptr = np.concatenate([[0], np.cumsum(np.bincount(ends, minlength=self.n))])
            self._links_of = (ids[order], ptr)
        return self._links_of

    def graph_with_trust(self, orgs: np.ndarray | None = None) -> nx.Graph:
        """The network with each edge's current ``trust``; only ``orgs`` if given."""
        if orgs is None:
            keep, nodes = np.ones(len(self.i), bool), range(self.n)
        else:
            keep, nodes = np.isin(self.i, orgs) & np.isin(self.j, orgs), np.asarray(orgs).tolist()
        g = nx.Graph()
        g.add_nodes_from(nodes)
        g.add_weighted_edges_from(
            zip(
                self.i[keep].tolist(), self.j[keep].tolist(), self.trust[keep].tolist(), strict=True
            ),
            weight="trust",
        )
        return g
