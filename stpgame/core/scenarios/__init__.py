"""Scenario presets: named, documented parameter sets stored as TOML data files.

Each file holds ``title`` (named so a workshop room recognises it), ``summary``
(one line), ``description`` (plain English: what it represents and what to
look for), ``sources`` and a ``[params]`` table checked by params.validate.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from stpgame.core.params import Params, validate
from stpgame.errors import ParameterError

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Scenario:
    """One preset, as read from its TOML file (see the module docstring for the keys)."""

    name: str
    title: str
    summary: str
    description: str
    sources: tuple[str, ...]
    params: dict[str, object]
    order: int = 99

    @cached_property
    def checked(self) -> Params:
        """The preset's parameters, checked once (``Params`` are frozen, so shared)."""
        return Params.build(self.params)


@cache
def _all() -> dict[str, Scenario]:
    out = {}
    for path in sorted(HERE.glob("*.toml")):
        out[path.stem] = load_file(path)
    return dict(sorted(out.items(), key=lambda kv: kv[1].order))


def load_file(path: Path) -> Scenario:
    """Read and check one scenario file; errors name the file and the parameter."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    missing = {"title", "summary", "description", "sources", "params"} - set(data)
    if missing:
        raise ValueError(f"{path.name}: missing {', '.join(sorted(missing))}")
    try:
        validate(data["params"])
    except ParameterError as exc:
        raise ParameterError(exc.name, exc.allowed, exc.value, f"in {path.name}") from None
    return Scenario(
        path.stem,
        data["title"],
        data["summary"],
        data["description"].strip(),
        tuple(data["sources"]),
        dict(data["params"]),
        int(data.get("order", 99)),
    )


def names() -> list[str]:
    """Scenario names, in their display order."""
    return list(_all())


def all_scenarios() -> list[Scenario]:
    """Every scenario, in its display order."""
    return list(_all().values())


def get(name: str) -> Scenario:
    """A scenario by name; ParameterError lists the choices."""
    table = _all()
    if name not in table:
        raise ParameterError("scenario", "one of " + ", ".join(table), name)
    return table[name]
