"""Experiments defined in Python: from a dict, a DataFrame of designs or a custom sampler.

Every builder writes the experiment as TOML (the format of ``experiments/*.toml``) and reads
it back with the file reader (experiment.py), so there is one set of checks and one meaning:
a dict with the same keys and values as a file is the same experiment, runs the same runs and
gives byte-identical result tables; the TOML is what the results folder and its manifest keep,
so ``stpgame rerun`` and ``Experiment.from_manifest`` can run it again without the Python code
that built it. That is why Python values are turned into TOML values first: numpy scalars
become the numbers they hold, an outcome function becomes its import path (outcomes.py), and
a DataFrame or a sampler's points become a ``[conditions]`` table, one row per condition.

A custom sampler is called once, here, as ``sampler(ranges, n, seed)``:

- ``ranges``: ``{parameter: (low, high)}`` from the ``vary`` table, in its order;
- ``n``: ``vary.samples``, the number of conditions to draw;
- ``seed``: the experiment's ``base_seed`` (draw from it, so the design is reproducible);

and must return ``n`` points: a DataFrame with one column per parameter of ``ranges``, or an
array of shape ``(n, len(ranges))`` in their order. Every value must lie in its range (a whole
number for a whole-number parameter) and pass the parameter's own checks.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from stpgame.batch import experiment as ex
from stpgame.batch import outcomes
from stpgame.errors import ParameterError, ResultsError

if TYPE_CHECKING:
    from stpgame.batch.sweep import SweepReport

NAME_ALLOWED = "a name of letters, digits, '_', '-' or '.' (used in file metadata)"


class Experiment(ex.ExperimentSpec):
    """A checked experiment, with the Python API: build it from a TOML file, a dict, a
    DataFrame of designs or a finished sweep's manifest, and :meth:`run` it.

    ``Experiment.from_dict(spec)`` takes the file's tables as keys (``experiment``, ``fixed``,
    ``vary``, ``outputs``, ``outcomes``, ...); see docs/experiments.md, "Experiments from
    Python". Everything :func:`stpgame.batch.load_experiment` returns has the same fields.
    """

    @classmethod
    def from_toml(cls, path: str | Path) -> Experiment:
        """An experiment file."""
        return load_experiment(path)

    @classmethod
    def from_dict(
        cls,
        spec: Mapping[str, Any],
        *,
        name: str = "experiment",
        designs: Any = None,
        sampler: Callable[..., Any] | None = None,
    ) -> Experiment:
        """See :func:`from_dict`."""
        return from_dict(spec, name=name, designs=designs, sampler=sampler)

    @classmethod
    def from_dataframe(
        cls, designs: Any, spec: Mapping[str, Any], *, name: str = "experiment"
    ) -> Experiment:
        """``spec`` (without ``vary``) run at each row of ``designs``: a pandas DataFrame with
        one row per condition and one column per parameter."""
        return from_dict(spec, name=name, designs=designs)

    @classmethod
    def from_manifest(cls, folder: str | Path) -> Experiment:
        """The experiment a finished sweep in ``folder`` ran (see :func:`from_manifest`)."""
        return from_manifest(folder)

    def run(
        self,
        out: str | Path,
        workers: int | None = None,
        scheduler: str | None = None,
        quiet: bool = False,
        chunk: int | None = None,
    ) -> SweepReport:
        """Run (or resume, or repair) it into the folder ``out`` exactly as ``stpgame sweep`` does (the
        same function, files and checks); returns the sweep's report (``SweepReport``).

        ``workers``: local processes (default: the cores available); ``scheduler``: a Dask
        scheduler address instead; ``chunk``: runs per task.
        """
        from stpgame.batch.sweep import run_sweep

        return run_sweep(
            self,
            out,
            workers=workers,
            scheduler=scheduler,
            quiet=quiet,
            chunk=chunk,
            command=f"stpgame.batch.Experiment.run ({self.name})",
        )


def load_experiment(path: str | Path) -> Experiment:
    """Read and check an experiment file (ExperimentError names the bad key)."""
    from stpgame.batch import arguments

    path = arguments.path(path, "path", "an experiment file path (.toml)")
    return cast(Experiment, ex.load_experiment(path, kind=Experiment))


def from_dict(
    spec: Mapping[str, Any],
    *,
    name: str = "experiment",
    designs: Any = None,
    sampler: Callable[..., Any] | None = None,
) -> Experiment:
    """An experiment from ``spec``, a dict whose keys are the file's tables (``experiment``,
    ``fixed``, ``vary``, ``outputs``, ``outcomes``, ...), checked as the file would be.

    ``designs``: a pandas DataFrame, one row per condition and one column per parameter,
    instead of a ``vary`` table. ``sampler``: a function drawing the conditions from the
    ``vary`` table's ranges and ``samples`` (contract in this module's docstring). ``name``
    names the experiment in the result files' metadata (a file's name is its stem).
    """
    try:
        return _from_dict(spec, name, designs, sampler)
    except ex.ExperimentError:
        raise
    except ParameterError as exc:  # said like a file's mistake: the key, allowed, given
        raise ex.ExperimentError(exc.name, exc.allowed, exc.value, exc.note) from None


def _from_dict(
    spec: Mapping[str, Any], name: str, designs: Any, sampler: Callable[..., Any] | None
) -> Experiment:
    import tomli_w

    if not isinstance(name, str) or not name or not all(c.isalnum() or c in "_-." for c in name):
        raise ParameterError("name", NAME_ALLOWED, name)
    if not isinstance(spec, Mapping):
        raise ParameterError("spec", "a dict of the experiment file's tables", spec)
    data = _plain("", dict(spec))
    assert isinstance(data, dict)  # a Mapping comes back as a dict
    if designs is not None and sampler is not None:
        raise ParameterError("designs", "either designs or sampler, not both", "both")
    if designs is not None or sampler is not None:
        for table in ("vary", "sensitivity", "conditions"):
            if table in data and (designs is not None or table != "vary"):
                given = "designs" if designs is not None else "sampler"
                raise ParameterError(table, f"no [{table}] table with {given}", data[table])
    if designs is not None:
        data["conditions"] = _designs(designs)
    elif sampler is not None:
        data["conditions"] = _sample(sampler, data)
    return cast(Experiment, ex.from_text(tomli_w.dumps(data), name=name, kind=Experiment))


def from_manifest(folder: str | Path) -> Experiment:
    """The experiment of the finished sweep in ``folder``, from the TOML text its manifest
    keeps (checked against the manifest's sha256)."""
    import hashlib

    from stpgame.batch import arguments, storage

    folder = arguments.path(folder, "folder")
    manifest = storage.read_manifest(folder)
    spec = manifest["experiment"]
    content = spec.get("content")
    if not isinstance(content, str):
        raise ResultsError(
            Path(folder) / storage.MANIFEST, "has no experiment content to run again"
        )
    if hashlib.sha256(content.encode("utf-8")).hexdigest() != spec.get("sha256"):
        raise ResultsError(
            Path(folder) / storage.MANIFEST,
            "damaged: the experiment text does not match its sha256",
        )
    path = spec.get("file") or ""
    name = spec.get("name") or Path(path).stem
    where = str(Path(folder) / storage.MANIFEST)
    return cast(
        Experiment, ex.from_text(content, name=name, path=path, source=where, kind=Experiment)
    )


# --- Python values as TOML values -------------------------------------------------------------
def _plain(path: str, value: object) -> object:
    """``value`` with numpy scalars as Python numbers, tuples as lists and outcome functions
    as their import paths; anything TOML cannot hold is refused, naming its key."""
    if isinstance(value, Mapping):
        out: dict[str, object] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ParameterError(path or "spec", "text keys", k)
            where = f"{path}.{k}" if path else k
            if path.startswith("outcomes.") and k == "function" and not isinstance(v, str):
                ref = out[k] = outcomes.reference(where, v)
                if ref.startswith(outcomes.PICKLED) and "source" not in value:
                    out["source"] = outcomes.source_of(v)  # kept: the pickle is opaque
            else:
                out[k] = _plain(where, v)
        return out
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [_plain(path, v) for v in value]
    return _scalar(path, value)


def _scalar(path: str, value: object) -> object:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        return value
    note = "TOML has no null: leave the key out" if value is None else ""
    raise ParameterError(path, "a number, true/false, text, a list or a table", value, note)


def _designs(designs: Any) -> dict[str, Any]:
    """A DataFrame of designs as a ``[conditions]`` table."""
    import pandas as pd

    if not isinstance(designs, pd.DataFrame):
        raise ParameterError("designs", "a pandas DataFrame (one row per condition)", designs)
    columns = list(designs.columns)
    if designs.empty or not columns:
        raise ParameterError("designs", "at least one row and one column", designs.shape)
    for c in columns:
        if not isinstance(c, str):
            raise ParameterError("designs", "columns named by parameters (text)", c)
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise ParameterError("designs", "each parameter's column once", repeated[0], "repeated")
    # tolist() turns numpy scalars into Python ones; a column of mixed types stays as given
    rows = [
        [_scalar(f"designs.{c}", v) for c, v in zip(columns, row, strict=True)]
        for row in zip(*(designs[c].tolist() for c in columns), strict=True)
    ]
    return {"parameters": columns, "rows": rows, "source": "DataFrame of designs"}


def _sample(sampler: Callable[..., Any], data: dict[str, Any]) -> dict[str, Any]:
    """Call a custom sampler on the ``vary`` table's ranges and check its points."""
    import pandas as pd

    if not callable(sampler):
        raise ParameterError("sampler", "a function sampler(ranges, n, seed)", sampler)
    n, bounds = ex.sampler_ranges(data.pop("vary", None))
    seed = ex.base_seed(data.get("experiment"))
    points = sampler(dict(bounds), n, seed)
    names = list(bounds)
    if isinstance(points, pd.DataFrame):
        if sorted(map(str, points.columns)) != sorted(names):
            raise ParameterError(
                "sampler", f"a DataFrame with the columns {names}", list(points.columns)
            )
        points = points[names].to_numpy(dtype=object)
    array = np.asarray(points, dtype=object)
    if array.shape != (n, len(names)):
        raise ParameterError(
            "sampler", f"{n} points of {len(names)} values (shape ({n}, {len(names)}))", array.shape
        )
    rows = []
    for i, row in enumerate(array):
        for (k, (low, high)), v in zip(bounds.items(), row, strict=True):
            value = _scalar(f"sampler[{i}].{k}", v)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(f"sampler[{i}].{k}", f"a number in [{low}, {high}]", v)
            if not float(low) <= value <= float(high):  # type: ignore[arg-type]
                raise ParameterError(
                    f"sampler[{i}].{k}", f"a number in vary.{k}'s range [{low}, {high}]", v
                )
        rows.append([_scalar(f"sampler[{i}]", v) for v in row])
    label = getattr(sampler, "__qualname__", type(sampler).__name__)
    module = getattr(sampler, "__module__", "")
    return {
        "parameters": names,
        "rows": rows,
        "source": f"sampler {module}:{label}(n={n}, seed={seed}) over {bounds}",
    }
