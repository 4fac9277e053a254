"""A sweep's results folder: part files while running, tidy Parquet and a manifest at the end.

Safety rules, so a sweep killed at any moment (even SIGKILL) loses no finished
run and never leaves a corrupt file:

- every file is written to a hidden temporary name, flushed to disk and moved
  into place with ``os.replace`` (atomic on POSIX and Windows);
- each finished chunk of runs is its own part file ``parts/part-FIRST-LAST.parquet``,
  so the part files present say exactly which runs are done; a chunk's other tables
  (per footprint, per type, custom outcomes per run) are written before it as
  ``parts/<table>-FIRST-LAST.parquet``, and any without their part file (a chunk killed
  in between) are deleted on the next start;
- the consolidated ``rounds.parquet`` and ``runs.parquet`` come next and
  ``manifest.json`` last: a folder with a manifest is complete;
- a copy of the experiment file is kept; a different file (by sha256) is refused;
- an exclusive lock stops two sweeps writing into one folder at once.

The consolidated tables describe themselves (results_files.to_arrow): every column
carries its label, unit and description in the Arrow field metadata (and a varied
parameter its ``role``, lever or uncertainty, when the file marks it), the file's metadata
names the stpgame version, the scenario, the experiment, its levers and uncertainties,
and each row of ``runs.parquet`` carries the scenario and every parameter's value, not
only the varied ones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from stpgame.batch.experiment import SERIES
from stpgame.errors import ResultsError
from stpgame.files import TMP_MARK, atomic_write, check_writable, folder_path

EXPERIMENT_COPY = "experiment.toml"
MANIFEST = "manifest.json"
ROUNDS = "rounds.parquet"
RUNS = "runs.parquet"
SERIES_FILES = {group: f"{table}.parquet" for group, (table, _) in SERIES.items()}
PARTS = "parts"
OUTCOMES = "outcomes"
"""The part tables of custom outcomes measured once per run (joined into runs.parquet)."""
LOCK = ".lock"
KNOWN = {
    EXPERIMENT_COPY,
    MANIFEST,
    ROUNDS,
    RUNS,
    *SERIES_FILES.values(),
    PARTS,
    LOCK,
    "summary.csv",  # older versions wrote one summary whatever the statistic
    "summary_final.csv",
    "summary_mean.csv",
    "figures",
    "sensitivity.csv",
    "sensitivity.parquet",
    "sensitivity_convergence.csv",
    "sensitivity_convergence.txt",
    "sensitivity_second_order.csv",
    "discovery",
}
RUN_COLUMNS = {
    "run": {"label": "Run", "unit": "index", "description": "The run's index in the sweep."},
    "condition": {
        "label": "Condition",
        "unit": "index",
        "description": "The condition's index: one combination of the varied parameters.",
    },
    "replication": {
        "label": "Replication",
        "unit": "index",
        "description": "Which replication of its condition (each with its own seed).",
    },
    "seed": {
        "label": "Seed",
        "unit": "-",
        "description": "The run's random seed, derived from the base seed and the run index.",
    },
    "scenario": {
        "label": "Scenario",
        "unit": "-",
        "description": "The scenario preset the run starts from (empty: the parameter defaults).",
    },
    "organisations": {
        "label": "Organisations",
        "unit": "organisations",
        "description": "How many organisations the group has (the values are means over them).",
    },
}
"""Metadata of a sweep's bookkeeping columns (outputs and parameters come from their tables)."""
TABLE_ROWS = {
    ROUNDS: "one row per run per year, from year 0 (the state before the first decision)",
    SERIES_FILES["footprint"]: "one row per run, year (from 0) and footprint: its number of "
    "organisations and each organisation output's mean over them",
    SERIES_FILES["type"]: "one row per run, year (from 0) and organisation type: its number of "
    "organisations and each organisation output's mean over them",
    RUNS: "one row per run: scenario, every parameter, each output's final-year value and "
    "mean over years 1 to the last, custom outcomes measured once per run",
}

PART_NAME = re.compile(r"^part-(\d{7,})-(\d{7,})\.parquet$")
EXTRA_NAME = re.compile(r"^([a-z]+)-(\d{7,})-(\d{7,})\.parquet$")


def result_files(exp: Any) -> list[str]:
    """The result tables a sweep of ``exp`` writes, in order."""
    return [ROUNDS, RUNS, *(SERIES_FILES[group] for group in exp.series)]


# --- atomic writes (stpgame.files: the one safe writer) ----------------------------------
def write_parquet(path: str | Path, df: Any, metadata: Any = None, columns: Any = None) -> Path:
    """Write ``df`` atomically; with file ``metadata``, every column is described too
    (from ``columns``, the output registry or the parameter table: results_files.to_arrow)."""
    if metadata is None:
        return atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))
    from stpgame.results_files import write_described

    return atomic_write(path, lambda tmp: write_described(tmp, df, metadata, columns))


def write_csv(path: str | Path, df: Any) -> Path:
    """Write a table as CSV atomically (a killed sweep never leaves half a file)."""
    return atomic_write(path, lambda tmp: df.to_csv(tmp, index=False))


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write(path, lambda tmp: _ignore(tmp.write_text(text, encoding="utf-8")))


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes atomically."""
    return atomic_write(path, lambda tmp: _ignore(tmp.write_bytes(data)))


def _ignore(_: object) -> None:
    """Drop a writer's return value (Path.write_text returns the characters written)."""


# --- the folder -------------------------------------------------------------------------------
def check_folder(out: str | os.PathLike[str], sha256: str) -> None:
    """Refuse, without writing anything, a folder that is not ours or holds another experiment."""
    out = folder_path(out)
    if out.exists() and not out.is_dir():
        raise ResultsError(out, "exists and is not a folder", name="out")
    if not out.is_dir():
        check_writable(out)
        return
    strangers = sorted(
        p.name for p in out.iterdir() if p.name not in KNOWN and TMP_MARK not in p.name
    )
    if strangers:
        raise ResultsError(
            out,
            f"folder holds files that are not a sweep's ({', '.join(strangers[:3])})",
            "choose a new or empty folder",
            name="out",
        )
    copy = out / EXPERIMENT_COPY
    if copy.is_file():
        import hashlib

        stored = hashlib.sha256(copy.read_bytes()).hexdigest()
        if stored != sha256:
            raise ResultsError(
                out,
                "holds results of a different experiment file "
                f"(sha256 {stored[:12]}… there, {sha256[:12]}… given)",
                "use a new folder, or delete this one to start again",
                name="out",
            )
    elif any(p.name != LOCK and TMP_MARK not in p.name for p in out.iterdir()):
        raise ResultsError(
            out, f"not empty and has no {EXPERIMENT_COPY}", "choose a new folder", name="out"
        )
    check_writable(out)  # last: the probe touches the folder, which a refusal must not


class SweepFolder:
    """The results folder of one experiment, held under an exclusive lock while open."""

    def __init__(self, out: str | os.PathLike[str], experiment: Any) -> None:
        self.out = Path(out)
        self.experiment = experiment
        self._lock: Any = None

    # -- opening -----------------------------------------------------------------------------
    def open(self) -> SweepFolder:
        """Lock the folder, check it is ours, tidy a killed sweep's leftovers, copy in the
        experiment file."""
        check_folder(self.out, self.experiment.sha256)
        self.out.mkdir(parents=True, exist_ok=True)
        self._acquire()
        check_folder(self.out, self.experiment.sha256)  # again, now that we hold the lock
        self._clean_temporaries()
        self._drop_orphans()
        if not (self.out / EXPERIMENT_COPY).is_file():
            write_bytes(self.out / EXPERIMENT_COPY, self.experiment.text.encode("utf-8"))
        if not self.complete():
            (self.out / PARTS).mkdir(exist_ok=True)
        return self

    def _acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; a second sweep is not detected
            return
        fh = open(self.out / LOCK, "a")  # noqa: SIM115 - held open until close()
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise ResultsError(
                self.out, "another sweep is writing into this folder", name="out"
            ) from None
        self._lock = fh

    def close(self) -> None:
        """Release the lock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> SweepFolder:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _clean_temporaries(self) -> None:
        """Half-written files of a killed sweep: never read, safe to delete under our lock."""
        for folder in (self.out, self.out / PARTS, self.out / "figures"):
            if folder.is_dir():
                for p in folder.iterdir():
                    if TMP_MARK in p.name and p.is_file():
                        p.unlink(missing_ok=True)

    def _drop_orphans(self) -> None:
        """A chunk's other tables whose part file was never written (killed in between)."""
        done = {(first, last) for first, last, _ in self.part_files()}
        for _, first, last, path in self._extra_files():
            if (first, last) not in done:
                path.unlink(missing_ok=True)

    def _extra_files(self) -> list[tuple[str, int, int, Path]]:
        folder = self.out / PARTS
        if not folder.is_dir():
            return []
        found = []
        for p in folder.iterdir():
            m = EXTRA_NAME.match(p.name)
            if m and m.group(1) != "part":
                found.append((m.group(1), int(m.group(2)), int(m.group(3)), p))
        return sorted(found)

    # -- progress ----------------------------------------------------------------------------
    def complete(self) -> bool:
        """Whether the sweep finished: manifest and both consolidated tables written."""
        return all((self.out / f).is_file() for f in (MANIFEST, ROUNDS, RUNS))

    def part_files(self) -> list[tuple[int, int, Path]]:
        """The part files written so far, as (first run, last run, path), in run order."""
        folder = self.out / PARTS
        if not folder.is_dir():
            return []
        found = []
        for p in folder.iterdir():
            m = PART_NAME.match(p.name)
            if m:
                found.append((int(m.group(1)), int(m.group(2)), p))
        return sorted(found)

    def done(self) -> set[int]:
        """Run indices already finished (all of them once the folder is complete)."""
        if self.complete():
            return set(range(self.experiment.n_runs))
        out: set[int] = set()
        for first, last, _ in self.part_files():
            out.update(range(first, last + 1))
        return out

    def remove_damaged_parts(self) -> list[tuple[Path, str]]:
        """Check every part file (readable, the runs its name says, each with all its rows
        and the experiment's columns) and delete those that fail, so their runs run again.

        A part file is written atomically, so damage means something outside the sweep
        (a full or failing disk, a copy cut short, a hand edit). Returns (path, problem) of
        each part removed, for the caller to report.
        """
        if self.complete():
            return []
        removed: list[tuple[Path, str]] = []
        claimed: set[int] = set()
        for first, last, path in self.part_files():
            runs = set(range(first, last + 1))
            problem = (
                "overlaps another part file"
                if runs & claimed
                else part_problem(path, first, last, self.experiment)
            )
            if problem is None:
                claimed |= runs
            else:
                path.unlink()
                removed.append((path, problem))
        self._drop_orphans()  # the other tables of the parts removed
        return removed

    def write_part(
        self, first: int, last: int, table: Any, extra: dict[str, Any] | None = None
    ) -> Path:
        """Store one finished chunk as its own part file, so a killed sweep can resume; its
        other tables (``extra``, by name) first, so a part file means the chunk is whole."""
        for name, df in (extra or {}).items():
            write_parquet(self.out / PARTS / f"{name}-{first:07d}-{last:07d}.parquet", df)
        return write_parquet(self.out / PARTS / f"part-{first:07d}-{last:07d}.parquet", table)

    # -- the end -------------------------------------------------------------------------------
    def consolidate(self, manifest: dict[str, Any]) -> None:
        """Join the parts into rounds.parquet, runs.parquet (and the series tables), then
        write the manifest.

        Streamed, :data:`BLOCK_RUNS` runs at a time (a Parquet row group each), so memory
        does not grow with the sweep: the whole-table merge it replaces grew ~11 KB a run
        (794 MB at 30,000 runs, issue 20). Blocks are cut at fixed run indices, whatever
        the part files' chunks, so a resumed sweep writes the same bytes as one that ran
        straight through.
        """
        exp = self.experiment
        self._check_parts()
        described = {**RUN_COLUMNS, **role_columns(exp), **exp.column_metadata()}
        table = exp.run_table()
        outputs = exp.output_columns()
        once = OUTCOMES if exp.outcome_names("run") else None

        def rounds_blocks() -> Iterator[Any]:
            for lo, hi, found in self._blocks(["part"]):
                yield self._block_rounds(table, lo, hi, found["part"])

        def runs_blocks() -> Iterator[Any]:
            for lo, hi, found in self._blocks(["part", *([once] if once else [])]):
                rounds = self._block_rounds(table, lo, hi, found["part"])
                runs = summarise_runs(rounds, full_run_table(exp, table.iloc[lo : hi + 1]), outputs)
                if once:
                    runs = runs.merge(found[once], on="run", how="left", validate="one_to_one")
                yield runs

        def series_blocks(name: str) -> Iterator[Any]:
            for lo, hi, found in self._blocks([name]):
                yield table.iloc[lo : hi + 1].merge(found[name], on="run", how="right")

        files = [(ROUNDS, rounds_blocks()), (RUNS, runs_blocks())]
        files += [(SERIES_FILES[g], series_blocks(SERIES[g][0])) for g in exp.series]
        for name, blocks in files:
            meta = sweep_metadata(exp, TABLE_ROWS[name])
            atomic_write(self.out / name, _streamed(blocks, meta, described))
        records = {name: table_record(self.out / name) for name, _ in files}
        write_text(self.out / MANIFEST, manifest_text({**manifest, "tables": records}))
        shutil.rmtree(self.out / PARTS, ignore_errors=True)

    def _check_parts(self) -> None:
        """The part files cover every run once, each chunk with all its other tables."""
        exp = self.experiment
        covered = 0
        names = [SERIES[g][0] for g in exp.series] + (
            [OUTCOMES] if exp.outcome_names("run") else []
        )
        extra = {(name, first, last) for name, first, last, _ in self._extra_files()}
        for first, last, _ in self.part_files():
            if first != covered:
                raise ResultsError(
                    self.out,
                    f"parts hold runs {first}-{last} after run {covered - 1}, not run {covered}",
                    f"delete {self.out / PARTS} and run again",
                    name="out",
                )
            for name in names:
                if (name, first, last) not in extra:
                    raise ResultsError(
                        self.out,
                        f"runs {first}-{last} have no {name} table",
                        f"delete {self.out / PARTS} and run again",
                        name="out",
                    )
            covered = last + 1
        if covered != exp.n_runs:
            raise ResultsError(
                self.out,
                f"parts hold runs 0-{covered - 1}, expected {exp.n_runs} runs",
                f"delete {self.out / PARTS} and run again",
                name="out",
            )

    def _block_rounds(self, table: Any, lo: int, hi: int, rounds: Any) -> Any:
        """One block's rounds, sorted, checked whole, with each run's row of the run table."""
        exp = self.experiment
        rounds = rounds.sort_values(["run", "round"], kind="stable").reset_index(drop=True)
        expected = (hi - lo + 1) * rows_per_run(exp)
        if len(rounds) != expected or rounds["run"].nunique() != hi - lo + 1:
            raise ResultsError(
                self.out,
                f"parts hold {len(rounds)} rows for {rounds['run'].nunique()} runs of runs "
                f"{lo}-{hi}, expected {expected} rows for {hi - lo + 1} runs",
                f"delete {self.out / PARTS} and run again",
                name="out",
            )
        return table.iloc[lo : hi + 1].merge(rounds, on="run", how="right", validate="one_to_many")

    def _blocks(self, names: list[str]) -> Iterator[tuple[int, int, dict[str, Any]]]:
        """(first run, last run, {name: table}) for each block of :data:`BLOCK_RUNS` runs, read
        from the part files (``"part"``: the rounds) and the chunks' other tables, each
        sorted by run (stable, so rows keep the order they were written in)."""
        import pandas as pd

        exp = self.experiment
        paths = {(name, first, last): path for name, first, last, path in self._extra_files()}
        buffer: dict[str, list[Any]] = {name: [] for name in names}
        lo = 0
        for first, last, part in self.part_files():
            for name in names:
                path = part if name == "part" else paths[(name, first, last)]
                buffer[name].append(pd.read_parquet(path))
            while lo < exp.n_runs and last >= min(lo + BLOCK_RUNS, exp.n_runs) - 1:
                hi = min(lo + BLOCK_RUNS, exp.n_runs) - 1
                block = {}
                for name in names:
                    joined = pd.concat(buffer[name], ignore_index=True)
                    inside = joined["run"].to_numpy() <= hi
                    block[name] = (
                        joined[inside].sort_values("run", kind="stable").reset_index(drop=True)
                    )
                    buffer[name] = [joined[~inside].reset_index(drop=True)]
                yield lo, hi, block
                lo = hi + 1

    # -- a finished folder found damaged ------------------------------------------------------
    def has_results(self) -> bool:
        """Whether the folder holds any finished-sweep file (the manifest or a result table),
        whole or not: then it must pass :func:`folder_problem` before "nothing to run"."""
        names = (MANIFEST, *result_files(self.experiment))
        return any((self.out / name).exists() for name in names)

    def salvage(self) -> int:
        """Turn a damaged finished folder back into a resumable one: the runs its trusted
        tables still hold become part files again, then the manifest and the consolidated
        tables go, so the sweep re-runs only what is missing and consolidates as usual.

        A table is trusted when it matches the row count and sha256 the manifest recorded
        for it (or, when the manifest itself is damaged, when it reads and has the
        experiment's columns: each part is then checked run by run by
        :meth:`remove_damaged_parts`, so a table cut short gives back only its whole runs).
        Returns how many runs were recovered into part files. Call with the folder open.
        """
        exp = self.experiment
        sources = self._trusted_sources()
        recovered = 0
        if sources is not None:
            rounds, extra = sources
            runs = rounds["run"].to_numpy()
            (self.out / PARTS).mkdir(exist_ok=True)
            for first in range(0, exp.n_runs, SALVAGE_CHUNK):
                last = min(first + SALVAGE_CHUNK, exp.n_runs) - 1
                lo, hi = np.searchsorted(runs, [first, last + 1])
                if hi <= lo:
                    continue
                part = {name: _run_slice(df, first, last) for name, df in extra.items()}
                self.write_part(first, last, rounds.iloc[lo:hi].reset_index(drop=True), part)
                recovered += int(hi - lo) // rows_per_run(exp)
        (self.out / PARTS).mkdir(exist_ok=True)
        for name in (MANIFEST, *result_files(exp)):  # the manifest first: no longer finished
            (self.out / name).unlink(missing_ok=True)
        self.remove_damaged_parts()
        return min(recovered, len(self.done()))

    def _trusted_sources(self) -> tuple[Any, dict[str, Any]] | None:
        """(rounds, other part tables by name) read from the trusted consolidated tables,
        with the part files' columns, or None when what every run needs is not trusted."""
        import pyarrow.parquet as pq

        exp = self.experiment
        records = _manifest_records(self.out)
        needed = [ROUNDS, *(SERIES_FILES[g] for g in exp.series)]
        once = list(exp.outcome_names("run"))
        if once:
            needed.append(RUNS)
        for name in needed:
            path = self.out / name
            if records is not None and (
                name not in records or _table_problem(path, records[name]) is not None
            ):
                return None
        try:
            rounds = pq.read_table(
                self.out / ROUNDS, columns=["run", "round", *exp.output_columns()]
            ).to_pandas()
            extra = {}
            for group in exp.series:
                name, by = SERIES[group]
                columns = ["run", "round", by, "organisations", *exp.series_outputs]
                extra[name] = pq.read_table(self.out / SERIES_FILES[group], columns=columns)
                extra[name] = extra[name].to_pandas()
            if once:
                extra[OUTCOMES] = pq.read_table(self.out / RUNS, columns=["run", *once])
                extra[OUTCOMES] = extra[OUTCOMES].to_pandas()
        except (OSError, ValueError, KeyError):  # unreadable, or a column missing
            return None
        if not rounds["run"].is_monotonic_increasing:
            return None
        return rounds, extra


BLOCK_RUNS = 5000
"""Runs per block (and Parquet row group) when the parts are joined into the final tables."""


def _streamed(
    blocks: Iterator[Any], metadata: dict[str, str], described: dict[str, Any]
) -> Callable[[Path], None]:
    """A writer (for atomic_write) of one Parquet file from DataFrame ``blocks``, one row
    group each: every column described (results_files.to_arrow), the schema the first
    block's, each later block cast to it (a column of NaN only is still a float column)."""

    def write(tmp: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from stpgame.results_files import to_arrow

        writer = None
        try:
            for df in blocks:
                if writer is None:
                    arrow = to_arrow(df, metadata, described)
                    writer = pq.ParquetWriter(tmp, arrow.schema)
                else:
                    arrow = pa.Table.from_pandas(df, preserve_index=False)
                    if not arrow.schema.equals(writer.schema, check_metadata=False):
                        arrow = arrow.cast(writer.schema)
                writer.write_table(arrow, row_group_size=max(1, arrow.num_rows))
        finally:
            if writer is not None:
                writer.close()

    return write


SALVAGE_CHUNK = 1000
"""Runs per part file when a damaged folder's trusted tables are split back into parts."""


def _run_slice(df: Any, first: int, last: int) -> Any:
    """The rows of runs ``first..last`` of a table sorted by run."""
    runs = df["run"].to_numpy()
    lo, hi = np.searchsorted(runs, [first, last + 1])
    return df.iloc[lo:hi].reset_index(drop=True)


# --- a finished folder checked before use ------------------------------------------------------
def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in 1 MiB blocks (a 100,000-run table is ~100 MB)."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_record(path: Path) -> dict[str, Any]:
    """What the manifest records of a result table: its rows and the sha256 of its bytes."""
    import pyarrow.parquet as pq

    return {"rows": pq.read_metadata(path).num_rows, "sha256": file_sha256(path)}


SEAL = "manifest_sha256"
"""The manifest's own checksum: sha256 of the rest of it (canonical JSON), so a manifest
edited after the sweep wrote it is noticed (its tables' records could no longer be trusted)."""


def _seal(manifest: dict[str, Any]) -> str:
    import hashlib

    rest = {k: v for k, v in manifest.items() if k != SEAL}
    text = json.dumps(rest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_text(manifest: dict[str, Any]) -> str:
    """The manifest as written: JSON with its own checksum last (:data:`SEAL`)."""
    plain = json.loads(json.dumps(manifest, default=str))  # the values as a reader sees them
    return json.dumps({**plain, SEAL: _seal(plain)}, indent=2)


def _table_problem(path: Path, record: object) -> str | None:
    """What is wrong with one result table against the manifest's record of it, or None."""
    import pyarrow.parquet as pq

    name = path.name
    if not isinstance(record, dict):
        return f"the manifest has no record of {name}"
    if not path.is_file():
        return f"{name} is missing"
    try:
        rows = pq.read_metadata(path).num_rows
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        reason = re.sub(r"^Could not open Parquet input source '.*?': ", "", reason)
        return f"{name} is not a readable Parquet table ({reason})"
    if rows != record.get("rows"):
        return f"{name} holds {rows:,} rows, the sweep wrote {record.get('rows')}"
    if file_sha256(path) != record.get("sha256"):
        return f"{name} is not the table the sweep wrote (its sha256 differs: changed since)"
    return None


def _manifest_records(out: Path) -> dict[str, Any] | None:
    """The table records of a sound manifest in ``out``, or None if it cannot be trusted."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get(SEAL) != _seal(manifest):
        return None
    tables = manifest.get("tables")
    return tables if isinstance(tables, dict) else None


def folder_problem(out: str | os.PathLike[str]) -> str | None:
    """Why a finished sweep's folder cannot be trusted, in words, or None when it is whole:
    the manifest must be valid JSON, unchanged since written (its checksum), and every
    result table it lists must be there with the rows and sha256 it recorded."""
    out = Path(out)
    path = out / MANIFEST
    if not path.is_file():
        return f"no {MANIFEST} (the sweep's record of its tables)"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        return f"{MANIFEST} is not valid JSON ({exc})"
    if not isinstance(manifest, dict) or SEAL not in manifest:
        return f"{MANIFEST} is not a whole sweep manifest (no {SEAL!r})"
    if manifest[SEAL] != _seal(manifest):
        return f"{MANIFEST} was changed after the sweep wrote it (its {SEAL} does not match)"
    tables = manifest.get("tables")
    spec = manifest.get("experiment")
    if not isinstance(tables, dict) or ROUNDS not in tables or RUNS not in tables:
        return f"{MANIFEST} records no result tables"
    series = spec.get("series", []) if isinstance(spec, dict) else []
    for name in [ROUNDS, RUNS, *(SERIES_FILES.get(g, f"{g}.parquet") for g in series)]:
        problem = _table_problem(out / name, tables.get(name))
        if problem is not None:
            return problem
    return None


def repair_command(out: Path) -> str:
    """The command that repairs ``out``: the sweep's own command again (it resumes into the
    same folder and rebuilds what is damaged), as the manifest recorded it when it can."""
    try:
        command = json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("command", "")
    except (OSError, ValueError, AttributeError):
        command = ""
    if isinstance(command, str) and command.startswith(("stpgame sweep ", "stpgame sensitivity ")):
        import shlex

        words = shlex.split(command)
        if "--out" in words[:-1]:  # the folder where it is now (it may have been moved)
            words[words.index("--out") + 1] = str(out)
        return f"repair it by running `{shlex.join(words)}` again (it rebuilds the damaged tables)"
    return (
        f"repair it by running the sweep that made it again into the same folder "
        f"(`stpgame sweep FILE --out {out}` or Experiment.run({str(out)!r}); FILE's copy is "
        f"{out / EXPERIMENT_COPY}): it rebuilds the damaged tables"
    )


def rows_per_run(exp: Any) -> int:
    """Rows one run contributes to rounds.parquet (and its part file): one per year, from
    year 0 (the state before the first decision)."""
    return int(exp.rounds) + 1


def part_problem(path: Path, first: int, last: int, exp: Any) -> str | None:
    """What is wrong with the part file of runs ``first..last``, or None if it is sound."""
    import numpy as np
    import pyarrow.parquet as pq

    if last >= exp.n_runs:
        return f"names runs up to {last}, beyond the experiment's {exp.n_runs}"
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow's errors (ArrowInvalid, OSError, ...): unreadable
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        reason = re.sub(r"^Could not open Parquet input source '.*?': ", "", reason)
        return f"not a readable Parquet file ({reason})"
    columns = ["run", "round", *exp.output_columns()]
    if table.column_names != columns:
        missing = [c for c in columns if c not in table.column_names]
        extra = [c for c in table.column_names if c not in columns]
        return f"columns differ from the experiment's (missing {missing}, unexpected {extra})"
    want = np.repeat(np.arange(first, last + 1), rows_per_run(exp))
    runs = table.column("run").to_numpy(zero_copy_only=False)
    if len(runs) != len(want) or not np.array_equal(runs, want):
        return (
            f"holds {len(runs)} rows, expected {rows_per_run(exp)} for each of runs {first}-{last}"
        )
    return _extra_problem(path.parent, first, last, exp)


def _extra_problem(folder: Path, first: int, last: int, exp: Any) -> str | None:
    """What is wrong with the chunk's other tables (per footprint, per type, custom outcomes
    per run): each must be there, readable, and hold exactly the chunk's runs."""
    import numpy as np
    import pyarrow.parquet as pq

    names = [SERIES[group][0] for group in exp.series]
    names += [OUTCOMES] if exp.outcome_names("run") else []
    for name in names:
        path = folder / f"{name}-{first:07d}-{last:07d}.parquet"
        try:
            runs = pq.read_table(path, columns=["run"]).column("run").to_numpy()
        except Exception as exc:  # missing or unreadable (pyarrow's errors, OSError)
            return f"its {name} table is missing or unreadable ({type(exc).__name__})"
        if not np.array_equal(np.unique(runs), np.arange(first, last + 1)):
            return f"its {name} table holds other runs than {first}-{last}"
    return None


def sweep_metadata(exp: Any, rows: str) -> dict[str, str]:
    """File metadata of a sweep's tables: version, scenario, experiment, what a row is, and
    which varied parameters are policy levers and which uncertainties (JSON lists)."""
    from stpgame.results_files import file_metadata

    return file_metadata(
        exp.scenario,
        rows,
        experiment=exp.name,
        experiment_title=exp.title,
        experiment_digest=exp.digest,
        levers=list(exp.levers),
        uncertainties=list(exp.uncertainties),
    )


def role_columns(exp: Any) -> dict[str, dict[str, str]]:
    """Field metadata of the varied parameters the experiment marks: the parameter's own
    label, unit and description plus its ``role`` ("lever" or "uncertainty")."""
    from stpgame.core.outputs import column

    return {name: {**column(name).metadata(), "role": role} for name, role in exp.roles.items()}


def full_run_table(exp: Any, table: Any = None) -> Any:
    """The run table (run, condition, varied values, replication, seed) followed by the
    scenario and the value of every other parameter: what each run played, in full.

    The fixed values and the scenario are the same for every run, so this takes one
    parameter check, however many runs.
    """
    import pandas as pd

    from stpgame.core import scenarios
    from stpgame.core.params import validate

    table = exp.run_table() if table is None else table
    base = validate(scenarios.get(exp.scenario).params) if exp.scenario else None
    values = validate(exp.fixed, base=base).as_dict()
    n = len(table)
    extra = {"scenario": pd.Series([exp.scenario or ""] * n, index=table.index, dtype=object)}
    for name, value in values.items():
        if name not in table.columns:
            extra[name] = pd.Series([value] * n, index=table.index)
    return pd.concat([table, pd.DataFrame(extra, index=table.index)], axis=1)


def summarise_runs(rounds: Any, table: Any, outputs: Any) -> Any:
    """One row per run: each output's value in the final year and its mean over the years
    played (1 to the last: year 0, before the first decision, is not a played year)."""
    import pandas as pd

    outputs = list(outputs)
    played = rounds[rounds["round"] >= 1]
    # rounds is sorted by run then round, so each run's last row is its final year
    final = played.drop_duplicates("run", keep="last").set_index("run")[outputs]
    mean = played.groupby("run", sort=True)[outputs].mean()
    final, mean = final.add_suffix("_final"), mean.add_suffix("_mean")
    merged = pd.concat([final, mean], axis=1)
    ordered = [f"{c}_{s}" for c in outputs for s in ("final", "mean")]
    return table.merge(merged[ordered], left_on="run", right_index=True, how="inner")


def read_manifest(out: str | os.PathLike[str], need: tuple[str, ...] = (RUNS,)) -> dict[str, Any]:
    """The manifest of a finished sweep in ``out``, which must also hold the files ``need``.

    Anything else (a missing folder, a ``stpgame run`` folder, a sweep still
    running, a damaged manifest) is a ResultsError saying what is wrong and what to do.
    """
    out = Path(out)
    sweep_first = f"run `stpgame sweep FILE --out {out}` first"
    if not out.is_dir():
        what = "not a folder" if out.exists() else "no such folder"
        raise ResultsError(out, f"not a sweep result folder ({what})", sweep_first)
    if (out / PARTS).is_dir() and not (out / MANIFEST).is_file():
        raise ResultsError(
            out,
            f"sweep not finished (no {MANIFEST} yet)",
            "run the same `stpgame sweep` command again to finish it",
        )
    if not any((out / name).is_file() for name in (EXPERIMENT_COPY, ROUNDS, RUNS)):
        missing = next(n for n in (*need, MANIFEST) if not (out / n).is_file())
        raise ResultsError(out, f"not a sweep result folder (no {missing})", sweep_first)
    problem = folder_problem(out)
    if problem is not None:
        raise ResultsError(out, f"inconsistent sweep folder: {problem}", repair_command(out))
    for name in need:
        if not (out / name).is_file():
            raise ResultsError(out, f"not a sweep result folder (no {name})", sweep_first)
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise ResultsError(
            out / MANIFEST, f"damaged, not valid JSON ({exc})", "rerun the sweep into a new folder"
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("experiment"), dict):
        raise ResultsError(
            out, f"not a sweep result folder ({MANIFEST} has no experiment)", sweep_first
        )
    spec = manifest["experiment"]
    for key, kind in SPEC_KEYS.items():
        if not isinstance(spec.get(key), kind):
            raise ResultsError(
                out / MANIFEST,
                f"damaged: its experiment has no {key!r} ({kind.__name__})",
                "rerun the sweep into a new folder",
            )
    return manifest


SPEC_KEYS = {"varied": dict, "design": str, "model_outputs": list, "by_type": list}
"""What every reader of a finished sweep takes from its manifest's experiment."""


def read_results(out: str | os.PathLike[str], name: str, manifest: dict[str, Any]) -> Any:
    """``runs.parquet`` or ``rounds.parquet`` of a finished sweep, checked against its
    manifest: rows, the run keys, the varied parameters and the kept model outputs. A
    damaged or hand-edited table is a ResultsError naming the file, not a KeyError later."""
    table = read_table(out, name)
    spec = manifest["experiment"]
    outputs = spec["model_outputs"]
    need = ["run", "condition", *spec["varied"]]
    if name == RUNS:
        need += [f"{o}_{s}" for o in outputs for s in ("final", "mean")]
    else:
        need += ["round", *outputs]
    missing = [c for c in need if c not in table.columns]
    problem = (
        f"damaged: no column {missing[0]!r}"
        + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
        if missing
        else "damaged: no rows"
        if table.empty
        else None
    )
    if problem:
        raise ResultsError(Path(out) / name, problem, "rerun the sweep into a new folder")
    return table


def read_table(out: str | os.PathLike[str], name: str) -> Any:
    """One Parquet table of a finished sweep; ResultsError naming the file if it is damaged."""
    import pandas as pd

    path = Path(out) / name
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise _unreadable(path, exc) from None


def check_table(out: str | os.PathLike[str], name: str) -> None:
    """Refuse a stored Parquet table whose footer cannot be read (cut short, overwritten),
    reading only its metadata: cheap enough to do before a long job that needs the table."""
    import pyarrow.parquet as pq

    path = Path(out) / name
    try:
        pq.read_metadata(path)
    except (OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: Exception) -> ResultsError:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    reason = re.sub(r"^Could not open Parquet input source '.*?': ", "", reason)
    return ResultsError(
        path,
        f"damaged, not a readable Parquet table ({reason})",
        "rerun the sweep into a new folder",
    )
