"""The command line: thin, calling the same public API as notebooks and the app.

One module per family of commands, each with ``add_parsers`` and its handlers:
``model`` (scenarios, params, strategies, run), ``analyse``, ``match``, ``tournament``
(tournament and evolve) and ``experiments`` (sweep, sensitivity, summarise, plot, discover).

This is the error boundary. The library raises the errors in :mod:`stpgame.errors`, naming
its inputs by its own names (``statistic``, ``out``); :func:`main` prints each as one line,
``stpgame <command>: error: ...``, naming the flag the user typed (``--stat``, ``--out``),
and exits with status 2, with no traceback. A file that cannot be read or written is the
same (status 2, with its path); a closed output pipe stops quietly (status 141).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Mapping
from types import FrameType
from typing import TypeAlias

from stpgame.cli import analyse, experiments, match, model, places, tournament
from stpgame.cli.common import Terminated
from stpgame.errors import (
    ConflictError,
    ParameterError,
    ResultsError,
    StpgameError,
    UnavailableError,
)

FAMILIES = (model, analyse, match, tournament, experiments, places)

FLAGS = {
    "statistic": "--stat",
    "outputs": "--outputs",
    "out": "--out",
    "csv": "--csv",
    "scheduler": "--scheduler",
    "workers": "--workers",
    "payoffs": "--payoffs",
    "org_types": "--org-types",
}
"""Library input names -> the flag that gives them, for every command. Names of model
parameters are left alone (``--set noise=2`` is reported as parameter 'noise'); a command
whose flag gives a library input under another name adds it with ``set_defaults(flags=...)``."""


def build_parser() -> argparse.ArgumentParser:
    """The ``stpgame`` argument parser, with every family's commands."""
    from stpgame import __version__

    parser = argparse.ArgumentParser(
        prog="stpgame",
        description="Health and social care integration in England as a repeated game.",
    )
    parser.add_argument("--version", action="version", version=f"stpgame {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for family in FAMILIES:
        family.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``stpgame`` with ``argv``; the exit status (an error prints one line: status 2)."""
    from stpgame.cli.common import join_negative_values

    raw = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(join_negative_values(raw, ("--payoffs", "--below", "--above")))
    args.argv = raw  # the command as typed, for manifests and the resume hint
    previous, previous_int = _on_sigterm(), _on_sigint()
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except StpgameError as exc:
        return _fail(args.command, message(exc, {**FLAGS, **getattr(args, "flags", {})}))
    except BrokenPipeError:
        return _closed_pipe()
    except OSError as exc:
        return _fail(args.command, os_message(exc))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated (SIGTERM)", file=sys.stderr)
        return 143  # 128 + SIGTERM, what a shell or SLURM shows for a terminated command
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if previous_int is not None:
            signal.signal(signal.SIGINT, previous_int)


SignalHandler: TypeAlias = Callable[[int, FrameType | None], object] | int | signal.Handlers
"""What ``signal.signal`` returns and takes: a function, or SIG_DFL / SIG_IGN."""


def _on_sigterm() -> SignalHandler | None:
    """Make SIGTERM unwind like Ctrl-C (raising Terminated); returns the handler it replaced
    (None where signals cannot be set: outside the main thread, or no SIGTERM; or where the
    replaced handler was not installed from Python)."""

    def terminate(signum: int, frame: FrameType | None) -> None:
        _interrupt(Terminated())  # raised now, or when the compiled call under way returns

    try:
        return signal.signal(signal.SIGTERM, terminate)
    except (ValueError, AttributeError, OSError):
        return None


def _interrupt(exc: BaseException) -> None:
    """Raise ``exc``, or hand it to the compiled loops' ``interrupt`` if they are loaded
    (importing them here would load numba for every command)."""
    compiled = sys.modules.get("stpgame.core.compiled")
    defer = getattr(compiled, "interrupt", None)  # None too while numba is still importing
    if defer is None:
        raise exc
    defer(exc)


def _on_sigint() -> SignalHandler | None:
    """Ctrl-C raises KeyboardInterrupt as Python's own handler does, but never inside a
    compiled call-back (``stpgame.core.compiled.interrupt``); returns the handler it
    replaced (None where it cannot be set or was not Python's default)."""

    def keyboard(signum: int, frame: FrameType | None) -> None:
        _interrupt(KeyboardInterrupt())

    try:
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return None  # someone else's handler (a test runner, an embedding app): kept
        return signal.signal(signal.SIGINT, keyboard)
    except (ValueError, AttributeError, OSError):
        return None


def message(exc: StpgameError, flags: Mapping[str, str] = FLAGS) -> str:
    """One line for a library error, with the library's input names shown as ``flags``."""
    if isinstance(exc, ParameterError) and exc.name in flags:
        return str(ParameterError(flags[exc.name], exc.allowed, exc.value, exc.note))
    if isinstance(exc, ResultsError) and exc.name in flags:
        return f"{flags[exc.name]} {exc}"
    if isinstance(exc, ConflictError | UnavailableError) and exc.what in flags:
        return f"{flags[exc.what]}: {exc.reason}"
    return str(exc)


def os_message(exc: OSError) -> str:
    """One line for a file-system error: the path (when known) and the reason."""
    if exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc}"
    return exc.strerror or str(exc)


def _fail(command: str, text: str) -> int:
    print(f"stpgame {command}: error: {text}", file=sys.stderr)
    return 2


def _closed_pipe() -> int:
    """The reader went away (``stpgame params | head -1``): stop quietly, as Unix tools do.

    Python's own advice: point stdout at devnull so the flush at exit cannot fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 141  # 128 + SIGPIPE, the status a shell shows for a closed pipe
