"""The HTML report in a real headless Chromium (offline, no console errors, drawn figures) and
the static figures."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from playwright.sync_api import Browser as Chromium
from playwright.sync_api import Page, Route, sync_playwright

from corridor.options import RouteRules, SolveOptions
from corridor.pipeline import solve
from corridor.report import ReportRun, write_report
from corridor.report.html import RunSection, render_page
from corridor.report.palette import MODE_COLORS
from corridor.report.region import focus_bounds
from tests.conftest import shipped_network

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
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}


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
    net = shipped_network()
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
def chromium() -> Iterator[Chromium]:
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextmanager
def _opened(chromium: Chromium, written: Written, **page_options: Any) -> Iterator[Browser]:
    """The report in a new page that records console errors and blocks outside requests."""
    page = chromium.new_page(**page_options)
    state = Browser(page)

    def route(r: Route) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        else:
            state.outside.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: state.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: state.errors.append(str(e)))
    page.goto(written.html.as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    yield state
    page.close()
    # errors raised later by selectors, hovering or zooming count too
    assert state.errors == [] and state.outside == []


@pytest.fixture(scope="module")
def browser(chromium: Chromium, written: Written) -> Iterator[Browser]:
    with _opened(chromium, written, viewport=DESKTOP) as state:
        yield state


@pytest.fixture(scope="module")
def phone(chromium: Chromium, written: Written) -> Iterator[Browser]:
    """The report on a phone: 390 px wide, touch, the meta viewport honoured."""
    with _opened(chromium, written, viewport=PHONE, is_mobile=True, has_touch=True) as state:
        yield state


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


Box = tuple[float, float, float, float]  # left, top, right, bottom in CSS pixels

#: Where the map's nodes and drawn labels are on screen, and the map's own box.
_MAP_GEOMETRY = """() => {
  const box = e => {
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const nodes = {}, labels = {};
  document.querySelectorAll('#map circle.node').forEach(c => {
    const b = box(c); nodes[c.dataset.id] = [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
  });
  document.querySelectorAll('#map text.label').forEach(t => {
    if (getComputedStyle(t).display !== 'none') { labels[t.dataset.id] = box(t); }
  });
  return { map: box(document.getElementById('map')), nodes: nodes, labels: labels };
}"""


def _map_geometry(page: Page) -> dict[str, Any]:
    geometry: dict[str, Any] = page.evaluate(_MAP_GEOMETRY)
    return geometry


def _inside(box: Sequence[float], frame: Sequence[float]) -> bool:
    """Whether a point (x, y) or a box lies within a frame box."""
    x0, y0, x1, y1 = (*box, *box) if len(box) == 2 else box
    return frame[0] <= x0 and x1 <= frame[2] and frame[1] <= y0 and y1 <= frame[3]


def _view_span_deg(page: Page, written: Written) -> float:
    """Degrees of longitude across the map, from where two nodes far apart are drawn."""
    lon = {n["id"]: n["lon"] for n in _embedded(written)["runs"][0]["nodes"]}
    geo = _map_geometry(page)
    west, east = geo["nodes"]["T_CEYHAN"], geo["nodes"]["C_ATYRAU"]
    px_per_deg = (east[0] - west[0]) / (lon["C_ATYRAU"] - lon["T_CEYHAN"])
    return float((geo["map"][2] - geo["map"][0]) / px_per_deg)


class _Markup(HTMLParser):
    """The start tags of a served page with their attributes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _csp(text: str) -> dict[str, list[str]]:
    """The page's Content-Security-Policy, directive -> sources."""
    metas = [
        a for t, a in _Markup(text).tags
        if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"
    ]  # fmt: skip
    assert len(metas) == 1
    directives = [d.split() for d in str(metas[0]["content"]).split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


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


def test_map_opens_on_the_caspian_black_sea_region(browser: Browser, written: Written) -> None:
    geo = _map_geometry(browser.page)
    assert _view_span_deg(browser.page, written) < 45  # the whole network spans ~115°
    for node in ("T_CEYHAN", "C_ATYRAU", "F_TENGIZ", "P_CONSTANTA", "P_AKTAU", "T_SANGACHAL"):
        assert _inside(geo["nodes"][node], geo["map"]), node
    for node in ("C_XIAN", "P_ROTTERDAM"):
        assert not _inside(geo["nodes"][node], geo["map"]), node


def test_default_view_labels_the_caspian_without_overlaps(
    browser: Browser, written: Written
) -> None:
    geo = _map_geometry(browser.page)
    drawn = {k: b for k, b in geo["labels"].items() if _inside(b, geo["map"])}
    assert {"T_SANGACHAL", "P_AKTAU"} <= set(drawn)
    major = {n["id"] for n in _embedded(written)["runs"][0]["nodes"] if n["major"]}
    in_view = {k for k in major if _inside(geo["nodes"][k], geo["map"])}
    assert len(in_view & set(drawn)) >= 0.8 * len(in_view) >= 8
    boxes = list(drawn.values())
    for i, a in enumerate(boxes):  # 1 px of antialiasing allowed
        for b in boxes[i + 1 :]:
            assert min(a[2], b[2]) - max(a[0], b[0]) <= 1 or min(a[3], b[3]) - max(a[1], b[1]) <= 1


def test_whole_network_button_shows_every_node(browser: Browser, written: Written) -> None:
    page = browser.page
    page.click("#map-whole")
    geo = _map_geometry(page)
    assert len(geo["nodes"]) == len(_embedded(written)["runs"][0]["nodes"])
    assert all(_inside(xy, geo["map"]) for xy in geo["nodes"].values())
    page.click("#map-corridor")
    assert _view_span_deg(page, written) < 45


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


def test_phone_page_does_not_scroll_sideways(phone: Browser) -> None:
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_phone_map_is_not_a_strip(phone: Browser) -> None:
    top, bottom = phone.page.evaluate(
        """() => {
          const m = document.getElementById('map').getBoundingClientRect();
          const land = [...document.querySelectorAll('#map path.country')]
            .map(p => p.getBoundingClientRect());
          return [Math.max(m.top, Math.min(...land.map(r => r.top))),
                  Math.min(m.bottom, Math.max(...land.map(r => r.bottom)))];
        }"""
    )
    box = phone.page.locator("#map").bounding_box()
    assert box is not None and box["height"] >= 300
    assert bottom - top >= 300  # countries fill the box's height, not a band across it


def test_phone_map_view_survives_turning_the_phone(phone: Browser) -> None:
    page = phone.page
    svg = page.locator("#map-svg")
    before = svg.get_attribute("viewBox")
    for size in ({"width": PHONE["height"], "height": PHONE["width"]}, PHONE):
        page.set_viewport_size(size)
        page.wait_for_function(f"window.innerWidth === {size['width']}")
        page.evaluate("new Promise(requestAnimationFrame)")
    after = svg.get_attribute("viewBox")
    assert before is not None and after is not None
    assert np.allclose([float(v) for v in after.split()], [float(v) for v in before.split()])


def test_phone_tables_scroll_inside_their_box(phone: Browser) -> None:
    boxes = phone.page.evaluate(
        """() => [...document.querySelectorAll('table')].map(t => {
          const w = t.parentElement;
          return { wrapped: w.classList.contains('table-wrap'),
                   overflow: getComputedStyle(w).overflowX,
                   right: w.getBoundingClientRect().right,
                   scrolls: w.scrollWidth > w.clientWidth };
        })"""
    )
    assert len(boxes) >= 5
    assert all(b["wrapped"] and b["overflow"] == "auto" for b in boxes)
    assert all(b["right"] <= PHONE["width"] for b in boxes)
    assert any(b["scrolls"] for b in boxes)  # a wide table scrolls in its box, not the page


def test_phone_sankey_keeps_its_size_and_scrolls_in_its_box(phone: Browser) -> None:
    host = phone.page.locator("#sankey").bounding_box()
    drawing = phone.page.locator("#sankey svg").bounding_box()
    assert host is not None and drawing is not None
    assert host["x"] + host["width"] <= PHONE["width"]
    assert drawing["width"] >= 700  # labels stay readable: scaled to at least 700/1100
    assert phone.page.evaluate(
        "(e => e.scrollWidth > e.clientWidth)(document.getElementById('sankey'))"
    )


def test_csp_allows_only_the_pages_own_script_and_style(written: Written) -> None:
    text = written.html.read_text(encoding="utf-8")
    csp = _csp(text)
    script = re.findall(r"<script>(.*?)</script>", text, re.S)
    style = re.findall(r"<style>(.*?)</style>", text, re.S)
    assert len(script) == 1 and len(style) == 1
    assert csp["script-src"] == [_sha256_source(script[0])]
    assert csp["style-src"] == [_sha256_source(style[0])]
    assert csp["default-src"] == ["'none'"] and csp["img-src"] == ["data:"]
    assert all("'unsafe-inline'" not in sources for sources in csp.values())


def test_source_links_open_without_opener_or_referrer(browser: Browser) -> None:
    rels = browser.page.eval_on_selector_all(
        'a[href^="http"]', "links => links.map(a => a.getAttribute('rel') || '')"
    )
    assert len(rels) > 20
    assert all({"noopener", "noreferrer"} <= set(rel.split()) for rel in rels)


def test_markup_has_no_inline_style_or_event_handlers(written: Written) -> None:
    tags = _Markup(written.html.read_text(encoding="utf-8")).tags
    assert len(tags) > 100
    inline = [(t, a) for t, a in tags for name in a if name == "style" or name.startswith("on")]
    assert inline == []


def test_focus_bounds_leaves_out_the_long_arms() -> None:
    core = [(40.0 + i, 40.0 + i % 3) for i in range(8)]  # lon 40-47, lat 40-42
    arms = [(4.5, 51.9), (108.9, 34.3)]  # Rotterdam, Xi'an
    assert focus_bounds(core + arms, share=0.8, margin_deg=1.0) == (39.0, 39.0, 48.0, 43.0)
    assert focus_bounds([]) is None
    with pytest.raises(ValueError, match="share"):
        focus_bounds(core, share=0.0)


def test_data_cannot_end_its_script_element(written: Written) -> None:
    evil = "</script><script>alert(1)</script><!--"
    data = {"title": evil, "bounds": [0.0, 0.0, 1.0, 1.0], "basemap": [], "modes": {}, "runs": []}
    run = RunSection("r", evil, evil, {}, {}, [])
    page = render_page(title=evil, generated="now", version="0", runs=[run], data=data)
    scripts = [a for t, a in _Markup(page).tags if t == "script"]
    assert len(scripts) == 2  # the data and the page's own script, nothing injected
    block = re.search(r'id="corridor-data">(.*?)</script>', page, re.S)
    assert block is not None and json.loads(block.group(1))["title"] == evil


def test_bottlenecks_say_in_usd_what_capacity_is_worth(written: Written) -> None:
    html = written.html.read_text(encoding="utf-8")
    # TAP in 2024: one more bcm/yr reaches Italy, worth the 2024 TTF price
    assert "USD 398 million/yr per bcm/yr" in html
    # the penalty (1e10 per unit) and the priority of world markets (1e8) are never shown
    assert "1.00×10<sup>10</sup>" not in html and "1.00×10<sup>8</sup>" not in html
    assert "USD-equivalent" not in html and "penalty" not in html.lower()
    assert "<h3>The answer</h3>" in html and "Reaches demand and world markets" in html


def test_tooltip_gives_capacity_use_and_worth_with_units(browser: Browser) -> None:
    page = browser.page
    page.locator('#map g.link-group[data-id="L_BTC"] path.link-hit').hover(force=True)
    text = page.locator("#tooltip").inner_text()
    assert "30.45 Mt/yr (61 %)" in text and "nothing more: the capacity does not bind" in text
    page.mouse.move(2, 2)


def test_bottleneck_chart_labels_are_usd_not_penalties(written: Written) -> None:
    from corridor.report.static import bottlenecks_figure

    fig = bottlenecks_figure(written.runs[0].results)
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("USD 398 million/yr per bcm/yr" in label for label in labels)
    assert not any("e+" in label for label in labels)


def test_each_run_sets_the_model_against_the_record_of_its_year(written: Written) -> None:
    html = written.html.read_text(encoding="utf-8")
    assert "Model against the record (within ±10 %)" in html
    for obs_id, run in (("O_CPC_2024", "baseline-2024"), ("O_CPC_2023", "no-cpc-2023")):
        assert f"<code>{obs_id}</code>" in html
        (source,) = written.runs[0].network.observations.loc[obs_id, "sources"]
        assert f'href="#src-{run}-{source}"' in html and f'id="src-{run}-{source}"' in html
    # CPC closed all 2023: no Kazakh crude on L_CPC against the 56 Mt/yr on record
    row = re.search(r"<code>O_CPC_KZ_2023</code>.*?</tr>", html, flags=re.S)
    assert row and "56" in row.group(0)
    assert "-100.0 %" in row.group(0) and "outside" in row.group(0)


def test_the_record_chart_puts_one_dot_per_compared_item(written: Written) -> None:
    html = written.html.read_text(encoding="utf-8")
    charts = re.findall(r'<svg class="record".*?</svg>', html, flags=re.S)
    assert len(charts) == 2  # one per run
    dots = re.findall(r"<title>(O_\w+): model ([\d.]+) % of observed</title>", charts[1])
    assert ("O_CPC_KZ_2023", "0.0") in dots  # CPC closed in the second run
    observations = written.runs[0].network.observations
    observed_2023 = observations.index[observations["year"] == 2023]
    assert {d for d, _ in dots} == set(observed_2023)
