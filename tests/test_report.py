"""The HTML report in a real headless Chromium (offline, no console errors, drawn figures) and
the static figures."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from playwright.sync_api import Page, Route, sync_playwright

import corridor
from corridor.optimize import RouteRules, SolveOptions, solve
from corridor.report import ReportRun, write_report
from corridor.report.palette import MODE_COLORS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: A source only the transit table cites: a report lists it only when a run names it.
EXTRA_SOURCE = "S_ADB_CPMM_2022"


@dataclass
class Written:
    """A report written once for the module's tests."""

    html: Path
    figures: Path
    paths: list[Path]
    runs: list[ReportRun]


@dataclass
class Browser:
    """An open report page and what it did: console errors and outside requests."""

    page: Page
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    net = corridor.load()
    base = solve(net, year=2024)
    no_cpc = solve(
        net,
        year=2023,
        options=SolveOptions(year=2023, rules=RouteRules(avoid_links=frozenset({"L_CPC"}))),
    )
    runs = [
        ReportRun("baseline-2024", "Baseline 2024", "The shipped dataset, 2024.", net, base),
        ReportRun(
            "no-cpc-2023", "2023 without CPC", "CPC out of service in 2023.", net, no_cpc,
            source_ids=(EXTRA_SOURCE,),
        ),
    ]  # fmt: skip
    comparison = {
        "Delivered by commodity": pd.DataFrame(
            {
                "commodity": ["crude_oil", "natural_gas", "containers"],
                "baseline-2024": [54.9, 23.4, 56500.0],
                "no-cpc-2023": [53.8, 62.7, 20300.0],
                "delta": [-1.1, 39.3, -36200.0],
            }
        )
    }
    folder = tmp_path_factory.mktemp("report")
    paths = write_report(
        runs, folder / "report.html", comparison=comparison, figures_dir=folder / "figures"
    )
    return Written(folder / "report.html", folder / "figures", paths, runs)


def _chromium() -> str:
    """The Debian chromium binary; a missing browser fails the suite (CI must install it)."""
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if found is None:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    return found


@pytest.fixture(scope="module")
def browser(written: Written) -> Iterator[Browser]:
    state: list[Browser] = []

    def route(r: Route) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        else:
            state[0].outside.append(url)
            r.abort()

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        state.append(Browser(page))
        page.route("**/*", route)
        page.on(
            "console",
            lambda m: state[0].errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: state[0].errors.append(str(e)))
        page.goto(written.html.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=15_000)
        yield state[0]
        chromium.close()
    # errors raised later by selectors, hovering or zooming count too
    assert state[0].errors == [] and state[0].outside == []


def _embedded(written: Written) -> dict[str, Any]:
    text = written.html.read_text(encoding="utf-8")
    match = re.search(
        r'<script type="application/json" id="corridor-data">(.*?)</script>', text, re.S
    )
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def _share_near(png: bytes, hex_colour: str, tolerance: int = 40) -> float:
    """Share of pixels within ``tolerance`` (per channel) of a colour."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(image - target).max(axis=1) <= tolerance).mean())


def _pixels(png: bytes) -> tuple[int, float]:
    """Distinct colours and the share of pixels that differ from the most common colour."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    colours, counts = np.unique(image // 8, axis=0, return_counts=True)
    return len(colours), 1.0 - counts.max() / counts.sum()


def test_page_is_self_contained(written: Written) -> None:
    text = written.html.read_text(encoding="utf-8")
    assert written.paths[0] == written.html
    assert not re.search(r'(src|href)="https?:', text.split('id="sources"')[0])
    assert '<link rel="stylesheet"' not in text and "<script src" not in text
    assert len(text) < 1_500_000
    data = _embedded(written)
    assert [r["name"] for r in data["runs"]] == ["baseline-2024", "no-cpc-2023"]


def test_every_referenced_source_is_listed(written: Written) -> None:
    text = written.html.read_text(encoding="utf-8")
    data = _embedded(written)
    for run in data["runs"]:
        listed = {s["id"] for s in run["sources"]}
        for link in run["links"]:
            assert set(link["sources"]) <= listed
        for node in run["nodes"]:
            assert set(node["sources"]) <= listed
        for ref in re.findall(rf'href="#src-{run["name"]}-([^"]+)"', text):
            assert ref in listed
            assert f'id="src-{run["name"]}-{ref}"' in text
    assert EXTRA_SOURCE in {s["id"] for s in data["runs"][1]["sources"]}
    assert EXTRA_SOURCE not in {s["id"] for s in data["runs"][0]["sources"]}


def test_no_errors_and_no_network(browser: Browser) -> None:
    assert browser.errors == []
    assert browser.outside == []


def test_map_draws_links_basemap_and_pixels(browser: Browser, written: Written) -> None:
    page = browser.page
    run = _embedded(written)["runs"][0]
    assert page.locator("#map path.link-line").count() == len(run["links"]) > 50
    assert page.locator("#map path.country").count() > 20
    assert page.locator("#map circle.node").count() == len(run["nodes"])
    assert page.locator("#map path.link-halo").count() == sum(lk["binding"] for lk in run["links"])
    png = page.locator("#map").screenshot()
    colours, drawn = _pixels(png)
    assert colours > 12
    assert drawn > 0.3  # land, seas and lines, not an empty box
    for mode in ("pipeline", "rail"):  # the flow lines themselves, not only the basemap
        assert _share_near(png, MODE_COLORS[mode]) > 0.002


def test_sankey_draws_bands(browser: Browser) -> None:
    page = browser.page
    assert page.locator("#sankey path.band").count() >= 4
    assert page.locator("#sankey rect.snode").count() >= 3
    colours, drawn = _pixels(page.locator("#sankey").screenshot())
    assert colours > 6
    assert drawn > 0.1
    options = page.locator("#commodity-select option").all_inner_texts()
    assert any("natural gas" in o for o in options)
    page.select_option("#commodity-select", "crude_oil")
    assert "Mt/yr" in page.locator("#sankey-unit").inner_text()
    assert page.locator("#sankey path.band").count() >= 2


def test_link_tooltip_names_the_link(browser: Browser) -> None:
    page = browser.page
    page.locator('#map g.link-group[data-id="L_BTC"] path.link-hit').hover(force=True)
    tip = page.locator("#tooltip")
    assert tip.is_visible()
    text = tip.inner_text()
    assert "Baku-Tbilisi-Ceyhan" in text
    assert "Mt/yr" in text and "S_BP_BTC" in text
    page.mouse.move(2, 2)


def test_scenario_selector_switches_map_and_tables(browser: Browser) -> None:
    page = browser.page
    cpc = '#map path.link-line[data-id="L_CPC"]'
    before = page.locator(cpc).get_attribute("stroke")
    shot = page.locator("#map").screenshot()
    page.select_option("#run-select", "no-cpc-2023")
    assert page.locator("#map").get_attribute("data-run") == "no-cpc-2023"
    assert page.locator(cpc).get_attribute("stroke") != before  # CPC avoided: no flow, grey
    assert page.locator("#map").screenshot() != shot
    visible = page.locator("#tables .run-block:not(.hidden)")
    assert visible.count() == 1 and visible.get_attribute("data-run") == "no-cpc-2023"
    assert page.locator("#sankey path.band").count() >= 2
    page.select_option("#run-select", "baseline-2024")
    assert page.locator(cpc).get_attribute("stroke") == before


def test_zoom_changes_view(browser: Browser) -> None:
    page = browser.page
    svg = page.locator("#map-svg")
    before = svg.get_attribute("viewBox")
    box = svg.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_function(
        f"document.getElementById('map-svg').getAttribute('viewBox') != '{before}'"
    )
    after = svg.get_attribute("viewBox")
    assert after is not None and before is not None
    assert float(after.split()[2]) < float(before.split()[2])


def test_comparison_table_colours_deltas(browser: Browser) -> None:
    page = browser.page
    assert page.locator("#comparison table").count() == 1
    assert page.locator("#comparison span.neg").count() == 2
    assert page.locator("#comparison span.pos").count() == 1


def test_static_figures(written: Written) -> None:
    names = {p.name for p in written.paths[1:]}
    assert {"map.png", "map.svg", "bottlenecks.png", "deliveries.png"} <= names
    for path in written.paths[1:]:
        assert path.parent == written.figures and path.stat().st_size > 1000
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == PNG_SIGNATURE
            with Image.open(path) as image:
                width, height = image.size
            assert width > 400 and height > 200
        else:
            root = ElementTree.parse(path).getroot()
            assert root.tag.endswith("svg")


def test_rejects_unknown_source(written: Written, tmp_path: Path) -> None:
    run = written.runs[0]
    bad = ReportRun(run.name, run.title, run.description, run.network, run.results, ("S_NOPE",))
    with pytest.raises(ValueError, match="S_NOPE"):
        write_report([bad], tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()
