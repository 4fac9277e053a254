"""scripts/mutations.py's planted bugs still apply to the source as it is now.

Each named mutation replaces one exact piece of text; after a refactor that moves it, the
script would stop with a message. This fast check says so at once, in the suite, so the
mutations are updated with the code they plant bugs in (running them is
``python scripts/mutations.py``, about a minute for each on two cores)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _mutations():
    spec = importlib.util.spec_from_file_location("mutations", ROOT / "scripts" / "mutations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MUTATIONS


def test_every_mutation_replaces_text_found_exactly_once() -> None:
    mutations = _mutations()
    assert len({m.name for m in mutations}) == len(mutations) >= 12
    for m in mutations:
        assert (ROOT / m.path).read_text().count(m.old) == 1, m.name
        assert m.new != m.old, m.name
