"""Writing result files safely: every file appears complete or not at all, and a failed
write leaves nothing behind.

The one writer behind every output of stpgame: a run's folder (results_files), a sweep's
parts, tables and manifest (batch.storage), summaries, figures and tournament CSVs.

- A file is written to a hidden temporary name beside its target (``.NAME.tmp-PID``),
  flushed to disk and moved into place with ``os.replace``, atomic on POSIX and Windows.
- Files that belong together (a run's tables and its manifest) are all written first and
  moved into place only then, the last one (the manifest, which says the set is complete)
  last; a previous set's last file goes first, so old and new are never taken for one set
  (:func:`write_together`).
- Folders are created with the ordinary permissions (the umask decides), and a failed
  write removes its temporaries and the folders it created.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from stpgame.errors import ParameterError, ResultsError

TMP_MARK = ".tmp-"
Writer = Callable[[Path], None]
"""Writes one file's content to the path it is given (a temporary name)."""


def temporary(path: Path) -> Path:
    """The hidden temporary name ``path`` is written under before it is moved into place."""
    return path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}")


def is_temporary(name: str) -> bool:
    """Whether a file name is one of :func:`temporary`'s (a killed writer may leave them)."""
    return name.startswith(".") and TMP_MARK in name


def folder_path(value: str | os.PathLike[str], name: str = "out") -> Path:
    """An output folder as given: an empty name is refused, not read as this folder."""
    if not str(value).strip():
        raise ParameterError(name, "a folder path", str(value))
    return Path(value)


def atomic_write(path: str | os.PathLike[str], write: Writer) -> Path:
    """Call ``write(tmp)`` on a hidden temporary file beside ``path``, then move it into place."""
    path = Path(path)
    write_together(path.parent, {path.name: write})
    return path


def write_together(folder: str | os.PathLike[str], writers: Mapping[str, Writer]) -> Path:
    """Write every file of ``writers`` (name -> writer) into ``folder``, all or nothing.

    ``folder`` and any missing parents are created (ordinary permissions). Every file is
    written and flushed under its temporary name first; only then are they moved into
    place, in order, the last one last. On any failure the temporaries and the folders
    created here are removed and the error is raised again.
    """
    folder = Path(folder)
    created = _missing(folder)
    staged: list[tuple[Path, Path]] = []
    try:
        for made in created:
            made.mkdir()
        for name, write in writers.items():
            target = folder / name
            tmp = temporary(target)
            staged.append((tmp, target))
            write(tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for made in reversed(created):
            with contextlib.suppress(OSError):  # not empty: someone else wrote there
                made.rmdir()
        raise
    if len(staged) > 1:
        staged[-1][1].unlink(missing_ok=True)
    for tmp, target in staged:
        os.replace(tmp, target)
    _sync_dir(folder)
    return folder


def _missing(folder: Path) -> list[Path]:
    """``folder`` and its parents that do not exist yet, outermost first."""
    out = []
    while not folder.exists() and folder != folder.parent:
        out.append(folder)
        folder = folder.parent
    return out[::-1]


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open folders; os.replace is still atomic there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_writable(path: str | os.PathLike[str], name: str = "out") -> None:
    """Refuse ``path`` if the folder that will take it (the folder itself when it exists,
    else its nearest existing parent) will not take a new entry.

    Tried for real, by creating and removing an empty hidden folder there, since
    permission bits do not tell (root, read-only mounts, /proc).
    """
    import tempfile

    path = Path(path)
    base = path if path.is_dir() else path.parent
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir():
        raise ResultsError(path, f"{base} is not a folder", name=name)
    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".{path.name}{TMP_MARK}probe-", dir=base))
    except OSError as exc:
        raise cannot_write(path, exc, name) from exc


def cannot_write(path: str | os.PathLike[str], exc: OSError, name: str = "out") -> ResultsError:
    """The error for a failed write: the path, the reason, and the input it was given as."""
    return ResultsError(path, f"cannot write there ({exc.strerror or exc})", name=name)
