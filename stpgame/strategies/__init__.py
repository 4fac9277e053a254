"""Decision rules organisations (and match players) follow, and strategy mixes.

``REGISTRY`` maps a strategy's name to its class; ``parse_mix`` reads a mix
such as ``"tit_for_tat:0.5,imitation:0.5"``.
"""

from __future__ import annotations

from stpgame.strategies.adaptive import Imitation, Reinforcement, TrustedPartners
from stpgame.strategies.base import Strategy
from stpgame.strategies.fixed import Alternator, AlwaysCooperate, AlwaysDefect
from stpgame.strategies.memory import Memory
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

__all__ = ["REGISTRY", "Memory", "Strategy", "get", "mix_items", "parse_mix"]


def get(name: str) -> Strategy:
    """A new strategy object by name; ValueError names the choices."""
    if name not in REGISTRY:
        raise ValueError(f"unknown strategy {name!r}; choices: {', '.join(REGISTRY)}")
    return REGISTRY[name]()


def mix_items(text: str) -> list[tuple[str, float]]:
    """``"a:1,b:3"`` -> ``[("a", 0.25), ("b", 0.75)]`` (weights normalised)."""
    items: list[tuple[str, float]] = []
    for part in str(text).split(","):
        name, _, weight = part.strip().partition(":")
        name = name.strip()
        if name not in REGISTRY:
            raise ValueError(f"unknown strategy {name!r}; choices: {', '.join(REGISTRY)}")
        try:
            w = float(weight) if weight.strip() else 1.0
        except ValueError:
            raise ValueError(f"weight of {name!r} is not a number: {weight!r}") from None
        if not (w >= 0 and w < float("inf")):
            raise ValueError(f"weight of {name!r} must be a finite number >= 0, got {weight!r}")
        items.append((name, w))
    total = sum(w for _, w in items)
    if not items or total <= 0:
        raise ValueError("weights must add up to more than 0")
    return [(n, w / total) for n, w in items if w > 0]


def parse_mix(text: object) -> str:
    """Check a mix and return it in canonical form (normalised weights)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a mix is a non-empty text")
    return ",".join(f"{n}:{w:.6g}" for n, w in mix_items(text))
