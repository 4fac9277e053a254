"""A research workflow to copy: an experiment defined in Python with a custom outcome, run
on a local Dask cluster, summarised with intervals, and scenario discovery (PRIM) on it.

    cd docs/examples
    python research_workflow.py                  # 240 runs, about a minute on 2 cores
    python research_workflow.py --quick          # 48 runs, for a first look

The question: under England's fortress rules, which policies (control-total regime,
incentive fund: the levers) and which evidence on savings (multiplier and lag: the
uncertainties) leave councils cutting the most services? Six mixed footprints (simple and
complex alternating), 15 years. The design is every lever combination crossed with a Latin
hypercube over the uncertainties, built here as a DataFrame (any sampler can make one). The
custom outcomes are in ``stp_outcomes.py`` next to this script. Results go to
``results/workflow`` under the current folder, or, when it cannot be written (a read-only
checkout), under the system's temporary folder (said when it starts); ``--out`` chooses
(a second run resumes, or finds the sweep finished).

What this does not show: six footprints are not England (the structure changes the game,
docs/headline.md), the savings range is an assumption (calibration §5), and PRIM describes
where the runs of interest concentrate in the ranges swept, not why.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from stpgame.batch import Experiment, discover, summarise

HERE = Path(__file__).resolve().parent
LEVERS = {"control_total": ["individual", "system"], "incentive_fund": [0.0, 0.01]}
UNCERTAIN = {"savings_multiplier": (0.1, 3.0), "savings_lag": (0, 6)}  # calibration §5


def designs(points: int, seed: int) -> pd.DataFrame:
    """Every lever combination crossed with ``points`` Latin-hypercube draws of the
    uncertainties (one stratum per draw in each dimension, shuffled independently)."""
    rng = np.random.default_rng(seed)
    unit = rng.permuted(np.tile(np.arange(points), (2, 1)), axis=1).T + rng.random((points, 2))
    unit /= points
    (m_lo, m_hi), (l_lo, l_hi) = UNCERTAIN.values()
    draws = pd.DataFrame(
        {
            "savings_multiplier": np.round(m_lo + unit[:, 0] * (m_hi - m_lo), 3),
            "savings_lag": np.floor(l_lo + unit[:, 1] * (l_hi - l_lo + 1)).astype(int),
        }
    )
    policies = pd.DataFrame(list(itertools.product(*LEVERS.values())), columns=list(LEVERS))
    return policies.merge(draws, how="cross")


def experiment(points: int, replications: int) -> Experiment:
    """The experiment: fortress rules on six mixed footprints, the designs above, two
    custom outcomes named by their import path (the Dask workers import them)."""
    spec = {
        "experiment": {
            "title": "Councils' cuts: policies under uncertain savings",
            "scenario": "fortress",
            "rounds": 15,
            "replications": replications,
            "base_seed": 29,
            "levers": list(LEVERS),
            "uncertainties": list(UNCERTAIN),
        },
        "fixed": {"structure": "mixed", "n_footprints": 6, "incentive_threshold": 0.0},
        "outputs": {"model": ["cooperation_rate", "price_of_fortress", "councils_cutting"]},
        "outcomes": {
            "council_cuts_share": {
                "function": "stp_outcomes:council_services_cut",
                "per": "run",
                "label": "Council services cut",
                "unit": "share of council budgets",
            },
            "never_pooled": {
                "function": "stp_outcomes:bodies_never_pooling",
                "per": "run",
                "label": "Bodies that never pooled",
                "unit": "share of bodies",
            },
        },
    }
    return Experiment.from_dataframe(designs(points, seed=29), spec, name="workflow")


def default_out() -> str:
    """``results/workflow`` here, or under the temporary folder when here is read-only."""
    import os
    import tempfile

    if os.access(Path.cwd(), os.W_OK):
        return "results/workflow"
    out = Path(tempfile.gettempdir()) / "stpgame-workflow"
    print(f"{Path.cwd()} cannot be written: results go to {out}")
    return str(out)


def main() -> None:
    """Build, run on Dask, summarise, discover."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="results folder (default: see above)")
    parser.add_argument("--quick", action="store_true", help="48 runs instead of 240")
    args = parser.parse_args()
    if args.out is None:
        args.out = default_out()
    points, replications = (6, 2) if args.quick else (20, 3)
    exp = experiment(points, replications)
    print(f"{exp.n_runs} runs: {len(exp.run_table())} rows of designs x replications")

    import logging

    from distributed import Client, LocalCluster

    quiet = {"silence_logs": logging.ERROR, "dashboard_address": None}
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, **quiet) as cluster,
        Client(cluster) as client,
    ):
        client.upload_file(str(HERE / "stp_outcomes.py"))  # the workers import the outcomes
        report = exp.run(args.out, scheduler=cluster.scheduler_address)
    print(f"ran {report.ran} runs in {report.seconds:.1f} s on a local Dask cluster")

    table, path = summarise(args.out)
    cuts = table[table["output"] == "council_cuts_share"]
    by_policy = cuts.groupby(list(LEVERS), observed=True)[["mean"]].mean()
    print(f"\nCouncil services cut (share of budgets), mean over the uncertainties ({path.name}):")
    print(by_policy.round(4).to_string())

    runs = pd.read_parquet(Path(args.out) / "runs.parquet")
    worst = float(runs["council_cuts_share"].quantile(0.75))
    print(f"\nPRIM: where are the runs with cuts above {worst:.4f} (the top quarter)?")
    # first over the uncertainties only (the default: what nobody sets), then with the
    # levers too: does a policy, or the evidence, mark out the worst runs?
    for inputs in (None, [*LEVERS, *UNCERTAIN]):
        found = discover(args.out, "council_cuts_share", above=worst, inputs=inputs)
        print(found.summary)


if __name__ == "__main__":
    main()
