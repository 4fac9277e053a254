"""The development tools agree with each other: CI and the pre-commit hook type-check the same paths."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_ci_and_pre_commit_type_check_the_same_paths():
    ci = (ROOT / ".ci" / "run").read_text()
    (listed,) = re.findall(r"^TYPECHECK_PATHS=\((.*)\)$", ci, re.M)
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["mypy"]["args"] == listed.split()
    assert all((ROOT / path).exists() for path in listed.split())
