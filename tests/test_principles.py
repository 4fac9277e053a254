"""Principles every honest version of the model must satisfy (issue 8), over seeds.

Learners only (reinforcement and imitation), no leadership turnover and no mistakes, so
what the bodies do comes from what they experience and nothing else. "Intent" is the share
of bodies that meant to pool (a council may mean to and be unable to afford it).
"""

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

from stpgame import STPModel
from stpgame.core.economy import YearDraws
from stpgame.core.network import Relationships
from stpgame.core.structure import build

SEEDS = range(4)
TYPES = ("acute", "community", "ccg", "council")


def learners(mix: str) -> dict[str, str]:
    return {f"strategy_{t}": mix for t in TYPES}


LEARNERS = learners("reinforcement:0.5,imitation:0.5")
CALM = {"leadership_turnover": 0.0, "noise": 0.0, **LEARNERS}


def intent(seed: int, years: int = 25, **kw) -> float:
    """Share of bodies meaning to pool over the last 10 years."""
    m = STPModel(seed=seed, **{**CALM, **kw}).run(years)
    orgs = m.org_dataframe()
    return float((orgs.loc[orgs["round"] > years - 10, "level"] >= 0.5).mean())


RULES = [
    {"control_total": "individual", "system_weight": 0.0},
    {"control_total": "system", "system_weight": 0.0},
    {"control_total": "none", "system_weight": 1.0, "risk_share": 0.5},
]


@pytest.mark.slow
@pytest.mark.parametrize("rules", RULES, ids=lambda r: r["control_total"])
def test_when_pooling_pays_a_body_on_its_own_books_learners_pool(rules):
    """Transformation money repays every pooled pound and savings land on top: pooling
    pays each body itself, so most learners come to pool whatever the regulator does, far
    more than where pooling pays nobody. (Quantal response keeps some choosing less.)"""
    pays = {"transformation_fund": 1.0, "transformation_years": 100, **rules}
    shares = np.array([intent(s, **pays) for s in SEEDS])
    nobody = np.array([intent(s, savings_multiplier=0.0, **rules) for s in SEEDS])
    assert shares.mean() > 0.5 and (shares > nobody).all(), (shares, nobody)
    assert (shares - nobody).mean() > 0.2, (shares, nobody)


@pytest.mark.slow
@pytest.mark.parametrize("rules", RULES, ids=lambda r: r["control_total"])
def test_when_pooling_pays_nobody_no_rule_makes_learners_pool(rules):
    """Pooled money saves nothing: no control total, blend or risk sharing makes learners
    pool beyond the noise of quantal response at their own stakes (at most 3 points above
    the noise rate, experiments/decisions.py; learning takes them below it). Where a body
    is judged on its footprint, its own
    choice barely moves its score (it bears its budget share of the loss), so that noise is
    large: indifference, not an incentive to pool."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
    import decisions

    for seed in SEEDS[:2]:
        pooled, noise = decisions.noise_rate(
            seed, scenario=None, years=25, outcome_weight=0.5, **{**CALM, **rules}
        )
        assert pooled <= noise + 0.03, (pooled, noise)


@pytest.mark.slow
def test_a_reward_worth_more_than_pooling_costs_raises_pooling():
    """An incentive fund paid in proportion to what each body pools (no threshold) is worth
    more to a pooling body than its pound costs: pooling rises, seed by seed."""
    without = np.array([intent(s) for s in SEEDS])
    reward = np.array([intent(s, incentive_fund=0.05, incentive_threshold=0.0) for s in SEEDS])
    assert (reward > without + 0.3).all(), (without, reward)


def test_mutual_withholding_never_builds_trust():
    """On every link where neither partner pooled, trust does not rise (and fades)."""
    rng = np.random.default_rng(0)
    rel = Relationships(build("complex", 2), rng)
    rel.trust = rng.random(len(rel.trust))
    before = rel.trust.copy()
    willing = rng.random(rel.n) < 0.5
    rel.update(willing, 0.3, 0.3, 0.05, 0.3)
    neither = ~willing[rel.i] & ~willing[rel.j]
    both = willing[rel.i] & willing[rel.j]
    assert neither.any() and both.any()
    assert (rel.trust[neither] < before[neither]).all()
    assert (rel.trust[both] >= before[both]).all()


def test_always_defecting_bodies_never_gain_trust():
    m = STPModel(seed=2, structure="complex", n_footprints=2, **learners("always_defect"))
    trust = [m.relationships.trust.mean()]
    for _ in range(6):
        m.step()
        trust.append(m.relationships.trust.mean())
    assert all(b <= a for a, b in itertools.pairwise(trust))
    assert trust[-1] < trust[0]


def test_the_foregone_payoff_is_what_the_other_move_would_have_earned():
    """Replay check: body k's foregone payoff equals its appraised payoff in a second model,
    same seed, in which k actually made the other move (everything else identical)."""
    kw = {"structure": "mixed", "n_footprints": 2, "control_total": "system", **LEARNERS}
    a = STPModel(seed=5, **kw).run(4)
    levels = a.org_dataframe().query("round == 4")["level"].to_numpy()
    for k in (0, 3, 5, 9):
        b = STPModel(seed=5, **kw).run(3)
        b.choose(k, 0.0 if levels[k] >= 0.5 else 1.0)
        b.step()
        assert b.appraisal.payoff[k] == pytest.approx(a.appraisal.foregone[k], abs=1e-12)


def test_a_learners_choice_follows_what_it_estimated():
    """Two identical learners whose finance teams estimate opposite returns choose opposite
    levels (a high precision makes the quantal response near-certain)."""
    from stpgame.core.params import Params
    from stpgame.strategies import Observation, get

    obs, rl = Observation(2), get("reinforcement", 2)
    cfg = Params(choice_precision=100.0)
    idx, rng = np.arange(2), np.random.default_rng(0)
    rl.decide(obs, idx, rng, cfg)
    obs.record(np.full(2, 0.5), np.ones(2), np.ones(2), np.array([0.0, 0.0]))
    obs.see_estimate(np.array([0.02, -0.02]), np.array([0.03, 0.03]))
    assert rl.decide(obs, idx, rng, cfg).tolist() == [1.0, 0.0]


def test_pooling_returns_are_replayed_not_assumed():
    """The model's per-£ returns move with a rule the old closed form left out (the
    incentive fund paid in proportion to pooling): the replays see it."""
    base = STPModel(seed=1, structure="simple", n_footprints=2)
    paid = STPModel(
        seed=1, structure="simple", n_footprints=2, incentive_fund=0.05, incentive_threshold=0.0
    )
    own0, _ = base.pooling_returns()
    own1, _ = paid.pooling_returns()
    assert np.nanmean(own1) > np.nanmean(own0) + 0.5


def test_year_draws_are_shared_by_every_counterfactual():
    m = STPModel(seed=1, structure="simple", n_footprints=3)
    s = m.structure
    draws = YearDraws(1, np.ones(s.n_footprints), np.zeros(s.n), m.footprint_trust())
    same = m.counterfactuals.appraise(np.ones(s.n), draws)
    again = m.counterfactuals.appraise(np.ones(s.n), draws)
    np.testing.assert_array_equal(same.payoff, again.payoff)
