"""The layering of engine/: no import cycles, and no module below the front ends imports a front end.

Front ends (the Typer commands, `python -m` entry points and the web app) call the use-case layer
(engine/usecases.py); everything under them must work without them, so the batch workers and the web
handlers never drag in a command line. Imports are read with `ast`, function-level ones included
(they run too), `if TYPE_CHECKING:` blocks left out (they never run).
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine"
FRONT_ENDS = ("engine.cli", "engine.workflow.cli", "engine.workflow.__main__", "engine.discovery.cli", "engine.web")


def module_names(root: Path) -> dict[str, Path]:
    """Dotted name → file, for every module of the package at `root` (a package is its __init__)."""
    out = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports."""
    modules = module_names(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from engine import usecases` imports a module; `from engine.i18n import both` a name
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def is_front_end(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FRONT_ENDS)


def layering_problems(graph: dict[str, set[str]]) -> list[str]:
    """Every lower module that imports a front end, and one import cycle if there is any."""
    problems = [
        f"{name} imports the front end {target}"
        for name, targets in sorted(graph.items())
        if not is_front_end(name)
        for target in sorted(targets)
        if is_front_end(target)
    ]
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        problems.append("import cycle: " + " → ".join(exc.args[1]))
    return problems


def test_engine_is_layered() -> None:
    graph = import_graph(ENGINE)
    assert "engine.usecases" in graph and graph["engine.workflow.batch"], "the graph was read"
    assert layering_problems(graph) == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "engine"
    for name, text in {"__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # the batch worker reaching up into the command line, lazily
            {"cli.py": "from engine import low\n", "low.py": "def f():\n    from engine.cli import X\n"},
            ["engine.low imports the front end engine.cli", "import cycle: "],
        ),
        (  # a cycle between two lower modules, through a relative import
            {"a.py": "from . import b\n", "b.py": "import engine.a\n"},
            ["import cycle: "],
        ),
        (  # only for the type checker: never runs, so no cycle
            {
                "a.py": "from engine import b\n",
                "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from engine.a import X\n",
            },
            [],
        ),
    ],
)
def test_checker_finds_what_it_should(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    found = layering_problems(import_graph(_package(tmp_path, files)))
    assert [p if not p.startswith("import cycle") else "import cycle: " for p in found] == expected
