"""`corridor solve`: optimise the flows for a year and report them."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from corridor.cli.console import (
    DataOption,
    check_not_an_input,
    comma_list,
    out_console,
    output_folder,
    rich_table,
)
from corridor.io.results import write_results
from corridor.network import load
from corridor.optimize import Results, RouteRules, SolveOptions
from corridor.optimize import solve as run_solve
from corridor.scenario import apply_scenario

_WIDE = 120  # narrower consoles get the agreements as lines instead of a table


def print_results(results: Results, *, top: int = 15) -> None:
    """Print the readable summary of a solve."""
    out_console.print(
        f"[bold]corridor solve — year {results.year}[/]: {results.status}, "
        f"solved in {results.solve_seconds:.3f} s (objective {results.objective:,.6g}: costs "
        "and unmet-demand penalties minus the value of deliveries)"
    )
    if results.supply.empty and results.unmet.empty:
        out_console.print(f"[yellow]The dataset has no supply or demand for {results.year}.[/]")
    links = results.links[results.links["used"] > 0].copy()
    links["direction"] = links["from_node"] + " → " + links["to_node"]
    busiest = links.sort_values("used", ascending=False).head(top)
    out_console.print(
        rich_table(
            "Flows on the main corridors",
            busiest[["link_id", "name", "direction", "used", "capacity", "unit", "utilisation"]],
            {"used": ",.3f", "capacity": ",.3f", "utilisation": ".0%"},
        )
    )
    reached = results.markets[results.markets["delivered"] > 0]
    if not reached.empty:
        out_console.print(
            rich_table(
                "Delivered to world markets (open-market nodes)",
                reached[["node_id", "commodity", "delivered", "unit"]],
                {"delivered": ",.3f"},
            )
        )
    binding = results.binding.head(top)
    if binding.empty:
        out_console.print("No link capacity limits the result.")
    else:
        out_console.print(
            rich_table(
                "Bottlenecks: value of one more unit of capacity per year (shadow price)",
                binding[["link_id", "name", "capacity", "unit", "shadow_price"]],
                {"capacity": ",.3f", "shadow_price": ",.4g"},
            )
        )
    unmet = results.unmet[results.unmet["unmet"] > 0]
    if unmet.empty:
        out_console.print("[green]All demand is met.[/]")
    else:
        out_console.print(
            rich_table(
                "Unmet demand",
                unmet[
                    ["node_id", "commodity", "demand", "delivered", "unmet", "unit", "limited_by"]
                ],
                {"demand": ",.3f", "delivered": ",.3f", "unmet": ",.3f"},
            )
        )
    if results.agreements.empty:
        return
    if out_console.width >= _WIDE:
        columns = [
            "agreement_id",
            "delivered",
            "max_volume",
            "shortfall",
            "unit",
            "route",
            "countries",
            "blocked_by",
        ]
        out_console.print(
            rich_table(
                "Agreements and their routes",
                results.agreements[columns],
                {"delivered": ",.3f", "max_volume": ",.3f", "shortfall": ",.3f"},
            )
        )
        return
    out_console.print("[bold]Agreements and their routes[/]")
    for a in results.agreements.itertuples():
        if pd.isna(a.max_volume) and pd.isna(a.min_volume):
            out_console.print(f"  {a.agreement_id}: volume not disclosed", markup=False)
            continue
        target = "" if pd.isna(a.max_volume) else f" of {a.max_volume:,.3f}"
        line = f"{a.agreement_id}: {a.delivered:,.3f}{target} {a.unit}"
        if a.route:
            line += f" via {a.route} ({a.countries})"
        if a.blocked_by:
            line += f"; short {a.shortfall:,.3f}: {a.blocked_by}"
        out_console.print(f"  {line}", markup=False, highlight=False)


def solve(
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            help="Year modelled (default 2024, or the scenario's).",
            show_default=False,
        ),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario", "-s", help="Scenario name or YAML file (corridor scenario list)."
        ),
    ] = None,
    avoid: Annotated[
        str | None,
        typer.Option(
            "--avoid", help="Countries no flow may cross, comma-separated ISO codes (RU,CN)."
        ),
    ] = None,
    only_groups: Annotated[
        str | None,
        typer.Option("--only-groups", help="Only cross countries of these groups (OTS,EU)."),
    ] = None,
    avoid_links: Annotated[
        str | None,
        typer.Option(
            "--avoid-links", help="Links no flow may use (an outage), comma-separated ids (L_CPC)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder to write results (CSV, Parquet, summary.json).",
            callback=output_folder,
        ),
    ] = None,
    method: Annotated[str, typer.Option(help="HiGHS method: simplex, ipm or pdlp.")] = "simplex",
    data: DataOption = None,
) -> None:
    """Optimise the flows of a year: routes, bottlenecks, unmet demand, agreements."""
    network = load(data)
    options = SolveOptions(year=year or 2024)
    scenario_files: list[tuple[str, tuple[Path, ...]]] = []
    if scenario is not None:
        if year is not None:
            raise typer.BadParameter(
                "a scenario sets its own year; drop --year or change `year:` in the scenario",
                param_hint="--year",
            )
        run = apply_scenario(scenario, network)
        network, options = run.network, run.options
        out_console.print(f"scenario [bold]{run.name}[/]: {run.scenario.spec.title}")
        scenario_files.append((scenario, run.scenario.lineage))
    check_not_an_input(out, data, scenario_files)  # before the solve
    rules = RouteRules(avoid_links=frozenset(comma_list(avoid_links)))
    results = run_solve(
        network,
        year=year,
        avoid=comma_list(avoid),
        only_groups=comma_list(only_groups),
        options=dataclasses.replace(options, method=method, rules=options.rules.merged(rules)),
    )
    print_results(results)
    if out is not None:
        write_results(results, out)
        out_console.print(f"results written to {out}")
