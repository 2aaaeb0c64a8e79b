"""Shared CLI plumbing: the consoles, exit codes and the --data option."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Final

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from corridor.io.atomic import check_output_folder, check_output_path
from corridor.io.read import default_data_path
from corridor.network import Network
from corridor.optimize.inputs import resolve_rules
from corridor.optimize.options import RouteRules

__all__ = [
    "CLI_LABELS",
    "EXIT_BAD_INPUT",
    "EXIT_INVALID",
    "EXIT_OK",
    "DataOption",
    "check_not_an_input",
    "comma_list",
    "err_console",
    "out_console",
    "output_folder",
    "rich_table",
    "route_rules",
]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_INTERNAL: Final = 3

#: What the route options are called in messages (the library names its keywords).
CLI_LABELS: Final = {
    "avoid": "--avoid",
    "only_groups": "--only-groups",
    "avoid_links": "--avoid-links",
    "year": "--year",
}

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


def output_folder(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Check an ``--out`` folder when the command starts, not after its work is done."""
    if value is not None:
        check_output_folder(value, option=max(param.opts, key=len))
    return value


def _run_inputs(
    data: Path | None,
    scenarios: Sequence[tuple[str, Sequence[Path]]] = (),
    *,
    scenario_option: str = "--scenario",
) -> dict[Path, str]:
    """The run's input paths and how messages name them: the dataset folder and each scenario's
    files (``scenarios``: the name given and the files read, the named one last)."""
    if data is None:
        inputs = {default_data_path(): f"the shipped dataset folder {default_data_path()}"}
    else:
        inputs = {data: f"the input dataset folder --data {data}"}
    named = f"{scenario_option} " if scenario_option else ""
    for given, lineage in scenarios:
        *parents, file = lineage
        inputs.setdefault(file, f"the scenario file {named}{given}")
        for parent in parents:
            inputs.setdefault(parent, f"the scenario file {parent}, which {named}{given} extends")
    return inputs


def check_not_an_input(
    out: Path | None,
    data: Path | None,
    scenarios: Sequence[tuple[str, Sequence[Path]]] = (),
    *,
    option: str = "--out",
    scenario_option: str = "--scenario",
    noun: str = "folder",
) -> None:
    """Refuse an output path that is, contains or lies inside the dataset folder or a scenario
    file of the run (checked in the command's body, once ``--data`` is known)."""
    if out is not None:
        inputs = _run_inputs(data, scenarios, scenario_option=scenario_option)
        check_output_path(out, inputs=inputs, option=option, noun=noun)


def route_rules(
    network: Network, avoid: str | None, only_groups: str | None, avoid_links: str | None
) -> RouteRules:
    """The route options of a command, each comma-separated name checked against the data."""
    return resolve_rules(
        network,
        avoid=comma_list(avoid),
        only_groups=comma_list(only_groups),
        avoid_links=comma_list(avoid_links),
        labels=CLI_LABELS,
    )


def comma_list(text: str | None) -> list[str]:
    """The items of a comma-separated option value (``RU, CN`` -> ``['RU', 'CN']``)."""
    return [t.strip() for t in (text or "").split(",") if t.strip()]


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
