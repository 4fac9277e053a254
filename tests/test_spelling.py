"""Spelling in the code, comments and docs (codespell; words it must not flag are in
pyproject.toml's [tool.codespell])."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from codespell_lib import main as codespell

ROOT = Path(__file__).parent.parent
CHECKED = [
    "stpgame",
    "tests",
    "docs",
    "scripts",
    "benchmarks",
    "experiments",
    "README.md",
    "CHANGELOG.md",
    "app.py",
]


def _misspelt(*paths: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        codespell("--toml", str(ROOT / "pyproject.toml"), *paths)
    return out.getvalue()


def test_code_comments_and_docs_are_spelt_right() -> None:
    found = _misspelt(*(str(ROOT / p) for p in CHECKED if (ROOT / p).exists()))
    assert not found, "misspellings (fix them, or add a real word to [tool.codespell]):\n" + found


def test_the_check_finds_a_misspelling(tmp_path: Path) -> None:
    wrong = "rec" + "ieved"  # built here, so this file itself passes the check
    sample = tmp_path / "sample.py"
    sample.write_text(f"# the organisation {wrong} its allocation\n")
    assert wrong in _misspelt(str(sample))
