"""Read the CSV files of a dataset folder as raw text tables, reporting what cannot be read."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from corridor.dataset.issues import ERROR, Issue, make_issue
from corridor.errors import InputFileError
from corridor.schema import TABLES, TableSpec

__all__ = ["MAX_CELL_CHARS", "MAX_FILE_BYTES", "RawTables", "default_data_path", "read_raw_tables"]

#: Largest dataset file read, in bytes. The shipped tables are under 40 kB each; pandas keeps
#: every cell as a Python string, so a file of this size already takes gigabytes of memory.
MAX_FILE_BYTES: Final = 200_000_000
#: Longest cell, in characters. The shipped data's longest (a note) has under 200.
MAX_CELL_CHARS: Final = 10_000
_PREVIEW = 40


@dataclass(frozen=True)
class RawTables:
    """Text frames of the tables that could be read, and the issues of those that could not."""

    path: Path
    frames: dict[str, pd.DataFrame]
    issues: tuple[Issue, ...]


def default_data_path() -> Path:
    """Folder of the dataset shipped with corridor."""
    return Path(__file__).resolve().parent.parent / "data"


def _read_one(file: Path, spec: TableSpec) -> tuple[pd.DataFrame | None, Issue | None]:
    """Read one CSV as strings; return an issue instead of raising on bad input."""

    def fail(code: str, message: str, hint: str) -> tuple[None, Issue]:
        return None, make_issue(code, ERROR, spec.name, message, hint)

    if not file.is_file():
        if not spec.required_file:
            return pd.DataFrame(columns=list(spec.column_names), dtype=str), None
        return fail(
            "missing-file",
            f"{file.name} not found in {file.parent}",
            f"add {file.name} with the columns: {', '.join(spec.column_names)}",
        )
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        return fail(
            "too-large",
            f"{file.name} has {size:,} bytes; corridor reads dataset files of at most "
            f"{MAX_FILE_BYTES:,} bytes",
            "check that this is the right file; a corridor table is a few thousand rows",
        )
    try:
        frame = pd.read_csv(
            file,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
            skip_blank_lines=True,
        )
    except UnicodeDecodeError as err:
        return fail(
            "unreadable-file",
            f"{file.name} is not UTF-8 text ({err.reason} at byte {err.start})",
            "save the file as UTF-8 CSV",
        )
    except pd.errors.EmptyDataError:
        return fail(
            "empty-file",
            f"{file.name} is empty",
            "write the header row: " + ",".join(spec.column_names),
        )
    except (pd.errors.ParserError, csv.Error, ValueError) as err:
        text = " ".join(str(err).split())
        return fail(
            "unreadable-file",
            f"{file.name} is not a well-formed CSV: {text}",
            "check quoting and the number of fields on the line named",
        )
    except OSError as err:
        return fail(
            "unreadable-file",
            f"{file.name} cannot be read: {err.strerror}",
            "check the file's permissions",
        )
    if not isinstance(frame.index, pd.RangeIndex):  # pandas took a column as the index
        return fail(
            "unreadable-file",
            f"{file.name} is not a well-formed CSV: its first data row has more fields than "
            f"the header's {len(frame.columns)} names",
            "check quoting and the number of fields on each line",
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    long_cell = _long_cells(frame, spec)
    if long_cell is not None:
        return None, long_cell
    return frame, None


def _long_cells(frame: pd.DataFrame, spec: TableSpec) -> Issue | None:
    """A ``too-large`` issue for the cells (header included) longer than MAX_CELL_CHARS.

    It names every line with such a cell and shows the first of them (its column and length).
    """
    names = [str(c) for c in frame.columns]
    over = (frame.apply(lambda column: column.str.len()) > MAX_CELL_CHARS).to_numpy(dtype=bool)
    cells = np.vstack([[len(n) > MAX_CELL_CHARS for n in names], over])  # header is line 1
    lines = np.flatnonzero(cells.any(axis=1))
    if not lines.size:
        return None
    first, column = int(lines[0]), int(np.flatnonzero(cells[lines[0]])[0])
    text = names[column] if first == 0 else str(frame.iat[first - 1, column])
    columns = [names[j][:_PREVIEW] for j in np.flatnonzero(cells.any(axis=0))]
    return make_issue(
        "too-large",
        ERROR,
        spec.name,
        f"{lines.size} line(s) of {spec.filename} have a cell longer than {MAX_CELL_CHARS:,} "
        f"characters, in column(s) {', '.join(columns)}",
        f"shorten the cell to at most {MAX_CELL_CHARS:,} characters (a quote mark left open "
        "swallows the lines after it)",
        column=names[column][:_PREVIEW],
        rows=lines + 1,
        values=[f"{text[:_PREVIEW]}… ({len(text):,} characters)"],
    )


def read_raw_tables(path: Path | str | None = None) -> RawTables:
    """Read every table of the dataset folder ``path`` (the shipped dataset by default).

    Raises
    ------
    InputFileError
        If ``path`` is not a folder.
    """
    folder = Path(path) if path is not None else default_data_path()
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise InputFileError(f"dataset folder {folder} {what}; give the folder holding nodes.csv")
    frames: dict[str, pd.DataFrame] = {}
    issues: list[Issue] = []
    for name, spec in TABLES.items():
        frame, issue = _read_one(folder / spec.filename, spec)
        if issue is not None:
            issues.append(issue)
        if frame is not None:
            frames[name] = frame
    return RawTables(folder, frames, tuple(issues))
