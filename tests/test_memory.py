"""Memory stays flat over many runs in one process (issue 10; mesa issue #3179)."""

import gc
import resource

import pytest

from stpgame import STPModel


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


@pytest.mark.slow
def test_300_england_runs_grow_memory_by_less_than_60_mb():
    for seed in range(20):  # warm up caches and allocator pools
        STPModel.from_scenario("fortress", seed=seed).run(2)
    gc.collect()
    before = rss_mb()
    for seed in range(300):
        STPModel.from_scenario("fortress", seed=seed).run(2).model_dataframe()
    gc.collect()
    assert rss_mb() - before < 60


def test_a_finished_model_is_not_kept_alive_by_mesa():
    import weakref

    m = STPModel(seed=1, structure="simple", n_footprints=2).run(1)
    ref = weakref.ref(m)
    del m
    gc.collect()
    assert ref() is None
