"""Writing a run's results: Parquet tables and a manifest, all or nothing.

Files are written into a hidden temporary folder beside the target and moved
into place only when every file is complete, so a failed or interrupted run
never leaves a half-written output folder.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from pathlib import Path

import pandas as pd


def write_run(out_dir: str | os.PathLike, tables: dict[str, pd.DataFrame], manifest: dict) -> Path:
    """Write ``<name>.parquet`` for each table plus ``manifest.json`` into ``out_dir``.

    An existing ``out_dir`` must be empty or hold only a previous run's files
    (which are replaced); anything else is refused so nothing is overwritten by accident.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"--out {out}: exists and is not a folder")
    known = {f"{name}.parquet" for name in tables} | {"manifest.json"}
    if out.is_dir():
        strangers = sorted(p.name for p in out.iterdir() if p.name not in known)
        if strangers:
            raise FileExistsError(
                f"--out {out}: folder holds other files ({', '.join(strangers[:3])}); "
                "choose an empty or new folder"
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, df in tables.items():
            df.to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
        if out.is_dir():
            backup = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, backup / "old")
            os.replace(tmp, out)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
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
