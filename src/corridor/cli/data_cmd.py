"""`corridor data show|export`: look at a dataset and write it for GIS tools."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.columns import Columns
from rich.table import Table

from corridor.cli.console import DataOption, check_not_an_input, out_console
from corridor.cli.tables import rich_table
from corridor.dataset.network import load
from corridor.dataset.summary import count_by, main_capacities
from corridor.formats import quantity_with_unit
from corridor.io.export import export_network

app = typer.Typer(help="Look at a dataset and export it.", no_args_is_help=True)


class ExportFormat(StrEnum):
    """Formats of `corridor data export`."""

    geojson = "geojson"
    gpkg = "gpkg"
    csv = "csv"


def _count_table(title: str, counts: pd.Series) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(str(counts.index.name or "value"))
    table.add_column("n", justify="right")
    for key, n in counts.items():
        table.add_row(str(key), str(n))
    return table


@app.command()
def show(data: DataOption = None) -> None:
    """Summarise a dataset: nodes and links by kind, mode, status, country; main capacities."""
    net = load(data)
    out_console.print(
        f"[bold]{net!r}[/]  {len(net.supply)} supply rows, {len(net.demand)} demand "
        f"rows, {len(net.observations)} observations, {len(net.outages)} recorded outages, "
        f"{len(net.projects)} candidate projects, {len(net.sources)} sources, "
        f"{len(net.provenance)} sourced figures"
    )
    out_console.print(
        Columns(
            [
                _count_table("nodes by kind", count_by(net.nodes, "kind").rename_axis("kind")),
                _count_table(
                    "nodes by country", count_by(net.nodes, "country").rename_axis("country")
                ),
                _count_table("links by mode", count_by(net.links, "mode").rename_axis("mode")),
                _count_table(
                    "links by status", count_by(net.links, "status").rename_axis("status")
                ),
                _count_table(
                    "links by commodity",
                    count_by(net.links, "commodities").rename_axis("commodity"),
                ),
            ]
        )
    )
    caps = main_capacities(net)
    shown = pd.DataFrame(
        {
            "commodity": caps["commodity"],
            "link": caps["link_id"],
            "capacity": [
                quantity_with_unit(v, u)
                for v, u in zip(caps["capacity"], caps["capacity_unit"], strict=True)
            ],
            "canonical": [
                quantity_with_unit(v, u)
                for v, u in zip(caps["capacity_canonical"], caps["canonical_unit"], strict=True)
            ],
            "status": caps["status"],
            "mode": caps["mode"],
            "countries": caps["countries"],
            "name": caps["name"],
        }
    )
    if (shown["capacity"] == shown["canonical"]).all():
        shown = shown.drop(columns="canonical")
    out_console.print(
        rich_table(
            "Main corridors: largest sourced capacities",
            shown,
            {"capacity": "", "canonical": ""},
            optional=("name", "countries", "mode", "status", "canonical"),
        )
    )
    n_warn = len(net.report.warnings) if net.report else 0
    if n_warn:
        out_console.print(f"[yellow]{n_warn} validation warning(s)[/]: run `corridor validate`.")


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File (geojson, gpkg) or folder (csv) to write.")
    ],
    data: DataOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite an existing geojson or gpkg file that corridor did not write. "
            "Never a folder: a csv export replaces only an empty folder or corridor's own "
            "earlier output holding just the files it wrote.",
        ),
    ] = False,
) -> None:
    """Write the network for GIS tools (GeoJSON, GeoPackage) or as CSV dataset files."""
    net = load(data)
    noun = "folder" if fmt is ExportFormat.csv else "file"
    check_not_an_input(output, data, option="--output", noun=noun)
    target = export_network(net, output, fmt.value, force=force)
    out_console.print(f"wrote {fmt.value} to {target}")
