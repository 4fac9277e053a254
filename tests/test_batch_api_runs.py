"""Experiments from Python, run end to end: the same runs and byte-identical tables as the
command line, custom outcomes and per-footprint / per-type tables checked against the model
itself, and ``stpgame rerun``."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import batch_outcomes
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from stpgame import STPModel
from stpgame.batch import Experiment, summarise
from stpgame.cli import main

# Small sweeps (a few runs of a few years each): 1-4 s per test.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "experiments" / "tiny.toml"

EXTRA = """
[experiment]
scenario = "fortress"
rounds = 4
replications = 2
base_seed = 9

[fixed]
structure = "mixed"
n_footprints = 4

[vary]
funding_growth = [-0.01, 0.01]

[outputs]
model = ["cooperation_rate", "mean_trust"]
series = ["footprint", "type"]

[outcomes.council_money]
function = "batch_outcomes:council_money"
per = "run"
label = "Councils' money"
unit = "£m"
description = "Councils' cumulative balance after the last year."

[outcomes.pooled_money]
function = "batch_outcomes:pooled_money"
per = "year"
label = "Money pooled"
unit = "£m per year"

[outcomes.even]
function = "batch_outcomes:year_is_even"
per = "year"
"""


def same_bytes(a: Path, b: Path, names=("rounds.parquet", "runs.parquet")) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def cli_tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "tiny"
    assert main(["sweep", str(TINY), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def extra(tmp_path_factory):
    """An experiment with custom outcomes and series tables, run on a 2-process pool."""
    folder = tmp_path_factory.mktemp("extra")
    path = folder / "extra.toml"
    path.write_text(EXTRA)
    exp = Experiment.from_toml(path)
    exp.run(folder / "out", workers=2, chunk=1, quiet=True)
    return exp, folder / "out"


def test_a_dict_experiment_gives_byte_identical_tables_to_the_file(cli_tiny, tmp_path):
    exp = Experiment.from_dict(tomllib.loads(TINY.read_text()), name="tiny")
    report = exp.run(tmp_path / "dict", workers=2, quiet=True)
    assert report.ran == exp.n_runs == 12
    same_bytes(cli_tiny, tmp_path / "dict")
    # the folder keeps the dict's TOML; running it again resumes (nothing to run)
    assert exp.run(tmp_path / "dict", workers=1, quiet=True).ran == 0
    assert (tmp_path / "dict" / "experiment.toml").read_text() == exp.text


def test_a_dataframe_gives_the_same_results_as_the_grid_and_as_its_toml(cli_tiny, tmp_path):
    grid = Experiment.from_toml(TINY)
    spec = {k: v for k, v in tomllib.loads(TINY.read_text()).items() if k != "vary"}
    exp = Experiment.from_dataframe(pd.DataFrame(list(grid.conditions)), spec, name="tiny")
    exp.run(tmp_path / "df", workers=1, quiet=True)
    for name in ("rounds.parquet", "runs.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(cli_tiny / name), pd.read_parquet(tmp_path / "df" / name)
        )
    # the DataFrame's TOML ([conditions]) as a file, through the command line: the same bytes
    path = tmp_path / "tiny.toml"
    path.write_text(exp.text)
    out = tmp_path / "file"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    same_bytes(tmp_path / "df", out)


def test_a_sampled_experiment_runs_its_sampled_points(tmp_path):
    spec = {
        "experiment": {"scenario": "fortress", "rounds": 2, "replications": 1, "base_seed": 4},
        "fixed": {"structure": "simple", "n_footprints": 1},
        "vary": {"samples": 4, "noise": {"low": 0.0, "high": 0.2}},
        "outputs": {"model": ["cooperation_rate"]},
    }
    exp = Experiment.from_dict(spec, sampler=batch_outcomes.stratified)
    exp.run(tmp_path / "s", workers=1, quiet=True)
    runs = pd.read_parquet(tmp_path / "s" / "runs.parquet")
    expected = batch_outcomes.stratified({"noise": (0.0, 0.2)}, 4, 4)[:, 0]
    assert np.array_equal(runs["noise"].to_numpy(), expected)


def test_custom_outcomes_are_columns_with_their_metadata(extra):
    exp, out = extra
    rounds = pd.read_parquet(out / "rounds.parquet")
    runs = pd.read_parquet(out / "runs.parquet").set_index("run")
    for run in range(exp.n_runs):
        model = STPModel.from_scenario(exp.scenario, seed=exp.seed(run), **exp.overrides(run))
        pooled = [np.nan]
        for _ in range(exp.rounds):
            model.step()
            pooled.append(model.last_round.contribution.sum())
        mine = rounds[rounds["run"] == run]
        assert np.allclose(mine["pooled_money"], pooled, equal_nan=True)
        assert list(mine["even"]) == [1.0, 0.0, 1.0, 0.0, 1.0]
        councils = model.structure.org_type == 3
        assert runs.at[run, "council_money"] == model.ledger.cumulative[councils].sum()
        assert runs.at[run, "pooled_money_final"] == pooled[-1]
        assert np.isclose(runs.at[run, "pooled_money_mean"], np.mean(pooled[1:]))  # not year 0
    fields = {f.name: f.metadata for f in pq.read_schema(out / "runs.parquet")}
    assert fields["council_money"] == {
        b"label": b"Councils' money",
        b"unit": "£m".encode(),
        b"description": b"Councils' cumulative balance after the last year.",
    }
    assert fields["pooled_money_final"][b"label"] == b"Money pooled, final year"
    assert fields["even_mean"][b"description"].startswith(b"Custom outcome batch_outcomes:")
    rounds_fields = {f.name: f.metadata for f in pq.read_schema(out / "rounds.parquet")}
    assert rounds_fields["pooled_money"][b"unit"] == b"\xc2\xa3m per year"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment"]["outcomes"]["pooled_money"]["function"] == (
        "batch_outcomes:pooled_money"
    )


def test_summaries_carry_custom_outcomes(extra):
    _, out = extra
    table, _ = summarise(out, statistic="mean", write=False)
    money = table[table["output"] == "council_money"]
    assert list(money["label"].unique()) == ["Councils' money"] and len(money) == 2
    runs = pd.read_parquet(out / "runs.parquet")
    assert np.allclose(money["mean"], runs.groupby("condition")["council_money"].mean())
    pooled = table[table["output"] == "pooled_money"]
    assert np.allclose(pooled["mean"], runs.groupby("condition")["pooled_money_mean"].mean())


@pytest.mark.parametrize(("table", "by"), [("footprints", "footprint"), ("types", "org_type")])
def test_series_tables_equal_the_models_own_organisation_table(extra, table, by):
    exp, out = extra
    got = pd.read_parquet(out / f"{table}.parquet")
    values = list(exp.series_outputs)
    for run in (0, exp.n_runs - 1):
        model = STPModel.from_scenario(exp.scenario, seed=exp.seed(run), **exp.overrides(run))
        start = model.relationships.mean_trust().copy()
        model.run(exp.rounds)
        org = model.org_dataframe()
        org[values] = org[values].astype(float)
        want = org.groupby(["round", by], observed=True)[values].mean()
        sizes = org.groupby(["round", by], observed=True).size()
        mine = got[got["run"] == run].set_index(["round", by])
        played = mine.drop(index=0, level="round")
        for (year, group), row in want.iterrows():
            assert np.allclose(played.loc[(year, group), values].to_numpy(float), row), (
                year,
                group,
            )
            assert played.at[(year, group), "organisations"] == sizes[(year, group)]
        # year 0: each group's starting trust; nothing played yet
        first = mine.xs(0, level="round")
        keys = org[org["round"] == 1][by].astype(str).to_numpy()
        trust = pd.Series(start).groupby(keys).mean()
        assert np.allclose(first["trust"], trust[first.index])
        assert (first["cumulative_balance"] == 0).all() and first["balance"].isna().all()
    assert set(got.columns[:7]) == {
        "run",
        "condition",
        "funding_growth",
        "replication",
        "seed",
        "round",
        by,
    }
    meta = pq.read_schema(out / f"{table}.parquet").metadata
    assert b"mean over them" in meta[b"rows"]


def test_year_0_comes_first_and_final_and_mean_use_the_played_years(extra):
    exp, out = extra
    rounds = pd.read_parquet(out / "rounds.parquet")
    runs = pd.read_parquet(out / "runs.parquet").set_index("run")
    assert len(rounds) == exp.n_runs * (exp.rounds + 1)
    start = rounds[rounds["round"] == 0].set_index("run")
    assert start["cooperation_rate"].isna().all() and start["mean_trust"].notna().all()
    played = rounds[rounds["round"] >= 1]
    assert np.allclose(played.groupby("run")["mean_trust"].mean(), runs["mean_trust_mean"])
    last = rounds[rounds["round"] == exp.rounds].set_index("run")
    assert np.array_equal(last["mean_trust"], runs["mean_trust_final"])
    # including year 0 would have given another mean
    assert not np.allclose(rounds.groupby("run")["mean_trust"].mean(), runs["mean_trust_mean"])


# --- rerun -------------------------------------------------------------------------------------
def fingerprint(folder: Path) -> dict:
    return {
        p.relative_to(folder): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_rerun_of_an_untouched_sweep_is_identical_and_reads_only(extra, capsys):
    exp, out = extra
    before = fingerprint(out)
    assert main(["rerun", str(out), "--workers", "2", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "identical: rounds.parquet, runs.parquet, footprints.parquet, types.parquet" in printed
    assert fingerprint(out) == before
    again = Experiment.from_manifest(out)
    assert (again.digest, again.conditions, again.outcomes) == (
        exp.digest,
        exp.conditions,
        exp.outcomes,
    )


def test_rerun_names_the_first_changed_value(cli_tiny, tmp_path, capsys):
    import shutil

    out = tmp_path / "changed"
    shutil.copytree(cli_tiny, out)
    path = out / "rounds.parquet"
    table = pq.read_table(path)
    df = table.to_pandas()
    df.loc[15, "collective_welfare"] += 1.0
    import pyarrow as pa

    pq.write_table(pa.Table.from_pandas(df, schema=table.schema, preserve_index=False), path)
    # changed behind the manifest's back: refused, the folder is inconsistent
    assert main(["rerun", str(out), "--workers", "1", "--quiet"]) == 2
    assert "rounds.parquet is not the table the sweep wrote" in capsys.readouterr().err
    # as a sweep by another version of the model would have written it: compared
    import json

    from stpgame.batch import storage

    manifest = json.loads((out / "manifest.json").read_text())
    manifest["tables"]["rounds.parquet"] = storage.table_record(path)
    (out / "manifest.json").write_text(storage.manifest_text(manifest))
    assert main(["rerun", str(out), "--workers", "1", "--quiet"]) == 1
    printed = capsys.readouterr().out
    run, year = df.loc[15, "run"], df.loc[15, "round"]
    assert (
        f"NOT identical: rounds.parquet, column collective_welfare, row 15 (run {run}, round {year})"
        in printed
    )


def test_rerun_of_a_folder_that_is_not_a_finished_sweep_exits_2(cli_tiny, tmp_path, capsys):
    assert main(["rerun", str(tmp_path / "missing")]) == 2
    assert "not a sweep result folder" in capsys.readouterr().err
    run = tmp_path / "run"
    assert main(["run", "--scenario", "fortress", "--rounds", "1", "--out", str(run)]) == 0
    assert main(["rerun", str(run)]) == 2
    import shutil

    damaged = tmp_path / "damaged"
    shutil.copytree(cli_tiny, damaged)
    manifest = json.loads((damaged / "manifest.json").read_text())
    manifest["experiment"]["content"] += "\n# edited\n"
    (damaged / "manifest.json").write_text(json.dumps(manifest))
    before = fingerprint(damaged)
    assert main(["rerun", str(damaged), "--workers", "1"]) == 2
    assert "manifest.json was changed after the sweep wrote it" in capsys.readouterr().err
    assert fingerprint(damaged) == before
    assert main(["rerun", str(cli_tiny), "--workers", "2", "--scheduler", "tcp://x:1"]) == 2


def test_the_command_line_finds_outcome_modules_in_the_current_folder(tmp_path, monkeypatch):
    import sys

    (tmp_path / "here_outcomes.py").write_text("def one(model):\n    return 1.0\n")
    path = tmp_path / "e.toml"
    path.write_text(
        '[experiment]\nscenario = "fortress"\nrounds = 1\nreplications = 1\nbase_seed = 1\n'
        '[fixed]\nstructure = "simple"\nn_footprints = 1\n'
        '[outcomes.one]\nfunction = "here_outcomes:one"\nper = "run"\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    assert main(["sweep", str(path), "--out", "out", "--workers", "1", "--quiet"]) == 0
    assert pd.read_parquet(tmp_path / "out" / "runs.parquet")["one"].tolist() == [1.0]


def test_resume_reruns_a_chunk_whose_other_tables_are_damaged(extra, tmp_path, capsys):
    from stpgame.batch.storage import SweepFolder

    _, finished = extra
    path = tmp_path / "extra.toml"
    path.write_text(EXTRA)
    out = tmp_path / "resumed"
    args = ["sweep", str(path), "--workers", "1", "--chunk", "2", "--quiet", "--out", str(out)]
    with pytest.MonkeyPatch.context() as mp:  # stopped just before consolidation
        mp.setattr(
            SweepFolder, "consolidate", lambda self, m: (_ for _ in ()).throw(KeyboardInterrupt)
        )
        assert main(args) == 130
    parts = out / "parts"  # run 0 (cold), then runs 1-3 (warm, one chunk) were timed first
    (parts / "types-0000000-0000000.parquet").write_bytes(b"cut")
    (parts / "outcomes-0000001-0000003.parquet").unlink()
    (parts / "footprints-0000009-0000009.parquet").write_bytes(b"an orphan: no part file")
    capsys.readouterr()
    assert main(args) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "extra: parts/part-0000000-0000000.parquet: its types table is missing or unreadable "
        "(ArrowInvalid); its runs will run again",
        "extra: parts/part-0000001-0000003.parquet: its outcomes table is missing or unreadable "
        "(FileNotFoundError); its runs will run again",
    ]
    for name in ("rounds.parquet", "runs.parquet", "footprints.parquet", "types.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(out / name), pd.read_parquet(finished / name))


def test_custom_outcomes_and_series_run_on_a_dask_cluster_too(extra, tmp_path):
    distributed = pytest.importorskip("distributed")
    exp, local = extra
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        out = tmp_path / "dask"
        report = exp.run(out, scheduler=cluster.scheduler_address, chunk=3, quiet=True)
    assert report.engine["engine"] == "dask"
    same_bytes(
        local, out, ("rounds.parquet", "runs.parquet", "footprints.parquet", "types.parquet")
    )
