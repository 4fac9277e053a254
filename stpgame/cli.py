"""The command line: thin, calling the same public API as notebooks and the app.

Each command lives in ``stpgame/commands/<name>.py`` with ``add_parsers`` and its
handlers; bad input, and a file that cannot be read or written, exits with status 2
and a one-line message, no traceback. A closed output pipe stops quietly.
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
    from stpgame.core.params import ParameterError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except (ParameterError, UsageError) as exc:
        return _fail(args.command, str(exc))
    except BrokenPipeError:
        return _closed_pipe()
    except OSError as exc:
        return _fail(args.command, os_message(exc))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def os_message(exc: OSError) -> str:
    """One line for a file-system error: the path (when known) and the reason."""
    if exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc}"
    return exc.strerror or str(exc)


def _fail(command: str, message: str) -> int:
    print(f"stpgame {command}: error: {message}", file=sys.stderr)
    return 2


def _closed_pipe() -> int:
    """The reader went away (``stpgame params | head -1``): stop quietly, as Unix tools do.

    Python's own advice: point stdout at devnull so the flush at exit cannot fail again.
    """
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 141  # 128 + SIGPIPE, the status a shell shows for a closed pipe


if __name__ == "__main__":
    sys.exit(main())
