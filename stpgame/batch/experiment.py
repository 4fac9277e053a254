"""Experiment files (TOML): what to run, checked completely before anything runs.

An experiment names a scenario preset, fixed overrides, the parameters to vary
(a full grid, a Latin hypercube or a Sobol sample) or a sensitivity analysis,
the number of replications, a base seed, the rounds and the outputs to keep.
Every key is checked here against params.py, so a typo or a range outside a
parameter's allowed range stops the experiment with a message naming the key,
the allowed values and the value given, before a folder is created.
See docs/experiments.md for the format.
"""

from __future__ import annotations

import difflib
import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from stpgame.batch import sampling
from stpgame.batch.seeds import run_seed
from stpgame.core.outputs import MODEL_VALUES, ORG_VALUES
from stpgame.core.params import BY_NAME, ParameterError, validate

MAX_ROUNDS = 10_000
MAX_REPLICATIONS = 100_000
MAX_RUNS = 10_000_000
MAX_SAMPLES = 1_000_000
MODEL_COLUMNS = MODEL_VALUES

ORG_COLUMNS = ORG_VALUES
"""Organisation-level columns that can be kept as a mean per organisation type."""

RUN_COLUMNS = ("run", "condition", "replication", "seed")
SECTIONS = ("experiment", "fixed", "vary", "outputs", "sensitivity")
EXPERIMENT_KEYS = (
    "title",
    "description",
    "sources",
    "scenario",
    "rounds",
    "replications",
    "base_seed",
)
SENSITIVITY_METHODS = ("morris", "sobol")
STATISTICS = ("final", "mean")


class ExperimentError(ParameterError):
    """A bad experiment file: names the file, the key, what is allowed and the value given."""

    def __init__(self, key: str, allowed: str, value: object, note: str = "", source: str = ""):
        self.name, self.allowed, self.value, self.source = key, allowed, value, source
        text = f"{source}: " if source else ""
        text += f"key '{key}': allowed {allowed}; got {value!r}"
        ValueError.__init__(self, f"{text} ({note})" if note else text)


@dataclass(frozen=True)
class Varied:
    """One varied parameter: explicit grid values, or a range to sample."""

    name: str
    values: tuple = ()
    low: float | None = None
    high: float | None = None

    @property
    def integer(self) -> bool:
        return BY_NAME[self.name].kind == "int"


@dataclass(frozen=True)
class Sensitivity:
    """A SALib design: method, base sample size, parameter bounds and outputs to analyse."""

    method: str
    n: int
    levels: int
    statistic: str
    outputs: tuple[str, ...]
    parameters: tuple[Varied, ...]


@dataclass(frozen=True)
class Experiment:
    """A checked experiment file. ``conditions`` lists each condition's varied values."""

    path: str
    text: str
    sha256: str
    title: str
    description: str
    sources: tuple[str, ...]
    scenario: str | None
    fixed: dict
    rounds: int
    replications: int
    base_seed: int
    design: str  # "single" | grid | latin_hypercube | sobol | "sensitivity"
    samples: int | None
    varied: tuple[Varied, ...]
    model_outputs: tuple[str, ...]
    by_type: tuple[str, ...]
    sensitivity: Sensitivity | None
    conditions: tuple[dict, ...] = field(repr=False)

    @property
    def name(self) -> str:
        return Path(self.path).stem

    @property
    def varied_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.varied)

    @property
    def n_runs(self) -> int:
        return len(self.conditions) * self.replications

    def overrides(self, run: int) -> dict:
        """Parameter overrides (fixed, then varied) for run ``run``."""
        return {**self.fixed, **self.conditions[run // self.replications]}

    def seed(self, run: int) -> int:
        return run_seed(self.base_seed, run)

    def output_columns(self) -> tuple[str, ...]:
        """Columns every run reports per round (after ``round``)."""
        from stpgame.core.params import ORG_TYPES

        return self.model_outputs + tuple(f"{c}_{t}" for c in self.by_type for t in ORG_TYPES)

    def run_table(self):
        """One row per run: run, condition, varied values, replication, seed."""
        import numpy as np
        import pandas as pd

        from stpgame.batch.seeds import run_seeds

        runs = np.arange(self.n_runs)
        cond = runs // self.replications
        table = {"run": runs, "condition": cond}
        for name in self.varied_names:
            table[name] = [self.conditions[c][name] for c in cond]
        table["replication"] = runs % self.replications
        table["seed"] = run_seeds(self.base_seed, self.n_runs)
        return pd.DataFrame(table)

    def spec(self) -> dict:
        """The experiment as plain data, for the manifest."""
        return {
            "file": self.path,
            "title": self.title,
            "scenario": self.scenario,
            "fixed": self.fixed,
            "rounds": self.rounds,
            "replications": self.replications,
            "base_seed": self.base_seed,
            "design": self.design,
            "samples": self.samples,
            "varied": {v.name: _range_text(v) for v in self.varied},
            "conditions": len(self.conditions),
            "runs": self.n_runs,
            "model_outputs": list(self.model_outputs),
            "by_type": list(self.by_type),
            "sensitivity": None
            if self.sensitivity is None
            else {
                "method": self.sensitivity.method,
                "N": self.sensitivity.n,
                "levels": self.sensitivity.levels,
                "statistic": self.sensitivity.statistic,
                "outputs": list(self.sensitivity.outputs),
            },
        }


def _range_text(v: Varied) -> object:
    return list(v.values) if v.values else [v.low, v.high]


# --- loading ----------------------------------------------------------------------------------
def load_experiment(path: str | Path) -> Experiment:
    """Read and check an experiment file; raises ExperimentError naming the bad key."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExperimentError("FILE", "an existing experiment file (.toml)", str(path)) from None
    except OSError as exc:
        raise ExperimentError("FILE", "a readable experiment file", str(path), str(exc)) from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ExperimentError("FILE", "valid TOML", path.name, str(exc), str(path)) from None
    return _Reader(str(path), text, raw).read(data)


def _closest(word: str, choices) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1)
    return f"unknown key; did you mean '{match[0]}'?" if match else "unknown key"


def _note(exc: ParameterError) -> str:
    base = f"parameter '{exc.name}': allowed {exc.allowed}; got {exc.value!r}"
    return str(exc)[len(base) :].strip(" ()")


class _Reader:
    """Checks one parsed file section by section; every error names ``section.key``."""

    def __init__(self, path: str, text: str, raw: bytes):
        self.path, self.text = path, text
        self.sha256 = hashlib.sha256(raw).hexdigest()

    def fail(self, key: str, allowed: str, value: object, note: str = "") -> ExperimentError:
        return ExperimentError(key, allowed, value, note, self.path)

    def table(self, key: str, value: object) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, "a table ([" + key + "])", value)
        return value

    def only(self, key: str, table: dict, allowed) -> None:
        for k in table:
            if k not in allowed:
                raise self.fail(
                    f"{key}.{k}" if key else k,
                    "one of " + ", ".join(allowed),
                    k,
                    _closest(k, allowed),
                )

    def integer(self, key: str, value: object, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"a whole number in [{low}, {high}]", value)
        return value

    def text_list(self, key: str, value: object, choices) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, 'a list of names, e.g. ["cooperation_rate"]', value)
        for v in value:
            if v not in choices:
                raise self.fail(key, "names from: " + ", ".join(choices), v, _closest(v, choices))
        if len(set(value)) != len(value):
            raise self.fail(key, "names without repeats", value)
        return tuple(value)

    def param(self, key: str, name: str) -> None:
        if name not in BY_NAME:
            raise self.fail(
                key, "a parameter name (see `stpgame params`)", name, _closest(name, BY_NAME)
            )

    def coerce(self, key: str, name: str, value: object) -> object:
        p = BY_NAME[name]
        if p.kind in ("float", "int") and isinstance(value, str):
            raise self.fail(key, p.allowed, value, "a number, not text")
        try:
            checked = p.coerce(value)
        except ParameterError as exc:
            raise self.fail(key, exc.allowed, value, _note(exc)) from None
        # Keep the value as written for mixes (the column shows what the researcher wrote).
        return value if p.kind == "mix" else checked

    # -- sections ------------------------------------------------------------------------------
    def read(self, data: dict) -> Experiment:
        self.only("", data, SECTIONS)
        if "experiment" not in data:
            raise self.fail(
                "experiment", "a [experiment] table with rounds, replications, base_seed", None
            )
        head = self.table("experiment", data["experiment"])
        self.only("experiment", head, EXPERIMENT_KEYS)
        for k in ("rounds", "replications", "base_seed"):
            if k not in head:
                raise self.fail(f"experiment.{k}", "a value (required)", None, "missing")
        rounds = self.integer("experiment.rounds", head["rounds"], 1, MAX_ROUNDS)
        reps = self.integer("experiment.replications", head["replications"], 1, MAX_REPLICATIONS)
        base_seed = self.integer("experiment.base_seed", head["base_seed"], 0, 2**63 - 1)
        for k in ("title", "description"):
            if not isinstance(head.get(k, ""), str):
                raise self.fail(f"experiment.{k}", "text", head[k])
        sources = head.get("sources", [])
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise self.fail("experiment.sources", "a list of texts", sources)

        scenario, base = self.scenario(head.get("scenario"))
        fixed = self.fixed(self.table("fixed", data.get("fixed", {})), base)
        model_outputs, by_type = self.outputs(self.table("outputs", data.get("outputs", {})))

        if "vary" in data and "sensitivity" in data:
            raise self.fail("sensitivity", "either [vary] or [sensitivity], not both", "both")
        sens = None
        if "sensitivity" in data:
            sens = self.sensitivity(self.table("sensitivity", data["sensitivity"]), model_outputs)
            design, samples, varied = "sensitivity", None, sens.parameters
            conditions = _sensitivity_conditions(sens, base_seed)
        elif "vary" in data:
            design, samples, varied = self.vary(self.table("vary", data["vary"]))
            conditions = _conditions(design, samples, varied, base_seed)
        else:
            design, samples, varied, conditions = "single", None, (), [{}]
        for v in varied:
            if v.name in fixed:
                section = "sensitivity.parameters" if sens else "vary"
                raise self.fail(
                    f"fixed.{v.name}", f"a parameter not also in [{section}]", fixed[v.name]
                )
        if len(conditions) * reps > MAX_RUNS:
            raise self.fail(
                "experiment.replications",
                f"at most {MAX_RUNS:,} runs in all",
                reps,
                f"{len(conditions)} conditions x {reps} replications",
            )
        self.check_conditions(conditions, fixed, base, sens is not None)
        return Experiment(
            path=self.path,
            text=self.text,
            sha256=self.sha256,
            title=head.get("title", Path(self.path).stem),
            description=head.get("description", "").strip(),
            sources=tuple(sources),
            scenario=scenario,
            fixed=fixed,
            rounds=rounds,
            replications=reps,
            base_seed=base_seed,
            design=design,
            samples=samples,
            varied=tuple(varied),
            model_outputs=model_outputs,
            by_type=by_type,
            sensitivity=sens,
            conditions=tuple(conditions),
        )

    def scenario(self, name: object) -> tuple[str | None, dict | None]:
        if name is None:
            return None, None
        from stpgame.core import scenarios

        if not isinstance(name, str) or name not in scenarios.names():
            raise self.fail("experiment.scenario", "one of " + ", ".join(scenarios.names()), name)
        return name, validate(scenarios.get(name).params)

    def fixed(self, table: dict, base: dict | None) -> dict:
        out = {}
        for name, value in table.items():
            self.param(f"fixed.{name}", name)
            out[name] = self.coerce(f"fixed.{name}", name, value)
        try:
            validate(out, base=base)
        except ParameterError as exc:
            raise self.fail(f"fixed.{exc.name}", exc.allowed, exc.value, _note(exc)) from None
        return out

    def outputs(self, table: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
        self.only("outputs", table, ("model", "by_type"))
        model = self.text_list(
            "outputs.model", table.get("model", list(MODEL_COLUMNS)), MODEL_COLUMNS
        )
        by_type = self.text_list("outputs.by_type", table.get("by_type", []), ORG_COLUMNS)
        if not model and not by_type:
            raise self.fail("outputs.model", "at least one output", model)
        return model, by_type

    def vary(self, table: dict) -> tuple[str, int | None, list[Varied]]:
        design = table.get("design", "grid")
        if design not in sampling.DESIGNS:
            raise self.fail("vary.design", "one of " + ", ".join(sampling.DESIGNS), design)
        samples = None
        if design == "grid":
            if "samples" in table:
                raise self.fail(
                    "vary.samples", "no 'samples' with design = \"grid\"", table["samples"]
                )
        else:
            if "samples" not in table:
                raise self.fail(
                    "vary.samples", "a whole number (required for " + design + ")", None
                )
            samples = self.integer("vary.samples", table["samples"], 1, MAX_SAMPLES)
            if design == "sobol" and not sampling.is_power_of_two(samples):
                raise self.fail(
                    "vary.samples", "a power of 2 for a Sobol sample (e.g. 16, 32, 64)", samples
                )
        varied = []
        for name, spec in table.items():
            if name in ("design", "samples"):
                continue
            self.param(f"vary.{name}", name)
            varied.append(self.varied(f"vary.{name}", name, spec, design))
        if not varied:
            raise self.fail("vary", "at least one parameter to vary", table)
        return design, samples, varied

    def varied(self, key: str, name: str, spec: object, design: str) -> Varied:
        p = BY_NAME[name]
        if isinstance(spec, list):
            spec = {"values": spec}
        if not isinstance(spec, dict):
            raise self.fail(key, "a list of values or a table {low, high[, steps]}", spec)
        self.only(key, spec, ("values", "low", "high", "steps"))
        if "values" in spec:
            if design != "grid":
                raise self.fail(
                    f"{key}.values", f"low and high (a range) for {design}", spec["values"]
                )
            if set(spec) != {"values"}:
                raise self.fail(key, "either values or low/high/steps", sorted(spec))
            values = spec["values"]
            if not isinstance(values, list) or not values:
                raise self.fail(f"{key}.values", "a non-empty list", values)
            out = tuple(self.coerce(f"{key}.values", name, v) for v in values)
            if len(set(map(str, out))) != len(out):
                raise self.fail(f"{key}.values", "values without repeats", values)
            return Varied(name, values=out)
        if p.kind not in ("float", "int"):
            raise self.fail(key, f"values = [...] for a {p.kind} parameter", spec)
        for k in ("low", "high"):
            if k not in spec:
                raise self.fail(f"{key}.{k}", f"a number ({p.allowed})", None, "missing")
        low = self.coerce(f"{key}.low", name, spec["low"])
        high = self.coerce(f"{key}.high", name, spec["high"])
        if not high > low:
            raise self.fail(f"{key}.high", f"a number greater than low ({low})", high)
        if design != "grid":
            if "steps" in spec:
                raise self.fail(
                    f"{key}.steps", f"no 'steps' for {design} (use vary.samples)", spec["steps"]
                )
            return Varied(name, low=low, high=high)
        if "steps" not in spec:
            raise self.fail(f"{key}.steps", "a whole number >= 2 (required for a grid range)", None)
        steps = self.integer(f"{key}.steps", spec["steps"], 2, 10_000)
        values = [low + (high - low) * k / (steps - 1) for k in range(steps)]
        if p.kind == "int":
            if any(abs(v - round(v)) > 1e-9 for v in values):
                raise self.fail(
                    f"{key}.steps",
                    f"steps giving whole numbers for the whole-number parameter '{name}'",
                    steps,
                    "or list them: values = [...]",
                )
            values = [int(round(v)) for v in values]
        else:
            values = [round(v, 12) for v in values]
        return Varied(name, values=tuple(values), low=low, high=high)

    def sensitivity(self, table: dict, kept: tuple[str, ...]) -> Sensitivity:
        self.only(
            "sensitivity", table, ("method", "N", "levels", "statistic", "outputs", "parameters")
        )
        method = table.get("method")
        if method not in SENSITIVITY_METHODS:
            raise self.fail(
                "sensitivity.method", "one of " + ", ".join(SENSITIVITY_METHODS), method
            )
        if "N" not in table:
            raise self.fail("sensitivity.N", "a whole number (required)", None, "missing")
        n = self.integer("sensitivity.N", table["N"], 2, MAX_SAMPLES)
        if method == "sobol" and not sampling.is_power_of_two(n):
            raise self.fail("sensitivity.N", "a power of 2 for Sobol indices (e.g. 64, 128)", n)
        if method == "sobol" and "levels" in table:
            raise self.fail(
                "sensitivity.levels", "no 'levels' for method = \"sobol\"", table["levels"]
            )
        levels = self.integer("sensitivity.levels", table.get("levels", 4), 2, 100)
        statistic = table.get("statistic", "final")
        if statistic not in STATISTICS:
            raise self.fail("sensitivity.statistic", "one of " + ", ".join(STATISTICS), statistic)
        if "outputs" not in table:
            raise self.fail("sensitivity.outputs", "a list of model outputs (required)", None)
        outputs = self.text_list("sensitivity.outputs", table["outputs"], kept)
        if not outputs:
            raise self.fail("sensitivity.outputs", "at least one model output", outputs)
        params = self.table("sensitivity.parameters", table.get("parameters"))
        bounds = []
        for name, spec in params.items():
            key = f"sensitivity.parameters.{name}"
            self.param(key, name)
            p = BY_NAME[name]
            if p.kind not in ("float", "int"):
                raise self.fail(key, "a number parameter", name, f"'{name}' is a {p.kind}")
            if not isinstance(spec, list) or len(spec) != 2:
                raise self.fail(key, f"[low, high] within {p.allowed}", spec)
            low = self.coerce(key, name, spec[0])
            high = self.coerce(key, name, spec[1])
            if not high > low:
                raise self.fail(key, f"[low, high] with high > low, within {p.allowed}", spec)
            if method == "morris" and p.kind == "int":
                step = (high - low) / (levels - 1)
                if abs(step - round(step)) > 1e-9:
                    raise self.fail(
                        key,
                        f"bounds whose {levels} Morris levels are whole numbers",
                        spec,
                        f"(high - low) / (levels - 1) = {step:g}",
                    )
            bounds.append(Varied(name, low=low, high=high))
        if not bounds:
            raise self.fail("sensitivity.parameters", "at least one parameter with bounds", params)
        return Sensitivity(method, n, levels, statistic, outputs, tuple(bounds))

    def check_conditions(self, conditions, fixed: dict, base, sensitivity: bool) -> None:
        section = "sensitivity.parameters" if sensitivity else "vary"
        checked: set[tuple] = set()
        for cond in conditions:
            key = tuple(sorted((k, str(v)) for k, v in cond.items()))
            if key in checked:
                continue
            checked.add(key)
            try:
                validate({**fixed, **cond}, base=base)
            except ParameterError as exc:
                where = f"{section}.{exc.name}" if exc.name in cond else f"fixed.{exc.name}"
                note = "; ".join(filter(None, [_note(exc), f"in the condition {cond}"]))
                raise self.fail(where, exc.allowed, exc.value, note) from None


def _conditions(design: str, samples: int | None, varied: list[Varied], seed: int) -> list[dict]:
    names = [v.name for v in varied]
    if design == "grid":
        return [
            dict(zip(names, combo, strict=True))
            for combo in sampling.grid([v.values for v in varied])
        ]
    unit = sampling.unit_sample(design, samples, len(varied), seed)
    columns = [sampling.scale(unit[:, k], v.low, v.high, v.integer) for k, v in enumerate(varied)]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _sensitivity_conditions(sens: Sensitivity, seed: int) -> list[dict]:
    matrix = sampling.salib_sample(sens, seed)
    return [
        {v.name: value for v, value in zip(sens.parameters, row, strict=True)}
        for row in sensitivity_values(sens, matrix)
    ]


def sensitivity_values(sens: Sensitivity, matrix) -> list[list]:
    """SALib's sample rows as model values: whole-number parameters are mapped onto whole numbers."""
    cols = []
    for k, v in enumerate(sens.parameters):
        x = matrix[:, k]
        if not v.integer:
            cols.append([float(a) for a in x])
        elif sens.method == "morris":  # Morris levels are already whole numbers (checked above)
            cols.append([int(round(a)) for a in x])
        else:
            cols.append(sampling.scale((x - v.low) / (v.high - v.low), v.low, v.high, True))
    return [list(row) for row in zip(*cols, strict=True)]
