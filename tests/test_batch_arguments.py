"""The Python API checks every argument first, with the command line's messages, and writes
nothing when one is wrong (issue 20, item 2: the fuzz cases a researcher hit)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stpgame.batch import Experiment, analyse, discover, load_experiment, plot, rerun, summarise
from stpgame.batch.sweep import run_sweep
from stpgame.cli import main
from stpgame.errors import ConflictError, ParameterError

ROOT = Path(__file__).resolve().parents[1]
SPEC = {
    "experiment": {"rounds": 2, "replications": 2, "base_seed": 1, "scenario": "fortress"},
    "fixed": {"structure": "simple", "n_footprints": 2},
    "vary": {"design": "grid", "system_weight": [0.0, 1.0]},
    "outputs": {"model": ["cooperation_rate"]},
}
WORKERS = "a whole number in [1, 1024]"


@pytest.fixture(scope="module")
def exp():
    return Experiment.from_dict(SPEC, name="fuzz")


@pytest.mark.parametrize(
    ("workers", "note"),
    [
        (-2, ""),
        (0, ""),
        (1025, ""),
        (1.5, ""),
        (2.0, "write 2"),
        (True, ""),
        (False, ""),
        ("2", "a number, not text"),
        (math.nan, ""),
        (math.inf, ""),
        ([2], ""),
    ],
)
def test_run_refuses_a_bad_workers_value_and_writes_nothing(exp, tmp_path, workers, note):
    out = tmp_path / "r"
    with pytest.raises(ParameterError) as err:
        exp.run(out, workers=workers, quiet=True)
    assert (err.value.name, err.value.allowed, err.value.note) == ("workers", WORKERS, note)
    assert err.value.value is workers or (isinstance(workers, float) and math.isnan(workers))
    assert not out.exists()


def test_workers_message_is_the_command_lines(exp, tmp_path, capsys):
    with pytest.raises(ParameterError) as err:
        exp.run(tmp_path / "r", workers=0)
    main(
        [
            "sweep",
            str(ROOT / "experiments/tiny.toml"),
            "--out",
            str(tmp_path / "c"),
            "--workers",
            "0",
        ]
    )
    cli = capsys.readouterr().err
    assert f"allowed {err.value.allowed}; got" in cli
    assert not (tmp_path / "c").exists()


def test_numpy_whole_numbers_are_workers(exp, tmp_path):
    report = exp.run(tmp_path / "r", workers=np.int64(1), quiet=True)
    assert report.engine["workers"] == 1


def test_workers_and_a_scheduler_conflict_before_any_connection(exp, tmp_path, monkeypatch):
    import stpgame.batch.runner as runner

    def never(*args, **kwargs):
        raise AssertionError("a connection was tried")

    monkeypatch.setattr(runner.DaskEngine, "__init__", never)
    with pytest.raises(ConflictError) as err:
        exp.run(tmp_path / "r", workers=2, scheduler="tcp://127.0.0.1:8786")
    assert err.value.what == "workers and scheduler"
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("scheduler", [8786, "notaurl", "", b"tcp://h:1"])
def test_run_refuses_a_bad_scheduler(exp, tmp_path, scheduler):
    with pytest.raises(ParameterError) as err:
        exp.run(tmp_path / "r", scheduler=scheduler)
    assert err.value.name == "scheduler"
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("out", [None, 3, "", "  ", b"r", ["r"]])
def test_run_refuses_what_is_not_a_folder_path(exp, out):
    with pytest.raises(ParameterError) as err:
        exp.run(out)
    assert (err.value.name, err.value.value) == ("out", out)


@pytest.mark.parametrize(
    ("name", "value"), [("quiet", "yes"), ("quiet", 1), ("chunk", 0), ("chunk", 2.5)]
)
def test_run_refuses_bad_quiet_and_chunk(exp, tmp_path, name, value):
    with pytest.raises(ParameterError) as err:
        exp.run(tmp_path / "r", **{name: value})
    assert err.value.name == name
    assert not (tmp_path / "r").exists()


def test_run_sweep_refuses_a_confirm_that_is_not_a_function(exp, tmp_path):
    with pytest.raises(ParameterError) as err:
        run_sweep(exp, tmp_path / "r", confirm="yes")
    assert err.value.name == "confirm"
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("experiment", [None, 3, {"experiment": {}}])
def test_run_sweep_refuses_what_is_not_an_experiment(tmp_path, experiment):
    with pytest.raises(ParameterError) as err:
        run_sweep(experiment, tmp_path / "r")
    assert err.value.name == "experiment"
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: summarise(None), "out"),
        (lambda: summarise(3), "out"),
        (lambda: plot(None), "out"),
        (lambda: analyse(None), "out"),
        (lambda: rerun(None), "out"),
        (lambda: discover(None, "cooperation_rate", below=0.5), "out"),
        (lambda: load_experiment({"experiment": {}}), "path"),
        (lambda: load_experiment(None), "path"),
        (lambda: Experiment.from_manifest(None), "folder"),
        (lambda: summarise("nowhere", statistic="last"), "statistic"),
        (lambda: summarise("nowhere", write="no"), "write"),
        (lambda: rerun("nowhere", workers=True), "workers"),
        (lambda: rerun("nowhere", quiet=None), "quiet"),
    ],
)
def test_every_reader_checks_its_arguments_before_reading(call, name):
    with pytest.raises(ParameterError) as err:
        call()
    assert err.value.name == name


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda out: summarise(out, outputs="cooperation_rate"), "outputs"),
        (lambda out: summarise(out, outputs=[]), "outputs"),
        (lambda out: summarise(out, outputs=["cooperation_rate", 3]), "outputs"),
        (
            lambda out: discover(out, "cooperation_rate", below=0.5, inputs="system_weight"),
            "inputs",
        ),
    ],
)
def test_text_where_a_list_is_expected_is_refused_not_split_into_letters(tmp_path, call, name):
    with pytest.raises(ParameterError) as err:
        call(tmp_path / "nowhere")
    assert err.value.name == name
    assert "'c'" not in str(err.value) and "'s'" not in str(err.value)


def test_one_text_is_said_as_the_list_meant(tmp_path):
    with pytest.raises(ParameterError, match=r"a list, e.g. \['cooperation_rate'\]"):
        summarise(tmp_path, outputs="cooperation_rate")


def test_from_dataframe_refuses_a_repeated_column():
    designs = pd.DataFrame([[0.0, 1.0], [1.0, 0.0]], columns=["system_weight", "system_weight"])
    spec = {k: v for k, v in SPEC.items() if k != "vary"}
    with pytest.raises(ParameterError) as err:
        Experiment.from_dataframe(designs, spec)
    assert (err.value.name, err.value.value, err.value.note) == (
        "designs",
        "system_weight",
        "repeated",
    )


def test_every_name_the_package_exports_is_the_function_even_after_its_module_loads():
    """A submodule named like a function would replace it on import (``stpgame.batch.rerun``
    was once the module rerun.py, so ``from stpgame.batch import rerun`` gave a module)."""
    import importlib

    import stpgame.batch as batch

    for module in set(batch._EXPORTS.values()):
        importlib.import_module(f"stpgame.batch.{module}")
    for name in batch.__all__:
        assert not isinstance(getattr(batch, name), type(batch)), name
