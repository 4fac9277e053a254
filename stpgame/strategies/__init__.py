"""Decision rules organisations (and match players) follow, and strategy mixes.

``REGISTRY`` maps a strategy's name to its class; ``parse_mix`` reads a mix
such as ``"tit_for_tat:0.5,imitation:0.5"``.
"""

from __future__ import annotations

from functools import lru_cache

from stpgame.strategies.adaptive import Imitation, Reinforcement, TrustedPartners
from stpgame.strategies.base import Strategy
from stpgame.strategies.fixed import Alternator, AlwaysCooperate, AlwaysDefect
from stpgame.strategies.observation import LEVELS, Observation
from stpgame.strategies.reciprocal import (
    GenerousTitForTat,
    GrimTrigger,
    SuspiciousTitForTat,
    TitForTat,
    TitForTwoTats,
    WinStayLoseShift,
)

REGISTRY: dict[str, type[Strategy]] = {
    cls.name: cls
    for cls in (
        AlwaysCooperate,
        AlwaysDefect,
        TitForTat,
        GenerousTitForTat,
        GrimTrigger,
        WinStayLoseShift,
        TitForTwoTats,
        SuspiciousTitForTat,
        Alternator,
        TrustedPartners,
        Reinforcement,
        Imitation,
    )
}

__all__ = ["LEVELS", "REGISTRY", "Observation", "Strategy", "get", "mix_items", "parse_mix"]


def get(name: str, n: int = 0) -> Strategy:
    """A new strategy object by name, with state for ``n`` players; ValueError names the
    choices."""
    if name not in REGISTRY:
        raise ValueError(f"unknown strategy {name!r}; choices: {', '.join(REGISTRY)}")
    return REGISTRY[name](n)


MIX_TOLERANCE = 1e-6
"""How far a mix's weights may add up from 1 (rounding in a file or a slider), as for the
savings shares; anything further is a mistake the user is told about, never rescaled."""


def mix_items(text: str) -> list[tuple[str, float]]:
    """``"a:0.25,b:0.75"`` -> ``[("a", 0.25), ("b", 0.75)]`` (see ``_mix_items``)."""
    return list(_mix_items(str(text)))


@lru_cache(maxsize=256)  # every model reads its four mixes: parse each text once
def _mix_items(text: str) -> tuple[tuple[str, float], ...]:
    """``"a:0.25,b:0.75"`` -> ``[("a", 0.25), ("b", 0.75)]``; a lone name weighs 1.

    The weights must add up to 1: ``"a:1,b:3"`` is refused rather than read as quarters,
    since a researcher who meant other shares would otherwise run the wrong model unawares.
    Zero weights are dropped; rounding within MIX_TOLERANCE is evened out.
    """
    items: list[tuple[str, float]] = []
    parts = str(text).split(",")
    for part in parts:
        name, sep, weight = part.strip().partition(":")
        name = name.strip()
        if name not in REGISTRY:
            raise ValueError(f"unknown strategy {name!r}; choices: {', '.join(REGISTRY)}")
        if any(name == seen for seen, _ in items):
            raise ValueError(f"{name!r} is named twice")
        if not weight.strip():
            if len(parts) > 1 or sep:
                raise ValueError(f"give every strategy a weight ({name!r} has none)")
            return ((name, 1.0),)
        try:
            w = float(weight)
        except ValueError:
            raise ValueError(f"weight of {name!r} is not a number: {weight.strip()!r}") from None
        if not (w >= 0 and w < float("inf")):
            raise ValueError(f"weight of {name!r} must be a finite number >= 0, got {weight!r}")
        items.append((name, w))
    total = sum(w for _, w in items)
    if abs(total - 1.0) > MIX_TOLERANCE:
        raise ValueError(f"the weights add up to {total:.6g}, not 1")
    return tuple((n, w / total) for n, w in items if w > 0)


def parse_mix(text: object) -> str:
    """Check a mix and return it in canonical form (``name:weight`` pairs, zero weights left out)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a mix is a non-empty text")
    return ",".join(f"{n}:{w:.12g}" for n, w in mix_items(text))
