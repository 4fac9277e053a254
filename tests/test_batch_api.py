"""Experiments from Python, checked without running them: dicts, DataFrames of designs,
custom samplers and custom outcomes map onto the same checked experiment as a TOML file."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import batch_outcomes
import numpy as np
import pandas as pd
import pytest

from stpgame.batch import Experiment, ExperimentError, load_experiment
from stpgame.batch.experiment import load_experiment as read_file
from stpgame.core import scenarios
from stpgame.core.params import validate
from stpgame.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "experiments" / "tiny.toml"


def tiny() -> dict:
    return tomllib.loads(TINY.read_text())


def small(**tables) -> dict:
    spec = {
        "experiment": {"scenario": "fortress", "rounds": 3, "replications": 2, "base_seed": 5},
        "fixed": {"structure": "simple", "n_footprints": 1},
    }
    spec.update(tables)
    return spec


def test_a_dict_with_a_files_keys_is_the_same_experiment():
    from_file = Experiment.from_toml(TINY)
    from_dict = Experiment.from_dict(tiny(), name="tiny")
    assert from_dict.digest == from_file.digest  # what the result tables carry
    assert from_dict.sha256 != from_file.sha256  # the file's text has comments; its own text
    assert from_dict.conditions == from_file.conditions
    assert [from_dict.overrides(r) for r in range(12)] == [
        from_file.overrides(r) for r in range(12)
    ]
    assert [from_dict.seed(r) for r in range(12)] == [from_file.seed(r) for r in range(12)]
    assert (from_dict.name, from_dict.title) == ("tiny", from_file.title)
    # what a dict experiment keeps in its folder reads back as the same experiment
    again = Experiment.from_dict(tomllib.loads(from_dict.text), name="tiny")
    assert again.digest == from_dict.digest and again.text == from_dict.text


def test_every_way_in_gives_the_python_api_class():
    for exp in (load_experiment(TINY), Experiment.from_toml(TINY), read_file(TINY)):
        assert isinstance(exp, read_file(TINY).__class__)
    assert isinstance(load_experiment(TINY), Experiment) and hasattr(load_experiment(TINY), "run")


def test_numpy_scalars_are_the_numbers_they_hold():
    plain = small(vary={"noise": [0.0, 0.1], "savings_lag": {"values": [1, 2]}})
    numpy = small(
        vary={"noise": np.array([0.0, 0.1]), "savings_lag": {"values": [np.int64(1), np.int8(2)]}}
    )
    numpy["experiment"]["rounds"] = np.int64(3)
    numpy["fixed"]["council_balanced_budget"] = np.bool_(True)
    plain["fixed"]["council_balanced_budget"] = True
    a, b = Experiment.from_dict(plain), Experiment.from_dict(numpy)
    assert a.digest == b.digest and a.conditions == b.conditions
    assert type(b.conditions[1]["savings_lag"]) is int and type(b.rounds) is int


@pytest.mark.parametrize(
    ("tables", "key", "fragment"),
    [
        ({"vary": {"noise": ["0.1", 0.2]}}, "vary.noise.values", "a number, not text"),
        (
            {"vary": {"council_balanced_budget": ["yes"]}},
            "vary.council_balanced_budget.values",
            "true or false, not text",
        ),
        ({"vary": {"noise": {"low": "0", "high": 0.2, "steps": 2}}}, "vary.noise.low", "not text"),
        ({"outputs": {"model": ["cooperation_rat"]}}, "outputs.model", "cooperation_rate"),
        ({"vary": {"noise": [None]}}, "vary.noise", "TOML has no null"),
        ({"vary": {"noise": [object()]}}, "vary.noise", "a number, true/false, text"),
    ],
)
def test_a_bad_dict_is_refused_like_a_bad_file(tables, key, fragment):
    with pytest.raises(ExperimentError) as err:
        Experiment.from_dict(small(**tables))
    assert f"key '{key}" in str(err.value) and fragment in str(err.value)


def test_text_for_a_switch_is_refused_in_a_file_too(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text(
        "[experiment]\nrounds = 2\nreplications = 1\nbase_seed = 1\n"
        '[fixed]\ncouncil_balanced_budget = "yes"\n'
    )
    with pytest.raises(ExperimentError, match=r"fixed.council_balanced_budget.*not text"):
        load_experiment(path)


def test_the_experiment_name_must_be_usable_in_metadata():
    with pytest.raises(ExperimentError, match=r"key 'name'"):
        Experiment.from_dict(small(), name="a/b")


# --- DataFrames of designs ---------------------------------------------------------------------
def test_a_dataframe_of_designs_gives_one_condition_per_row_in_order():
    designs = pd.DataFrame(
        {
            "noise": np.array([0.0, 0.05, 0.05], dtype=np.float32),
            "savings_lag": np.array([1, 2, 3], dtype=np.int64),
            "control_total": ["individual", "system", "none"],
            "council_balanced_budget": np.array([True, False, True]),
        }
    )
    exp = Experiment.from_dataframe(designs, small())
    assert exp.design == "conditions" and exp.n_runs == 6
    assert exp.varied_names == ("noise", "savings_lag", "control_total", "council_balanced_budget")
    assert exp.conditions[1] == {
        "noise": float(np.float32(0.05)),
        "savings_lag": 2,
        "control_total": "system",
        "council_balanced_budget": False,
    }
    assert exp.overrides(5) == {"structure": "simple", "n_footprints": 1, **exp.conditions[2]}
    # its TOML is a [conditions] table that a file can hold too
    data = tomllib.loads(exp.text)
    assert data["conditions"]["parameters"] == list(designs.columns)
    assert "vary" not in data


def test_a_dataframe_equal_to_a_grid_runs_the_same_conditions():
    grid = read_file(TINY)
    designs = pd.DataFrame(list(grid.conditions))
    spec = {k: v for k, v in tiny().items() if k != "vary"}
    exp = Experiment.from_dataframe(designs, spec, name="tiny")
    assert exp.conditions == grid.conditions
    assert [exp.overrides(r) for r in range(grid.n_runs)] == [
        grid.overrides(r) for r in range(grid.n_runs)
    ]
    assert list(exp.run_table().columns) == list(grid.run_table().columns)


@pytest.mark.parametrize(
    ("designs", "key", "fragment"),
    [
        (pd.DataFrame({"nosie": [0.1]}), "conditions.parameters", "did you mean 'noise'"),
        (pd.DataFrame({"noise": [0.1, 0.9]}), "conditions.rows[1].noise", "[0, 0.5]"),
        (pd.DataFrame({"noise": ["0.1"]}), "conditions.rows[0].noise", "a number, not text"),
        (pd.DataFrame({"noise": [np.nan]}), "conditions.rows[0].noise", "finite"),
        (pd.DataFrame({"savings_lag": [1.5]}), "conditions.rows[0].savings_lag", "whole"),
        (pd.DataFrame({"noise": []}), "designs", "at least one row"),
        (pd.DataFrame({"savings_to_acute": [0.9]}), "fixed.savings_to_*", "in the condition"),
        (pd.DataFrame({"structure": ["simple"]}), "fixed.structure", "not also in [conditions]"),
        ([[0.1]], "designs", "a pandas DataFrame"),
    ],
)
def test_a_bad_dataframe_names_the_row_and_parameter(designs, key, fragment):
    with pytest.raises(ExperimentError) as err:
        Experiment.from_dataframe(designs, small())
    assert f"key '{key}" in str(err.value) and fragment in str(err.value)


def test_designs_replace_the_vary_table():
    with pytest.raises(ExperimentError, match=r"no \[vary\] table with designs"):
        Experiment.from_dict(small(vary={"noise": [0.1]}), designs=pd.DataFrame({"noise": [0.2]}))


# --- custom samplers ---------------------------------------------------------------------------
def sampled(sampler, **vary):
    vary = vary or {
        "samples": 8,
        "noise": {"low": 0.0, "high": 0.2},
        "savings_lag": {"low": 0, "high": 4},
    }
    return Experiment.from_dict(small(vary=vary), sampler=sampler)


def test_a_sampler_is_called_with_ranges_n_and_seed_and_its_points_are_the_conditions():
    calls = []

    def sampler(ranges, n, seed):  # a closure is fine here: it runs once, in this process
        calls.append((ranges, n, seed))
        points = batch_outcomes.stratified(ranges, n, seed)
        points[:, 1] = np.floor(points[:, 1])  # whole numbers for savings_lag
        return points

    exp = sampled(sampler)
    assert calls == [({"noise": (0.0, 0.2), "savings_lag": (0, 4)}, 8, 5)]
    assert exp.design == "conditions" and len(exp.conditions) == 8
    noise = [c["noise"] for c in exp.conditions]
    assert all(0.0 <= x <= 0.2 for x in noise) and len(set(noise)) == 8
    assert all(type(c["savings_lag"]) is int for c in exp.conditions)
    assert "sampler" in exp.source and "stratified" not in exp.source  # names the given one
    assert sampled(sampler).conditions == exp.conditions  # seeded: the same design again


def test_a_sampler_may_return_a_dataframe_in_any_column_order():
    def sampler(ranges, n, seed):
        return pd.DataFrame({"savings_lag": [1] * n, "noise": np.linspace(0, 0.2, n)})

    exp = sampled(sampler)
    assert [c["savings_lag"] for c in exp.conditions] == [1] * 8
    assert exp.varied_names == ("noise", "savings_lag")


@pytest.mark.parametrize(
    ("points", "key", "fragment"),
    [
        (np.zeros((7, 2)), "sampler", "8 points of 2 values"),
        (np.full((8, 2), 0.3), "sampler[0].noise", "[0.0, 0.2]"),
        (
            np.column_stack([np.full(8, 0.1), np.full(8, 1.5)]),
            "conditions.rows[0].savings_lag",
            "whole",
        ),
        (pd.DataFrame({"noise": [0.1] * 8}), "sampler", "columns"),
        ([["a", 1]] * 8, "sampler[0].noise", "a number"),
    ],
)
def test_a_samplers_output_is_checked(points, key, fragment):
    with pytest.raises(ExperimentError) as err:
        sampled(lambda ranges, n, seed: points)
    assert f"key '{key}" in str(err.value) and fragment in str(err.value)


def test_a_sampler_needs_ranges_and_a_sample_size():
    with pytest.raises(ExperimentError, match=r"vary.samples"):
        sampled(batch_outcomes.stratified, noise={"low": 0.0, "high": 0.2})
    with pytest.raises(ExperimentError, match=r"vary.design"):
        sampled(batch_outcomes.stratified, design="sobol", samples=8, noise={"low": 0, "high": 0.2})
    with pytest.raises(ExperimentError, match=r"vary.noise.values"):
        sampled(batch_outcomes.stratified, samples=8, noise=[0.0, 0.1])


# --- custom outcomes ---------------------------------------------------------------------------
def with_outcome(function, per="run", name="mine", **more) -> Experiment:
    return Experiment.from_dict(small(outcomes={name: {"function": function, "per": per, **more}}))


def test_an_outcome_function_is_kept_as_its_import_path():
    exp = with_outcome(batch_outcomes.pooled_money, "year", unit="£m", label="Pooled money")
    (outcome,) = exp.outcomes
    assert (outcome.function, outcome.per) == ("batch_outcomes:pooled_money", "year")
    assert tomllib.loads(exp.text)["outcomes"]["mine"]["function"] == "batch_outcomes:pooled_money"
    assert exp.output_columns()[-1] == "mine"
    columns = exp.column_metadata()
    assert set(columns) == {"mine", "mine_final", "mine_mean"}
    assert columns["mine"] == {
        "label": "Pooled money",
        "unit": "£m",
        "description": "Custom outcome batch_outcomes:pooled_money, measured in year 0 and "
        "after every year.",
    }
    assert columns["mine_mean"]["label"] == "Pooled money, mean over years"
    scalar = with_outcome("batch_outcomes:council_money")
    assert scalar.outcome_names("run") == ("mine",) and "mine" not in scalar.output_columns()


def made_inside():
    def inner(model):
        return 1.0

    return inner


def in_main(model):
    return 1.0


in_main.__module__ = "__main__"


@pytest.mark.parametrize(
    ("function", "fragment"),
    [
        (lambda model: 1.0, "a lambda has no name to import it by"),
        (made_inside(), "defined inside another function"),
        (functools.partial(batch_outcomes.council_money), "no import path"),
        ("batch_outcomes.council_money", "'package.module:function'"),
        (42, "a function of the model"),
    ],
)
def test_outcomes_workers_could_not_import_are_refused_saying_why(function, fragment):
    with pytest.raises(ExperimentError) as err:
        with_outcome(function)
    message = str(err.value)
    assert "outcomes.mine.function" in message and fragment in message
    if not isinstance(function, str | int):
        assert "define it with def at the top of a module" in message


def test_a_function_of_main_a_notebook_cell_travels_pickled_with_its_source():
    from stpgame.batch import outcomes

    exp = with_outcome(in_main)
    (outcome,) = exp.outcomes
    assert outcome.function.startswith(outcomes.PICKLED)
    assert outcome.source.startswith("def in_main(model):")
    assert outcomes.resolve("f", outcome.function)(None) == 1.0
    assert outcomes.shown(outcome.function) == "__main__:in_main (pickled)"
    assert "__main__:in_main (pickled)" in outcome.description  # not kilobytes of base64
    # the experiment's text (what the folder and the manifest keep) reads back the same
    again = with_outcome(outcome.function, source=outcome.source)
    assert again.outcomes[0] == outcome


def test_a_damaged_pickled_outcome_is_refused_saying_why():
    with pytest.raises(ExperimentError, match="not base64"):
        with_outcome("cloudpickle:@@@")
    with pytest.raises(ExperimentError, match="cannot unpickle it here"):
        with_outcome("cloudpickle:" + "QUJD")


def test_an_outcome_path_that_does_not_import_is_refused_before_anything_is_written(tmp_path):
    exp = with_outcome("no_such_module_here:f")  # the file format cannot import it yet
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as err:
        exp.run(out, workers=1, quiet=True)
    assert "cannot import no_such_module_here" in str(err.value)
    assert not out.exists()
    with pytest.raises(ParameterError, match=r"no such function"):
        with_outcome("batch_outcomes:nothing").run(out, workers=1, quiet=True)
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "per", "fragment"),
    [
        ("cooperation_rate", "year", "taken"),
        ("noise", "run", "taken"),
        ("run", "run", "taken"),
        ("balance_council", "run", "taken"),
        ("collective_welfare_final", "run", "taken"),
        ("Mine", "run", "lower-case"),
        ("mine", "daily", "run, year"),
    ],
)
def test_outcome_names_and_timing_are_checked(name, per, fragment):
    with pytest.raises(ExperimentError, match=fragment):
        with_outcome(batch_outcomes.council_money, per=per, name=name)


def test_two_outcomes_may_not_fill_the_same_column():
    spec = small(
        outcomes={
            "money": {"function": batch_outcomes.pooled_money, "per": "year"},
            "money_final": {"function": batch_outcomes.council_money, "per": "run"},
        }
    )
    with pytest.raises(ExperimentError, match=r"'money_final' is taken"):
        Experiment.from_dict(spec)


def test_series_tables_are_asked_for_in_outputs():
    exp = Experiment.from_dict(small(outputs={"series": ["footprint", "type"]}))
    assert exp.series == ("footprint", "type") and len(exp.series_outputs) == 15
    exp = Experiment.from_dict(
        small(outputs={"series": ["type"], "series_outputs": ["balance", "trust"]})
    )
    assert exp.series_outputs == ("balance", "trust")
    with pytest.raises(ExperimentError, match=r"outputs.series_outputs"):
        Experiment.from_dict(small(outputs={"series_outputs": ["balance"]}))
    with pytest.raises(ExperimentError, match=r"outputs.series"):
        Experiment.from_dict(small(outputs={"series": ["region"]}))


# --- year 0 ------------------------------------------------------------------------------------
def test_year_0_is_the_state_before_the_first_decision():
    from stpgame import STPModel
    from stpgame.core.model import YEAR0_STOCKS
    from stpgame.core.outputs import MODEL_VALUES, ORG_VALUES

    model = STPModel(seed=3, structure="simple", n_footprints=2)
    trust = model.relationships.mean_trust().copy()
    links = model.relationships.trust.mean()
    model.run(2)
    years = model.model_dataframe(year0=True)
    assert list(years["round"]) == [0, 1, 2]
    start = years.iloc[0]
    assert start["mean_trust"] == links and start["cumulative_price_of_fortress"] == 0.0
    flows = [c for c in MODEL_VALUES if c not in YEAR0_STOCKS]
    assert start[flows].isna().all()
    pd.testing.assert_frame_equal(years.iloc[1:].reset_index(drop=True), model.model_dataframe())
    orgs = model.org_dataframe(year0=True)
    first = orgs[orgs["round"] == 0]
    assert np.array_equal(first["trust"].to_numpy(), trust)
    assert (first["cumulative_balance"] == 0).all() and first["rating"].isna().all()
    assert first[[c for c in ORG_VALUES if c not in YEAR0_STOCKS]].isna().all().all()
    played = orgs[orgs["round"] >= 1].reset_index(drop=True)
    plain = model.org_dataframe()
    assert np.array_equal(played["balance"], plain["balance"])
    assert np.array_equal(played["pooled"].astype(bool), plain["pooled"])


def test_a_preset_scenario_works_as_a_dict_too():
    spec = small()
    spec["experiment"]["scenario"] = "canterbury"
    exp = Experiment.from_dict(spec)
    assert validate(exp.overrides(0), base=validate(scenarios.get("canterbury").params))
