"""The same sweep on a real Dask cluster (scheduler + worker process on 127.0.0.1) gives identical results."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sweep_process import start_sweep, wait_for_parts

from stpgame.cli import main
from stpgame.errors import UnavailableError

# Starts a local Dask cluster: ~6 s.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "experiments" / "tiny.toml"


def test_dask_cluster_gives_the_same_results_as_the_local_pool(tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    local = tmp_path / "local"
    assert main(["sweep", str(TINY), "--out", str(local), "--workers", "1", "--quiet"]) == 0
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        out = tmp_path / "dask"
        args = ["sweep", str(TINY), "--out", str(out), "--scheduler", cluster.scheduler_address]
        assert main([*args, "--chunk", "5", "--quiet"]) == 0
        assert "Dask at tcp://127.0.0.1" in capsys.readouterr().out
    for name in ("rounds.parquet", "runs.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(local / name), pd.read_parquet(out / name))
    manifest = (out / "manifest.json").read_text()
    assert '"engine": "dask"' in manifest


def test_unreachable_scheduler_is_a_clear_error():
    pytest.importorskip("distributed")
    from stpgame.batch.runner import DaskEngine

    with pytest.raises(UnavailableError, match="cannot connect to a Dask scheduler") as err:
        DaskEngine("tcp://127.0.0.1:9", timeout=0.5)
    assert err.value.what == "scheduler"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_scheduler_that_does_not_answer_is_one_line_and_nothing_written(
    tmp_path, capsys, monkeypatch
):
    pytest.importorskip("distributed")
    monkeypatch.setattr("stpgame.batch.runner.CONNECT_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{_free_port()}"
    out = tmp_path / "results"
    assert main(["sweep", str(TINY), "--out", str(out), "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"stpgame sweep: error: --scheduler: cannot connect to a Dask scheduler at {address} ("
    )
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_stranger_at_the_scheduler_address_is_one_line_from_a_real_process(tmp_path):
    """Something that is not Dask answers (here a web server's reply): no traceback, no
    'Exception ignored' from the half-made client at exit, nothing written."""
    import socket
    import subprocess
    import sys
    import threading

    pytest.importorskip("distributed")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = server.getsockname()[1]

    def answer():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" * 4)

    threading.Thread(target=answer, daemon=True).start()
    out = tmp_path / "results"
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "stpgame",
                "sweep",
                str(TINY),
                "--out",
                str(out),
                "--scheduler",
                f"tcp://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.close()
    assert done.returncode == 2
    assert done.stderr == (
        f"stpgame sweep: error: --scheduler: cannot connect to a Dask scheduler at "
        f"tcp://127.0.0.1:{port} (what answers there is not a Dask scheduler)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_scheduler_lost_mid_sweep_is_one_line_and_the_sweep_resumes(tmp_path, capsys):
    """The scheduler dies (its node fails, its job ends): the sweep says so in one line and
    exits 2, with no traceback from Dask's reconnection attempts; the same command, here on
    the local pool, completes it."""
    import signal
    import subprocess
    import sys

    pytest.importorskip("distributed")
    dask = Path(sys.executable).parent / "dask"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        **quiet,
    )
    worker = subprocess.Popen(
        [str(dask), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
        **quiet,
    )
    path = tmp_path / "exp.toml"
    path.write_text(
        "[experiment]\nscenario = 'fortress'\nrounds = 10\nreplications = 30\nbase_seed = 3\n"
        "[fixed]\nstructure = 'mixed'\n"
    )
    out = tmp_path / "lost"
    try:
        proc = start_sweep(
            [str(path), "--out", str(out), "--scheduler", address, "--chunk", "1", "--quiet"]
        )
        wait_for_parts(proc, out, 4)
        scheduler.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
    finally:
        for p in (scheduler, worker):
            p.kill()
            p.wait()
    assert proc.returncode == 2
    assert err == (
        "stpgame sweep: error: --scheduler: lost the connection to the Dask scheduler at "
        f"{address}; finished runs are kept: run the same command again to resume\n"
    )
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert "already finished" in capsys.readouterr().out
