"""Hostile or huge dataset files: refused with a clear, located issue, never read at length."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.dataset import validate_dataset
from corridor.dataset.read import MAX_CELL_CHARS, MAX_FILE_BYTES
from tests.conftest import edit_csv
from tests.validate.test_broken_copies import _set


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "scheme is 'javascript'"),
        ("ftp://ftp.example.org/file", "scheme is 'ftp'"),
        ("file:///etc/passwd", "scheme is 'file'"),
        ("data:text/html,<b>hi</b>", "scheme is 'data'"),
        ("www.example.org/page", "no scheme"),
        ("//example.org/page", "no scheme"),
        ("https:///page", "no host"),
        ("https://", "no host"),
        ("http:example.org", "no host"),
        ("https://exa mple.org/", "space"),
        ("https://example.org:99999/", "well-formed"),
        ("http://[::1/", "well-formed"),
    ],
)
def test_a_source_url_that_is_not_an_absolute_web_address_is_an_error(
    tiny_copy: Path, url: str, reason: str
) -> None:
    edit_csv(tiny_copy, "sources", _set(0, "url", url))
    report, _ = validate_dataset(tiny_copy)
    bad = [i for i in report.errors if i.code == "bad-url"]
    assert len(bad) == 1, report.to_frame()[["code", "message"]]
    issue = bad[0]
    assert (issue.file, issue.column, issue.rows, issue.ids) == (
        "sources.csv",
        "url",
        (2,),
        ("S_TEST",),
    )
    assert issue.values[0].startswith(url) and reason in issue.values[0]
    assert "https://" in issue.hint


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/fixture",
        "HTTP://EXAMPLE.ORG/",
        "https://example.org:8443/a/b?c=d&e=f#g",
        "https://www.azərbaycan.az/xəbər",
        "http://192.0.2.1/report.pdf",
    ],
)
def test_absolute_web_addresses_are_accepted(tiny_copy: Path, url: str) -> None:
    edit_csv(tiny_copy, "sources", _set(0, "url", url))
    report, _ = validate_dataset(tiny_copy)
    assert report.ok, report.to_frame()[["code", "message", "values"]]


def test_a_conversion_factor_outside_its_own_range_is_an_error(shipped_copy: Path) -> None:
    # crude_oil:azeri_light:t->bbl is sourced as 7.3-7.36 bbl per t
    edit_csv(shipped_copy, "conversions", _set(0, "factor", "1e-300"))
    report, _ = validate_dataset(shipped_copy)
    bad = [i for i in report.errors if i.code == "bad-range"]
    assert len(bad) == 1, report.to_frame()[["code", "message"]]
    issue = bad[0]
    assert (issue.table, issue.column, issue.rows) == ("conversions", "factor", (2,))
    assert issue.ids == ("crude_oil:azeri_light:t->bbl",)
    assert issue.values == ("1e-300 not in [7.3, 7.36]",)


def test_a_conversion_range_with_low_above_high_is_an_error(tiny_copy: Path) -> None:
    edit_csv(tiny_copy, "conversions", _set(0, "low", "7.4"))
    edit_csv(tiny_copy, "conversions", _set(0, "high", "7.2"))
    report, _ = validate_dataset(tiny_copy)
    assert [i.code for i in report.errors] == ["bad-range"]


def test_a_conversion_factor_at_its_range_ends_or_without_a_range_is_accepted(
    tiny_copy: Path,
) -> None:
    assert validate_dataset(tiny_copy)[0].ok  # the tiny factor has no range
    edit_csv(tiny_copy, "conversions", _set(0, "low", "7.3"))
    edit_csv(tiny_copy, "conversions", _set(0, "high", "7.3"))
    assert validate_dataset(tiny_copy)[0].ok


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tiny_copy: Path) -> None:
    nodes = tiny_copy / "nodes.csv"
    with nodes.open("r+b") as f:  # sparse: costs no disk, and would not parse if it were read
        f.truncate(MAX_FILE_BYTES + 1)
    report, _ = validate_dataset(tiny_copy)
    assert [i.code for i in report.errors] == ["too-large"]
    issue = report.errors[0]
    assert issue.file == "nodes.csv" and f"{MAX_FILE_BYTES + 1:,} bytes" in issue.message
    assert f"{MAX_FILE_BYTES:,}" in issue.message and issue.hint


def test_a_cell_over_the_length_limit_is_refused_with_its_line_and_column(
    tiny_copy: Path,
) -> None:
    edit_csv(tiny_copy, "sources", _set(0, "note", "x" * MAX_CELL_CHARS))
    assert validate_dataset(tiny_copy)[0].ok  # at the limit: accepted
    edit_csv(tiny_copy, "sources", _set(0, "note", "x" * (MAX_CELL_CHARS + 1)))
    report, _ = validate_dataset(tiny_copy)
    assert [i.code for i in report.errors] == ["too-large"]  # and no cross-table noise
    issue = report.errors[0]
    assert (issue.file, issue.column, issue.rows) == ("sources.csv", "note", (2,))
    assert f"({MAX_CELL_CHARS + 1:,} characters)" in issue.values[0]
    assert len(issue.values[0]) < 100  # the report shows a preview, not the cell
