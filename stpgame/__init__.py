"""stpgame: health and social care integration in England as a repeated public-goods game.

Public API::

    from stpgame import STPModel
    model = STPModel.from_scenario("fortress", seed=1).run(40)
    model.model_dataframe(), model.org_dataframe()

Heavy parts (Mesa, pandas) load on first use so ``import stpgame`` stays fast.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["ParameterError", "STPModel", "__version__", "scenarios"]


def __getattr__(name: str):
    if name == "STPModel":
        from stpgame.core.model import STPModel

        return STPModel
    if name == "ParameterError":
        from stpgame.core.params import ParameterError

        return ParameterError
    if name == "scenarios":
        import importlib

        return importlib.import_module("stpgame.core.scenarios")
    raise AttributeError(name)
