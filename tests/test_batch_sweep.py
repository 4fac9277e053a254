"""End-to-end sweeps through the command line: files, reproducibility, resume, summaries, figures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stpgame import STPModel
from stpgame.batch.experiment import load_experiment
from stpgame.batch.seeds import run_seed
from stpgame.cli import main

# End-to-end sweeps, sensitivity runs and figures: ~30 s in all.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "experiments" / "tiny.toml"


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory):
    """The tiny experiment swept once in this process (1 worker)."""
    out = tmp_path_factory.mktemp("sweep") / "tiny"
    assert main(["sweep", str(TINY), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


def test_sweep_writes_tidy_parquet_and_a_manifest(tiny_sweep):
    exp = load_experiment(TINY)
    rounds = pd.read_parquet(tiny_sweep / "rounds.parquet")
    runs = pd.read_parquet(tiny_sweep / "runs.parquet")
    manifest = json.loads((tiny_sweep / "manifest.json").read_text())
    assert len(rounds) == exp.n_runs * (exp.rounds + 1) and len(runs) == exp.n_runs
    head = ["run", "condition", "system_weight", "funding_growth", "replication", "seed", "round"]
    assert list(rounds.columns[:7]) == head
    assert {"cooperation_rate", "balance_council", "score_acute"} <= set(rounds.columns)
    assert {"cooperation_rate_final", "cooperation_rate_mean", "balance_ccg_final"} <= set(
        runs.columns
    )
    last = rounds[rounds["round"] == exp.rounds].set_index("run")
    assert np.allclose(
        last["collective_welfare"], runs.set_index("run")["collective_welfare_final"]
    )
    played = rounds[rounds["round"] >= 1]  # "mean" is over the years played, not year 0
    means = played.groupby("run")["pooled_share"].mean()
    assert np.allclose(means, runs.set_index("run")["pooled_share_mean"])
    assert manifest["experiment"]["sha256"] == exp.sha256
    assert manifest["experiment"]["content"] == TINY.read_text()
    assert manifest["seeds"]["runs"] == [run_seed(exp.base_seed, i) for i in range(exp.n_runs)]
    assert manifest["versions"]["stpgame"] and manifest["versions"]["platform"]
    assert "git" in manifest and manifest["timings"]["runs_this_invocation"] == exp.n_runs
    assert not (tiny_sweep / "parts").exists()
    assert not [p for p in tiny_sweep.iterdir() if ".tmp-" in p.name]


def test_sweep_tables_describe_every_column_and_name_scenario_and_version(tiny_sweep):
    import pyarrow.parquet as pq

    from stpgame import __version__
    from stpgame.core.outputs import describe

    exp = load_experiment(TINY)
    for name in ("rounds.parquet", "runs.parquet"):
        schema = pq.read_schema(tiny_sweep / name)
        meta = {k.decode(): v.decode() for k, v in schema.metadata.items()}
        assert meta["stpgame_version"] == __version__ and meta["scenario"] == "fortress"
        assert meta["experiment"] == "tiny" and meta["experiment_digest"] == exp.digest
        for field in schema:
            got = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
            assert set(got) == {"label", "unit", "description"}, field.name
            assert all(got.values()), field.name
    runs = pq.read_schema(tiny_sweep / "runs.parquet")
    field = {f.name: {k.decode(): v.decode() for k, v in f.metadata.items()} for f in runs}
    assert field["funding_growth"]["unit"] == "per year"
    assert field["collective_welfare_final"]["unit"] == "£m per year"
    assert field["cooperation_rate_mean"]["label"] == "Cooperation, mean over years"
    assert (
        field["balance_council_final"]["description"]
        == describe("balance_council_final").description
    )
    assert field["seed"]["label"] == "Seed"


def test_each_run_row_carries_the_scenario_and_every_parameter(tiny_sweep):
    from stpgame.core import scenarios
    from stpgame.core.params import BY_NAME, validate

    exp = load_experiment(TINY)
    runs = pd.read_parquet(tiny_sweep / "runs.parquet").set_index("run")
    assert set(BY_NAME) <= set(runs.columns)
    assert (runs["scenario"] == "fortress").all()
    base = validate(scenarios.get(exp.scenario).params)
    for run in range(exp.n_runs):
        played = validate(exp.overrides(run), base=base).as_dict()  # what the model played
        assert {k: runs.at[run, k] for k in BY_NAME} == played, run
    # the fixed values and the scenario's own ones are there, not only the varied ones
    assert (runs["n_footprints"] == 2).all() and (runs["structure"] == "simple").all()
    assert runs["funding_growth"].nunique() == 2


def test_each_run_equals_the_model_run_directly(tiny_sweep):
    exp = load_experiment(TINY)
    rounds = pd.read_parquet(tiny_sweep / "rounds.parquet")
    for run in (0, 7, exp.n_runs - 1):
        model = STPModel.from_scenario(exp.scenario, seed=exp.seed(run), **exp.overrides(run))
        expected = model.run(exp.rounds).model_dataframe()
        got = rounds[rounds["run"] == run]
        assert (got["seed"] == exp.seed(run)).all()
        assert list(got["round"]) == list(range(exp.rounds + 1))
        year0, got = got.iloc[0], got.iloc[1:]
        for column in exp.model_outputs:
            assert np.array_equal(got[column].to_numpy(), expected[column].to_numpy()), column
        # year 0, before the first decision: flows of a played year are missing
        assert year0[list(exp.model_outputs)].isna().all()
        org = model.org_dataframe()
        council = org[org["org_type"] == "council"].groupby("round")["balance"].mean()
        assert np.allclose(got["balance_council"].to_numpy(), council.to_numpy())


def test_one_and_two_workers_give_identical_results(tiny_sweep, tmp_path):
    out = tmp_path / "two"
    assert (
        main(["sweep", str(TINY), "--out", str(out), "--workers", "2", "--chunk", "2", "--quiet"])
        == 0
    )
    for name in ("rounds.parquet", "runs.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tiny_sweep / name), pd.read_parquet(out / name)
        )
    assert json.loads((out / "manifest.json").read_text())["engine"] == {
        "engine": "local",
        "workers": 2,
    }


def test_rerun_skips_finished_runs(tiny_sweep, tmp_path, capsys):
    out = tmp_path / "again"
    shutil.copytree(tiny_sweep, out)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert main(["sweep", str(TINY), "--out", str(out), "--quiet"]) == 0
    assert "nothing to run" in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_resume_runs_only_missing_runs(tiny_sweep, tmp_path, capsys):
    """A folder holding some finished parts (as a killed sweep leaves it) is completed."""
    exp = load_experiment(TINY)
    out = tmp_path / "partial"
    (out / "parts").mkdir(parents=True)
    shutil.copy(TINY, out / "experiment.toml")
    rounds = pd.read_parquet(tiny_sweep / "rounds.parquet")
    part = rounds[rounds["run"].between(0, 4)][["run", "round", *exp.output_columns()]]
    part.to_parquet(out / "parts" / "part-0000000-0000004.parquet", index=False)
    (out / "parts" / ".part-0000005-0000006.parquet.tmp-999").write_bytes(b"half-written")
    assert main(["sweep", str(TINY), "--out", str(out), "--quiet"]) == 0
    assert f"{exp.n_runs - 5} runs" in capsys.readouterr().out
    for name in ("rounds.parquet", "runs.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tiny_sweep / name), pd.read_parquet(out / name)
        )
    assert not (out / "parts").exists()


def test_a_different_experiment_into_the_same_folder_is_refused(tiny_sweep, tmp_path, capsys):
    out = tmp_path / "taken"
    shutil.copytree(tiny_sweep, out)
    other = tmp_path / "other.toml"
    other.write_text(TINY.read_text().replace("replications = 3", "replications = 2"))
    before = sorted(p.name for p in out.iterdir())
    assert main(["sweep", str(other), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "different experiment file" in err and "sha256" in err
    assert sorted(p.name for p in out.iterdir()) == before
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "thesis.docx").write_text("mine")
    assert main(["sweep", str(TINY), "--out", str(stranger), "--quiet"]) == 2
    assert "thesis.docx" in capsys.readouterr().err
    assert sorted(p.name for p in stranger.iterdir()) == ["thesis.docx"]


def test_an_out_that_cannot_be_written_is_refused_before_any_run(tmp_path, capsys):
    (tmp_path / "results").write_text("a file, not a folder")
    out = tmp_path / "results" / "tiny"
    assert main(["sweep", str(TINY), "--out", str(out), "--quiet"]) == 2
    assert f"--out {out}: {tmp_path / 'results'} is not a folder" in capsys.readouterr().err
    if Path("/proc/self").is_dir():
        assert main(["sweep", str(TINY), "--out", "/proc/stpgame-sweep", "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("stpgame sweep: error: --out /proc/stpgame-sweep: cannot write there")
        assert err.count("\n") == 1


def test_summarise_gives_t_intervals_per_condition(tiny_sweep, tmp_path, capsys):
    from scipy import stats

    out = tmp_path / "summ"
    shutil.copytree(tiny_sweep, out)
    assert main(["summarise", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "system_weight" in printed and "95% CI" in printed
    assert "units: cooperation_rate: % of organisations" in printed
    table = pd.read_csv(out / "summary_final.csv")
    assert set(table["unit"][table["output"] == "collective_welfare"]) == {"£m per year"}
    runs = pd.read_parquet(out / "runs.parquet")
    exp = load_experiment(TINY)
    assert len(table) == len(exp.conditions) * len(exp.output_columns())
    row = table[(table["condition"] == 2) & (table["output"] == "collective_welfare")].iloc[0]
    values = runs.loc[runs["condition"] == 2, "collective_welfare_final"]
    low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    assert row["n"] == exp.replications
    assert row["mean"] == pytest.approx(values.mean())
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["system_weight"] == 1.0 and row["funding_growth"] == -0.01
    assert main(["summarise", str(out), "--outputs", "score_council", "--stat", "mean"]) == 0
    assert set(pd.read_csv(out / "summary_mean.csv")["output"]) == {"score_council"}
    # the mean summary has its own file: the final one is still there, whole
    pd.testing.assert_frame_equal(pd.read_csv(out / "summary_final.csv"), table)
    assert not (out / "summary.csv").exists()
    assert main(["summarise", str(out), "--outputs", "nonsense"]) == 2
    assert main(["summarise", str(tmp_path / "nowhere")]) == 2


def test_plot_writes_png_and_svg_with_labelled_axes(tiny_sweep, tmp_path):
    out = tmp_path / "plots"
    shutil.copytree(tiny_sweep, out)
    assert main(["plot", str(out)]) == 0
    names = {p.name for p in (out / "figures").iterdir()}
    for stem in ("outcomes_final", "collective_vs_individual_final", "over_rounds"):
        assert {f"{stem}.png", f"{stem}.svg"} <= names
        assert (out / "figures" / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (out / "figures" / "outcomes_final.svg").read_text()
    ET.fromstring(svg)  # well-formed
    for text in (
        "Collective welfare",
        "£m per year",
        "System weight (0 = own body, 1 = whole system)",
        "Funding growth (% per year)",  # the parameter's unit, in percent
        "-1%",  # funding_growth = -0.01 shown as a percentage
        "% of organisations",  # cooperation, a share, in percent
        "Mean regulatory score",
    ):
        assert text in svg, text
    assert "funding_growth" not in svg and "share of organisations" not in svg
    over = (out / "figures" / "over_rounds.svg").read_text()
    assert "Year (round)" in over and "never pooled" in over
    assert "95% CI band over its 3 replications" in over
    final = {p.name: p.read_bytes() for p in (out / "figures").iterdir()}
    assert main(["plot", str(out), "--stat", "mean"]) == 0
    assert (out / "figures" / "outcomes_mean.svg").is_file()
    for name in ("outcomes_final.svg", "collective_vs_individual_final.svg"):
        assert (out / "figures" / name).read_bytes() == final[name]  # not overwritten
    assert "mean over years" in (out / "figures" / "outcomes_mean.svg").read_text()


FACETS = """
[experiment]
scenario = "fortress"
rounds = 2
replications = 2
base_seed = 5

[fixed]
structure = "simple"
n_footprints = 1

[vary]
design = "{design}"
{vary}

[outputs]
model = ["cooperation_rate", "collective_welfare", "mean_individual_score"]
"""
GRID_12 = "system_weight = [0.0, 0.5, 1.0]\nfunding_growth = [-0.01, 0.011]\nnoise = [0.0, 0.1]"
LHS_10 = "samples = 10\nsystem_weight = {low = 0.0, high = 1.0}\nnoise = {low = 0.0, high = 0.2}"


@pytest.mark.parametrize(
    ("design", "vary", "banded"), [("grid", GRID_12, True), ("latin_hypercube", LHS_10, False)]
)
def test_over_rounds_never_pools_runs_of_different_conditions(tmp_path, design, vary, banded):
    """More conditions than colours: panels per value of the other parameters (grid) or
    one line per condition without bands (sample); each line is exactly one condition."""
    from stpgame.batch import figures

    path = tmp_path / "exp.toml"
    path.write_text(FACETS.format(design=design, vary=vary))
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    varied = list(load_experiment(path).varied_names)
    facet, line, got_banded, _ = figures._layout(figures.scaled(runs, varied), varied)
    assert got_banded is banded
    cells = pd.DataFrame({"facet": facet, "line": line, "condition": runs["condition"]})
    per_cell = cells.groupby(["facet", "line"])["condition"].nunique()
    assert (per_cell == 1).all() and len(per_cell) == runs["condition"].nunique()
    if design == "grid":
        assert len(set(facet)) == 4 and "Funding growth = -1%, Noise = 10%" in set(facet)
    assert main(["plot", str(out)]) == 0
    svg = (out / "figures" / "over_rounds.svg").read_text()
    assert "never pooled" in svg
    assert ("95% CI band" in svg) is banded


def _not_a_sweep(kind: str, tiny_sweep: Path, tmp_path: Path) -> Path:
    """A folder that summarise/plot must refuse: see the parametrisation below."""
    folder = tmp_path / kind
    if kind == "run_output":
        assert main(["run", "--scenario", "fortress", "--rounds", "2", "--out", str(folder)]) == 0
    elif kind == "empty":
        folder.mkdir()
    elif kind == "a_file":
        folder.write_text("not a folder")
    elif kind != "missing":
        shutil.copytree(tiny_sweep, folder)
        if kind == "corrupt_manifest":
            (folder / "manifest.json").write_text('{"experiment": {"name": "tin')
        elif kind == "damaged_runs":
            (folder / "runs.parquet").write_bytes(b"not parquet")
        elif kind == "unfinished":  # killed before consolidating
            (folder / "manifest.json").unlink()
            (folder / "runs.parquet").unlink()
            (folder / "parts").mkdir()
    return folder


@pytest.mark.parametrize("command", ["summarise", "plot"])
@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("run_output", "not a sweep result folder (no runs.parquet); run `stpgame sweep FILE"),
        ("empty", "not a sweep result folder (no runs.parquet)"),
        ("missing", "not a sweep result folder (no such folder)"),
        ("a_file", "not a sweep result folder (not a folder)"),
        ("corrupt_manifest", "inconsistent sweep folder: manifest.json is not valid JSON"),
        ("damaged_runs", "inconsistent sweep folder: runs.parquet is not a readable Parquet"),
        ("unfinished", "sweep not finished (no manifest.json yet); run the same `stpgame sweep`"),
    ],
)
def test_summarise_and_plot_refuse_what_is_not_a_sweep_result(
    tiny_sweep, tmp_path, capsys, command, kind, message
):
    folder = _not_a_sweep(kind, tiny_sweep, tmp_path)
    before = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None
    capsys.readouterr()
    assert main([command, str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"stpgame {command}: error: {folder}")
    assert message in err and err.count("\n") == 1
    after = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None
    assert after == before  # no summary.csv or figures/ left behind


def test_plot_names_a_missing_rounds_table(tiny_sweep, tmp_path, capsys):
    out = tmp_path / "no_rounds"
    shutil.copytree(tiny_sweep, out)
    (out / "rounds.parquet").unlink()
    assert main(["plot", str(out)]) == 2
    assert "inconsistent sweep folder: rounds.parquet is missing" in capsys.readouterr().err
    assert not (out / "figures").exists()


def test_summarise_of_a_run_folder_from_a_real_process(tmp_path):
    folder = _not_a_sweep("run_output", Path(), tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "stpgame", "summarise", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "not a sweep result folder (no runs.parquet)" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


SENSITIVITY = """
[experiment]
scenario = "fortress"
rounds = 4
replications = 1
base_seed = 3

[fixed]
structure = "simple"
n_footprints = 1

[outputs]
model = ["cooperation_rate", "collective_welfare"]

[sensitivity]
method = "{method}"
N = {n}
outputs = ["collective_welfare", "cooperation_rate"]

[sensitivity.parameters]
savings_multiplier = [0.1, 3.0]
savings_lag = [0, 3]
"""


@pytest.mark.parametrize("method,n,points", [("morris", 4, 12), ("sobol", 8, 32)])
def test_sensitivity_writes_indices_and_a_figure(tmp_path, capsys, method, n, points):
    path = tmp_path / f"{method}.toml"
    path.write_text(SENSITIVITY.format(method=method, n=n))
    out = tmp_path / method
    assert main(["sensitivity", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert "savings_multiplier" in capsys.readouterr().out
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == points
    assert set(runs["savings_lag"]) <= {0, 1, 2, 3}
    table = pd.read_parquet(out / "sensitivity.parquet")
    pd.testing.assert_frame_equal(table, pd.read_csv(out / "sensitivity.csv"), check_dtype=False)
    assert len(table) == 4 and set(table["method"]) == {method}
    import pyarrow.parquet as pq

    schema = pq.read_schema(out / "sensitivity.parquet")
    assert schema.metadata[b"scenario"] == b"fortress"
    assert all(f.metadata and f.metadata[b"description"] for f in schema)
    if method == "morris":
        assert main(["plot", str(out)]) == 0  # a sampled design plots one point per sample point
        svg = (out / "figures" / "outcomes_final.svg").read_text()
        assert "one point per sample point" in svg
        assert (table["mu_star"] >= table["mu"].abs() - 1e-9).all()
        welfare = table[table["output"] == "collective_welfare"].set_index("parameter")
        # more savings per pound pooled moves welfare: its elementary effects are not all zero
        assert welfare.loc["savings_multiplier", "mu_star"] > 0
    else:
        assert np.isfinite(table[["S1", "ST"]].to_numpy()).all()
    assert (out / "figures" / "sensitivity.png").is_file()
    assert (out / "figures" / "sensitivity.svg").is_file()


class _Terminal:
    """A stand-in for a terminal's stderr: records what the progress bar writes."""

    def __init__(self):
        self.text = []

    def isatty(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.text.append(s)
        return len(s)

    def flush(self) -> None:
        pass


def test_progress_bar_on_a_terminal_lines_in_a_log_nothing_when_quiet(
    tmp_path, capsys, monkeypatch
):
    import re

    args = ["sweep", str(TINY), "--workers", "1", "--chunk", "1", "--out"]
    assert main([*args, str(tmp_path / "a")]) == 0
    lines = capsys.readouterr().err.splitlines()  # stderr is not a terminal here: lines
    assert re.fullmatch(
        r"tiny: 12 runs \(4 conditions x 3 replications x 6 rounds\) on 1 local worker\(s\); "
        r"about [0-9.]+ s \(runs 8-11 timed here after a first, cold run of [0-9.e-]+ s: "
        r"[0-9.e-]+ s per run(; other programs keep [0-9.]+ of the [0-9]+ cores busy, "
        r"counted in)?\)",
        lines[0],
    ), lines[0]
    # the five timed runs are done when progress starts; then one line per run (8% each)
    assert [line.split(" runs (")[0] for line in lines[1:]] == [
        f"tiny: {k}/12" for k in range(6, 13)
    ]
    assert re.fullmatch(
        r"tiny: 12/12 runs \(100%\), [0-9.e+]+ runs/s, [0-9.]+ s elapsed", lines[-1]
    )
    assert all(", about " in line and line.endswith(" left") for line in lines[1:-1])
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["sweep", str(TINY), "--out", str(tmp_path / "b"), "--workers", "1"]) == 0
    shown = "".join(terminal.text)
    assert "12/12" in shown and "run/s" in shown and "tiny" in shown
    terminal.text.clear()
    assert (
        main(["sweep", str(TINY), "--out", str(tmp_path / "c"), "--workers", "1", "--quiet"]) == 0
    )
    assert "".join(terminal.text) == ""


@pytest.mark.parametrize("name", ["summarise", "plot"])
def test_the_api_names_its_own_inputs_not_the_command_line_flags(tmp_path, name):
    from stpgame import batch
    from stpgame.errors import ParameterError

    with pytest.raises(ParameterError) as err:
        getattr(batch, name)(tmp_path, statistic="median")
    assert (err.value.name, err.value.value) == ("statistic", "median")
    assert "--" not in str(err.value)
