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
