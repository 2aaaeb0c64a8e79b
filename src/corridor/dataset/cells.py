"""Turn a raw text table into typed columns, reporting every cell that does not fit its spec."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from corridor.dataset.issues import ERROR, WARNING, Issue, make_issue
from corridor.schema import Column, TableSpec

__all__ = [
    "flatten_lists",
    "is_url_column",
    "join_list",
    "parse_table",
    "split_list",
    "url_problem",
]

_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}
_DATE = r"^(\d{4}(-\d{2}(-\d{2})?)?|n\.d\.)$"
LIST_SEP = ";"
FrameT = TypeVar("FrameT", bound=pd.DataFrame)
#: Schemes a source address may have: a reader must be able to open it in a browser.
URL_SCHEMES = ("http", "https")


def join_list(values: Iterable[object]) -> str:
    """A list cell as the files hold it: ``('AZ', 'GE')`` -> ``AZ;GE``."""
    return LIST_SEP.join(map(str, values))


def flatten_lists(frame: FrameT) -> FrameT:
    """``frame`` with every list or tuple cell joined (:func:`join_list`): plain scalars for
    CSV, Parquet and GIS files."""
    out: FrameT = frame.copy()
    for column in out.columns:
        if any(isinstance(v, tuple | list) for v in out[column]):
            out[column] = out[column].map(
                lambda v: join_list(v) if isinstance(v, tuple | list) else v
            )
    return out


def split_list(text: str) -> tuple[str, ...]:
    """Split a ``;``-separated cell into its stripped, non-empty items."""
    return tuple(item.strip() for item in text.split(LIST_SEP) if item.strip())


def is_url_column(col: Column) -> bool:
    """Columns named ``url`` or ``..._url`` hold web addresses."""
    return col.kind == "str" and (col.name == "url" or col.name.endswith("_url"))


def url_problem(text: str) -> str | None:
    """Why ``text`` is not an absolute http:// or https:// URL with a host; None if it is one."""
    if any(c.isspace() or not c.isprintable() for c in text):
        return "it contains a space or a control character"
    try:
        parts = urlsplit(text)
        _ = parts.port  # a port that is not a number from 0 to 65535 raises ValueError
    except ValueError as err:
        return f"it is not a well-formed URL ({err})"
    if parts.scheme not in URL_SCHEMES:  # urlsplit lower-cases the scheme
        found = f"its scheme is {parts.scheme!r}" if parts.scheme else "it has no scheme"
        return f"{found}, not http:// or https://"
    if not text[len(parts.scheme) :].startswith("://") or not parts.hostname:
        return "it has no host after ://"
    return None


def _lines(mask: pd.Series) -> list[int]:
    """File line numbers of the rows where ``mask`` is true (header is line 1)."""
    return [int(i) + 2 for i in np.flatnonzero(mask.to_numpy())]


def _ids(frame: pd.DataFrame, spec: TableSpec, mask: pd.Series) -> list[str]:
    if spec.id_column and spec.id_column in frame.columns:
        return [str(v) for v in frame.loc[mask.to_numpy(), spec.id_column]]
    return []


def _parse_column(
    text: pd.Series, col: Column, spec: TableSpec, raw: pd.DataFrame
) -> tuple[pd.Series, list[Issue]]:
    """Parse one column; return the typed series and its issues."""
    issues: list[Issue] = []
    empty = text == ""

    def bad(mask: pd.Series, expected: str, code: str = "bad-value") -> None:
        if mask.any():
            issues.append(
                make_issue(
                    code,
                    ERROR,
                    spec.name,
                    f"{mask.sum()} value(s) in column {col.name!r} are not {expected}",
                    f"write {expected}, or leave the cell empty if unknown"
                    if not col.required
                    else f"write {expected}",
                    column=col.name,
                    rows=_lines(mask),
                    ids=_ids(raw, spec, mask),
                    values=text[mask].tolist(),
                )
            )

    if col.required and empty.any():
        issues.append(
            make_issue(
                "missing-value",
                ERROR,
                spec.name,
                f"{empty.sum()} row(s) have no {col.name!r}, which is required",
                f"fill in {col.name}: {col.description}",
                column=col.name,
                rows=_lines(empty),
                ids=_ids(raw, spec, empty),
            )
        )

    typed: pd.Series
    if col.kind in ("float", "int"):
        numbers = pd.to_numeric(text.where(~empty), errors="coerce")
        finite = np.isfinite(numbers.to_numpy(dtype=float, na_value=np.nan))
        unparsed = ~empty & ~pd.Series(finite, index=text.index)
        if col.kind == "int":
            whole = numbers.notna() & (numbers.round() == numbers)
            bad(unparsed | (~empty & numbers.notna() & ~whole), "a whole number")
            typed = numbers.where(whole & ~unparsed).astype("Int64")
        else:
            bad(unparsed, "a finite number")
            typed = numbers.where(~unparsed).astype("float64")
        values = typed.astype("float64")
        for limit, op, word in (
            (col.minimum, np.less, "below"),
            (col.maximum, np.greater, "above"),
        ):
            if limit is None:
                continue
            out = pd.Series(op(values.fillna(limit).to_numpy(), limit), index=text.index)
            if out.any():
                issues.append(
                    make_issue(
                        "out-of-range",
                        ERROR,
                        spec.name,
                        f"{out.sum()} value(s) in {col.name!r} are {word} {limit:g}",
                        _range_text(col),
                        column=col.name,
                        rows=_lines(out),
                        ids=_ids(raw, spec, out),
                        values=text[out].tolist(),
                    )
                )
    elif col.kind == "bool":
        low = text.str.lower()
        unparsed = ~empty & ~low.isin(_TRUE | _FALSE)
        bad(unparsed, "true or false")
        typed = low.map(lambda v: True if v in _TRUE else (False if v in _FALSE else pd.NA))
        typed = typed.astype("boolean")
    elif col.kind == "list":
        typed = pd.Series([split_list(v) for v in text], index=text.index, dtype=object)
        if col.allowed is not None:
            allowed = set(col.allowed)
            wrong = pd.Series(
                [any(i not in allowed for i in items) for items in typed],
                index=text.index,
                dtype=bool,
            )
            shown = pd.Series(
                [";".join(i for i in items if i not in allowed) for items in typed],
                index=text.index,
                dtype=object,
            )
            _not_allowed(wrong, shown, col, spec, raw, issues)
    else:
        typed = text.astype("string").where(~empty, pd.NA)
        if col.kind == "date":
            bad(~empty & ~text.str.match(_DATE), "a date as YYYY-MM-DD, YYYY-MM, YYYY or n.d.")
        if col.allowed is not None:
            wrong = ~empty & ~text.isin(col.allowed)
            _not_allowed(wrong, text, col, spec, raw, issues)
        if is_url_column(col):
            issues += _url_issues(text, col, spec, raw)
    return typed, issues


def _url_issues(text: pd.Series, col: Column, spec: TableSpec, raw: pd.DataFrame) -> list[Issue]:
    """A ``bad-url`` error for the cells that are not absolute http(s) URLs with a host."""
    problems = pd.Series(
        [url_problem(v) if v else None for v in text], index=text.index, dtype=object
    )
    bad = problems.notna()
    if not bad.any():
        return []
    return [
        make_issue(
            "bad-url",
            ERROR,
            spec.name,
            f"{bad.sum()} value(s) in {col.name!r} are not absolute http:// or https:// URLs "
            "with a host",
            "write the full address as retrieved, e.g. https://www.example.org/page",
            column=col.name,
            rows=_lines(bad),
            ids=_ids(raw, spec, bad),
            values=[f"{v} ({p})" for v, p in zip(text[bad], problems[bad], strict=True)],
        )
    ]


def _not_allowed(
    wrong: pd.Series,
    shown: pd.Series,
    col: Column,
    spec: TableSpec,
    raw: pd.DataFrame,
    issues: list[Issue],
) -> None:
    if wrong.any():
        choices = ", ".join(col.allowed or ())
        issues.append(
            make_issue(
                "not-allowed",
                ERROR,
                spec.name,
                f"{wrong.sum()} value(s) in {col.name!r} are not among the allowed values",
                f"use one of: {choices}",
                column=col.name,
                rows=_lines(wrong),
                ids=_ids(raw, spec, wrong),
                values=shown[wrong].tolist(),
            )
        )


def _range_text(col: Column) -> str:
    if col.maximum is None:
        return f"{col.name} must be at least {col.minimum:g}"
    if col.minimum is None:
        return f"{col.name} must be at most {col.maximum:g}"
    return f"{col.name} must be between {col.minimum:g} and {col.maximum:g}"


def parse_table(raw: pd.DataFrame, spec: TableSpec) -> tuple[pd.DataFrame, list[Issue]]:
    """Parse a raw text table against its spec.

    Missing optional columns are added empty; missing required columns and cells that do not
    parse are reported. The result has exactly the spec's columns, typed.
    """
    issues: list[Issue] = []
    raw = raw.copy()
    for name in raw.columns:
        if name not in spec.column_names:
            issues.append(
                make_issue(
                    "unknown-column",
                    WARNING,
                    spec.name,
                    f"column {name!r} is not part of the {spec.name} table and is ignored",
                    f"known columns: {', '.join(spec.column_names)}",
                    column=name,
                )
            )
    for col in spec.columns:
        if col.name not in raw.columns:
            if col.required:
                issues.append(
                    make_issue(
                        "missing-column",
                        ERROR,
                        spec.name,
                        f"required column {col.name!r} is missing",
                        f"add a {col.name} column: {col.description}",
                        column=col.name,
                    )
                )
            raw[col.name] = ""
    text = raw[list(spec.column_names)].astype(str).apply(lambda s: s.str.strip())
    typed: dict[str, pd.Series] = {}
    for col in spec.columns:
        typed[col.name], col_issues = _parse_column(text[col.name], col, spec, text)
        issues.extend(col_issues)
    return pd.DataFrame(typed, index=text.index), issues
