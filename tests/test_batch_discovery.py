"""Scenario discovery (PRIM): known answers on synthetic tables, the box choice, and
`stpgame discover` end to end on a tiny sweep: files, plain-English summary, exit codes,
nothing written on error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stpgame.batch import discovery
from stpgame.cli import main
from stpgame.errors import ConflictError, ParameterError

# --- checks made before any file is read (fast) ------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,error,name",
    [
        ({}, ConflictError, None),
        ({"below": 1, "above": 2}, ConflictError, None),
        ({"below": "x"}, ParameterError, "below"),
        ({"above": float("nan")}, ParameterError, "above"),
        ({"below": 1, "threshold": 0}, ParameterError, "threshold"),
        ({"below": 1, "threshold": 1.5}, ParameterError, "threshold"),
        ({"below": 1, "statistic": "last"}, ParameterError, "statistic"),
        ({"below": 1, "box": -1}, ParameterError, "box"),
    ],
)
def test_bad_questions_are_refused_before_reading_anything(tmp_path, kwargs, error, name):
    with pytest.raises(error) as info:
        discovery.discover(tmp_path / "nowhere", "cooperation_rate", **kwargs)
    if name:
        assert info.value.name == name


def trajectory(density, k):
    return pd.DataFrame({"density": density, "k": k})


def test_the_box_reported_holds_most_cases_among_those_dense_enough():
    t = trajectory([0.3, 0.6, 0.82, 0.97, 1.0], [100, 100, 100, 100, 90])
    assert discovery.choose(t, 0.8, None) == (3, True)  # same coverage as box 2, denser
    assert discovery.choose(t, 0.99, None) == (4, True)
    assert discovery.choose(trajectory([0.3, 0.5, 0.4], [9, 8, 5]), 0.8, None) == (1, False)
    assert discovery.choose(t, 0.8, 1) == (1, False)
    with pytest.raises(ParameterError, match="0 to 4"):
        discovery.choose(t, 0.8, 5)


# --- PRIM on tables with a known answer (slow: ema_workbench takes seconds to import) ----------


def synthetic(n=600, seed=1):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x1": rng.uniform(0, 1, n),
            "x2": rng.uniform(0, 1, n),
            "lag": rng.integers(0, 7, n),
            "rule": rng.choice(["individual", "system"], n),
        }
    )


def reported(x, y, threshold=0.8):
    traj, limits, qp, initial = discovery.run_prim(x, y, threshold)
    chosen, met = discovery.choose(traj, threshold, None)
    table = discovery.box_table(traj, limits, qp, initial, chosen)
    return table.iloc[chosen], discovery.restrictions(limits[chosen], initial), met


@pytest.mark.slow
def test_prim_finds_x1_below_0_3_when_that_is_exactly_the_rule():
    x = synthetic()
    row, restricted, met = reported(x, (x["x1"] < 0.3).to_numpy())
    assert met and list(restricted) == ["x1"]
    low, high = restricted["x1"]
    assert low is None and high == pytest.approx(0.3, abs=0.03)
    assert row["density"] >= 0.95 and row["coverage"] >= 0.9
    assert row["x1_qp"] < 1e-6  # the restriction is significant


@pytest.mark.slow
def test_prim_finds_a_text_input_and_a_whole_number_range_together():
    x = synthetic(seed=2)
    y = ((x["rule"] == "system") & (x["lag"] >= 4)).to_numpy()
    row, restricted, met = reported(x, y)
    assert met and set(restricted) == {"rule", "lag"}
    assert restricted["rule"] == (["system"], None)
    assert restricted["lag"][0] in (3, 4) and restricted["lag"][1] is None
    assert row["rule"] == "system"


@pytest.mark.slow
def test_noise_gives_no_dense_box_and_says_so():
    x = synthetic(seed=3)
    y = np.random.default_rng(4).random(len(x)) < 0.3  # unrelated to any input
    row, _, met = reported(x, y)
    assert not met and row["density"] < 0.8


# --- stpgame discover end to end -------------------------------------------------------------
SWEEP = """
[experiment]
scenario = "fortress"
rounds = 3
replications = 2
base_seed = 11
levers = ["control_total"]
uncertainties = ["savings_multiplier", "savings_lag"]

[fixed]
structure = "simple"
n_footprints = 1

[vary]
control_total = ["individual", "system"]
savings_multiplier = [0.1, 1.0, 2.0, 3.0]
savings_lag = [0, 3]

[outputs]
model = ["cooperation_rate", "collective_welfare", "price_of_fortress"]

[outcomes.council_money]
function = "batch_outcomes:council_money"
per = "run"
label = "Councils' money"
unit = "£m"

[outcomes.pooled_money]
function = "batch_outcomes:pooled_money"
per = "year"
label = "Money pooled"
unit = "£m per year"
"""


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("discover")
    path = folder / "levers.toml"
    path.write_text(SWEEP)
    out = folder / "levers"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


def cases_split(out: Path, output: str) -> float:
    """A value of ``output`` that splits the sweep's runs (their median)."""
    runs = pd.read_parquet(out / "runs.parquet")
    return float(np.median(runs[f"{output}_final"]))


@pytest.mark.slow
def test_discover_writes_the_box_table_figure_and_summary(sweep, capsys):
    split = cases_split(sweep, "price_of_fortress")
    assert (
        main(["discover", str(sweep), "--outcome", "price_of_fortress", "--above", str(split)]) == 0
    )
    said = capsys.readouterr().out
    folder = sweep / "discovery" / f"price_of_fortress_final_above_{split:g}"
    names = {p.name for p in folder.iterdir()}
    assert names == {
        "boxes.csv",
        "summary.txt",
        "by_lever.csv",
        "resample.csv",
        "peeling_trajectory.png",
        "peeling_trajectory.svg",
    }
    boxes = pd.read_csv(folder / "boxes.csv")
    for col in ("box", "chosen", "coverage", "density", "mass", "restricted"):
        assert col in boxes.columns
    # the uncertainties are searched by default, not the lever
    assert {"savings_multiplier_min", "savings_lag_max", "savings_lag_qp"} <= set(boxes.columns)
    assert "control_total" not in boxes.columns
    assert boxes["chosen"].sum() == 1
    assert boxes.loc[0, "coverage"] == 1.0 and boxes.loc[0, "mass"] == 1.0
    assert (boxes["density"] >= boxes.loc[0, "density"] - 1e-12).all()
    summary = (folder / "summary.txt").read_text()
    assert said.startswith(summary)
    assert "Cases of interest: runs whose Price of fortress behaviour, final year is above" in said
    # ranges as the experiment declared them, labels as written, resampled restrictions
    assert "swept)" in said and "restricted again in 10 half-samples: " in said
    resampled = pd.read_csv(folder / "resample.csv")
    assert set(resampled["input"]) == {"savings_multiplier", "savings_lag"}
    assert resampled["reproduce_coverage"].between(0, 1).all()
    assert "the experiment's uncertainties" in said and "Per policy (control_total" in said
    by_lever = pd.read_csv(folder / "by_lever.csv")
    assert list(by_lever["control_total"]) == ["individual", "system"]
    assert by_lever["runs"].sum() == 32
    svg = (folder / "peeling_trajectory.svg").read_text()
    assert "Coverage" in svg and "Density" in svg and "Savings multiplier" in svg
    # the sweep folder still resumes with a discovery in it
    capsys.readouterr()
    assert main(["sweep", str(sweep.parent / "levers.toml"), "--out", str(sweep)]) == 0
    assert "already finished" in capsys.readouterr().out


@pytest.mark.slow
def test_discover_again_replaces_the_folder_whole(sweep, capsys):
    split = cases_split(sweep, "collective_welfare")
    args = ["discover", str(sweep), "--outcome", "collective_welfare", "--below", str(split)]
    args += ["--inputs", "savings_multiplier,control_total"]
    assert main([*args, "--box", "0"]) == 0
    folder = sweep / "discovery" / f"collective_welfare_final_below_{split:g}"
    first = pd.read_csv(folder / "boxes.csv")
    assert first.loc[0, "chosen"] and "control_total" in first.columns
    assert main([*args, "--box", "1"]) == 0
    again = pd.read_csv(folder / "boxes.csv")
    assert again["chosen"].tolist().index(True) == 1
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
@pytest.mark.parametrize(
    "args,said",
    [
        (["--outcome", "cooperaton_rate", "--below", "0.5"], "did you mean 'cooperation_rate'"),
        (["--outcome", "cooperation_rate", "--below", "-1"], "no run has cooperation_rate_final"),
        (["--outcome", "cooperation_rate", "--below", "2"], "all 32 runs have"),
        (["--outcome", "cooperation_rate", "--above", "0.2", "--inputs", "noise"], "--inputs"),
        (["--outcome", "cooperation_rate", "--above", "0.75", "--box", "500"], "--box"),
        (["--outcome", "cooperation_rate", "--above", "0.2", "--threshold", "0"], "--threshold"),
        (["--outcome", "cooperation_rate"], "one of the arguments --below --above is required"),
    ],
)
def test_discover_errors_exit_2_and_write_nothing(sweep, capsys, args, said):
    import shutil

    shutil.rmtree(sweep / "discovery", ignore_errors=True)
    assert main_exit(["discover", str(sweep), *args]) == 2
    assert said in capsys.readouterr().err
    assert not (sweep / "discovery").exists()


def main_exit(argv) -> int:
    """``main``'s status, also when argparse exits on its own (a missing option)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)


@pytest.mark.slow
def test_discover_refuses_folders_that_are_not_a_finished_sweep_with_varied_inputs(
    tmp_path, capsys
):
    single = tmp_path / "single.toml"
    single.write_text(
        "[experiment]\nrounds = 2\nreplications = 3\nbase_seed = 1\n"
        '[fixed]\nstructure = "simple"\nn_footprints = 1\n'
    )
    out = tmp_path / "single"
    assert main(["sweep", str(single), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["discover", str(out), "--outcome", "cooperation_rate", "--above", "0.1"]) == 2
    assert "varies no parameter" in capsys.readouterr().err
    assert not (out / "discovery").exists()
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "missing"):
        assert main(["discover", str(folder), "--outcome", "cooperation_rate", "--above", "0"]) == 2
        assert "not a sweep result folder" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment"]["varied"] == {}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("outcome", "column", "said"),
    [
        ("council_money", "council_money", "Councils' money is above"),
        ("pooled_money", "pooled_money_final", "Money pooled, final year is above"),
    ],
)
def test_discover_searches_custom_outcomes_in_their_own_words(sweep, capsys, outcome, column, said):
    runs = pd.read_parquet(sweep / "runs.parquet")
    split = float(np.median(runs[column]))
    assert main(["discover", str(sweep), "--outcome", outcome, "--above", str(split)]) == 0
    out = capsys.readouterr().out
    assert f"Cases of interest: runs whose {said} {split:g} £m" in out
    folder = sweep / "discovery" / f"{column}_above_{split:g}"
    boxes = pd.read_csv(folder / "boxes.csv")
    # box 0 is everything: its density is the share of runs of interest
    assert boxes.loc[0, "density"] == pytest.approx(float((runs[column] > split).mean()))


def test_a_sampled_lever_is_reported_in_four_groups_not_value_by_value():
    from stpgame.batch.discovery import LEVER_BINS, _grouped_levers

    runs = pd.DataFrame({"system_weight": np.linspace(0, 1, 16), "control_total": ["system"] * 16})
    grouped = _grouped_levers(runs, ["system_weight", "control_total"])
    assert grouped["system_weight"].nunique() == LEVER_BINS
    assert grouped["system_weight"].iloc[0] == "1: 0 to 0.2"
    assert (grouped["control_total"] == "system").all()  # few values: kept as they are
    few = pd.DataFrame({"system_weight": [0.0, 1.0] * 4})
    assert _grouped_levers(few, ["system_weight"])["system_weight"].tolist() == [0.0, 1.0] * 4


def test_restrictions_say_the_declared_range_and_no_nested_parentheses():
    from stpgame.batch.boxes import input_label, restriction_text

    initial = pd.DataFrame({"savings_multiplier": [0.13, 2.96], "savings_lag": [1, 5]})
    text = restriction_text("savings_multiplier", 1.5, None, initial, [0.1, 3.0])
    assert text == "Savings multiplier (£ saved per £ pooled) at least 1.5 (of 0.1 to 3 swept)"
    assert "((" not in input_label("savings_lag") and "))" not in input_label("savings_lag")
    assert restriction_text("savings_lag", None, 3, initial, [1, 2, 3, 4, 5]).endswith(
        "at most 3 (of 1 to 5 swept)"
    )
