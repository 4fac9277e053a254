"""A finished sweep's folder is verified before any use (issue 20, item 1).

The manifest records each result table's row count and sha256, and its own checksum. A
folder damaged after the sweep finished (a table cut short, emptied, replaced, half its
rows, a column short, every run twice, its values blanked or edited; the manifest invalid,
emptied, edited or gone) is:

- refused by summarise, plot, discover and rerun, with the reason and the repair command;
- rebuilt by running the sweep again into it (runs recovered from the tables that still
  match the manifest, the rest run again), never answered with "nothing to run"; the
  rebuilt tables are byte-identical to the undamaged ones.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stpgame.batch import storage
from stpgame.batch.api import Experiment
from stpgame.batch.discovery import discover
from stpgame.batch.figures import plot
from stpgame.batch.reproduce import rerun
from stpgame.batch.summary import summarise
from stpgame.cli import main
from stpgame.errors import ResultsError

# Real sweeps (6 runs each) damaged and rebuilt: about 1 s a case.
pytestmark = pytest.mark.slow

SPEC = {
    "experiment": {"rounds": 3, "replications": 3, "base_seed": 5, "scenario": "fortress"},
    "fixed": {"structure": "simple", "n_footprints": 2},
    "vary": {"design": "grid", "system_weight": [0.0, 1.0]},
    "outputs": {
        "model": ["cooperation_rate", "collective_welfare"],
        "by_type": ["balance"],
        "series": ["type"],
    },
}
TABLES = (storage.ROUNDS, storage.RUNS, "types.parquet")


def _experiment():
    return Experiment.from_dict(SPEC, name="damage")


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """One whole sweep (6 runs x 3 years), and the sha256 of each of its tables."""
    out = tmp_path_factory.mktemp("whole") / "sweep"
    _experiment().run(out, workers=1, quiet=True)
    return out, {name: storage.file_sha256(out / name) for name in TABLES}


def _rewrite_runs(out, change):
    path = out / storage.RUNS
    table = pq.read_table(path)
    df = change(table.to_pandas())
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path)


def _rewrite_rounds(out, change):
    path = out / storage.ROUNDS
    df = change(pq.read_table(path).to_pandas())
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path)


def _cut(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _edit_manifest(out, change):
    path = out / storage.MANIFEST
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest, indent=2))


def _blank(df):
    outputs = [c for c in df.columns if c.endswith(("_final", "_mean"))]
    df[outputs] = float("nan")
    return df


def _edit_value(df):
    df.loc[0, "cooperation_rate_final"] += 0.01
    return df


DAMAGE = {
    "runs truncated": (lambda out: _cut(out / storage.RUNS), "runs.parquet is not a readable"),
    "runs empty": (lambda out: (out / storage.RUNS).write_bytes(b""), "runs.parquet is not a"),
    "runs a CSV": (
        lambda out: pd.read_parquet(out / storage.RUNS).to_csv(out / storage.RUNS),
        "runs.parquet is not a readable",
    ),
    "runs half the rows": (
        lambda out: _rewrite_runs(out, lambda df: df.iloc[: len(df) // 2]),
        "runs.parquet holds 3 rows, the sweep wrote 6",
    ),
    "runs a column short": (
        lambda out: _rewrite_runs(out, lambda df: df.drop(columns="cooperation_rate_final")),
        "runs.parquet is not the table the sweep wrote",
    ),
    "runs every run twice": (
        lambda out: _rewrite_runs(out, lambda df: pd.concat([df, df], ignore_index=True)),
        "runs.parquet holds 12 rows, the sweep wrote 6",
    ),
    "runs all NaN": (
        lambda out: _rewrite_runs(out, _blank),
        "runs.parquet is not the table the sweep wrote",
    ),
    "runs one value edited": (
        lambda out: _rewrite_runs(out, _edit_value),
        "runs.parquet is not the table the sweep wrote",
    ),
    "runs missing": (lambda out: (out / storage.RUNS).unlink(), "runs.parquet is missing"),
    "rounds truncated": (
        lambda out: _cut(out / storage.ROUNDS),
        "rounds.parquet is not a readable",
    ),
    "rounds half the rows": (
        lambda out: _rewrite_rounds(out, lambda df: df.iloc[: len(df) // 2]),
        "rounds.parquet holds 12 rows, the sweep wrote 24",
    ),
    "manifest not JSON": (
        lambda out: (out / storage.MANIFEST).write_text('{"experiment": '),
        "manifest.json is not valid JSON",
    ),
    "manifest {}": (
        lambda out: (out / storage.MANIFEST).write_text("{}"),
        "manifest.json is not a whole sweep manifest",
    ),
    "manifest edited": (
        lambda out: _edit_manifest(out, lambda m: m["seeds"]["runs"].reverse()),
        "manifest.json was changed after the sweep wrote it",
    ),
    "manifest missing": (
        lambda out: (out / storage.MANIFEST).unlink(),
        "no manifest.json",
    ),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_finished_folder_is_refused_then_rebuilt_identical(finished, tmp_path, case):
    whole, hashes = finished
    out = tmp_path / "sweep"
    shutil.copytree(whole, out)
    damage, reason = DAMAGE[case]
    damage(out)

    # Every reader refuses it, saying what is wrong and how to repair it.
    readers = {
        "summarise": lambda: summarise(out),
        "plot": lambda: plot(out),
        "discover": lambda: discover(out, "cooperation_rate", below=0.5),
        "rerun": lambda: rerun(out, workers=1, quiet=True),
    }
    for name, read in readers.items():
        with pytest.raises(ResultsError) as err:
            read()
        assert reason in str(err.value), (name, str(err.value))
        assert "repair it by running" in err.value.hint, name
    assert not (out / "figures").exists() and not (out / "discovery").exists()

    # Running the sweep again rebuilds it: never "nothing to run", and the same tables.
    report = _experiment().run(out, workers=1, quiet=True)
    assert report.started and report.ran + report.resumed == 6
    assert report.ran == (6 if case.startswith("rounds") else 0)  # else recovered
    assert storage.folder_problem(out) is None
    assert {name: storage.file_sha256(out / name) for name in TABLES} == hashes
    assert not (out / storage.PARTS).exists()
    summarise(out)  # and it reads again


def test_the_command_line_refuses_a_damaged_folder_and_names_the_repair(finished, tmp_path, capsys):
    whole, _ = finished
    out = tmp_path / "sweep"
    shutil.copytree(whole, out)
    _rewrite_runs(out, lambda df: pd.concat([df, df], ignore_index=True))
    assert main(["summarise", str(out)]) == 2
    err = capsys.readouterr().err
    assert "runs.parquet holds 12 rows, the sweep wrote 6" in err
    assert "repair it by running" in err and str(out) in err


def test_a_folder_with_runs_cut_and_outcomes_per_run_runs_everything_again(tmp_path):
    """Outcomes measured once per run live only in runs.parquet: with it damaged, no run
    can be recovered, so all run again (and come out the same)."""
    spec = {
        **SPEC,
        "outcomes": {"councils": {"function": "batch_outcomes:council_money", "per": "run"}},
    }
    exp = Experiment.from_dict(spec, name="damage_outcomes")
    out = tmp_path / "sweep"
    exp.run(out, workers=1, quiet=True)
    before = storage.file_sha256(out / storage.RUNS)
    _cut(out / storage.RUNS)
    report = exp.run(out, workers=1, quiet=True)
    assert (report.ran, report.resumed) == (6, 0)
    assert storage.file_sha256(out / storage.RUNS) == before


def test_a_sweep_with_runs_recovered_from_a_sound_rounds_table_runs_nothing_again(
    finished, tmp_path, capsys
):
    whole, hashes = finished
    out = tmp_path / "sweep"
    shutil.copytree(whole, out)
    _cut(out / storage.RUNS)
    report = _experiment().run(out, workers=1)
    assert (report.ran, report.resumed) == (0, 6)
    err = capsys.readouterr().err
    assert "runs.parquet is not a readable Parquet table" in err
    assert "rebuilding it (6 of 6 runs recovered, the rest run again)" in err
    assert storage.file_sha256(out / storage.RUNS) == hashes[storage.RUNS]
