"""Custom outcomes: a researcher's own functions of the model, measured in every run.

An outcome is a function ``f(model) -> number``. ``per = "run"`` calls it once, after the
run's last year (one value per run, a column of ``runs.parquet``); ``per = "year"`` calls it
before the first year (year 0) and after every year (a column of ``rounds.parquet``, and its
final-year value and mean over years in ``runs.parquet``, like the built-in outputs).

An outcome is named by its import path, ``"package.module:function"``, not by the function
object: the runs happen in other processes (a local pool starts fresh ones, Dask workers may
be other machines), which import it by that path, and the manifest keeps the path so
``stpgame rerun`` can run the sweep again. So the function must be importable by its path: a
function defined with ``def`` at the top level of a module the workers can import.

A function defined in a notebook cell or in the script being run (module ``__main__``) has
no path another process can import; it travels instead as its bytes, pickled by value with
cloudpickle (as Dask ships functions), in the experiment's TOML as
``"cloudpickle:<base64>"``, with its source text beside it (``source``), which the manifest
keeps too. ``stpgame rerun`` then needs the same Python minor version and the modules the
function uses (cloudpickle's by-value pickles are not portable across Python versions).
Unpickling runs code: a ``cloudpickle:`` outcome in an experiment file is as trusted as the
file's author, like an import path is. Lambdas, functions defined inside other functions
and partials are still refused before anything runs (define the function with ``def``).
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from stpgame.core.outputs import STATISTICS, Output
from stpgame.errors import ParameterError

PER = ("run", "year")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_DOTTED = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"
REFERENCE = re.compile(rf"^{_DOTTED}:{_DOTTED}$")
FUNCTION = "a function of the model: 'package.module:function' or a module-level function"


@dataclass(frozen=True)
class Outcome:
    """One custom outcome: its column name, the function's import path, when it is measured
    (``run`` or ``year``), and the label, unit and description its columns carry."""

    name: str
    function: str
    per: str
    label: str
    unit: str
    description: str
    source: str = ""
    """The function's source text, when it travels pickled (a notebook's function)."""

    def output(self, column: str | None = None) -> Output:
        """Described like a built-in output, for tables and summaries: the outcome itself, or
        one of its per-run columns (``<name>_final``, ``<name>_mean``). Shown as stored: a
        custom unit is never turned into a percentage."""
        if column is None or column == self.name:
            return _Custom(self.name, self.label, self.unit, self.description, self.per)
        statistic = column.removeprefix(f"{self.name}_")
        when, sentence = STATISTICS[statistic]
        label, description = f"{self.label}, {when}", f"{self.description} {sentence}"
        return _Custom(column, label, self.unit, description, "run")

    def columns(self) -> dict[str, dict[str, str]]:
        """Arrow field metadata of every column it fills, by column name."""
        names = [self.name]
        if self.per == "year":
            names += [f"{self.name}_{statistic}" for statistic in STATISTICS]
        return {name: self.output(name).metadata() for name in names}

    def spec(self) -> dict[str, str]:
        """As written in an experiment file's ``[outcomes.<name>]`` table (and the manifest)."""
        return {
            "function": self.function,
            "per": self.per,
            "label": self.label,
            "unit": self.unit,
            "description": self.description,
            **({"source": self.source} if self.source else {}),
        }


@dataclass(frozen=True)
class _Custom(Output):
    @property
    def percent(self) -> bool:
        return False


PICKLED = "cloudpickle:"
"""How a function pickled by value starts (a notebook's or a script's own function)."""


def shown(ref: str) -> str:
    """An outcome's function as people read it: its import path, or for a pickled one
    ``__main__:name (pickled)`` rather than kilobytes of base64."""
    if not ref.startswith(PICKLED):
        return ref
    try:
        function = _cached(ref)
    except ParameterError:
        return "a pickled function that cannot be read here"
    return f"__main__:{getattr(function, '__qualname__', '?')} (pickled)"


def source_of(function: object) -> str:
    """The source text of a function (a notebook cell's too), or '' where there is none."""
    import inspect

    try:
        return inspect.getsource(function)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return ""


def _pickle(function: Callable[..., object]) -> str:
    import base64

    import cloudpickle  # type: ignore[import-untyped]

    return PICKLED + base64.b64encode(cloudpickle.dumps(function)).decode("ascii")


def reference(path: str, value: object) -> str:
    """The import path of an outcome function, checked: ``'package.module:function'`` as
    given, or the path of a function object, which must import back to that same function;
    a function of ``__main__`` (a notebook cell, the script being run) is pickled by value
    (``cloudpickle:...``; this module's docstring says what that takes).

    A ParameterError at ``path`` says why anything else cannot be used.
    """
    if isinstance(value, str):
        if value.startswith(PICKLED):
            resolve(path, value)  # it must unpickle to a function here
            return value
        if not REFERENCE.match(value):
            raise ParameterError(path, "'package.module:function' (an import path)", value)
        return value
    if not callable(value):
        raise ParameterError(path, FUNCTION, value)
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    where = f"{module}:{qualname}"
    why = None
    if not isinstance(module, str) or not isinstance(qualname, str):
        why = "it has no import path (a partial or a callable object, not a function)"
        where = repr(value)
    elif "<lambda>" in qualname:
        why = "a lambda has no name to import it by"
    elif "<locals>" in qualname:
        why = "a function defined inside another function cannot be imported on its own"
    elif module == "__main__":
        return _pickle(value)
    if why:
        raise ParameterError(
            path,
            FUNCTION,
            where,
            f"{why}; runs happen in other processes that import the function by its path, "
            "so define it with def at the top of a module (e.g. my_outcomes.py beside your "
            "script) and pass it or 'my_outcomes:name'",
        )
    if resolve(path, where) is not value:
        raise ParameterError(
            path, FUNCTION, where, "importing that path gives a different object than the one given"
        )
    return where


def resolve(path: str, ref: str) -> Callable[..., object]:
    """Import ``'package.module:function'`` (ParameterError at ``path`` if that fails).

    ``pkgutil.resolve_name`` imports the researcher's module: it is no module of stpgame.
    """
    import pkgutil

    if ref.startswith(PICKLED):
        return _unpickle(path, ref)
    allowed = "an importable 'package.module:function'"
    try:
        found = pkgutil.resolve_name(ref)
    except AttributeError as exc:
        raise ParameterError(path, allowed, ref, f"no such function ({exc})") from None
    except Exception as exc:  # ImportError, or an error raised by the module itself
        module = ref.partition(":")[0]
        hint = ""
        if isinstance(exc, ModuleNotFoundError):
            hint = "; run from the folder that holds it, or put that folder on PYTHONPATH"
        raise ParameterError(
            path, allowed, ref, f"cannot import {module}: {type(exc).__name__}: {exc}{hint}"
        ) from None
    if not callable(found):
        raise ParameterError(path, FUNCTION, ref, "not callable")
    return found  # type: ignore[no-any-return]


def _unpickle(path: str, ref: str) -> Callable[..., object]:
    """A function pickled by value (``cloudpickle:<base64>``), or a ParameterError at ``path``
    saying why it cannot be read here (another Python version, a module it needs missing)."""
    import base64
    import binascii
    import pickle

    allowed = "a function pickled by stpgame (cloudpickle) on this Python version"
    try:
        found = pickle.loads(base64.b64decode(ref[len(PICKLED) :], validate=True))
    except (binascii.Error, ValueError) as exc:
        raise ParameterError(path, allowed, ref[:40] + "...", f"not base64 ({exc})") from None
    except Exception as exc:  # unpickling runs code: any error it raises
        raise ParameterError(
            path, allowed, ref[:40] + "...", f"cannot unpickle it here: {type(exc).__name__}: {exc}"
        ) from None
    if not callable(found):
        raise ParameterError(path, FUNCTION, ref[:40] + "...", "not callable")
    return found  # type: ignore[no-any-return]


@lru_cache(maxsize=256)
def _cached(ref: str) -> Callable[..., object]:
    return resolve("outcomes", ref)


def functions(outcomes: tuple[Outcome, ...]) -> list[tuple[Outcome, Callable[..., object]]]:
    """Each outcome with its function, imported once per process."""
    return [(o, _cached(o.function)) for o in outcomes]


def measure(outcome: Outcome, function: Callable[..., object], model: Any, run: int) -> float:
    """Call ``function(model)`` and return its value as a float; a function that fails or
    returns something other than a number is reported with the outcome, the run and the year."""
    where = f"{shown(outcome.function)} in run {run}, year {model.round}"
    try:
        value = function(model)
    except Exception as exc:
        raise ParameterError(
            f"outcomes.{outcome.name}",
            "a function of the model returning a number",
            shown(outcome.function),
            f"it raised {type(exc).__name__}: {exc} ({where})",
        ) from exc
    if isinstance(value, bool | np.bool_):
        return float(value)
    if not isinstance(value, numbers.Real):
        raise ParameterError(
            f"outcomes.{outcome.name}",
            "a number (int, float, bool or a numpy scalar)",
            value,
            f"returned by {where}",
        )
    return float(value)
