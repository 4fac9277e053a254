"""Where rooms live on disk, and writing a file so that a crash never leaves half of it.

Rooms are kept under ``$STPGAME_DATA/rooms/`` (default ``./stpgame-data/rooms/``),
one JSON file per room, ``<CODE>.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

DATA_ENV = "STPGAME_DATA"
DEFAULT_DATA = "stpgame-data"


def rooms_folder() -> Path:
    """``$STPGAME_DATA/rooms`` (default ``./stpgame-data/rooms``), created if missing."""
    folder = Path(os.environ.get(DATA_ENV) or DEFAULT_DATA) / "rooms"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def atomic_write_json(path: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder, fsync and rename:
    readers see the old file or the new one, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path
