"""Game-theory commands: analyse the stage game, play matches, run tournaments, evolve mixes.

Thin wrappers over ``stpgame.analysis``; every input is checked there or here
and bad input exits with status 2 and one line.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import textwrap
from pathlib import Path

from stpgame.core.params import ParameterError

STRATEGY_HELP = "strategy names (see `stpgame strategies`)"


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "analyse",
        help="the stage game: type, equilibria, cooperation thresholds (scenario or payoffs)",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--scenario", help="preset name: analyse its effective 2x2 game")
    src.add_argument("--payoffs", metavar="R,S,T,P", help="analyse this symmetric 2x2 game")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
    p.add_argument("--seed", default="0", help="model seed (default 0)")
    p.add_argument("--rounds", default="0", help="years to play before analysing (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_analyse)

    p = sub.add_parser("match", help="an iterated two-player match between two strategies")
    p.add_argument("a", metavar="A", help="first strategy")
    p.add_argument("b", metavar="B", help="second strategy")
    p.add_argument("--turns", default="200", help="turns, or the cap with --continuation (200)")
    p.add_argument("--continuation", help="chance of another turn: geometric match lengths")
    p.add_argument("--noise", default="0", help="chance a move comes out wrong (default 0)")
    p.add_argument("--payoffs", default="3,0,5,1", metavar="R,S,T,P", help="default Axelrod's")
    p.add_argument("--seed", default="0", help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output with moves")
    p.set_defaults(handler=cmd_match)

    p = sub.add_parser("tournament", help="round robin of strategies, ranked (pd or stp game)")
    _add_field(p)
    p.add_argument("--turns", help="turns per match (pd, default 200) or years per run (stp, 20)")
    p.add_argument("--repetitions", default="5", help="repetitions (default 5)")
    p.add_argument("--csv", metavar="FILE", help="also write the ranking to this CSV file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_tournament)

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
    p.add_argument("--population", default="100", help="moran: population size (default 100)")
    p.add_argument("--selection", default="1", help="moran: intensity of selection (default 1)")
    p.add_argument("--mutation", default="0", help="moran: mutation probability (default 0)")
    p.add_argument("--rate", default="1", help="replicator/stp: imitation rate in [0,1] (1)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="machine-readable output")
    out.add_argument("--csv", metavar="FILE", help="write the shares per generation to a CSV file")
    p.set_defaults(handler=cmd_evolve)


def _add_field(p) -> None:
    """Arguments shared by tournament and evolve: who plays, and in which game."""
    p.add_argument("strategies", nargs="*", metavar="STRATEGY", help=STRATEGY_HELP)
    p.add_argument("--all", action="store_true", help="every strategy")
    p.add_argument("--game", default="pd", help="pd (iterated prisoner's dilemma) or stp")
    p.add_argument("--scenario", help="stp: preset (default fortress)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="stp: override a parameter")
    p.add_argument("--org-types", help="stp: comma-separated organisation types (default all four)")
    p.add_argument("--noise", help="chance a move comes out wrong (pd 0; stp: scenario's)")
    p.add_argument("--continuation", help="pd: chance of another turn (geometric lengths)")
    p.add_argument("--payoffs", default="3,0,5,1", metavar="R,S,T,P", help="pd payoffs")
    p.add_argument("--seed", default="0", help="random seed (default 0)")


# -- shared helpers ---------------------------------------------------------------------
def _strategies(args) -> list[str]:
    from stpgame.analysis.inputs import check_strategies, strategy_names
    from stpgame.cli import UsageError

    choices = ", ".join(strategy_names())
    if args.all and args.strategies:
        raise UsageError("give strategy names or --all, not both")
    if args.all:
        return list(strategy_names())
    if not args.strategies:
        raise UsageError(f"give strategy names or --all (choices: {choices})")
    return check_strategies(args.strategies, "STRATEGY")


def _game_choice(args) -> str:
    if args.game not in ("pd", "stp"):
        raise ParameterError("--game", "pd or stp", args.game)
    from stpgame.cli import UsageError

    if args.game == "pd":
        for flag in ("scenario", "set", "org_types"):
            if getattr(args, flag):
                name = "--" + flag.replace("_", "-")
                raise UsageError(
                    f"{name} applies only to the STP game (--game stp, or evolve --method stp)"
                )
    elif args.continuation is not None or args.payoffs != "3,0,5,1":
        raise UsageError("--continuation and --payoffs apply only with --game pd")
    return args.game


def _stp_inputs(args) -> dict:
    from stpgame.analysis.inputs import check_probability
    from stpgame.commands.core import parse_settings

    overrides = parse_settings(args.set)
    if args.noise is not None:
        overrides["noise"] = check_probability(args.noise, "--noise")
    types = None
    if args.org_types:
        types = [t.strip() for t in args.org_types.split(",")]
    from stpgame.analysis.tournament import check_org_types
    from stpgame.core.params import ORG_TYPES

    try:
        types = check_org_types(types if types is not None else list(ORG_TYPES))
    except ParameterError as exc:
        raise ParameterError("--org-types", exc.allowed, args.org_types) from None
    return {"scenario": args.scenario or "fortress", "overrides": overrides, "org_types": types}


def _round_robin(args, players: list[str]):
    """The iterated prisoner's dilemma round robin of ``tournament`` and ``evolve``."""
    from stpgame.analysis.inputs import check_probability
    from stpgame.analysis.tournament import round_robin

    return round_robin(
        players,
        args.turns if args.turns is not None else 200,
        args.repetitions,
        noise=check_probability(args.noise or 0, "--noise"),
        continuation=args.continuation,
        payoffs=args.payoffs,
        seed=args.seed,
    )


def check_csv_path(path: str) -> Path:
    """A CSV target: a file (new or to replace) in an existing folder; checked before any work."""
    target = Path(path)
    if target.is_dir():
        raise ParameterError("--csv", "a file path (not a folder)", path)
    if not target.parent.is_dir():
        raise ParameterError("--csv", "a file in an existing folder", path, "no such folder")
    from stpgame.results_files import check_writable

    check_writable(target, "--csv")
    return target


def write_csv(df, path: str) -> Path:
    """Write ``df`` to ``path`` atomically: a temporary file beside it, then os.replace."""
    from stpgame.results_files import cannot_write

    target = check_csv_path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise cannot_write(path, exc, "--csv") from exc
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            df.to_csv(fh, index=False)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc, "--csv") from exc
        raise
    return target


def _table(df, digits: int = 3) -> str:
    return df.to_string(index=False, float_format=lambda x: f"{x:.{digits}f}")


def _num(x) -> str:
    return "n/a" if x is None else f"{x:.3g}"


# -- analyse ---------------------------------------------------------------------------------
def cmd_analyse(args) -> int:
    from stpgame.analysis.stage_game import StageGame, analyse_game

    if args.payoffs is not None:
        if args.set:
            from stpgame.cli import UsageError

            raise UsageError("--set applies only with --scenario")
        game = StageGame.parse(args.payoffs)
        analysis = analyse_game(game)
        report = {"source": "payoffs", "analysis": analysis.to_dict()}
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print(_analysis_text(analysis))
        return 0

    from stpgame.analysis.effective_game import effective_game, effective_parameters, n_player_view
    from stpgame.analysis.inputs import check_count
    from stpgame.core.model import STPModel
    from stpgame.core.params import check_seed

    seed = check_seed(args.seed)
    rounds = check_count(args.rounds, "--rounds", 10_000, low=0)
    model = STPModel.from_scenario(args.scenario, seed=seed, **_settings(args.set)).run(rounds)
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
    print(_analysis_text(analysis))
    c = e["continuation"]
    g = analysis.grim_threshold
    enough = "enough" if g is not None and c >= g else "not enough"
    notes = [
        f"The model's continuation probability, (1 - leadership_turnover)/(1 + discount_rate) "
        f"= {c:.3f}, is {enough} for grim trigger to sustain pooling."
    ]
    for note in notes:
        print(textwrap.fill(note, 88))
    print(
        "\nN-player view, per £ pooled (withholding dominant = judged payoff falls when it pools):"
    )
    print(_table(view))
    return 0


def _finite_or_none(value):
    """JSON has no infinity: "never" is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _settings(pairs):
    from stpgame.commands.core import parse_settings

    return parse_settings(pairs)


def _analysis_text(a) -> str:
    R, S, T, P = a.game.as_tuple()
    lines = [
        f"Payoffs: R = {R:.4g}  S = {S:.4g}  T = {T:.4g}  P = {P:.4g}",
        f"Type: {a.kind}",
        "Equilibria: "
        + "; ".join(
            f"{e.label} (payoffs {e.payoff_a:.3g}, {e.payoff_b:.3g})" for e in a.equilibria
        ),
        "Pareto-optimal: " + "; ".join(a.pareto_optimal),
        f"Cooperation threshold (continuation probability): grim trigger {_num(a.grim_threshold)}, "
        f"tit for tat {_num(a.tft_threshold)}",
        f"Price of anarchy: {_num(a.price_of_anarchy)} (welfare gap {a.welfare_gap:.3g})",
    ]
    lines += [f"Note: {n}" for n in a.notes]
    lines.append("")
    lines += textwrap.wrap(a.explanation, 88)
    return "\n".join(lines)


# -- match ---------------------------------------------------------------------------------------
def cmd_match(args) -> int:
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
        return 0
    R, S, T, P = result.game.as_tuple()
    n = result.turns
    print(
        f"{args.a} vs {args.b}: {n} turns; payoffs R={R:g} S={S:g} T={T:g} P={P:g}; "
        f"noise {result.noise:g}; seed {result.seed}"
    )
    width = max(len(args.a), len(args.b), 8)
    print(f"  {'player':<{width}}  {'score':>9}  {'per turn':>8}  cooperated")
    for k, name in enumerate(result.players):
        score, coop = result.scores[k], result.cooperations[k]
        print(f"  {name:<{width}}  {score:9.6g}  {score / n:8.3f}  {coop}/{n}")
    if n <= 100:
        print("  moves (C pool, D withhold):")
        for k, name in enumerate(result.players):
            print(f"  {name:<{width}}  {result.history(k)}")
    return 0


# -- tournament --------------------------------------------------------------------------------
def cmd_tournament(args) -> int:
    from stpgame.analysis.tournament import stp_tournament

    players = _strategies(args)
    game = _game_choice(args)
    if args.csv:
        check_csv_path(args.csv)
    if game == "pd":
        result = _round_robin(args, players)
    else:
        stp = _stp_inputs(args)
        result = stp_tournament(
            players,
            stp["scenario"],
            args.turns if args.turns is not None else 20,
            args.repetitions,
            org_types=stp["org_types"],
            seed=args.seed,
            overrides=stp["overrides"],
        )
    if args.csv:
        write_csv(result.ranking, args.csv)
    if args.json:
        print(
            json.dumps(
                {"settings": result.settings, "ranking": result.ranking.to_dict(orient="records")},
                indent=2,
                default=str,
            )
        )
        return 0
    s = result.settings
    if game == "pd":
        print(
            f"Round robin ({'with' if s['self_play'] else 'without'} self-play): "
            f"{len(players)} strategies, {s['turns']} turns, {s['repetitions']} repetitions, "
            f"noise {s['noise']:g}, payoffs {','.join(f'{x:g}' for x in s['payoffs'])}, "
            f"seed {s['seed']}; ranked by mean score per turn"
        )
    else:
        print(
            f"STP tournament in '{s['scenario']}': each strategy played by every "
            f"{'/'.join(s['org_types'])} body in turn, {s['rounds']} years, "
            f"{s['repetitions']} repetitions, seed {s['seed']}; ranked by the mean payoff "
            f"(judged result per £ of budget) of the bodies playing it"
        )
    print(_table(result.ranking, 4))
    if args.csv:
        print(f"wrote {args.csv}")
    return 0


# -- evolve ------------------------------------------------------------------------------------
def cmd_evolve(args) -> int:
    from stpgame.analysis import evolution
    from stpgame.cli import UsageError

    players = _strategies(args)
    if args.csv:
        check_csv_path(args.csv)
    method = args.method
    if method not in ("replicator", "moran", "stp"):
        raise ParameterError("--method", "replicator, moran or stp", method)
    if method == "stp":
        if args.game == "pd" and (args.continuation is not None or args.payoffs != "3,0,5,1"):
            raise UsageError("--continuation and --payoffs do not apply to --method stp")
        stp = _stp_inputs(args)
        generations = args.generations if args.generations is not None else 20
        shares = evolution.stp_imitation(
            players,
            stp["scenario"],
            generations,
            rounds=args.turns if args.turns is not None else 10,
            org_types=stp["org_types"],
            rate=args.rate,
            seed=args.seed,
            overrides=stp["overrides"],
        )
        what = f"imitation in '{stp['scenario']}' ({'/'.join(stp['org_types'])} bodies)"
    else:
        if args.game != "pd":
            raise UsageError(f"--method {method} plays the pd tournament; use --method stp")
        _game_choice(args)
        generations = args.generations if args.generations is not None else 100
        tournament = _round_robin(args, players)
        if method == "replicator":
            shares = evolution.replicator(tournament.matrix, generations, rate=args.rate)
            what = "replicator dynamics on the round-robin payoffs"
        else:
            shares = evolution.moran(
                tournament.matrix,
                generations,
                population=args.population,
                selection=args.selection,
                mutation=args.mutation,
                seed=args.seed,
            )
            what = f"Moran process, population {args.population}, on the round-robin payoffs"
    if args.csv:
        write_csv(shares, args.csv)
        print(f"wrote {args.csv} ({len(shares) - 1} generations, {what})")
        return 0
    if args.json:
        print(json.dumps(shares.to_dict(orient="records"), indent=2))
        return 0
    print(f"Strategy shares by generation: {what}")
    last = len(shares) - 1
    show = sorted({round(k * last / 10) for k in range(11)})
    print(_table(shares.iloc[show].rename(columns=_short), 3))
    print("  (" + ", ".join(f"{_short(nm)} = {nm}" for nm in players) + ")")
    final = shares.iloc[-1].drop("generation")
    print(f"Largest share at generation {last}: {final.idxmax()} ({final.max():.3f})")
    return 0


def _short(name: str) -> str:
    """Column headers that fit a terminal: 'win_stay_lose_shift' -> 'wsls'-like initials."""
    if name == "generation":
        return "gen"
    parts = name.split("_")
    return "".join(p[0] for p in parts) if len(parts) > 1 else name
