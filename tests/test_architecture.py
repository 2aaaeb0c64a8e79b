"""The import graph of corridor flows one way: each stage imports only the stages below it.

schema -> dataset (read, parse, rules, network) -> scenario -> routing -> optimize -> results ->
pipeline -> report / transit -> cli (docs: README, "Layout").
"""

from __future__ import annotations

import ast
from pathlib import Path

import corridor

SRC = Path(corridor.__file__).resolve().parent

#: Each top-level module or package of corridor and its stage; a module imports only from its
#: own package and from stages with a lower number.
STAGES = {
    "errors": 0, "version": 0, "formats": 0, "units": 1, "commodities": 2, "options": 3,
    "schema": 3, "geo": 3, "dataset": 4, "io": 5, "scenario": 6, "routing": 7, "optimize": 8,
    "results": 9, "pipeline": 10, "report": 11, "transit": 11, "resilience": 11, "pathway": 11,
    "cli": 12,
}  # fmt: skip


def _part(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 0 else ""


def _imports(path: Path) -> set[str]:
    """Top-level corridor parts a module imports (type-checking imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "corridor":
                found.add(parts[1] if len(parts) > 1 else "")
    return found


def test_every_module_belongs_to_a_stage() -> None:
    parts = {_part(p) for p in SRC.rglob("*.py")} - {"__init__", "__main__"}
    parts -= {p for p in parts if (SRC / p).is_dir() and not any((SRC / p).glob("*.py"))}
    assert parts <= set(STAGES), sorted(parts - set(STAGES))


def test_imports_only_run_downstream() -> None:
    upward = []
    for path in SRC.rglob("*.py"):
        here = _part(path)
        if here in ("__init__", "__main__"):  # the public API re-exports every stage
            continue
        for there in _imports(path) - {here}:
            if there == "" or STAGES[there] >= STAGES[here]:
                upward.append(f"{path.relative_to(SRC)} imports corridor.{there or '(top)'}")
    assert not upward, "\n".join(sorted(upward))


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    return ".".join(rel.parts).removesuffix(".__init__")


def test_no_module_imports_itself_through_others() -> None:
    graph: dict[str, set[str]] = {}
    modules = {_module(p): p for p in SRC.rglob("*.py")}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in modules:
                targets.add(node.module)
        graph[name] = targets - {name}
    seen: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, trail: list[str]) -> list[str] | None:
        seen[name] = 1
        for target in sorted(graph[name]):
            if seen.get(target) == 1:
                return [*trail, name, target]
            if target not in seen and (cycle := visit(target, [*trail, name])):
                return cycle
        seen[name] = 2
        return None

    for name in sorted(graph):
        if name not in seen:
            assert (cycle := visit(name, [])) is None, " -> ".join(cycle)
