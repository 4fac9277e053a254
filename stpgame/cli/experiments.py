"""Experiment commands for researchers: sweep, summarise, plot, sensitivity, discover,
rerun.

Each handler checks its arguments, then calls the public API in stpgame.batch;
heavy libraries (pandas, Dask, SALib, matplotlib) load only inside the handlers.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from typing import TYPE_CHECKING

from stpgame.cli.common import Terminated, UsageError
from stpgame.errors import ConflictError

if TYPE_CHECKING:
    from stpgame.batch.experiment import ExperimentSpec
    from stpgame.batch.progress import Estimate
    from stpgame.batch.sweep import SweepReport
    from stpgame.cli.common import Subparsers

MAX_WORKERS = 1024


def add_parsers(sub: Subparsers) -> None:
    """Add ``stpgame sweep``, ``sensitivity``, ``summarise``, ``plot``, ``discover`` and
    ``rerun``."""
    p = sub.add_parser(
        "sweep",
        help="run an experiment file (grid/Latin hypercube/Sobol sweep with replications)",
        description="Run every run of an experiment file into --out; rerun to resume.",
    )
    _run_options(p)
    p.set_defaults(handler=cmd_sweep)

    p = sub.add_parser(
        "sensitivity",
        help="Morris or Sobol sensitivity analysis (SALib) from an experiment file",
        description="Run the SALib sample of an experiment's [sensitivity] table, then analyse it.",
    )
    _run_options(p)
    p.set_defaults(handler=cmd_sensitivity)

    p = sub.add_parser(
        "summarise",
        help="means and 95%% confidence intervals per condition of a finished sweep",
    )
    p.add_argument("dir", metavar="DIR", help="a sweep's --out folder")
    p.add_argument(
        "--stat",
        choices=("final", "mean"),
        default="final",
        help="each run's final-round value (default) or its mean over rounds",
    )
    p.add_argument("--outputs", metavar="A,B", help="only these outputs (comma-separated)")
    p.set_defaults(handler=cmd_summarise)

    p = sub.add_parser("plot", help="publication figures (PNG and SVG) of a finished sweep")
    p.add_argument("dir", metavar="DIR", help="a sweep's --out folder")
    p.add_argument(
        "--stat",
        choices=("final", "mean"),
        default="final",
        help="each run's final-round value (default) or its mean over rounds",
    )
    p.add_argument(
        "--outputs",
        metavar="A,B",
        help="outputs (custom outcomes too) of the per-parameter and per-lever figures",
    )
    p.set_defaults(handler=cmd_plot)

    p = sub.add_parser(
        "discover",
        help="scenario discovery (PRIM): which input ranges hold the runs of interest",
        description="PRIM (ema_workbench) on a finished sweep: the runs whose outcome is below "
        "or above a value, searched over the uncertainties (or every varied parameter). "
        "Writes DIR/discovery/<column>_<below|above>_<X>/: boxes.csv, summary.txt, "
        "peeling_trajectory.png and .svg (and by_lever.csv when the experiment marks levers).",
    )
    p.add_argument("dir", metavar="DIR", help="a sweep's --out folder")
    p.add_argument(
        "--outcome", required=True, help="an output the sweep kept, e.g. cooperation_rate"
    )
    side = p.add_mutually_exclusive_group(required=True)
    side.add_argument(
        "--below", metavar="X", help="cases of interest: outcome below X (stored units)"
    )
    side.add_argument(
        "--above", metavar="X", help="cases of interest: outcome above X (stored units)"
    )
    p.add_argument(
        "--stat",
        choices=("final", "mean"),
        default="final",
        help="each run's final-round value (default) or its mean over rounds",
    )
    p.add_argument(
        "--threshold",
        default=None,
        help="density a box must reach, in (0, 1] (default 0.8)",
    )
    p.add_argument(
        "--inputs",
        metavar="A,B",
        help="varied parameters to search (default: the uncertainties, else all varied)",
    )
    p.add_argument("--box", default=None, help="report this box of the peeling trajectory")
    p.set_defaults(
        handler=cmd_discover,
        flags={
            "outcome": "--outcome",
            "below": "--below",
            "above": "--above",
            "threshold": "--threshold",
            "inputs": "--inputs",
            "box": "--box",
        },
    )

    p = sub.add_parser(
        "rerun",
        help="run a finished sweep again from its manifest and check the tables are identical",
        description="Run the sweep in DIR again into a temporary folder (DIR is only read) and "
        "compare every result table. Exit 0: identical; 1: they differ (the first difference "
        "is named); 2: DIR is not a finished sweep.",
    )
    p.add_argument("dir", metavar="DIR", help="a finished sweep's --out folder")
    _engine_options(p)
    p.set_defaults(handler=cmd_rerun)


def _run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file", metavar="FILE", help="experiment file (.toml), e.g. experiments/tiny.toml"
    )
    p.add_argument("--out", required=True, help="results folder (created; rerun to resume)")
    _engine_options(p)
    p.add_argument("--chunk", default=None, help="runs per task (default: automatic, at most 25)")
    p.add_argument(
        "--yes",
        action="store_true",
        help="start without asking, however long the estimate (only a terminal is asked, "
        "and only above an hour)",
    )


def _engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workers",
        default=None,
        help="local worker processes (default: cores available; 1 = in this process)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask cluster instead, e.g. tcp://127.0.0.1:8786",
    )
    p.add_argument(
        "--quiet", action="store_true", help="no estimate and no progress (bar or lines)"
    )


def _whole(name: str, value: str | None, low: int, high: int) -> int | None:
    """An optional whole-number option: None when not given."""
    from stpgame.analysis.inputs import check_count

    return None if value is None else check_count(value, name, high, low=low)


def _ask(estimate: Estimate) -> bool:
    """On a terminal, ask before a sweep estimated to take over an hour; elsewhere (a SLURM
    job, a pipe, a background process) never ask: a batch job must not wait for a reply."""
    from stpgame.batch.progress import ASK_ABOVE_S, duration

    if estimate.seconds <= ASK_ABOVE_S or not (sys.stdin.isatty() and sys.stderr.isatty()):
        return True
    print(
        f"This sweep should take about {duration(estimate.seconds)}. Start it? [y/N] ",
        end="",
        file=sys.stderr,
        flush=True,
    )
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return False
    return answer.strip().lower() in ("y", "yes")


def _workers(args: argparse.Namespace) -> int | None:
    """``--workers`` checked, and not given together with ``--scheduler``."""
    workers = _whole("--workers", args.workers, 1, MAX_WORKERS)
    if args.scheduler is not None and args.workers is not None:
        raise ConflictError(
            "--workers and --scheduler", "choose one (Dask workers are set on the cluster)"
        )
    return workers


def _importable_here() -> None:
    """Custom outcomes are imported by their path (``my_outcomes:f``): like ``python -m
    stpgame``, let the current folder's modules be found (pool workers inherit the path)."""
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())


def _sweep(
    args: argparse.Namespace, expect_sensitivity: bool
) -> tuple[ExperimentSpec, SweepReport]:
    from stpgame.batch.experiment import load_experiment
    from stpgame.batch.sweep import run_sweep, shape, where

    _importable_here()
    workers = _workers(args)
    chunk = _whole("--chunk", args.chunk, 1, 100_000)
    exp = load_experiment(args.file)
    if expect_sensitivity and exp.sensitivity is None:
        raise UsageError(f"{args.file}: has no [sensitivity] table; run it with `stpgame sweep`")
    if not expect_sensitivity and exp.sensitivity is not None:
        raise UsageError(
            f"{args.file}: has a [sensitivity] table; run it with `stpgame sensitivity`"
        )
    command = shlex.join(["stpgame", *args.argv])
    try:
        report = run_sweep(
            exp,
            args.out,
            workers=workers,
            scheduler=args.scheduler,
            quiet=args.quiet,
            chunk=chunk,
            command=command,
            confirm=lambda estimate: args.yes or _ask(estimate),
        )
    except (KeyboardInterrupt, Terminated):
        print(
            f"finished runs are kept in {args.out}; to resume, run the same command again:\n"
            f"  {command}",
            file=sys.stderr,
        )
        raise
    if not report.started:
        print(f"{exp.name}: not started; nothing written", file=sys.stderr)
    elif report.repaired and report.ran == 0:
        print(f"{exp.name}: rebuilt {report.out} from its sound tables; no run had to run again")
    elif report.ran == 0:
        print(
            f"{exp.name}: all {report.runs} runs already finished in {report.out}; nothing to run"
        )
    else:
        print(
            f"{exp.name}: {report.ran} runs in {report.seconds:.1f} s with "
            f"{where(report.engine)} ({report.resumed} already finished); {shape(exp)}"
        )
    return exp, report


def cmd_sweep(args: argparse.Namespace) -> int:
    """``stpgame sweep``: run (or resume) an experiment file."""
    _exp, report = _sweep(args, expect_sensitivity=False)
    if not report.started:
        return 1
    if report.ran or report.repaired:
        print(f"wrote {report.out}/rounds.parquet, runs.parquet, manifest.json")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``stpgame sensitivity``: run the experiment, then its sensitivity analysis."""
    import warnings

    from stpgame.batch.sensitivity import ConvergenceWarning, analyse, format_table

    exp, report = _sweep(args, expect_sensitivity=True)
    if not report.started:
        return 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        table, files = analyse(report.out)
    assert exp.sensitivity is not None  # _sweep refused a file without one
    print(format_table(table, exp.sensitivity.method))
    print("wrote " + ", ".join(str(f) for f in files))
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            print(f"stpgame sensitivity: warning: {w.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return 0


def cmd_summarise(args: argparse.Namespace) -> int:
    """``stpgame summarise``: a finished sweep's outputs per condition, with 95% intervals."""
    from stpgame.batch.summary import format_summary, summarise

    outputs = None if args.outputs is None else [o.strip() for o in args.outputs.split(",")]
    from stpgame.batch.storage import read_manifest

    table, path = summarise(args.dir, statistic=args.stat, outputs=outputs, write=True)
    print(format_summary(table, outputs))
    spec = read_manifest(args.dir)["experiment"]
    roles = [
        f"{what}: {', '.join(spec[key])}"
        for key, what in (("levers", "policy levers"), ("uncertainties", "uncertainties"))
        if spec.get(key)
    ]
    if roles:
        print("; ".join(roles))
    print(f"wrote {path}")
    return 0


def cmd_rerun(args: argparse.Namespace) -> int:
    """``stpgame rerun``: run a finished sweep again and compare; 0 identical, 1 not."""
    from stpgame.batch.reproduce import rerun
    from stpgame.batch.sweep import where

    _importable_here()
    workers = _workers(args)
    report = rerun(args.dir, workers=workers, scheduler=args.scheduler, quiet=args.quiet)
    for note in report.notes:
        print(f"note: {note}")
    tables = ", ".join(report.tables)
    ran = f"ran again in {report.seconds:.1f} s with {where(report.engine)}"
    if report.identical:
        print(f"{args.dir}: {ran}; identical: {tables}")
        return 0
    print(f"{args.dir}: {ran}; NOT identical: {report.difference}")
    return 1


def cmd_plot(args: argparse.Namespace) -> int:
    """``stpgame plot``: figures of a finished sweep."""
    from stpgame.batch.figures import plot

    outputs = None if args.outputs is None else [o.strip() for o in args.outputs.split(",")]
    files = plot(args.dir, statistic=args.stat, outputs=outputs)
    print("wrote " + ", ".join(str(f) for f in files))
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    """``stpgame discover``: PRIM on a finished sweep; prints the chosen box in plain English."""
    from stpgame.batch.discovery import DEFAULT_THRESHOLD, discover
    from stpgame.core.checks import number

    def typed(name: str, text: str | None, allowed: str = "a number") -> float | None:
        """The number typed (the library takes no text for a number)."""
        return None if text is None else float(number(name, text, allowed=allowed, text=True))

    inputs = None if args.inputs is None else [n.strip() for n in args.inputs.split(",")]
    threshold = typed("threshold", args.threshold, "a density in (0, 1]")
    found = discover(
        args.dir,
        args.outcome,
        below=typed("below", args.below),
        above=typed("above", args.above),
        statistic=args.stat,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        inputs=inputs,
        box=_whole("--box", args.box, 0, 1_000_000),
    )
    print(found.summary, end="")
    print("wrote " + ", ".join(str(f) for f in found.files))
    return 0
