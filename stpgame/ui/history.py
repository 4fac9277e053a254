"""What the charts draw: one run's collective and individual outcomes, year by year.

Kept incrementally (one row per played year) so a redraw costs the same in year
100 as in year 1; ``org_dataframe()`` rebuilds every year's table and is left
for the downloads. Reads only the model's public face: ``latest`` for the
collective outcomes and each ``Organisation`` agent for its own balance,
score and action.
"""

from __future__ import annotations

import numpy as np

from stpgame.core import regulation
from stpgame.core.outputs import MODEL_OUTPUTS
from stpgame.core.params import ORG_TYPES


class History:
    """Per-year outcomes of one model, for charts and headline numbers."""

    def __init__(self, model):
        self.model = model
        self.org_type = np.asarray(model.structure.org_type)
        self.type_count = np.bincount(self.org_type, minlength=len(ORG_TYPES))
        self.rounds: list[int] = []
        self.outputs: dict[str, list[float]] = {k: [] for k in MODEL_OUTPUTS}
        # per org type (rows of ORG_TYPES), one value per year
        self.own_balance: list[np.ndarray] = []
        self.own_score: list[np.ndarray] = []
        self.type_pooled: list[np.ndarray] = []
        self.balance = np.zeros(model.structure.n)
        self.score = np.zeros(model.structure.n)
        self.pooled = np.zeros(model.structure.n, bool)
        self.cumulative = np.zeros(model.structure.n)
        # per footprint, one row per year: the share of its bodies that pooled, its mean trust
        self.footprint = np.asarray(model.structure.footprint)
        self.fp_size = np.bincount(self.footprint, minlength=model.structure.n_footprints)
        self.fp_pooled: list[np.ndarray] = []
        self.fp_trust: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.rounds)

    def record(self) -> None:
        """Append the year the model has just played."""
        m = self.model
        orgs = m.organisations
        self.balance = np.fromiter((o.balance for o in orgs), float, len(orgs))
        self.score = np.fromiter((o.score for o in orgs), float, len(orgs))
        self.pooled = np.fromiter((o.pooled for o in orgs), bool, len(orgs))
        self.cumulative = self.cumulative + self.balance
        self.rounds.append(int(m.round))
        for k in MODEL_OUTPUTS:
            self.outputs[k].append(float(m.latest[k]))
        self.own_balance.append(self._by_type(self.balance))
        self.own_score.append(self._by_type(self.score))
        self.type_pooled.append(self._by_type(self.pooled.astype(float)))
        pooled = np.bincount(self.footprint, self.pooled.astype(float), len(self.fp_size))
        self.fp_pooled.append(pooled / np.maximum(self.fp_size, 1))
        self.fp_trust.append(np.array(m.footprint_trust(), float))

    def _by_type(self, values: np.ndarray) -> np.ndarray:
        total = np.bincount(self.org_type, values, len(ORG_TYPES))
        return np.divide(
            total, self.type_count, out=np.zeros(len(ORG_TYPES)), where=self.type_count > 0
        )

    def series(self, key: str) -> list[float]:
        """One model output, one value per year played."""
        return self.outputs[key]

    def by_type(self, which: str, org_type: str) -> list[float]:
        """``which`` is "balance", "score" or "pooled"; one value per year."""
        table = {"balance": self.own_balance, "score": self.own_score, "pooled": self.type_pooled}
        k = ORG_TYPES.index(org_type)
        return [float(row[k]) for row in table[which]]

    def by_footprint(self, which: str, footprint: int) -> list[float]:
        """``which`` is "pooled" (share of its bodies) or "trust" (mean on its links); per year."""
        table = {"pooled": self.fp_pooled, "trust": self.fp_trust}[which]
        return [float(row[footprint]) for row in table]

    def latest(self, key: str) -> float | None:
        """One model output's value in the latest year (None before the first)."""
        values = self.outputs[key]
        return values[-1] if values else None

    def type_summary(self) -> list[dict[str, object]]:
        """The current year's individual outcomes per organisation type (for the headline table)."""
        out = []
        ratings = regulation.rating(self.score) if self.rounds else np.zeros(0, int)
        for k, t in enumerate(ORG_TYPES):
            members = self.org_type == k
            if not members.any():
                continue
            row: dict[str, object] = {"org_type": t, "count": int(members.sum())}
            if self.rounds:
                row["pooled"] = float(self.pooled[members].mean())
                row["balance"] = float(self.balance[members].mean())
                row["cumulative"] = float(self.cumulative[members].mean())
                row["score"] = float(self.score[members].mean())
                row["in_deficit"] = float((self.balance[members] < -1e-9).mean())
                counts = np.bincount(ratings[members], minlength=len(regulation.RATINGS))
                row["rating"] = int(np.argmax(counts))  # most common segment, 0-3
            out.append(row)
        return out
