"""The strategy interface, in the style of the Axelrod library.

Each strategy is a small class with a ``name``, the ``source`` that defined it, and a
``classifier`` (memory depth, stochastic). One object plays for many bodies at once (its
state is arrays over all players, so a year of 600 bodies is a handful of numpy
operations). ``decide`` returns each player's pooling level (a share of its free budget,
0..1) from what it can observe (``Observation``), the rules (``Params``) and its own random
numbers; nothing else reaches it.

Each strategy owns its state: ``reset`` starts a new game for some players (as a fresh
object would), ``new_leader`` clears what belongs to the person rather than the organisation
(a grudge, say; learned estimates stay with the finance team [004]), ``clone`` makes an
independent copy.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, ClassVar, TypedDict

import numpy as np

from stpgame.core.compiled import kernel
from stpgame.strategies.observation import (
    LEVELS,
    BoolArray,
    FloatArray,
    IndexArray,
    Observation,
)

if TYPE_CHECKING:
    from stpgame.core.params import Params


class Classifier(TypedDict, total=False):
    """What a strategy declares about itself (the Axelrod library's classifier keys).

    ``memory_depth``: how many past years its move depends on (``float("inf")``: no
    bound); ``stochastic``: whether it draws random numbers to decide.
    """

    memory_depth: float
    stochastic: bool


class Strategy:
    """Base class of every strategy: name, source, classifier, state and the levels chosen."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    source: ClassVar[str] = ""
    classifier: ClassVar[Classifier] = {}

    def __init__(self, n: int = 0) -> None:
        self.n = n

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Each player's pooling level in ``idx``; subclasses override it."""
        raise NotImplementedError

    def reset(self, mask: BoolArray) -> None:
        """Players in ``mask`` start a new game (stateless strategies have nothing to clear)."""

    def new_leader(self, mask: BoolArray) -> None:
        """A new chief executive: clear what was the predecessor's own (default: nothing)."""

    def clone(self) -> Strategy:
        """An independent copy, state included."""
        return copy.deepcopy(self)

    @staticmethod
    def opening(obs: Observation, idx: IndexArray, then: FloatArray, first: float) -> FloatArray:
        """``first`` for players with no history and ``then`` for the rest."""
        level: FloatArray = np.where(obs.fresh[idx], first, then).astype(float)
        return level


def nearest_level(level: FloatArray) -> IndexArray:
    """Index into ``LEVELS`` of the level closest to each value."""
    nearest: IndexArray = np.abs(np.asarray(level, float)[:, None] - LEVELS[None, :]).argmin(axis=1)
    return nearest


def logit_choice(
    attraction: FloatArray,
    scale: FloatArray,
    habit: FloatArray,
    precision: float,
    rng: np.random.Generator,
) -> FloatArray:
    """A level per player by quantal response (McKelvey & Palfrey 1995).

    ``attraction`` (players x levels) is each level's expected payoff (share of income),
    ``scale`` what pooling everything free puts at stake (share of income): the choice
    probability of a level is proportional to exp(precision x attraction / scale), so
    precision is "log-odds per pound of return per pound of free budget" and transfers from
    public-goods experiments whatever a body's size. A player whose levels all look the same
    (nothing to gain or lose either way) keeps last year's level (habit), not a coin.
    One uniform draw per player, whatever happens, so the random stream never depends on
    the values. The loops are compiled (core/compiled.py); the exponential stays numpy's,
    so the choice is the same to the bit as the array arithmetic it replaced, for finite
    attractions (always: they are sums of finite results and estimates).
    """
    u = rng.random(len(attraction))
    attraction, scale = np.asarray(attraction, float), np.asarray(scale, float)
    z = _logit_exponents(attraction, scale, precision)
    chosen: FloatArray = _logit_pick(
        np.exp(z), u, attraction, scale, np.asarray(habit, float), LEVELS
    )
    return chosen


@kernel
def _logit_exponents(attraction: FloatArray, scale: FloatArray, precision: float) -> FloatArray:
    """Each level's precision x attraction / scale, less each player's largest (so exp never
    overflows); a scale of (near) zero counts as 1 (that player keeps its habit anyway)."""
    n, k = attraction.shape
    z = np.empty((n, k))
    for i in range(n):
        safe = scale[i] if scale[i] > 1e-12 else 1.0
        top = -np.inf
        for j in range(k):
            z[i, j] = precision * attraction[i, j] / safe
            top = max(top, z[i, j])
        for j in range(k):
            z[i, j] -= top
    return z


@kernel
def _logit_pick(
    weight: FloatArray,
    u: FloatArray,
    attraction: FloatArray,
    scale: FloatArray,
    habit: FloatArray,
    levels: FloatArray,
) -> FloatArray:
    """The level whose share of the cumulative weights first reaches ``u``; last year's
    level where nothing separates the levels."""
    n, k = weight.shape
    chosen = np.empty(n)
    cum = np.empty(k)
    for i in range(n):
        total, low, high = 0.0, attraction[i, 0], attraction[i, 0]
        for j in range(k):
            total += weight[i, j]
            cum[j] = total
            low, high = min(low, attraction[i, j]), max(high, attraction[i, j])
        if high - low <= 1e-12 or scale[i] <= 1e-12:
            chosen[i] = habit[i]
            continue
        threshold = u[i] * cum[k - 1]
        pick = 0
        for j in range(k):
            if cum[j] < threshold:
                pick += 1
        chosen[i] = levels[min(pick, k - 1)]
    return chosen
