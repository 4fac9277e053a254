"""Experiment files (TOML): what to run, checked completely before anything runs.

An experiment names a scenario preset, fixed overrides, the parameters to vary
(a full grid, a Latin hypercube or a Sobol sample, a table of conditions given point
by point) or a sensitivity analysis, the number of replications, a base seed, the
rounds, the outputs to keep and any custom outcomes (outcomes.py). An experiment built
in Python (api.py) is written as the same TOML and read by the same code.
Each table of the file is declared below as a dataclass whose fields carry their
checks (read by ``schema.read``); parameter values are checked by the parameter
table in params.py, so a typo or a range outside a parameter's allowed range stops
the experiment with a message naming the key, the allowed values and the value
given, before a folder is created. Rules that join several keys (a grid needs
steps, Sobol needs a power of 2, a condition must pass the cross-checks) follow
in ``_build``. See docs/experiments.md for the format.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, cast

from stpgame.batch import outcomes, sampling
from stpgame.batch.schema import (
    Check,
    a_table,
    closest,
    flag,
    key,
    names,
    number_in,
    one_of,
    read,
    table_by_name,
    table_of,
    text,
    texts,
    whole,
)
from stpgame.batch.seeds import run_seed
from stpgame.core.outputs import MODEL_VALUES, ORG_VALUES, column
from stpgame.core.params import BY_NAME, Kind, Param, validate
from stpgame.errors import ParameterError

MAX_ROUNDS = 10_000
MAX_REPLICATIONS = 100_000
MAX_RUNS = 10_000_000
MAX_SAMPLES = 1_000_000
MAX_SEED = 2**63 - 1
MAX_STEPS = 10_000
MORRIS_LEVELS = 4
SOBOL_TOLERANCE = 0.1
"""Default largest change (N/2 to N) and 95% CI half-width of a settled Sobol index."""
MODEL_COLUMNS = MODEL_VALUES

ORG_COLUMNS = ORG_VALUES
"""Organisation-level columns that can be kept as a mean per organisation type."""

RUN_COLUMNS = ("run", "condition", "replication", "seed")
ROLES = ("lever", "uncertainty")
"""What a varied parameter is to a policy study (EMA's vocabulary): a lever a policy-maker
sets, or an uncertainty about the world. Unmarked parameters have no role."""
SERIES = {"footprint": ("footprints", "footprint"), "type": ("types", "org_type")}
"""Groups an experiment can keep organisation outputs for (``[outputs] series``): each one's
table (``footprints.parquet``) and the organisation column it groups by."""
RESERVED = frozenset({*RUN_COLUMNS, "scenario", "round", "footprint", "org_type", "organisations"})
SENSITIVITY_METHODS = ("morris", "sobol")
STATISTICS = ("final", "mean")


class ExperimentError(ParameterError):
    """A bad experiment file: names the file, the key, what is allowed and the value given."""

    def __init__(self, key: str, allowed: str, value: object, note: str = "", source: str = ""):
        super().__init__(key, allowed, value, note)
        self.source = source
        where = f"{source}: " if source else ""
        message = f"{where}key '{key}': allowed {allowed}; got {value!r}"
        self.args = (f"{message} ({note})" if note else message,)


@dataclass(frozen=True)
class Varied:
    """One varied parameter: explicit grid values, or a range to sample."""

    name: str
    values: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None

    @property
    def range(self) -> tuple[float, float]:
        """(low, high) of a sampled range; a parameter given as listed values has none."""
        if self.low is None or self.high is None:
            raise ValueError(f"{self.name} is varied over listed values, not a range")
        return self.low, self.high

    @property
    def integer(self) -> bool:
        """Whether the parameter takes whole numbers (its sampled values are then rounded)."""
        return BY_NAME[self.name].kind is Kind.INT


@dataclass(frozen=True)
class Sensitivity:
    """A SALib design: method, base sample size, parameter bounds and outputs to analyse."""

    method: str
    n: int
    levels: int
    statistic: str
    outputs: tuple[str, ...]
    parameters: tuple[Varied, ...]
    second_order: bool = False
    tolerance: float = SOBOL_TOLERANCE

    @property
    def rows_per_base_sample(self) -> int:
        """Rows of Saltelli's Sobol design per base sample: D + 2, or 2D + 2 with second order
        (SALib.sample.sobol writes each base sample's rows together)."""
        d = len(self.parameters)
        return 2 * d + 2 if self.second_order else d + 2


@dataclass(frozen=True)
class ExperimentSpec:
    """What an experiment file says, checked: the runs it defines, not how to run them.
    ``conditions`` lists each condition's varied values.

    ``text`` is its TOML (the file as written, or what api.py wrote for an experiment built
    in Python); ``sha256`` hashes that text (a results folder holds one experiment's text);
    ``digest`` hashes its content whatever the comments and layout, so an experiment built
    in Python and the file with the same keys and values have the same digest (it is what
    the result tables carry). Read a file with :func:`load_experiment`. The Python API's
    ``stpgame.batch.Experiment`` (api.py) is this with its builders and ``run``: one name
    each (this module cannot hold ``run``, which needs sweep.py, which needs this module).
    """

    name: str
    path: str
    text: str
    sha256: str
    digest: str
    title: str
    description: str
    sources: tuple[str, ...]
    scenario: str | None
    fixed: dict[str, Any]
    rounds: int
    replications: int
    base_seed: int
    design: str  # "single" | grid | latin_hypercube | sobol | "sensitivity" | "conditions"
    samples: int | None
    varied: tuple[Varied, ...]
    model_outputs: tuple[str, ...]
    by_type: tuple[str, ...]
    series: tuple[str, ...]
    series_outputs: tuple[str, ...]
    outcomes: tuple[outcomes.Outcome, ...]
    sensitivity: Sensitivity | None
    source: str  # what made a [conditions] table (a sampler, a DataFrame), if anyone said
    conditions: tuple[dict[str, Any], ...] = field(repr=False)
    roles: dict[str, str] = field(default_factory=dict)
    """Varied parameter -> "lever" or "uncertainty", for those the file marks."""

    @property
    def varied_names(self) -> tuple[str, ...]:
        """Names of the varied parameters, in order."""
        return tuple(v.name for v in self.varied)

    @property
    def levers(self) -> tuple[str, ...]:
        """Varied parameters marked as policy levers, in the order they are varied."""
        return tuple(n for n in self.varied_names if self.roles.get(n) == "lever")

    @property
    def uncertainties(self) -> tuple[str, ...]:
        """Varied parameters marked as uncertainties, in the order they are varied."""
        return tuple(n for n in self.varied_names if self.roles.get(n) == "uncertainty")

    @property
    def n_runs(self) -> int:
        """Total runs: conditions times replications."""
        return len(self.conditions) * self.replications

    def overrides(self, run: int) -> dict[str, Any]:
        """Parameter overrides (fixed, then varied) for run ``run``."""
        return {**self.fixed, **self.conditions[run // self.replications]}

    def seed(self, run: int) -> int:
        """The seed of run ``run``, derived from ``base_seed`` so any run can be replayed alone."""
        return run_seed(self.base_seed, run)

    def output_columns(self) -> tuple[str, ...]:
        """Columns every run reports per year (after ``round``): model outputs, means per
        organisation type, custom per-year outcomes."""
        from stpgame.core.params import ORG_TYPES

        by_type = tuple(f"{c}_{t}" for c in self.by_type for t in ORG_TYPES)
        return self.model_outputs + by_type + self.outcome_names("year")

    def outcome_names(self, per: str) -> tuple[str, ...]:
        """Names of the custom outcomes measured ``per`` "run" or "year"."""
        return tuple(o.name for o in self.outcomes if o.per == per)

    def column_metadata(self) -> dict[str, dict[str, str]]:
        """Label, unit and description of the custom outcomes' columns."""
        out: dict[str, dict[str, str]] = {}
        for o in self.outcomes:
            out.update(o.columns())
        return out

    def run_table(self) -> Any:
        """One row per run: run, condition, varied values, replication, seed."""
        import numpy as np
        import pandas as pd

        from stpgame.batch.seeds import run_seeds

        runs = np.arange(self.n_runs)
        cond = runs // self.replications
        table: dict[str, Any] = {"run": runs, "condition": cond}
        for name in self.varied_names:
            table[name] = [self.conditions[c][name] for c in cond]
        table["replication"] = runs % self.replications
        table["seed"] = run_seeds(self.base_seed, self.n_runs)
        return pd.DataFrame(table)

    def spec(self) -> dict[str, Any]:
        """The experiment as plain data, for the manifest."""
        return {
            "file": self.path,
            "name": self.name,
            "digest": self.digest,
            "title": self.title,
            "scenario": self.scenario,
            "fixed": self.fixed,
            "rounds": self.rounds,
            "replications": self.replications,
            "base_seed": self.base_seed,
            "design": self.design,
            "samples": self.samples,
            "varied": {v.name: _range_text(v) for v in self.varied},
            "levers": list(self.levers),
            "uncertainties": list(self.uncertainties),
            "conditions": len(self.conditions),
            "runs": self.n_runs,
            "model_outputs": list(self.model_outputs),
            "by_type": list(self.by_type),
            "series": list(self.series),
            "series_outputs": list(self.series_outputs),
            "outcomes": {o.name: o.spec() for o in self.outcomes},
            "source": self.source,
            "sensitivity": None
            if self.sensitivity is None
            else {
                "method": self.sensitivity.method,
                "N": self.sensitivity.n,
                "levels": self.sensitivity.levels,
                "statistic": self.sensitivity.statistic,
                "outputs": list(self.sensitivity.outputs),
                "second_order": self.sensitivity.second_order,
                "tolerance": self.sensitivity.tolerance,
            },
        }


def _range_text(v: Varied) -> object:
    return list(v.values) if v.values else [v.low, v.high]


# --- the file, declared table by table ---------------------------------------------------------
PARAMETER = "a parameter name (see `stpgame params`)"
NUMBER_KINDS = (Kind.FLOAT, Kind.INT)


def _value(path: str, value: object, param: Param) -> object:
    """One value of ``param`` as written in the file (a number or a switch must be a TOML
    number or boolean, not text)."""
    try:
        checked = param.coerce(value)
    except ParameterError as exc:
        raise ParameterError(path, exc.allowed, value, exc.note) from None
    # A mix keeps the text as written (the column shows what the researcher wrote).
    return value if param.kind is Kind.MIX else checked


def _values(path: str, value: object, param: Param) -> tuple[Any, ...]:
    if not isinstance(value, list) or not value:
        raise ParameterError(path, "a non-empty list", value)
    out = tuple(_value(path, v, param) for v in value)
    if len(set(map(str, out))) != len(out):
        raise ParameterError(path, "values without repeats", value)
    return out


def _end(path: str, value: object, param: Param) -> object:
    """``low`` or ``high`` of a range: only number parameters have one."""
    if param.kind not in NUMBER_KINDS:
        raise ParameterError(path, f"values = [...] for a {param.kind} parameter", value)
    return _value(path, value, param)


def _scenario_names() -> tuple[str, ...]:
    from stpgame.core import scenarios

    return tuple(scenarios.names())


@dataclass(frozen=True, kw_only=True)
class HeadTable:
    """``[experiment]``: how long and how often to run, the base seed, the scenario."""

    rounds: int = key(whole(1, MAX_ROUNDS))
    replications: int = key(whole(1, MAX_REPLICATIONS))
    base_seed: int = key(whole(0, MAX_SEED))
    title: str | None = key(text, default=None)
    description: str = key(text, default="")
    sources: tuple[str, ...] = key(texts, default=())
    scenario: str | None = key(
        one_of(_scenario_names, "a scenario preset (see `stpgame scenarios`)"), default=None
    )
    levers: tuple[str, ...] = key(texts, default=())
    uncertainties: tuple[str, ...] = key(texts, default=())


@dataclass(frozen=True, kw_only=True)
class OutputsTable:
    """``[outputs]``: model outputs to keep, organisation outputs kept as a mean per type,
    and tidy per-footprint / per-type tables of organisation outputs."""

    model: tuple[str, ...] = key(names(MODEL_COLUMNS), default=MODEL_COLUMNS)
    by_type: tuple[str, ...] = key(names(ORG_COLUMNS), default=())
    series: tuple[str, ...] = key(names(SERIES), default=())
    series_outputs: tuple[str, ...] | None = key(names(ORG_COLUMNS, at_least=1), default=None)


@dataclass(frozen=True, kw_only=True)
class OutcomeTable:
    """``outcomes.<name>``: a custom outcome: its function, when it is measured, its labels."""

    function: str = key(Check(outcomes.FUNCTION, outcomes.reference))
    per: str = key(one_of(outcomes.PER))
    label: str | None = key(text, default=None)
    unit: str = key(text, default="-")
    description: str = key(text, default="")
    source: str = key(text, default="")


WHEN_MEASURED = {
    "run": "measured once per run, after its last year",
    "year": "measured in year 0 and after every year",
}


def _outcomes(path: str, value: object, *_: object) -> tuple[outcomes.Outcome, ...]:
    """``[outcomes]``: custom outcomes by name, each a table (OutcomeTable)."""
    from stpgame.batch.schema import join

    found: list[outcomes.Outcome] = []
    columns: set[str] = set()
    for name, spec in a_table(path, value).items():
        where = join(path, name)
        if not outcomes.NAME.match(name):
            raise ParameterError(
                where, "a name of lower-case letters, digits and _, starting with a letter", name
            )
        table = read(OutcomeTable, where, spec)
        made = outcomes.Outcome(
            name,
            table.function,
            table.per,
            table.label if table.label is not None else name,
            table.unit,
            table.description
            or f"Custom outcome {outcomes.shown(table.function)}, {WHEN_MEASURED[table.per]}.",
            table.source,
        )
        for col in made.columns():
            if col in RESERVED or col in BY_NAME or col in columns or _describes(col):
                raise ParameterError(
                    where, "a name no other column of the results has", name, f"'{col}' is taken"
                )
            columns.add(col)
        found.append(made)
    return tuple(found)


def _describes(name: str) -> bool:
    try:
        column(name)
    except KeyError:
        return False
    return True


def _parameter_names(path: str, value: object, *_: object) -> tuple[str, ...]:
    """A non-empty list of distinct parameter names."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ParameterError(path, "a non-empty list of parameter names", value)
    for v in value:
        if v not in BY_NAME:
            raise ParameterError(path, PARAMETER, v, closest(v, BY_NAME, "parameter"))
    if len(set(value)) != len(value):
        raise ParameterError(path, "parameter names without repeats", value)
    return tuple(value)


def _rows(path: str, value: object, *_: object) -> tuple[list[Any], ...]:
    """A non-empty list of rows (lists); their values are checked against ``parameters``."""
    if not isinstance(value, list) or not value:
        raise ParameterError(path, "a non-empty list of rows, each a list of values", value)
    if len(value) > MAX_SAMPLES:
        raise ParameterError(path, f"at most {MAX_SAMPLES:,} rows", len(value))
    for i, row in enumerate(value):
        if not isinstance(row, list):
            raise ParameterError(f"{path}[{i}]", "a list of values", row)
    return tuple(value)


@dataclass(frozen=True, kw_only=True)
class ConditionsTable:
    """``[conditions]``: the conditions point by point: a row of values per condition, in the
    order of ``parameters`` (what a DataFrame of designs or a custom sampler gave)."""

    parameters: tuple[str, ...] = key(Check("a list of parameter names", _parameter_names))
    rows: tuple[list[Any], ...] = key(Check("a list of rows, each a list of values", _rows))
    source: str = key(text, default="")


@dataclass(frozen=True, kw_only=True)
class RangeTable:
    """``vary.<parameter>``: values (a list is short for this), or low, high (and grid steps)."""

    EXCLUSIVE: ClassVar = (("values", "low"), ("values", "high"), ("values", "steps"))
    values: tuple[Any, ...] | None = key(Check("a non-empty list of values", _values), default=None)
    low: object = key(Check("a number", _end), default=None)
    high: object = key(Check("a number", _end), default=None)
    steps: int | None = key(whole(2, MAX_STEPS), default=None)


def _range(path: str, name: str, spec: object) -> RangeTable:
    if isinstance(spec, list):
        spec = {"values": spec}
    if not isinstance(spec, dict):
        raise ParameterError(path, "a list of values or a table {low, high[, steps]}", spec)
    return cast(RangeTable, read(RangeTable, path, spec, BY_NAME[name]))


@dataclass(frozen=True, kw_only=True)
class VaryTable:
    """``[vary]``: the design, its sample size, and one range per varied parameter."""

    design: str = key(one_of(sampling.DESIGNS), default="grid")
    samples: int | None = key(whole(1, MAX_SAMPLES), default=None)
    parameters: dict[str, RangeTable] = key(
        table_by_name(BY_NAME, _range, PARAMETER, empty="at least one parameter to vary"),
        rest=True,
    )


def _bounds(path: str, name: str, spec: object) -> Varied:
    """``sensitivity.parameters.<parameter> = [low, high]``."""
    param = BY_NAME[name]
    if param.kind not in NUMBER_KINDS:
        raise ParameterError(path, "a number parameter", name, f"'{name}' is a {param.kind}")
    if not isinstance(spec, list) or len(spec) != 2:
        raise ParameterError(path, f"[low, high] within {param.allowed}", spec)
    low, high = (cast(float, _value(path, v, param)) for v in spec)
    if not high > low:
        raise ParameterError(path, f"[low, high] with high > low, within {param.allowed}", spec)
    return Varied(name, low=low, high=high)


@dataclass(frozen=True, kw_only=True)
class SensitivityTable:
    """``[sensitivity]``: a SALib design and the model outputs to analyse."""

    method: str = key(one_of(SENSITIVITY_METHODS))
    n: int = key(whole(2, MAX_SAMPLES), toml="N")
    levels: int | None = key(whole(2, 100), default=None)
    second_order: bool | None = key(flag, default=None)
    tolerance: float | None = key(number_in(0.0, 1.0, above_low=True), default=None)
    statistic: str = key(one_of(STATISTICS), default="final")
    outputs: tuple[str, ...] = key(names(MODEL_COLUMNS, at_least=1))
    parameters: dict[str, Varied] = key(
        table_by_name(BY_NAME, _bounds, PARAMETER, empty="at least one parameter with bounds")
    )


@dataclass(frozen=True, kw_only=True)
class ExperimentFile:
    """The whole file: one field per table."""

    EXCLUSIVE: ClassVar = (
        ("vary", "sensitivity"),
        ("vary", "conditions"),
        ("sensitivity", "conditions"),
    )
    experiment: HeadTable = key(table_of(HeadTable))
    fixed: dict[str, object] = key(
        table_by_name(BY_NAME, lambda path, name, v: _value(path, v, BY_NAME[name]), PARAMETER),
        default_factory=dict,
    )
    vary: VaryTable | None = key(table_of(VaryTable), default=None)
    outputs: OutputsTable = key(table_of(OutputsTable), default=OutputsTable())
    sensitivity: SensitivityTable | None = key(table_of(SensitivityTable), default=None)
    conditions: ConditionsTable | None = key(table_of(ConditionsTable), default=None)
    outcomes: tuple[outcomes.Outcome, ...] = key(
        Check("a table of outcomes by name", _outcomes), default=()
    )


# --- loading ----------------------------------------------------------------------------------
def load_experiment(
    path: str | Path, kind: type[ExperimentSpec] = ExperimentSpec
) -> ExperimentSpec:
    """Read and check an experiment file; raises ExperimentError naming the bad key.
    ``kind``: the class to build (api.Experiment adds the Python API's methods)."""
    path = Path(path)
    try:
        raw = _read_small_file(path)
    except FileNotFoundError:
        raise ExperimentError("FILE", "an existing experiment file (.toml)", str(path)) from None
    except OSError as exc:
        raise ExperimentError("FILE", "a readable experiment file", str(path), str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExperimentError("FILE", "valid TOML", path.name, str(exc), str(path)) from None
    return from_text(text, name=path.stem, path=str(path), source=str(path), kind=kind)


MAX_FILE_BYTES = 10_000_000
"""An experiment file is a page of TOML; anything near this size is something else."""


def _read_small_file(path: Path) -> bytes:
    """The bytes of a file of at most MAX_FILE_BYTES, or of a pipe (``<(python make.py)``).
    A device given by mistake (/dev/zero would be read until memory runs out) or a folder is
    refused before it is opened; a pipe is read only up to the limit."""
    import stat

    mode = path.stat().st_mode
    if stat.S_ISDIR(mode) or not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        what = "a folder" if stat.S_ISDIR(mode) else "a device, not a file"
        raise ExperimentError("FILE", "an experiment file (.toml)", str(path), what)
    with open(path, "rb") as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ExperimentError(
            "FILE", f"an experiment file of at most {MAX_FILE_BYTES:,} bytes", str(path)
        )
    return raw


def from_text(
    text: str,
    *,
    name: str,
    path: str = "",
    source: str = "",
    kind: type[ExperimentSpec] = ExperimentSpec,
) -> ExperimentSpec:
    """Check an experiment's TOML ``text`` and build it (as ``kind``); ``source`` names it in
    errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentError("FILE", "valid TOML", Path(path).name, str(exc), source) from None
    try:
        return _build(read(ExperimentFile, "", data), name, path, text, digest(data), kind)
    except ParameterError as exc:  # named by its key path (vary.noise.values)
        raise ExperimentError(exc.name, exc.allowed, exc.value, exc.note, source) from None


def digest(data: dict[str, Any]) -> str:
    """sha256 of an experiment's content (its tables, keys in order, values), not its layout."""
    canonical = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _build(
    file: ExperimentFile, name: str, path: str, text: str, digest: str, kind: type[ExperimentSpec]
) -> ExperimentSpec:
    """The rules that join keys, then the experiment with its conditions."""
    head = file.experiment
    base = None
    if head.scenario is not None:
        from stpgame.core import scenarios

        base = validate(scenarios.get(head.scenario).params)
    fixed = dict(file.fixed)
    try:
        validate(fixed, base=base)
    except ParameterError as exc:
        raise ParameterError(f"fixed.{exc.name}", exc.allowed, exc.value, exc.note) from None
    outputs = file.outputs
    if not outputs.model and not outputs.by_type and not file.outcomes:
        raise ParameterError("outputs.model", "at least one output", list(outputs.model))
    if outputs.series_outputs is not None and not outputs.series:
        raise ParameterError(
            "outputs.series_outputs",
            'only with series = ["footprint"] and/or ["type"]',
            list(outputs.series_outputs),
        )

    sens = None
    reps = head.replications
    if file.sensitivity is not None:
        sens = _sensitivity(file.sensitivity, outputs.model)
        design, samples, varied = "sensitivity", None, sens.parameters
        _check_size("sensitivity.N", _sensitivity_points(sens), reps)
        conditions = _sensitivity_conditions(sens, head.base_seed)
    elif file.vary is not None:
        design, samples = file.vary.design, _samples(file.vary)
        varied = tuple(
            _varied(f"vary.{name}", name, spec, design)
            for name, spec in file.vary.parameters.items()
        )
        _check_size("vary", _design_points(design, samples, varied), reps)
        conditions = _conditions(design, samples, varied, head.base_seed)
    elif file.conditions is not None:
        design, samples = "conditions", None
        _check_size("conditions", ([len(file.conditions.rows)], "conditions"), reps)
        varied, conditions = _given(file.conditions)
    else:
        design, samples, varied, conditions = "single", None, (), [{}]
    section = {"sensitivity": "sensitivity.parameters", "conditions": "conditions"}.get(
        design, "vary"
    )
    for v in varied:
        if v.name in fixed:
            raise ParameterError(
                f"fixed.{v.name}", f"a parameter not also in [{section}]", fixed[v.name]
            )
    _check_conditions(conditions, fixed, base, section)
    roles = _roles(head, [v.name for v in varied], section)
    return kind(
        name=name,
        path=path,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        digest=digest,
        title=head.title if head.title is not None else name,
        description=head.description.strip(),
        sources=head.sources,
        scenario=head.scenario,
        fixed=fixed,
        rounds=head.rounds,
        replications=reps,
        base_seed=head.base_seed,
        design=design,
        samples=samples,
        varied=varied,
        model_outputs=outputs.model,
        by_type=outputs.by_type,
        series=outputs.series,
        series_outputs=outputs.series_outputs or (ORG_COLUMNS if outputs.series else ()),
        outcomes=file.outcomes,
        sensitivity=sens,
        source=file.conditions.source if file.conditions else "",
        conditions=tuple(conditions),
        roles=roles,
    )


def _roles(head: HeadTable, varied: list[str], section: str) -> dict[str, str]:
    """``experiment.levers`` and ``experiment.uncertainties``: varied parameters, each at
    most one role (a fixed parameter is neither: it does not vary)."""
    roles: dict[str, str] = {}
    for role, listed in (("lever", head.levers), ("uncertainty", head.uncertainties)):
        key_path = f"experiment.{'levers' if role == 'lever' else 'uncertainties'}"
        for name in listed:
            if name not in varied:
                allowed = (
                    f"parameters varied in [{section}] ({', '.join(varied)})"
                    if varied
                    else "no names: this experiment varies no parameter"
                )
                raise ParameterError(key_path, allowed, name, closest(name, varied, "name"))
            if name in roles:
                raise ParameterError(
                    key_path,
                    "each parameter once, either a lever or an uncertainty",
                    name,
                    f"already {'a ' if roles[name] == 'lever' else 'an '}{roles[name]}",
                )
            roles[name] = role
    return roles


def _design_points(
    design: str, samples: int | None, varied: tuple[Varied, ...]
) -> tuple[list[int], str]:
    """How many conditions a design makes, as factors and words, known before building it."""
    if design == "grid":
        return [len(v.values) for v in varied], " x ".join(v.name for v in varied) + " values"
    return [samples or 0], f"{design} samples"


def _sensitivity_points(sens: Sensitivity) -> tuple[list[int], str]:
    """SALib's sample size: N x (D + 1) Morris points, or N x rows per Saltelli base sample."""
    if sens.method == "morris":
        return [sens.n, len(sens.parameters) + 1], "N x (parameters + 1) morris points"
    return [sens.n, sens.rows_per_base_sample], "N x rows per base sample of sobol points"


def _check_size(where: str, points: tuple[list[int], str], reps: int) -> None:
    """Refuse more than MAX_RUNS runs from the design's sizes alone, before any condition is
    built: a 1000 x 1000 x 1000 grid would exhaust memory before it could be counted."""
    factors, what = points
    runs = math.prod(factors) * reps
    if runs > MAX_RUNS:
        sizes = " x ".join(f"{f:,}" for f in factors)
        raise ParameterError(
            where,
            f"at most {MAX_RUNS:,} runs in all",
            runs,
            f"{sizes} {what} x {reps:,} replications",
        )


def sampler_ranges(vary: object) -> tuple[int, dict[str, tuple[object, object]]]:
    """A ``vary`` table for a custom sampler (api.py): its ``samples`` and each parameter's
    (low, high); a design, listed values or grid steps make no sense there and are refused."""
    given = a_table("vary", vary)
    if "design" in given:
        raise ParameterError("vary.design", "no design with a custom sampler", given["design"])
    table = read(VaryTable, "vary", vary)
    if table.samples is None:
        raise ParameterError(
            "vary.samples", "a whole number (required with a sampler)", None, "missing"
        )
    ranges = {
        k: _varied(f"vary.{k}", k, spec, "a custom sampler") for k, spec in table.parameters.items()
    }
    return table.samples, {k: (v.low, v.high) for k, v in ranges.items()}


def base_seed(head: object) -> int:
    """The ``experiment`` table's base seed (what a custom sampler draws from)."""
    return int(read(HeadTable, "experiment", head).base_seed)


def _given(table: ConditionsTable) -> tuple[tuple[Varied, ...], list[dict[str, Any]]]:
    """``[conditions]``: every row checked value by value against its parameter."""
    params = [BY_NAME[n] for n in table.parameters]
    conditions = []
    for i, row in enumerate(table.rows):
        if len(row) != len(params):
            raise ParameterError(
                f"conditions.rows[{i}]",
                f"{len(params)} values, one for each of: " + ", ".join(table.parameters),
                row,
            )
        conditions.append(
            {
                p.name: _value(f"conditions.rows[{i}].{p.name}", v, p)
                for p, v in zip(params, row, strict=True)
            }
        )
    varied = tuple(
        Varied(p.name, values=tuple(dict.fromkeys(c[p.name] for c in conditions))) for p in params
    )
    return varied, conditions


def _samples(vary: VaryTable) -> int | None:
    """``vary.samples``: none for a grid; required (a power of 2 for Sobol) for a sample."""
    design, samples = vary.design, vary.samples
    if design == "grid":
        if samples is not None:
            raise ParameterError("vary.samples", "no 'samples' with design = \"grid\"", samples)
        return None
    if samples is None:
        raise ParameterError(
            "vary.samples", f"a whole number (required for {design})", None, "missing"
        )
    if design == "sobol" and not sampling.is_power_of_two(samples):
        raise ParameterError(
            "vary.samples", "a power of 2 for a Sobol sample (e.g. 16, 32, 64)", samples
        )
    return samples


def _varied(path: str, name: str, spec: RangeTable, design: str) -> Varied:
    """A varied parameter: a grid's values (listed, or low..high in steps) or a sampled range."""
    p = BY_NAME[name]
    if spec.values is not None:
        if design != "grid":
            raise ParameterError(
                f"{path}.values", f"low and high (a range) for {design}", list(spec.values)
            )
        return Varied(name, values=spec.values)
    low, high = cast(float, spec.low), cast(float, spec.high)
    for end, value in (("low", low), ("high", high)):
        if value is None:
            raise ParameterError(f"{path}.{end}", f"a number ({p.allowed})", None, "missing")
    if not high > low:
        raise ParameterError(f"{path}.high", f"a number greater than low ({low})", high)
    if design != "grid":
        if spec.steps is not None:
            raise ParameterError(
                f"{path}.steps", f"no 'steps' for {design} (use vary.samples)", spec.steps
            )
        return Varied(name, low=low, high=high)
    steps = spec.steps
    if steps is None:
        raise ParameterError(
            f"{path}.steps", "a whole number >= 2 (required for a grid range)", None
        )
    values = [low + (high - low) * k / (steps - 1) for k in range(steps)]
    if p.kind is Kind.INT:
        if any(abs(v - round(v)) > 1e-9 for v in values):
            raise ParameterError(
                f"{path}.steps",
                f"steps giving whole numbers for the whole-number parameter '{name}'",
                steps,
                "or list them: values = [...]",
            )
        values = [round(v) for v in values]
    else:
        values = [round(v, 12) for v in values]
    return Varied(name, values=tuple(values), low=low, high=high)


def _sensitivity(table: SensitivityTable, kept: tuple[str, ...]) -> Sensitivity:
    """The SALib design: Sobol needs a power of 2 and no levels; outputs must be kept."""
    if table.method == "sobol":
        if not sampling.is_power_of_two(table.n):
            raise ParameterError(
                "sensitivity.N", "a power of 2 for Sobol indices (e.g. 64, 128)", table.n
            )
        if table.levels is not None:
            raise ParameterError(
                "sensitivity.levels", "no 'levels' for method = \"sobol\"", table.levels
            )
    else:
        for name in ("second_order", "tolerance"):
            if getattr(table, name) is not None:
                raise ParameterError(
                    f"sensitivity.{name}",
                    f"no '{name}' for method = \"morris\" (Sobol indices only)",
                    getattr(table, name),
                )
    levels = MORRIS_LEVELS if table.levels is None else table.levels
    for output in table.outputs:
        if output not in kept:
            raise ParameterError(
                "sensitivity.outputs",
                "names from: " + ", ".join(kept),
                output,
                closest(output, kept, "name"),
            )
    bounds = tuple(table.parameters.values())
    if table.method == "morris":
        for v in bounds:
            low, high = v.range
            step = (high - low) / (levels - 1)
            if v.integer and abs(step - round(step)) > 1e-9:
                raise ParameterError(
                    f"sensitivity.parameters.{v.name}",
                    f"bounds whose {levels} Morris levels are whole numbers",
                    [v.low, v.high],
                    f"(high - low) / (levels - 1) = {step:g}",
                )
    return Sensitivity(
        table.method,
        table.n,
        levels,
        table.statistic,
        table.outputs,
        bounds,
        second_order=bool(table.second_order),
        tolerance=SOBOL_TOLERANCE if table.tolerance is None else table.tolerance,
    )


def _check_conditions(conditions: Any, fixed: dict[str, Any], base: Any, section: str) -> None:
    """Every distinct condition, with the fixed values, passes the parameter cross-checks."""
    checked: set[tuple[Any, ...]] = set()
    for cond in conditions:
        signature = tuple(sorted((k, str(v)) for k, v in cond.items()))
        if signature in checked:
            continue
        checked.add(signature)
        try:
            validate({**fixed, **cond}, base=base)
        except ParameterError as exc:
            where = f"{section}.{exc.name}" if exc.name in cond else f"fixed.{exc.name}"
            note = "; ".join(filter(None, [exc.note, f"in the condition {cond}"]))
            raise ParameterError(where, exc.allowed, exc.value, note) from None


def _conditions(
    design: str, samples: int | None, varied: tuple[Varied, ...], seed: int
) -> list[dict[str, Any]]:
    names = [v.name for v in varied]
    if design == "grid":
        return [
            dict(zip(names, combo, strict=True))
            for combo in sampling.grid([v.values for v in varied])
        ]
    assert samples is not None  # a sampled design has its size (checked by _samples)
    unit = sampling.unit_sample(design, samples, len(varied), seed)
    columns = [sampling.scale(unit[:, k], *v.range, v.integer) for k, v in enumerate(varied)]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _sensitivity_conditions(sens: Sensitivity, seed: int) -> list[dict[str, Any]]:
    matrix = sampling.salib_sample(sens, seed)
    return [
        {v.name: value for v, value in zip(sens.parameters, row, strict=True)}
        for row in sensitivity_values(sens, matrix)
    ]


def sensitivity_values(sens: Sensitivity, matrix: Any) -> list[list[Any]]:
    """SALib's sample rows as model values: whole-number parameters are mapped onto whole numbers."""
    cols = []
    for k, v in enumerate(sens.parameters):
        x = matrix[:, k]
        if not v.integer:
            cols.append([float(a) for a in x])
        elif sens.method == "morris":  # Morris levels are already whole numbers (checked above)
            # int(): under numpy 1.x round() of an np.float64 is still an np.float64.
            cols.append([int(round(a)) for a in x])  # noqa: RUF046
        else:
            low, high = v.range
            cols.append(sampling.scale((x - low) / (high - low), low, high, True))
    return [list(row) for row in zip(*cols, strict=True)]
