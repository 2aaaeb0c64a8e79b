"""The tiny network with two candidate projects on L_BC, and target scenarios for it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from corridor.pathway.model import PathwaySettings
from tests.conftest import edit_csv

PROJECT_COLUMNS = [
    "project_id", "name", "adds", "link_ids", "node_id", "commodity", "increment", "unit",
    "capital_cost", "cost_unit", "cost_year", "fixed_cost", "lifetime_years", "earliest_year",
    "lead_time_years", "lumpy", "status", "excludes", "note",
]  # fmt: skip
SOURCED = ("increment", "capital_cost", "cost_year", "lead_time_years", "earliest_year")


def write_projects(folder: Path, rows: list[dict[str, object]]) -> None:
    """Write projects.csv with ``rows`` (on L_BC, in Mt/yr, USD 2023) and their provenance."""
    base = {"adds": "link_capacity", "link_ids": "L_BC", "unit": "Mt/yr", "status": "planned",
            "cost_unit": "million USD", "cost_year": 2023, "lumpy": "true"}  # fmt: skip
    frame = pd.DataFrame([{**base, "name": r["project_id"], **r} for r in rows])
    frame.reindex(columns=PROJECT_COLUMNS).to_csv(folder / "projects.csv", index=False)
    prov = [
        f"projects,{r['project_id']},{c},{frame.loc[i, c]},,,2023,plan,M,S_TEST,"
        for i, r in enumerate(rows)
        for c in SOURCED
        if c in frame.columns and pd.notna(frame.loc[i, c])
    ]
    with (folder / "provenance.csv").open("a", encoding="utf-8") as f:
        f.write("\n".join(prov) + "\n")


def target_scenario(folder: Path, demand: float, year: int = 2024, supply: float = 12) -> Path:
    """Demand at C of ``demand`` Mt/yr from ``year``, with A supplying ``supply``."""
    path = folder / "target.yaml"
    entry = "{{node: {}, commodity: crude_oil, value: {}, unit: Mt/yr, sources: [S_TEST]}}"
    path.write_text(
        f"title: More crude at C\ndescription: Demand at C rises to {demand} Mt/yr from {year}.\n"
        f"year: {year}\ndemand:\n  - {entry.format('M_C', demand)}\n"
        f"supply:\n  - {entry.format('F_A', supply)}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def folder(tiny_copy: Path) -> Path:
    """The tiny network with L_BC at 5 Mt/yr and two candidates on it: BIG (+5, lumpy, USD 100
    million, no lead time) and SMALL (+4, divisible, USD 30 million, one year to build)."""

    def five(links: pd.DataFrame) -> pd.DataFrame:
        links.loc[links["link_id"] == "L_BC", ["capacity", "capacity_unit"]] = ["5", "Mt/yr"]
        return links

    edit_csv(tiny_copy, "links", five)
    prov = (tiny_copy / "provenance.csv").read_text(encoding="utf-8")
    (tiny_copy / "provenance.csv").write_text(
        prov.replace("links,L_BC,capacity,100000", "links,L_BC,capacity,5")
    )
    write_projects(tiny_copy, [
        {"project_id": "P_BIG", "increment": 5, "capital_cost": 100, "lead_time_years": 0},
        {"project_id": "P_SMALL", "increment": 4, "capital_cost": 30, "lead_time_years": 1,
         "lumpy": "false"},
    ])  # fmt: skip
    return tiny_copy


SETTINGS = PathwaySettings(2023, 2025, discount_rate=0.05)
