"""How far each parameter moves the bodies' decisions, not only the money (issue 8).

For every parameter except the footprints themselves: the fortress preset with the parameter
at the bottom and at the top of its allowed range (each alternative, for a choice), same
seeds; in two contexts: the fortress preset as it is (pooling costs each body about £1 per
£ at the central evidence, so only big levers move anyone), and the same preset with
pooling near break-even for a body (transformation money repays 70% of every voluntarily
pooled pound for the whole run), where a lever's direction shows. 'Decisions changed' is the share of organisation-years whose intended move (pool or
withhold) differs between the two ends; 'cooperation' the share of bodies pooling over the
last 10 years at each end, mean over seeds with a 95% t-interval. A parameter that changes
money but no decision is 'accounting only'.

    python experiments/levers.py            # writes experiments/results/levers.csv, docs/levers.md
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from stpgame import STPModel
from stpgame.core.params import PARAMS, Kind

ROOT = Path(__file__).resolve().parent.parent
SCENARIO, YEARS, SEEDS = "fortress", 25, (11, 12, 13)
CONTEXTS = {
    "fortress": {},
    "near break-even": {"transformation_fund": 0.7, "transformation_years": 100},
}
SKIP = {"structure", "n_footprints", "place"}
# Rules that only act when another one is on: measured with it on (both ends).
NEEDS = {
    "incentive_threshold": {"incentive_fund": 0.01},
    "system_share": {"control_total": "system"},
    "generosity": {
        f"strategy_{t}": "generous_tit_for_tat:0.5,reinforcement:0.5"
        for t in ("acute", "community", "ccg", "council")
    },
}
MIX_ENDS = ("always_defect", "always_cooperate")
# The direction the evidence expects a lever to move pooling (+1 up, -1 down), with its
# source; the table says whether the model shows it (near break-even, where a direction
# can show: the two ends' 95% intervals apart).
EXPECTED = {
    "system_weight": (1, "[003] judging the whole system"),
    "outcome_weight": (1, "[004] measures close to outcomes"),
    "gain_share": (1, "[004] gain sharing"),
    "risk_share": (1, "[004] risk sharing"),
    "incentive_fund": (1, "[002] incentives for integration"),
    "transformation_fund": (1, "[004] money for double running"),
    "savings_multiplier": (1, "calibration §5: the return on pooling"),
    "savings_lag": (-1, "calibration §5: late savings count less"),
    "discount_rate": (-1, "Green Book: later savings count less"),
    "planning_horizon": (1, "savings beyond a plan count for nothing"),
    "trust_gain": (1, "[002] relationships"),
    "trust_loss": (-1, "[002] relationships"),
    "cultural_barrier": (-1, "[001] professional and cultural boundaries"),
    "initial_trust_shift": (1, "[002] better relationships"),
    "leadership_turnover": (-1, "[004] changing leadership is a barrier"),
    "coordination_cost": (-1, "[001] simpler structures enable integration"),
    "boundary_mismatch_cost": (-1, "[001] coterminous boundaries enable integration"),
    "target_pressure": (-1, "[002] central targets crowd out prevention"),
    "activity_payment": (-1, "[004] payment mechanisms not aligned"),
    "firefighting": (-1, "[001] firefighting under pressure"),
    "demand_growth": (-1, "[001] the integration paradox: pressure makes it harder"),
}
# Savings shares must add up to 1: move one against the acute share.
PAIRED = {f"savings_to_{t}": "savings_to_acute" for t in ("community", "ccg", "council")}


def ends(p) -> list[tuple[str, dict, dict]]:
    """(label, low settings, high settings) for a parameter."""
    if p.kind is Kind.MIX:
        return [(f"{MIX_ENDS[0]} vs {MIX_ENDS[1]}", {p.name: MIX_ENDS[0]}, {p.name: MIX_ENDS[1]})]
    if p.kind is Kind.BOOL:
        return [("false vs true", {p.name: False}, {p.name: True})]
    if p.kind is Kind.CHOICE:
        return [
            (f"{p.default} vs {c}", {p.name: p.default}, {p.name: c})
            for c in p.choices
            if c != p.default
        ]
    if p.name == "savings_to_acute":
        return [
            (
                "0.3 vs 0.6",
                {p.name: 0.3, "savings_to_council": 0.45},
                {p.name: 0.6, "savings_to_council": 0.15},
            )
        ]
    if p.name in PAIRED:
        return [
            (
                "0 vs 0.3",
                {p.name: 0.0, "savings_to_acute": 0.45 + float(p.default)},
                {p.name: 0.3, "savings_to_acute": 0.15 + float(p.default)},
            )
        ]
    low, high = p.low, p.high
    return [(f"{low:g} vs {high:g}", {p.name: low}, {p.name: high})]


def run(settings: dict, seed: int) -> tuple[np.ndarray, float]:
    m = STPModel.from_scenario(SCENARIO, seed=seed, **settings).run(YEARS)
    orgs = m.org_dataframe()
    coop = float(m.model_dataframe()["cooperation_rate"].tail(10).mean())
    return orgs["level"].to_numpy() >= 0.5, coop


def ci(values) -> tuple[float, float, float]:
    x = np.asarray(values, float)
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


def measure(item) -> dict:
    context, name, label, low, high = item
    extra = {**CONTEXTS[context], **NEEDS.get(name, {})}
    low, high = {**extra, **low}, {**extra, **high}
    try:
        a = [run(low, s) for s in SEEDS]
        b = [run(high, s) for s in SEEDS]
    except ValueError as exc:  # an end this preset refuses (e.g. a cross-check)
        return {
            "context": context,
            "parameter": name,
            "ends": label,
            "decisions_changed": np.nan,
            "coop_low": np.nan,
            "coop_low_ci": "",
            "coop_high": np.nan,
            "coop_high_ci": f"not run: {exc}",
        }
    changed = [float(np.mean(x[0] != y[0])) for x, y in zip(a, b, strict=True)]
    lo, hi = ci([x[1] for x in a]), ci([y[1] for y in b])
    return {
        "context": context,
        "parameter": name,
        "ends": label,
        "decisions_changed": float(np.mean(changed)),
        "coop_low": lo[0],
        "coop_low_ci": f"[{lo[1]:.3f}, {lo[2]:.3f}]",
        "coop_high": hi[0],
        "coop_high_ci": f"[{hi[1]:.3f}, {hi[2]:.3f}]",
    }


def main(workers: int = 2) -> pd.DataFrame:
    items = [
        (c, p.name, *e) for c in CONTEXTS for p in PARAMS if p.name not in SKIP for e in ends(p)
    ]
    with ProcessPoolExecutor(workers) as pool:
        rows = list(pool.map(measure, items))
    df = pd.DataFrame(rows)
    # Same seeds at both ends: a lever that reaches no decision changes none at all.
    moved = df.groupby("parameter")["decisions_changed"].transform("max")
    df["acts_on"] = np.where(moved > 0, "decisions", "accounting only")
    out = ROOT / "experiments" / "results" / "levers.csv"
    df.to_csv(out, index=False, float_format="%.4f")
    write_markdown(df)
    return df


WHY_NOT = {
    "coordination_cost": "it takes a share off the savings, and near break-even the "
    "transformation money, not the savings, decides whether pooling pays",
    "boundary_mismatch_cost": "as coordination_cost: a share of the savings, which matter "
    "little near break-even",
    "savings_lag": "near break-even the transformation money repaying 70% of each pooled "
    "pound dwarfs the savings, however late they land",
    "discount_rate": "as savings_lag",
    "planning_horizon": "as savings_lag: the savings a horizon cuts off are a small part of "
    "what pooling returns here",
    "trust_gain": "trust reaches learners only through the savings' efficiency "
    "(trust_effect, 0.2) and the trusted-partner rule, so England's pooling rests little "
    "on it (docs/decisions.md: trust held at about 0.9 on every link adds 2 points where "
    "pooling can pay)",
    "trust_loss": "as trust_gain",
    "cultural_barrier": "as trust_gain",
    "initial_trust_shift": "as trust_gain; besides, new leaders and years without pooling "
    "replace starting trust within a few years",
    "leadership_turnover": "a newcomer starts as a stranger and partners' trust falls, but "
    "England's pooling rests little on trust: 30% turnover a year costs 0.3 points where "
    "pooling can pay, 21 in Canterbury's preset (docs/decisions.md)",
    "target_pressure": "targets shrink what NHS bodies may pool, so their choice carries "
    "less at stake and quantal response spreads it: a smaller share of a smaller room",
    "activity_payment": "it moves where savings land between the acute trust and its CCG, "
    "and near break-even savings are a small part of the return",
    "demand_growth": "demand over funding sets a cost gap that stays the same share of "
    "income (only trusts' grows, and only to 2018/19: docs/ODD.md §9), so demand moves "
    "admissions, not the money a pooled pound returns",
}
"""Why the model does not show what the evidence expects of a lever, where it does not."""


def direction(name: str, row: pd.Series) -> tuple[str, str]:
    """What the evidence expects of a lever and whether the model shows it (near
    break-even): 'yes', 'opposite' or 'no clear difference'."""
    if name not in EXPECTED or not row.coop_low_ci:
        return "", ""
    sign, _source = EXPECTED[name]
    lo = [float(x) for x in row.coop_low_ci.strip("[]").split(",")]
    hi = [float(x) for x in row.coop_high_ci.strip("[]").split(",")]
    if hi[0] > lo[1]:
        moved = 1
    elif hi[1] < lo[0]:
        moved = -1
    else:
        moved = 0
    shown = "no clear difference" if moved == 0 else "yes" if moved == sign else "opposite"
    return ("↑" if sign > 0 else "↓"), shown


def write_markdown(df: pd.DataFrame) -> None:
    lines = [
        "# Levers: how far each parameter moves decisions",
        "",
        f"Generated by `python experiments/levers.py` (fortress preset, {YEARS} years, seeds "
        f"{', '.join(map(str, SEEDS))}; also in `experiments/results/levers.csv`). Each row "
        "sets one parameter to the two ends shown, everything else at the preset. "
        "*Decisions changed*: share of organisation-years whose intended move differs between "
        "the two ends (same seeds). *Cooperation*: share of bodies pooling over the last 10 "
        "years, mean over seeds [95% t-interval]. Parameters whose ends change no decision act "
        "on the accounting only (*acts on*: decisions if they change any in either context). "
        "`incentive_threshold` is measured with a 1% incentive fund and `generosity` with half "
        "of every type playing generous tit for tat, since neither acts otherwise.",
        "",
        "Contexts: **fortress** is the preset as it is; **near break-even** adds transformation "
        "money repaying 70% of every voluntarily pooled pound, so that pooling nearly pays a "
        "body and a lever's direction shows.",
        "",
        "*Evidence expects*: the direction the sources expect pooling to move from the low to "
        "the high end (↑ or ↓, source in `experiments/levers.py`); *shown*: whether the model "
        "shows it near break-even (the two ends' intervals apart in that direction), the "
        "opposite, or no clear difference.",
        "",
        "| parameter | ends | decisions changed: fortress / near break-even | cooperation, "
        "fortress: low → high end | cooperation, near break-even: low → high end | evidence "
        "expects | shown | acts on |",
        "|---|---|---:|---|---|---|---|---|",
    ]
    wide = {c: d.set_index(["parameter", "ends"]) for c, d in df.groupby("context")}
    fort, even = wide["fortress"], wide["near break-even"]
    for key in fort.index:
        a, b = fort.loc[key], even.loc[key]
        expects, shown = direction(key[0], b)
        lines.append(
            f"| `{key[0]}` | {key[1]} | {a.decisions_changed:.1%} / {b.decisions_changed:.1%} | "
            f"{a.coop_low:.3f} {a.coop_low_ci} → {a.coop_high:.3f} {a.coop_high_ci} | "
            f"{b.coop_low:.3f} {b.coop_low_ci} → {b.coop_high:.3f} {b.coop_high_ci} | "
            f"{expects} | {shown} | {a.acts_on} |"
        )
    missed = [
        (key[0], direction(key[0], even.loc[key])[1])
        for key in fort.index
        if direction(key[0], even.loc[key])[1] not in ("", "yes")
    ]
    if missed:
        lines += ["", "## Where the model does not show what the evidence expects, and why", ""]
        lines += [
            f"- `{name}` ({shown}): {WHY_NOT.get(name, 'not explained')}." for name, shown in missed
        ]
    (ROOT / "docs" / "levers.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
