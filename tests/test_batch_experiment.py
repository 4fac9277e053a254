"""Experiment files: shipped files load, designs are right, bad files are refused by key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from stpgame.batch.experiment import ExperimentError, load_experiment
from stpgame.batch.seeds import run_seed
from stpgame.cli import main
from stpgame.core.params import BY_NAME, validate

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "experiments").glob("*.toml"))

HEAD = """
[experiment]
scenario = "fortress"
rounds = 3
replications = 2
base_seed = 5

[fixed]
structure = "simple"
n_footprints = 1
"""


def write(tmp_path: Path, body: str, head: str = HEAD) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(head + body)
    return path


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_experiments_load_and_every_run_is_valid(path):
    exp = load_experiment(path)
    assert exp.n_runs == len(exp.conditions) * exp.replications > 0
    for run in range(0, exp.n_runs, exp.replications):
        validate(exp.overrides(run))  # raises if any condition is invalid on its own
    if exp.design == "grid":
        sizes = [len(v.values) for v in exp.varied]
        assert len(exp.conditions) == int(np.prod(sizes))


def test_required_experiments_are_shipped():
    names = {p.stem for p in SHIPPED}
    assert {
        "tiny",
        "fortress_vs_system",
        "integration_paradox",
        "bcf_pooling_share",
        "incentive_fund_size",
        "savings_evidence",
    } <= names
    assert any(load_experiment(p).sensitivity is not None for p in SHIPPED)


def test_savings_evidence_covers_the_calibration_range():
    exp = load_experiment(ROOT / "experiments" / "savings_evidence.toml")
    ranges = {v.name: v.values for v in exp.varied}
    assert min(ranges["savings_multiplier"]) < 0.1 and max(ranges["savings_multiplier"]) >= 3.0
    assert 0.34 in ranges["savings_multiplier"]  # DH: £1 on social care saves 34p
    assert list(ranges["savings_lag"]) == [0, 1, 2, 3, 4, 5, 6]
    assert "calibration" in exp.text and "£55m" in exp.text


def test_grid_is_the_full_product_with_run_index_mapping(tmp_path):
    exp = load_experiment(
        write(
            tmp_path,
            "[vary]\nsystem_weight = [0.0, 1.0]\nsavings_lag = {low = 0, high = 4, steps = 3}\n",
        )
    )
    assert [c["savings_lag"] for c in exp.conditions] == [0, 2, 4, 0, 2, 4]
    assert all(isinstance(c["savings_lag"], int) for c in exp.conditions)
    assert exp.n_runs == 12
    # runs are condition-major: run 5 = condition 2, replication 1
    assert exp.overrides(5) == {
        "structure": "simple",
        "n_footprints": 1,
        "system_weight": 0.0,
        "savings_lag": 4,
    }
    table = exp.run_table()
    assert list(table["replication"][:4]) == [0, 1, 0, 1]
    assert table["seed"].tolist() == [run_seed(5, r) for r in range(12)]


@pytest.mark.parametrize("design,samples", [("latin_hypercube", 10), ("sobol", 16)])
def test_sampled_designs_stay_in_range_and_are_reproducible(tmp_path, design, samples):
    body = (
        f'[vary]\ndesign = "{design}"\nsamples = {samples}\n'
        "savings_multiplier = {low = 0.1, high = 3.0}\nsavings_lag = {low = 0, high = 6}\n"
    )
    a = load_experiment(write(tmp_path, body))
    b = load_experiment(write(tmp_path, body))
    assert a.conditions == b.conditions and len(a.conditions) == samples
    mult = np.array([c["savings_multiplier"] for c in a.conditions])
    lag = [c["savings_lag"] for c in a.conditions]
    assert mult.min() >= 0.1 and mult.max() <= 3.0 and len(set(mult)) == samples
    assert all(isinstance(v, int) and 0 <= v <= 6 for v in lag)
    if design == "latin_hypercube":  # one point in each of the 10 equal strata
        strata = np.floor((mult - 0.1) / (2.9 / samples)).astype(int)
        assert sorted(strata) == list(range(samples))


def test_seeds_depend_only_on_base_seed_and_index():
    assert run_seed(1, 7) == run_seed(1, 7)
    assert run_seed(1, 7) == int(np.random.SeedSequence([1, 7]).generate_state(1)[0])
    seeds = {run_seed(1, i) for i in range(500)}
    assert len(seeds) == 500
    assert run_seed(2, 7) != run_seed(1, 7)


BAD = [
    # (body, head or None for default, key named in the message)
    ("[vary]\nsytem_weight = [0.0, 1.0]\n", None, "vary.sytem_weight"),
    (
        "[vary]\nsystem_weight = {low = 0.5, high = 0.2, steps = 3}\n",
        None,
        "vary.system_weight.high",
    ),
    (
        "[vary]\nsystem_weight = {low = 0.0, high = 1.5, steps = 3}\n",
        None,
        "vary.system_weight.high",
    ),
    (
        "[vary]\nfunding_growth = {low = -0.5, high = 0.0, steps = 3}\n",
        None,
        "vary.funding_growth.low",
    ),
    (
        '[vary]\nsystem_weight = {low = "0", high = 1.0, steps = 3}\n',
        None,
        "vary.system_weight.low",
    ),
    ("[vary]\nsavings_lag = {low = 0, high = 5, steps = 3}\n", None, "vary.savings_lag.steps"),
    (
        '[vary]\ndesign = "sobol"\nsamples = 10\nnoise = {low = 0.0, high = 0.1}\n',
        None,
        "vary.samples",
    ),
    ("[vary]\nnoise = [0.1, 0.1]\n", None, "vary.noise.values"),
    ("[vary]\nstructure = [0.1]\n", None, "vary.structure.values"),
    ("[vary]\nnoise = [0.1]\n[fixed2]\nx = 1\n", None, "fixed2"),
    ('[outputs]\nmodel = ["cooperation"]\n', None, "outputs.model"),
    ("", HEAD.replace("rounds = 3", 'rounds = "ten"'), "experiment.rounds"),
    ("", HEAD.replace("rounds = 3", "rounds = 0"), "experiment.rounds"),
    ("", HEAD.replace("base_seed = 5", "base_seed = -1"), "experiment.base_seed"),
    ("", HEAD.replace("replications = 2", "replicates = 2"), "experiment.replicates"),
    ("", HEAD.replace('scenario = "fortress"', 'scenario = "fortess"'), "experiment.scenario"),
    ("", HEAD.replace("n_footprints = 1", "n_footprints = 99"), "fixed.n_footprints"),
    ("[vary]\nn_footprints = [1, 2]\n", None, "fixed.n_footprints"),
    ("[vary]\nsavings_to_acute = [0.4, 0.9]\n", None, "fixed.savings_to_*"),
    (
        '[vary]\nstrategy_ccg = ["imitation:1", "imitation:1,tit_for_tat:1"]\n',
        None,
        "vary.strategy_ccg.values",
    ),
    ('[vary]\nnoise = [0.1]\n[sensitivity]\nmethod = "morris"\n', None, "sensitivity"),
    (
        '[sensitivity]\nmethod = "morris"\nN = 4\noutputs = ["cooperation_rate"]\n'
        "[sensitivity.parameters]\nsavings_lag = [0, 5]\n",
        None,
        "sensitivity.parameters.savings_lag",
    ),
    (
        '[sensitivity]\nmethod = "sobol"\nN = 12\noutputs = ["cooperation_rate"]\n'
        "[sensitivity.parameters]\nnoise = [0.0, 0.1]\n",
        None,
        "sensitivity.N",
    ),
    (
        '[sensitivity]\nmethod = "morris"\nN = 4\noutputs = ["cooperation_rate"]\n'
        "[sensitivity.parameters]\nnoise = [0.0, 0.9]\n",
        None,
        "sensitivity.parameters.noise",
    ),
    ("[vary\nnoise = [0.1]\n", None, "FILE"),
]


@pytest.mark.parametrize("body,head,key", BAD, ids=[b[2] + str(i) for i, b in enumerate(BAD)])
def test_bad_experiment_files_exit_2_naming_the_key_and_write_nothing(
    tmp_path, capsys, body, head, key
):
    path = write(tmp_path, body, head or HEAD)
    out = tmp_path / "results"
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert f"'{key}'" in str(err.value)
    assert "allowed" in str(err.value) and "got" in str(err.value)
    assert main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    message = capsys.readouterr().err
    assert f"'{key}'" in message and "Traceback" not in message
    assert len(message.strip().splitlines()) == 1
    assert not out.exists()


def test_out_of_range_message_gives_the_allowed_range_and_value(tmp_path):
    path = write(tmp_path, "[vary]\nsystem_weight = {low = 0.0, high = 1.5, steps = 3}\n")
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert BY_NAME["system_weight"].allowed in str(err.value) and "1.5" in str(err.value)


def test_missing_file_and_wrong_command_exit_2(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "none.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "none.toml" in capsys.readouterr().err
    sens = ROOT / "experiments" / "sensitivity_morris.toml"
    assert main(["sweep", str(sens), "--out", str(tmp_path / "o")]) == 2
    assert "stpgame sensitivity" in capsys.readouterr().err
    tiny = ROOT / "experiments" / "tiny.toml"
    assert main(["sensitivity", str(tiny), "--out", str(tmp_path / "o")]) == 2
    assert main(["sweep", str(tiny), "--out", str(tmp_path / "o"), "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_exit_status_2_from_a_real_process(tmp_path):
    path = write(tmp_path, "[vary]\nsystem_weight = {low = 0.0, high = 1.5, steps = 3}\n")
    out = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "stpgame", "sweep", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "vary.system_weight.high" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_the_schema_reader_checks_each_declared_key():
    from dataclasses import dataclass
    from typing import ClassVar

    from stpgame.batch.schema import key, one_of, read, table_by_name, whole
    from stpgame.errors import ParameterError

    @dataclass(frozen=True, kw_only=True)
    class Table:
        EXCLUSIVE: ClassVar = (("size", "colour"),)
        n: int = key(whole(1, 9), toml="N")
        colour: str = key(one_of(("red", "blue")), default="red")
        size: int | None = key(whole(0, 3), default=None)

    assert read(Table, "t", {"N": 2}) == Table(n=2, colour="red", size=None)
    cases = [
        ({"N": 2, "colur": "red"}, "t.colur", "unknown key; did you mean 'colour'?"),
        ({"colour": "red"}, "t.N", "missing"),
        ({"N": 10}, "t.N", ""),
        ({"N": True}, "t.N", ""),
        ({"N": 1, "colour": "green"}, "t.colour", ""),
        ({"N": 1, "size": 1, "colour": "red"}, "t.colour", ""),
    ]
    for table, where, note in cases:
        with pytest.raises(ParameterError) as err:
            read(Table, "t", table)
        assert (err.value.name, err.value.note) == (where, note), table

    @dataclass(frozen=True, kw_only=True)
    class Params:
        kind: str = key(one_of(("a", "b")), default="a")
        rest: dict = key(table_by_name(BY_NAME, lambda p, n, v: v, "a parameter"), rest=True)

    assert read(Params, "v", {"noise": 1}).rest == {"noise": 1}
    with pytest.raises(ParameterError) as err:
        read(Params, "v", {"nosie": 1})
    assert err.value.name == "v.nosie" and "did you mean 'noise'" in err.value.note


def test_a_huge_grid_is_refused_from_its_sizes_before_it_is_built(tmp_path, monkeypatch, capsys):
    def never(*args, **kwargs):
        raise AssertionError("the conditions were built before the run count was checked")

    monkeypatch.setattr("stpgame.batch.sampling.grid", never)
    body = "[vary]\n" + "".join(
        f"{name} = {{ low = 0.0, high = 0.2, steps = 1000 }}\n"
        for name in ("system_weight", "noise", "target_pressure")
    )
    path = write(tmp_path, body)
    out = tmp_path / "results"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"stpgame sweep: error: {path}: key 'vary': allowed at most 10,000,000 runs in all; "
        "got 2000000000 (1,000 x 1,000 x 1,000 system_weight x noise x target_pressure values "
        "x 2 replications)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (
            '[vary]\ndesign = "latin_hypercube"\nsamples = 1000000\nnoise = { low = 0.0, high = 0.1 }\n',
            "vary",
        ),
        (
            '[sensitivity]\nmethod = "sobol"\nN = 524288\noutputs = ["cooperation_rate"]\n'
            "[sensitivity.parameters]\nnoise = [0.0, 0.1]\nsystem_weight = [0.0, 1.0]\n",
            "sensitivity.N",
        ),
    ],
)
def test_huge_samples_are_refused_before_they_are_drawn(tmp_path, monkeypatch, body, key):
    def never(*args, **kwargs):
        raise AssertionError("the sample was drawn before the run count was checked")

    monkeypatch.setattr("stpgame.batch.sampling.unit_sample", never)
    monkeypatch.setattr("stpgame.batch.sampling.salib_sample", never)
    with pytest.raises(ExperimentError, match=f"key '{key}': allowed at most 10,000,000 runs"):
        load_experiment(
            write(tmp_path, body, HEAD.replace("replications = 2", "replications = 20"))
        )


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_run_count_known_before_building_is_the_number_of_runs_built(path, monkeypatch):
    runs = load_experiment(path).n_runs
    monkeypatch.setattr("stpgame.batch.experiment.MAX_RUNS", runs)
    load_experiment(path)  # exactly at the limit
    monkeypatch.setattr("stpgame.batch.experiment.MAX_RUNS", runs - 1)
    with pytest.raises(
        ExperimentError, match=f"allowed at most {runs - 1:,} runs in all; got {runs}"
    ):
        load_experiment(path)


@pytest.mark.parametrize("second_order", ["false", "true"])
def test_the_sobol_run_count_is_known_before_the_sample_with_or_without_s2(
    tmp_path, monkeypatch, second_order
):
    body = (
        f'[sensitivity]\nmethod = "sobol"\nN = 8\nsecond_order = {second_order}\n'
        'outputs = ["cooperation_rate"]\n[sensitivity.parameters]\n'
        "noise = [0.0, 0.1]\nsystem_weight = [0.0, 1.0]\nfunding_growth = [-0.02, 0.02]\n"
    )
    path = write(tmp_path, body)
    runs = load_experiment(path).n_runs
    assert runs == 8 * (2 * 3 + 2 if second_order == "true" else 3 + 2) * 2
    monkeypatch.setattr("stpgame.batch.experiment.MAX_RUNS", runs - 1)
    with pytest.raises(ExperimentError, match=f"'sensitivity.N': allowed at most {runs - 1}"):
        load_experiment(path)
