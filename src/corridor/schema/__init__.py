"""Table schemas of a corridor dataset."""

from corridor.schema.spec import Column, TableSpec
from corridor.schema.tables import TABLE_ORDER, TABLES

__all__ = ["TABLES", "TABLE_ORDER", "Column", "TableSpec"]
