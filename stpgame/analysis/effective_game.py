"""The game underneath the simulation: a 2x2 stage game between two
representative organisations, and the N-player view per organisation type.

**Effective game.** For the model's next year (shocks at their means, trust as it is
now), the model replays each body's footprint four ways (counterfactuals.py): every body
pooling, every body withholding, and each of those with the body's own move flipped. A
body's appraised payoff (its judged result on the accrual basis, with every rule in force:
control totals and their thresholds, sustainability money, the incentive fund, penalties,
bail-outs, council cuts, risk and gain sharing, outcome scores) gives

    R = everyone pools,          T = it withholds while the others pool,
    S = it pools while the others withhold,   P = everyone withholds,

averaged over the selected bodies and shown relative to P, in % of the body's income.
Nothing is left out, and nothing is a separate formula: this is the same arithmetic the
learners learn from. It describes *this year's* incentives; thresholds make it a stag
hunt (assurance game) where meeting a shared target needs everyone's pooling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stpgame.analysis.stage_game import StageGame
from stpgame.core.economy import YearDraws
from stpgame.core.params import ORG_TYPES, ParameterError


def _profiles(model) -> dict[str, np.ndarray]:
    """Per body: appraised payoff (% of income) in the four profiles of the module doc."""
    s = model.structure
    draws = YearDraws(
        model.round + 1, np.ones(s.n_footprints), np.zeros(s.n), model.footprint_trust()
    )
    cf = model.counterfactuals
    rates = model.year_end_rates()
    all_pool = cf.appraise(np.ones(s.n), draws, year_end_rates=rates)
    none = cf.appraise(np.zeros(s.n), draws, year_end_rates=rates)
    return {
        "R": 100 * all_pool.payoff,
        "T": 100 * all_pool.foregone,
        "P": 100 * none.payoff,
        "S": 100 * none.foregone,
    }


def _select(values: np.ndarray, orgs) -> np.ndarray:
    if orgs is None:
        return values
    picked = values[orgs]
    if picked.size == 0:
        raise ParameterError("orgs", "a selection of at least one organisation", orgs)
    return picked


def effective_parameters(model, orgs=None) -> dict[str, float]:
    """R, S, T, P of the effective game (mean over ``orgs``, relative to P) and more.

    ``orgs`` (a boolean mask or index array over organisations, e.g.
    ``model.structure.footprint == 0``) averages over those bodies only: the mean over a
    mixed structure can hide that simple and complex footprints face different games.
    Also returns ``continuation``: the chance the same two leaders meet again next year,
    valued today, (1 - leadership_turnover) / (1 + discount_rate) -- a new leader loses
    relationships and memory [004] -- to compare with the thresholds.
    """
    prof = {k: _select(v, orgs) for k, v in _profiles(model).items()}
    p = model.params
    base = prof["P"]
    out = {k: float(np.mean(v - base)) for k, v in prof.items()}
    out["year"] = model.round + 1
    out["continuation"] = (1 - p.leadership_turnover) / (1 + p.discount_rate)
    return out


def effective_game(model, orgs=None) -> StageGame:
    """The stage game between two representative organisations under the model's current rules
    (averaged over ``orgs`` if given, see ``effective_parameters``)."""
    return _game(effective_parameters(model, orgs))


def _game(e: dict[str, float]) -> StageGame:
    """The stage game of ``effective_parameters``' R, S, T, P."""
    return StageGame(R=e["R"], S=e["S"], T=e["T"], P=e["P"])


def n_player_view(model) -> pd.DataFrame:
    """Per organisation type: what pooling a pound returns, and whether withholding dominates.

    Columns: ``org_type``; ``bodies``; ``own_return`` and ``system_return`` (mean change in
    the body's own result and in its footprint's welfare per £ pooled rather than kept,
    next year, others repeating their last moves: ``model.pooling_returns()``); ``mpcr``,
    the marginal per-capita return of public-goods experiments (gross own return per £,
    Isaac & Walker 1988); ``withholding_dominant_share``, the share of bodies whose appraised
    payoff never rises when they pool, whether every partner pools or none does, and falls
    in at least one of the two, among the bodies for which pooling changes anything
    (``can_pool_share``: a council that cannot afford to pool is not counted);
    ``withholding_dominant``, True when that is more than half of them.
    """
    own, system = model.pooling_returns()
    prof = _profiles(model)
    # changes smaller than 1e-9 % of income are rounding between replayed copies
    gain_all, gain_none = prof["R"] - prof["T"], prof["S"] - prof["P"]
    moves = (np.abs(gain_all) > 1e-9) | (np.abs(gain_none) > 1e-9)
    dominated = moves & (gain_all <= 1e-9) & (gain_none <= 1e-9)
    org_type = np.asarray(model.structure.org_type)
    rows = []
    for t, name in enumerate(ORG_TYPES):
        mask = org_type == t
        if not mask.any():
            continue
        free = mask & moves  # its own move changes something for it
        share = float(dominated[free].mean()) if free.any() else float("nan")
        rows.append(
            {
                "org_type": name,
                "bodies": int(mask.sum()),
                "own_return": float(np.nanmean(own[mask]))
                if np.isfinite(own[mask]).any()
                else float("nan"),
                "system_return": float(np.nanmean(system[mask]))
                if np.isfinite(system[mask]).any()
                else float("nan"),
                "mpcr": float(np.nanmean(own[mask]) + 1.0)
                if np.isfinite(own[mask]).any()
                else float("nan"),
                "can_pool_share": float(free.sum() / mask.sum()),
                "withholding_dominant_share": share,
                "withholding_dominant": share > 0.5,
            }
        )
    return pd.DataFrame(rows)


def compare_games(models: dict[str, object]) -> pd.DataFrame:
    """The effective game of each of several models (same places, seed and years played,
    one rule changed), one row each: the rule's value, R, S, T, P, the game's type, what a
    pooled pound returns to each kind of body's own result, and the share of bodies for
    which withholding dominates. Built from the same replays as ``effective_game`` and
    ``n_player_view``, so the difference between rows is the rule's, not the draws' (issue
    22: the game each regime creates)."""
    from stpgame.analysis.stage_game import classify

    rows = []
    for value, model in models.items():
        e = effective_parameters(model)
        view = n_player_view(model)
        row: dict[str, object] = {"value": value}
        row |= {k: e[k] for k in ("R", "S", "T", "P")}
        row["game"] = classify(_game(e))
        for r in view.itertuples():
            row[f"own_return_{r.org_type}"] = r.own_return
        can = view["can_pool_share"] * view["bodies"]
        dominated = (view["withholding_dominant_share"].fillna(0.0) * can).sum()
        row["withholding_dominant_share"] = float(dominated / can.sum()) if can.sum() else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
