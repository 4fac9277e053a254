"""What a sweep tells the person waiting: the estimate before it starts, progress lines in a
log, and a question on a terminal before a long sweep (never in a batch job)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from stpgame.batch import progress
from stpgame.batch.progress import Estimate, Lines, duration
from stpgame.cli import main

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "experiments" / "tiny.toml"


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_log_gets_a_line_every_five_percent_and_every_ten_minutes():
    log, clock = io.StringIO(), Clock()
    lines = Lines("big", 1000, 100, log, clock)
    for _ in range(10):  # 100 runs in 10 chunks, one every 2 s
        clock.now += 2
        lines.update(10)
    shown = log.getvalue().splitlines()
    assert [s.split(" runs (")[0] for s in shown] == ["big: 150/1,000", "big: 200/1,000"]
    assert shown[-1] == "big: 200/1,000 runs (20%), 5 runs/s, 20 s elapsed, about 3 min left"
    clock.now += 601  # slower than 5% in 10 minutes: a line anyway, so the log stays alive
    lines.update(1)
    assert log.getvalue().splitlines()[-1].startswith("big: 201/1,000 runs (20%)")
    clock.now += 1
    lines.update(799)
    assert log.getvalue().splitlines()[-1] == (
        "big: 1,000/1,000 runs (100%), 1.45 runs/s, 10 min elapsed"
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.04, "0.0 s"),
        (4.26, "4.3 s"),
        (45, "45 s"),
        (720, "12 min"),
        (12240, "3.4 h"),
        (181440, "2.1 days"),
    ],
)
def test_durations_read_at_a_glance(seconds, text):
    assert duration(seconds) == text


def test_the_estimate_is_the_timed_cost_of_the_runs_left_spread_over_the_workers():
    est = Estimate(total=1000, pending=800, workers=4, timed=(996, 999), per_run_s=0.5, cold_s=0.61)
    assert est.seconds == 100.0
    assert est.line("x", "4 local worker(s)", "10 conditions x 100 replications x 20 rounds") == (
        "x: 1,000 runs (10 conditions x 100 replications x 20 rounds), 800 still to run on "
        "4 local worker(s); about 2 min (runs 996-999 timed here after a first, cold run of "
        "0.61 s: 0.5 s per run)"
    )


def test_the_estimate_leaves_out_the_first_cold_run(monkeypatch):
    """The first run pays imports and the first build (~0.3-0.6 s against ~0.02 s warm):
    counted, it made estimates 9-14 times too long (issue 20). The per-run time is the warm
    chunk's mean; every timed run is a real run, returned to be stored."""
    from stpgame.batch import runner, sweep
    from stpgame.batch.api import Experiment

    exp = Experiment.from_dict(
        {"experiment": {"rounds": 1, "replications": 100, "base_seed": 1}}, name="est"
    )
    played = []

    def fake(job):
        runs = [r for r, _, _ in job.runs]
        played.append(runs)
        seconds = 0.6 if runs == [0] else 0.02 * len(runs)
        return runner.Result(runs[0], runs[-1], None, seconds)

    monkeypatch.setattr(runner, "run_job", fake)
    results, est = sweep._calibrate(exp, list(range(100)), 2)
    assert played == [[0], [96, 97, 98, 99]]
    assert [(r.first, r.last) for r in results] == [(0, 0), (96, 99)]
    assert est.per_run_s == pytest.approx(0.02) and est.cold_s == 0.6
    assert est.seconds == pytest.approx(0.02 * 100 / 2)
    # with the runs still to do not consecutive at the end, the warm chunk is the last run
    played.clear()
    results, est = sweep._calibrate(exp, [3, 10, 20, 40], 1)
    assert played == [[3], [40]] and est.timed == (40,)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def as_terminal(monkeypatch, answer: str) -> _Tty:
    """Every sweep counts as long; stdin and stderr are a terminal, stdin holds ``answer``.

    Called in the test itself: pytest puts its own capture back on sys.stderr between a
    fixture's setup and the test."""
    monkeypatch.setattr(progress, "ASK_ABOVE_S", 0.0)
    stderr = _Tty()
    monkeypatch.setattr("sys.stdin", _Tty(answer))
    monkeypatch.setattr("sys.stderr", stderr)
    return stderr


def test_a_long_sweep_asks_on_a_terminal_and_no_writes_nothing(tmp_path, monkeypatch):
    stderr = as_terminal(monkeypatch, "n\n")
    out = tmp_path / "r"
    assert main(["sweep", str(TINY), "--out", str(out), "--workers", "1"]) == 1
    assert "This sweep should take about " in stderr.getvalue()
    assert " Start it? [y/N] " in stderr.getvalue()
    assert stderr.getvalue().endswith("tiny: not started; nothing written\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_long_sweep_runs_when_the_answer_is_yes(tmp_path, monkeypatch):
    stderr = as_terminal(monkeypatch, "y\n")
    assert main(["sweep", str(TINY), "--out", str(tmp_path / "r"), "--workers", "1"]) == 0
    assert "Start it? [y/N]" in stderr.getvalue()
    assert (tmp_path / "r" / "manifest.json").is_file()


@pytest.mark.slow
def test_yes_starts_a_long_sweep_without_asking(tmp_path, monkeypatch):
    stderr = as_terminal(monkeypatch, "")  # nothing to read: a question would get "no"
    assert main(["sweep", str(TINY), "--out", str(tmp_path / "r"), "--workers", "1", "--yes"]) == 0
    assert "Start it?" not in stderr.getvalue()


@pytest.mark.slow
def test_a_batch_job_is_never_asked(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(progress, "ASK_ABOVE_S", 0.0)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal: SLURM, a pipe, nohup
    assert main(["sweep", str(TINY), "--out", str(tmp_path / "r"), "--workers", "1"]) == 0
    assert "Start it?" not in capsys.readouterr().err


def test_the_estimate_counts_the_cores_and_who_else_uses_them():
    base = {"total": 100, "pending": 100, "timed": (96, 99), "per_run_s": 0.02}
    # a quiet machine: 2 workers on 2 cores run 2 at a time; 4 workers on 2 cores no faster
    assert Estimate(workers=2, cores=2, **base).seconds == pytest.approx(1.0)
    assert Estimate(workers=4, cores=2, **base).seconds == pytest.approx(1.0)
    # a cluster: its workers
    assert Estimate(workers=8, **base).seconds == pytest.approx(0.25)
    # load 8 from others on 2 cores: the 2 workers get 2 * 2 / (2 + 8) = 0.4 of a core
    busy = Estimate(workers=2, cores=2, busy=8.0, **base)
    assert busy.at_once == pytest.approx(0.4) and busy.seconds == pytest.approx(5.0)
    assert "other programs keep 8.0 of the 2 cores busy, counted in" in busy.line("x", "w", "s")
    assert "busy" not in Estimate(workers=2, cores=2, busy=0.2, **base).line("x", "w", "s")
