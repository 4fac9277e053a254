"""docs/experiments.md matches the code it describes (issue 20, item 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stpgame.batch.experiment import load_experiment

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "experiments.md"


def _shipped_table() -> dict[str, int]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### Shipped experiments", 1)[1].split("\n\n", 2)[1]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\| `([\w.]+\.toml)` \| .* \| ([\d,]+) \|$", line)
        if m:
            rows[m.group(1)] = int(m.group(2).replace(",", ""))
    return rows


def test_the_shipped_experiments_table_lists_every_file_with_its_runs():
    table = _shipped_table()
    files = sorted(p.name for p in (ROOT / "experiments").glob("*.toml"))
    assert sorted(table) == files
    for name, runs in table.items():
        assert load_experiment(ROOT / "experiments" / name).n_runs == runs, name


@pytest.mark.slow  # the guide's sweeps, sensitivity and discovery: minutes
def test_every_marked_command_prints_what_the_guide_quotes():
    """The blocks marked ``<!-- refresh: run -->`` are run as quoted (times masked); after a
    model change, ``python docs/examples/refresh_quoted.py --write`` rewrites them."""
    import subprocess
    import sys

    if not any("refresh: run" in line for line in DOC.read_text().splitlines()):
        pytest.fail("no block of docs/experiments.md is marked to run")
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "examples" / "refresh_quoted.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
