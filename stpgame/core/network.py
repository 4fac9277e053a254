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
The Better Care Fund is joint working too: each year its minimum is in force, a CCG and
a council plan and pool it together, so their link grows whatever else they do (90% of
areas said the fund improved joint working, NAO 2017, calibration §5).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import cast

import networkx as nx
import numpy as np

from stpgame.core.arrays import FloatArray, IntArray
from stpgame.core.compiled import index, kernel
from stpgame.core.params import ORG_TYPES
from stpgame.core.structure import Structure

TRUST_LEVELS = {"limited": 0.2, "reasonable": 0.5, "very strong": 0.8}
STRANGER = TRUST_LEVELS["limited"]
"""Trust in a newcomer: the lowest relationship the surveys name [002]."""
NHS_COUNCIL_MIX = (0.25, 0.54, 0.21)  # [002]
GP_COUNCIL_MIX = (0.56, 0.44, 0.0)  # [000]: 56% poor
COUNCIL = ORG_TYPES.index("council")
CCG = ORG_TYPES.index("ccg")


@cache
def _pairs(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (a < b) of a complete graph on ``k`` nodes."""
    return np.triu_indices(k, k=1)


@dataclass(frozen=True)
class _Links:
    """The links of a structure and what is fixed about them (cached per structure)."""

    i: IntArray
    j: IntArray
    cross_sector: np.ndarray  # health-council links
    gp_council: np.ndarray  # CCG-council links
    degree: IntArray
    per_footprint: FloatArray  # links in each footprint
    ends: tuple[np.ndarray, np.ndarray]  # i, j as unsigned indices for the compiled loops
    footprint: np.ndarray  # each body's footprint, the same


@lru_cache(maxsize=32)
def _links(structure: Structure) -> _Links:
    """Every pair of organisations in a footprint, linked (structures are shared)."""
    n, pairs = structure.n, []
    for f in range(structure.n_footprints):
        members = np.flatnonzero(structure.footprint == f)
        a, b = _pairs(len(members))
        pairs.append(np.stack([members[a], members[b]], axis=1))
    edges = np.concatenate(pairs) if pairs else np.zeros((0, 2), int)
    i, j = np.ascontiguousarray(edges[:, 0]), np.ascontiguousarray(edges[:, 1])
    ti, tj = structure.org_type[i], structure.org_type[j]
    cross_sector = (ti == COUNCIL) != (tj == COUNCIL)
    degree = np.bincount(i, minlength=n) + np.bincount(j, minlength=n)
    fixed = _Links(
        i,
        j,
        cross_sector,
        cross_sector & ((ti == CCG) | (tj == CCG)),
        degree,
        np.bincount(structure.footprint, degree, structure.n_footprints) / 2.0,
        (index(i), index(j)),
        index(structure.footprint),
    )
    for a in (fixed.i, fixed.j, fixed.cross_sector, fixed.gp_council, fixed.degree):
        a.flags.writeable = False
    fixed.per_footprint.flags.writeable = False
    return fixed


@kernel
def _summed_trust(trust: FloatArray, i: IntArray, j: IntArray, n: int) -> FloatArray:
    """Each organisation's summed trust over its links: over the links' first ends plus
    over their second ends, each added in link order (compiled: numba, see year_kernel.py)."""
    first, second = np.zeros(n), np.zeros(n)
    for link in range(len(trust)):
        first[i[link]] += trust[link]
        second[j[link]] += trust[link]
    return first + second


@kernel
def _trust_after(
    trust: FloatArray,
    growth: FloatArray,
    i: IntArray,
    j: IntArray,
    willing: np.ndarray,
    joint: np.ndarray,
    loss: float,
    decay: float,
) -> tuple[FloatArray, FloatArray]:
    """Each link's trust after a year: grown by ``growth`` of the way to 1 if both ends were
    willing or the link is ``joint`` working anyway (the Better Care Fund), eroded by
    ``loss`` if one was, faded by ``decay`` if neither was; and each organisation's summed
    trust after it (as ``_summed_trust`` adds)."""
    after = np.empty_like(trust)
    n = len(willing)
    first, second = np.zeros(n), np.zeros(n)
    for link in range(len(trust)):
        t = trust[link]
        a, b = willing[i[link]], willing[j[link]]
        if (a and b) or joint[link]:
            t = t + growth[link] * (1.0 - t)
        else:
            rate = loss if a != b else decay
            t = t - rate * t
        after[link] = t
        first[i[link]] += t
        second[j[link]] += t
    return after, first + second


@kernel
def _reset(
    trust: FloatArray, floor: FloatArray, i: IntArray, j: IntArray, orgs: np.ndarray
) -> None:
    """Links touching ``orgs`` fall to ``floor`` (per link), if that is lower."""
    for link in range(len(trust)):
        if orgs[i[link]] or orgs[j[link]]:
            t, start = trust[link], floor[link]
            trust[link] = t if t <= start else start  # np.minimum


@kernel
def _footprint_mean(totals: FloatArray, footprint: IntArray, links: FloatArray) -> FloatArray:
    """Mean trust on each footprint's links, from its bodies' summed trust (each link is
    counted at both ends); 0.5 for a footprint without links."""
    total = np.zeros(len(links))
    for body in range(len(totals)):
        total[footprint[body]] += totals[body]
    mean = np.full(len(links), 0.5)
    for f in range(len(links)):
        if links[f] > 0:
            mean[f] = total[f] / 2.0 / links[f]
    return mean


class Relationships:
    """Links within footprints, their trust, and the per-organisation mean trust."""

    def __init__(self, structure: Structure, rng: np.random.Generator, shift: float = 0.0):
        self.n = structure.n
        links = _links(structure)
        self.i, self.j, self.cross_sector = links.i, links.j, links.cross_sector
        levels = np.array(list(TRUST_LEVELS.values()))
        nhs = rng.choice(levels, size=len(self.i), p=NHS_COUNCIL_MIX)
        gp = rng.choice(levels, size=len(self.i), p=GP_COUNCIL_MIX)
        self.initial = np.clip(np.where(links.gp_council, gp, nhs) + shift, 0.0, 1.0)
        self._totals: np.ndarray | None = None  # summed trust per body, until trust moves
        self.trust = self.initial.copy()
        self._gain_key: tuple[float, float] | None = None
        self._gain: FloatArray | None = None
        self.degree = links.degree
        self._ends, self._fp = links.ends, links.footprint
        self._fp_links = links.per_footprint
        self.bcf_links = links.gp_council  # CCG-council: the Better Care Fund's partners
        self._no_links = np.zeros(len(links.i), np.bool_)

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
            totals = _summed_trust(self.trust, *self._ends, self.n)
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
        mean: FloatArray = _footprint_mean(self.totals(), self._fp, self._fp_links)
        return mean

    def update(
        self,
        willing: np.ndarray,
        gain: float,
        loss: float,
        decay: float,
        barrier: float,
        bcf: bool = False,
    ) -> None:
        """Trust after a year, from what each partner was willing to do.

        Grows when both pooled (slower across the health-council boundary [001]), erodes
        fast when one withheld on the other (Slovic 1993), and fades when neither pooled:
        mutual withholding never builds trust. With ``bcf`` (the fund's minimum in force)
        every CCG-council link grows as joint working (NAO 2017). ``willing`` counts a
        council that meant to pool but could not afford it as willing: partners can see its
        books.
        """
        key = (gain, barrier)
        if self._gain_key != key:
            self._gain_key, self._gain = key, gain * np.where(self.cross_sector, 1.0 - barrier, 1.0)
        willing = np.ascontiguousarray(willing, dtype=np.bool_)
        growth = cast(FloatArray, self._gain)
        joint = self.bcf_links if bcf else self._no_links
        self._trust, self._totals = _trust_after(
            self.trust, growth, *self._ends, willing, joint, loss, decay
        )

    def reset(self, orgs: np.ndarray) -> None:
        """New leaders start as strangers [004]: relationships are personal.

        Each of the links of ``orgs`` (a mask over organisations) falls to a stranger's
        trust, the "limited" level of the surveys (``STRANGER``), or stays where it is if it
        is already lower: partners must learn to trust the newcomer.
        """
        stranger = np.full(len(self.trust), STRANGER)
        _reset(self.trust, stranger, *self._ends, np.ascontiguousarray(orgs, np.bool_))
        self._totals = None

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
