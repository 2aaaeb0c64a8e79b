"""Exceptions raised by corridor.

Every error is a :class:`CorridorError`; subclasses also inherit the matching built-in so that
``except ValueError`` keeps working for callers who do not know corridor's types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corridor.validate.report import ValidationReport

__all__ = [
    "CorridorError",
    "InputFileError",
    "UnitError",
    "ValidationError",
]


class CorridorError(Exception):
    """Base class of every error corridor raises on purpose."""


class InputFileError(CorridorError, OSError):
    """A dataset file is missing, unreadable or not a CSV of the expected shape."""


class UnitError(CorridorError, ValueError):
    """A unit is unknown or cannot be converted to the requested one."""


class ValidationError(CorridorError, ValueError):
    """A dataset failed validation; ``report`` lists every problem found."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        n = len(report.errors)
        super().__init__(f"dataset at {report.path} has {n} validation error(s)")
