"""Validate a dataset folder: read, parse every table, run every rule, collect every issue."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from corridor.dataset.cells import parse_table
from corridor.dataset.issues import ERROR, Issue, make_issue
from corridor.dataset.read import read_raw_tables
from corridor.dataset.report import ValidationReport
from corridor.dataset.rules import RULES, Tables
from corridor.schema import TABLES

__all__ = ["FILE_LEVEL_CODES", "validate_dataset", "validate_tables"]

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
    for rule in RULES:
        try:
            issues += rule(tables)
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
    return tables, issues


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
