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
from stpgame.core import regulation
from stpgame.core.params import ORG_TYPES, ParameterError


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


def critical_system_weight(model, orgs=None) -> float | None:
    """The lowest ``system_weight`` at which pooling becomes each body's best move.

    Pooling is dominant when S >= P = 0, i.e. (1 - w)(g s - c) + w (g - c)/2 >= 0,
    so w* = (c - g s) / ((c - g s) + (g - c)/2). 0 when a body gains from pooling
    even judged alone (g s >= c); None when pooling loses the system money
    (g <= c), so no way of judging makes it worthwhile.
    """
    e = effective_parameters(model, orgs)
    own_loss = e["cost"] - e["g"] * e["s"]
    system_half = (e["g"] - e["cost"]) / 2
    if own_loss <= 0:
        return 0.0
    if system_half <= 0:
        return None
    return own_loss / (own_loss + system_half)


def body_critical_weights(model) -> np.ndarray:
    """Per body, the lowest ``system_weight`` at which pooling raises its judged payoff.

    The regulator's blend (``regulation.judged``) of the body's own return per £
    of its budget and the footprint's return per £ of the footprint's budget is
    linear in w: a at w = 0, b at w = 1, so it turns positive at a / (a - b).
    0 if pooling already pays the body alone; inf if it never pays (b <= 0).
    A body carries only its budget share of the footprint's result, so in big
    footprints this is higher than the 2x2 game's ``critical_system_weight``.
    """
    own, system = model.pooling_returns()
    e = model.economy
    fp_budget = e.fp_budget[model.structure.footprint]
    alone = regulation.judged(own, system, e.budget, fp_budget, 0.0)
    shared = regulation.judged(own, system, e.budget, fp_budget, 1.0)
    crossing = np.divide(alone, alone - shared, out=np.full_like(alone, np.inf), where=shared > 0)
    return np.where(alone >= 0, 0.0, np.where(shared > 0, crossing, np.inf))


def n_player_view(model) -> pd.DataFrame:
    """Per organisation type: returns per pound pooled and whether withholding is dominant.

    Columns: ``org_type``; ``bodies``; ``own_return`` and ``system_return``
    (mean expected discounted return per £ pooled, net of cost, to the body
    and to its footprint); ``mpcr``, the marginal per-capita return of
    public-goods experiments (gross own return per £, Isaac & Walker 1988);
    ``withholding_dominant_share``, the share of bodies whose judged payoff
    (the model's own ``economy.marginal_payoff``, which blends own and system
    results by ``system_weight``) falls when they pool whatever others do; and
    ``withholding_dominant``, True when that is more than half of them;
    ``critical_system_weight``, the median over the type's bodies of the
    system weight at which pooling starts to pay them (``body_critical_weights``;
    inf when it never does).
    """
    own, system = model.pooling_returns()
    cost = 1.0 - model.economy.transformation_rate(model.round + 1)
    marginal = model.economy.marginal_payoff(model.footprint_trust(), model.round + 1)
    critical = body_critical_weights(model)
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
                "critical_system_weight": float(np.median(critical[mask])),
            }
        )
    return pd.DataFrame(rows)
