"""The checks every boundary uses for one input value: numbers, whole numbers, booleans,
choices, seeds. Each raises :class:`~stpgame.errors.ParameterError` naming the input, what
is allowed and the value given, so a mistake reads the same from Python, the command line,
an experiment file or the browser.

numpy scalars (``np.int64``, ``np.float32``, ``np.bool_``) count as the Python values they
hold. Text (``'0.5'``, ``'yes'``) is read only with ``text=True``, which the command line
passes for what the user typed: from Python a string where a number or a switch belongs is
a mistake, and is refused rather than guessed at.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def _is_numpy_bool(value: object) -> bool:
    """``np.bool_`` (named ``bool`` in numpy 2), without importing numpy here."""
    kind = type(value)
    return kind.__module__ == "numpy" and kind.__name__ in ("bool", "bool_")


def _fmt(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def number(
    name: str,
    value: object,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    whole: bool = False,
    allowed: str | None = None,
    text: bool = False,
) -> float | int:
    """A finite number in [low, high] (a whole number if ``whole``); text only if ``text``."""
    from stpgame.errors import ParameterError

    kind = "int" if whole else "float"
    allowed = allowed or f"{kind} in [{_fmt(low)}, {_fmt(high)}]"
    if isinstance(value, bool) or _is_numpy_bool(value):
        raise ParameterError(name, allowed, value, "a boolean is not a number")
    if isinstance(value, str) and not text:
        raise ParameterError(name, allowed, value, "a number, not text")
    try:
        if isinstance(value, str):
            x = float(value.strip())
        elif isinstance(value, numbers.Real):
            x = float(value)
        else:
            raise TypeError
    except (TypeError, ValueError):
        raise ParameterError(name, allowed, value, "not a number") from None
    if not math.isfinite(x):
        raise ParameterError(name, allowed, value, "must be finite")
    if whole:
        if x != int(x):
            raise ParameterError(name, allowed, value, "must be a whole number")
        result: float | int = int(x)
    else:
        result = x
    if result < low or result > high:
        raise ParameterError(name, allowed, value)
    return result


def whole(name: str, value: object, low: int = 0, high: float = math.inf) -> int:
    """A whole number in [low, high]: ints and integral numpy scalars, not floats or text."""
    from stpgame.errors import ParameterError

    allowed = (
        f"a whole number >= {low}" if high == math.inf else f"a whole number from {low} to {high:g}"
    )
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(name, allowed, value)
    if not low <= int(value) <= high:
        raise ParameterError(name, allowed, value)
    return int(value)


def boolean(
    name: str, value: object, allowed: str = "true or false", *, text: bool = False
) -> bool:
    """True/False (also numpy's); with ``text``, also the words a command line may use."""
    from stpgame.errors import ParameterError

    if isinstance(value, bool) or _is_numpy_bool(value):
        return bool(value)
    if isinstance(value, str) and not text:
        raise ParameterError(name, allowed, value, "true or false, not text")
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE:
        return False
    raise ParameterError(name, allowed, value)


def choice(name: str, value: object, choices: Sequence[str]) -> str:
    """One of ``choices`` exactly."""
    from stpgame.errors import ParameterError

    if not isinstance(value, str) or value not in choices:
        raise ParameterError(name, "one of " + ", ".join(choices), value)
    return value


def seed(value: object) -> int | None:
    """A seed is ``None`` (fresh entropy) or a whole number >= 0 (text digits allowed)."""
    from stpgame.errors import ParameterError

    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ParameterError("seed", "a whole number >= 0", value) from None
    return whole("seed", value, 0)


def level(value: object) -> float:
    """A pooling level (0 keeps everything, 1 pools all a body is free to pool)."""
    return float(number("level", value, 0.0, 1.0, allowed="a number in [0, 1]"))
