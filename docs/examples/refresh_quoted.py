"""Run the commands quoted in docs/experiments.md and check (or rewrite) what they print.

    python docs/examples/refresh_quoted.py --check     # exit 1 and show what differs
    python docs/examples/refresh_quoted.py --write     # rewrite the quoted output in place

The model's results change when its rules do, so the numbers the guide quotes are never
typed by hand: each ```console block marked ``<!-- refresh: run -->`` on the line before
it (every command ``stpgame ...`` on a shipped experiment, or on a folder an earlier marked
block made) is run, in the guide's order, in a scratch folder that has the repository's
``experiments/``; what the commands print (stdout and stderr, as a terminal shows them,
without the progress lines) replaces the block's quoted output. Unmarked blocks (an
interrupted sweep, a damaged file, other commands) are illustrations and are left alone.

``--check`` compares with times masked (seconds, minutes, runs per second, the machine's
load): a time is the machine's, a number of runs or an index is the model's. The test
``tests/test_batch_docs.py`` runs ``--check``.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "experiments.md"
BLOCK = re.compile(r"<!-- refresh: run -->\n```console\n(.*?)```", re.S)
PROGRESS = re.compile(r"^[\w.-]+: [\d,]+/[\d,]+ runs \(\d+%\)")
TIMES = [
    (re.compile(r"\d[\d.,]*(e-?\d+)? (s|min|h|days)\b"), "<time>"),
    (re.compile(r"\d[\d.,]* runs/s"), "<rate>"),
    (re.compile(r"; other programs keep [\d.]+ of the \d+ cores busy, counted in"), ""),
]


def blocks(text: str) -> list[tuple[int, int, list[tuple[str, list[str]]]]]:
    """Each console block: (start, end) of its body in ``text`` and its commands, each with
    the output lines quoted under it."""
    found = []
    for m in BLOCK.finditer(text):
        commands: list[tuple[str, list[str]]] = []
        for line in m.group(1).splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif commands:
                commands[-1][1].append(line)
        found.append((m.start(1), m.end(1), commands))
    return found


def runnable(commands: list[tuple[str, list[str]]], made: set[str]) -> str | None:
    """Why a marked block cannot be run (None: it can): every command must be ``stpgame``
    on shipped files, or on folders made before (in this block or an earlier one)."""
    if not commands:
        return "no command"
    made = set(made)
    for command, _ in commands:
        words = shlex.split(command, comments=True)
        if len(words) < 3 or words[0] != "stpgame":
            return f"not an stpgame command: {command}"
        for word in words[2:]:
            if word.endswith(".toml") and not (ROOT / word).is_file():
                return f"{word} is not shipped"
        if words[1] in ("summarise", "plot", "discover", "rerun") and words[2] not in made:
            return f"{words[2]} is made by no earlier block"
        if "--out" in words:
            made.add(words[words.index("--out") + 1])
    return None


def run(command: str, cwd: Path) -> list[str]:
    """What ``command`` prints, as a terminal shows it, less the progress lines."""
    words = shlex.split(command, comments=True)
    done = subprocess.run(
        [sys.executable, "-m", "stpgame", *words[1:]],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        timeout=3600,
    )
    return [line for line in done.stdout.splitlines() if not PROGRESS.match(line)]


def masked(lines: list[str]) -> list[str]:
    """Lines with the machine's times masked."""
    out = []
    for line in lines:
        for pattern, mark in TIMES:
            line = pattern.sub(mark, line)
        out.append(line.rstrip())
    return out


def refresh(text: str, work: Path) -> tuple[str, list[str]]:
    """``text`` with every runnable block's output as printed now, and the differences."""
    (work / "experiments").symlink_to(ROOT / "experiments")
    made: set[str] = set()
    differences: list[str] = []
    pieces, last = [], 0
    for start, end, commands in blocks(text):
        why = runnable(commands, made)
        if why is not None:
            raise SystemExit(f"{DOC.name}: a block marked to run cannot be: {why}")
        body = []
        for command, quoted in commands:
            printed = run(command, work)
            words = shlex.split(command, comments=True)
            if "--out" in words:
                made.add(words[words.index("--out") + 1])
            if masked(printed) != masked(quoted):
                differences.append(
                    f"$ {command}\n  quoted:  "
                    + "\n           ".join(quoted)
                    + "\n  printed: "
                    + "\n           ".join(printed)
                )
            body += [f"$ {command}", *printed]
        pieces += [text[last:start], "\n".join(body) + "\n"]
        last = end
    pieces.append(text[last:])
    return "".join(pieces), differences


def main() -> int:
    """Check or rewrite the quoted output; exit status 1 when --check finds a difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="exit 1 if any output differs")
    mode.add_argument("--write", action="store_true", help="rewrite the quoted output")
    args = parser.parse_args()
    text = DOC.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="stpgame-docs-") as work:
        new, differences = refresh(text, Path(work))
    if args.write:
        DOC.write_text(new, encoding="utf-8")
        print(f"rewrote {DOC.relative_to(ROOT)}: {len(differences)} command(s) changed")
        return 0
    for difference in differences:
        print(difference, end="\n\n")
    print(f"{len(differences)} command(s) print other than docs/experiments.md quotes")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
