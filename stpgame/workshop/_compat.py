"""The few places where the workshop touches the model beyond its stable public API.

Kept in one module so that when the model changes (typed ``Params``,
``STPModel.change_rules``, ``STPModel.close``) only this file needs a look.
"""

from __future__ import annotations

from collections.abc import Mapping


def param(model_or_params, name: str):
    """One parameter's value, whether ``params`` is a mapping or an object with attributes."""
    params = getattr(model_or_params, "params", model_or_params)
    if isinstance(params, Mapping):
        return params[name]
    return getattr(params, name)


def _change_rules(model, **params) -> None:
    """Change rules mid-game, keeping the year, money, trust and memory.

    Uses ``STPModel.change_rules`` (validates, refuses structure changes). A
    model without it cannot change rules without starting again, which a
    workshop must not do, so this refuses instead of resetting.
    """
    method = getattr(model, "change_rules", None)
    if method is None:
        raise NotImplementedError(
            "changing the rules mid-game needs STPModel.change_rules, which this version "
            "of the model does not have yet"
        )
    method(**params)


def can_change_rules(model) -> bool:
    return callable(getattr(model, "change_rules", None))


def release(model) -> None:
    """Let a finished model be freed: Mesa 3.3.1 keeps every model alive in ``Agent._ids``."""
    close = getattr(model, "close", None)
    if callable(close):
        close()
        return
    import mesa

    mesa.Agent._ids.pop(model, None)
