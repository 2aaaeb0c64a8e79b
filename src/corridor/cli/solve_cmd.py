"""`corridor solve`: optimise the flows for a year and report them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.padding import Padding

from corridor.cli.console import (
    DataOption,
    check_not_an_input,
    out_console,
    output_folder,
    refuse_year_with_scenario,
    route_rules,
)
from corridor.cli.tables import rich_table
from corridor.dataset.network import Network, load
from corridor.formats import format_quantity, format_usd, quantity_with_unit
from corridor.options import SolveOptions
from corridor.pipeline import run
from corridor.results import Results
from corridor.results.extract import per_unit
from corridor.results.headline import headline
from corridor.results.write import write_results
from corridor.routing.inputs import check_year
from corridor.scenario import Scenario, apply_scenario

_WIDE = 120  # narrower consoles get the agreements as lines instead of a table


def _amount(value: float, unit: object) -> str:
    return quantity_with_unit(float(value), str(unit) if isinstance(unit, str) else "")


def _flows_shown(results: Results, top: int) -> pd.DataFrame:
    """The largest flows of each commodity per link and direction, with the link's capacity
    use in the capacity's unit."""
    keys = ["link_id", "from_node", "to_node", "reverse", "commodity", "unit"]
    flows = results.flows.groupby(keys, as_index=False)["flow"].sum()
    each = max(3, top // max(flows["commodity"].nunique(), 1))
    flows = flows.sort_values(["commodity", "flow"], ascending=[True, False])
    flows = flows.groupby("commodity").head(each)
    capacity = results.links.set_index(["link_id", "reverse"])
    used = []
    for link, reverse in zip(flows["link_id"], flows["reverse"], strict=True):
        row = capacity.loc[(link, reverse)] if (link, reverse) in capacity.index else None
        if row is None or pd.isna(row["capacity"]):
            used.append("no capacity in the data")
            continue
        used.append(f"{row['utilisation']:.0%} of {_amount(row['capacity'], row['unit'])}")
    names = results.links.drop_duplicates("link_id").set_index("link_id")["name"]
    return pd.DataFrame(
        {
            "link": flows["link_id"],
            "name": flows["link_id"].map(names),
            "direction": flows["from_node"] + " → " + flows["to_node"],
            "commodity": flows["commodity"],
            "flow": [_amount(f, u) for f, u in zip(flows["flow"], flows["unit"], strict=True)],
            "capacity used": used,
        }
    )


def _bottlenecks(results: Results, top: int) -> pd.DataFrame:
    binding = results.binding.head(top)
    return pd.DataFrame(
        {
            "link": binding["link_id"],
            "name": binding["name"],
            "capacity": [
                _amount(c, u) for c, u in zip(binding["capacity"], binding["unit"], strict=True)
            ],
            "one more unit is worth": [
                f"{format_usd(p)}/yr per {per_unit(u)}/yr" if pd.notna(p) else "no USD price"
                for p, u in zip(binding["shadow_price"], binding["unit"], strict=True)
            ],
        }
    )


def _unmet(results: Results) -> pd.DataFrame:
    unmet = results.unmet[results.unmet["unmet"] > 0]
    return pd.DataFrame(
        {
            "node": unmet["node_id"],
            "commodity": unmet["commodity"],
            "unmet": [_amount(v, u) for v, u in zip(unmet["unmet"], unmet["unit"], strict=True)],
            "of demand": [
                _amount(v, u) for v, u in zip(unmet["demand"], unmet["unit"], strict=True)
            ],
            "limited by": unmet["limited_by"],
        }
    )


def _print_agreements(results: Results) -> None:
    out_console.print("[bold]Agreements and their routes[/]")
    for a in results.agreements.itertuples():
        if pd.isna(a.max_volume) and pd.isna(a.min_volume):
            out_console.print(f"  {a.agreement_id}: volume not disclosed", markup=False)
            continue
        target = "" if pd.isna(a.max_volume) else f" of {format_quantity(a.max_volume)}"
        line = f"{a.agreement_id}: {format_quantity(a.delivered)}{target} {a.unit}"
        if a.route:
            line += f" via {a.route} ({a.countries})"
        if a.blocked_by:
            line += f"; short {format_quantity(a.shortfall)}: {a.blocked_by}"
        out_console.print(f"  {line}", markup=False, highlight=False)


def print_targets(scenario: Scenario, network: Network, results: Results) -> None:
    """Each delivery target of the scenario (``targets:``, which `corridor plan` holds) against
    the solve's flow through its links."""
    from corridor.pathway.plan import delivery_goals

    goals, _ = delivery_goals(scenario, network)
    for g in goals:
        links = ", ".join(g.links)
        if results.year < g.year:
            out_console.print(
                f"target {g.name}: {g.value:g} {g.unit} through {links}, due {g.year}"
            )
            continue
        used = float(results.links.loc[results.links["link_id"].isin(g.links), "used"].sum())
        verdict = "reached" if used >= g.value - 1e-6 else f"short by {g.value - used:.4g} {g.unit}"
        out_console.print(
            f"target {g.name}: {used:.4g} of {g.value:g} {g.unit} through {links} ({verdict})"
        )


def print_results(network: Network, results: Results, *, top: int = 15) -> None:
    """Print the answer in words, then the tables of a solve."""
    out_console.print(
        f"[bold]corridor solve — {results.year}[/]: {results.status} "
        f"({results.solve_seconds:.3f} s)"
    )
    for line in headline(network, results):
        out_console.print(Padding(line, (0, 0, 0, 2)), highlight=False)
    for warning in results.warnings:
        out_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if not results.flows.empty:
        out_console.print(
            rich_table(
                "Flows on the main corridors (per commodity; capacity in its own unit)",
                _flows_shown(results, top),
                {"flow": "", "capacity used": ""},
                optional=("name", "direction", "capacity used"),
            )
        )
    reached = results.markets[results.markets["delivered"] > 0]
    if not reached.empty:
        shown = pd.DataFrame(
            {
                "node": reached["node_id"],
                "commodity": reached["commodity"],
                "delivered": [
                    _amount(v, u)
                    for v, u in zip(reached["delivered"], reached["unit"], strict=True)
                ],
            }
        )
        out_console.print(rich_table("Delivered to world markets", shown, {"delivered": ""}))
    if not results.binding.empty:
        out_console.print(
            rich_table(
                "Bottlenecks: what one more unit of capacity a year is worth (sourced prices "
                "less known tariffs)",
                _bottlenecks(results, top),
                {"capacity": "", "one more unit is worth": ""},
                optional=("name",),
            )
        )
    if (results.unmet["unmet"] > 0).any():
        out_console.print(
            rich_table(
                "Unmet demand",
                _unmet(results),
                {"unmet": "", "of demand": ""},
                optional=("of demand",),
            )
        )
    if results.agreements.empty:
        return
    if out_console.width < _WIDE:
        _print_agreements(results)
        return
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
            {"delivered": ",.4g", "max_volume": ",.4g", "shortfall": ",.4g"},
        )
    )


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
            "--avoid",
            help="Countries no flow may cross, comma-separated: ISO codes, English names or "
            "group ids (RU,CN or Russia or EU).",
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
    applied = None
    if scenario is not None:
        refuse_year_with_scenario(year)
        applied = apply_scenario(scenario, network)  # checked before anything is solved
        out_console.print(f"scenario [bold]{applied.name}[/]: {applied.scenario.spec.title}")
        check_not_an_input(out, data, [(scenario, applied.scenario.lineage)])
    else:
        check_not_an_input(out, data)
        check_year(network, year or 2024, label="--year")
    rules = route_rules(applied.network if applied else network, avoid, only_groups, avoid_links)
    done = run(network, applied, SolveOptions(year=year or 2024, method=method), rules=rules)
    network, results = done.network, done.results
    print_results(network, results)
    if applied is not None:
        print_targets(applied.scenario, network, results)
    if out is not None:
        write_results(results, out)
        out_console.print(f"results written to {out}")
