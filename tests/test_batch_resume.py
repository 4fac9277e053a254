"""A sweep killed with SIGKILL mid-run loses no finished run, leaves no corrupt file, and resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from sweep_process import start_sweep, wait_for_parts

from stpgame.batch.storage import PART_NAME
from stpgame.cli import main

# Real sweeps killed and resumed in subprocesses: 6-14 s each.
pytestmark = pytest.mark.slow

EXPERIMENT = """
[experiment]
scenario = "fortress"
rounds = 25
replications = 40
base_seed = 11

[fixed]
structure = "mixed"

[outputs]
model = ["cooperation_rate", "collective_welfare", "mean_individual_score"]
by_type = ["balance"]
series = ["type"]
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigkill_mid_sweep_then_resume_equals_an_uninterrupted_run(tmp_path, capsys, workers):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT)
    out = tmp_path / "killed"
    proc = start_sweep(
        [str(path), "--out", str(out), "--workers", workers, "--chunk", "1", "--quiet"]
    )
    wait_for_parts(proc, out, 1)
    parts = out / "parts"
    children = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()

    # Nothing final, nothing corrupt: every visible part file is complete Parquet.
    assert not (out / "manifest.json").exists() and not (out / "rounds.parquet").exists()
    finished = [p for p in parts.iterdir() if PART_NAME.match(p.name)]
    assert finished and len(finished) < 40
    for part in finished:
        table = pq.read_table(part).to_pandas()
        first, last = (int(g) for g in PART_NAME.match(part.name).groups())
        assert sorted(table["run"].unique()) == list(range(first, last + 1))
        assert len(table) == 26 * (last - first + 1)  # years 0 to 25
    # Pool workers notice their parent died and exit on their own.
    stop = time.monotonic() + 20
    while any(_alive(pid) for pid in children) and time.monotonic() < stop:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)

    # The same command again skips the finished runs and completes the sweep.
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    printed = capsys.readouterr().out
    runs_done = sum(
        int(m.group(2)) - int(m.group(1)) + 1 for m in (PART_NAME.match(p.name) for p in finished)
    )  # the estimate's warm runs are one part of several runs
    assert f"({runs_done} already finished)" in printed
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]

    reference = tmp_path / "uninterrupted"
    assert main(["sweep", str(path), "--out", str(reference), "--workers", "1", "--quiet"]) == 0
    for name in ("rounds.parquet", "runs.parquet", "types.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / name), pd.read_parquet(reference / name)
        )


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc; empty elsewhere)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM to a process group is POSIX")
@pytest.mark.parametrize("target", ["parent", "process_group"])
def test_sigterm_says_how_to_resume_and_the_resumed_files_are_byte_identical(
    tmp_path, capsys, target
):
    """``kill PID`` reaches the sweep alone; SLURM's end of a job reaches every process of
    it (here: the whole process group, pool workers included)."""
    import shlex

    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT)
    out = tmp_path / "stopped"
    args = ["sweep", str(path), "--out", str(out), "--workers", "2", "--chunk", "1"]
    proc = start_sweep(args[1:], start_new_session=True)
    wait_for_parts(proc, out, 3)
    children = _children(proc.pid)
    if target == "parent":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    command = shlex.join(["stpgame", *args])
    assert err.endswith(
        f"finished runs are kept in {out}; to resume, run the same command again:\n"
        f"  {command}\nterminated (SIGTERM)\n"
    ), err
    stop = time.monotonic() + 20
    while any(_alive(pid) for pid in children) and time.monotonic() < stop:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)
    finished = [p for p in (out / "parts").iterdir() if PART_NAME.match(p.name)]
    assert 3 <= len(finished) < 40 and not (out / "manifest.json").exists()
    for part in finished:
        first, last = (int(g) for g in PART_NAME.match(part.name).groups())
        assert sorted(pq.read_table(part).column("run").to_pylist()) == [
            r
            for r in range(first, last + 1)
            for _ in range(26)  # years 0 to 25
        ]

    resumed = subprocess.run(
        [sys.executable, "-m", "stpgame", *shlex.split(command)[1:]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    runs_done = sum(
        int(m.group(2)) - int(m.group(1)) + 1 for m in (PART_NAME.match(p.name) for p in finished)
    )  # the estimate's warm runs are one part of several runs
    assert f"({runs_done} already finished)" in resumed.stdout
    reference = tmp_path / "uninterrupted"
    assert main(["sweep", str(path), "--out", str(reference), "--workers", "1", "--quiet"]) == 0
    for name in ("rounds.parquet", "runs.parquet"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def _pool_workers(pid: int) -> list[int]:
    """The pool processes among ``pid``'s children (not multiprocessing's resource tracker)."""
    found = []
    for child in _children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(child)
    return found


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="finds the workers in Linux /proc")
def test_a_worker_killed_by_the_system_is_one_line_and_the_sweep_resumes(tmp_path, capsys):
    """The out-of-memory killer (or a user) takes one pool process: the sweep says so in
    one line and exits 2; what was finished is kept and the same command completes it."""
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT)
    out = tmp_path / "broken"
    args = ["sweep", str(path), "--out", str(out), "--workers", "2", "--chunk", "1", "--quiet"]
    proc = start_sweep(args[1:])
    wait_for_parts(proc, out, 3)
    workers = _pool_workers(proc.pid)
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert err == (
        "stpgame sweep: error: --workers: a worker process stopped before finishing its runs "
        "(killed, or out of memory?); finished runs are kept: run the same command again to "
        "resume\n"
    )
    assert main(args) == 0
    reference = tmp_path / "uninterrupted"
    assert main(["sweep", str(path), "--out", str(reference), "--workers", "1", "--quiet"]) == 0
    for name in ("rounds.parquet", "runs.parquet"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
