"""`corridor resilience`: what failures cost (outage criticality, N-1 and N-k) and how likely
a shortfall is (Monte Carlo)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from corridor.cli.console import (
    DataOption,
    check_not_an_input,
    comma_list,
    err_console,
    out_console,
    output_folder,
    refuse_year_with_scenario,
)
from corridor.cli.tables import rich_table
from corridor.dataset.network import Network, load
from corridor.formats import format_usd, quantity_with_unit
from corridor.options import SolveOptions

if TYPE_CHECKING:
    from corridor.resilience import Criticality, MonteCarlo

app = typer.Typer(help="Resilience: which failures cost most.", no_args_is_help=True)

YearOption = Annotated[
    int | None,
    typer.Option("--year", "-y", help="Year modelled (default 2024, or the scenario's)."),
]
ScenarioOption = Annotated[
    str | None,
    typer.Option("--scenario", "-s", help="Scenario name or YAML file (sets its year)."),
]

#: Rows of the ranking shown in the terminal (every row is written with --out).
SHOWN: int = 15


def _prepared(
    data: Path | None, scenario: str | None, year: int | None, out: Path | None
) -> tuple[Network, SolveOptions]:
    """The dataset and the year's options of a command, its settings checked first."""
    network = load(data)
    if scenario is not None:
        refuse_year_with_scenario(year)
    check_not_an_input(out, data)
    return network, SolveOptions(year=2024 if year is None else year)


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
    year: YearOption = None,
    scenario: ScenarioOption = None,
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

    network, options = _prepared(data, scenario, year, out)
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


def _percent(p: float, se: float) -> str:
    return f"{100 * p:.1f} %±{100 * se:.1f}"


def _shortfall_shown(run: MonteCarlo) -> pd.DataFrame:
    """Per market: the chance of a shortfall and of one worse than the intact year's, and the
    unmet demand (mean ± standard error, P95), each with its unit."""
    t = run.shortfall
    with_unit = [
        lambda r: f"{quantity_with_unit(r.unmet_mean, r.unit)} ±{r.unmet_se:.2g}",
        lambda r: quantity_with_unit(r.unmet_p95, r.unit),
        lambda r: quantity_with_unit(r.intact_unmet, r.unit),
    ]
    rows = list(t.itertuples())
    return pd.DataFrame(
        {
            "market": t["node_id"],
            "commodity": t["commodity"],
            "P(short)": [_percent(r.shortfall_probability, r.probability_se) for r in rows],
            "P(worse)": [_percent(r.worse_probability, r.worse_se) for r in rows],
            "unmet (mean)": [with_unit[0](r) for r in rows],
            "unmet (P95)": [with_unit[1](r) for r in rows],
            "intact unmet": [with_unit[2](r) for r in rows],
        }
    )


def _criticality_shown(run: MonteCarlo, top: int) -> pd.DataFrame:
    t = run.criticality.head(top)
    return pd.DataFrame(
        {
            "link": t["link_id"],
            "criticality index": (100 * t["criticality_index"]).map("{:.1f} % of draws".format),
            "lost capacity": (100 * t["out_share"]).map("{:.1f} % of draws".format),
            "capacity lost (mean)": (100 * t["capacity_lost_mean"]).map("{:.2f} %".format),
            "binds": (100 * t["binding_share"]).map("{:.1f} % of draws".format),
        }
    )


def _cost_line(run: MonteCarlo) -> str:
    cost = run.cost.set_index("statistic")["cost_increase"]
    return (
        f"Cost increase over the intact year: mean {format_usd(cost['mean'])}/yr "
        f"(± {format_usd(cost['standard_error'])}), P5 {format_usd(cost['p5'])}/yr, "
        f"P95 {format_usd(cost['p95'])}/yr"
    )


def monte_carlo(
    draws: Annotated[int, typer.Option("--draws", "-n", help="Number of draws (1-1,000,000).")],
    year: YearOption = None,
    scenario: ScenarioOption = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed: the same seed, the same draws.")] = 0,
    arrival: Annotated[
        float,
        typer.Option(
            "--arrival",
            help="Probability that each project due by the year runs (1: as the data says).",
        ),
    ] = 1.0,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on the Dask cluster at this address (tcp://...)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Local worker processes (default: every core)."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the interrupted run stored in --out.")
    ] = False,
    top: Annotated[int, typer.Option("--top", help="Links of the criticality table shown.")] = 10,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder of the run: batches as they finish, then shortfall, criticality, cost "
            "and convergence (CSV, Parquet).",
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """How likely a shortfall is: draws of the data's uncertain ranges, its outage history and
    the projects due, each a warm re-solve."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from corridor.resilience.montecarlo import monte_carlo as run_monte_carlo

    network, options = _prepared(data, scenario, year, out)
    with Progress(
        TextColumn("draws"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("draws", total=draws, rate="")

        def progress(done: int, total: int) -> None:
            speed = bar.tasks[0].speed
            rate = f"{speed:,.0f} draws/s" if speed else ""
            bar.update(task, completed=done, total=total, rate=rate)

        run = run_monte_carlo(
            network,
            scenario,
            options,
            draws=draws,
            seed=seed,
            arrival=arrival,
            out=out,
            resume=resume,
            scheduler=scheduler,
            workers=workers,
            progress=progress,
        )
    drawn = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in run.settings["drawn"].items())
    out_console.print(
        f"{draws:,} draws of {run.year} (seed {seed}); what varies: {drawn}",
        highlight=False,
    )
    out_console.print(
        rich_table(
            f"Shortfall per market in {run.year} (± one standard error; worse: more unmet "
            "than the intact year)",
            _shortfall_shown(run),
            {
                "P(short)": "",
                "P(worse)": "",
                "unmet (mean)": "",
                "unmet (P95)": "",
                "intact unmet": "",
            },
            optional=("intact unmet", "unmet (P95)"),
        )
    )
    out_console.print(
        rich_table(
            "Links whose loss left demand short (criticality index), most often first",
            _criticality_shown(run, top),
            {},
            optional=("capacity lost (mean)",),
        )
    )
    out_console.print(_cost_line(run), highlight=False, markup=False)
    if out is not None:
        out_console.print(f"Monte Carlo run written to {out}")


app.command("monte-carlo")(monte_carlo)
