"""A small declarative reader for TOML tables: one dataclass per table, each key's check in
its field's metadata.

    @dataclass(frozen=True, kw_only=True)
    class Head:
        rounds: int = key(whole(1, 10_000))
        title: str = key(text, default="")

    read(Head, "experiment", {"rounds": 3})  # Head(rounds=3, title="")

A :class:`Check` is called as ``check(path, value, *context)`` and returns the value to keep,
or raises :class:`~stpgame.errors.ParameterError` naming ``path`` (``experiment.rounds``), what
is allowed and the value given. :func:`read` refuses a key the table does not declare (naming
the closest one), a required key that is missing, and keys declared mutually exclusive; a field
declared with ``rest=True`` takes every other key (a table of parameters). Checks of one value
use ``stpgame.core.checks``, so a file reports a mistake as the API and the app do.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any

from stpgame.core import checks
from stpgame.errors import ParameterError


@dataclass(frozen=True)
class Check:
    """How one value is checked: ``allowed`` says what is accepted (used when it is missing)."""

    allowed: str
    run: Callable[..., Any]

    def __call__(self, path: str, value: object, *context: object) -> Any:
        """Check ``value`` at ``path``: the checked value, or ParameterError."""
        return self.run(path, value, *context)


def key(
    check: Check,
    *,
    default: object = MISSING,
    default_factory: Callable[[], object] | None = None,
    toml: str | None = None,
    rest: bool = False,
) -> Any:
    """A field for one key of a table. ``toml`` is the key's name in the file when it is not
    the field's name; ``rest`` marks the field that takes every undeclared key."""
    meta = {"check": check, "toml": toml, "rest": rest}
    if rest:
        return field(default=None, metadata=meta)
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=meta)
    return field(default=default, metadata=meta)


def join(path: str, name: str) -> str:
    """The dotted path of key ``name`` inside table ``path`` (for error messages)."""
    return f"{path}.{name}" if path else name


def closest(word: object, choices: Iterable[str], what: str = "key") -> str:
    """A note for an unknown name: the closest known one, if any is close."""
    match = difflib.get_close_matches(str(word), list(choices), n=1)
    return f"unknown {what}; did you mean '{match[0]}'?" if match else f"unknown {what}"


def _required(f: Field[Any]) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


def read(schema: type, path: str, value: object, *context: object) -> Any:
    """Check the table ``value`` found at ``path`` against ``schema`` and build it."""
    table = a_table(path, value)
    declared = {
        f.metadata.get("toml") or f.name: f for f in fields(schema) if "check" in f.metadata
    }
    rest = [f for f in declared.values() if f.metadata["rest"]]
    declared = {k: f for k, f in declared.items() if not f.metadata["rest"]}
    if not rest:
        for k in table:
            if k not in declared:
                allowed = "one of " + ", ".join(declared)
                raise ParameterError(join(path, k), allowed, k, closest(k, declared))
    for a, b in getattr(schema, "EXCLUSIVE", ()):
        if a in table and b in table:
            raise ParameterError(join(path, b), f"either {a} or {b}, not both", "both")
    values = {}
    for name, f in declared.items():
        where = join(path, name)
        if name in table:
            values[f.name] = f.metadata["check"](where, table[name], *context)
        elif _required(f):
            allowed = f"{f.metadata['check'].allowed} (required)"
            raise ParameterError(where, allowed, None, "missing")
    for f in rest:
        others = {k: v for k, v in table.items() if k not in declared}
        values[f.name] = f.metadata["check"](path, others, *context)
    return schema(**values)


# --- checks ---------------------------------------------------------------------------------
def a_table(path: str, value: object) -> dict[str, Any]:
    """Check that ``value`` is a TOML table."""
    if not isinstance(value, dict):
        raise ParameterError(path, f"a table ([{path}])", value)
    return value


def table_of(schema: type) -> Check:
    """A sub-table read with ``schema``."""
    required = [f.metadata.get("toml") or f.name for f in fields(schema) if _required(f)]
    allowed = "a table" + (" with " + ", ".join(required) if required else "")
    return Check(allowed, lambda path, value, *context: read(schema, path, value, *context))


def whole(low: int, high: int) -> Check:
    """A whole number in [low, high] (TOML integers; not floats, booleans or text)."""
    allowed = f"a whole number in [{low}, {high}]"

    def run(path: str, value: object, *_: object) -> int:
        try:
            return checks.whole(path, value, low, high)
        except ParameterError:
            raise ParameterError(path, allowed, value) from None

    return Check(allowed, run)


def one_of(choices: Iterable[str] | Callable[[], Iterable[str]], allowed: str = "") -> Check:
    """One of ``choices`` (or of what ``choices()`` returns, for names known only at run time)."""

    def run(path: str, value: object, *_: object) -> str:
        names = tuple(choices() if callable(choices) else choices)
        return checks.choice(path, value, names)

    return Check(allowed or "one of " + ", ".join(choices), run)  # type: ignore[arg-type]


def _text(path: str, value: object, *_: object) -> str:
    if not isinstance(value, str):
        raise ParameterError(path, "text", value)
    return value


def _texts(path: str, value: object, *_: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParameterError(path, "a list of texts", value)
    return tuple(value)


text = Check("text", _text)
texts = Check("a list of texts", _texts)


def names(choices: Iterable[str], at_least: int = 0) -> Check:
    """A list of distinct names from ``choices`` (at least ``at_least`` of them)."""
    choices = tuple(choices)
    allowed = f'a list of names, e.g. ["{choices[0]}"]'

    def run(path: str, value: object, *_: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ParameterError(path, allowed, value)
        for v in value:
            if v not in choices:
                raise ParameterError(
                    path, "names from: " + ", ".join(choices), v, closest(v, choices, "name")
                )
        if len(set(value)) != len(value):
            raise ParameterError(path, "names without repeats", value)
        if len(value) < at_least:
            raise ParameterError(path, f"at least {at_least} of: " + ", ".join(choices), value)
        return tuple(value)

    return Check(allowed, run)


def table_by_name(
    known: Iterable[str], each: Callable[[str, str, object], object], what: str, empty: str = ""
) -> Check:
    """A table keyed by names from ``known`` (``what`` says what a key must be); each entry is
    checked by ``each(path, name, value)``; ``empty``, if given, refuses an empty table with
    that message. The entries keep the file's order."""

    def run(path: str, value: object, *_: object) -> dict[str, object]:
        table = a_table(path, value)
        out = {}
        for name, item in table.items():
            where = join(path, name)
            if name not in known:
                raise ParameterError(where, what, name, closest(name, known))
            out[name] = each(where, name, item)
        if empty and not out:
            raise ParameterError(path, empty, table)
        return out

    return Check(f"a table ({empty})" if empty else "a table", run)


def _flag(path: str, value: object, *_: object) -> bool:
    if not isinstance(value, bool):  # a file says true or false, not "yes" or 1
        raise ParameterError(path, "true or false", value)
    return value


flag = Check("true or false", _flag)


def number_in(low: float, high: float, *, above_low: bool = False) -> Check:
    """A TOML number (integer or float, not text or a boolean) in [low, high]; ``above_low``
    excludes ``low`` itself (a tolerance of 0 could never be met)."""
    allowed = (
        f"a number in ({low:g}, {high:g}]" if above_low else f"a number in [{low:g}, {high:g}]"
    )

    def run(path: str, value: object, *_: object) -> float:
        if isinstance(value, str):
            raise ParameterError(path, allowed, value, "a number, not text")
        try:
            x = float(checks.number(path, value, low, high))
        except ParameterError:
            raise ParameterError(path, allowed, value) from None
        if above_low and x == low:
            raise ParameterError(path, allowed, value)
        return x

    return Check(allowed, run)
