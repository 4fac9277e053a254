"""A ``stpgame sweep`` in its own process, for the tests that stop one part-way."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from stpgame.batch.storage import PART_NAME


def start_sweep(args: list[str], **popen: object) -> subprocess.Popen:
    """``python -m stpgame sweep ARGS`` with stdout dropped and stderr kept as text."""
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "stpgame", "sweep", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def wait_for_parts(proc: subprocess.Popen, out: Path, count: int, timeout: float = 120) -> None:
    """Wait until the sweep writing to ``out`` has ``count`` part files, failing the test
    with its error output if it exits first or nothing appears in ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    parts = out / "parts"
    while not (
        parts.is_dir() and len([p for p in parts.iterdir() if PART_NAME.match(p.name)]) >= count
    ):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "no part file appeared"
        time.sleep(0.01)
