"""A whole sweep: check the experiment, skip finished runs, run the rest, store, consolidate.

This is the one function behind ``stpgame sweep`` and ``stpgame sensitivity``
and the Python API (``stpgame.batch.run_sweep``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from stpgame.batch import outcomes, runner, storage
from stpgame.batch.experiment import Experiment, load_experiment
from stpgame.files import folder_path


@dataclass
class SweepReport:
    """What ``run_sweep`` did: folder, runs in all, run now, found done, seconds, engine."""

    out: Path
    runs: int
    ran: int
    resumed: int
    seconds: float
    engine: dict


def run_sweep(
    experiment: Experiment | str | Path,
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    quiet: bool = False,
    chunk: int | None = None,
    command: str = "stpgame.batch.run_sweep",
) -> SweepReport:
    """Run every unfinished run of ``experiment`` into ``out`` and consolidate the results.

    ``workers``: local processes (default: the cores available; 1 plays in this
    process). ``scheduler``: a Dask scheduler address (``tcp://host:8786``) to
    run on a cluster instead. Safe to call again on the same folder: finished
    runs are skipped.
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    if scheduler is not None:
        runner.check_scheduler(scheduler)
    out = folder_path(out)
    for o in exp.outcomes:  # every custom outcome imports here, before anything runs
        outcomes.resolve(f"outcomes.{o.name}.function", o.function)
    storage.check_folder(out, exp.sha256)  # before connecting or creating anything
    if scheduler is not None:
        engine = runner.DaskEngine(scheduler)
    else:
        engine = runner.LocalEngine(workers or runner.default_workers())
    started = time.perf_counter()
    try:
        with storage.SweepFolder(out, exp) as folder:
            for path, problem in folder.remove_damaged_parts():
                print(
                    f"{exp.name}: {path.relative_to(out)}: {problem}; its runs will run again",
                    file=sys.stderr,
                )
            done = folder.done()
            if folder.complete():
                return SweepReport(out, exp.n_runs, 0, exp.n_runs, 0.0, engine.description)
            pending = [r for r in range(exp.n_runs) if r not in done]
            if pending:
                engine.start()  # workers import the model while the jobs are prepared
            jobs = runner.make_jobs(exp, runner.chunks(pending, engine.capacity(), chunk))
            compute = 0.0
            with _progress(exp, len(done), quiet) as bar:
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
    return SweepReport(out, exp.n_runs, len(pending), len(done), wall, engine.description)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def _progress(exp: Experiment, initial: int, quiet: bool):
    """A tqdm bar on stderr (runs done, rate, time left); none when quiet or not a terminal."""
    if quiet or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(
        total=exp.n_runs,
        initial=initial,
        unit="run",
        desc=exp.name,
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.1,
    )


def manifest(exp: Experiment, engine: dict, timings: dict, command: str) -> dict:
    """Everything needed to reproduce the sweep: file, seeds, versions, commit, platform."""
    from stpgame.batch.seeds import RULE, run_seeds
    from stpgame.core import scenarios
    from stpgame.core.params import validate
    from stpgame.results_files import environment

    base = validate(scenarios.get(exp.scenario).params) if exp.scenario else None
    return {
        "command": command,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "experiment": {
            "file": exp.path,
            "sha256": exp.sha256,
            "content": exp.text,
            **exp.spec(),
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


def git_commit() -> dict | None:
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
