"""Custom outcomes for docs/examples/research_workflow.py: functions of the model.

Sweeps run in other processes (a local pool, Dask workers), which import these functions
by their path ``stp_outcomes:<name>``, so they live at the top of a module of their own.
"""

import numpy as np

from stpgame.batch.view import view


def council_services_cut(model) -> float:
    """Services councils cut over the run, as a share of their budgets over the run.

    The cuts a council makes to balance its books are the pressure the fortress
    rules put on social care [001]; summed from the per-organisation table.
    """
    orgs = model.org_dataframe()
    councils = orgs[orgs["org_type"] == "council"]
    v = view(model)  # the stable view (docs/experiments.md, "The model view")
    budget = v.budget[v.is_type("council")].sum() * v.year
    return float(councils["cut"].sum() / budget) if budget else 0.0


def bodies_never_pooling(model) -> float:
    """Share of bodies that did not pool in any year of the run (the fortress core)."""
    orgs = model.org_dataframe()
    ever = orgs.groupby("org_id", observed=True)["pooled"].any()
    return float(np.mean(~ever.to_numpy()))
