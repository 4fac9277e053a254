"""``stpgame match``: one iterated two-player match between two strategies."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from stpgame.cli.common import Subparsers

AXELROD = "3,0,5,1"
"""R,S,T,P of Axelrod's tournaments (``stage_game.AXELROD_PAYOFFS``; a test keeps them equal)."""


def add_parsers(sub: Subparsers) -> None:
    """Add ``stpgame match``."""
    p = sub.add_parser("match", help="an iterated two-player match between two strategies")
    p.add_argument("a", metavar="A", help="first strategy")
    p.add_argument("b", metavar="B", help="second strategy")
    p.add_argument("--turns", default="200", help="turns, or the cap with --continuation (200)")
    p.add_argument("--continuation", help="chance of another turn: geometric match lengths")
    p.add_argument("--noise", default="0", help="chance a move comes out wrong (default 0)")
    p.add_argument("--payoffs", default=AXELROD, metavar="R,S,T,P", help="default Axelrod's")
    p.add_argument("--seed", default="0", help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output with moves")
    p.set_defaults(handler=cmd_match)


def cmd_match(args: argparse.Namespace) -> int:
    """``stpgame match``: play one match and print the result."""
    from stpgame.analysis.match import play_match

    result = play_match(
        args.a,
        args.b,
        args.turns,
        continuation=args.continuation,
        noise=args.noise,
        payoffs=args.payoffs,
        seed=args.seed,
    )
    if args.json:
        print(json.dumps(result.to_dict(moves=True), indent=2))
    else:
        print(result.report())
    return 0
