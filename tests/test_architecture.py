"""The shape of the package, read from its source: the import graph has no cycle, the library
never imports the command line, and the core imports none of the wings built on it.

Every ``import`` counts, at module level or inside a function (a lazy import is still a
dependency), and so does ``importlib.import_module`` with a literal name (or an f-string with a
literal prefix, counted as every module under that prefix). Imports under ``if TYPE_CHECKING:``
do not run and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "stpgame"
ENTRY_POINTS = {"stpgame.__main__"}  # `python -m stpgame` is the command line's own door
WINGS = ("stpgame.batch", "stpgame.ui", "stpgame.cli", "stpgame.workshop", "stpgame.analysis")


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Module name -> file, for every .py file in the package (``__init__`` is the package)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Ids of the nodes under ``if TYPE_CHECKING:`` blocks."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _absolute(module: str | None, level: int, importer: str, is_package: bool) -> str:
    if not level:
        return module or ""
    base = importer.split(".")
    base = base[: len(base) - level + (1 if is_package else 0)]
    return ".".join(base + ([module] if module else []))


def _dynamic(call: ast.Call, where: str) -> str | None:
    """The name given to importlib.import_module / __import__, or a prefix ending in '.*'."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__") or not call.args:
        return None
    arg = call.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value) + "*"
    raise AssertionError(f"{where}: an import by a computed name cannot be checked; use a literal")


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that module ``name`` (source at ``path``) imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skipped = _type_checking_only(tree)
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, name, is_package)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in modules else base)
        elif isinstance(node, ast.Call):
            found = _dynamic(node, f"{path}:{node.lineno}")
            if found is not None and found.endswith("*"):
                targets.update(m for m in modules if m.startswith(found[:-1]))
            elif found is not None:
                targets.add(found)
    out = set()
    for target in targets:
        while target and target not in modules:  # `import a.b.c` where c is a name, not a file
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)
    return out


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = module_files(package)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path that returns to its start (``[a, b, a]``), or None if there is none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for start in sorted(graph):
        if state.get(start):
            continue
        path = [start]
        stack = [iter(sorted(graph.get(start, ())))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


# --- the checker itself must be able to fail ----------------------------------------------------
def test_find_cycle_finds_a_cycle_and_only_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None  # a diamond is no cycle
    assert find_cycle({"x": {"y"}, "y": {"z"}, "z": {"y"}}) == ["y", "z", "y"]


def test_the_graph_sees_lazy_relative_and_dynamic_imports(tmp_path):
    pkg = tmp_path / "stpgame"
    (pkg / "core").mkdir(parents=True)
    (pkg / "cli").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "__init__.py").write_text("")
    (pkg / "cli" / "__init__.py").write_text("from . import run\n")
    (pkg / "cli" / "run.py").write_text("from typing import TYPE_CHECKING\n")
    (pkg / "cli" / "other.py").write_text("")
    (pkg / "core" / "model.py").write_text(
        "import importlib\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from stpgame.core import params\n"
        "def f():\n    from stpgame.cli.run import main\n"
        "def g(name):\n    return importlib.import_module(f'stpgame.cli.o{name}')\n"
    )
    (pkg / "core" / "params.py").write_text("from .model import f\n")
    found = import_graph(pkg)
    assert found["stpgame.core.model"] == {"stpgame.cli.run", "stpgame.cli.other"}
    assert found["stpgame.core.params"] == {"stpgame.core.model"}
    assert found["stpgame.cli"] == {"stpgame.cli.run"}
    (pkg / "core" / "params.py").write_text("import importlib\nimportlib.import_module(x)\n")
    with pytest.raises(AssertionError, match="computed name"):
        import_graph(pkg)


def test_the_graph_covers_the_package(graph):
    assert {"stpgame.cli", "stpgame.core.model", "stpgame.batch.experiment"} <= set(graph)
    assert "stpgame.batch.schema" in graph["stpgame.batch.experiment"]
    assert "stpgame.cli.model" in graph["stpgame.cli"]


# --- the rules ----------------------------------------------------------------------------------
def test_no_import_cycles(graph):
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_library_never_imports_the_command_line(graph):
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if not _in(module, "stpgame.cli") and module not in ENTRY_POINTS
        for target in targets
        if _in(target, "stpgame.cli")
    )
    assert wrong == []


def test_the_core_imports_none_of_the_wings(graph):
    wrong = sorted(
        f"{module} -> {target}"
        for module in graph
        if _in(module, "stpgame.core")
        for target in reachable(graph, module)
        if any(_in(target, wing) for wing in WINGS)
    )
    assert wrong == []
