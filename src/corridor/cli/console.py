"""Shared CLI plumbing: the consoles, exit codes and the --data option."""

from __future__ import annotations

from collections.abc import Sequence
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


def _cell(value: object, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if fmt is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return format(value, fmt)
    return str(value)


def _fitted(
    frame: pd.DataFrame, cells: dict[str, list[str]], numbers: set[str], optional: Sequence[str]
) -> list[str]:
    """The columns to show: optional ones are dropped (in order) while the table is wider
    than the console. Numbers keep their full width; text may wrap down to 12 characters."""
    shown = list(frame.columns)

    def width(columns: list[str]) -> int:
        sizes = []
        for c in columns:
            longest = max([len(str(c)), *(len(v) for v in cells[c])])
            sizes.append(longest if c in numbers else min(longest, 12))
        return sum(sizes) + 3 * len(columns) + 1

    for column in optional:
        if width(shown) <= out_console.width:
            break
        if column in shown:
            shown.remove(column)
    return shown


def rich_table(
    title: str,
    frame: pd.DataFrame,
    formats: dict[str, str],
    *,
    optional: Sequence[str] = (),
) -> Table:
    """A rich table of ``frame``. Columns in ``formats`` are numbers (or texts holding a number
    and its unit): right-aligned, formatted and never broken across lines. ``optional``
    columns are left out, in order, while the table is wider than the console."""
    cells = {c: [_cell(v, formats.get(str(c))) for v in frame[c]] for c in frame.columns}
    numbers = {c for c in frame.columns if c in formats}
    shown = _fitted(frame, cells, numbers, optional)
    table = Table(title=title, title_justify="left")
    for column in shown:
        if column in numbers:
            table.add_column(str(column), justify="right", no_wrap=True)
        else:
            table.add_column(str(column), overflow="fold")
    for i in range(len(frame)):
        table.add_row(*(cells[c][i] for c in shown))
    return table
