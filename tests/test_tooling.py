"""The development tools agree with each other: CI and the pre-commit hook type-check the same paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import leaves_out_slow

ROOT = Path(__file__).resolve().parents[1]


def test_ci_and_pre_commit_type_check_the_same_paths():
    ci = (ROOT / ".ci" / "run").read_text()
    (listed,) = re.findall(r"^TYPECHECK_PATHS=\((.*)\)$", ci, re.M)
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["mypy"]["args"] == listed.split()
    assert all((ROOT / path).exists() for path in listed.split())


@pytest.mark.parametrize(
    ("markexpr", "leaves_out"),
    [
        ("not slow", True),
        ("not slow and not browser", True),
        ("not  browser and not slow", True),
        ("", False),
        ("not browser", False),
        ("slow", False),
        ("not slow or browser", False),
        ("not (slow and browser)", False),
        ("not slowish", False),
    ],
)
def test_modules_of_slow_tests_are_skipped_only_when_no_slow_test_is_selected(markexpr, leaves_out):
    assert leaves_out_slow(markexpr) is leaves_out
