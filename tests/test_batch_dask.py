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
