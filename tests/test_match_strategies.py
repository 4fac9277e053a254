"""The model's strategies, move by move, against fixed opponents (Axelrod-library style).

Each expected sequence follows from the strategy's published definition; "C" =
cooperate (pool), "D" = defect (withhold). The strategies are the ones the
organisations use, played through ``stpgame.analysis.match``.
"""

from __future__ import annotations

import pytest
from strategy_harness import versus

from stpgame.analysis.match import play_match

SCRIPT = "CCDCDDCCCD"  # a fixed opponent: plays this whatever happens


# (strategy, expected moves against: alternator CDCD..., always_defect, always_cooperate)
CANON = [
    # Axelrod (1984): unconditional rules
    ("always_cooperate", "CCCCCCCCCC", "CCCCCCCCCC", "CCCCCCCCCC"),
    ("always_defect", "DDDDDDDDDD", "DDDDDDDDDD", "DDDDDDDDDD"),
    ("alternator", "CDCDCDCDCD", "CDCDCDCDCD", "CDCDCDCDCD"),
    # Rapoport's tit for tat (Axelrod 1980): cooperate, then copy the opponent's last move
    ("tit_for_tat", "CCDCDCDCDC", "CDDDDDDDDD", "CCCCCCCCCC"),
    # suspicious tit for tat (Beaufils et al. 1996): defect, then copy
    ("suspicious_tit_for_tat", "DCDCDCDCDC", "DDDDDDDDDD", "DCCCCCCCCC"),
    # tit for two tats (Axelrod 1984): defect only after two defections in a row
    ("tit_for_two_tats", "CCCCCCCCCC", "CCDDDDDDDD", "CCCCCCCCCC"),
    # grim trigger (Friedman 1971): cooperate until the first defection, then defect for ever
    ("grim_trigger", "CCDDDDDDDD", "CDDDDDDDDD", "CCCCCCCCCC"),
    # win-stay lose-shift (Nowak & Sigmund 1993): repeat after R or T, switch after S or P
    ("win_stay_lose_shift", "CCDDCCDDCC", "CDCDCDCDCD", "CCCCCCCCCC"),
]


@pytest.mark.parametrize(("name", "vs_alt", "vs_alld", "vs_allc"), CANON)
def test_canonical_moves_against_fixed_opponents(name, vs_alt, vs_alld, vs_allc):
    assert versus(name, "alternator")[0] == vs_alt
    assert versus(name, "always_defect")[0] == vs_alld
    assert versus(name, "always_cooperate")[0] == vs_allc


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tit_for_tat", "C" + SCRIPT[:-1]),
        ("suspicious_tit_for_tat", "D" + SCRIPT[:-1]),
        ("tit_for_two_tats", "CCCCCCDCCC"),  # only turn 6 follows two defections (turns 4, 5)
        ("grim_trigger", "CCCDDDDDDD"),  # the script first defects at turn 2
        ("win_stay_lose_shift", "CCCDDCDDDD"),  # D after S, stays D after T, C after P
        ("trusted_partners", "CCCDDDDDDD"),  # see test below
    ],
)
def test_moves_against_a_scripted_opponent(name, expected):
    ours, theirs = versus(name, SCRIPT)
    assert theirs == SCRIPT
    assert ours == expected


def test_strategies_are_the_same_in_either_seat():
    for name, *_ in CANON:
        assert versus(SCRIPT, name)[1] == versus(name, SCRIPT)[0]


def test_trusted_partners_follows_the_models_trust_rule():
    """Trust starts at 0.5 [002]; +0.15 (1 - t) after mutual pooling, -0.3 t otherwise
    (params trust_gain/trust_loss; network.Relationships.update); it pools while trust
    >= 0.45 and the partner pooled last time (Fischbacher, Gächter & Fehr 2001).
    Against the script: 0.5 -> 0.575 -> 0.639 -> (script defects) 0.447 < 0.45, so
    it withholds from turn 3 and, as trust only grows on mutual pooling, for ever."""
    assert versus("trusted_partners", SCRIPT)[0] == "CCCDDDDDDD"
    # Slower erosion (trust_loss 0.1): 0.639 -> 0.575 -> 0.517, so it forgives once at
    # turn 4 after the script pooled at turn 3; then 0.466 -> 0.419 < 0.45 for good.
    slow = versus("trusted_partners", SCRIPT, params={"trust_loss": 0.1})[0]
    assert slow == "CCCDCDDDDD"
    # Starting distrust ("limited", 0.2 [002]): never pools
    assert versus("trusted_partners", "always_cooperate", initial_trust=0.2)[0] == "D" * 10


def test_imitation_copies_a_better_paid_opponent():
    """Imitate-if-better (Nowak & May 1992): with imitation_rate 1 and a first pool
    it is exploited once (S=0 < T=5), copies the defection, and then nobody earns
    more than it does (P = P), so it keeps defecting."""
    p = {"imitation_rate": 1.0, "initial_cooperation": 1.0}
    assert versus("imitation", "always_defect", params=p)[0] == "CDDDDDDDDD"
    assert versus("imitation", "always_cooperate", params=p)[0] == "C" * 10
    q = {"imitation_rate": 1.0, "initial_cooperation": 0.0}
    # defecting against a cooperator pays T = 5 > S = 0: nothing better to copy
    assert versus("imitation", "always_cooperate", params=q)[0] == "D" * 10


def test_reinforcement_learns_from_earned_and_foregone_payoffs():
    """With learning rate 1, a sharp quantal response and a first pool, values jump to the
    last earned and foregone payoffs (Camerer & Ho 1999, full weight on foregone payoffs):
    against always_defect pooling earned S = 0 and withholding would have earned
    P = 1, so it withholds from then on; against always_cooperate withholding would
    have earned T = 5 > R = 3, so it learns to exploit."""
    p = {"learning_rate": 1.0, "choice_precision": 100.0, "initial_cooperation": 1.0}
    assert versus("reinforcement", "always_defect", params=p)[0] == "CDDDDDDDDD"
    assert versus("reinforcement", "always_cooperate", params=p)[0] == "CDDDDDDDDD"


def test_generous_tit_for_tat_never_defects_after_cooperation_and_forgives_a_third():
    """Nowak & Sigmund (1992): cooperate after C; after D cooperate with probability
    min(1 - (T-R)/(R-S), (R-P)/(T-P)) = 1/3 for (3, 0, 5, 1)."""
    assert versus("generous_tit_for_tat", "always_cooperate", 50)[0] == "C" * 50
    r = play_match("generous_tit_for_tat", "always_defect", 3001, seed=5)
    assert r.history(0)[0] == "C"
    forgiven = r.moves[0, 1:].mean()
    assert forgiven == pytest.approx(1 / 3, abs=0.03)  # sd ~ 0.009
    # with other payoffs the generosity follows the formula: (3,0,4,1) -> min(2/3, 2/3)
    r2 = play_match("generous_tit_for_tat", "always_defect", 3001, seed=5, payoffs=(3, 0, 4, 1))
    assert r2.moves[0, 1:].mean() == pytest.approx(2 / 3, abs=0.03)


def test_self_play():
    assert versus("tit_for_tat", "tit_for_tat") == ("C" * 10, "C" * 10)
    assert versus("suspicious_tit_for_tat", "suspicious_tit_for_tat") == ("D" * 10, "D" * 10)
    assert versus("alternator", "alternator") == ("CDCDCDCDCD", "CDCDCDCDCD")
