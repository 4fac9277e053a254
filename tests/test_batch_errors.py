"""Bad input to the experiment commands: one line, exit status 2, nothing written, no wait."""

from __future__ import annotations

from pathlib import Path

import pytest

from stpgame.batch.runner import check_scheduler
from stpgame.cli import main
from stpgame.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "experiments" / "tiny.toml"


@pytest.mark.parametrize(
    "address",
    [
        "tcp://127.0.0.1:8786",
        "tls://scheduler.hpc.example.ac.uk:8786",
        "10.0.0.5:40123",
        "tcp://[::1]:8786",
        "ws://node-7:8786",
    ],
)
def test_scheduler_addresses_of_the_dask_form_pass(address):
    assert check_scheduler(address) == address


WRONG_FORM = [
    "notaurl",
    "",
    "tcp://",
    "tcp://host",
    "http://host:8786",
    "tcp://host:0",
    "tcp://host:99999",
    "tcp://host:87a6",
    "tcp://ho st:8786",
    " tcp://host:8786",
]


@pytest.mark.parametrize("address", [*WRONG_FORM, 8786, None])
def test_the_api_refuses_a_scheduler_address_of_the_wrong_form(address):
    with pytest.raises(ParameterError) as err:
        check_scheduler(address)
    assert (err.value.name, err.value.value) == ("scheduler", address)


@pytest.mark.parametrize("address", WRONG_FORM)
def test_sweep_refuses_a_scheduler_address_of_the_wrong_form_at_once(tmp_path, capsys, address):
    distributed = pytest.importorskip("distributed")

    def never(*args, **kwargs):
        raise AssertionError("a connection was tried")

    out = tmp_path / "results"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(distributed.Client, "__init__", never)
        assert main(["sweep", str(TINY), "--out", str(out), "--scheduler", address]) == 2
    assert capsys.readouterr().err == (
        "stpgame sweep: error: parameter '--scheduler': allowed a Dask scheduler address such "
        f"as tcp://host:8786 (tcp, tls, ws, wss or ucx); got {address!r}\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_sweep_refuses_an_empty_out_not_reading_it_as_this_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", str(TINY), "--out", ""]) == 2
    err = capsys.readouterr().err
    assert err == "stpgame sweep: error: parameter '--out': allowed a folder path; got ''\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_resume_rechecks_every_part_file_and_reruns_the_damaged_ones(tmp_path, capsys):
    import pandas as pd
    import pyarrow.parquet as pq

    from stpgame.batch.storage import SweepFolder

    out = tmp_path / "resumed"
    args = ["sweep", str(TINY), "--workers", "1", "--chunk", "2", "--quiet", "--out"]
    with pytest.MonkeyPatch.context() as mp:  # stopped just before consolidation
        mp.setattr(
            SweepFolder,
            "consolidate",
            lambda self, manifest: (_ for _ in ()).throw(KeyboardInterrupt),
        )
        assert main([*args, str(out)]) == 130
    parts = out / "parts"
    # run 0 (cold) and runs 8-11 (one warm chunk) were timed first for the estimate; then pairs
    assert sorted(p.name for p in parts.iterdir()) == [
        f"part-{a:07d}-{b:07d}.parquet"
        for a, b in ((0, 0), (1, 2), (3, 4), (5, 6), (7, 7), (8, 11))
    ]

    def part(first: int) -> Path:
        last = {1: 2, 3: 4, 5: 6, 8: 11}[first]
        return parts / f"part-{first:07d}-{last:07d}.parquet"

    data = part(1).read_bytes()
    part(1).write_bytes(data[: len(data) // 2])  # cut short
    part(3).write_bytes(b"not parquet at all")
    table = pd.read_parquet(part(5))
    table.drop(columns=["cooperation_rate"]).to_parquet(part(5), index=False)
    table = pd.read_parquet(part(8))
    table[table["run"] < 11].to_parquet(part(8), index=False)  # run 11's rows lost
    capsys.readouterr()

    assert main([*args, str(out)]) == 0
    captured = capsys.readouterr()
    assert "(2 already finished)" in captured.out
    lines = [line for line in captured.err.splitlines() if "parts/" in line]
    assert len(lines) == 4
    assert lines[0].startswith(
        "tiny: parts/part-0000001-0000002.parquet: not a readable Parquet file ("
    )
    assert lines[1] == (
        "tiny: parts/part-0000003-0000004.parquet: not a readable Parquet file (Parquet magic "
        "bytes not found in footer. Either the file is corrupted or this is not a parquet "
        "file.); its runs will run again"
    )
    assert lines[2] == (
        "tiny: parts/part-0000005-0000006.parquet: columns differ from the experiment's "
        "(missing ['cooperation_rate'], unexpected []); its runs will run again"
    )
    assert lines[3] == (
        "tiny: parts/part-0000008-0000011.parquet: holds 21 rows, expected 7 for each of runs "
        "8-11; its runs will run again"
    )
    assert lines[0].endswith("; its runs will run again")

    reference = tmp_path / "uninterrupted"
    assert main([*args, str(reference)]) == 0
    for name in ("rounds.parquet", "runs.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / name), pd.read_parquet(reference / name)
        )
        assert pq.read_schema(out / name).equals(
            pq.read_schema(reference / name), check_metadata=True
        )


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """The tiny experiment swept once (1 worker)."""
    out = tmp_path_factory.mktemp("finished") / "tiny"
    assert main(["sweep", str(TINY), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


def _damage(folder: Path, kind: str) -> str:
    import pandas as pd

    if kind == "manifest without its experiment's keys":
        (folder / "manifest.json").write_text('{"experiment": {}}')
        return "manifest.json is not a whole sweep manifest (no 'manifest_sha256'); repair it by"
    runs = pd.read_parquet(folder / "runs.parquet")
    if kind == "runs table without its columns":
        runs[["run"]].to_parquet(folder / "runs.parquet")
        return "runs.parquet is not the table the sweep wrote (its sha256 differs: changed since)"
    runs.iloc[:0].to_parquet(folder / "runs.parquet")
    return "runs.parquet holds 0 rows, the sweep wrote 12; repair it by running `stpgame sweep"


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind",
    [
        "manifest without its experiment's keys",
        "runs table without its columns",
        "empty runs table",
    ],
)
@pytest.mark.parametrize(
    "command",
    [["summarise"], ["plot"], ["discover", "--outcome", "cooperation_rate", "--below", "0.1"]],
)
def test_a_damaged_results_folder_is_one_line_naming_the_file(
    finished, tmp_path, capsys, kind, command
):
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(finished, folder)
    message = _damage(folder, kind)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    capsys.readouterr()
    assert main([command[0], str(folder), *command[1:]]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"stpgame {command[0]}: error: {folder}: inconsistent sweep folder: ")
    assert message in err, err
    assert err.count("\n") == 1
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("given", "fragment"),
    [("", "got ''"), ("cooperation_rate,cooperation_rate", "each once")],
)
def test_summarise_refuses_an_empty_or_repeated_output_list(finished, capsys, given, fragment):
    assert main(["summarise", str(finished), "--outputs", given]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stpgame summarise: error: parameter '--outputs': ") and fragment in err


@pytest.mark.parametrize("kind", ["device", "folder", "too big"])
def test_an_experiment_file_that_is_not_a_small_file_is_refused_unread(tmp_path, capsys, kind):
    if kind == "device":
        if not Path("/dev/zero").exists():
            pytest.skip("needs /dev/zero")
        path, why = "/dev/zero", "(a device, not a file)"  # read whole, it never ends
    elif kind == "folder":
        path, why = str(tmp_path), "(a folder)"
    else:
        big = tmp_path / "big.toml"
        with open(big, "wb") as fh:
            fh.truncate(20_000_000)  # sparse: nothing is really written
        path, why = str(big), "allowed an experiment file of at most 10,000,000 bytes"
    out = tmp_path / "results"
    assert main(["sweep", path, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stpgame sweep: error: key 'FILE': allowed an experiment file")
    assert why in err and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.slow
def test_plot_that_cannot_write_leaves_no_figures_folder(finished, tmp_path, capsys, monkeypatch):
    import shutil

    from matplotlib.figure import Figure

    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    folder = tmp_path / "copy"
    shutil.copytree(finished, folder)
    monkeypatch.setattr(Figure, "savefig", disk_full)
    assert main(["plot", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stpgame plot: error: ") and "No space left on device" in err
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in finished.iterdir())


@pytest.mark.slow
def test_rerun_refuses_a_damaged_table_before_running_anything(
    finished, tmp_path, capsys, monkeypatch
):
    import shutil

    def never(*args, **kwargs):
        raise AssertionError("the sweep ran again before the stored tables were checked")

    folder = tmp_path / "copy"
    shutil.copytree(finished, folder)
    (folder / "rounds.parquet").write_bytes(b"cut")
    monkeypatch.setattr("stpgame.batch.sweep.run_sweep", never)
    assert main(["rerun", str(folder)]) == 2
    assert capsys.readouterr().err == (
        f"stpgame rerun: error: {folder}: inconsistent sweep folder: rounds.parquet is not a "
        "readable Parquet table (Parquet file size is 3 bytes, smaller than the minimum file "
        f"footer (8 bytes)); repair it by running `stpgame sweep {TINY} --out {folder} "
        "--workers 1 --quiet` again (it rebuilds the damaged tables)\n"
    )
