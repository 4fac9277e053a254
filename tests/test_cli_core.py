"""The command line: lists, a run's three files, and bad input (exit 2, nothing written)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from stpgame.cli import main
from stpgame.core.scenarios import names


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
        (
            ["--scenario", "fortress", "--rounds", "many"],
            "parameter '--rounds': allowed a whole number in [1, 10000]; got 'many'",
        ),
        (
            ["--scenario", "fortress", "--rounds", "10001"],
            "parameter '--rounds': allowed a whole number in [1, 10000]; got '10001'",
        ),
        (["--scenario", "fortress", "--seed", "-4"], "parameter 'seed'"),
        (["--scenario", "fortress", "--set", "n_footprints=3"], "England has 44"),
        (
            ["--scenario", "fortress", "--set", "strategy_ccg=tit_for_tat:0.5,imitation:0.6"],
            "parameter 'strategy_ccg': allowed a strategy mix",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message_and_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "never"
    assert main(["run", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


@pytest.fixture
def model_must_not_run(monkeypatch):
    """Fail the test if the model is built: a refused --out must be refused before the work."""
    import stpgame.core.model

    def never(*args, **kwargs):
        raise AssertionError("the model was built before --out was checked")

    monkeypatch.setattr(stpgame.core.model.STPModel, "from_scenario", never)
    monkeypatch.setattr(stpgame.core.model.STPModel, "__init__", never)


def _refused_out(kind: str, tmp_path: Path) -> tuple[str, str]:
    """(--out value, expected message) for each kind of folder ``run`` must refuse."""
    if kind == "other_files":
        (tmp_path / "notes.txt").write_text("mine")
        return str(tmp_path), f"--out {tmp_path}: folder holds other files (notes.txt)"
    if kind == "a_file":
        (tmp_path / "results").write_text("mine")
        return str(tmp_path / "results"), "exists and is not a folder"
    if kind == "under_a_file":
        (tmp_path / "results").write_text("mine")
        out = tmp_path / "results" / "run"
        return str(out), f"--out {out}: {tmp_path / 'results'} is not a folder"
    if not Path("/proc/self").is_dir():
        pytest.skip("needs Linux /proc")
    return "/proc/stpgame-run", "--out /proc/stpgame-run: cannot write there ("


@pytest.mark.parametrize("kind", ["other_files", "a_file", "under_a_file", "unwritable"])
def test_run_refuses_a_bad_out_before_running(tmp_path, capsys, model_must_not_run, kind):
    out, message = _refused_out(kind, tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    args = ["run", "--scenario", "fortress", "--rounds", "3000", "--out", out]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("stpgame run: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_run_failing_to_write_exits_2_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    import pyarrow.parquet as pq

    monkeypatch.setattr(pq, "write_table", disk_full)  # what writes every Parquet file
    out = tmp_path / "run"
    assert main(["run", "--scenario", "canterbury", "--rounds", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"stpgame run: error: --out {out}: cannot write there (No space left on device)\n"
    assert list(tmp_path.iterdir()) == []  # no temporary folder left behind


def test_an_empty_out_is_refused_not_read_as_this_folder(tmp_path, capsys, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["run", "--scenario", "fortress", "--rounds", "2", "--out", ""]) == 2
    err = capsys.readouterr().err
    assert err == "stpgame run: error: parameter '--out': allowed a folder path; got ''\n"
    assert list(tmp_path.rglob("*")) == [work]  # no stray '.old' folder beside it either


def test_a_previous_run_is_replaced_only_with_overwrite(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["run", "--scenario", "canterbury", "--rounds", "2", "--out", str(out)]
    assert main([*args, "--seed", "1"]) == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    assert main([*args, "--seed", "2"]) == 2
    assert capsys.readouterr().err == (
        f"stpgame run: error: --out {out}: holds a previous run (agents.parquet, "
        "manifest.json, model.parquet); choose a new or empty folder, or replace it on "
        "purpose (overwrite=True; stpgame run --overwrite)\n"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert main([*args, "--seed", "2", "--overwrite"]) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert sorted(p.name for p in out.iterdir()) == sorted(first)
    (out / "notes.txt").write_text("mine")  # --overwrite never replaces what is not a run's
    assert main([*args, "--overwrite"]) == 2
    assert "folder holds other files (notes.txt)" in capsys.readouterr().err


def test_run_folders_get_the_ordinary_permissions(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        assert (
            main(
                [
                    "run",
                    "--scenario",
                    "canterbury",
                    "--rounds",
                    "2",
                    "--out",
                    str(tmp_path / "a" / "run"),
                ]
            )
            == 0
        )
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "run"):
        assert folder.stat().st_mode & 0o777 == 0o755, oct(folder.stat().st_mode)
    assert (tmp_path / "a" / "run" / "manifest.json").stat().st_mode & 0o777 == 0o644


def test_run_into_an_empty_working_folder_writes_there(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--scenario", "canterbury", "--rounds", "2", "--out", "."]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "agents.parquet",
        "manifest.json",
        "model.parquet",
    ]


def test_a_failed_write_leaves_the_previous_run_and_no_folder_it_made(
    tmp_path, capsys, monkeypatch
):
    import pyarrow.parquet as pq

    out = tmp_path / "run"
    args = ["run", "--scenario", "canterbury", "--rounds", "2", "--out"]
    assert main([*args, str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real, written = pq.write_table, []

    def full_after_one(table, where, *a, **kw):
        if written:
            raise OSError(28, "No space left on device")
        written.append(where)
        return real(table, where, *a, **kw)

    monkeypatch.setattr(pq, "write_table", full_after_one)
    assert main([*args, str(out), "--seed", "5", "--overwrite"]) == 2
    assert "cannot write there (No space left on device)" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    written.clear()
    deep = tmp_path / "new" / "deeper" / "run"
    assert main([*args, str(deep)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_write_run_checks_its_target_too(tmp_path):
    from stpgame.errors import ResultsError
    from stpgame.results_files import write_run

    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ResultsError, match="holds other files") as err:
        write_run(tmp_path, {"model": pd.DataFrame({"a": [1]})}, {})
    assert (err.value.path, err.value.name) == (tmp_path, "out")  # the CLI shows it as --out
    assert "--out" not in str(err.value)  # the library does not know the command line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.slow
@pytest.mark.parametrize("command", [["params"], ["scenarios"], ["strategies", "--json"]])
def test_a_closed_output_pipe_stops_quietly(command):
    """`stpgame params | head -1`: the reader has gone; no traceback, the shell's status 141.

    The read end is closed before the command starts, so every run meets the closed
    pipe (with `| head -1` it depends on timing, the output being under a pipe's buffer).
    """
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "stpgame", *command],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141


@pytest.mark.slow
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


def test_library_errors_are_shown_with_the_flag_that_gave_them():
    from stpgame.cli import message
    from stpgame.errors import ConflictError, ParameterError, ResultsError, UnavailableError

    stat = ParameterError("statistic", "final or mean", "x")
    assert message(stat) == "parameter '--stat': allowed final or mean; got 'x'"
    noise = ParameterError("noise", "float in [0, 0.5]", "2", "a note")  # a model parameter
    assert message(noise) == "parameter 'noise': allowed float in [0, 0.5]; got '2' (a note)"
    written = ResultsError("/r", "cannot write there (disk full)", name="out")
    assert message(written) == "--out /r: cannot write there (disk full)"
    read = ResultsError("/r/manifest.json", "damaged", "rerun the sweep")
    assert message(read) == "/r/manifest.json: damaged; rerun the sweep"
    assert message(UnavailableError("scheduler", "no Dask")) == "--scheduler: no Dask"
    assert message(ConflictError("a and b", "choose one")) == "a and b: choose one"
    turns = ParameterError("rounds", "a whole number", "0")
    assert (
        message(turns, {"rounds": "--turns"})
        == "parameter '--turns': allowed a whole number; got '0'"
    )
