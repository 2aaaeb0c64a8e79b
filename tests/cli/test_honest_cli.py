"""The CLI as a user meets it: names it does not know are errors, numbers keep their units, the
answer comes first and fits an 80-column terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.cli.runner import run


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--avoid", "XX"], "--avoid: 'XX' is not a country or group of the dataset"),
        (["--avoid", "RU CN"], "separate several with commas (RU,CN)"),
        (["--avoid-links", "L_NOPE"], "--avoid-links: 'L_NOPE' is not a link of the dataset"),
        (["--avoid-links", "CPC"], "(did you mean 'L_CPC'?)"),
        (["--only-groups", "NOPE"], "--only-groups: 'NOPE' is not a group of the dataset"),
        (["--year", "1850"], "--year 1850: no supply or demand in the dataset is for 1850"),
    ],
)
def test_what_the_dataset_lacks_is_an_error(args: list[str], said: str) -> None:
    result = run("solve", *args)
    assert result.returncode == 2, result.stdout
    message = " ".join(result.stderr.split())
    assert said in message and "Traceback" not in result.stderr
    assert result.stdout == ""  # nothing was solved


def test_skim_checks_its_route_options_the_same_way() -> None:
    result = run("transit", "skim", "--from", "C_XIAN", "--to", "C_DUISBURG", "--avoid", "Russa")
    assert result.returncode == 2
    assert "(did you mean 'Russia'?)" in " ".join(result.stderr.split())


def test_an_english_name_gives_the_same_answer_as_its_code() -> None:
    by_name = run("solve", "--avoid", "Russia,China").stdout.splitlines()[1:]
    by_code = run("solve", "--avoid", "RU,CN").stdout.splitlines()[1:]  # line 0 has the time
    assert by_name == by_code and any("Makhachkala" in line for line in by_name)


def test_the_answer_comes_first_and_fits_80_columns() -> None:
    result = run("solve", "--year", "2024", columns=80)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    top = "\n".join(lines[:24])
    for words in ("Reaches demand and world markets", "Demand not met", "Binds: TAP"):
        assert words in top
    assert "56,500 TEU/yr" in result.stdout  # a number and its unit, never split
    assert "56,504" not in result.stdout  # TEU never added to tonnes (56,500 + 4.484 before)
    assert "e+10" not in result.stdout and "1e+08" not in result.stdout  # no penalty as a price
    assert "one more bcm/yr is worth USD 398 million/yr" in " ".join(top.split())


def test_data_show_fits_80_columns() -> None:
    result = run("data", "show", columns=80)
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and max(len(line) for line in lines) <= 80
    assert len(lines) < 100  # ~170 lines of folded cells before
    assert "72.5 Mt/yr" in result.stdout and "L_ANAKLIA_CONSTANTA" in result.stdout


def test_results_files_never_add_teu_to_tonnes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("solve", "--year", "2024", "--out", str(out)).returncode == 0
    links = pd.read_csv(out / "links.csv").set_index(["link_id", "reverse"])
    poti = links.loc[("L_TBILISI_POTI", False)]
    # 56,500 TEU at 8.15 t/TEU and 4.484 Mt of general freight, in Mt/yr
    assert poti["unit"] == "Mt/yr" and poti["used"] == pytest.approx(56_500 * 8.15e-6 + 4.484)
    flows = pd.read_csv(out / "flows.csv")
    canonical = {"containers": "TEU/yr", "general_freight": "Mt/yr", "crude_oil": "Mt/yr"}
    assert (flows["unit"] == flows["commodity"].map(canonical).fillna("bcm/yr")).all()
    summary = json.loads((out / "summary.json").read_text())
    tap = next(b for b in summary["binding_links"] if b["link_id"] == "L_TAP_B")
    assert tap["shadow_price_unit"] == "USD/yr per bcm/yr" and tap["shadow_price"] < 1e9
    assert summary["unmet"]["natural_gas"] == {"value": pytest.approx(0.4), "unit": "bcm/yr"}


def test_compare_tables_fit_80_columns_without_cutting_numbers() -> None:
    result = run("compare", "baseline-2023", "cpc-closed", columns=80)
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "-57.21" in result.stdout  # CPC's change, in its own column, whole
    assert "USD/yr per Mt/yr" in result.stdout
