"""docs/experiments.md matches the code it describes (issue 20, item 7)."""

from __future__ import annotations

import re
from pathlib import Path

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
