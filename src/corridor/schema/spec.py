"""Column and table specifications: the single description of the dataset format.

The reader, the validator and the data-model page of the docs are all driven by these specs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Column", "TableSpec"]

Kind = Literal["str", "int", "float", "bool", "list", "date"]


@dataclass(frozen=True)
class Column:
    """One column of a dataset table.

    Attributes
    ----------
    name
        Column header in the CSV file.
    kind
        ``str``, ``int``, ``float``, ``bool``, ``list`` (``;``-separated strings) or ``date``.
    description
        One line for the docs.
    required
        The cell may not be empty.
    unit
        Unit of the values, or the name of the column holding the unit (``"@capacity_unit"``).
    allowed
        The values a cell (or each list item) may take.
    minimum, maximum
        Inclusive numeric range.
    references
        ``"table.column"`` that every value (or list item) must exist in.
    sourced
        A numeric figure that must be traced to a source in the provenance table.
    """

    name: str
    kind: Kind
    description: str
    required: bool = False
    unit: str | None = None
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None
    sourced: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A dataset table: its file, id column, columns and description."""

    name: str
    description: str
    id_column: str | None
    columns: tuple[Column, ...]
    required_file: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def filename(self) -> str:
        """The CSV file name inside a dataset folder."""
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column headers in order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def sourced_columns(self) -> tuple[str, ...]:
        """Columns holding figures that must be traced to a source."""
        return tuple(c.name for c in self.columns if c.sourced)
