"""A validation issue: one problem found in a dataset, with a stable code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = ["ERROR", "WARNING", "Issue", "Severity", "make_issue"]

Severity = Literal["error", "warning"]
ERROR: Final = "error"
WARNING: Final = "warning"
_SHOWN: Final = 10


@dataclass(frozen=True)
class Issue:
    """One problem in a dataset.

    Attributes
    ----------
    code
        Stable identifier such as ``unknown-node``; documented in docs/validation.md.
    severity
        ``error`` makes validation fail; ``warning`` is reported only.
    table
        Table the problem is in.
    message
        What is wrong, naming the offending values.
    hint
        How to fix it.
    file
        File name inside the dataset folder.
    column
        Column concerned, if any.
    rows
        File line numbers (the header is line 1).
    ids
        Row ids concerned.
    values
        Offending values, as written in the file.
    """

    code: str
    severity: Severity
    table: str
    message: str
    hint: str = ""
    file: str = ""
    column: str = ""
    rows: tuple[int, ...] = field(default_factory=tuple)
    ids: tuple[str, ...] = field(default_factory=tuple)
    values: tuple[str, ...] = field(default_factory=tuple)

    @property
    def where(self) -> str:
        """``file:line`` of the first offending row (and the count of others)."""
        place = self.file or f"{self.table}.csv"
        if self.rows:
            place += f":{self.rows[0]}"
            if len(self.rows) > 1:
                place += f" (+{len(self.rows) - 1} more rows)"
        if self.column:
            place += f" [{self.column}]"
        return place

    @property
    def ids_text(self) -> str:
        """The first ten ids and how many more there are."""
        return shorten(self.ids)


def shorten(items: Sequence[str]) -> str:
    """Join the first ten items; say how many more there are."""
    shown = ", ".join(str(i) for i in items[:_SHOWN])
    if len(items) > _SHOWN:
        shown += f" … and {len(items) - _SHOWN} more"
    return shown


def make_issue(
    code: str,
    severity: Severity,
    table: str,
    message: str,
    hint: str = "",
    *,
    column: str = "",
    rows: Iterable[int] = (),
    ids: Iterable[object] = (),
    values: Iterable[object] = (),
) -> Issue:
    """Build an :class:`Issue`, converting row numbers, ids and values to tuples."""
    return Issue(
        code=code,
        severity=severity,
        table=table,
        message=message,
        hint=hint,
        file=f"{table}.csv",
        column=column,
        rows=tuple(int(r) for r in rows),
        ids=tuple(str(i) for i in ids),
        values=tuple(str(v) for v in values),
    )
