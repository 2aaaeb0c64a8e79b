"""`corridor report`: one offline HTML report of one or more scenarios, with slides' figures."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import pandas as pd
import typer

from corridor.cli.console import DataOption, check_not_an_input, out_console, output_folder
from corridor.cli.scenario_cmd import unique_names
from corridor.dataset.network import load
from corridor.io.atomic import check_output_file, check_output_folder, check_output_path
from corridor.pathway.view import read_plan_view
from corridor.pipeline import run
from corridor.results.compare import compare_scenarios
from corridor.scenario import AppliedScenario, apply_scenario

#: Most Monte Carlo draws per run of a report (the command's own limit is higher).
MAX_DRAWS: Final = 100_000

if TYPE_CHECKING:
    from corridor.pipeline import Run
    from corridor.report import ReportRun

# the tag report/assets/template.html puts in the page's <head>, before its inline style
_GENERATOR = re.compile(rb'<meta\s+name="generator"\s+content="corridor[\s"]', re.IGNORECASE)
_HEAD_BYTES: Final = 4096


def is_report_page(path: Path) -> bool:
    """Whether ``path`` is a report page corridor wrote: its head carries corridor's
    ``<meta name="generator">`` tag."""
    with path.open("rb") as file:
        head = file.read(_HEAD_BYTES)
    head = re.split(rb"<style|</head|<body", head, maxsplit=1, flags=re.IGNORECASE)[0]
    return _GENERATOR.search(head) is not None


def _check_outputs(
    out: Path,
    figures: Path,
    *,
    force: bool,
    data: Path | None,
    applied: list[tuple[str, AppliedScenario]],
    plans: list[Path],
) -> None:
    """Refuse a page or figures folder that is an input (the dataset, a scenario, a plan
    folder), a user's file or each other."""
    scenarios = [(name, run.scenario.lineage) for name, run in applied]
    check_not_an_input(out, data, scenarios, noun="file")
    folders = {folder: f"the plan folder --plan {folder}" for folder in plans}
    check_output_path(out, inputs=folders, option="--out", noun="file")
    check_output_path(figures, inputs=folders, option="--figures")
    check_output_file(out, is_own=is_report_page, force=force, option="--out")
    check_not_an_input(figures, data, scenarios, option="--figures")
    check_output_path(figures, inputs={out: f"the report page --out {out}"}, option="--figures")
    check_output_folder(figures, option="--figures")


def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            "-s",
            help="Scenario name or YAML file; repeat to compare (the first is the reference). "
            "Default: baseline-2024.",
        ),
    ] = None,
    figures: Annotated[
        Path | None,
        typer.Option(
            "--figures",
            help="Folder for the PNG/SVG map and charts (default: <out>-figures); replaced "
            "only when empty or corridor's own figures folder.",
            callback=output_folder,
        ),
    ] = None,
    title: Annotated[str, typer.Option(help="Title of the report.")] = "corridor report",
    outages: Annotated[
        bool,
        typer.Option(
            "--outages",
            help="Add each run's most costly single failures (corridor resilience outages).",
        ),
    ] = False,
    monte_carlo: Annotated[
        int | None,
        typer.Option(
            "--monte-carlo",
            help="Add each run's shortfall odds and criticality from this many Monte Carlo "
            "draws (corridor resilience monte-carlo; seed 0).",
        ),
    ] = None,
    plan: Annotated[
        list[Path] | None,
        typer.Option(
            "--plan",
            help="A folder written by corridor plan -o: its plan.yaml is a run of the report, "
            "with the plan's timeline and project values; repeat for several. Without "
            "--scenario the report shows only the plans.",
        ),
    ] = None,
    data: DataOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite an existing file at --out that corridor did not write. Never a "
            "folder: --figures replaces only an empty folder or corridor's own figures folder.",
        ),
    ] = False,
) -> None:
    """Write a self-contained HTML report: flow map, Sankey, bottlenecks, agreements, sources."""
    from corridor.report import ReportRun, write_report

    if monte_carlo is not None and not 1 <= monte_carlo <= MAX_DRAWS:
        raise typer.BadParameter(
            f"{monte_carlo} is not a number of draws in 1-{MAX_DRAWS:,}", param_hint="--monte-carlo"
        )
    network = load(data)
    plans = plan or []
    views = [read_plan_view(p, option="--plan") for p in plans]
    names = _run_names(scenario or [], plans)
    applied = [apply_scenario(name, network) for name in names]
    unique_names([a.name for a in applied])
    folder = figures or out.with_name(f"{out.stem}-figures")
    _check_outputs(  # before the solves
        out, folder, force=force, data=data, applied=list(zip(names, applied, strict=True)),
        plans=plans,
    )  # fmt: skip
    done = [run(network, a) for a in applied]
    runs = [ReportRun.of(d) for d in done]
    shown = len(runs) - len(views)
    runs[shown:] = [
        dataclasses.replace(r, pathway=v) for r, v in zip(runs[shown:], views, strict=True)
    ]
    if outages:
        from corridor.resilience import outage_criticality  # only when asked for

        runs = [
            dataclasses.replace(r, outages=outage_criticality(d.network, None, d.options).ranking)
            for r, d in zip(runs, done, strict=True)
        ]
    if monte_carlo is not None:
        runs = [_with_draws(r, d, monte_carlo) for r, d in zip(runs, done, strict=True)]
    solved = [(a, d.results) for a, d in zip(applied, done, strict=True)]
    comparison: dict[str, pd.DataFrame] | None = None
    if len(runs) > 1:
        full = compare_scenarios(solved)
        comparison = {table: full.view(table) for table in full.tables}
    written = write_report(runs, out, comparison=comparison, figures_dir=folder, title=title)
    out_console.print(f"report written to {written[0]}")
    out_console.print(f"figures for slides in {folder} ({len(written) - 1} files)")


def _run_names(scenarios: list[str], plans: list[Path]) -> list[str]:
    """The page's runs: the scenarios (baseline-2024 when neither they nor plans are given),
    then each plan folder's plan.yaml."""
    given = scenarios or ([] if plans else ["baseline-2024"])
    return [*given, *(str(p / "plan.yaml") for p in plans)]


def _with_draws(report_run: ReportRun, done: Run, draws: int) -> ReportRun:
    """The run with its Monte Carlo tables (``draws`` draws of its year, seed 0)."""
    from corridor.resilience import monte_carlo  # only when asked for

    mc = monte_carlo(done.network, None, done.options, draws=draws)
    tables = {**mc.tables, "unmet": mc.unmet, "settings": mc.settings}
    return dataclasses.replace(report_run, monte_carlo=tables)
