"""The same sweep on a real Dask cluster (scheduler + worker process on 127.0.0.1) gives identical results."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

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
