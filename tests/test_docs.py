"""The commands shown in the README and docs/ still match the code.

Every ``stpgame ...`` line in a fenced code block (typed by a user, or after a ``$``
prompt) must parse with the real argument parser, name scenarios and strategies that
exist and experiment files that are shipped; synopsis lines with placeholders are skipped.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from stpgame.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COMMAND = re.compile(r"^(?:\$ )?(?:\.venv/bin/)?stpgame (?P<args>[a-z].*)$")
PLACEHOLDER = re.compile(r"\[|\.\.\.|\b[A-Z]{2,}\b")  # [--opt], ..., FILE, DIR


def documented_commands() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        fenced = False
        for line in doc.read_text(encoding="utf-8").splitlines():
            if line.startswith("```"):
                fenced = not fenced
                continue
            match = COMMAND.match(line.strip()) if fenced else None
            if not match:
                continue
            args = match["args"].split("  #")[0].strip()
            if args.split()[0].endswith(":") or PLACEHOLDER.search(args):
                continue  # an error message shown as output, or a synopsis
            found.append((doc.name, args))
    return found


COMMANDS = documented_commands()


def test_the_docs_show_commands():
    assert len(COMMANDS) >= 20
    assert {args.split()[0] for _, args in COMMANDS} >= {
        "run",
        "sweep",
        "summarise",
        "plot",
        "sensitivity",
        "tournament",
        "evolve",
    }


@pytest.mark.parametrize(("doc", "args"), COMMANDS, ids=[f"{d}: {a}" for d, a in COMMANDS])
def test_documented_command_parses_and_names_what_exists(doc, args):
    from stpgame.core import scenarios
    from stpgame.strategies import REGISTRY

    try:
        parsed = build_parser().parse_args(shlex.split(args))
    except SystemExit as exc:
        pytest.fail(f"{doc}: `stpgame {args}` does not parse (exit {exc.code})")
    scenario = getattr(parsed, "scenario", None)
    assert scenario is None or scenario in scenarios.names(), scenario
    for name in getattr(parsed, "strategies", None) or []:
        assert name in REGISTRY, name
    for name in (getattr(parsed, "a", None), getattr(parsed, "b", None)):
        assert name is None or name in REGISTRY, name
    path = getattr(parsed, "file", None)
    if path and path.startswith("experiments/"):
        assert (ROOT / path).is_file(), path


def test_tiny_experiment_names_the_readme_example_correctly():
    comment = (ROOT / "experiments" / "tiny.toml").read_text(encoding="utf-8")
    named = re.search(r"README's\s+(?:#\s*)?example is (experiments/\S+?\.toml)", comment)
    assert named, "tiny.toml should say which experiment the README's example uses"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"stpgame sweep {named[1]} " in readme
    assert "stpgame sweep experiments/tiny.toml" not in readme


def test_simple_vs_complex_text_matches_the_footprints():
    from stpgame.core import scenarios
    from stpgame.core.structure import COMPLEX, SIMPLE

    assert SIMPLE[0] == {"acute": 1, "community": 1, "ccg": 1, "council": 1}
    s = scenarios.get("simple_vs_complex")
    summary, description = (" ".join(text.split()) for text in (s.summary, s.description))
    for text in (summary, description):
        assert "one council, one CCG, one acute and one community trust" in text
    c = COMPLEX[0]
    assert f"{sum(c.values())} bodies" in summary
    assert (
        f"{c['council']} councils, {c['ccg']} CCGs, {c['acute']} acute and "
        f"{c['community']} community trusts" in description
    )


def test_app_doc_gives_the_solara_command_the_script_runs():
    doc = " ".join((ROOT / "docs" / "app.md").read_text(encoding="utf-8").split())
    shown = re.search(r"`scripts/app.sh` runs `(solara run [^`]+)`", doc)
    assert shown, "docs/app.md should show the command scripts/app.sh runs"
    script = (ROOT / "scripts" / "app.sh").read_text(encoding="utf-8")
    exec_line = " ".join(script[script.index('exec "$VENV/bin/solara" run') :].split())
    shown_flags = {f for f in shown[1].split() if f.startswith("--")}
    script_flags = set(re.findall(r"--[a-z-]+", exec_line))
    assert shown_flags == script_flags
