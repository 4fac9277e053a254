"""What several command families share: the CLI's own usage error, ``--set`` pairs, CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from stpgame.errors import ParameterError, StpgameError

if TYPE_CHECKING:
    import argparse

    from stpgame.core.model import STPModel

    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    """What ``add_subparsers`` returns: each family's ``add_parsers`` adds its commands to it."""

STRATEGY_HELP = "strategy names (see `stpgame strategies`)"


class UsageError(StpgameError):
    """A command line whose options do not fit together, said in one sentence (exit status 2)."""


class Terminated(BaseException):
    """SIGTERM arrived (``kill``, a SLURM job's end): unwinds like Ctrl-C, so files are
    closed, temporaries removed and workers stopped, then the exit status is 143."""


def given(**options: Any) -> dict[str, Any]:
    """The options the user gave: ``None`` means "not given", so the library's default holds.

    The values are mostly the command line's text as argparse left it (``Namespace``
    attributes, typed ``Any``): the library functions they go to check and convert text
    themselves (``check_count("200", ...)``), while their annotations name the checked type
    (``turns: int``), so the text passes on as ``Any``."""
    return {name: value for name, value in options.items() if value is not None}


def parse_settings(pairs: list[str] | None) -> dict[str, object]:
    """``["noise=0.1", "control_total=system"]`` -> ``{"noise": 0.1, "control_total": "system"}``:
    numbers and switches read from their text (the Python API takes no text for them), the
    rest checked by ``Params.build``."""
    from stpgame.core.params import from_text

    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError("--set", "key=value (see `stpgame params`)", pair)
        if key in OWN_FLAGS:
            raise ParameterError("--set", f"a model parameter; give {key} with --{key}", pair)
        if key in out:
            raise ParameterError("--set", f"each parameter once ({key} is given twice)", pair)
        out[key] = value.strip()
    return from_text(out)


OWN_FLAGS = ("seed", "scenario", "rounds")
"""Inputs with flags of their own, refused inside ``--set``."""


def scenario_model(scenario: str, seed: int | None, overrides: dict[str, object]) -> STPModel:
    """``STPModel.from_scenario(scenario, seed=seed, **overrides)``, with ``--set`` overrides.

    ``place`` is from_scenario's own argument (a footprint by name or E54 code, which also
    sets the structure to 'england'), so it is passed by name; every other override is a
    model parameter, checked by ``Params.build``. ``parse_settings`` leaves ``place`` as the
    text typed (it is a choice, not a number or switch), so ``str`` keeps it as it is."""
    from stpgame.core.model import STPModel

    settings = dict(overrides)
    place = settings.pop("place", None)
    return STPModel.from_scenario(
        scenario, seed=seed, place=None if place is None else str(place), **settings
    )


def join_negative_values(argv: list[str], options: tuple[str, ...]) -> list[str]:
    """``--payoffs -5,-15,0,-10`` -> ``--payoffs=-5,-15,0,-10``: argparse would read a value
    starting with '-' as an option, and costs are naturally negative in this field."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] in options and i + 1 < len(argv) and argv[i + 1].startswith("-"):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def check_csv_path(path: str) -> Path:
    """A CSV target: a file (new or to replace) in an existing folder; checked before any work."""
    from stpgame.files import check_writable

    target = Path(path)
    if not path.strip() or target.is_dir():
        raise ParameterError("--csv", "a file path (not a folder)", path)
    if not target.parent.is_dir():
        raise ParameterError("--csv", "a file in an existing folder", path, "no such folder")
    check_writable(target, "csv")
    return target


def write_csv(df: Any, path: str) -> Path:
    """Write ``df`` to ``path`` as CSV, complete or not at all (stpgame.files.atomic_write)."""
    from stpgame.files import atomic_write, cannot_write

    target = check_csv_path(path)
    try:
        atomic_write(target, lambda tmp: df.to_csv(tmp, index=False))
    except OSError as exc:
        raise cannot_write(path, exc, "csv") from exc
    return target


def table(df: Any, digits: int = 3) -> str:
    """A DataFrame as an aligned text table, floats to ``digits`` places."""
    return str(df.to_string(index=False, float_format=lambda x: f"{x:.{digits}f}"))
