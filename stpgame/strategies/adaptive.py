"""Strategies that use trust or experience rather than a fixed reply rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from stpgame.strategies.base import Classifier, Strategy
from stpgame.strategies.memory import BoolArray, FloatArray, IndexArray, Memory

if TYPE_CHECKING:
    from stpgame.core.params import Params


class TrustedPartners(Strategy):
    """Conditional cooperation: pools while it trusts its partners and they pooled last round.

    Brief mechanism 7/11: cooperation conditional on relationship quality; the
    conditional-cooperator type of Fischbacher, Gächter & Fehr (2001), Econ Lett 71:397.
    """

    name, label = "trusted_partners", "Cooperate with trusted partners"
    source = "Fischbacher, Gächter & Fehr (2001) Economics Letters 71:397-404; brief mechanism 7"
    # Trust is built over the whole history of the relationship, not just the last round.
    classifier: ClassVar[Classifier] = {"memory_depth": float("inf"), "stochastic": False}

    def decide(
        self, mem: Memory, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> BoolArray:
        """Pool while trust reaches ``trust_threshold`` and the partners pooled last round."""
        trusted = mem.trust[idx] >= cfg.trust_threshold
        return trusted & self.opening(mem, idx, mem.partners_cooperated(idx), True)


class Reinforcement(Strategy):
    """Learns the value of pooling and withholding from its results.

    Each year the value of the move taken moves towards the payoff it earned at
    ``learning_rate``, and the value of the other move towards the payoff it
    would have earned (the "foregone" payoff the game reports) at
    ``learning_rate x foregone_weight`` (Camerer & Ho's delta: 0 is pure
    reinforcement, 1 belief learning);
    the body takes the better-valued move, a random one with probability
    ``exploration``, and at first pools with probability ``initial_cooperation``.
    Experience-weighted attraction learning: Camerer & Ho (1999) Econometrica
    67(4); Sutton & Barto (2018) ch. 2.
    """

    name, label = "reinforcement", "Learns from results"
    source = "Camerer & Ho (1999) Econometrica 67(4):827-874; Sutton & Barto (2018) ch. 2"
    classifier: ClassVar[Classifier] = {"memory_depth": float("inf"), "stochastic": True}

    def decide(
        self, mem: Memory, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> BoolArray:
        """The better-valued move, a random one at rate ``exploration``; a coin at first."""
        q = mem.q[idx]
        coin = rng.random(len(idx)) < cfg.initial_cooperation
        undecided = (q[:, 1] == q[:, 0]) | ~mem.q_ready[idx]
        greedy = np.where(undecided, coin, q[:, 1] > q[:, 0])
        explore = rng.random(len(idx)) < cfg.exploration
        move = np.where(explore, rng.random(len(idx)) < 0.5, greedy)
        return np.where(mem.fresh[idx], coin, move)

    def learn(
        self,
        mem: Memory,
        idx: IndexArray,
        moves: BoolArray,
        payoffs: FloatArray,
        cfg: Params,
    ) -> None:
        """Move each value towards the payoff earned or foregone; the first year sets them."""
        took = moves[idx].astype(int)
        rows = np.asarray(idx)
        got, missed = payoffs[idx], mem.foregone[idx]
        new = ~mem.q_ready[rows]  # first experience sets both values outright
        lr = np.where(new, 1.0, cfg.learning_rate)
        imagined = np.where(new, 1.0, cfg.learning_rate * cfg.foregone_weight)
        mem.q[rows, took] += lr * (got - mem.q[rows, took])
        mem.q[rows, 1 - took] += imagined * (missed - mem.q[rows, 1 - took])
        mem.q_ready[rows] = True


class Imitation(Strategy):
    """Copies the last move of a peer whose choice worked out better; otherwise repeats its own.

    Peers are its footprint partners and bodies of the same type elsewhere ("peer support"
    [004]). Imitate-if-better (Nowak & May 1992, Nature 359:826), comparing how well each
    choice worked for the one who made it (its payoff against what the other move would
    have earned it) rather than raw payoffs: bodies' cost gaps differ far more than pooling
    moves their results, so raw comparison copies the structurally lucky whatever they did.
    """

    name, label = "imitation", "Copies better-performing peers"
    source = "Nowak & May (1992) Nature 359:826-829; [004] peer support"
    classifier: ClassVar[Classifier] = {"memory_depth": 1, "stochastic": True}

    def decide(
        self, mem: Memory, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> BoolArray:
        """Copy a better-doing peer's move at rate ``imitation_rate``; else repeat its own."""
        better = mem.peer_advantage[idx] > mem.advantage()[idx]
        copy = better & (rng.random(len(idx)) < cfg.imitation_rate)
        move = np.where(copy, mem.peer_move[idx], mem.own_last[idx])
        first = rng.random(len(idx)) < cfg.initial_cooperation
        return np.where(mem.fresh[idx], first, move)
