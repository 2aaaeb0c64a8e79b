"""A supply series that skips a year is never silently zero: `validate` warns and names the
series and years, and a solve of the skipped year says which nodes supply nothing. A link
shorter than the straight line between its ends is a warning too."""

from __future__ import annotations

from pathlib import Path

import corridor
from corridor.dataset import validate_dataset
from corridor.options import SolveOptions
from corridor.pipeline import run


def _with_supply(folder: Path, years: tuple[int, ...]) -> Path:
    """Give the tiny dataset's field a supply row (and its provenance) for each of ``years``."""
    with (folder / "supply.csv").open("a", encoding="utf-8") as f:
        for year in years:
            f.write(f"SUP_A_{year},F_A,crude_oil,{year},8,Mt/yr,\n")
    with (folder / "demand.csv").open("a", encoding="utf-8") as f:
        f.write("DEM_C_2024,M_C,crude_oil,2024,5,Mt/yr,\n")
    with (folder / "provenance.csv").open("a", encoding="utf-8") as f:
        for year in years:
            f.write(f"supply,SUP_A_{year},value,8,,,{year},actual,H,S_TEST,\n")
        f.write("demand,DEM_C_2024,value,5,,,2024,actual,H,S_TEST,\n")
    return folder


def test_a_skipped_year_is_a_warning_naming_the_series(tiny_copy: Path) -> None:
    report, _ = validate_dataset(_with_supply(tiny_copy, (2025,)))
    found = [i for i in report.warnings if i.code == "supply-year-missing"]
    assert report.ok and len(found) == 1, report.to_frame()[["code", "message"]]
    issue = found[0]
    assert "F_A crude_oil: 2024" in issue.message
    assert issue.column == "year" and "supply.csv" in issue.where
    assert issue.ids == ("F_A",) and "2024" in issue.values


def test_a_series_without_gaps_gives_no_warning(tiny_copy: Path) -> None:
    report, _ = validate_dataset(_with_supply(tiny_copy, (2024, 2025)))
    assert "supply-year-missing" not in {i.code for i in report.warnings}


def test_a_solve_of_the_skipped_year_says_the_node_supplies_nothing(tiny_copy: Path) -> None:
    network = corridor.load(_with_supply(tiny_copy, (2025,)))
    results = run(network, options=SolveOptions(year=2024)).results
    said = [w for w in results.warnings if "F_A" in w and "2024" in w]
    assert said and "supplies no crude_oil in 2024" in said[0]
    other = run(network, options=SolveOptions(year=2023)).results.warnings
    assert not [w for w in other if "supplies no" in w]


def test_a_length_shorter_than_the_straight_line_is_a_warning(tiny_copy: Path) -> None:
    # F_A (Baku) to T_B (Tbilisi) is about 450 km as the crow flies; L_AB says 500 km
    report, _ = validate_dataset(tiny_copy)
    assert "length-below-distance" not in {i.code for i in report.warnings}
    path = tiny_copy / "links.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",500,", ",300,"), encoding="utf-8")
    text = (tiny_copy / "provenance.csv").read_text(encoding="utf-8")
    (tiny_copy / "provenance.csv").write_text(
        text.replace("links,L_AB,length_km,500", "links,L_AB,length_km,300"), encoding="utf-8"
    )
    report, _ = validate_dataset(tiny_copy)
    found = [i for i in report.warnings if i.code == "length-below-distance"]
    assert len(found) == 1 and found[0].ids == ("L_AB",) and found[0].column == "length_km"
    assert "L_AB 300 km < 4" in found[0].message and "links.csv" in found[0].where
