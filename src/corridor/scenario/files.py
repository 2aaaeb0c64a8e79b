"""Scenario files: read the YAML, check it, resolve ``extends``, list the shipped ones.

Every problem is reported with the file, the key path (``outages[0].cut_percent``), the line
and the value found, all at once, as a :class:`ScenarioError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticError

from corridor.errors import ScenarioError, ScenarioProblem
from corridor.scenario.model import Agreements, ScenarioSpec

__all__ = [
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


def _parse(file: Path) -> tuple[dict[str, Any], yaml.Node | None]:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(
            [ScenarioProblem(file, "", None, f"cannot read the file: {err}")]
        ) from None
    try:
        loader = yaml.SafeLoader(text)  # one parse: the nodes (for lines) and the data
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
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
    "outages",
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
