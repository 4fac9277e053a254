"""Every strategy is registered with its source and answers for many players at once."""

import numpy as np
import pytest
from strategy_harness import versus

from stpgame.core.params import Params
from stpgame.strategies import REGISTRY, Observation, get, mix_items, parse_mix


@pytest.mark.parametrize("name", list(REGISTRY))
def test_each_strategy_cites_its_source_and_decides_for_a_population(name):
    cls = REGISTRY[name]
    assert cls.name == name and cls.source and cls.__doc__ and cls.label
    assert {"memory_depth", "stochastic"} <= set(cls.classifier)
    obs = Observation(50)
    levels = get(name, 50).decide(obs, np.arange(50), np.random.default_rng(0), Params())
    assert levels.dtype == float and levels.shape == (50,)
    assert ((levels >= 0) & (levels <= 1)).all()


C, D = True, False


def test_reciprocal_rules_against_a_script():
    script = "CDCDDCC"

    def ours(name):
        return versus(name, script, turns=len(script))[0]

    assert ours("tit_for_tat") == "CCDCDDC"
    assert ours("suspicious_tit_for_tat") == "DCDCDDC"
    assert ours("tit_for_two_tats") == "CCCCCDC"
    assert ours("grim_trigger") == "CCDDDDD"
    assert ours("win_stay_lose_shift") == "CCDDCDD"
    assert ours("alternator") == "CDCDCDC"


def test_a_new_leader_keeps_the_books_but_not_the_grudge():
    """[004]: a new chief executive inherits the finance team's learned values (institutional
    memory) but not the predecessor's personal stance (a grudge)."""
    cfg, idx, rng = Params(), np.arange(1), np.random.default_rng(0)
    obs = Observation(1)
    rl = get("reinforcement", 1)
    rl.decide(obs, idx, rng, cfg)
    obs.record(np.array([1.0]), np.array([1.0]), np.array([1.0]), np.array([0.01]))
    obs.see_estimate(np.array([-0.03]), np.array([0.03]))
    rl.decide(obs, idx, rng, cfg)  # learns from the year
    learned = rl.attraction.copy()
    assert rl.ready[0] and np.ptp(learned) > 0
    rl.new_leader(np.array([True]))
    assert rl.ready[0] and (rl.attraction == learned).all()
    rl.reset(np.array([True]))  # a new game is another matter
    assert not rl.ready[0] and (rl.attraction == 0).all()

    grim = get("grim_trigger", 1)
    obs = Observation(1)
    grim.decide(obs, idx, rng, cfg)
    obs.record(np.array([1.0]), np.array([0.0]), np.array([0.0]), np.array([0.0]))
    assert grim.decide(obs, idx, rng, cfg)[0] == 0.0  # partners withheld: the grudge
    obs.record(np.array([0.0]), np.array([1.0]), np.array([1.0]), np.array([0.0]))
    assert grim.decide(obs, idx, rng, cfg)[0] == 0.0  # ... for good
    grim.new_leader(np.array([True]))
    assert grim.decide(obs, idx, rng, cfg)[0] == 1.0  # the newcomer holds none


def test_reciprocators_match_the_level_their_partners_pooled():
    """Graded reciprocity: tit for tat pools what its partners pooled on average."""
    cfg, rng = Params(), np.random.default_rng(0)
    obs = Observation(3)
    obs.record(np.zeros(3), np.array([0.25, 0.5, 1.0]), np.array([0.0, 1.0, 1.0]), np.zeros(3))
    idx = np.arange(3)
    assert get("tit_for_tat", 3).decide(obs, idx, rng, cfg).tolist() == [0.25, 0.5, 1.0]
    obs.trust = np.array([0.9, 0.1, 0.9])
    tp = get("trusted_partners", 3).decide(obs, idx, rng, cfg)
    assert tp.tolist() == [0.25, 0.0, 1.0]  # nothing voluntary for a partner it distrusts


def test_mixes_are_checked_and_never_rescaled():
    assert mix_items("tit_for_tat") == [("tit_for_tat", 1.0)]
    assert parse_mix("imitation:0.5, always_defect:0.5") == "imitation:0.5,always_defect:0.5"
    assert parse_mix("imitation:1,always_defect:0") == "imitation:1"
    # rounding a file or a slider leaves stays within the tolerance and is evened out
    assert sum(w for _, w in mix_items("imitation:0.3333333,tit_for_tat:0.6666666")) == 1.0
    for bad, why in (
        ("", "non-empty"),
        ("nice:1", "unknown strategy 'nice'"),
        ("tit_for_tat:x", "not a number"),
        ("tit_for_tat:0", "add up to 0, not 1"),
        ("imitation:1,always_defect:1", "add up to 2, not 1"),
        ("imitation:0.3,always_defect:0.3", "add up to 0.6, not 1"),
        ("imitation,always_defect", "give every strategy a weight"),
        ("imitation:0.5,imitation:0.5", "'imitation' is named twice"),
    ):
        with pytest.raises(ValueError, match=why):
            parse_mix(bad)
