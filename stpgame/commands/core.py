"""Core commands: list scenarios, parameters and strategies; run one simulation."""

from __future__ import annotations

import json
import time

from stpgame.params import ParameterError


def parse_settings(pairs: list[str] | None) -> dict[str, str]:
    """``["a=1", "b=x"]`` -> ``{"a": "1", "b": "x"}``; values are checked by params.validate."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError("--set", "key=value (see `stpgame params`)", pair)
        out[key.strip()] = value.strip()
    return out


def add_parsers(sub) -> None:
    p = sub.add_parser("scenarios", help="list the scenario presets")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_scenarios)

    p = sub.add_parser("params", help="list every parameter with its range, default and source")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_params)

    p = sub.add_parser("strategies", help="list the decision rules and their sources")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_strategies)

    p = sub.add_parser("run", help="run one simulation and write model/agents Parquet + manifest")
    p.add_argument("--scenario", required=True, help="preset name (see `stpgame scenarios`)")
    p.add_argument("--rounds", type=str, default="40", help="years to play (default 40)")
    p.add_argument("--seed", type=str, default="0", help="random seed (default 0)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
    p.add_argument("--out", required=True, help="output folder (created; must be new or empty)")
    p.set_defaults(handler=cmd_run)


def cmd_scenarios(args) -> int:
    from stpgame import scenarios

    items = scenarios.all_scenarios()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": s.name,
                        "title": s.title,
                        "summary": s.summary,
                        "sources": list(s.sources),
                    }
                    for s in items
                ],
                indent=2,
            )
        )
        return 0
    width = max(len(s.name) for s in items)
    for s in items:
        print(f"{s.name:<{width}}  {s.title}: {s.summary}")
    return 0


def cmd_params(args) -> int:
    from stpgame.params import describe

    rows = describe()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        print(f"{r['name']} = {r['default']!r}   [{r['allowed']}; {r['unit']}]")
        print(f"    {r['help']}")
        print(f"    source: {r['source']}")
    return 0


def cmd_strategies(args) -> int:
    from stpgame.strategies import REGISTRY

    rows = [
        {
            "name": c.name,
            "label": c.label,
            "source": c.source,
            "memory_depth": c.classifier.get("memory_depth"),
            "stochastic": c.classifier.get("stochastic"),
        }
        for c in REGISTRY.values()
    ]
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        print(f"{r['name']:<{width}}  {r['label']} ({r['source']})")
    return 0


def check_rounds(value: str, limit: int = 10_000) -> int:
    try:
        rounds = int(value)
    except ValueError:
        raise ParameterError("--rounds", f"a whole number in [1, {limit}]", value) from None
    if not 1 <= rounds <= limit:
        raise ParameterError("--rounds", f"a whole number in [1, {limit}]", value)
    return rounds


def cmd_run(args) -> int:
    from stpgame.model import STPModel
    from stpgame.output import environment, write_run
    from stpgame.params import check_seed

    rounds = check_rounds(args.rounds)
    seed = check_seed(args.seed)
    overrides = parse_settings(args.set)
    started = time.perf_counter()
    model = STPModel.from_scenario(args.scenario, seed=seed, **overrides)
    built = time.perf_counter()
    model.run(rounds)
    ran = time.perf_counter()
    manifest = {
        "scenario": args.scenario,
        "seed": seed,
        "rounds": rounds,
        "overrides": overrides,
        "parameters": model.params,
        "organisations": model.structure.n,
        "footprints": model.structure.n_footprints,
        "timings_s": {"build": round(built - started, 4), "run": round(ran - built, 4)},
        "command": "stpgame run",
        **{"versions": environment()},
    }
    out = write_run(
        args.out, {"model": model.model_dataframe(), "agents": model.org_dataframe()}, manifest
    )
    print(
        f"wrote {out}/model.parquet, agents.parquet, manifest.json "
        f"({rounds} rounds, {model.structure.n} organisations, {ran - built:.2f} s)"
    )
    return 0
