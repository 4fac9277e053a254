"""Every strategy is registered with its source and answers for many players at once."""

import numpy as np
import pytest
from strategy_harness import versus

from stpgame.core.params import Params
from stpgame.strategies import REGISTRY, Memory, get, mix_items, parse_mix


@pytest.mark.parametrize("name", list(REGISTRY))
def test_each_strategy_cites_its_source_and_decides_for_a_population(name):
    cls = REGISTRY[name]
    assert cls.name == name and cls.source and cls.__doc__ and cls.label
    assert {"memory_depth", "stochastic"} <= set(cls.classifier)
    mem = Memory(50)
    moves = get(name).decide(mem, np.arange(50), np.random.default_rng(0), Params())
    assert moves.dtype == bool and moves.shape == (50,)


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


def test_a_new_leader_starts_without_its_predecessors_memory():
    """[004]: a new leader inherits neither learned values nor a grudge: it opens afresh."""
    s, mem = get("reinforcement"), Memory(1)
    idx, cfg = np.arange(1), Params()
    mem.record(np.array([C]), np.array([1.0]), np.array([0.5]))
    mem.foregone = np.array([0.2])
    s.learn(mem, idx, np.array([C]), np.array([0.5]), cfg)
    assert mem.q_ready[0] and mem.q[0].tolist() == [0.2, 0.5]
    mem.forget(np.array([True]))
    assert not mem.q_ready[0] and mem.q[0].tolist() == [0.0, 0.0]
    assert mem.fresh[0]  # opens as its strategy opens a game
    tft = get("tit_for_tat")
    mem.record(np.array([D]), np.array([0.0]), np.array([0.0]))  # partners withheld
    assert not tft.decide(mem, idx, np.random.default_rng(0), cfg)[0]
    mem.forget(np.array([True]))
    assert tft.decide(mem, idx, np.random.default_rng(0), cfg)[0]


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
