"""A whole sweep: check the experiment, skip finished runs, run the rest, store, consolidate.

This is the one function behind ``stpgame sweep`` and ``stpgame sensitivity``
and the Python API (``stpgame.batch.run_sweep``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stpgame.batch import arguments, outcomes, runner, storage
from stpgame.batch.experiment import ExperimentSpec, load_experiment
from stpgame.batch.progress import Estimate, progress


@dataclass
class SweepReport:
    """What ``run_sweep`` did: folder, runs in all, run now, found done, seconds, engine;
    ``started`` is False when ``confirm`` declined (then nothing was written)."""

    out: Path
    runs: int
    ran: int
    resumed: int
    seconds: float
    engine: dict[str, Any]
    started: bool = True
    repaired: str = ""
    """What was wrong with a finished folder found damaged (it was rebuilt), else ''."""
    estimate_s: float | None = None
    """The time the runs were estimated to take before they started (None: none to run)."""


def run_sweep(
    experiment: ExperimentSpec | str | Path,
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    quiet: bool = False,
    chunk: int | None = None,
    command: str = "stpgame.batch.run_sweep",
    confirm: Callable[[Estimate], bool] | None = None,
) -> SweepReport:
    """Run every unfinished run of ``experiment`` into ``out`` and consolidate the results.

    ``workers``: local processes (default: the cores available; 1 plays in this
    process). ``scheduler``: a Dask scheduler address (``tcp://host:8786``) to
    run on a cluster instead. Safe to call again on the same folder: finished
    runs are skipped.

    Before anything is written, the first and last pending runs are played and timed
    here (they are real runs, kept), and the run count with a time estimate is printed
    to stderr (unless ``quiet``); ``confirm(estimate)`` returning False stops the sweep
    there, with nothing written.
    """
    out, workers, scheduler, quiet, chunk = arguments.sweep(
        out, workers, scheduler, quiet, chunk, command, confirm
    )
    if not isinstance(experiment, ExperimentSpec):
        experiment = arguments.path(
            experiment, "experiment", "an Experiment or an experiment file path (.toml)"
        )
    exp = experiment if isinstance(experiment, ExperimentSpec) else load_experiment(experiment)
    for o in exp.outcomes:  # every custom outcome imports here, before anything runs
        outcomes.resolve(f"outcomes.{o.name}.function", o.function)
    storage.check_folder(out, exp.sha256)  # before connecting or creating anything
    engine: runner.DaskEngine | runner.LocalEngine
    if scheduler is not None:
        engine = runner.DaskEngine(scheduler)
    else:
        engine = runner.LocalEngine(workers or runner.default_workers())
    started = time.perf_counter()
    try:
        folder = storage.SweepFolder(out, exp)
        repaired, estimate_s = "", None
        if folder.has_results():
            problem = storage.folder_problem(out)
            if problem is None:
                return SweepReport(out, exp.n_runs, 0, exp.n_runs, 0.0, engine.description)
            with folder:  # damaged: back to part files, so what is missing runs again
                kept = folder.salvage()
            repaired = problem
            print(
                f"{exp.name}: {out}: {problem}; rebuilding it "
                f"({kept:,} of {exp.n_runs:,} runs recovered, the rest run again)",
                file=sys.stderr,
            )
        pending = [r for r in range(exp.n_runs) if r not in folder.done()]
        timed: list[runner.Result] = []
        if pending:
            engine.start()  # workers import the model while the first runs are timed here
            timed, estimate = _calibrate(exp, pending, engine.capacity())
            if engine.description["engine"] == "local":  # the cores, and who else uses them
                estimate = replace(estimate, cores=runner.default_workers(), busy=_busy())
            estimate_s = estimate.seconds
            if not quiet:
                print(
                    estimate.line(exp.name, where(engine.description), shape(exp)), file=sys.stderr
                )
            if confirm is not None and not confirm(estimate):
                resumed = exp.n_runs - len(pending)
                return SweepReport(out, exp.n_runs, 0, resumed, 0.0, engine.description, False)
        with folder:
            for path, problem in folder.remove_damaged_parts():
                print(
                    f"{exp.name}: {path.relative_to(out)}: {problem}; its runs will run again",
                    file=sys.stderr,
                )
            done = folder.done()
            pending = [r for r in range(exp.n_runs) if r not in done]
            compute = 0.0
            timed = [r for r in timed if r.first in pending and r.last in pending]
            for result in timed:  # played before the folder was ours: stored now
                folder.write_part(result.first, result.last, result.table, result.extra)
                compute += result.seconds
            played = {run for r in timed for run in range(r.first, r.last + 1)}
            rest = sorted(set(pending) - played)
            jobs = runner.make_jobs(exp, runner.chunks(rest, engine.capacity(), chunk))
            with progress(exp.name, exp.n_runs, exp.n_runs - len(rest), quiet) as bar:
                for result in engine.run(jobs):
                    folder.write_part(result.first, result.last, result.table, result.extra)
                    compute += result.seconds
                    bar.update(result.last - result.first + 1)
            wall = time.perf_counter() - started
            timings = {
                "wall_s": round(wall, 3),
                "compute_s": round(compute, 3),
                "runs_this_invocation": len(pending),
                "runs_resumed": len(done),
            }
            folder.consolidate(manifest(exp, engine.description, timings, command))
    finally:
        engine.close()
    return SweepReport(
        out,
        exp.n_runs,
        len(pending),
        len(done),
        wall,
        engine.description,
        repaired=repaired,
        estimate_s=estimate_s,
    )


def _busy() -> float:
    """Other programs' load on this machine: the 1-minute load average less this process
    (it was playing the timed runs); 0 where the system does not say (Windows)."""
    import os

    try:
        return max(0.0, os.getloadavg()[0] - 1.0)
    except (OSError, AttributeError):
        return 0.0


CALIBRATION_RUNS = 4
"""Warm runs timed, as one chunk, for the estimate (after the first, cold run)."""


def _calibrate(
    exp: ExperimentSpec, pending: list[int], workers: int
) -> tuple[list[runner.Result], Estimate]:
    """Time runs of this experiment here for an estimate from this experiment on this machine,
    not from a general per-run figure (a run's cost grows with its rounds and bodies and
    differs between conditions).

    The first pending run is played alone and not counted: it pays the one-time costs
    (imports, the model's first build, caches), 0.3-0.6 s against ~0.02 s for a warm England
    run, and counting it made estimates 9-14 times too long. The last
    :data:`CALIBRATION_RUNS` pending runs (consecutive, so they are one part file) are then
    played as one chunk, as a worker plays them, and their mean is the per-run time. All
    are real runs, kept.
    """
    import stpgame.core.model  # noqa: F401 - the import is not part of a run's time

    cold = runner.run_job(runner.make_jobs(exp, [[pending[0]]])[0])
    rest = pending[1:]
    if not rest:
        return [cold], Estimate(exp.n_runs, len(pending), workers, (pending[0],), cold.seconds)
    tail = runner.chunks(rest[-CALIBRATION_RUNS:], 1, CALIBRATION_RUNS)[-1]
    warm = runner.run_job(runner.make_jobs(exp, [tail])[0])
    per_run = warm.seconds / len(tail)
    timed = (tail[0], tail[-1]) if len(tail) > 1 else (tail[0],)
    return [cold, warm], Estimate(
        exp.n_runs, len(pending), workers, timed, per_run, cold_s=cold.seconds
    )


def where(engine: dict[str, Any]) -> str:
    """Where the runs are played, in words: ``2 local worker(s)`` or ``Dask at tcp://...``."""
    if engine["engine"] == "dask":
        return f"Dask at {engine['scheduler']}"
    return f"{engine['workers']} local worker(s)"


def shape(exp: ExperimentSpec) -> str:
    """``10 conditions x 10 replications x 20 rounds``."""
    return (
        f"{len(exp.conditions)} conditions x {exp.replications} replications x {exp.rounds} rounds"
    )


def manifest(
    exp: ExperimentSpec, engine: dict[str, Any], timings: dict[str, Any], command: str
) -> dict[str, Any]:
    """Everything needed to reproduce the sweep: file, seeds, versions, commit, platform."""
    from stpgame.batch.seeds import RULE, run_seeds
    from stpgame.core import scenarios
    from stpgame.core.params import validate
    from stpgame.results_files import environment

    base = validate(scenarios.get(exp.scenario).params) if exp.scenario else None
    spec = exp.spec()
    for o in exp.outcomes:  # each outcome's source, so the manifest says what was measured
        if not o.source:
            function = outcomes.resolve(f"outcomes.{o.name}.function", o.function)
            spec["outcomes"][o.name]["source"] = outcomes.source_of(function)
    return {
        "command": command,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "experiment": {
            "file": exp.path,
            "sha256": exp.sha256,
            "content": exp.text,
            **spec,
        },
        "base_parameters": validate(exp.fixed, base=base).as_dict(),
        "seeds": {
            "base_seed": exp.base_seed,
            "rule": RULE,
            "runs": run_seeds(exp.base_seed, exp.n_runs).tolist(),
        },
        "files": {name: storage.TABLE_ROWS[name] for name in storage.result_files(exp)},
        "git": git_commit(),
        "versions": environment(),
        "engine": engine,
        "timings": timings,
    }


def git_commit() -> dict[str, Any] | None:
    """The commit of the stpgame source tree, if it is a git checkout (else None)."""
    import stpgame

    root = Path(stpgame.__file__).resolve().parents[1]

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}
