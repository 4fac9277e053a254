"""Every preset x five rule mixes x two seeds, ten years: results unchanged to the bit.

The table and how to regenerate it when a change of results is meant are in
tests/golden.py (``PYTHONPATH=. python tests/golden.py --regenerate``).
"""

from __future__ import annotations

import json

import golden


def test_every_preset_and_rule_mix_gives_the_pinned_results() -> None:
    expected = json.loads(golden.PATH.read_text())
    actual = golden.compute()
    diff = golden.differences(expected, actual)
    assert not diff, (
        "results moved (if meant, regenerate: PYTHONPATH=. python tests/golden.py "
        "--regenerate):\n" + "\n".join(diff[:20])
    )


def test_the_pinned_runs_cover_every_preset_control_total_and_weight() -> None:
    keys = {key for key, *_ in golden.runs()}
    assert keys == set(json.loads(golden.PATH.read_text()))
    mixes = list(golden.MIXES.values())
    assert {m.get("control_total") for m in mixes} >= {"individual", "system", "none"}
    assert {m.get("system_weight") for m in mixes} >= {0.0, 1.0, 0.5}
    assert any(m.get("risk_share") and m.get("gain_share") for m in mixes)
