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
from typing import Any

import numpy as np

from stpgame.batch import storage
from stpgame.batch.boxes import Question, restriction_text, restrictions, shown, threshold_text
from stpgame.core.checks import number, whole
from stpgame.errors import ConflictError, ParameterError, ResultsError, UnavailableError

FOLDER = "discovery"
BOXES_FILE = "boxes.csv"
BY_LEVER_FILE = "by_lever.csv"
RESAMPLE_FILE = "resample.csv"
RESAMPLES = 10
"""Half-samples PRIM is run again on, to see how often each restriction comes back."""
LEVER_BINS = 4
"""A lever with more than MAX_LEVER_VALUES values (sampled) is reported in this many groups
of equal counts, not value by value."""
MAX_LEVER_VALUES = 8
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
    row = trajectory.iloc[chosen]
    resampled = resample(
        x, y, float(row["coverage"]), float(row["density"]), int(spec.get("base_seed", 0))
    )
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
        declared=spec["varied"],
        resampled=resampled,
    )
    folder = out / FOLDER / question.folder_name
    files = write_files(
        folder,
        question,
        boxes,
        chosen,
        threshold,
        limits[chosen],
        initial,
        summary,
        by_lever,
        resampled,
    )
    return Discovery(folder, boxes, chosen, met, by_lever, summary, files)


# --- checks ----------------------------------------------------------------------------------
def _question(outcome: str, below: object, above: object, statistic: str) -> Question:
    if (below is None) == (above is None):
        raise ConflictError("below and above", "give exactly one of them")
    direction, value = ("below", below) if below is not None else ("above", above)
    value = float(number(direction, value))
    if statistic not in STATISTICS:
        raise ParameterError("statistic", "final or mean", statistic)
    if not isinstance(outcome, str) or not outcome:
        raise ParameterError("outcome", "an output name (see docs/outputs.md)", outcome)
    return Question(outcome, statistic, direction, value)


def _check_outcome(question: Question, manifest: dict[str, Any]) -> Question:
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


def _inputs(spec: dict[str, Any], inputs: Sequence[str] | None, out: Path) -> tuple[list[str], str]:
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


def _input_table(runs: Any, names: list[str]) -> Any:
    """The inputs as PRIM reads them: numbers stay numbers, anything else becomes text."""
    x = runs[names].copy()
    for name in names:
        if not np.issubdtype(x[name].dtype, np.number) or x[name].dtype == bool:
            x[name] = x[name].astype(str)
    return x


# --- PRIM ------------------------------------------------------------------------------------
def run_prim(x: Any, y: np.ndarray, threshold: float) -> tuple[Any, list[Any], list[Any], Any]:
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


def choose(trajectory: Any, threshold: float, box: int | None) -> tuple[int, bool]:
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


def box_table(trajectory: Any, limits: Any, qp: Any, initial: Any, chosen: int) -> Any:
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


def per_policy(
    runs: Any, x: Any, y: np.ndarray, limit: Any, initial: Any, levers: list[str]
) -> Any:
    """The chosen box per policy (combination of lever values): how often the outcome is of
    interest under that policy, and how dense the box is and how much it covers there.
    None without levers or with more than MAX_POLICIES combinations."""
    import pandas as pd

    if not levers:
        return None
    runs = _grouped_levers(runs, levers)
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


def _grouped_levers(runs: Any, levers: list[str]) -> Any:
    """``runs`` with each lever of many values (a sampled one) replaced by its group: one of
    LEVER_BINS ranges of equal counts, as text ('0 to 0.24'); a lever of few values (a
    grid's) stays as it is. A 16-line table of one policy per sampled value said nothing."""
    import pandas as pd

    runs = runs.copy()
    for lever in levers:
        values = runs[lever]
        numeric = np.issubdtype(values.dtype, np.number) and values.dtype != bool
        if not numeric or values.nunique() <= MAX_LEVER_VALUES:
            continue
        codes = pd.qcut(values.rank(method="first"), LEVER_BINS, labels=False).to_numpy()
        names = {}
        for k in range(LEVER_BINS):
            inside = values[codes == k]
            names[k] = f"{shown(lever, inside.min())} to {shown(lever, inside.max())}"
        runs[lever] = [f"{k + 1}: {names[k]}" for k in codes]
    return runs


def resample(x: Any, y: np.ndarray, coverage: float, density: float, seed: int) -> Any:
    """How often each input is restricted again when PRIM runs on half the runs
    (:data:`RESAMPLES` half-samples drawn from ``seed``): the box on each new trajectory
    nearest the chosen one in coverage (and in density) is read, as the EMA Workbench's
    ``PrimBox.resample`` does (Kwakkel 2017), but seeded here, so the numbers repeat.
    A restriction that comes back in most half-samples is a property of the model, not of
    which runs were drawn. Returns a table by input (``reproduce_coverage``,
    ``reproduce_density``, fractions), or None when a half-sample cannot be searched."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    counts = {name: [0, 0] for name in x.columns}
    for _ in range(RESAMPLES):
        index = np.sort(rng.choice(len(x), size=len(x) // 2, replace=False))
        ys = np.asarray(y)[index]
        if not 0 < ys.sum() < len(ys):
            return None
        trajectory, limits, _, initial = run_prim(
            x.iloc[index].reset_index(drop=True), ys, DEFAULT_THRESHOLD
        )
        near = [
            int((trajectory["coverage"] - coverage).abs().idxmin()),
            int((trajectory["density"] - density).abs().idxmin()),
        ]
        for side, i in enumerate(near):
            for name in restrictions(limits[i], initial):
                counts[name][side] += 1
    table = pd.DataFrame(
        {
            "reproduce_coverage": [c[0] / RESAMPLES for c in counts.values()],
            "reproduce_density": [c[1] / RESAMPLES for c in counts.values()],
        },
        index=list(counts),
    )
    return table.sort_values(["reproduce_coverage", "reproduce_density"], ascending=False)


def in_box(x: Any, limit: Any, initial: Any) -> np.ndarray:
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
    boxes: Any,
    chosen: int,
    *,
    met: bool,
    threshold: float,
    cases: int,
    role: str,
    by_lever: Any,
    levers: list[str],
    missing: int,
    limit: Any,
    initial: Any,
    declared: dict[str, Any] | None = None,
    resampled: Any = None,
) -> str:
    """The plain-English summary printed by ``stpgame discover`` and kept in summary.txt."""
    from ema_workbench import __version__ as ema_version

    declared = declared or {}
    out = question.about()
    row = boxes.iloc[chosen]
    k_all = int(boxes.iloc[0]["of_interest_in_box"])  # box 0 is the whole input space
    scaled = threshold_text(question)
    stored = f" ({question.value:g} as stored)" if out.scale != 1 else ""
    inputs = list(initial.columns)
    lines = [
        f"Cases of interest: runs whose {out.label} is {question.direction} "
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
        text = restriction_text(name, low, high, initial, declared.get(name))
        again = ""
        if resampled is not None and name in resampled.index:
            cov, den = resampled.loc[name, ["reproduce_coverage", "reproduce_density"]]
            again = (
                f"; restricted again in {RESAMPLES} half-samples: {cov:.0%} of the boxes "
                f"nearest in coverage, {den:.0%} nearest in density"
            )
        lines.append(f"  - {text}; quasi-p {qp:.2g}{again}")
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
    folder: Path,
    question: Question,
    boxes: Any,
    chosen: int,
    threshold: float,
    limit: Any,
    initial: Any,
    summary: str,
    by_lever: Any,
    resampled: Any,
) -> list[Path]:
    """The box table, per-policy table, figure and summary, written all or nothing
    (stpgame.files.write_together; the summary, last, says the set is complete)."""
    from stpgame.batch.figures import style, writers
    from stpgame.batch.prim_figure import figure
    from stpgame.files import cannot_write, write_together

    files = {BOXES_FILE: lambda tmp: boxes.to_csv(tmp, index=False)}
    if by_lever is not None:
        files[BY_LEVER_FILE] = lambda tmp: by_lever.to_csv(tmp, index=False)
    if resampled is not None:
        files[RESAMPLE_FILE] = lambda tmp: resampled.to_csv(tmp, index_label="input")
    with style():  # also while saving: the SVG keeps its text as text
        files.update(writers(figure(question, boxes, chosen, threshold, limit, initial), FIGURE))
        files[SUMMARY_FILE] = lambda tmp: tmp.write_text(summary, encoding="utf-8")
        try:
            write_together(folder, files)
        except OSError as exc:
            raise cannot_write(folder, exc) from exc
    return [folder / name for name in files]
