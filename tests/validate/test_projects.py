"""Candidate projects (issue 15 §1): each row says what it adds to, in its link's unit, with
a complete cost; what is wrong is named, located and explained."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import corridor
from corridor.dataset import validate_dataset
from tests.conftest import edit_csv

Frame = pd.DataFrame
GOOD = {
    "project_id": "P_AB_15",
    "name": "A to B to 15 Mt/yr",
    "adds": "link_capacity",
    "link_ids": "L_AB",
    "increment": "5",
    "unit": "Mt/yr",
    "capital_cost": "120",
    "cost_unit": "million USD",
    "cost_year": "2024",
    "lumpy": "true",
    "status": "planned",
}


def _with_projects(folder: Path, rows: list[dict[str, str]]) -> None:
    pd.DataFrame(rows).to_csv(folder / "projects.csv", index=False)
    figures = [
        {"table": "projects", "row_id": r["project_id"], "column": c, "value": r[c],
         "status": "plan", "confidence": "M", "source_ids": "S_TEST"}
        for r in rows
        for c in ("increment", "capital_cost", "cost_year")
        if r.get(c)
    ]  # fmt: skip
    edit_csv(folder, "provenance", lambda f: pd.concat([f, Frame(figures)], ignore_index=True))


def test_a_well_formed_project_passes(tiny_copy: Path) -> None:
    _with_projects(tiny_copy, [GOOD, {**GOOD, "project_id": "P_NO_COST", "capital_cost": "",
                                       "cost_unit": "", "cost_year": ""}])  # fmt: skip
    report, _ = validate_dataset(tiny_copy)
    assert report.ok, report.to_frame()[["code", "message"]]
    projects = corridor.load(tiny_copy).projects
    assert list(projects.index) == ["P_AB_15", "P_NO_COST"]
    assert projects.loc["P_AB_15", "capital_cost"] == 120 and projects["lumpy"].all()


def _change(**values: str) -> Callable[[dict[str, str]], dict[str, str]]:
    return lambda row: {**row, **values}


CASES = [
    (_change(link_ids="L_ABX"), "unknown-link", "link_ids"),
    (_change(link_ids=""), "project-target-missing", "link_ids"),
    (_change(adds="supply", link_ids=""), "project-target-missing", "node_id"),
    (_change(cost_unit=""), "project-cost-incomplete", "cost_unit"),
    (_change(cost_unit="million GBP"), "not-allowed", "cost_unit"),
    (_change(unit="bcm/yr"), "project-unit-mismatch", "unit"),
    (_change(adds="vessels"), "project-unit-mismatch", "unit"),
    (_change(status="dreamt"), "not-allowed", "status"),
    (_change(excludes="P_NOWHERE"), "unknown-project", "excludes"),
]


@pytest.mark.parametrize(("change", "code", "column"), CASES, ids=[c[1] for c in CASES])
def test_a_bad_project_is_named_and_located(
    tiny_copy: Path, change: Callable[[dict[str, str]], dict[str, str]], code: str, column: str
) -> None:
    _with_projects(tiny_copy, [change(dict(GOOD))])
    report, _ = validate_dataset(tiny_copy)
    found = [i for i in report.issues if i.code == code]
    assert found, report.to_frame()[["code", "message"]]
    assert found[0].column == column and found[0].hint
    assert "projects.csv:2" in found[0].where


def test_an_exclusion_must_run_both_ways(tiny_copy: Path) -> None:
    _with_projects(
        tiny_copy,
        [{**GOOD, "excludes": "P_AB_20"}, {**GOOD, "project_id": "P_AB_20", "increment": "10"}],
    )
    report, _ = validate_dataset(tiny_copy)
    issue = next(i for i in report.issues if i.code == "one-sided-exclusion")
    assert "P_AB_15 excludes P_AB_20" in issue.message


def test_the_shipped_projects_are_sourced_and_name_what_they_add_to() -> None:
    from tests.conftest import shipped_network

    net = shipped_network()
    projects = net.projects
    assert len(projects) >= 14
    assert set(projects.loc["P_TCGP_10", "excludes"]) == {"P_TCGP_30"}
    assert projects.loc["P_TAP_20", "link_ids"] == ("L_TAP_A", "L_TAP_B", "L_TAP_C")
    assert projects.loc["P_KARS_DILUCU", "capital_cost"] == 2400
    assert projects.loc["P_KARS_DILUCU", "cost_unit"] == "million EUR"
    prov = net.provenance[net.provenance["table"] == "projects"]
    for pid, row in projects.iterrows():
        for column in ("increment", "capital_cost", "cost_year", "earliest_year"):
            if pd.notna(row[column]):
                assert ((prov["row_id"] == pid) & (prov["column"] == column)).any(), (pid, column)
