"""Checks for the inputs of matches, tournaments and evolution (API and CLI alike).

Each raises ParameterError naming the parameter, what is allowed and the value
given, so ``stpgame match``/``tournament``/``evolve`` exit with status 2 and
one clear line.
"""

from __future__ import annotations

import math

from stpgame.core.params import ParameterError


def strategy_names() -> tuple[str, ...]:
    """Every registered strategy name (imported late, so checking inputs stays cheap)."""
    from stpgame.strategies import REGISTRY

    return tuple(REGISTRY)


def check_strategy(name: object, param: str = "strategy") -> str:
    """A known strategy name (see ``stpgame strategies``)."""
    names = strategy_names()
    if not isinstance(name, str) or name not in names:
        raise ParameterError(param, "one of " + ", ".join(names), name, "unknown strategy")
    return name


def check_strategies(names: object, param: str = "strategies", minimum: int = 1) -> list[str]:
    """A list of known, distinct strategy names, at least ``minimum`` of them."""
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise ParameterError(param, "a list of strategy names", names)
    out = [check_strategy(n, param) for n in names]
    if len(set(out)) != len(out):
        raise ParameterError(param, "distinct strategy names", names, "a name is repeated")
    if len(out) < minimum:
        raise ParameterError(param, f"at least {minimum} strategy names", names)
    return out


def _number(value: object, param: str, allowed: str) -> float:
    """A number from Python or command-line text; booleans and text that is no number refused."""
    if isinstance(value, bool):
        raise ParameterError(param, allowed, value)
    try:
        return float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ParameterError(param, allowed, value, "not a number") from None


def check_probability(value: object, param: str) -> float:
    """A number in [0, 1] (command-line text accepted)."""
    allowed = "a number in [0, 1]"
    x = _number(value, param, allowed)
    if not (math.isfinite(x) and 0.0 <= x <= 1.0):
        raise ParameterError(param, allowed, value)
    return x


def check_count(value: object, param: str, limit: int, low: int = 1) -> int:
    """A whole number in [low, limit] (command-line text accepted)."""
    allowed = f"a whole number in [{low}, {limit}]"
    x = _number(value, param, allowed)
    if not math.isfinite(x) or x != int(x) or not low <= x <= limit:
        raise ParameterError(param, allowed, value)
    return int(x)


def check_positive(value: object, param: str, limit: float = 1e6) -> float:
    """A finite number in (0, limit]."""
    allowed = f"a number in (0, {limit:g}]"
    x = _number(value, param, allowed)
    if not (math.isfinite(x) and 0 < x <= limit):
        raise ParameterError(param, allowed, value)
    return x
