"""Custom outcomes for docs/examples/research_workflow.py: functions of the model.

Sweeps run in other processes (a local pool, Dask workers), which import these functions
by their path ``stp_outcomes:<name>``, so they live at the top of a module of their own.
"""

import numpy as np

COUNCIL = 3  # org_type code: acute 0, community 1, ccg 2, council 3 (stpgame.core.params.ORG_TYPES)


def council_services_cut(model) -> float:
    """Services councils cut over the run, as a share of their budgets over the run.

    The cuts a council makes to balance its books are the pressure the fortress
    rules put on social care [001]; summed from the per-organisation table.
    """
    orgs = model.org_dataframe()
    councils = orgs[orgs["org_type"] == "council"]
    budget = model.budget[model.structure.org_type == COUNCIL].sum() * model.round
    return float(councils["cut"].sum() / budget) if budget else 0.0


def bodies_never_pooling(model) -> float:
    """Share of bodies that did not pool in any year of the run (the fortress core)."""
    orgs = model.org_dataframe()
    ever = orgs.groupby("org_id", observed=True)["pooled"].any()
    return float(np.mean(~ever.to_numpy()))
