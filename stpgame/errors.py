"""The library's errors: what went wrong, as fields a caller can act on.

The library raises these and never imports the command line; the command line (stpgame.cli)
maps them to a one-line message naming its own flag and exit status 2, and the app shows
them beside the control they belong to.
"""

from __future__ import annotations


class StpgameError(Exception):
    """Base of every error stpgame raises on purpose (bad input, unusable files)."""


class ParameterError(StpgameError, ValueError):
    """A bad input: the parameter, what is allowed and the value given (plus an optional note).

    ``name`` is the library's own name for the input (``system_weight``, ``statistic``,
    ``out``); the command line shows it as its flag where the two differ.
    """

    def __init__(self, name: str, allowed: str, value: object, note: str = "") -> None:
        self.name, self.allowed, self.value, self.note = name, allowed, value, note
        text = f"parameter '{name}': allowed {allowed}; got {value!r}"
        super().__init__(f"{text} ({note})" if note else text)

    def __reduce__(self) -> tuple[type[ParameterError], tuple[str, str, object, str]]:
        # picklable across worker processes
        return (type(self), (self.name, self.allowed, self.value, self.note))


class ResultsError(StpgameError):
    """A results folder or file that cannot be used: its path, the problem, what to do.

    ``name`` is the input the path was given as (``out``, ``csv``) when there is one, so the
    command line can show it as its flag.
    """

    def __init__(self, path: object, problem: str, hint: str = "", name: str = "") -> None:
        self.path, self.problem, self.hint, self.name = path, problem, hint, name
        super().__init__(f"{path}: {problem}" + (f"; {hint}" if hint else ""))

    def __reduce__(self) -> tuple[type[ResultsError], tuple[object, str, str, str]]:
        return (type(self), (self.path, self.problem, self.hint, self.name))


class ConflictError(StpgameError):
    """Inputs that are each valid but cannot be used together (``what`` says which)."""

    def __init__(self, what: str, reason: str) -> None:
        self.what, self.reason = what, reason
        super().__init__(f"{what}: {reason}")

    def __reduce__(self) -> tuple[type[ConflictError], tuple[str, str]]:
        return (type(self), (self.what, self.reason))


class UnavailableError(StpgameError):
    """Something an input needs is not available here: an optional package, a service.

    ``what`` names the input (``scheduler``); ``reason`` says what is missing and what to do.
    """

    def __init__(self, what: str, reason: str):
        self.what, self.reason = what, reason
        super().__init__(f"{what}: {reason}")

    def __reduce__(self) -> tuple[type[UnavailableError], tuple[str, str]]:
        return (type(self), (self.what, self.reason))
