"""What the decision rules do, measured over seeds (issue 17): the principles in tests/ and
the figures in docs/decisions.md come from here.

1. **Levers with slopes**: hopeful evidence, each whole-system lever at 0, .25, .5, .75, 1.
2. **Pooling when it pays nobody** (fortress, savings multiplier 0) next to the noise rate:
   what quantal response at the bodies' own estimated returns plus mistakes would give.
3. **Leadership turnover** 0 vs 30% a year, where pooling can pay (hopeful evidence with a
   near-whole-system rating) and in Canterbury's preset: pooling, and the mean trust on the
   links (a new leader's fall to a stranger's 0.2 can only cost what trust there is); and
   how much pooling relationships carry at all there: trust held high (about 0.9) or low
   (0.05 or below) on every link for good (``HELD``), against trust as it moves, no turnover.
4. **Simple vs complex footprints** in the same runs (the mixed structure), where pooling
   cannot pay (fortress) and where it can (hopeful evidence, system weight 0.9).
5. **Return experienced** (in the manner of Isaac, Walker & Williams 1994): a population of
   learners only, pooling against the savings multiplier.

Cooperation is the share of bodies pooling at least half of what is free, mean of the last
10 of 30 years; intervals are 95% t-intervals over seeds, and for steps and contrasts the
interval of the paired difference (same seeds, so the same places and draws).

    python experiments/decisions.py     # writes experiments/results/decisions.csv, docs/decisions.md
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from _results import interval, write  # experiments/_results.py: the script's folder

from stpgame import STPModel
from stpgame.strategies import LEVELS

ROOT = Path(__file__).resolve().parent.parent
YEARS, LAST = 30, 10
SEEDS = tuple(range(101, 109))
STEPS = (0.0, 0.25, 0.5, 0.75, 1.0)
LEVERS = ("system_weight", "outcome_weight", "gain_share", "risk_share")
CAN_PAY = {"system_weight": 0.9}  # with hopeful evidence: pooling pays many bodies
FROZEN = {"trust_gain": 0.0, "trust_loss": 0.0, "trust_decay": 0.0, "leadership_turnover": 0.0}
HELD = {
    "high": {"initial_trust_shift": 0.5, **FROZEN},
    "low": {"initial_trust_shift": -0.5, **FROZEN},
}
"""Trust held where the surveys' starting levels, shifted by the most allowed, put it."""
LEARNERS = {f"strategy_{t}": "reinforcement" for t in ("acute", "community", "ccg", "council")}
MULTIPLIERS = (0.5, 1.0, 1.5, 2.0, 3.0)


def cooperation(scenario: str, seed: int, **kw: object) -> float:
    """Share of bodies pooling at least half, mean over the last ``LAST`` years."""
    return cooperation_and_trust(scenario, seed, **kw)[0]


def cooperation_and_trust(scenario: str, seed: int, **kw: object) -> tuple[float, float]:
    """``cooperation`` and the mean trust on the links, both over the last ``LAST`` years."""
    m = STPModel.from_scenario(scenario, seed=seed, **kw).run(YEARS)
    last = m.model_dataframe()[["cooperation_rate", "mean_trust"]].iloc[-LAST:].mean()
    return float(last["cooperation_rate"]), float(last["mean_trust"])


def by_footprint_kind(scenario: str, seed: int, **kw: object) -> tuple[float, float]:
    """Cooperation in the simple and in the complex footprints of one mixed run."""
    m = STPModel.from_scenario(scenario, seed=seed, structure="mixed", **kw).run(YEARS)
    orgs = m.org_dataframe()
    orgs = orgs[orgs["round"] > YEARS - LAST]
    simple = orgs["footprint"].cat.codes.to_numpy() % 2 == 0  # mixed: even footprints simple
    pooled = orgs["level"].to_numpy() >= 0.5
    return float(pooled[simple].mean()), float(pooled[~simple].mean())


def noise_rate(
    seed: int, scenario: str | None = "fortress", years: int = YEARS, **kw: object
) -> tuple[float, float]:
    """Pooling (the share of bodies meaning to pool at least half, last ``LAST`` years) and
    the noise rate: each body-year's chance of pooling at least half under quantal response
    at its own estimated return (no learning, no imitation, no reciprocity), plus mistakes
    (a random level). By default where pooling pays nobody (fortress, savings 0)."""
    settings = {"savings_multiplier": 0.0, **kw}
    m = STPModel(seed=seed, scenario=scenario, **settings)  # type: ignore[arg-type]
    p, rates, pooled = m.params, [], []
    for year in range(1, years + 1):
        obs = m.observation
        if year > years - LAST:
            ret = np.where(obs.stake > 0, obs.estimate / np.where(obs.stake > 0, obs.stake, 1), 0)
            z = p.choice_precision * ret[:, None] * LEVELS[None, :]
            prob = np.exp(z - z.max(axis=1, keepdims=True))
            prob /= prob.sum(axis=1, keepdims=True)
            logit = np.where(ret == 0.0, obs.own_level >= 0.5, prob[:, LEVELS >= 0.5].sum(axis=1))
            mistakes = p.noise * np.mean(LEVELS >= 0.5)
            rates.append(float(np.mean((1 - p.noise) * logit + mistakes)))
        m.step()
        if year > years - LAST:
            levels = m.org_dataframe().query(f"round == {year}")["level"].to_numpy()
            pooled.append(float((levels >= 0.5).mean()))
    return float(np.mean(pooled)), float(np.mean(rates))


def free_rider_example(seed: int = SEEDS[0]) -> str:
    """The free-rider arithmetic for the NHS body with the largest share of its real
    footprint (England, hopeful evidence, year 1): what a pooled pound returns to it and to
    its footprint, and the rating weight on the footprint above which pooling pays it."""
    m = STPModel.from_scenario("hopeful_evidence", seed=seed)
    own, system = m.pooling_returns()
    e, s = m.economy, m.structure
    share = e.budget / e.fp_budget[e.fp]
    breakeven = 1.0 / (1.0 + share * system / np.abs(own))
    k = int(np.argmax(np.where(e.is_nhs, share, -1.0)))
    name = s.org_names[k] if s.org_names is not None else f"body {k}"
    losing = np.isfinite(breakeven) & (own < 0)
    q10, q50, q90 = np.quantile(breakeven[losing], [0.1, 0.5, 0.9])
    return (
        f"**The free-rider arithmetic, worked for one real-sized body** (hopeful evidence, "
        f"seed {seed}, year 1, `STPModel.pooling_returns`): {name}, budget "
        f"£{e.budget[k]:,.0f}m, {share[k]:.1%} of its footprint's ({s.footprint_names[s.footprint[k]]}) "
        f"budget, free to pool £{e.room[k]:.1f}m. A pound it pools returns {own[k]:+.2f} to its "
        f"own judged result and {system[k]:+.2f} to its footprint's welfare. Judged on a blend "
        f"(1 - w) x own + w x footprint, pooling pays it only if w > 1 / (1 + b x "
        f"{system[k]:.2f} / {abs(own[k]):.2f}) = {breakeven[k]:.3f}, b its budget share. "
        f"Across England's bodies that lose by pooling the break-even weight has deciles "
        f"{q10:.3f} / {q50:.3f} / {q90:.3f}: the largest bodies reach it first, most bodies "
        f"only near a whole-system rating, which is why the levers rise slowly at first."
    )


def _task(args: tuple) -> tuple:
    kind, key, seed, kw = args
    if kind == "coop":
        return (kind, key, seed, cooperation(kw.pop("scenario"), seed, **kw))
    if kind == "trust":
        return (kind, key, seed, cooperation_and_trust(kw.pop("scenario"), seed, **kw))
    if kind == "fp":
        return (kind, key, seed, by_footprint_kind(kw.pop("scenario"), seed, **kw))
    return (kind, key, seed, noise_rate(seed))


def tasks(seeds: tuple[int, ...]) -> list[tuple]:
    out: list[tuple] = []
    for lever in LEVERS:
        for v in STEPS:
            out += [
                ("coop", (lever, v), s, {"scenario": "hopeful_evidence", lever: v}) for s in seeds
            ]
    for ctx, base in (
        ("can pay", {"scenario": "hopeful_evidence", **CAN_PAY}),
        ("canterbury", {"scenario": "canterbury"}),
    ):
        for t in (0.0, 0.3):
            out += [
                ("trust", ("turnover", ctx, t), s, {**base, "leadership_turnover": t})
                for s in seeds
            ]
        for held, kw in HELD.items():
            out += [("coop", ("held", ctx, held), s, {**base, **kw}) for s in seeds]
    for ctx, base in (
        ("pays nobody", {"scenario": "fortress"}),
        ("can pay", {"scenario": "hopeful_evidence", **CAN_PAY}),
    ):
        out += [("fp", ("structure", ctx), s, dict(base)) for s in seeds]
    for mult in MULTIPLIERS:
        out += [
            (
                "coop",
                ("return", mult),
                s,
                {
                    "scenario": "fortress",
                    **LEARNERS,
                    "savings_multiplier": mult,
                    "system_weight": 0.9,
                },
            )
            for s in seeds
        ]
    out += [("noise", ("noise",), s, {}) for s in seeds]
    return out


def measure(seeds: tuple[int, ...] = SEEDS, workers: int = 2) -> dict:
    """Every measurement, keyed as in ``tasks``: a list of per-seed values in seed order."""
    results: dict = {}
    with ProcessPoolExecutor(workers) as pool:
        for kind, key, _seed, value in pool.map(_task, tasks(seeds)):
            results.setdefault((kind, *key), []).append(value)
    return results


def table(results: dict) -> pd.DataFrame:
    rows = []
    for lever in LEVERS:
        prev = None
        for v in STEPS:
            x = np.array(results[("coop", lever, v)])
            step = interval(x - prev) if prev is not None else (np.nan,) * 3
            rows.append(("lever", lever, str(v), *interval(x), *step))
            prev = x
    for ctx in ("can pay", "canterbury"):
        a, b = (np.array(results[("trust", "turnover", ctx, t)]) for t in (0.0, 0.3))
        for k, test in enumerate(("turnover", "turnover: trust on links")):
            rows.append((test, ctx, "0", *interval(a[:, k]), *(np.nan,) * 3))
            rows.append((test, ctx, "0.3", *interval(b[:, k]), *interval(b[:, k] - a[:, k])))
        rows.append(("relationships", ctx, "as they move", *interval(a[:, 0]), *(np.nan,) * 3))
        for held in HELD:
            x = np.array(results[("coop", "held", ctx, held)])
            rows.append(
                ("relationships", ctx, f"held {held}", *interval(x), *interval(x - a[:, 0]))
            )
    for ctx in ("pays nobody", "can pay"):
        pairs = np.array(results[("fp", "structure", ctx)])
        rows.append(("structure", ctx, "simple", *interval(pairs[:, 0]), *(np.nan,) * 3))
        rows.append(
            (
                "structure",
                ctx,
                "complex",
                *interval(pairs[:, 1]),
                *interval(pairs[:, 1] - pairs[:, 0]),
            )
        )
    prev = None
    for mult in MULTIPLIERS:
        x = np.array(results[("coop", "return", mult)])
        step = interval(x - prev) if prev is not None else (np.nan,) * 3
        rows.append(("return", "learners only", str(mult), *interval(x), *step))
        prev = x
    noise = np.array(results[("noise", "noise")])
    rows.append(
        ("pays nobody", "fortress, savings 0", "pooling", *interval(noise[:, 0]), *(np.nan,) * 3)
    )
    rows.append(
        (
            "pays nobody",
            "fortress, savings 0",
            "noise rate",
            *interval(noise[:, 1]),
            *interval(noise[:, 0] - noise[:, 1]),
        )
    )
    return pd.DataFrame(
        rows,
        columns=[
            "test",
            "context",
            "value",
            "mean",
            "low",
            "high",
            "change",
            "change_low",
            "change_high",
        ],
    )


def markdown(t: pd.DataFrame) -> str:
    def f(x: float) -> str:
        return "" if np.isnan(x) else f"{x:.3f}"

    lines = [
        "# What the decision rules do",
        "",
        "Generated by `python experiments/decisions.py` (results in "
        "`experiments/results/decisions.csv`); do not edit by hand. Cooperation: share of "
        f"bodies pooling at least half of what is free, mean of the last {LAST} of {YEARS} "
        f"years, {len(SEEDS)} seeds, 95% t-intervals; 'change' is the paired difference from "
        "the row above (same seeds: same places and draws), except in 'relationships', where "
        "it is from 'as they move' (trust moving as it does, no turnover). Rows 'turnover: "
        "trust on links' give the mean trust on the links (0-1; a stranger's is 0.2), not "
        "cooperation. 'held high' and 'held low': trust on every link fixed for good at the "
        "surveys' starting levels shifted by +0.5 (about 0.9) or -0.5 (0.05 or below), no "
        "turnover: how much pooling relationships can carry in that context.",
        "",
        "| test | context | value | measure [95% CI] | change from the row above [95% CI] |",
        "|---|---|---|---|---|",
    ]
    for r in t.itertuples():
        ch = "" if np.isnan(r.change) else f"{f(r.change)} [{f(r.change_low)}, {f(r.change_high)}]"
        lines.append(
            f"| {r.test} | {r.context} | {r.value} | {f(r.mean)} [{f(r.low)}, {f(r.high)}] | {ch} |"
        )
    lines += ["", free_rider_example()]
    return "\n".join(lines) + "\n"


def main() -> None:
    t = table(measure())
    write("decisions", t, markdown(t))


if __name__ == "__main__":
    main()
