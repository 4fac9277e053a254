"""Notebooks, where researchers and students work (issue 20, item 8).

- docs/examples/research_notebook.ipynb runs cell by cell in a real Jupyter kernel
  (ipykernel through jupyter_client, which the app's dependencies already bring; nbclient
  is not needed for this), every cell without an error, and shows its figures inline;
- custom outcomes defined in the running script (``__main__``, as a notebook cell is) run
  on a pool of worker processes, and ``stpgame rerun`` reproduces the sweep from the
  manifest alone.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "examples" / "research_notebook.ipynb"
CELL_TIMEOUT = 900  # s: a loaded 2-core machine

pytestmark = pytest.mark.slow  # a kernel, a sweep on two workers, figures: a minute or more


def execute(path: Path, tmp: Path) -> list[dict]:
    """Run every code cell of the notebook at ``path`` in a fresh python3 kernel (with this
    checkout first on its path, its temporary files under ``tmp``) and return each cell's
    outputs; an error in a cell fails."""
    from jupyter_client.manager import start_new_kernel

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "TMPDIR": str(tmp),
    }
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(path.parent), env=env)
    outputs = []
    try:
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            msg_id = client.execute(source)
            found = []
            while True:
                try:
                    msg = client.get_iopub_msg(timeout=CELL_TIMEOUT)
                except queue.Empty:
                    pytest.fail(f"cell timed out:\n{source}")
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "error":
                    pytest.fail(f"cell failed:\n{source}\n{content['ename']}: {content['evalue']}")
                if kind in ("stream", "display_data", "execute_result"):
                    found.append({"type": kind, **content})
                if kind == "status" and content["execution_state"] == "idle":
                    break
            outputs.append(found)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return outputs


def test_the_worked_notebook_runs_and_shows_its_figures_inline(tmp_path):
    outputs = execute(NOTEBOOK, tmp_path)
    text = "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "")
        for cell in outputs
        for o in cell
    )
    images = sum("image/png" in o.get("data", {}) for cell in outputs for o in cell)
    assert "18 runs with 2 local workers" in text
    assert "Cases of interest: runs whose Collective welfare" in text
    assert "t, logit scale" in text  # the summary table's cooperation rows
    assert images >= 4  # two sweep figures, the model's charts, the network


def test_outcomes_of_the_running_script_run_on_workers_and_rerun_from_the_manifest(tmp_path):
    script = tmp_path / "study.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys
            from stpgame.batch import Experiment
            from stpgame.batch.view import view

            def councils(model):
                v = view(model)
                return float(v.cumulative_balance[v.is_type("council")].sum())

            spec = {
                "experiment": {"rounds": 2, "replications": 2, "base_seed": 1,
                               "scenario": "fortress"},
                "fixed": {"structure": "simple", "n_footprints": 2},
                "vary": {"design": "grid", "system_weight": [0.0, 1.0]},
                "outputs": {"model": ["cooperation_rate"]},
                "outcomes": {"councils": {"function": councils, "per": "run"}},
            }
            if __name__ == "__main__":
                Experiment.from_dict(spec, name="study").run(sys.argv[1], workers=2, quiet=True)
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(script), str(out)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    outcome = manifest["experiment"]["outcomes"]["councils"]
    assert outcome["function"].startswith("cloudpickle:")
    assert outcome["source"].startswith("def councils(model):")
    script.unlink()  # rerun needs the manifest, not the script
    again = subprocess.run(
        [sys.executable, "-m", "stpgame", "rerun", str(out), "--workers", "2", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "identical: rounds.parquet, runs.parquet" in again.stdout
