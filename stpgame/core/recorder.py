"""What the model keeps of each year, and the outputs worked out from it (named in outputs.py).

A year keeps its organisations' values (one row of n per year: the organisation table), its
footprints' admissions, delayed days and outcome index, and a few numbers of the whole year
(collective welfare as played and with everyone pooling, the money free to pool, mean
trust, control totals met, funds paid). The year's outputs (sums, shares and counts over
organisations) are worked out from these when read, for all years at once: a year's thirty
reductions over ~600 bodies cost about as much as the rest of its bookkeeping, and a batch
run reads its tables once, at the end (``benchmarks/bench_model.py``).

Each output is computed as a year on its own would compute it: a sum along one row of a
table adds in the same order as ``.sum()`` of that year's array, and products with weights
are taken year by year, so the tables are the same to the bit whenever they are read.
"""

from __future__ import annotations

import numpy as np

from stpgame.core.arrays import BoolArray, FloatArray

SUMMED = ("contribution", "balance", "score", "cut", "central_money", "penalty", "bailout")


class YearTable:
    """Values of ``n`` things, one row per year, in arrays that grow by doubling: a year
    costs one copy per column and a table one reshape."""

    def __init__(self, n: int):
        self.n, self.rows, self._capacity = n, 0, 0
        self._data: dict[str, np.ndarray] = {}

    def reserve(self, rows: int) -> None:
        """Room for ``rows`` years in all (``run`` knows how many are coming)."""
        self._capacity = max(self._capacity, rows)
        if self._data and rows > len(next(iter(self._data.values()))):
            self._grow(rows)

    def _grow(self, rows: int) -> None:
        self._data = {
            k: np.concatenate([a[: self.rows], np.empty((rows - self.rows, self.n), a.dtype)])
            for k, a in self._data.items()
        }

    def add(self, **values: np.ndarray) -> None:
        """One year's values, one array of n per column."""
        if not self._data:
            size = max(8, self._capacity)
            self._data = {
                k: np.empty((size, self.n), np.asarray(v).dtype) for k, v in values.items()
            }
        elif self.rows == len(next(iter(self._data.values()))):
            self._grow(2 * self.rows)
        for k, v in values.items():
            self._data[k][self.rows] = v
        self.rows += 1

    def block(self, name: str, first: int = 0) -> np.ndarray:
        """One column as a (years, n) table from year index ``first`` (a view)."""
        return self._data[name][first : self.rows]

    def columns(self) -> dict[str, np.ndarray]:
        """Each column, years one after another (a copy)."""
        return {k: a[: self.rows].flatten() for k, a in self._data.items()}


class Recorder:
    """The years of one model: per organisation, per footprint and per year."""

    def __init__(self, is_council: BoolArray, population: FloatArray):
        n = len(is_council)
        self.n = n
        self.councils, self.nhs = is_council, ~is_council
        self.n_councils = int(np.count_nonzero(is_council))
        self.population_weight = population / population.sum()
        self.orgs = YearTable(n)
        self.footprints = YearTable(len(population))
        self.year: dict[str, list[float]] = {}
        self._latest: tuple[int, dict[str, float]] = (0, {})

    @property
    def rows(self) -> int:
        """Years recorded."""
        return self.orgs.rows

    def reserve(self, rows: int) -> None:
        """Room for ``rows`` years in all."""
        self.orgs.reserve(rows)
        self.footprints.reserve(rows)

    def add(
        self,
        orgs: dict[str, np.ndarray],
        footprints: dict[str, np.ndarray],
        year: dict[str, float],
    ) -> None:
        """One year: its organisation values, footprint values and whole-year numbers."""
        self.orgs.add(**orgs)
        self.footprints.add(**footprints)
        for k, v in year.items():
            self.year.setdefault(k, []).append(v)

    def latest(self) -> dict[str, float]:
        """The outputs of the last year recorded (empty before the first)."""
        rows = self.rows
        if self._latest[0] != rows:
            if rows:
                columns = self.outputs(rows - 1)
                latest = {k: float(v[0]) for k, v in columns.items()}
                latest["round"] = rows
            else:
                latest = {}
            self._latest = (rows, latest)
        return self._latest[1]

    def outputs(self, first: int = 0) -> dict[str, np.ndarray]:
        """Every year-level output (outputs.py) for the years from index ``first`` on."""
        orgs, fps, n = self.orgs, self.footprints, self.n
        year = {k: np.asarray(v[first:], float) for k, v in self.year.items()}
        total = {k: np.add.reduce(orgs.block(k, first), axis=1) for k in SUMMED}
        pooled, sucker = orgs.block("pooled", first), orgs.block("sucker", first)
        cut, balance = orgs.block("cut", first), orgs.block("balance", first)
        welfare, ideal = year["welfare"], year["ideal"]
        # the price of every year, and its running total from the first year on, as a year
        # adds its price to the last total
        every_price = np.asarray(self.year["ideal"]) - np.asarray(self.year["welfare"])
        cumulative = np.cumsum(np.concatenate([[0.0], every_price]))[1 + first :]
        outcome = fps.block("outcome_index", first)
        deficit = -np.minimum(0.0, balance)
        n_nhs = n - self.n_councils
        return {
            "round": np.arange(first + 1, self.rows + 1),
            "cooperation_rate": np.count_nonzero(pooled, axis=1) / n,
            "pooled_share": total["contribution"] / year["free"],
            "system_balance": total["balance"],
            "collective_welfare": welfare,
            "full_cooperation_welfare": ideal,
            "price_of_fortress": every_price[first:],
            "cumulative_price_of_fortress": cumulative,
            "mean_individual_score": total["score"] / n,
            "emergency_admissions": np.add.reduce(fps.block("admissions", first), axis=1),
            "delayed_bed_days": np.add.reduce(fps.block("delayed_days", first), axis=1),
            "patient_outcome_index": np.array([x @ self.population_weight for x in outcome]),
            "mean_trust": year["mean_trust"],
            "sucker_share": np.count_nonzero(sucker, axis=1) / n,
            "councils_cutting": share_of((cut > 0) & self.councils, self.n_councils),
            "council_cuts": total["cut"],
            "nhs_in_deficit": share_of((balance < 0) & self.nhs, n_nhs),
            "nhs_deficit": np.array([x @ self.nhs for x in deficit]),
            "control_totals_met": year["totals_met"],
            "central_money": total["central_money"],
            "penalties": total["penalty"],
            "bailouts": total["bailout"],
            "incentives": year["incentives"],
            "gain_shared": year["gain_shared"],
            "transformation_money": year["transformation_money"],
            "bcf_pool": year["bcf_minimum"] + total["contribution"],
            "support_loans": year["debt"],
            "loan_interest": year["interest"],
        }


def share_of(flags: BoolArray, count: int) -> FloatArray:
    """The share of ``count`` things flagged (along the last axis: per year for a table of
    years); 0 when there are none."""
    flags = np.asarray(flags)
    # one year's flags: count without an axis (numpy's fast path, the same count)
    if flags.ndim == 1:
        flagged: np.ndarray = np.asarray(np.count_nonzero(flags))
    else:
        flagged = np.count_nonzero(flags, axis=-1)
    share: FloatArray = flagged / count if count else flagged * 0.0
    return share
