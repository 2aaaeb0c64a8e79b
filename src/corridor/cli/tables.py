"""Tables for the terminal: numbers (with their units) never broken, columns chosen by width."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
from rich.table import Table

from corridor.cli.console import out_console

__all__ = ["rich_table"]


def _cell(value: object, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if fmt is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return format(value, fmt)
    return str(value)


def _longest_word(texts: Sequence[str]) -> int:
    return max([0, *(len(w) for t in texts for w in t.split())])


def _widths(cells: dict[str, list[str]], numbers: set[str]) -> dict[str, int]:
    """The narrowest each column can be without breaking a number or a word (ids stay whole),
    and text wrapping at most to 24 characters."""
    out = {}
    for c, texts in cells.items():
        longest = max([len(str(c)), *(len(t) for t in texts)])
        whole = max(_longest_word(texts), _longest_word(re.split(r"[ -]", str(c))))
        if c in numbers:
            out[c] = max([whole, *(len(t) for t in texts)])
        else:
            out[c] = max(whole, min(longest, 24))
    return out


def _header_lines(header: str, width: int) -> str:
    """A number column's header broken after spaces and hyphens to the column's width."""
    parts = [p for p in re.split(r"(?<=[ -])", header) if p]
    lines = [""]
    for part in parts:
        if lines[-1] and len(lines[-1]) + len(part.rstrip()) > width:
            lines.append("")
        lines[-1] += part
    return "\n".join(line.rstrip() for line in lines)


def _fitted(cells: dict[str, list[str]], numbers: set[str], optional: Sequence[str]) -> list[str]:
    """The columns to show: optional ones are dropped (in order) while the table is wider
    than the console."""
    widths = _widths(cells, numbers)
    shown = list(cells)
    for column in optional:
        if sum(widths[c] for c in shown) + 3 * len(shown) + 1 <= out_console.width:
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
    shown = _fitted(cells, numbers, optional)
    widths = _widths(cells, numbers)
    narrow = sum(max(widths[c], len(str(c))) + 3 for c in shown) + 1 > out_console.width
    table = Table(title=title, title_justify="left")
    for column in shown:
        if column in numbers:
            width = max([1, *(len(v) for v in cells[column])])
            header = _header_lines(str(column), width) if narrow else str(column)
            table.add_column(header, justify="right", no_wrap=True)
        else:
            whole = min(_longest_word(cells[column]), 30)
            table.add_column(str(column), overflow="fold", min_width=whole)
    for i in range(len(frame)):
        table.add_row(*(cells[c][i] for c in shown))
    return table
