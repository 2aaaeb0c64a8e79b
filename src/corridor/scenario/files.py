"""Scenario files: read the YAML, check it, resolve ``extends``, list the shipped ones.

Every problem is reported with the file, the key path (``outages[0].cut_percent``), the line
and the value found, all at once, as a :class:`ScenarioError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import ValidationError as PydanticError

from corridor.errors import ScenarioError, ScenarioProblem
from corridor.scenario.model import Agreements, ScenarioSpec

__all__ = [
    "MAX_SCENARIO_BYTES",
    "MAX_SCENARIO_DEPTH",
    "MAX_SCENARIO_ITEMS",
    "MAX_SCENARIO_VALUES",
    "SCENARIO_DIR",
    "Scenario",
    "ScenarioError",
    "ScenarioProblem",
    "find_scenario",
    "read_scenario",
    "shipped_scenarios",
]

#: Folder of the named scenarios shipped with corridor.
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "data" / "scenarios"
_SUFFIXES = (".yaml", ".yml")

#: Largest scenario file read, in bytes (the shipped ones are under 2 kB); checked before reading.
MAX_SCENARIO_BYTES: Final = 1_000_000
#: Deepest nesting of mappings and lists (the deepest key, ``agreements.add[0].parties``, is 5).
MAX_SCENARIO_DEPTH: Final = 32
#: Most entries in one list (outages, links, sources, ...).
MAX_SCENARIO_ITEMS: Final = 10_000
#: Most values (keys, items and scalars) a file may stand for once its aliases (``*name``) are
#: expanded: a few aliases of aliases would otherwise make billions.
MAX_SCENARIO_VALUES: Final = 1_000_000
_KEY_PARTS = 6  # a refused file's key path is shown up to this depth


@dataclass(frozen=True)
class Scenario:
    """A scenario with its ``extends`` chain merged in: what to apply to the dataset.

    ``lineage`` lists the files from the root ancestor to this one; ``marks`` maps each entry's
    key path (e.g. ``outages[1]``) to the file and line it came from, for later error messages.
    """

    name: str
    spec: ScenarioSpec
    lineage: tuple[Path, ...]
    marks: dict[str, tuple[Path, int | None]] = field(default_factory=dict, compare=False)

    @property
    def year(self) -> int:
        """The year modelled."""
        assert self.spec.year is not None  # read_scenario guarantees it
        return self.spec.year

    def where(self, key: str) -> tuple[Path, int | None]:
        """File and line of a key path: its entry's (``outages[0]`` for ``outages[0].link``)."""
        while key:
            if key in self.marks:
                return self.marks[key]
            key = key[: max(key.rfind("."), key.rfind("["), 0)]
        return self.lineage[-1], None


def _key(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _node_at(root: yaml.Node | None, loc: Sequence[int | str]) -> yaml.Node | None:
    """The YAML node of a key path (the last key itself), or the deepest one on the way."""
    node = root
    for i, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            pairs = [(k, v) for k, v in node.value if getattr(k, "value", None) == part]
            if not pairs:
                return node
            key, node = pairs[0]
            if i == len(loc) - 1:  # the key itself: where a reader looks for it
                return key
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            return node
    return node


def _line(root: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    node = _node_at(root, loc)
    return None if node is None else node.start_mark.line + 1


class _BoundedLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML has no type hints
    """A SafeLoader that refuses, while it composes, nesting deeper than MAX_SCENARIO_DEPTH,
    lists longer than MAX_SCENARIO_ITEMS and more than MAX_SCENARIO_VALUES values once aliases
    are expanded; its recursion stays as shallow as the nesting allowed."""

    def __init__(self, text: str, file: Path) -> None:
        super().__init__(text)
        self.file = file
        self.depth = 0  # mappings and lists open around the node being composed
        self.sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, nesting) expanded
        self.path: list[int | str] = []  # key path of the node being composed

    def refuse(self, mark: yaml.Mark, message: str) -> ScenarioError:
        key = _key(self.path[:_KEY_PARTS]) + ("…" if len(self.path) > _KEY_PARTS else "")
        return ScenarioError([ScenarioProblem(self.file, key, mark.line + 1, message)])

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(parent, yaml.SequenceNode) and index == MAX_SCENARIO_ITEMS:
            raise self.refuse(
                parent.start_mark, f"a list of more than {MAX_SCENARIO_ITEMS:,} entries"
            )
        part = index.value if isinstance(index, yaml.ScalarNode) else index  # key, or position
        if part is not None:
            self.path.append(part)
        opens = isinstance(event, yaml.CollectionStartEvent)
        if opens and self.depth == MAX_SCENARIO_DEPTH:
            raise self.refuse(
                event.start_mark, f"mappings and lists nested deeper than {MAX_SCENARIO_DEPTH}"
            )
        self.depth += opens
        try:
            node: yaml.Node = super().compose_node(parent, index)
            self.depth -= opens
            self._measure(node, event.start_mark)
        finally:
            if part is not None:
                self.path.pop()
        return node

    def _measure(self, node: yaml.Node, mark: yaml.Mark) -> None:
        """Record the node's expanded size and nesting; an alias brings its anchor's."""
        if isinstance(node, yaml.CollectionNode) and node.end_mark is None:
            raise self.refuse(mark, "an alias (*name) inside the value it names")
        if id(node) not in self.sizes:
            children = node.value if isinstance(node, yaml.SequenceNode) else []
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            inner = [self.sizes[id(c)] for c in children]
            values = 1 + sum(v for v, _ in inner)
            nesting = isinstance(node, yaml.CollectionNode) + max((d for _, d in inner), default=0)
            self.sizes[id(node)] = (values, nesting)
        values, nesting = self.sizes[id(node)]
        if self.depth + nesting > MAX_SCENARIO_DEPTH:
            raise self.refuse(
                mark, f"aliases nest mappings and lists deeper than {MAX_SCENARIO_DEPTH}"
            )
        if values > MAX_SCENARIO_VALUES:
            raise self.refuse(
                mark, f"aliases (*name) expand to more than {MAX_SCENARIO_VALUES:,} values"
            )


def _read_text(file: Path) -> str:
    """The file's text, refused unread when it is over MAX_SCENARIO_BYTES."""
    try:
        size = file.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                [
                    ScenarioProblem(
                        file,
                        "",
                        None,
                        f"the file has {size:,} bytes; a scenario file may have at most "
                        f"{MAX_SCENARIO_BYTES:,}",
                    )
                ]
            )
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(
            [ScenarioProblem(file, "", None, f"cannot read the file: {err}")]
        ) from None


def _parse(file: Path) -> tuple[dict[str, Any], yaml.Node | None]:
    text = _read_text(file)
    try:
        loader = _BoundedLoader(text, file)  # one parse: the nodes (for lines) and the data
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except RecursionError:  # the limits above prevent it; never let it become a traceback
        raise ScenarioError(
            [ScenarioProblem(file, "", None, "the file is nested too deeply to read")]
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        raise ScenarioError(
            [ScenarioProblem(file, "", line, f"not valid YAML: {problem}")]
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                ScenarioProblem(
                    file, "", 1, "expected a mapping of keys (title, description, year, ...)"
                )
            ]
        )
    return data, root


def _check(file: Path, data: dict[str, Any], root: yaml.Node | None) -> ScenarioSpec:
    try:
        return ScenarioSpec.model_validate(data)
    except PydanticError as err:
        problems = []
        for e in err.errors():
            loc = [p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
            message = str(e["msg"]).removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                message = "unknown key (check its spelling; see docs/scenarios.md)"
            value = e.get("input") if e["type"] != "missing" else None
            if isinstance(value, dict | list):
                value = None
            problems.append(ScenarioProblem(file, _key(loc), _line(root, loc), message, value))
        raise ScenarioError(problems) from None


def find_scenario(name_or_path: str | Path, *, near: Path | None = None) -> Path:
    """The file of a scenario given by name (shipped, or next to ``near``) or by path."""
    path = Path(name_or_path)
    if path.suffix in _SUFFIXES or path.exists():
        candidates = [path] if near is None or path.is_absolute() else [near / path, path]
    else:
        folders = ([near] if near is not None else []) + [SCENARIO_DIR]
        candidates = [f / f"{name_or_path}{s}" for f in folders for s in _SUFFIXES]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    known = ", ".join(p.stem for p in shipped_scenarios())
    raise ScenarioError(
        [
            ScenarioProblem(
                Path(str(name_or_path)),
                "",
                None,
                f"no scenario file of that name or path; shipped scenarios: {known}",
            )
        ]
    )


_SECTIONS = (
    "sources",
    "targets",
    "projects",
    "outages",
    "outage_history",
    "expansions",
    "nodes",
    "links",
    "link_changes",
    "supply",
    "demand",
    "tariffs",
    "rules",
)


def _merge(parent: ScenarioSpec, child: ScenarioSpec) -> ScenarioSpec:
    """The child's entries after its parent's; the child's year, title and description."""
    lists = {name: getattr(parent, name) + getattr(child, name) for name in _SECTIONS}
    agreements = Agreements(
        add=parent.agreements.add + child.agreements.add,
        change=parent.agreements.change + child.agreements.change,
        remove=parent.agreements.remove + child.agreements.remove,
    )
    return child.model_copy(
        update={
            **lists,
            "agreements": agreements,
            "year": child.year if child.year is not None else parent.year,
            "cites": child.cites,
            "extends": None,
        }
    )


def _marks(
    file: Path, root: yaml.Node | None, spec: ScenarioSpec, offsets: dict[str, int]
) -> dict[str, tuple[Path, int | None]]:
    marks: dict[str, tuple[Path, int | None]] = {"": (file, 1)}
    for i in range(len(spec.cites)):
        marks[f"cites[{i}]"] = (file, _line(root, ["cites", i]))
    for section in _SECTIONS:
        for i in range(len(getattr(spec, section))):
            marks[f"{section}[{offsets.get(section, 0) + i}]"] = (file, _line(root, [section, i]))
    for part in ("add", "change", "remove"):
        for i in range(len(getattr(spec.agreements, part))):
            key = f"agreements.{part}"
            marks[f"{key}[{offsets.get(key, 0) + i}]"] = (
                file,
                _line(root, ["agreements", part, i]),
            )
    return marks


def read_scenario(name_or_path: str | Path, *, _seen: tuple[Path, ...] = ()) -> Scenario:
    """Read a scenario (by shipped name or path), check it and merge what it extends.

    Raises
    ------
    ScenarioError
        Naming the file, key path, line and value of every problem found.
    """
    near = _seen[-1].parent if _seen else None
    file = find_scenario(name_or_path, near=near).resolve()
    if file in _seen:
        chain = " -> ".join(p.name for p in (*_seen, file))
        raise ScenarioError([ScenarioProblem(file, "extends", None, f"extends itself: {chain}")])
    data, root = _parse(file)
    spec = _check(file, data, root)
    name = spec.name or file.stem
    if spec.extends is None:
        if spec.year is None:
            raise ScenarioError(
                [ScenarioProblem(file, "year", _line(root, ["year"]), "give the year modelled")]
            )
        return Scenario(name, spec, (file,), _marks(file, root, spec, {}))
    try:
        parent = read_scenario(spec.extends, _seen=(*_seen, file))
    except ScenarioError as err:
        if not any(p.file == Path(spec.extends) for p in err.problems):
            raise
        line = _line(root, ["extends"])
        raise ScenarioError(
            [ScenarioProblem(file, "extends", line, p.message, spec.extends) for p in err.problems]
        ) from None
    offsets = {s: len(getattr(parent.spec, s)) for s in _SECTIONS}
    offsets.update(
        {
            f"agreements.{p}": len(getattr(parent.spec.agreements, p))
            for p in ("add", "change", "remove")
        }
    )
    marks = {**parent.marks, **_marks(file, root, spec, offsets)}
    return Scenario(name, _merge(parent.spec, spec), (*parent.lineage, file), marks)


def shipped_scenarios() -> list[Path]:
    """Files of the shipped scenarios, by name."""
    return sorted(p for s in _SUFFIXES for p in SCENARIO_DIR.glob(f"*{s}"))
