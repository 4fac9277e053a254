"""Batch experiments for researchers: sweeps, replications, sensitivity analysis, figures.

Python API (the command line calls the same functions)::

    from stpgame.batch import Experiment, summarise
    exp = Experiment.from_toml("experiments/tiny.toml")   # or .from_dict({...}),
    exp.run("results/tiny", workers=2)                     # .from_dataframe(designs, {...})
    table, path = summarise("results/tiny")

Submodules load on first use, so ``import stpgame`` and ``import stpgame.batch``
stay fast; Dask, SALib, matplotlib, tqdm and ema_workbench load only inside the
functions that need them.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "load_experiment": "api",
    "Experiment": "api",
    "ExperimentError": "experiment",
    "rerun": "reproduce",
    "run_seed": "seeds",
    "run_sweep": "sweep",
    "summarise": "summary",
    "plot": "figures",
    "analyse": "sensitivity",
    "discover": "discovery",
    "release_memory": "memory",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"stpgame.batch.{_EXPORTS[name]}"), name)
    raise AttributeError(name)
