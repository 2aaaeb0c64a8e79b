"""Exceptions raised by corridor.

Every error is a :class:`CorridorError`; subclasses also inherit the matching built-in so that
``except ValueError`` keeps working for callers who do not know corridor's types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class _Report(Protocol):
    """What a ValidationError carries: a validation report (corridor.dataset.ValidationReport)."""

    @property
    def path(self) -> Path: ...

    @property
    def errors(self) -> Sequence[Any]: ...

    def render(self, console: Any, *, show_warnings: bool = True) -> None: ...


__all__ = [
    "CorridorError",
    "InputFileError",
    "OptionError",
    "ParameterError",
    "ReportError",
    "ScenarioError",
    "ScenarioProblem",
    "SkimError",
    "SolveError",
    "UnitError",
    "ValidationError",
]


class CorridorError(Exception):
    """Base class of every error corridor raises on purpose."""


class InputFileError(CorridorError, OSError):
    """A dataset file is missing, unreadable or not a CSV of the expected shape."""


class OptionError(CorridorError, ValueError):
    """An option names what the dataset does not have (a year, country, group or link), or
    cannot be read; ``problems`` holds one sentence per bad value."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class ParameterError(CorridorError, ValueError):
    """A model parameter (a simulation setting, a count, a rate) is out of its range."""


class SolveError(CorridorError, RuntimeError):
    """The solver failed, or its solution failed the checks."""


class SkimError(CorridorError, ValueError):
    """A route skim that cannot be computed (unknown node, no route)."""


class UnitError(CorridorError, ValueError):
    """A unit is unknown or cannot be converted to the requested one."""


class ValidationError(CorridorError, ValueError):
    """A dataset failed validation; ``report`` lists every problem found."""

    def __init__(self, report: _Report) -> None:
        self.report = report
        n = len(report.errors)
        super().__init__(f"dataset at {report.path} has {n} validation error(s)")


@dataclass(frozen=True)
class ScenarioProblem:
    """One problem in a scenario file."""

    file: Path
    key: str
    line: int | None
    message: str
    value: Any = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        key = f" {self.key}:" if self.key else ""
        shown = "" if self.value is None else f" (found {self.value!r})"
        return f"{where}:{key} {self.message}{shown}"


class ReportError(CorridorError, ValueError):
    """What a report or a comparison is asked to show cannot be shown (no run, names that
    repeat, a source the network lacks)."""


class ScenarioError(CorridorError, ValueError):
    """A scenario file cannot be read or used; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[ScenarioProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in scenario file(s):\n{lines}")
