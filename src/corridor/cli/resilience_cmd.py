"""`corridor resilience`: what failures cost (outage criticality, N-1 and N-k)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from corridor.cli.console import (
    DataOption,
    check_not_an_input,
    comma_list,
    out_console,
    output_folder,
    refuse_year_with_scenario,
)
from corridor.cli.tables import rich_table
from corridor.dataset.network import load
from corridor.formats import format_usd, quantity_with_unit
from corridor.options import SolveOptions

if TYPE_CHECKING:
    from corridor.resilience import Criticality

app = typer.Typer(help="Resilience: which failures cost most.", no_args_is_help=True)

#: Rows of the ranking shown in the terminal (every row is written with --out).
SHOWN: int = 15


def _shown(ranking: pd.DataFrame, top: int) -> pd.DataFrame:
    """The ranking as the terminal shows it: the cost in USD per year beside each outage."""
    head = ranking.head(top)
    return pd.DataFrame(
        {
            "#": head["rank"],
            "outage": head["outage"],
            "kind": head["kind"],
            "cost increase": head["cost_increase"].map(lambda v: format_usd(v) + "/yr"),
            "lost": head["lost"],
            "agreements short": head["agreements_short"],
            "takes over": head["takes_over"],
        }
    )


def _stranded_lines(criticality: Criticality) -> list[str]:
    """For each commodity, the outage that loses most of it."""
    lines = []
    lost = criticality.lost
    kinds = criticality.ranking.set_index("outage")["kind"]
    for commodity in sorted(lost["commodity"].unique()):
        row = criticality.most_stranded(commodity)
        amount = quantity_with_unit(float(row["lost"]), str(row["unit"]))
        lines.append(f"Most {commodity} lost: {row['outage']} ({kinds[row['outage']]}), {amount}")
    return lines


def outages(
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", help="Year modelled (default 2024, or the scenario's)."),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", "-s", help="Scenario name or YAML file (sets its year)."),
    ] = None,
    links: Annotated[
        str | None,
        typer.Option("--links", help="Links to fail one at a time, comma-separated (L_CPC,L_BTC)."),
    ] = None,
    nodes: Annotated[
        str | None,
        typer.Option("--nodes", help="Nodes to fail one at a time: every link touching one fails."),
    ] = None,
    together: Annotated[
        bool,
        typer.Option("--together", help="Fail the named links and nodes at once (N-k)."),
    ] = False,
    cut: Annotated[
        float, typer.Option("--cut", help="Percent of capacity lost during the outage.")
    ] = 100.0,
    days: Annotated[
        float, typer.Option("--days", help="Days of the year the outage lasts.")
    ] = 365.0,
    top: Annotated[int, typer.Option("--top", help="Rows of the ranking to show.")] = SHOWN,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder to write ranking, lost, markets, takeover and agreements (CSV, Parquet).",
            callback=output_folder,
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Rank single failures (N-1) by what they cost: volume lost, USD, agreements, takeover."""
    from corridor.resilience.outages import (  # the solver: only when the command runs
        Outage,
        link_outages,
        node_outages,
        outage_criticality,
        write_criticality,
    )

    network = load(data)
    if scenario is not None:
        refuse_year_with_scenario(year)
    check_not_an_input(out, data)
    named_links, named_nodes = comma_list(links), comma_list(nodes)
    chosen: list[Outage] | None = None
    if named_links or named_nodes:
        chosen = [
            *link_outages(network, named_links, cut_percent=cut, days=days),
            *node_outages(network, named_nodes, cut_percent=cut, days=days),
        ]
    elif together:
        raise typer.BadParameter(
            "name the links or nodes that fail together", param_hint="--together"
        )
    if together and chosen:
        members = tuple(dict.fromkeys(link for o in chosen for link in o.links))
        at = tuple(dict.fromkeys(node for o in chosen for node in o.nodes))
        chosen = [Outage("+".join([*named_links, *named_nodes]), "set", members, cut, days, at)]
    options = SolveOptions(year=2024 if year is None else year)
    criticality = outage_criticality(
        network, scenario, options, outages=chosen, cut_percent=cut, days=days
    )
    title = (
        f"Outages of {criticality.year}, most costly first ({len(criticality.ranking)} solved; "
        f"{cut:g} % of capacity for {days:g} days)"
    )
    shown = _shown(criticality.ranking, top)
    out_console.print(
        rich_table(
            title,
            shown,
            {"#": "", "cost increase": ""},
            optional=("takes over", "agreements short", "kind"),
        )
    )
    for line in _stranded_lines(criticality):
        out_console.print(line, highlight=False, markup=False)
    if out is not None:
        write_criticality(criticality, out)
        out_console.print(f"outages written to {out}")


app.command("outages")(outages)
