"""The N-player linear public-goods game with conditional cooperators.

The STP game is an N-player public-goods game [002]; this helper is its
laboratory form, to check that conditional cooperation behaves as the
experiments found. In each round each of ``group_size`` players keeps
``endowment`` minus what it contributes; contributions are summed and every
member receives ``mpcr`` times the total (marginal per-capita return; the
usual design is groups of 4, 20 tokens, MPCR 0.4: Fehr & Gächter 2000, AER
90:980; Fischbacher, Gächter & Fehr 2001, Econ Lett 71:397).

Player types (Fischbacher, Gächter & Fehr 2001):

- conditional cooperators contribute ``match_rate`` times the mean of the
  other members' contributions in the previous round, plus a small
  individual error. With ``match_rate`` below 1 they are "imperfect"
  conditional cooperators who give slightly less than others, which is what
  drives the decline of contributions (Fischbacher & Gächter 2010, AER
  100:541). In the first round they contribute about half the endowment:
  first-round contributions are typically 40-60% of it (Ledyard 1995,
  Handbook of Experimental Economics, ch. 2).
- free riders contribute nothing.

There is no punishment; with it contributions do not decay (Fehr & Gächter
2000), which this helper does not model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stpgame.analysis.inputs import check_count, check_positive, check_probability
from stpgame.core.params import check_seed


def public_goods_game(
    rounds: int = 10,
    *,
    groups: int = 100,
    group_size: int = 4,
    endowment: float = 20.0,
    mpcr: float = 0.4,
    free_riders: float = 0.0,
    match_rate: float = 0.9,
    first_round: float = 0.5,
    spread: float = 0.1,
    seed: int | None = None,
) -> pd.DataFrame:
    """Play ``groups`` independent groups for ``rounds`` rounds; one row per round.

    ``free_riders``: chance each player is a free rider (the rest are
    conditional cooperators); ``first_round``: conditional cooperators' mean
    first contribution as a share of the endowment; ``spread``: sd of the
    individual error, as a share of the endowment (contributions are kept in
    [0, endowment]). Columns: ``round``, ``mean_contribution``,
    ``share_of_endowment`` (all players), ``conditional_share`` (conditional
    cooperators only) and ``mean_earnings``.
    """
    rounds = check_count(rounds, "rounds", 10_000)
    groups = check_count(groups, "groups", 1_000_000)
    group_size = check_count(group_size, "group_size", 10_000, low=2)
    endowment = check_positive(endowment, "endowment")
    mpcr = check_positive(mpcr, "mpcr", 100.0)
    free_riders = check_probability(free_riders, "free_riders")
    match_rate = check_positive(match_rate, "match_rate", 10.0)
    first_round = check_probability(first_round, "first_round")
    spread = check_probability(spread, "spread")
    rng = np.random.default_rng(check_seed(seed))

    shape = (groups, group_size)
    conditional = rng.random(shape) >= free_riders
    c = np.clip(rng.normal(first_round, spread, shape), 0.0, 1.0) * endowment
    rows = []
    for r in range(1, rounds + 1):
        if r > 1:
            others = (c.sum(axis=1, keepdims=True) - c) / (group_size - 1)
            error = rng.normal(0.0, spread, shape) * endowment
            c = np.clip(match_rate * others + error, 0.0, endowment)
        c = np.where(conditional, c, 0.0)
        earnings = endowment - c + mpcr * c.sum(axis=1, keepdims=True)
        rows.append(
            {
                "round": r,
                "mean_contribution": float(c.mean()),
                "share_of_endowment": float(c.mean() / endowment),
                "conditional_share": float(c[conditional].mean() / endowment)
                if conditional.any()
                else 0.0,
                "mean_earnings": float(earnings.mean()),
            }
        )
    return pd.DataFrame(rows)
