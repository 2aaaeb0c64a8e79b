"""Shared CLI plumbing: the consoles, exit codes and the --data option."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from corridor.io.atomic import check_output_folder

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INVALID",
    "EXIT_OK",
    "DataOption",
    "comma_list",
    "err_console",
    "out_console",
    "output_folder",
    "rich_table",
]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_INTERNAL: Final = 3

out_console = Console()
err_console = Console(stderr=True)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        help="Dataset folder (default: the shipped corridor dataset).",
        show_default=False,
    ),
]


def output_folder(value: Path | None) -> Path | None:
    """Check an ``--out`` folder when the command starts, not after its work is done."""
    if value is not None:
        check_output_folder(value)
    return value


def comma_list(text: str | None) -> list[str]:
    """The items of a comma-separated option value (``RU, CN`` -> ``['RU', 'CN']``)."""
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def rich_table(title: str, frame: pd.DataFrame, formats: dict[str, str]) -> Table:
    """A rich table of ``frame``; columns in ``formats`` are right-aligned and formatted."""
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        table.add_column(column, justify="right" if column in formats else "left", overflow="fold")
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            if column in formats and isinstance(value, int | float) and pd.notna(value):
                cells.append(format(value, formats[column]))
            else:
                cells.append(
                    ""
                    if value is None or (isinstance(value, float) and pd.isna(value))
                    else str(value)
                )
        table.add_row(*cells)
    return table
