"""``stpgame analyse``: the stage game of given payoffs, or the effective game of a scenario."""

from __future__ import annotations

import json
import math
import textwrap
from typing import TYPE_CHECKING, TypeVar

from stpgame.cli.common import UsageError, parse_settings, scenario_model, table
from stpgame.errors import ParameterError

if TYPE_CHECKING:
    import argparse

    from stpgame.cli.common import Subparsers

T = TypeVar("T")


def add_parsers(sub: Subparsers) -> None:
    """Add ``stpgame analyse``."""
    p = sub.add_parser(
        "analyse",
        help="the stage game: type, equilibria, cooperation thresholds (scenario or payoffs)",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--scenario", help="preset name: analyse its effective 2x2 game")
    src.add_argument("--payoffs", metavar="R,S,T,P", help="analyse this symmetric 2x2 game")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
    p.add_argument("--seed", help="model seed (default 0)")
    p.add_argument("--rounds", help="years to play before analysing (default 0)")
    p.add_argument(
        "--compare",
        metavar="KEY=V1,V2,...",
        help="with --scenario: the effective game under each value of one parameter, side by "
        "side (e.g. control_total=individual,system,none)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_analyse)


def cmd_analyse(args: argparse.Namespace) -> int:
    """``stpgame analyse``: the given payoffs, or the effective game of a scenario."""
    if args.payoffs is not None:
        return _payoffs(args)
    return _scenario(args)


def _payoffs(args: argparse.Namespace) -> int:
    from stpgame.analysis.stage_game import StageGame, analyse_game

    for flag in ("set", "seed", "rounds", "compare"):  # refused rather than ignored
        if getattr(args, flag) is not None:
            raise UsageError(f"--{flag} applies only with --scenario")
    analysis = analyse_game(StageGame.parse(args.payoffs))
    if args.json:
        print(json.dumps({"source": "payoffs", "analysis": analysis.to_dict()}, indent=2))
    else:
        print(analysis.report())
    return 0


def _scenario(args: argparse.Namespace) -> int:
    from stpgame.analysis.effective_game import effective_game, effective_parameters, n_player_view
    from stpgame.analysis.inputs import check_count
    from stpgame.analysis.stage_game import analyse_game
    from stpgame.core.params import check_seed

    seed = check_seed("0" if args.seed is None else args.seed)
    rounds = check_count("0" if args.rounds is None else args.rounds, "--rounds", 10_000, low=0)
    overrides = parse_settings(args.set)
    if args.compare is not None:
        return _compare(args, seed, rounds, overrides)
    model = scenario_model(args.scenario, seed, overrides).run(rounds)
    e = effective_parameters(model)
    analysis = analyse_game(effective_game(model))
    view = n_player_view(model)
    if args.json:
        report = {
            "source": "scenario",
            "scenario": args.scenario,
            "seed": seed,
            "rounds_played": rounds,
            "effective": e,
            "analysis": analysis.to_dict(),
            "n_player": [
                {k: _finite_or_none(v) for k, v in row.items()}
                for row in view.to_dict(orient="records")
            ],
        }
        print(json.dumps(report, indent=2))
        return 0
    from stpgame.core import scenarios

    print(f"Effective game of '{args.scenario}' ({scenarios.get(args.scenario).title}), ", end="")
    print(f"year {e['year']}, seed {seed}")
    print(
        "  payoffs: a body's appraised result, % of its income, relative to everyone withholding"
        " (the model replays the year for each profile; every rule counts)"
    )
    print(analysis.report())
    c = e["continuation"]
    g = analysis.grim_threshold
    enough = "enough" if g is not None and c >= g else "not enough"
    note = (
        f"The model's continuation probability, (1 - leadership_turnover)/(1 + discount_rate) "
        f"= {c:.3f}, is {enough} for grim trigger to sustain pooling."
    )
    print(textwrap.fill(note, 88))
    print(
        "\nN-player view, per £ pooled (withholding dominant = judged payoff falls when it pools):"
    )
    print(table(view))
    return 0


def parse_compare(text: str, overrides: dict[str, object]) -> tuple[str, list[str]]:
    """``control_total=individual,system`` -> ``("control_total", ["individual", "system"])``:
    one model parameter (not also given with --set) and at least two different values."""
    from stpgame.core.params import BY_NAME

    key, sep, values = text.partition("=")
    key = key.strip()
    allowed = "KEY=V1,V2,... with a model parameter and two or more values"
    if not sep or not key:
        raise ParameterError("--compare", allowed, text)
    if key not in BY_NAME:
        raise ParameterError("--compare", "a parameter name (see `stpgame params`)", key)
    if key in overrides:
        raise ParameterError("--compare", f"a parameter not also given with --set ({key})", text)
    items = [v.strip() for v in values.split(",")]
    if len(items) < 2 or "" in items or len(set(items)) != len(items):
        raise ParameterError("--compare", allowed + ", each once", text)
    return key, items


def _compare(
    args: argparse.Namespace, seed: int | None, rounds: int, overrides: dict[str, object]
) -> int:
    """The effective game under each value of one parameter, side by side."""
    from stpgame.analysis.effective_game import compare_games
    from stpgame.core.params import from_text

    key, values = parse_compare(args.compare, overrides)
    settings = {v: {**overrides, **from_text({key: v})} for v in values}
    models = {v: scenario_model(args.scenario, seed, s) for v, s in settings.items()}
    games = compare_games({v: m.run(rounds) for v, m in models.items()})
    if args.json:
        records = [
            {k: _finite_or_none(v) for k, v in row.items()} for row in games.to_dict("records")
        ]
        report = {"source": "scenario", "scenario": args.scenario, "seed": seed}
        report |= {"rounds_played": rounds, "compare": key, "games": records}
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"Effective game of '{args.scenario}' by {key}, year {rounds + 1}, seed {seed}: "
        "payoffs as % of income relative to everyone withholding; own_return_* = change in a "
        "body's own judged result per £ it pools, mean by kind of body"
    )
    print(table(games.rename(columns={"value": key})))
    return 0


def _finite_or_none(value: T) -> T | None:
    """JSON has no infinity: "never" is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
