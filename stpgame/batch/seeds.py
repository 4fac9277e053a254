"""One seed per run, from the experiment's base seed and the run's index only.

Deriving each seed with NumPy's ``SeedSequence([base_seed, index])`` (rather than
drawing seeds from a generator in the order runs happen to start) makes every
run's result independent of the number of workers, the engine (local pool or
Dask) and of which runs were already finished before a resume; SeedSequence
hashing also keeps neighbouring indices' streams statistically independent
(O'Neill 2015, PCG; NumPy "Parallel random number generation" docs).
"""

from __future__ import annotations

import numpy as np

RULE = "numpy.random.SeedSequence([base_seed, run]).generate_state(1)[0]"


def run_seed(base_seed: int, index: int) -> int:
    """The seed of run ``index`` of an experiment whose base seed is ``base_seed``."""
    return int(np.random.SeedSequence([int(base_seed), int(index)]).generate_state(1)[0])


def run_seeds(base_seed: int, count: int) -> np.ndarray:
    """Seeds of runs ``0 .. count-1`` (int64 array)."""
    return np.array([run_seed(base_seed, i) for i in range(count)], dtype=np.int64)
