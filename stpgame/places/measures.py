"""Measures of each real footprint's structure: what the experiment and `stpgame places` report.

- ``bodies``: organisations the model plays (trusts, CCGs, councils).
- ``councils``: social-care councils belonging to the footprint (most of their people here).
- ``split_share``: share of the footprint's population living in a council that straddles
  footprints (LSOA counts; any LSOA outside counts, see docs/places.md).
- ``largest_share``: the largest body's share of the footprint's money (model budgets).
- ``structural_loss``: the share of pooling's savings the model itself takes away for this
  structure at the given parameters: coordination (``coordination_cost`` per body beyond
  four) and boundaries (``boundary_mismatch_cost`` unless coterminous), as in
  ``stpgame.core.economy`` (a test keeps the two equal).
"""

from __future__ import annotations

import pandas as pd

from stpgame.places import table


def footprint_table(params=None) -> pd.DataFrame:
    """One row per real footprint (E54 code order): names, region, counts and measures."""
    from stpgame.core.params import Params
    from stpgame.core.structure import real_structure

    p = params if params is not None else Params()
    s = real_structure("")
    budget = pd.Series(s.budget).groupby(s.footprint)
    largest = (budget.max() / budget.sum()).to_numpy()
    rows = []
    for k, f in enumerate(table.footprints()):
        coordination = 1.0 / (1.0 + p.coordination_cost * max(0, f.bodies - 4))
        boundary = 1.0 if f.coterminous else 1.0 - p.boundary_mismatch_cost
        rows.append(
            {
                "code": f.code,
                "name": f.name,
                "region": f.region,
                "population": f.population,
                "acute": f.acute,
                "community": f.community,
                "ccg": f.ccg,
                "council": f.council,
                "bodies": f.bodies,
                "coterminous": f.coterminous,
                "split_share": f.split_share,
                "mismatch_share": f.mismatch_share,
                "largest_share": float(largest[k]),
                "structural_loss": 1.0 - coordination * boundary,
            }
        )
    return pd.DataFrame(rows)


def members_table(place: str) -> pd.DataFrame:
    """The bodies of one footprint: kind, code, ODS code, name, budget (£m) and for councils
    the share of their population living in this footprint."""
    from stpgame.core.structure import real_structure

    f = table.find(place)
    s = real_structure(f.name)
    share = {c.council_code: c.share for c in table.council_shares() if c.footprint_code == f.code}
    return pd.DataFrame(
        {
            "kind": [b.kind for b in table.members(f.code)],
            "code": list(s.org_codes or ()),
            "ods_code": [b.ods_code for b in table.members(f.code)],
            "name": list(s.org_names or ()),
            "budget_m": s.budget,
            "share_here": [
                share.get(b.code, 1.0) if b.kind == "council" else 1.0
                for b in table.members(f.code)
            ],
        }
    )
