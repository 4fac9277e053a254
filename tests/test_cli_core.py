"""The command line: lists, a run's three files, and bad input (exit 2, nothing written)."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from stpgame.cli import main
from stpgame.scenarios import names


def test_scenarios_lists_every_preset(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in names():
        assert name in out
    assert "Fortress (England 2017)" in out


def test_params_lists_range_default_and_source(capsys):
    assert main(["params", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["system_weight"]["allowed"] == "float in [0, 1]"
    assert "[003]" in rows["system_weight"]["source"]


def test_strategies_lists_sources(capsys):
    assert main(["strategies"]) == 0
    assert "Nowak & Sigmund (1993)" in capsys.readouterr().out


def test_run_writes_model_agents_and_manifest(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(
        [
            "run",
            "--scenario",
            "simple_vs_complex",
            "--rounds",
            "5",
            "--seed",
            "3",
            "--set",
            "system_weight=0.4",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "agents.parquet",
        "manifest.json",
        "model.parquet",
    ]
    model = pd.read_parquet(out / "model.parquet")
    agents = pd.read_parquet(out / "agents.parquet")
    manifest = json.loads((out / "manifest.json").read_text())
    assert model["round"].tolist() == [1, 2, 3, 4, 5]
    assert len(agents) == 5 * manifest["organisations"]
    assert manifest["seed"] == 3 and manifest["parameters"]["system_weight"] == 0.4
    assert manifest["versions"]["stpgame"] and manifest["timings_s"]["run"] >= 0
    # the manifest is enough to reproduce the run
    again = tmp_path / "again"
    main(
        [
            "run",
            "--scenario",
            manifest["scenario"],
            "--rounds",
            str(manifest["rounds"]),
            "--seed",
            str(manifest["seed"]),
            "--set",
            "system_weight=0.4",
            "--out",
            str(again),
        ]
    )
    pd.testing.assert_frame_equal(model, pd.read_parquet(again / "model.parquet"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenario", "nowhere"], "parameter 'scenario': allowed one of fortress"),
        (["--scenario", "fortress", "--set", "system_weight=2"], "parameter 'system_weight'"),
        (["--scenario", "fortress", "--set", "system_weight"], "key=value"),
        (["--scenario", "fortress", "--set", "noise=nan"], "must be finite"),
        (["--scenario", "fortress", "--set", "colour=red"], "unknown parameter"),
        (["--scenario", "fortress", "--rounds", "0"], "parameter '--rounds'"),
        (["--scenario", "fortress", "--seed", "-4"], "parameter 'seed'"),
        (["--scenario", "fortress", "--set", "n_footprints=3"], "England has 44"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "never"
    assert main(["run", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_run_refuses_a_folder_holding_other_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["run", "--scenario", "canterbury", "--rounds", "2", "--out", str(tmp_path)]) == 2
    assert "holds other files" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_python_dash_m_works_like_the_command(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "stpgame",
            "run",
            "--scenario",
            "fortress",
            "--rounds",
            "2",
            "--set",
            "noise=2",
            "--out",
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "parameter 'noise': allowed float in [0, 0.5]; got '2'" in done.stderr
    assert "Traceback" not in done.stderr


def test_parameter_docs_are_up_to_date(capsys):
    from pathlib import Path

    assert main(["params", "--markdown"]) == 0
    generated = capsys.readouterr().out
    doc = Path(__file__).parents[1] / "docs" / "parameters.md"
    assert doc.read_text() == generated, "run: stpgame params --markdown > docs/parameters.md"
