"""Run a finished sweep again from its manifest and check every result table is identical.

The manifest keeps the experiment's TOML (checked against its sha256), so the sweep can be
run again without the file or the Python code that defined it (custom outcomes are imported
by the paths it names). The new run goes into a temporary folder (under ``$TMPDIR``), never
into the sweep's own folder, which is only read; the temporary folder is deleted afterwards.

"Identical" means the same columns, types, values (NaN equal to NaN) and Parquet metadata
(file and column), which is what a reader of the tables can see; files whose bytes differ
with all of that equal (a different pyarrow writing the same table) are reported as a note.
Of the manifest, only what defines the runs is compared (the experiment, the base
parameters, the seeds, the files); when, where, how fast and with which engine are not,
and differing package versions or git commits are noted, not failed.
"""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stpgame.batch import storage
from stpgame.errors import ResultsError

COMPARED = ("experiment", "base_parameters", "seeds", "files")
"""Manifest fields that define the runs (the others say when, where and how fast)."""
NOTED = ("versions", "git")
KEYS = ("run", "round", "footprint", "org_type")
"""Columns that name a row in a difference (those the table has)."""


@dataclass
class RerunReport:
    """What :func:`rerun` found: the tables compared, the first difference (None when all
    are identical), notes, the seconds the new run took and its engine."""

    out: Path
    tables: list[str]
    difference: str | None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    engine: dict[str, Any] = field(default_factory=dict)

    @property
    def identical(self) -> bool:
        """Whether every table (and the manifest's run-defining fields) came out the same."""
        return self.difference is None


def rerun(
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    quiet: bool = False,
) -> RerunReport:
    """Run the finished sweep in ``out`` again into a temporary folder and compare.

    ResultsError if ``out`` is not a finished sweep (or its manifest is damaged);
    ParameterError if a custom outcome cannot be imported here.
    """
    from stpgame.batch import arguments
    from stpgame.batch.api import from_manifest
    from stpgame.batch.sweep import run_sweep

    out = arguments.path(out, "out")
    workers, scheduler = arguments.engine(workers, scheduler)
    quiet = arguments.flag(quiet, "quiet")
    stored = storage.read_manifest(out)
    exp = from_manifest(out)
    tables = storage.result_files(exp)
    for name in tables:
        if not (out / name).is_file():
            raise ResultsError(out, f"not a finished sweep (no {name})")
        storage.check_table(out, name)  # a damaged table is refused before the runs, not after
    work = Path(tempfile.mkdtemp(prefix="stpgame-rerun-"))
    try:
        fresh = work / out.name
        report = run_sweep(
            exp, fresh, workers=workers, scheduler=scheduler, quiet=quiet, command="stpgame rerun"
        )
        new = storage.read_manifest(fresh)
        difference = _manifest_difference(stored, new)
        notes = _notes(stored, new)
        for name in tables:
            if difference is None:
                difference = first_difference(out / name, fresh / name)
            if difference is None and not filecmp.cmp(out / name, fresh / name, shallow=False):
                notes.append(f"{name}: same data and metadata, different bytes (Parquet writer)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return RerunReport(out, tables, difference, notes, report.seconds, report.engine)


def _manifest_difference(stored: dict[str, Any], new: dict[str, Any]) -> str | None:
    for key in COMPARED:
        a, b = stored.get(key), new.get(key)
        if a != b:
            inner = [k for k in {**(a or {}), **(b or {})} if (a or {}).get(k) != (b or {}).get(k)]
            where = f"{key}.{inner[0]}" if isinstance(a, dict) and inner else key
            return f"manifest.json: {where} differs"
    return None


def _notes(stored: dict[str, Any], new: dict[str, Any]) -> list[str]:
    notes = []
    for key in NOTED:
        a, b = stored.get(key) or {}, new.get(key) or {}
        for k in dict.fromkeys([*a, *b]):
            if k != "platform" and a.get(k) != b.get(k):
                notes.append(f"{key} {k}: {a.get(k)} stored, {b.get(k)} now")
    return notes


def first_difference(stored: Path, fresh: Path) -> str | None:
    """The first difference between two Parquet tables, in words (table, column, row, the
    two values), or None when columns, types, values and metadata are all equal."""
    import pyarrow.parquet as pq

    name = stored.name
    a = storage.read_table(stored.parent, name)
    b = storage.read_table(fresh.parent, name)
    if list(a.columns) != list(b.columns):
        only_a = [c for c in a.columns if c not in b.columns]
        only_b = [c for c in b.columns if c not in a.columns]
        if only_a or only_b:
            return f"{name}: columns only stored {only_a}, only in the rerun {only_b}"
        return f"{name}: columns in another order"
    if len(a) != len(b):
        return f"{name}: {len(a)} rows stored, {len(b)} in the rerun"
    for column in a.columns:
        x, y = a[column], b[column]
        if x.dtype != y.dtype:
            return f"{name}, column {column}: type {x.dtype} stored, {y.dtype} in the rerun"
        same = (x == y).to_numpy(bool) | (x.isna() & y.isna()).to_numpy(bool)
        if not same.all():
            row = int((~same).nonzero()[0][0])
            keys = ", ".join(f"{k} {a.at[row, k]}" for k in KEYS if k in a.columns)
            return (
                f"{name}, column {column}, row {row} ({keys}): "
                f"stored {_value(x.iloc[row])!r}, rerun {_value(y.iloc[row])!r}"
            )
    sa, sb = pq.read_schema(stored), pq.read_schema(fresh)
    if sa.metadata != sb.metadata:
        ma, mb = sa.metadata or {}, sb.metadata or {}
        key = next(k for k in dict.fromkeys([*ma, *mb]) if ma.get(k) != mb.get(k))
        return f"{name}: file metadata '{key.decode()}' differs"
    for fa, fb in zip(sa, sb, strict=True):
        if fa.metadata != fb.metadata:
            return f"{name}, column {fa.name}: metadata (label, unit, description) differs"
    return None


def _value(value: object) -> object:
    """A numpy scalar as the Python value it holds (so a message shows 0.25, not np.float64)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value
