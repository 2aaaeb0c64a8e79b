"""The report's pathway section (issue 15 §4): a plan folder shown by `corridor report --plan`,
the same section from a Plan and from its folder, the timeline drawn in a real browser under the
page's content security policy, and bad plan folders."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import sync_playwright

import corridor
from corridor.pathway.plan import Plan, plan
from corridor.pathway.view import plan_view, read_plan_view
from corridor.pathway.write import write_plan
from corridor.report.pathway import PATHWAY_TITLE, pathway_section
from tests.cli.runner import run as run_cli
from tests.pathway.conftest import SETTINGS, target_scenario
from tests.test_report import CHROMIUM_ARGS, _chromium


@pytest.fixture
def planned(folder: Path, tmp_path: Path) -> tuple[Path, Path, Plan]:
    """The tiny network's plan for 8 Mt/yr at C (three quarters of SMALL), written to a folder."""
    network = corridor.load(folder)
    done = plan(network, target_scenario(folder, 8), SETTINGS)
    return folder, write_plan(done, network, tmp_path / "plan"), done


def test_report_shows_the_plan(planned: tuple[Path, Path, Plan], tmp_path: Path) -> None:
    data, plan_dir, _ = planned
    page = tmp_path / "report.html"
    done = run_cli("report", "--plan", str(plan_dir), "--data", str(data), "-o", str(page))
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    section = html[html.index(PATHWAY_TITLE) : html.index("Bottlenecks: links whose")]
    assert "Capital USD 22.5 million in all" in section
    assert re.search(r"<code>P_SMALL</code></td><td>P_SMALL</td><td class=num>2023</td>"
                     r"<td class=num>2024</td><td class=num>75 %</td><td class=num>3 Mt/yr</td>",
                     section)  # fmt: skip
    assert "<code>P_BIG</code></td><td>not built</td>" in section  # valued, not built
    image = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', section)
    assert image is not None
    svg = base64.b64decode(image.group(1)).decode("utf-8")
    assert svg == (plan_dir / "timeline.svg").read_text(encoding="utf-8")
    assert "P_SMALL +3 Mt/yr" in svg
    assert "baseline-2024" not in html  # --plan alone: the report shows only the plan


def test_the_section_from_a_plan_is_the_section_from_its_folder(
    planned: tuple[Path, Path, Plan],
) -> None:
    _, plan_dir, done = planned
    assert pathway_section(plan_view(done)) == pathway_section(read_plan_view(plan_dir))


def test_the_timeline_draws_in_a_browser(planned: tuple[Path, Path, Plan], tmp_path: Path) -> None:
    """The data: image passes the page's content security policy and is drawn."""
    data, plan_dir, _ = planned
    page_file = tmp_path / "report.html"
    done = run_cli("report", "--plan", str(plan_dir), "--data", str(data), "-o", str(page_file))
    assert done.returncode == 0, done.stderr
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=15_000)
        width = page.eval_on_selector("img.timeline", "img => img.complete && img.naturalWidth")
        browser.close()
    assert width and width > 200
    assert errors == []


def _edit_summary(folder: Path, **changes: object) -> Path:
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    (folder / "summary.json").write_text(json.dumps({**summary, **changes}), encoding="utf-8")
    return folder


def _drop_column(folder: Path, table: str, column: str) -> Path:
    frame = pd.read_parquet(folder / f"{table}.parquet")
    frame.drop(columns=column).to_parquet(folder / f"{table}.parquet")
    return folder


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing", "--plan {d}/missing: not a folder"),
        (lambda d: (d / "plan.yaml"), "--plan {d}/plan.yaml: not a folder"),
        (lambda d: (d / "empty").mkdir() or d / "empty", "not a plan folder of corridor plan"),
        (lambda d: (d / "summary.json").write_text("{") and d, "cannot be read as a plan summary"),
        (lambda d: (d / "values.parquet").write_text("x") and d, "cannot be read as a plan table"),
        (lambda d: _edit_summary(d, target_year="2024"), "not the summary.json of corridor plan"),
        (lambda d: _drop_column(d, "builds", "share"), "not a plan table of corridor plan (no sh"),
    ],
)  # fmt: skip
def test_bad_plan_folders_are_clear_errors(
    planned: tuple[Path, Path, Plan], tmp_path: Path, make: object, message: str
) -> None:
    data, plan_dir, _ = planned
    given = make(plan_dir)  # type: ignore[operator]
    page = tmp_path / "out" / "report.html"
    done = run_cli("report", "--plan", str(given), "--data", str(data), "-o", str(page))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert message.format(d=plan_dir) in " ".join(done.stderr.split())
    assert not page.exists()


def test_the_page_may_not_be_written_into_the_plan_folder(
    planned: tuple[Path, Path, Plan],
) -> None:
    data, plan_dir, _ = planned
    page = plan_dir / "report.html"
    done = run_cli("report", "--plan", str(plan_dir), "--data", str(data), "-o", str(page))
    assert done.returncode == 2 and "lies inside the plan folder --plan" in done.stderr
    assert not page.exists()
