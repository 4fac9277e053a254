"""Every bad input gets a message naming the parameter, what is allowed and the value given."""

import math

import numpy as np
import pytest

from stpgame.core.params import (
    BY_NAME,
    DEFAULTS,
    PARAMS,
    ParameterError,
    check_seed,
    from_text,
    validate,
)


def test_every_parameter_has_unit_range_default_and_source():
    for p in PARAMS:
        assert p.source and p.help and p.unit, p.name
        if p.kind in ("float", "int"):
            assert p.low <= p.default <= p.high, p.name
    assert validate({}) == validate(DEFAULTS)


@pytest.mark.parametrize(
    ("values", "name", "fragment"),
    [
        ({"system_wieght": 0.5}, "system_wieght", "did you mean 'system_weight'"),
        ({"system_weight": 1.5}, "system_weight", "[0, 1]"),
        ({"system_weight": "high"}, "system_weight", "a number, not text"),
        ({"system_weight": "0.5"}, "system_weight", "a number, not text"),
        ({"savings_lag": "3"}, "savings_lag", "a number, not text"),
        ({"council_balanced_budget": "yes"}, "council_balanced_budget", "not text"),
        ({"system_weight": math.nan}, "system_weight", "finite"),
        ({"savings_multiplier": math.inf}, "savings_multiplier", "finite"),
        ({"savings_lag": 2.5}, "savings_lag", "whole number"),
        ({"savings_lag": True}, "savings_lag", "boolean"),
        ({"structure": "wales"}, "structure", "england"),
        ({"council_balanced_budget": "maybe"}, "council_balanced_budget", "true or false"),
        (
            {"strategy_acute": "tit_for_tat:0.5,nice:0.5"},
            "strategy_acute",
            "unknown strategy 'nice'",
        ),
        ({"strategy_acute": "tit_for_tat:-1"}, "strategy_acute", ">= 0"),
        (
            {"strategy_council": "tit_for_tat:1,imitation:3"},
            "strategy_council",
            "(the weights add up to 4, not 1)",
        ),
    ],
)
def test_bad_values_name_parameter_range_and_value(values, name, fragment):
    with pytest.raises(ParameterError) as err:
        validate(values)
    text = str(err.value)
    assert f"parameter '{name}'" in text
    assert "allowed" in text and "got" in text
    assert fragment in text


def test_contradictory_settings_are_refused():
    with pytest.raises(ParameterError, match="add up to 1"):
        validate({"savings_to_acute": 0.9})
    with pytest.raises(ParameterError, match="England has 44"):
        validate({"structure": "england", "n_footprints": 6})


def test_command_line_strings_are_converted():
    typed = from_text(
        {"system_weight": "0.25", "savings_lag": "3", "council_balanced_budget": "false"}
    )
    assert typed == {"system_weight": 0.25, "savings_lag": 3, "council_balanced_budget": False}
    p = validate(typed)
    assert p.system_weight == 0.25 and p.savings_lag == 3
    assert p.council_balanced_budget is False
    with pytest.raises(ParameterError, match="not a number"):
        from_text({"system_weight": "high"})
    assert validate({"strategy_acute": "tit_for_tat:0.25,imitation:0.75"}).strategy_acute == (
        "tit_for_tat:0.25,imitation:0.75"
    )


def test_numpy_scalars_count_as_the_values_they_hold():
    p = validate(
        {
            "system_weight": np.float32(0.5),
            "savings_lag": np.int64(2),
            "council_balanced_budget": np.bool_(False),
        }
    )
    assert (p.system_weight, p.savings_lag, p.council_balanced_budget) == (0.5, 2, False)
    assert type(p.savings_lag) is int and type(p.council_balanced_budget) is bool
    with pytest.raises(ParameterError, match="boolean"):
        validate({"savings_lag": np.bool_(True)})


@pytest.mark.parametrize("bad", [-1, "x", 1.5, True])
def test_bad_seed(bad):
    with pytest.raises(ParameterError, match="seed"):
        check_seed(bad)


def test_seed_accepts_none_and_whole_numbers():
    assert check_seed(None) is None and check_seed("7") == 7 and check_seed(0) == 0


def test_groups_cover_the_brief_mechanisms():
    groups = {p.group for p in PARAMS}
    assert {"structure", "game", "regulation", "money", "funds", "behaviour", "strategy"} <= groups
    assert BY_NAME["system_weight"].default == 0.0  # fortress is the status quo [003]
