"""The benchmark scripts share one timing helper and start when run as scripts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_best_of_returns_best_and_median(monkeypatch):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from _timing import best_of
    finally:
        sys.path.remove(str(BENCHMARKS))
    clock = iter([0.0, 3.0, 10.0, 11.0, 20.0, 22.0])  # calls take 3, 1 and 2 s
    monkeypatch.setattr("time.perf_counter", lambda: next(clock))
    calls = []
    assert best_of(lambda: calls.append(1), 3) == (1.0, 2.0)
    assert len(calls) == 3


@pytest.mark.parametrize("script", ["bench_model.py", "bench_tournament.py"])
def test_scripts_find_the_shared_helper_when_run_as_scripts(script, tmp_path):
    text = (BENCHMARKS / script).read_text()
    assert "from _timing import best_of" in text and "def best_of" not in text
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--help"],
        cwd=tmp_path,  # not the project folder: the import must not depend on it
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "--repeats" in done.stdout
