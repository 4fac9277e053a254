"""Scenario discovery: which ranges of the inputs hold the runs with an outcome of interest?

PRIM, the patient rule induction method (Friedman & Fisher 1999, Statistics and Computing
9:123), peels a box off the input space step by step, each step giving up a little of it
to make the box denser in cases of interest; the steps form the *peeling trajectory*, a
trade-off between **coverage** (the share of all cases of interest inside the box) and
**density** (the share of the box's cases that are of interest); **mass** is the share of
all cases inside. Scenario discovery (Bryant & Lempert 2010, Technological Forecasting &
Social Change 77:34) reads a box as a plain statement: "cooperation collapses when the
savings multiplier is below 0.8 and the lag at least 4 years". The algorithm is the EMA
Workbench's (Kwakkel 2017, Environmental Modelling & Software 96:239:
``ema_workbench.analysis.prim``), with its quasi-p values (a one-sided binomial test of
each restriction; small means the restriction matters).

Each run of a finished sweep is one case, its inputs the varied parameters of its
condition: replications of one condition are separate cases, so a box's density is the
share of runs inside it whose outcome is of interest. The inputs are the experiment's
uncertainties when it marks them, else every varied parameter. When it marks policy levers,
the chosen box is also reported per policy (each combination of lever values).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from stpgame.batch import storage
from stpgame.batch.boxes import Question, restriction_text, restrictions, shown, threshold_text
from stpgame.core.checks import number, whole
from stpgame.errors import ConflictError, ParameterError, ResultsError, UnavailableError

FOLDER = "discovery"
BOXES_FILE = "boxes.csv"
BY_LEVER_FILE = "by_lever.csv"
SUMMARY_FILE = "summary.txt"
FIGURE = "peeling_trajectory"
DEFAULT_THRESHOLD = 0.8
MAX_POLICIES = 24
"""Lever combinations reported one by one; beyond this (sampled levers) none are."""
PEEL_ALPHA = 0.05
MASS_MIN = 0.05
STATISTICS = ("final", "mean")


@dataclass
class Discovery:
    """What :func:`discover` found and wrote.

    ``boxes``: one row per box on the peeling trajectory; ``chosen``: the row reported;
    ``met``: whether that box reaches the density threshold; ``by_lever``: the chosen box
    per policy, or None; ``summary``: the plain-English report.
    """

    folder: Path
    boxes: object
    chosen: int
    met: bool
    by_lever: object | None
    summary: str
    files: list[Path] = field(default_factory=list)


def discover(
    out: str | Path,
    outcome: str,
    *,
    below: float | None = None,
    above: float | None = None,
    statistic: str = "final",
    threshold: float = DEFAULT_THRESHOLD,
    inputs: Sequence[str] | None = None,
    box: int | None = None,
) -> Discovery:
    """PRIM on the finished sweep in ``out``: the runs whose ``outcome`` (each run's
    ``statistic``: final year or mean over years) is ``below`` or ``above`` a value, searched
    over ``inputs`` (default: the uncertainties, else every varied parameter).

    ``threshold``: the density a box must reach; the box reported is the one holding the
    most cases of interest among those that reach it (the densest of them on a tie), or
    box ``box`` of the trajectory. Writes ``boxes.csv``, ``peeling_trajectory.png|svg``,
    ``summary.txt`` (and ``by_lever.csv``) into ``out/discovery/<column>_<below|above>_<value>``
    all at once; every bad input raises before anything is written.
    """
    from stpgame.batch import arguments

    out = arguments.path(out, "out")
    inputs = arguments.names(inputs, "inputs", "a list of varied parameters")
    question = _question(outcome, below, above, statistic)
    given = threshold
    threshold = float(number("threshold", threshold, 0.0, 1.0, allowed="a density in (0, 1]"))
    if threshold == 0:
        raise ParameterError("threshold", "a density in (0, 1]", given)
    if box is not None:
        box = whole("box", box, 0)
    manifest = storage.read_manifest(out)
    spec = manifest["experiment"]
    runs = storage.read_results(out, storage.RUNS, manifest)
    question = _check_outcome(question, manifest)
    chosen_inputs, role = _inputs(spec, inputs, out)
    values = runs[question.column].to_numpy(float)
    known = ~np.isnan(values)
    runs, values = runs[known].reset_index(drop=True), values[known]
    y = question.of_interest(values)
    _check_cases(question, y, values)

    x = _input_table(runs, chosen_inputs)
    trajectory, limits, qp, initial = run_prim(x, y, threshold)
    chosen, met = choose(trajectory, threshold, box)
    boxes = box_table(trajectory, limits, qp, initial, chosen)
    levers = [v for v in spec.get("levers", []) if v in runs.columns]
    by_lever = per_policy(runs, x, y, limits[chosen], initial, levers)
    missing = int((~known).sum())
    summary = describe(
        question,
        boxes,
        chosen,
        met=met,
        threshold=threshold,
        cases=len(y),
        role=role,
        by_lever=by_lever,
        levers=levers,
        missing=missing,
        limit=limits[chosen],
        initial=initial,
    )
    folder = out / FOLDER / question.folder_name
    files = write_files(
        folder, question, boxes, chosen, threshold, limits[chosen], initial, summary, by_lever
    )
    return Discovery(folder, boxes, chosen, met, by_lever, summary, files)


# --- checks ----------------------------------------------------------------------------------
def _question(outcome: str, below, above, statistic: str) -> Question:
    if (below is None) == (above is None):
        raise ConflictError("below and above", "give exactly one of them")
    direction, value = ("below", below) if below is not None else ("above", above)
    value = float(number(direction, value))
    if statistic not in STATISTICS:
        raise ParameterError("statistic", "final or mean", statistic)
    if not isinstance(outcome, str) or not outcome:
        raise ParameterError("outcome", "an output name (see docs/outputs.md)", outcome)
    return Question(outcome, statistic, direction, value)


def _check_outcome(question: Question, manifest: dict) -> Question:
    """The question, for an output the sweep kept (a custom outcome brings its own words)."""
    from stpgame.batch.schema import closest
    from stpgame.batch.summary import custom_outcomes, kept_outputs

    kept = kept_outputs(manifest)
    if question.output not in kept:
        raise ParameterError(
            "outcome",
            "an output kept by this sweep: " + ", ".join(kept),
            question.output,
            closest(question.output, kept, "output"),
        )
    custom = custom_outcomes(manifest).get(question.output)
    if custom is None:
        return question
    column = question.output if custom.per == "run" else f"{question.output}_{question.statistic}"
    return replace(question, custom=custom.output(column))


def _inputs(spec: dict, inputs: Sequence[str] | None, out: Path) -> tuple[list[str], str]:
    """The inputs to search and what they are ("uncertainties", "varied parameters", "given")."""
    varied = list(spec["varied"])
    if not varied:
        raise ResultsError(
            out,
            "this sweep varies no parameter, so there are no inputs to search",
            "run an experiment with a [vary] or [sensitivity] table",
        )
    if inputs is None:
        uncertainties = [v for v in spec.get("uncertainties", []) if v in varied]
        if uncertainties:
            return uncertainties, "the experiment's uncertainties"
        return varied, "every varied parameter"
    from stpgame.batch.schema import closest

    chosen = list(inputs)
    allowed = "parameters varied by this sweep: " + ", ".join(varied)
    if not chosen:
        raise ParameterError("inputs", allowed, "")
    for name in chosen:
        if name not in varied:
            raise ParameterError("inputs", allowed, name, closest(name, varied, "name"))
    if len(set(chosen)) != len(chosen):
        raise ParameterError("inputs", "each name once", ",".join(chosen))
    return chosen, "the inputs given"


def _check_cases(question: Question, y: np.ndarray, values: np.ndarray) -> None:
    """Refuse a question with no case of interest, or with nothing but."""
    n, k = len(y), int(y.sum())
    if n and 0 < k < n:
        return
    span = f"values run from {values.min():g} to {values.max():g}" if n else "no values"
    what = "no run" if k == 0 else f"all {n} runs"
    raise ParameterError(
        question.direction,
        f"a value that splits the runs ({question.column} {span})",
        f"{question.value:g}",
        f"{what} {'has' if k == 0 else 'have'} {question.column} {question.direction} "
        f"{question.value:g}, so there is nothing to tell apart",
    )


def _input_table(runs, names: list[str]):
    """The inputs as PRIM reads them: numbers stay numbers, anything else becomes text."""
    x = runs[names].copy()
    for name in names:
        if not np.issubdtype(x[name].dtype, np.number) or x[name].dtype == bool:
            x[name] = x[name].astype(str)
    return x


# --- PRIM ------------------------------------------------------------------------------------
def run_prim(x, y: np.ndarray, threshold: float):
    """One PRIM box search (ema_workbench): (trajectory, box limits, quasi-p values, initial box).

    ``trajectory`` has one row per step: coverage, density, mass, n (cases in the box), k
    (cases of interest in it), res_dim (inputs restricted). ``threshold`` only decides which
    box is reported (:func:`choose`): PRIM is given the smallest positive density so that it
    keeps the whole trajectory instead of replacing it by the full space when the last box
    falls short of ``threshold``.
    """
    with warnings.catch_warnings():  # the Workbench warns at import about optional extras
        warnings.simplefilter("ignore")
        try:
            from ema_workbench.analysis import prim
        except ImportError as exc:
            raise UnavailableError(
                "ema_workbench",
                f"scenario discovery needs it ({exc}); pip install 'stpgame[experiments]'",
            ) from None

        algorithm = prim.Prim(
            x,
            np.asarray(y, dtype=int),
            threshold=np.nextafter(0.0, 1.0),
            threshold_type=prim.ABOVE,
            peel_alpha=PEEL_ALPHA,
            mass_min=MASS_MIN,
        )
        found = algorithm.find_box()
    trajectory = found.peeling_trajectory.reset_index(drop=True)
    return trajectory, list(found.box_lims), list(found.qp), algorithm.box_init


def choose(trajectory, threshold: float, box: int | None) -> tuple[int, bool]:
    """The box to report and whether it reaches ``threshold``.

    Without ``box``: among the boxes at least ``threshold`` dense, the one with the most
    cases of interest (highest coverage), the densest on a tie; if none is dense enough,
    the densest box (and ``False``).
    """
    density = trajectory["density"].to_numpy(float)
    if box is not None:
        if box >= len(trajectory):
            raise ParameterError(
                "box", f"a box on the peeling trajectory, 0 to {len(trajectory) - 1}", box
            )
        return box, bool(density[box] >= threshold)
    dense = np.flatnonzero(density >= threshold)
    if not len(dense):
        return int(np.argmax(density)), False
    k = trajectory["k"].to_numpy(int)
    best = max(dense, key=lambda i: (k[i], density[i]))
    return int(best), True


def box_table(trajectory, limits, qp, initial, chosen: int):
    """One row per box on the trajectory: its statistics, and for each input its limits
    (``<input>_min``/``<input>_max``, or ``<input>`` the allowed values of text) and the
    quasi-p value of its restriction (``<input>_qp``, empty when not restricted)."""
    import pandas as pd

    rows = []
    for i, stats in trajectory.iterrows():
        limit = limits[i]
        restricted = restrictions(limit, initial)
        row = {
            "box": i,
            "chosen": i == chosen,
            "coverage": float(stats["coverage"]),
            "density": float(stats["density"]),
            "mass": float(stats["mass"]),
            "runs_in_box": int(stats["n"]),
            "of_interest_in_box": int(stats["k"]),
            "restricted": ", ".join(restricted),
        }
        for name in limit.columns:
            low, high = limit[name].iloc[0], limit[name].iloc[1]
            if isinstance(low, set):
                row[name] = "|".join(sorted(map(str, low)))
            else:
                row[f"{name}_min"], row[f"{name}_max"] = low, high
            sides = [p for p in qp[i].get(name, []) if p >= 0] if name in restricted else []
            row[f"{name}_qp"] = max(sides) if sides else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def per_policy(runs, x, y: np.ndarray, limit, initial, levers: list[str]):
    """The chosen box per policy (combination of lever values): how often the outcome is of
    interest under that policy, and how dense the box is and how much it covers there.
    None without levers or with more than MAX_POLICIES combinations."""
    import pandas as pd

    if not levers:
        return None
    policies = runs[levers].drop_duplicates()
    if len(policies) > MAX_POLICIES:
        return None
    inside = in_box(x, limit, initial)
    rows = []
    for _, policy in policies.sort_values(levers).iterrows():
        mine = np.ones(len(runs), dtype=bool)
        for lever in levers:
            mine &= (runs[lever] == policy[lever]).to_numpy()
        n, k = int(mine.sum()), int(y[mine].sum())
        n_in, k_in = int((mine & inside).sum()), int((mine & inside & y).sum())
        rows.append(
            {
                **{lever: policy[lever] for lever in levers},
                "runs": n,
                "of_interest": k,
                "share_of_interest": k / n if n else math.nan,
                "runs_in_box": n_in,
                "of_interest_in_box": k_in,
                "density_in_box": k_in / n_in if n_in else math.nan,
                "coverage_in_box": k_in / k if k else math.nan,
            }
        )
    return pd.DataFrame(rows)


def in_box(x, limit, initial) -> np.ndarray:
    """Whether each case lies inside the box ``limit`` (bounds inclusive, as PRIM's)."""
    inside = np.ones(len(x), dtype=bool)
    for name, (low, high) in restrictions(limit, initial).items():
        column = x[name]
        if isinstance(low, list):
            inside &= column.isin(low).to_numpy()
            continue
        if low is not None:
            inside &= (column >= low).to_numpy()
        if high is not None:
            inside &= (column <= high).to_numpy()
    return inside


# --- the report ------------------------------------------------------------------------------
def describe(
    question: Question,
    boxes,
    chosen: int,
    *,
    met: bool,
    threshold: float,
    cases: int,
    role: str,
    by_lever,
    levers: list[str],
    missing: int,
    limit,
    initial,
) -> str:
    """The plain-English summary printed by ``stpgame discover`` and kept in summary.txt."""
    from ema_workbench import __version__ as ema_version

    out = question.about()
    row = boxes.iloc[chosen]
    k_all = int(boxes.iloc[0]["of_interest_in_box"])  # box 0 is the whole input space
    scaled = threshold_text(question)
    stored = f" ({question.value:g} as stored)" if out.scale != 1 else ""
    inputs = list(initial.columns)
    lines = [
        f"Cases of interest: runs whose {out.label.lower()} is {question.direction} "
        f"{scaled}{stored}: {k_all} of {cases} runs ({k_all / cases:.0%}).",
    ]
    if missing:
        lines.append(f"{missing} run(s) without a value of {question.column} are left out.")
    lines.append(
        f"Searched: {', '.join(inputs)} ({role}), with PRIM (ema_workbench {ema_version}; "
        f"peeling alpha {PEEL_ALPHA}, minimum mass {MASS_MIN}); "
        f"{len(boxes)} boxes on the peeling trajectory (boxes.csv, {FIGURE}.png)."
    )
    if met:
        why = f"the box with the most cases of interest among those at least {threshold:.0%} dense"
    else:
        why = (
            f"NO box reaches the density threshold {threshold:.0%}; this is the densest one. "
            "The inputs searched do not separate the cases of interest well: try other "
            "--inputs, or a lower --threshold"
        )
    lines.append(f"Box {chosen} ({why}):")
    restricted = restrictions(limit, initial)
    if not restricted:
        lines.append("  no restriction: the whole input space.")
    for name, (low, high) in restricted.items():
        qp = row[f"{name}_qp"]
        lines.append(f"  - {restriction_text(name, low, high, initial)}; quasi-p {qp:.2g}")
    lines.append(
        f"It holds {int(row['runs_in_box'])} runs ({row['mass']:.0%} of all: mass), "
        f"{int(row['of_interest_in_box'])} of them of interest (density {row['density']:.0%}), "
        f"which is {row['coverage']:.0%} of all cases of interest (coverage)."
    )
    if by_lever is not None:
        lines.append(f"Per policy ({', '.join(levers)}; by_lever.csv):")
        for _, policy in by_lever.iterrows():
            name = ", ".join(f"{lever} = {shown(lever, policy[lever])}" for lever in levers)
            head = f"  - {name}: {policy['share_of_interest']:.0%} of its runs of interest; "
            if not policy["runs_in_box"]:
                lines.append(head + "none of its runs in the box")
                continue
            covers = (
                f", covering {policy['coverage_in_box']:.0%} of its cases"
                if policy["of_interest"]
                else ""
            )
            lines.append(head + f"in the box {policy['density_in_box']:.0%} dense{covers}")
    elif levers:
        lines.append(f"Per policy: not reported (more than {MAX_POLICIES} lever combinations).")
    lines.append(
        "A box describes where the cases of interest concentrate in the runs made; it is no "
        "proof of cause, and it cannot reach beyond the ranges swept."
    )
    return "\n".join(lines) + "\n"


# --- writing ---------------------------------------------------------------------------------
def write_files(
    folder: Path, question, boxes, chosen, threshold, limit, initial, summary, by_lever
):
    """The box table, per-policy table, figure and summary, written all or nothing
    (stpgame.files.write_together; the summary, last, says the set is complete)."""
    from stpgame.batch.figures import style, writers
    from stpgame.batch.prim_figure import figure
    from stpgame.files import cannot_write, write_together

    files = {BOXES_FILE: lambda tmp: boxes.to_csv(tmp, index=False)}
    if by_lever is not None:
        files[BY_LEVER_FILE] = lambda tmp: by_lever.to_csv(tmp, index=False)
    with style():  # also while saving: the SVG keeps its text as text
        files.update(writers(figure(question, boxes, chosen, threshold, limit, initial), FIGURE))
        files[SUMMARY_FILE] = lambda tmp: tmp.write_text(summary, encoding="utf-8")
        try:
            write_together(folder, files)
        except OSError as exc:
            raise cannot_write(folder, exc) from exc
    return [folder / name for name in files]
