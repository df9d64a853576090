"""The house rules, read from the code: no module imports a stage above its own, and no modules
import each other in a circle (docs/ARCHITECTURE.md explains the stages).

Imports are read with ``ast`` from every module of ``src/observatory``, at any depth (a function-
level import is still a dependency; so is one under ``TYPE_CHECKING``)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "observatory"
# Stages from the ground up. A module may import its own stage's folder and any stage below;
# two different folders of one stage may not import each other.
STAGES: list[set[str]] = [
    {"__init__", "errors", "config", "schema", "limits"},
    {"sources"},
    {"store", "testing"},
    {"registry"},
    {"lineage", "ratings"},
    {"metrics", "publish"},
    {"jobs"},
    {"api"},
    {"web"},
    {"cli"},
]
RANK = {room: rank for rank, rooms in enumerate(STAGES) for room in rooms}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def room(module: str) -> str:
    """The stage folder (or top-level module) a dotted module name lives in."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def known_modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The observatory modules a file imports (a name imported from a package is its submodule
    when there is one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in modules else base)
    return {name for name in found if name in modules and name != this}


def graph() -> dict[str, set[str]]:
    modules = known_modules()
    return {name: imports_of(path, modules) for name, path in modules.items()}


def test_every_folder_has_a_stage() -> None:
    rooms = {room(name) for name in known_modules()}
    assert rooms <= set(RANK), f"stage not set for {sorted(rooms - set(RANK))}: add it to STAGES"


def test_no_module_imports_a_stage_above_its_own() -> None:
    upward = []
    for importer, imported in graph().items():
        for target in imported:
            a, b = room(importer), room(target)
            if a != b and RANK[b] >= RANK[a]:
                upward.append(f"{importer} -> {target}")
    assert not upward, "imports that run up (or across one stage):\n" + "\n".join(sorted(upward))


def test_no_circles() -> None:
    edges = graph()
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    circles: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_the_walk_sees_imports() -> None:
    """The walk itself: it finds the imports it must judge (a relative, a from-package and a
    function-level one)."""
    edges = graph()
    assert "observatory.registry.boards" in edges["observatory.api"]
    assert "observatory.jobs.imports" in edges["observatory.api"]  # imported inside a method
    assert "observatory.cli.common" in edges["observatory.cli.boards"]
    assert room("observatory.metrics.leaders") == "metrics" and room("observatory") == "__init__"
