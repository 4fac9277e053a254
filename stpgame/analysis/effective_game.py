"""The game underneath the simulation: a 2x2 stage game between two
representative organisations, and the N-player view per organisation type.

**Effective game.** Two representative bodies A and B each have one pound of
pooling room. From the model's expected, discounted returns per pound pooled
(``model.pooling_returns()``: own = g s - c, system = g - c per body):

- c = 1 - transformation rate this year: the net cost of a pooled pound [004];
- g = mean over bodies of (system return + c): gross savings per pooled pound;
- s = mean over bodies of (own return + c) / g: the share of the savings a
  body captures itself (its ``landing`` share, brief mechanism 2);
- w = ``system_weight``: how far each body is judged on the system (0
  fortress, 1 shared control total) [003].

With c_i = 1 if i pools, i's own money result is X_i = -c c_i + g s c_i +
g (1 - s) c_j, the system's is (g - c)(c_i + c_j), and i is judged on
(1 - w) X_i + w (system result) / 2. Hence

    R = g - c,   T = (1 - w) g (1 - s) + w (g - c) / 2,
    S = (1 - w)(g s - c) + w (g - c) / 2,   P = 0.

Left out (see docs/game_theory.md): penalties and bail-outs, the councils'
balanced-budget rule and cuts, risk sharing, the incentive fund, BCF minimum
pooling, outcome scores, savings uncertainty beyond its mean, trust dynamics
and lags beyond their discounting. It describes *this year's* incentives.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stpgame.analysis.stage_game import StageGame
from stpgame.params import ORG_TYPES, ParameterError


def effective_parameters(model, orgs=None) -> dict[str, float]:
    """g, s, cost and w of the effective game for the model's next year (see module doc).

    ``orgs`` (a boolean mask or index array over organisations, e.g.
    ``model.structure.footprint == 0``) averages over those bodies only: the
    mean over a mixed structure can hide that simple footprints face a
    prisoner's dilemma and complex ones do not. Also returns
    ``continuation``: the chance the same two leaders meet again next year,
    valued today, (1 - leadership_turnover) / (1 + discount_rate) -- a new
    leader resets relationships and memory [004], and a year's delay is
    discounted at the Green Book rate -- to compare with the thresholds.
    """
    own, system = model.pooling_returns()
    if orgs is not None:
        own, system = own[orgs], system[orgs]
        if own.size == 0:
            raise ParameterError("orgs", "a selection of at least one organisation", orgs)
    year = model.round + 1
    cost = 1.0 - model.economy.transformation_rate(year)
    gross = system + cost
    has_gain = gross > 0
    capture = np.divide(own + cost, gross, out=np.zeros_like(gross), where=has_gain)
    s = float(capture[has_gain].mean()) if has_gain.any() else 0.0
    return {
        "g": float(gross.mean()),
        "s": s,
        "cost": float(cost),
        "w": float(model.params["system_weight"]),
        "year": year,
        "continuation": (1 - model.params["leadership_turnover"])
        / (1 + model.params["discount_rate"]),
    }


def stage_game_from(g: float, s: float, cost: float, w: float) -> StageGame:
    """The 2x2 game for gross return g, own capture share s, net cost and system weight w."""
    system_half = w * (g - cost) / 2
    return StageGame(
        R=g - cost,
        S=(1 - w) * (g * s - cost) + system_half,
        T=(1 - w) * g * (1 - s) + system_half,
        P=0.0,
    )


def effective_game(model, orgs=None) -> StageGame:
    """The stage game between two representative organisations under the model's current rules
    (averaged over ``orgs`` if given, see ``effective_parameters``)."""
    e = effective_parameters(model, orgs)
    return stage_game_from(e["g"], e["s"], e["cost"], e["w"])


def n_player_view(model) -> pd.DataFrame:
    """Per organisation type: returns per pound pooled and whether withholding is dominant.

    Columns: ``org_type``; ``bodies``; ``own_return`` and ``system_return``
    (mean expected discounted return per £ pooled, net of cost, to the body
    and to its footprint); ``mpcr``, the marginal per-capita return of
    public-goods experiments (gross own return per £, Isaac & Walker 1988);
    ``withholding_dominant_share``, the share of bodies whose judged payoff
    (the model's own ``economy.marginal_payoff``, which blends own and system
    results by ``system_weight``) falls when they pool whatever others do; and
    ``withholding_dominant``, True when that is more than half of them.
    """
    own, system = model.pooling_returns()
    cost = 1.0 - model.economy.transformation_rate(model.round + 1)
    marginal = model.economy.marginal_payoff(model.footprint_trust(), model.round + 1)
    org_type = np.asarray(model.structure.org_type)
    rows = []
    for t, name in enumerate(ORG_TYPES):
        mask = org_type == t
        if not mask.any():
            continue
        share = float((marginal[mask] < 0).mean())
        rows.append(
            {
                "org_type": name,
                "bodies": int(mask.sum()),
                "own_return": float(own[mask].mean()),
                "system_return": float(system[mask].mean()),
                "mpcr": float((own[mask] + cost).mean()),
                "withholding_dominant_share": share,
                "withholding_dominant": share > 0.5,
            }
        )
    return pd.DataFrame(rows)
