"""No test depends on how fast the machine is today.

Hypothesis fails a test whose example takes longer than its deadline (200 ms by default);
CI shares its machine, and a nashpy equilibrium test once failed its deadline on a busy
machine. Every property-based test therefore says ``deadline=None``; speed is measured in
benchmarks/, never asserted in tests.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")


def _without_deadline(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        names = [_name(d) for d in node.decorator_list]
        if "given" not in names:
            continue
        ok = any(
            _name(d) == "settings"
            and isinstance(d, ast.Call)
            and any(
                k.arg == "deadline" and isinstance(k.value, ast.Constant) and k.value.value is None
                for k in d.keywords
            )
            for d in node.decorator_list
        )
        if not ok:
            found.append(f"{path.name}::{node.name}")
    return found


def test_every_property_based_test_has_no_deadline() -> None:
    missing = [name for path in sorted(TESTS.glob("*.py")) for name in _without_deadline(path)]
    assert not missing, "add @settings(..., deadline=None) to: " + ", ".join(missing)


def test_the_check_finds_a_test_with_a_deadline(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "@settings(max_examples=5)\n@given(st.integers())\ndef test_a(x):\n    pass\n\n"
        "@settings(max_examples=5, deadline=None)\n@given(st.integers())\ndef test_b(x):\n"
        "    pass\n"
    )
    assert _without_deadline(sample) == ["test_sample.py::test_a"]
