"""Deliberately broken copies of a dataset: each break is found, named and located."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from corridor.dataset import validate_dataset
from tests.conftest import edit_csv

Frame = pd.DataFrame


def _set(row: int, column: str, value: str) -> Callable[[Frame], Frame]:
    def change(frame: Frame) -> Frame:
        frame.loc[row, column] = value
        return frame

    return change


def _append_copy_of(row: int) -> Callable[[Frame], Frame]:
    return lambda frame: pd.concat([frame, frame.iloc[[row]]], ignore_index=True)


def _drop_column(column: str) -> Callable[[Frame], Frame]:
    return lambda frame: frame.drop(columns=[column])


# (table, change, expected code, expected column, expected file line or None)
BREAKS = [
    ("links", _set(0, "to_node", "T_NOWHERE"), "unknown-node", "to_node", 2),
    ("nodes", _append_copy_of(0), "duplicate-id", "node_id", 2),
    ("links", _set(0, "capacity", "-5"), "out-of-range", "capacity", 2),
    ("links", _set(1, "capacity", "lots"), "bad-value", "capacity", 3),
    ("links", _set(0, "capacity_unit", "barrels"), "not-allowed", "capacity_unit", 2),
    ("links", _set(0, "capacity_unit", "bcm/yr"), "unit-mismatch", "capacity_unit", 2),
    ("links", _set(0, "capacity_unit", ""), "missing-unit", "capacity_unit", 2),
    ("links", _set(0, "commodities", "crude_oil;uranium"), "unknown-commodity", "commodities", 2),
    ("links", _set(0, "commodities", "natural_gas"), "commodity-not-handled", "commodities", 2),
    ("links", _set(0, "status", "maybe"), "not-allowed", "status", 2),
    ("agreements", _set(0, "start_year", "2030"), "inverted-range", "start_year", 2),
    ("nodes", _set(0, "lat", "95"), "out-of-range", "lat", 2),
    ("nodes", _set(1, "country", "TR"), "wrong-country", "lat", 3),
    ("nodes", _set(1, "country", "XX"), "unknown-country", "country", 3),
    ("links", _set(1, "length_km", "300"), "unsourced-figure", "length_km", 3),
    ("provenance", _set(0, "value", "41.0"), "provenance-mismatch", "value", 2),
    ("provenance", _set(0, "source_ids", "S_MISSING"), "unknown-source", "source_ids", 2),
    ("provenance", _set(0, "low", "45"), "bad-range", "low", 2),
    ("supply", _set(0, "commodity", "natural_gas"), "unit-mismatch", "unit", 2),
    ("agreements", _set(0, "destinations", "T_NOWHERE"), "unknown-node", "destinations", 2),
    ("agreements", _set(0, "only_groups", "NATO"), "unknown-group", "only_groups", 2),
    ("conversions", lambda f: f.iloc[0:0], "missing-conversion", "factor", None),
    ("nodes", _drop_column("lat"), "missing-column", "lat", None),
    ("sources", _set(0, "date", "yesterday"), "bad-value", "date", 2),
    ("links", _set(0, "bidirectional", "perhaps"), "bad-value", "bidirectional", 2),
]


@pytest.mark.parametrize(
    ("table", "change", "code", "column", "line"),
    BREAKS,
    ids=[f"{b[0]}-{b[2]}-{i}" for i, b in enumerate(BREAKS)],
)
def test_each_break_is_reported(
    tiny_copy: Path,
    table: str,
    change: Callable[[Frame], Frame],
    code: str,
    column: str | None,
    line: int | None,
) -> None:
    before, _ = validate_dataset(tiny_copy)
    assert before.ok, before.to_frame()
    edit_csv(tiny_copy, table, change)
    report, _ = validate_dataset(tiny_copy)
    assert not report.ok
    found = [i for i in report.issues if i.code == code]
    assert found, f"expected {code}, got {report.to_frame()[['code', 'message']]}"
    issue = found[0]
    assert issue.hint, "every issue carries a hint"
    assert "rule-failed" not in report.codes()
    if column is not None:
        assert issue.column == column
    if line is not None:
        assert line in issue.rows
        assert f".csv:{line}" in issue.where or f".csv:{issue.rows[0]}" in issue.where


def test_unreachable_demand(tiny_copy: Path) -> None:
    # remove the only link into the market: demand at M_C can no longer be reached
    edit_csv(tiny_copy, "links", lambda f: f[f["link_id"] != "L_BC"])
    edit_csv(tiny_copy, "provenance", lambda f: f[f["row_id"] != "L_BC"])
    report, _ = validate_dataset(tiny_copy)
    codes = report.codes()
    assert "unreachable-demand" in codes
    assert "unconnected-agreement" in codes
    issue = next(i for i in report.issues if i.code == "unreachable-demand")
    assert issue.ids == ("DEM_C",)


def test_bidirectional_links_count_both_ways(tiny_copy: Path) -> None:
    # reverse L_BC: only reachable if it is flagged bidirectional
    def reverse(frame: Frame) -> Frame:
        frame.loc[1, ["from_node", "to_node"]] = ["M_C", "T_B"]
        return frame

    edit_csv(tiny_copy, "links", reverse)
    assert "unreachable-demand" in validate_dataset(tiny_copy)[0].codes()
    edit_csv(tiny_copy, "links", _set(1, "bidirectional", "true"))
    assert "unreachable-demand" not in validate_dataset(tiny_copy)[0].codes()


def test_every_problem_is_collected_not_just_the_first(tiny_copy: Path) -> None:
    edit_csv(tiny_copy, "links", _set(0, "to_node", "T_NOWHERE"))
    edit_csv(tiny_copy, "nodes", _set(1, "lat", "north"))
    edit_csv(tiny_copy, "sources", _append_copy_of(0))
    codes = validate_dataset(tiny_copy)[0].codes()
    assert {"unknown-node", "bad-value", "duplicate-id"} <= codes


def test_missing_and_unreadable_files(tiny_copy: Path) -> None:
    (tiny_copy / "links.csv").unlink()
    (tiny_copy / "nodes.csv").write_bytes(b"\xff\xfe\x00garbage\x00")
    report, _ = validate_dataset(tiny_copy)
    by_code = {i.code: i for i in report.issues}
    assert by_code["missing-file"].table == "links"
    assert by_code["unreadable-file"].table == "nodes"


def test_missing_capacity_is_a_warning_not_an_error(tiny_copy: Path) -> None:
    edit_csv(tiny_copy, "links", _set(0, "capacity", ""))
    edit_csv(
        tiny_copy,
        "provenance",
        lambda f: f[~((f["row_id"] == "L_AB") & (f["column"] == "capacity"))],
    )
    report, _ = validate_dataset(tiny_copy)
    assert report.ok
    assert [i.code for i in report.warnings] == ["missing-capacity"]


def test_a_row_with_more_fields_than_the_header_is_reported(tiny_copy: Path) -> None:
    # found by the fuzz test: pandas would take the first column as an index and carry on
    nodes = tiny_copy / "nodes.csv"
    lines = nodes.read_text(encoding="utf-8").split("\n")
    lines[1] = "," + lines[1]
    nodes.write_text("\n".join(lines), encoding="utf-8")
    report, _ = validate_dataset(tiny_copy)
    assert [i.code for i in report.errors] == ["unreadable-file"]
    assert "more fields than the header" in report.errors[0].message
