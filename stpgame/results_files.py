"""Writing a run's results: Parquet tables and a manifest, all or nothing.

Files are written into a hidden temporary folder beside the target and moved
into place only when every file is complete, so a failed or interrupted run
never leaves a half-written output folder.

Every Parquet file describes itself: each column's Arrow field metadata holds its
``label``, ``unit`` and ``description`` (from the output registry,
stpgame/core/outputs.py, or the parameter table), and the file's metadata names the
stpgame version, the scenario and what one row is (:func:`to_arrow`). Read them with
``pyarrow.parquet.read_schema(path)``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from stpgame.errors import ResultsError

MANIFEST = "manifest.json"
RUN_TABLE_ROWS = {
    "model": "one row per year",
    "agents": "one row per organisation per year",
}
"""What one row of each ``stpgame run`` table is (file metadata ``rows``)."""


# --- self-describing Parquet -------------------------------------------------------------------
def column_metadata(name: str, extra: Mapping[str, Mapping[str, str]] | None = None) -> dict:
    """``{'label', 'unit', 'description'}`` of a column: from ``extra`` (a table's own
    bookkeeping columns, such as a sweep's ``run``), the output registry or the parameter
    table. KeyError for a column none of them describes, so no column goes undescribed.
    """
    if extra and name in extra:
        return dict(extra[name])
    from stpgame.core.outputs import column

    return column(name).metadata()


def file_metadata(scenario: str | None, rows: str, **more: object) -> dict[str, str]:
    """File-level metadata: stpgame version, scenario ('' = no preset, the parameter
    defaults), what one row is, and ``more`` (strings as they are, anything else as JSON)."""
    from stpgame import __version__

    out = {"stpgame_version": __version__, "scenario": scenario or "", "rows": rows}
    for key, value in more.items():
        out[key] = value if isinstance(value, str) else json.dumps(value, default=str)
    return out


def to_arrow(
    df: pd.DataFrame,
    metadata: Mapping[str, str],
    extra: Mapping[str, Mapping[str, str]] | None = None,
):
    """``df`` as a pyarrow Table: each field carries :func:`column_metadata`, the schema
    carries ``metadata`` beside pandas' own (so ``pd.read_parquet`` reads it back as before)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(df, preserve_index=False)
    fields = [f.with_metadata(column_metadata(f.name, extra)) for f in table.schema]
    meta = dict(table.schema.metadata or {})
    meta.update({k.encode(): str(v).encode() for k, v in metadata.items()})
    return pa.Table.from_arrays(table.columns, schema=pa.schema(fields, metadata=meta))


def write_described(
    path: str | os.PathLike,
    df: pd.DataFrame,
    metadata: Mapping[str, str],
    extra: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Write ``df`` to ``path`` as Parquet with every column described (:func:`to_arrow`)."""
    import pyarrow.parquet as pq

    pq.write_table(to_arrow(df, metadata, extra), path)


def run_files(table_names) -> list[str]:
    """The files a run with these tables writes: ``<name>.parquet`` each, then the manifest."""
    return [f"{name}.parquet" for name in table_names] + [MANIFEST]


def check_target(out_dir: str | os.PathLike, file_names) -> Path:
    """Refuse, writing nothing that stays, an output folder the run may not use.

    ``out_dir`` must be new, or a folder holding only ``file_names`` (a previous
    run's files, which are replaced); and it must be writable (:func:`check_writable`).
    Call it before the work so a bad folder is refused at once.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ResultsError(out, "exists and is not a folder", name="out")
    if out.is_dir():
        known = set(file_names)
        strangers = sorted(p.name for p in out.iterdir() if p.name not in known)
        if strangers:
            raise ResultsError(
                out,
                f"folder holds other files ({', '.join(strangers[:3])})",
                "choose an empty or new folder",
                name="out",
            )
    check_writable(out)
    return out


def check_writable(path: str | os.PathLike, name: str = "out") -> None:
    """Refuse ``path`` if its nearest existing folder will not take a new entry.

    Tried for real, by creating and removing an empty hidden folder there, since
    permission bits do not tell (root, read-only mounts, /proc).
    """
    path = Path(path)
    base = path.parent
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir():
        raise ResultsError(path, f"{base} is not a folder", name=name)
    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".{path.name}.probe.", dir=base))
    except OSError as exc:
        raise cannot_write(path, exc, name) from exc


def cannot_write(path: str | os.PathLike, exc: OSError, name: str = "out") -> ResultsError:
    """The error for a failed write: the path, the reason, and the input it was given as."""
    return ResultsError(path, f"cannot write there ({exc.strerror or exc})", name=name)


def write_run(out_dir: str | os.PathLike, tables: dict[str, pd.DataFrame], manifest: dict) -> Path:
    """Write ``<name>.parquet`` for each table plus ``manifest.json`` into ``out_dir``.

    The folder is checked by :func:`check_target` first: an existing ``out_dir``
    must be empty or hold only a previous run's files (which are replaced);
    anything else is refused so nothing is overwritten by accident.
    """
    out = check_target(out_dir, run_files(tables))
    tmp = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        meta = {
            "scenario": manifest.get("scenario"),
            "seed": manifest.get("seed"),
            "parameters": manifest.get("parameters"),
        }
        for name, df in tables.items():
            rows = RUN_TABLE_ROWS.get(name, name)
            write_described(tmp / f"{name}.parquet", df, file_metadata(rows=rows, **meta))
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str))
        if out.is_dir():
            backup = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, backup / "old")
            os.replace(tmp, out)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise cannot_write(out, exc) from exc
        raise
    return out


def environment() -> dict:
    """Versions and platform, for manifests."""
    import mesa
    import numpy

    from stpgame import __version__

    return {
        "stpgame": __version__,
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "pandas": pd.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
