"""`corridor scenario`, `solve --scenario` and `compare` as a user runs them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tests.cli.runner import run


def test_scenario_list_and_show() -> None:
    listed = run("scenario", "list")
    assert listed.returncode == 0, listed.stderr
    assert "cpc-closed" in listed.stdout and "tcgp-30" in listed.stdout
    shown = run("scenario", "show", "tanap-31")
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "baseline-2024 -> eu-20bcm-2027 -> tanap-31" in out
    assert "L_TANAP_1: capacity 11.5 bcm/yr -> 26.5 bcm/yr from 2027" in out
    assert "https://www.azernews.az/oil_and_gas/204598.html" in out


@pytest.mark.slow
def test_scenario_validate_all_shipped() -> None:
    result = run("scenario", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("✓") >= 16


def test_scenario_validate_reports_bad_file_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: Bad\ndescription: a scenario with a typo in a link id, for the test\n"
        "year: 2024\noutages:\n  - link: L_CPCC\n    sources: [S_BP_BTC]\n",
        encoding="utf-8",
    )
    result = run("scenario", "validate", str(bad))
    assert result.returncode == 1
    assert f"{bad.resolve()}:5: outages[0].link" in result.stderr
    assert "L_CPCC" in result.stderr and "Traceback" not in result.stderr + result.stdout
    solved = run("solve", "--scenario", str(bad))
    assert solved.returncode == 2 and "outages[0].link" in solved.stderr
    assert "Traceback" not in solved.stderr


def test_unknown_scenario_name_lists_the_shipped_ones() -> None:
    result = run("solve", "--scenario", "cpc-closd")
    assert result.returncode == 2
    assert "cpc-closed" in result.stderr and "Traceback" not in result.stderr


def test_solve_with_a_scenario_uses_its_year_and_rules(tmp_path: Path) -> None:
    result = run("solve", "--scenario", "cpc-closed", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "— 2023" in result.stdout and "cpc-closed" in result.stdout
    links = pd.read_csv(tmp_path / "out" / "links.csv").set_index("link_id")
    assert links.at["L_CPC", "used"] == 0 and links.at["L_AKTAU_BERTHS", "binding"]


def test_compare_prints_and_writes_deltas(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = run("compare", "baseline-2023", "cpc-closed", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Δ cpc-closed" in result.stdout and "L_AKTAU_BERTHS" in result.stdout
    loads = pd.read_csv(out / "link_loadings.csv").set_index("link_id")
    assert loads.at["L_CPC", "Δ cpc-closed"] < -40
    assert {p.name for p in out.iterdir()} >= {
        "delivered_volumes.csv",
        "unmet_demand.csv",
        "binding_links_shadow_price.csv",
    }
    only = run("compare", "baseline-2023", "cpc-closed", "-t", "binding", "-t", "unmet")
    assert "Binding links" in only.stdout and "Link loadings" not in only.stdout
    assert (out / "link_loadings.csv").exists()  # --table limits the terminal, not the CSVs
    single = run("compare", "baseline-2023")
    assert single.returncode == 2 and "at least two" in single.stderr


def test_report_of_two_scenarios_writes_html_and_figures(tmp_path: Path) -> None:
    page = tmp_path / "r" / "report.html"
    result = run("report", "-s", "baseline-2023", "-s", "cpc-closed", "-o", str(page))
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert "Inputs that differ" in html and "Δ cpc-closed" in html
    assert "What this scenario changes" in html and "L_CPC: closed for the whole year" in html
    assert ">index</th>" not in html  # tables show their own columns only
    assert "Content-Security-Policy" in html  # the browser may load nothing from outside
    assert not re.search(r'<(script|link|img)[^>]*(src|href)="https?:', html)
    figures = tmp_path / "r" / "report-figures"
    assert (figures / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (figures / "map-cpc-closed.svg").exists() and (figures / "deliveries.png").exists()


def test_report_refuses_a_folder_as_page_and_a_file_as_figures_folder(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = run("report", "-o", str(folder))
    assert result.returncode == 2 and "is a folder" in result.stderr
    a_file = tmp_path / "figs.txt"
    a_file.write_text("keep")
    page = tmp_path / "r.html"
    result = run("report", "-o", str(page), "--figures", str(a_file))
    assert result.returncode == 2 and "is a file" in result.stderr
    assert "Traceback" not in result.stderr and not page.exists()
    assert a_file.read_text() == "keep" and list(folder.iterdir()) == []


def test_report_with_a_bad_scenario_writes_nothing(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = run("report", "-s", "baseline-2023", "-s", "no-such-scenario", "-o", str(page))
    assert result.returncode == 2 and "no-such-scenario" in result.stderr
    assert "Traceback" not in result.stderr and not page.exists()
    assert list(tmp_path.iterdir()) == []


def test_compare_and_report_refuse_a_scenario_given_twice(tmp_path: Path) -> None:
    for args in (
        ("compare", "baseline-2023", "baseline-2023"),
        ("report", "-s", "cpc-closed", "-s", "cpc-closed", "-o", str(tmp_path / "r.html")),
    ):
        result = run(*args)
        assert result.returncode == 2, result.stderr
        assert "given twice" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_solve_refuses_a_year_with_a_scenario() -> None:
    result = run("solve", "--scenario", "cpc-closed", "--year", "2024")
    assert result.returncode == 2 and "sets its own year" in result.stderr
