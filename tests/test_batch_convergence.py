"""Sobol convergence and second-order indices: the check on an analytic function (Ishigami)
through the same sample and analysis code as the model's outputs, the experiment file's keys,
and the command line's warning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stpgame.batch import convergence, sampling
from stpgame.batch.experiment import Sensitivity, Varied, load_experiment
from stpgame.cli import main
from stpgame.core.params import BY_NAME

NAMES = ("savings_multiplier", "funding_growth", "system_weight")
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)  # Ishigami & Homma (1990), a = 7, b = 0.1
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
ISHIGAMI_S13 = 0.2437


def design(n: int, second_order: bool = False, tolerance: float = 0.1):
    """A Sobol design over three real parameters' full ranges, and the Ishigami function of it
    (each range mapped onto [-pi, pi])."""
    varied = tuple(Varied(n, low=float(BY_NAME[n].low), high=float(BY_NAME[n].high)) for n in NAMES)
    sens = Sensitivity(
        "sobol", n, 4, "final", ("y",), varied, second_order=second_order, tolerance=tolerance
    )
    x = sampling.salib_sample(sens, 7)
    u = np.column_stack(
        [(x[:, k] - v.low) / (v.high - v.low) * 2 * np.pi - np.pi for k, v in enumerate(varied)]
    )
    y = np.sin(u[:, 0]) + 7 * np.sin(u[:, 1]) ** 2 + 0.1 * u[:, 2] ** 4 * np.sin(u[:, 0])
    return sens, y


def test_the_first_base_samples_are_the_design_of_a_smaller_n():
    """SALib writes each base sample's D + 2 rows together: the first N/2 base samples' rows
    are exactly the design SALib draws for N/2 from the same seed."""
    big, _ = design(64)
    small, _ = design(32)
    x_big, x_small = sampling.salib_sample(big, 7), sampling.salib_sample(small, 7)
    assert len(x_big) == 64 * big.rows_per_base_sample == 64 * (3 + 2)
    np.testing.assert_array_equal(x_big[: len(x_small)], x_small)


def test_a_settled_analytic_function_gives_no_warning_and_the_known_indices():
    sens, y = design(1024)
    table, problems = convergence.check(sens, sampling.salib_problem(sens), {"y": y}, 7)
    assert problems == []
    assert table["settled"].all()
    full = table.set_index(["index", "parameter"])["value_full"]
    for k, name in enumerate(NAMES):
        assert full["S1", name] == pytest.approx(ISHIGAMI_S1[k], abs=0.05)
        assert full["ST", name] == pytest.approx(ISHIGAMI_ST[k], abs=0.05)
    assert "settled" in convergence.report(sens, problems, 1).splitlines()[0]


def test_a_tiny_sample_is_not_settled_and_says_why():
    sens, y = design(8)
    table, problems = convergence.check(sens, sampling.salib_problem(sens), {"y": y}, 7)
    assert problems and not table["settled"].any()
    assert any("CI half-width" in p for p in problems)
    text = convergence.report(sens, problems, 1)
    assert text.startswith("WARNING: Sobol indices have not settled (N = 8)")
    assert "N/4, N/2, N = 2, 4, 8" in text
    # the three stages are really different estimates
    assert not np.allclose(table["value_quarter"], table["value_full"])


def test_too_few_base_samples_to_check_is_a_problem_of_its_own():
    sens, y = design(4, tolerance=1.0)
    table, problems = convergence.check(sens, sampling.salib_problem(sens), {"y": y}, 7)
    assert any("too few to check" in p for p in problems)
    assert table["value_half"].isna().all() and table["value_full"].notna().all()


def test_a_looser_tolerance_accepts_what_a_tight_one_refuses():
    sens, y = design(256, tolerance=0.5)
    assert convergence.check(sens, sampling.salib_problem(sens), {"y": y}, 7)[1] == []
    sens, y = design(256, tolerance=0.01)
    assert convergence.check(sens, sampling.salib_problem(sens), {"y": y}, 7)[1] != []


def test_second_order_indices_of_the_analytic_function():
    sens, y = design(2048, second_order=True)
    assert len(y) == 2048 * (2 * 3 + 2)
    table, _ = convergence.check(sens, sampling.salib_problem(sens), {"y": y}, 7)
    s2 = table[table["index"] == "S2"].set_index(["parameter", "other"])["value_full"]
    assert len(s2) == 3
    assert s2["savings_multiplier", "system_weight"] == pytest.approx(ISHIGAMI_S13, abs=0.08)
    assert abs(s2["savings_multiplier", "funding_growth"]) < 0.08
    assert abs(s2["funding_growth", "system_weight"]) < 0.08


HEAD = """
[experiment]
scenario = "fortress"
rounds = 3
replications = 1
base_seed = 3

[fixed]
structure = "simple"
n_footprints = 1

[outputs]
model = ["cooperation_rate", "collective_welfare"]
"""

SOBOL = """
[sensitivity]
method = "{method}"
N = 8
{extra}
outputs = ["collective_welfare", "cooperation_rate"]

[sensitivity.parameters]
savings_multiplier = [0.1, 3.0]
savings_lag = [0, 3]
"""


def write(tmp_path: Path, method: str = "sobol", extra: str = "") -> Path:
    path = tmp_path / "sens.toml"
    path.write_text(HEAD + SOBOL.format(method=method, extra=extra))
    return path


@pytest.mark.parametrize(
    "extra,runs", [("", 8 * (2 + 2)), ("second_order = true", 8 * (2 * 2 + 2))]
)
def test_second_order_changes_the_run_count(tmp_path, extra, runs):
    exp = load_experiment(write(tmp_path, extra=extra))
    assert exp.n_runs == runs
    assert exp.spec()["sensitivity"]["second_order"] is bool(extra)


@pytest.mark.parametrize(
    "method,extra,key",
    [
        ("morris", "second_order = true", "sensitivity.second_order"),
        ("morris", "tolerance = 0.1", "sensitivity.tolerance"),
        ("sobol", 'second_order = "yes"', "sensitivity.second_order"),
        ("sobol", "tolerance = 0", "sensitivity.tolerance"),
        ("sobol", "tolerance = 1.5", "sensitivity.tolerance"),
        ("sobol", 'tolerance = "0.1"', "sensitivity.tolerance"),
    ],
)
def test_bad_sobol_options_are_refused_by_key(tmp_path, capsys, method, extra, key):
    out = tmp_path / "out"
    assert main(["sensitivity", str(write(tmp_path, method, extra)), "--out", str(out)]) == 2
    assert f"key '{key}'" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.slow
def test_sensitivity_warns_when_sobol_indices_have_not_settled(tmp_path, capsys):
    out = tmp_path / "sobol"
    path = write(tmp_path, extra="second_order = true")
    assert main(["sensitivity", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning: Sobol indices have not settled (N = 8" in err
    assert "sensitivity_convergence.txt" in err
    verdict = (out / "sensitivity_convergence.txt").read_text()
    assert verdict.startswith("WARNING: Sobol indices have not settled")
    conv = pd.read_csv(out / "sensitivity_convergence.csv")
    assert set(conv["index"]) == {"S1", "ST", "S2"} and not conv["settled"].any()
    s2 = pd.read_csv(out / "sensitivity_second_order.csv")
    assert list(s2.columns) == ["output", "parameter", "other", "S2", "S2_conf"]
    assert len(s2) == 2  # one pair, two outputs
    indices = pd.read_csv(out / "sensitivity.csv").set_index(["output", "parameter"])
    full = conv[conv["index"] == "S1"].set_index(["output", "parameter"])["value_full"]
    np.testing.assert_allclose(indices.loc[full.index, "S1"], full)  # one analysis, not two
    assert "NOT SETTLED" in (out / "figures" / "sensitivity.svg").read_text()
