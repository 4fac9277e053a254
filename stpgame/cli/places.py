"""``stpgame places``: England's 44 footprints of 2017, or one footprint's bodies."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from stpgame.cli.common import Subparsers


def add_parsers(sub: Subparsers) -> None:
    """Add ``stpgame places``."""
    p = sub.add_parser(
        "places",
        help="the 44 real footprints of 2017 (counts, structure), or one footprint's bodies",
    )
    p.add_argument("place", nargs="?", help="a footprint's name or E54 code: list its bodies")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_places)


def cmd_places(args: argparse.Namespace) -> int:
    """List the footprints, or the members of the one named."""
    from stpgame.places import find
    from stpgame.places.measures import footprint_table, members_table

    if args.place is None:
        table = footprint_table()
        if args.json:
            print(json.dumps(table.to_dict(orient="records"), indent=2))
            return 0
        print(
            f"{'E54 code':<10} {'footprint':<46} {'pop (m)':>7} {'acute':>5} {'comm':>4} "
            f"{'CCG':>3} {'cncl':>4} {'split':>5} {'loss':>5}"
        )
        for r in table.itertuples():
            print(
                f"{r.code:<10} {r.name[:46]:<46} {r.population / 1e6:>7.2f} {r.acute:>5} "
                f"{r.community:>4} {r.ccg:>3} {r.council:>4} {r.split_share:>5.0%} "
                f"{r.structural_loss:>5.1%}"
            )
        print(
            "split: share of people in councils split across footprints; loss: share of "
            "pooling's savings lost to coordination and boundaries at default parameters "
            "(docs/places.md)"
        )
        return 0
    f = find(args.place)
    members = members_table(f.code)
    if args.json:
        print(json.dumps({"code": f.code, "name": f.name, "region": f.region,
                          "population": f.population,
                          "bodies": members.to_dict(orient="records")}, indent=2))  # fmt: skip
        return 0
    print(f"{f.name} ({f.code}), {f.region}: population {f.population:,} (LSOA estimate)")
    for r in members.itertuples():
        extra = f"  ({r.share_here:.0%} of its people here)" if r.share_here < 1 else ""
        print(f"  {r.kind:<9} {r.code:<10} {r.name}  £{r.budget_m:,.0f}m{extra}")
    return 0
