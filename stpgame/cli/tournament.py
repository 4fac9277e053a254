"""``stpgame tournament`` and ``stpgame evolve``: many strategies, in the iterated prisoner's
dilemma (pd) or inside the model (stp).

Options a game does not use are refused rather than ignored. An option left out (``None``)
is not passed on, so the library's own default holds: ``--turns`` is 200 turns per pd match,
20 years per stp tournament run and 10 years per stp generation; ``--generations`` is 100
(replicator, moran) or 20 (stp); ``--payoffs`` is Axelrod's.
"""

from __future__ import annotations

import inspect
import json
from typing import TYPE_CHECKING, TypedDict

from stpgame.cli.common import (
    STRATEGY_HELP,
    UsageError,
    check_csv_path,
    given,
    parse_settings,
    write_csv,
)
from stpgame.errors import ParameterError

if TYPE_CHECKING:
    import argparse

    from stpgame.analysis.tournament import TournamentResult
    from stpgame.cli.common import Subparsers

GAMES = ("pd", "stp")
METHODS = ("replicator", "moran", "stp")
STP_SCENARIO = "fortress"
FLAGS = {"rounds": "--turns"}  # the stp functions call years per run "rounds"
MOVES_OF = {
    "population": ("moran",),
    "selection": ("moran",),
    "mutation": ("moran",),
    "rate": ("replicator", "stp"),
}
"""evolve's options that only some methods use."""


def add_parsers(sub: Subparsers) -> None:
    """Add ``stpgame tournament`` and ``evolve``."""
    p = sub.add_parser("tournament", help="round robin of strategies, ranked (pd or stp game)")
    _add_field(p)
    p.add_argument("--turns", help="turns per match (pd, default 200) or years per run (stp, 20)")
    p.add_argument("--repetitions", default="5", help="repetitions (default 5)")
    p.add_argument("--csv", metavar="FILE", help="also write the ranking to this CSV file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_tournament, flags=FLAGS)

    p = sub.add_parser("evolve", help="strategy shares over generations")
    _add_field(p)
    p.add_argument(
        "--method",
        default="replicator",
        help="replicator | moran (on the pd tournament) | stp (imitation in the model)",
    )
    p.add_argument("--generations", help="generations (default 100; stp 20)")
    p.add_argument("--turns", help="turns per match (default 200) or years per generation (stp 10)")
    p.add_argument("--repetitions", default="5", help="tournament repetitions (default 5)")
    p.add_argument("--population", help="moran: population size (default 100)")
    p.add_argument("--selection", help="moran: intensity of selection (default 1)")
    p.add_argument("--mutation", help="moran: mutation probability (default 0)")
    p.add_argument("--rate", help="replicator/stp: imitation rate in [0,1] (1)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="machine-readable output")
    out.add_argument("--csv", metavar="FILE", help="write the shares per generation to a CSV file")
    p.set_defaults(handler=cmd_evolve, flags=FLAGS)


def _add_field(p: argparse.ArgumentParser) -> None:
    """Arguments shared by tournament and evolve: who plays, and in which game."""
    p.add_argument("strategies", nargs="*", metavar="STRATEGY", help=STRATEGY_HELP)
    p.add_argument("--all", action="store_true", help="every strategy")
    p.add_argument("--game", default="pd", help="pd (iterated prisoner's dilemma) or stp")
    p.add_argument("--scenario", help=f"stp: preset (default {STP_SCENARIO})")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="stp: override a parameter")
    p.add_argument("--org-types", help="stp: comma-separated organisation types (default all four)")
    p.add_argument("--noise", help="chance a move comes out wrong (pd 0; stp: scenario's)")
    p.add_argument("--continuation", help="pd: chance of another turn (geometric lengths)")
    p.add_argument("--payoffs", metavar="R,S,T,P", help="pd payoffs (default Axelrod's 3,0,5,1)")
    p.add_argument("--seed", default="0", help="random seed (default 0)")


# -- shared ----------------------------------------------------------------------------------
def _strategies(args: argparse.Namespace) -> list[str]:
    from stpgame.analysis.inputs import check_strategies, strategy_names

    if args.all and args.strategies:
        raise UsageError("give strategy names or --all, not both")
    if args.all:
        return list(strategy_names())
    if not args.strategies:
        raise UsageError(f"give strategy names or --all (choices: {', '.join(strategy_names())})")
    return check_strategies(args.strategies, "STRATEGY")


def _game(args: argparse.Namespace) -> str:
    """``--game``, with the options only the other game uses refused."""
    game: str = args.game
    if game not in GAMES:
        raise ParameterError("--game", "pd or stp", game)
    if game == "pd":
        _no_stp_options(args, "applies only to the STP game (--game stp, or evolve --method stp)")
    elif args.continuation is not None or args.payoffs is not None:
        raise UsageError("--continuation and --payoffs apply only with --game pd")
    return game


def _no_stp_options(args: argparse.Namespace, why: str) -> None:
    for flag in ("scenario", "set", "org_types"):
        if getattr(args, flag) is not None:
            raise UsageError(f"--{flag.replace('_', '-')} {why}")


class StpInputs(TypedDict):
    """Where the STP game is played: ``--scenario``, ``--set`` and ``--org-types``, checked."""

    scenario: str
    overrides: dict[str, object]
    org_types: list[str]


def _stp_inputs(args: argparse.Namespace) -> StpInputs:
    """Scenario, overrides (``--noise`` is the model's noise) and organisation types."""
    from stpgame.analysis.inputs import check_probability
    from stpgame.analysis.tournament import check_org_types
    from stpgame.core.params import ORG_TYPES

    overrides = parse_settings(args.set)
    if args.noise is not None:
        overrides["noise"] = check_probability(args.noise, "--noise")
    types = (
        list(ORG_TYPES)
        if args.org_types is None
        else [t.strip() for t in args.org_types.split(",")]
    )
    return {
        "scenario": args.scenario if args.scenario is not None else STP_SCENARIO,
        "overrides": overrides,
        "org_types": check_org_types(types),
    }


def _round_robin(args: argparse.Namespace, players: list[str]) -> TournamentResult:
    """The iterated prisoner's dilemma round robin of ``tournament`` and ``evolve``."""
    from stpgame.analysis.inputs import check_probability
    from stpgame.analysis.tournament import round_robin

    noise = None if args.noise is None else check_probability(args.noise, "--noise")
    return round_robin(
        players,
        repetitions=args.repetitions,
        continuation=args.continuation,
        seed=args.seed,
        **given(turns=args.turns, noise=noise, payoffs=args.payoffs),
    )


# -- tournament ------------------------------------------------------------------------------
def cmd_tournament(args: argparse.Namespace) -> int:
    """``stpgame tournament``: a round robin of strategies, ranked."""
    from stpgame.analysis.tournament import stp_tournament

    players = _strategies(args)
    game = _game(args)
    if args.csv is not None:
        check_csv_path(args.csv)
    if game == "pd":
        result = _round_robin(args, players)
    else:
        inside = _stp_inputs(args)
        result = stp_tournament(
            players,
            inside["scenario"],
            repetitions=args.repetitions,
            org_types=inside["org_types"],
            seed=args.seed,
            overrides=inside["overrides"],
            **given(rounds=args.turns),
        )
    if args.csv is not None:
        write_csv(result.ranking, args.csv)
    if args.json:
        ranking = result.ranking.to_dict(orient="records")
        print(json.dumps({"settings": result.settings, "ranking": ranking}, indent=2, default=str))
        return 0
    print(result.report())
    if args.csv is not None:
        print(f"wrote {args.csv}")
    return 0


# -- evolve ----------------------------------------------------------------------------------
def cmd_evolve(args: argparse.Namespace) -> int:
    """``stpgame evolve``: strategy shares over generations."""
    from stpgame.analysis import evolution

    players = _strategies(args)
    if args.csv is not None:
        check_csv_path(args.csv)
    method = args.method
    if method not in METHODS:
        raise ParameterError("--method", "replicator, moran or stp", method)
    for flag, used_by in MOVES_OF.items():  # refused rather than ignored
        if getattr(args, flag) is not None and method not in used_by:
            raise UsageError(f"--{flag} applies only with --method {' or '.join(used_by)}")
    if method == "stp":
        if args.game == "pd" and (args.continuation is not None or args.payoffs is not None):
            raise UsageError("--continuation and --payoffs do not apply to --method stp")
        inside = _stp_inputs(args)
        shares = evolution.stp_imitation(
            players,
            inside["scenario"],
            org_types=inside["org_types"],
            seed=args.seed,
            overrides=inside["overrides"],
            **given(rate=args.rate),
            **given(generations=args.generations, rounds=args.turns),
        )
        what = f"imitation in '{inside['scenario']}' ({'/'.join(inside['org_types'])} bodies)"
    else:
        if args.game != "pd":
            raise UsageError(f"--method {method} plays the pd tournament; use --method stp")
        _game(args)
        matrix = _round_robin(args, players).matrix
        generations = given(generations=args.generations)
        if method == "replicator":
            shares = evolution.replicator(matrix, **given(rate=args.rate), **generations)
            what = "replicator dynamics on the round-robin payoffs"
        else:
            moran = given(
                population=args.population, selection=args.selection, mutation=args.mutation
            )
            shares = evolution.moran(matrix, seed=args.seed, **moran, **generations)
            default = inspect.signature(evolution.moran).parameters["population"].default
            population = moran.get("population", default)
            what = f"Moran process, population {population}, on the round-robin payoffs"
    if args.csv is not None:
        write_csv(shares, args.csv)
        print(f"wrote {args.csv} ({len(shares) - 1} generations, {what})")
        return 0
    if args.json:
        print(json.dumps(shares.to_dict(orient="records"), indent=2))
        return 0
    print(evolution.report(shares, what))
    return 0
