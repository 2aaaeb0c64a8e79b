"""Validate a dataset folder: read, parse every table, run every rule, collect every issue.

An edit of tables already validated (a scenario's) is checked by :func:`validate_changes`: the
cells it wrote, and the rules whose columns it touched, on the rows it touched where the rule
allows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.dataset.cells import (
    _DATE,
    _FALSE,
    _TRUE,
    LIST_SEP,
    _range_text,
    is_url_column,
    parse_table,
    split_list,
    url_problem,
)
from corridor.dataset.issues import ERROR, Issue, make_issue
from corridor.dataset.read import read_raw_tables
from corridor.dataset.report import ValidationReport
from corridor.dataset.rules import ROW_KEYS, RULE_INPUTS, RULE_LOOKUPS, RULES, Rows, Rule, Tables
from corridor.schema import TABLES, Column, TableSpec

__all__ = [
    "FILE_LEVEL_CODES",
    "Changes",
    "cell_text",
    "typed_cell",
    "validate_changes",
    "validate_dataset",
    "validate_tables",
]

logger = logging.getLogger(__name__)

#: Issues after which cross-table rules are not run (their findings would be noise).
FILE_LEVEL_CODES = frozenset(
    {"missing-file", "unreadable-file", "empty-file", "too-large", "missing-column"}
)


def _empty(name: str) -> pd.DataFrame:
    raw = pd.DataFrame(columns=list(TABLES[name].column_names), dtype=str)
    return parse_table(raw, TABLES[name])[0]


def validate_tables(raw_frames: dict[str, pd.DataFrame]) -> tuple[Tables, list[Issue]]:
    """Parse raw text tables and run the cross-table rules.

    Returns the typed tables (missing ones empty) and every issue found. A rule that fails on
    input nobody foresaw is reported as a ``rule-failed`` error instead of raising.
    """
    tables: Tables = {}
    issues: list[Issue] = []
    for name, spec in TABLES.items():
        if name in raw_frames:
            tables[name], found = parse_table(raw_frames[name], spec)
            issues += found
        else:
            tables[name] = _empty(name)
    unread = [name for name in TABLES if name not in raw_frames and TABLES[name].required_file]
    if unread or any(i.code in FILE_LEVEL_CODES for i in issues):
        return tables, issues
    return tables, issues + _run_rules(tables, [(rule, None) for rule in RULES])


def _run_rules(tables: Tables, runs: Iterable[tuple[Rule, Rows | None]]) -> list[Issue]:
    """Run each rule on its rows. A rule that fails on input nobody foresaw is reported as a
    ``rule-failed`` error instead of raising."""
    issues: list[Issue] = []
    for rule, rows in runs:
        try:
            issues += rule(tables, rows)
        except Exception as err:  # a bug or unforeseen input must not become a traceback
            logger.debug("rule %s failed", rule.__name__, exc_info=True)
            issues.append(
                make_issue(
                    "rule-failed",
                    ERROR,
                    "dataset",
                    f"check {rule.__name__} could not run: {type(err).__name__}: {err}",
                    "fix the other issues first; if this persists, report it as a corridor bug",
                )
            )
    return issues


def validate_dataset(path: Path | str | None = None) -> tuple[ValidationReport, Tables]:
    """Validate the dataset folder at ``path`` (the shipped dataset by default).

    Returns
    -------
    report, tables
        The report of every issue and the parsed tables.

    Raises
    ------
    InputFileError
        If ``path`` is not a folder.
    """
    raw = read_raw_tables(path)
    tables, issues = validate_tables(raw.frames)
    report = ValidationReport(raw.path, tuple(list(raw.issues) + issues))
    logger.info(
        "validated %s: %d errors, %d warnings", raw.path, len(report.errors), len(report.warnings)
    )
    return report, tables


# -- an edit of typed tables -------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """What an edit did to a dataset's typed tables (in file form, indexed by row position).

    Attributes
    ----------
    written
        Every cell the edit wrote, as it wrote it (before typing), by table, row position and
        column. Rows the edit added have every column written.
    added
        Positions of the rows the edit added, by table.
    removed
        The rows the edit removed, by table (in file form).
    """

    written: Mapping[str, Mapping[int, Mapping[str, object]]]
    added: Mapping[str, frozenset[int]] = field(default_factory=dict)
    removed: Mapping[str, pd.DataFrame] = field(default_factory=dict)


def cell_text(value: object) -> str:
    """A cell as a dataset file holds it, stripped: empty if missing, list items joined by ';'."""
    if isinstance(value, tuple | list):
        return LIST_SEP.join(str(v) for v in value).strip()
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    return str(value).strip()


def _number(text: str) -> float | None:
    """The finite number pandas reads in ``text``; None if it reads none (or an infinity)."""
    number = pd.to_numeric(text, errors="coerce") if text else np.nan
    return float(number) if np.isfinite(number) else None


#: Integer columns hold 64-bit integers.
_INT64_LIMIT = 2.0**63


def _whole(number: float | None) -> float | None:
    return number if number is not None and round(number) == number else None


def typed_cell(col: Column, value: object) -> object:
    """``value`` as :func:`corridor.dataset.cells.parse_table` types its text in ``col``
    (missing or unreadable: NA; a list column: a tuple)."""
    text = cell_text(value)
    if col.kind == "list":
        return split_list(text)
    if col.kind == "float":
        number = _number(text)
        return np.nan if number is None else number
    if col.kind == "int":  # a whole number too large for the column is reported out of range
        whole = _whole(_number(text))
        return pd.NA if whole is None or abs(whole) >= _INT64_LIMIT else int(whole)
    if col.kind == "bool":
        low = text.lower()
        return True if low in _TRUE else (False if low in _FALSE else pd.NA)
    return text or pd.NA


#: A finding of the cell checks: code, which cells, message (``{n}``: how many), hint, and the
#: values shown for the cells.
_Finding = tuple[str, list[bool], str, str, list[str]]


def _not(col: Column, texts: list[str], found: list[bool], expected: str) -> _Finding:
    """A ``bad-value`` finding: the cells that are not ``expected``."""
    hint = f"write {expected}"
    if not col.required:
        hint += ", or leave the cell empty if unknown"
    message = f"{{n}} value(s) in column {col.name!r} are not {expected}"
    return ("bad-value", found, message, hint, texts)


def _not_allowed(col: Column, found: list[bool], shown: list[str]) -> _Finding:
    message = f"{{n}} value(s) in {col.name!r} are not among the allowed values"
    return ("not-allowed", found, message, f"use one of: {', '.join(col.allowed or ())}", shown)


def _number_findings(col: Column, texts: list[str]) -> list[_Finding]:
    numbers = [_number(text) for text in texts]
    expected = "a finite number"
    if col.kind == "int":
        numbers, expected = [_whole(n) for n in numbers], "a whole number"
    unread = [bool(t) and n is None for t, n in zip(texts, numbers, strict=True)]
    found = [_not(col, texts, unread, expected)]
    for limit, word in ((col.minimum, "below"), (col.maximum, "above")):
        if limit is not None:
            out = [n is not None and (n < limit if word == "below" else n > limit) for n in numbers]
            message = f"{{n}} value(s) in {col.name!r} are {word} {limit:g}"
            found.append(("out-of-range", out, message, _range_text(col), texts))
    return found


def _text_findings(col: Column, texts: list[str]) -> list[_Finding]:
    found = []
    if col.kind == "date":
        dates = [bool(t) and not re.match(_DATE, t) for t in texts]
        found.append(_not(col, texts, dates, "a date as YYYY-MM-DD, YYYY-MM, YYYY or n.d."))
    if col.allowed is not None:
        found.append(_not_allowed(col, [bool(t) and t not in col.allowed for t in texts], texts))
    if is_url_column(col):
        problems = [url_problem(t) if t else None for t in texts]
        found.append(
            (
                "bad-url",
                [p is not None for p in problems],
                f"{{n}} value(s) in {col.name!r} are not absolute http:// or https:// URLs "
                "with a host",
                "write the full address as retrieved, e.g. https://www.example.org/page",
                [f"{t} ({p})" for t, p in zip(texts, problems, strict=True)],
            )
        )
    return found


def _column_issues(
    spec: TableSpec, col: Column, cells: list[tuple[int, str, object]]
) -> list[Issue]:
    """The errors :func:`corridor.dataset.cells.parse_table` finds in these cells of ``col``
    (each a row position, the row's id and the value), with the same codes and messages."""
    texts = [cell_text(value) for _, _, value in cells]
    found: list[_Finding] = []
    if col.required:
        missing = [not t for t in texts]
        found.append(
            (
                "missing-value",
                missing,
                f"{{n}} row(s) have no {col.name!r}, which is required",
                f"fill in {col.name}: {col.description}",
                [],
            )
        )
    if col.kind in ("float", "int"):
        found += _number_findings(col, texts)
    elif col.kind == "bool":
        found.append(
            _not(
                col,
                texts,
                [bool(t) and t.lower() not in _TRUE | _FALSE for t in texts],
                "true or false",
            )
        )
    elif col.kind == "list":
        if col.allowed is not None:
            outside = [[i for i in split_list(t) if i not in col.allowed] for t in texts]
            found.append(
                _not_allowed(col, [bool(i) for i in outside], [LIST_SEP.join(i) for i in outside])
            )
    else:
        found += _text_findings(col, texts)
    issues = []
    for code, hits, message, hint, shown in found:
        picked = [cell for cell, hit in zip(cells, hits, strict=True) if hit]
        if picked:
            issues.append(
                make_issue(
                    code,
                    ERROR,
                    spec.name,
                    message.format(n=len(picked)),
                    hint,
                    column=col.name,
                    rows=[position + 2 for position, _, _ in picked],
                    ids=[row_id for _, row_id, _ in picked] if spec.id_column else [],
                    values=[v for v, hit in zip(shown, hits, strict=False) if hit],
                )
            )
    return issues


def _cell_issues(tables: Tables, changes: Changes, every_row: bool) -> list[Issue]:
    """The cell checks of every written cell (of every cell with ``every_row``), table by table
    and column by column as :func:`validate_tables` reports them. (A cell the edit did not
    write passed them before it.)"""
    issues = []
    for name, spec in TABLES.items():
        written = changes.written.get(name, {})
        if not written and not every_row:
            continue
        frame = tables[name]
        ids = frame[spec.id_column].tolist() if spec.id_column else [""] * len(frame)
        for position, row in written.items():
            ids[position] = row.get(spec.id_column or "", ids[position])
        for col in spec.columns:
            if every_row:
                values = frame[col.name].tolist()
                found = [written.get(p, {}).get(col.name, v) for p, v in enumerate(values)]
                checked = list(enumerate(found))
            else:
                checked = [
                    (p, row[col.name]) for p, row in sorted(written.items()) if col.name in row
                ]
            cells = [(p, cell_text(ids[p]), value) for p, value in checked]
            issues += _column_issues(spec, col, cells)
    return issues


def _touched(changes: Changes, *, removed: bool = True) -> dict[str, set[str]]:
    """The columns an edit changed in rows that were there before, by table; with ``removed``,
    ``*`` for the tables it removed rows from."""
    touched = {name: {"*"} for name, rows in changes.removed.items() if len(rows) and removed}
    for name, cells in changes.written.items():
        added = changes.added.get(name, frozenset())
        for position, row in cells.items():
            if position not in added:
                touched.setdefault(name, set()).update(row)
    return touched


@cache
def _by_table(columns: frozenset[str]) -> dict[str, frozenset[str]]:
    """``table.column`` names grouped by table."""
    tables: dict[str, set[str]] = {}
    for name in columns:
        table, column = name.split(".")
        tables.setdefault(table, set()).add(column)
    return {table: frozenset(found) for table, found in tables.items()}


def _meets(columns: frozenset[str], touched: Mapping[str, Collection[str]]) -> bool:
    """True if ``touched`` holds any of ``columns`` (``table.column``; ``table.*``: any column)."""
    for table, wanted in _by_table(columns).items():
        wrote = touched.get(table)
        if wrote and ("*" in wanted or "*" in wrote or not wanted.isdisjoint(wrote)):
            return True
    return False


def _touched_rows(tables: Tables, changes: Changes) -> dict[str, dict[int, Collection[str]]]:
    """The columns written in each row, by table; the figures whose provenance rows the edit
    removed count as written in every column."""
    rows: dict[str, dict[int, Collection[str]]] = {
        name: dict(cells) for name, cells in changes.written.items()
    }
    removed = changes.removed.get("provenance", pd.DataFrame(columns=["table", "row_id"]))
    for table, row_id in zip(removed["table"], removed["row_id"], strict=True):
        frame = tables[str(table)]
        ids = frame[str(TABLES[str(table)].id_column)]
        for position in frame.index[ids == row_id]:
            rows.setdefault(str(table), {})[int(position)] = {"*"}
    return rows


def _rows_for(columns: frozenset[str], rows: Mapping[str, Mapping[int, Collection[str]]]) -> Rows:
    """The rows in which any of ``columns`` was written, by table."""
    wanted = _by_table(columns)
    return {
        name: [p for p in sorted(written) if _meets(columns, {name: written[p]})]
        for name, written in rows.items()
        if name in wanted
    }


def validate_changes(tables: Tables, changes: Changes, *, every_row: bool = False) -> list[Issue]:
    """Check an edit of typed tables that were valid before it: what the edit can break.

    The cells the edit wrote get the checks of their columns, and each rule checks the rows in
    which the edit wrote a column it reads (every row when the edit changed an id, or what
    the rule looks up in other rows; a rule that compares all rows checks them all). The
    errors are those :func:`validate_tables` finds in the edited tables; the warnings only
    those of the rows and rules checked.

    Parameters
    ----------
    tables
        Every table after the edit, typed, in file form (indexed by row position).
    changes
        What the edit did.
    every_row
        Check every cell and run every rule on every row (for tables not known to be valid).
    """
    issues = _cell_issues(tables, changes, every_row)
    before = _touched(changes)
    if every_row or _meets(ROW_KEYS, _touched(changes, removed=False)):
        return issues + _run_rules(tables, [(rule, None) for rule in RULES])
    touched = _touched_rows(tables, changes)
    runs: list[tuple[Rule, Rows | None]] = []
    for rule in RULES:
        rows = _rows_for(RULE_INPUTS[rule], touched)
        if _meets(RULE_LOOKUPS.get(rule, frozenset()), before):
            runs.append((rule, None))
        elif any(rows.values()):
            runs.append((rule, rows))
    return issues + _run_rules(tables, runs)
