"""One harness for playing the model's strategies in tests (Axelrod's ``versus_test``).

Everything goes through the match engine (``stpgame.analysis.match``), so a strategy
is driven exactly as matches, tournaments and the organisations drive it: trust,
payoffs, foregone payoffs and the imitated peer all follow from the moves played.

- ``versus(a, b, turns)``: the two players' moves as text ("C" cooperate, "D"
  defect). A player is a strategy name from ``stpgame.strategies.REGISTRY`` or a
  script such as ``"CCD"``, played over and over whatever happens.
- ``play_scripts(name, partner, forced=..., seed=...)``: ``name`` in many matches
  side by side against partners playing the rows of ``partner``; the first turns
  of its own moves can be forced, so a test can put it after any history. The
  classifier contract tests (``test_strategy_classifiers.py``) use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from stpgame import strategies
from stpgame.analysis.match import check_game, play_match, play_matches
from stpgame.analysis.stage_game import AXELROD_PAYOFFS
from stpgame.strategies.base import Strategy

SCRIPT_LETTERS = frozenset("CD")


def is_script(player: str) -> bool:
    """True for a script of moves such as "CDD" (no strategy name is made of C and D only)."""
    return bool(player) and set(player) <= SCRIPT_LETTERS


def moves_text(moves: np.ndarray) -> str:
    return "".join("C" if m else "D" for m in moves)


@contextmanager
def registered(*classes: type[Strategy]) -> Iterator[None]:
    """Put strategy classes in the registry (by their ``name``) for the duration of a block."""
    saved = {cls.name: strategies.REGISTRY.get(cls.name) for cls in classes}
    try:
        for cls in classes:
            strategies.REGISTRY[cls.name] = cls
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                strategies.REGISTRY.pop(name, None)
            else:
                strategies.REGISTRY[name] = old


def scripted(script: str) -> type[Strategy]:
    """A strategy class that plays ``script`` (repeated), whatever happens."""
    if not is_script(script):
        raise ValueError(f"a script is made of C and D only, got {script!r}")
    plays = np.array([c == "C" for c in script])

    class Scripted(Strategy):
        name = f"script {script}"

        def decide(self, mem, idx, rng, cfg):
            return np.full(len(idx), plays[mem.round % len(plays)])

    return Scripted


def versus(a: str, b: str, turns: int = 10, **match_options) -> tuple[str, str]:
    """Play one match through ``play_match``; each player's moves as text.

    ``a`` and ``b`` are strategy names or scripts; ``match_options`` go to
    ``play_match`` (seed, params, payoffs, noise, initial_trust, ...).
    """
    scripts = {p: scripted(p) for p in {a, b} if is_script(p)}
    with registered(*scripts.values()):
        names = [scripts[p].name if p in scripts else p for p in (a, b)]
        result = play_match(names[0], names[1], turns, **match_options)
    return result.history(0), result.history(1)


def play_scripts(
    name: str,
    partner: np.ndarray,
    *,
    forced: np.ndarray | None = None,
    seed: int = 0,
    params: dict | None = None,
    payoffs=AXELROD_PAYOFFS,
) -> np.ndarray:
    """``name``'s moves, shape (matches, turns), in matches against scripted partners.

    Match k's partner plays ``partner[k]`` (bool, True = cooperate); the number of
    turns is ``partner.shape[1]``. With ``forced`` of shape (matches, h), the
    strategy's own moves in the first h turns are ``forced[k]``: it is still asked
    to decide (so any state it keeps follows the history) with a throwaway
    generator, and its answer is replaced. From turn h it plays freely with the
    match generator, seeded by ``seed`` and untouched before turn h (no noise, fixed
    length: the engine draws nothing itself), so two calls with the same seed meet
    the same random numbers at their first free turn whatever their histories were.
    """
    partner = np.asarray(partner, bool)
    matches, turns = partner.shape
    forced = np.zeros((matches, 0), bool) if forced is None else np.asarray(forced, bool)
    if forced.shape[0] != matches or forced.shape[1] > turns:
        raise ValueError(f"forced has shape {forced.shape}, partner {partner.shape}")
    history = forced.shape[1]
    scratch = np.random.default_rng(2**32 - 1)
    base = strategies.REGISTRY[name]

    # Registered under the strategy's own name, so the engine treats it as that strategy
    # (e.g. builds the trust relationships only trusted_partners reads).
    class Forced(base):  # type: ignore[misc, valid-type]
        def decide(self, mem, idx, rng, cfg):
            if mem.round < history:
                super().decide(mem, idx, scratch, cfg)
                return forced[:, mem.round].copy()
            return super().decide(mem, idx, rng, cfg)

    class Partner(Strategy):
        name = "script partner"

        def decide(self, mem, idx, rng, cfg):
            return partner[:, mem.round].copy()

    with registered(Forced, Partner):
        batch = play_matches(
            [(name, Partner.name)] * matches,
            turns,
            check_game(payoffs),
            np.random.default_rng(seed),
            params=params,
        )
    return batch.moves[:, 0, :]
