"""The worked research workflow in docs/examples runs as a researcher would run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


@pytest.mark.slow
def test_research_workflow_runs_on_dask_and_finds_a_box(tmp_path):
    out = tmp_path / "workflow"
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "research_workflow.py"), "--quick", "--out", str(out)],
        cwd=tmp_path,  # not the examples folder: the script finds its outcomes module itself
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    said = done.stdout
    assert "ran 48 runs" in said and "on a local Dask cluster" in said
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 48
    assert runs["council_cuts_share"].between(0, 1).all()
    assert runs["never_pooled"].between(0, 1).all()
    manifest = (out / "manifest.json").read_text()
    assert "stp_outcomes:council_services_cut" in manifest and "dask" in manifest.lower()
    assert said.count("Cases of interest: runs whose Council services cut is above") == 2
    assert len(list((out / "discovery").iterdir())) == 1  # both questions, one folder
