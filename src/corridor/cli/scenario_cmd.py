"""`corridor scenario list|show|validate` and `corridor compare`: what-if files and their deltas."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from corridor.cli.console import (
    EXIT_INVALID,
    DataOption,
    check_not_an_input,
    err_console,
    out_console,
    output_folder,
)
from corridor.cli.tables import rich_table
from corridor.dataset.network import load
from corridor.formats import format_quantity
from corridor.io.atomic import atomic_write_dir
from corridor.pipeline import run
from corridor.results.compare import Comparison, compare_scenarios
from corridor.scenario import ScenarioError, apply_scenario, read_scenario, shipped_scenarios

app = typer.Typer(help="What-if scenarios: list, show and validate scenario files.")

ScenarioArg = Annotated[str, typer.Argument(help="Shipped scenario name or path to a YAML file.")]


@app.command("list")
def list_scenarios() -> None:
    """List the shipped scenarios."""
    rows = []
    for file in shipped_scenarios():
        scenario = read_scenario(file)
        parent = scenario.lineage[-2].stem if len(scenario.lineage) > 1 else ""
        rows.append((scenario.name, scenario.year, parent, scenario.spec.title))
    frame = pd.DataFrame(rows, columns=["name", "year", "extends", "title"])
    out_console.print(rich_table("Shipped scenarios (corridor scenario show NAME)", frame, {}))


@app.command()
def show(scenario: ScenarioArg, data: DataOption = None) -> None:
    """Describe a scenario: its year, what it extends, its sources and every change it makes."""
    network = load(data)
    run = apply_scenario(scenario, network)
    spec = run.scenario.spec
    out_console.print(f"[bold]{run.name}[/]: {spec.title} ({run.scenario.year})")
    out_console.print(" -> ".join(p.stem for p in run.scenario.lineage), highlight=False)
    out_console.print(spec.description.strip(), markup=False, highlight=False)
    out_console.print("[bold]Changes to the dataset[/]")
    for change in run.changes or ("none: the dataset as shipped",):
        out_console.print(f"  - {change}", markup=False, highlight=False)
    if run.source_ids:
        out_console.print("[bold]Sources of the scenario[/]")
        sources = run.network.sources
        for source_id in run.source_ids:
            s = sources.loc[source_id]
            out_console.print(
                f"  {source_id}: {s['publisher']}, {s['title']} ({s['date']})",
                markup=False,
                highlight=False,
            )
            out_console.print(f"    {s['url']}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def validate(
    scenarios: Annotated[
        list[str] | None,
        typer.Argument(help="Scenario names or files (default: every shipped scenario)."),
    ] = None,
    data: DataOption = None,
) -> None:
    """Check scenario files and apply them to the dataset; exit 1 if any has a problem."""
    network = load(data)
    names = scenarios or [str(p) for p in shipped_scenarios()]
    failed = 0
    for name in names:
        try:
            run = apply_scenario(name, network)
        except ScenarioError as err:
            failed += 1
            err_console.print(f"[red]✗ {name}[/]")
            for problem in err.problems:
                err_console.print(f"    {problem}", markup=False, highlight=False)
            continue
        out_console.print(
            f"[green]✓[/] {run.name} ({run.scenario.year}): {len(run.changes)} change(s)",
            highlight=False,
        )
    if failed:
        err_console.print(f"{failed} of {len(names)} scenario(s) have problems")
        raise typer.Exit(EXIT_INVALID)


def unique_names(names: list[str]) -> None:
    """Scenarios compared side by side need distinct names."""
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise typer.BadParameter(
            f"scenario name(s) given twice: {', '.join(twice)} (files with the same name need "
            "a distinct `name:` key)",
            param_hint="SCENARIOS",
        )


#: Columns a narrow terminal leaves out of comparison tables (the CSV files keep them).
_SPARE_COLUMNS = ("name", "from_node", "to_node", "binds in", "shadow price unit", "kind", "route")


def _print_comparison(comparison: Comparison, *, show_all: bool, only: list[str]) -> None:
    for title in comparison.tables:
        if only and not any(word.lower() in title.lower() for word in only):
            continue
        shown = comparison.view(title, all_rows=show_all)
        if shown.empty:
            out_console.print(f"[dim]{title}: no change[/]")
            continue
        numbers = [c for c in shown.columns if pd.api.types.is_float_dtype(shown[c])]
        for column in numbers:
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else format_quantity(v))
        out_console.print(
            rich_table(title, shown, dict.fromkeys(numbers, ""), optional=_SPARE_COLUMNS)
        )


def _file_name(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") + ".csv"


def write_comparison(comparison: Comparison, folder: Path) -> None:
    """Write every comparison table as CSV into ``folder`` (atomically)."""

    def write(tmp: Path) -> None:
        for title, table in comparison.tables.items():
            table.to_csv(tmp / _file_name(title), index=False)

    atomic_write_dir(folder, write)


def compare(
    scenarios: Annotated[
        list[str],
        typer.Argument(help="Two or more scenario names or files; the first is the reference."),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder to write the tables as CSV.", callback=output_folder
        ),
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Show unchanged rows too.")] = False,
    table: Annotated[
        list[str] | None,
        typer.Option(
            "--table",
            "-t",
            help="Show only tables whose title contains this (repeatable): "
            "inputs, totals, delivered, unmet, binding, loadings, transit, agreements, costs.",
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Solve scenarios and show their differences side by side (Δ = scenario - first)."""
    if len(scenarios) < 2:
        raise typer.BadParameter("give at least two scenarios", param_hint="SCENARIOS")
    network = load(data)
    runs = [apply_scenario(name, network) for name in scenarios]
    unique_names([a.name for a in runs])
    files = [(name, a.scenario.lineage) for name, a in zip(scenarios, runs, strict=True)]
    check_not_an_input(out, data, files, scenario_option="")  # before the solves
    done = [run(network, applied) for applied in runs]
    comparison = compare_scenarios([(a, d.results) for a, d in zip(runs, done, strict=True)])
    _print_comparison(comparison, show_all=show_all, only=table or [])
    if out is not None:
        write_comparison(comparison, out)
        out_console.print(f"comparison written to {out}")
