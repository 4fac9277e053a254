"""Policy levers and uncertainties: marked in the experiment file, carried into the manifest,
the Parquet metadata, summaries and figures; unmarked files work as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stpgame.batch.experiment import load_experiment
from stpgame.cli import main

ROOT = Path(__file__).resolve().parents[1]

ROLES = """
[experiment]
scenario = "fortress"
rounds = 3
replications = 2
base_seed = 11
{roles}

[fixed]
structure = "simple"
n_footprints = 1

[vary]
control_total = ["individual", "system"]
savings_multiplier = [0.5, 2.0]
savings_lag = [0, 3]

[outputs]
model = ["cooperation_rate", "collective_welfare", "mean_individual_score", "price_of_fortress"]
"""
MARKED = 'levers = ["control_total"]\nuncertainties = ["savings_multiplier", "savings_lag"]'


def write(tmp_path: Path, roles: str) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES.format(roles=roles))
    return path


def test_levers_and_uncertainties_are_read_in_the_order_varied(tmp_path):
    exp = load_experiment(write(tmp_path, 'uncertainties = ["savings_lag", "savings_multiplier"]'))
    assert exp.uncertainties == ("savings_multiplier", "savings_lag")  # order of [vary]
    assert exp.levers == ()
    exp = load_experiment(write(tmp_path, MARKED))
    assert exp.levers == ("control_total",)
    assert exp.roles == {
        "control_total": "lever",
        "savings_multiplier": "uncertainty",
        "savings_lag": "uncertainty",
    }
    spec = exp.spec()
    assert spec["levers"] == ["control_total"]
    assert spec["uncertainties"] == ["savings_multiplier", "savings_lag"]


def test_an_unmarked_file_has_no_roles():
    exp = load_experiment(ROOT / "experiments" / "tiny.toml")
    assert exp.roles == {} and exp.levers == () and exp.uncertainties == ()
    assert exp.spec()["levers"] == [] and exp.spec()["uncertainties"] == []


@pytest.mark.parametrize(
    "roles,key,said",
    [
        ('levers = ["noise"]', "experiment.levers", "parameters varied in [vary]"),
        (
            'levers = ["savings_lag"]\nuncertainties = ["savings_lag"]',
            "experiment.uncertainties",
            "already a lever",
        ),
        (
            'uncertainties = ["savings_multiplyer"]',
            "experiment.uncertainties",
            "did you mean 'savings_multiplier'",
        ),
        ('levers = "control_total"', "experiment.levers", "a list of texts"),
        ('levers = ["control_total", "control_total"]', "experiment.levers", "already a lever"),
    ],
)
def test_bad_roles_are_refused_by_key_and_nothing_is_written(tmp_path, capsys, roles, key, said):
    out = tmp_path / "out"
    assert main(["sweep", str(write(tmp_path, roles)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"key '{key}'" in err and said in err
    assert not out.exists()


def test_an_experiment_without_varied_parameters_has_no_roles(tmp_path, capsys):
    path = tmp_path / "single.toml"
    path.write_text(
        '[experiment]\nrounds = 2\nreplications = 1\nbase_seed = 1\nlevers = ["noise"]\n'
        '[fixed]\nstructure = "simple"\nn_footprints = 1\n'
    )
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "this experiment varies no parameter" in capsys.readouterr().err


@pytest.mark.slow
def test_roles_reach_the_manifest_the_parquet_metadata_the_summary_and_the_figures(
    tmp_path, capsys
):
    import pyarrow.parquet as pq

    out = tmp_path / "marked"
    path = write(tmp_path, MARKED)
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    spec = json.loads((out / "manifest.json").read_text())["experiment"]
    assert spec["levers"] == ["control_total"]
    assert spec["uncertainties"] == ["savings_multiplier", "savings_lag"]
    for table in ("runs.parquet", "rounds.parquet"):
        schema = pq.read_schema(out / table)
        assert json.loads(schema.metadata[b"levers"]) == ["control_total"]
        assert json.loads(schema.metadata[b"uncertainties"]) == spec["uncertainties"]
        assert schema.field("control_total").metadata[b"role"] == b"lever"
        assert schema.field("savings_lag").metadata[b"role"] == b"uncertainty"
        assert schema.field("savings_lag").metadata[b"unit"]  # still described
    fixed = pq.read_schema(out / "runs.parquet").field("structure")  # every parameter is here
    assert b"role" not in fixed.metadata and fixed.metadata[b"label"]
    capsys.readouterr()
    assert main(["summarise", str(out)]) == 0
    assert "policy levers: control_total; uncertainties: savings_multiplier, savings_lag" in (
        capsys.readouterr().out
    )
    assert main(["plot", str(out)]) == 0
    svg = (out / "figures" / "outcomes_final.svg").read_text()
    # three varied parameters: one point per condition, x an uncertainty, colour the lever
    assert "Savings multiplier" in svg and "(policy lever)" in svg
    assert "individual" in svg and "system" in svg
