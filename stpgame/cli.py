"""The command line: thin, calling the same public API as notebooks and the app.

Each command lives in ``stpgame/commands/<name>.py`` with ``add_parser`` and
``run``; bad input exits with status 2 and a one-line message, no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# command name -> module under stpgame.commands
COMMANDS = {
    "scenarios": "core",
    "params": "core",
    "strategies": "core",
    "run": "core",
    "analyse": "game",
    "match": "game",
    "tournament": "game",
    "evolve": "game",
    "sweep": "experiments",
    "summarise": "experiments",
    "plot": "experiments",
    "sensitivity": "experiments",
}


class UsageError(Exception):
    """Bad input found after parsing; printed as a one-line message, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stpgame",
        description="Health and social care integration in England as a repeated game.",
    )
    from stpgame import __version__

    parser.add_argument("--version", action="version", version=f"stpgame {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in dict.fromkeys(COMMANDS.values()):
        importlib.import_module(f"stpgame.commands.{module}").add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from stpgame.params import ParameterError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (ParameterError, UsageError, FileExistsError) as exc:
        print(f"stpgame {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
