"""Writing a run's results: Parquet tables and a manifest, all or nothing.

Every file is written under a hidden temporary name and moved into place only when all
are complete, the manifest last (stpgame.files.write_together), so a failed or
interrupted run never leaves a half-written output folder, and a failed write leaves no
folder it created. A folder that holds a previous run is replaced only on request
(``overwrite``).

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
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from stpgame.errors import ResultsError
from stpgame.files import cannot_write, check_writable, folder_path, is_temporary, write_together

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


def check_target(out_dir: str | os.PathLike, file_names, overwrite: bool = False) -> Path:
    """Refuse, writing nothing, an output folder the run may not use.

    ``out_dir`` must be new or empty; a folder holding a previous run's files
    (``file_names`` only) is taken only with ``overwrite``, and one holding anything
    else never. It must be writable (:func:`stpgame.files.check_writable`). Call it
    before the work so a bad folder is refused at once.
    """
    out = folder_path(out_dir)
    if out.exists() and not out.is_dir():
        raise ResultsError(out, "exists and is not a folder", name="out")
    if out.is_dir():
        names = sorted(p.name for p in out.iterdir() if not is_temporary(p.name))
        known = set(file_names)
        strangers = [n for n in names if n not in known]
        if strangers:
            raise ResultsError(
                out,
                f"folder holds other files ({', '.join(strangers[:3])})",
                "choose an empty or new folder",
                name="out",
            )
        if names and not overwrite:
            raise ResultsError(
                out,
                f"holds a previous run ({', '.join(names)})",
                "choose a new or empty folder, or replace it on purpose "
                "(overwrite=True; stpgame run --overwrite)",
                name="out",
            )
    check_writable(out)
    return out


def write_run(
    out_dir: str | os.PathLike,
    tables: dict[str, pd.DataFrame],
    manifest: dict,
    overwrite: bool = False,
) -> Path:
    """Write ``<name>.parquet`` for each table plus ``manifest.json`` into ``out_dir``.

    The folder is checked by :func:`check_target` first (new or empty; a previous run's
    folder only with ``overwrite``). The files appear together, the manifest last; if any
    cannot be written, nothing is left: no temporary file, no folder created here.
    """
    names = run_files(tables)
    out = check_target(out_dir, names, overwrite)
    meta = {
        "scenario": manifest.get("scenario"),
        "seed": manifest.get("seed"),
        "parameters": manifest.get("parameters"),
    }

    def table_writer(name: str, df: pd.DataFrame):
        rows = RUN_TABLE_ROWS.get(name, name)
        return lambda tmp: write_described(tmp, df, file_metadata(rows=rows, **meta))

    writers = {f"{name}.parquet": table_writer(name, df) for name, df in tables.items()}
    text = json.dumps(manifest, indent=2, default=str)
    writers[MANIFEST] = lambda tmp: tmp.write_text(text, encoding="utf-8")
    try:
        write_together(out, writers)
    except OSError as exc:
        raise cannot_write(out, exc) from exc
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
