"""Does a footprint's structure go with how much its bodies pool? England's 44 real footprints.

The England preset is the 44 real footprints of 2017 (stpgame.places). Each run plays all
44 at once for YEARS years; a footprint's pooling is the share of its bodies pooling over
the last LAST years, averaged over SEEDS seeds (95% t-interval over seeds). Two contexts:

- ``fortress``: the fortress preset as it is (each body judged on its own books);
- ``pooling can pay``: the hopeful-evidence preset (savings £1.50 per pooled £) with
  ``system_weight`` 0.9 (bodies judged mostly on their footprint's result).

Measured complexity per footprint (stpgame.places.measures): number of bodies, number of
councils, share of the population living in councils split across footprints, the largest
body's share of the footprint's money. For each: Spearman's rank correlation with pooling
across the 44 footprints, with a 95% bootstrap interval (resampling footprints, 2,000
draws), and standardised least-squares coefficients of all four together (same bootstrap).

    python experiments/places_structure.py   # experiments/results/places_structure*.csv and
                                             # the results section of docs/places.md

Model results change when decision rules or institutions change: rerun this one command.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from stpgame import STPModel
from stpgame.places.measures import footprint_table

ROOT = Path(__file__).resolve().parent.parent
YEARS, LAST, SEEDS = 40, 10, tuple(range(101, 121))
CONTEXTS = {
    "fortress": ("fortress", {}),
    "pooling can pay": ("hopeful_evidence", {"system_weight": 0.9}),
}
MEASURES = {
    "bodies": "bodies",
    "council": "councils",
    "split_share": "share of people in split councils",
    "largest_share": "largest body's share of the money",
}
BOOT = 2000
DOC = ROOT / "docs" / "places.md"
START, END = "<!-- places_structure:start -->", "<!-- places_structure:end -->"


def pooling(scenario: str, overrides: dict, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Per footprint, over the last LAST years of one run: the share of its bodies pooling,
    and the same less what its mix of bodies would give (each body's pooling minus the mean
    pooling of its kind across England), so that a footprint is not 'complex' merely for
    holding more of a kind that pools less."""
    m = STPModel.from_scenario(scenario, seed=seed, **overrides).run(YEARS)
    orgs = m.org_dataframe()
    late = orgs[orgs["round"] > YEARS - LAST]
    pooled = late["pooled"].astype(float)
    beyond = pooled - pooled.groupby(late["org_type"], observed=True).transform("mean")
    codes = list(m.structure.footprint_codes)
    raw = pooled.groupby(late["footprint_code"], observed=True).mean().reindex(codes)
    adjusted = beyond.groupby(late["footprint_code"], observed=True).mean().reindex(codes)
    return raw.to_numpy(float), adjusted.to_numpy(float)


def interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval over the rows of ``x`` (seeds)."""
    mean = x.mean(axis=0)
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(axis=0, ddof=1) / np.sqrt(len(x))
    return mean, mean - half, mean + half


def spearman(y: np.ndarray, x: np.ndarray) -> float:
    """Rank correlation; 0 where either side does not vary (a bootstrap draw can do that)."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    return float(stats.spearmanr(y, x).statistic)


def standardised_ols(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Least-squares coefficients of standardised x on standardised y."""
    sd = x.std(axis=0)
    z = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    yz = (y - y.mean()) / (y.std() if y.std() > 0 else 1.0)
    coef, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(y)), z]), yz, rcond=None)
    return coef[1:]


def relate(y: np.ndarray, table: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Spearman per measure and joint standardised coefficients, with bootstrap intervals."""
    x = table[list(MEASURES)].to_numpy(float)
    rho = np.array([spearman(y, x[:, j]) for j in range(x.shape[1])])
    beta = standardised_ols(y, x)
    draws_rho, draws_beta = [], []
    for _ in range(BOOT):
        k = rng.integers(0, len(y), len(y))
        draws_rho.append([spearman(y[k], x[k, j]) for j in range(x.shape[1])])
        draws_beta.append(standardised_ols(y[k], x[k]))
    lo_r, hi_r = np.percentile(draws_rho, [2.5, 97.5], axis=0)
    lo_b, hi_b = np.percentile(draws_beta, [2.5, 97.5], axis=0)
    return pd.DataFrame(
        {
            "measure": list(MEASURES),
            "spearman": rho,
            "spearman_low": lo_r,
            "spearman_high": hi_r,
            "std_coef": beta,
            "std_coef_low": lo_b,
            "std_coef_high": hi_b,
        }
    )


def words(r) -> str:
    """One finding, in words, from an interval."""
    if r.spearman_low > 0:
        return "the higher, the more pooling"
    if r.spearman_high < 0:
        return "the higher, the less pooling"
    return "no clear relation (interval spans 0)"


def report(per_fp: pd.DataFrame, summary: pd.DataFrame) -> str:
    """The generated results section of docs/places.md."""
    lines = [
        START,
        "",
        f"Generated by `python experiments/places_structure.py` ({len(SEEDS)} seeds, {YEARS} "
        f"years, pooling = share of a footprint's bodies pooling over the last {LAST} years; "
        "*beyond mix* = the same less what its mix of kinds of body would give; 95% "
        "intervals: t over seeds for pooling, bootstrap over footprints for the relations). "
        "Model results change when decision rules or institutions change: rerun it.",
        "",
    ]
    for context in CONTEXTS:
        fp = per_fp[per_fp["context"] == context]
        scenario, overrides = CONTEXTS[context]
        setting = ", ".join(f"{k} = {v}" for k, v in overrides.items())
        lines += [
            f"**{context}** (`{scenario}`" + (f", {setting}" if setting else "") + "): "
            f"pooling across footprints from {fp['pooling'].min():.0%} to "
            f"{fp['pooling'].max():.0%} (median {fp['pooling'].median():.0%}).",
            "",
            "| outcome | measure | Spearman ρ [95% CI] | standardised coefficient, all four together [95% CI] | reading |",
            "|---|---|---|---|---|",
        ]
        for r in summary[summary["context"] == context].itertuples():
            lines.append(
                f"| {r.outcome} | {MEASURES[r.measure]} | {r.spearman:+.2f} "
                f"[{r.spearman_low:+.2f}, {r.spearman_high:+.2f}] | {r.std_coef:+.2f} "
                f"[{r.std_coef_low:+.2f}, {r.std_coef_high:+.2f}] | {words(r)} |"
            )
        top = fp.nlargest(3, "pooling")["name"].tolist()
        bottom = fp.nsmallest(3, "pooling")["name"].tolist()
        lines += ["", f"Most pooling: {'; '.join(top)}. Least: {'; '.join(bottom)}.", ""]
    lines.append(END)
    return "\n".join(lines)


def main() -> int:
    """Run both contexts, write the tables and the docs section."""
    table = footprint_table()
    rng = np.random.default_rng(2017)
    rows, summaries = [], []
    for context, (scenario, overrides) in CONTEXTS.items():
        runs = [pooling(scenario, overrides, seed) for seed in SEEDS]
        raw, adjusted = np.array([r[0] for r in runs]), np.array([r[1] for r in runs])
        mean, low, high = interval(raw)
        adj, adj_low, adj_high = interval(adjusted)
        fp = table.assign(
            context=context, pooling=mean, pooling_low=low, pooling_high=high,
            pooling_beyond_mix=adj, pooling_beyond_mix_low=adj_low, pooling_beyond_mix_high=adj_high,
        )  # fmt: skip
        rows.append(fp)
        for outcome, y in (("pooling", mean), ("pooling beyond mix", adj)):
            summaries.append(relate(y, table, rng).assign(context=context, outcome=outcome))
        print(f"{context}: pooling {mean.min():.2f}-{mean.max():.2f}", file=sys.stderr)
    per_fp, summary = pd.concat(rows), pd.concat(summaries)
    out = ROOT / "experiments" / "results"
    out.mkdir(parents=True, exist_ok=True)
    per_fp.to_csv(out / "places_structure.csv", index=False, float_format="%.4f")
    summary.to_csv(out / "places_structure_summary.csv", index=False, float_format="%.4f")
    text = DOC.read_text()
    section = report(per_fp, summary)
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    DOC.write_text(
        pattern.sub(lambda _: section, text)
        if pattern.search(text)
        else text + "\n" + section + "\n"
    )
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
