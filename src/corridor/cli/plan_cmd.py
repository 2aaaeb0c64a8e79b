"""`corridor plan`: which candidate projects, in which year, reach a target at least cost."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridor.cli.console import (
    DataOption,
    check_not_an_input,
    comma_list,
    out_console,
    output_folder,
)
from corridor.cli.tables import rich_table
from corridor.dataset.network import load
from corridor.formats import format_usd
from corridor.pathway.model import PathwaySettings
from corridor.pathway.plan import Plan, plan
from corridor.pathway.write import write_plan
from corridor.scenario import read_scenario


def headline(p: Plan) -> list[str]:
    """The plan's answer in words."""
    years = f"{p.settings.first_year}-{p.settings.last_year}"
    lines = []
    if p.builds.empty:
        lines.append(f"{p.target} over {years}: no candidate project is worth building.")
    else:
        built = "; ".join(
            f"{b.project_id} decided {b.decision_year}, running from {b.online_year} "
            f"(+{b.capacity_added:.4g} {b.unit}, {format_usd(b.capital_usd)})"
            for b in p.builds.itertuples()
        )
        total = format_usd(float(p.builds["capital_usd"].sum()))
        lines.append(f"{p.target} over {years}: build {built}. Capital {total} in all.")
    for (goal, unit), g in p.goals[p.goals["short"] <= 0].groupby(["goal", "unit"]):
        lines.append(
            f"Target {goal}: {g['target'].iloc[0]:.4g} {unit} reached in every year "
            f"from {g['year'].min()}."
        )
    unmet = p.unmet[p.unmet["year"] >= p.target_year]
    if unmet.empty and (p.goals["short"] <= 0).all():
        lines.append(f"From {p.target_year} every demand and target is met.")
    for (node, commodity, unit), g in unmet.groupby(["node_id", "commodity", "unit"]):
        lines.append(
            f"Still short at {node}: {g['unmet'].max():.4g} {unit} of {commodity} "
            f"(years {g['year'].min()}-{g['year'].max()})."
        )
    for (goal, unit), g in p.goals[p.goals["short"] > 0].groupby(["goal", "unit"]):
        lines.append(
            f"Target {goal} short by up to {g['short'].max():.4g} {unit} "
            f"({g['year'].min()}-{g['year'].max()})."
        )
    if not p.would_take.empty:
        first = p.would_take[p.would_take["year"] >= p.target_year]
        first = first if not first.empty else p.would_take
        need = first.groupby(["what", "id", "unit"], as_index=False)["added"].max()
        text = ", ".join(f"{r.id} +{r.added:.4g} {r.unit}" for r in need.itertuples())
        lines.append(f"What it would take (not in the plan; no candidate covers it): {text}.")
    if p.relaxation_gap is not None:
        lines.append(
            f"Relaxed plan: within {p.relaxation_gap:.2%} of the plan with lumpy projects rounded."
        )
    return lines


def print_plan(p: Plan) -> None:
    """The timeline table, the headline and the candidates left out."""
    if not p.builds.empty:
        frame = p.builds.assign(
            capital=p.builds["capital_usd"].map(format_usd),
            added=[
                f"{v:.4g} {u}"
                for v, u in zip(p.builds["capacity_added"], p.builds["unit"], strict=True)
            ],
        )
        shown = frame[["project_id", "decision_year", "online_year", "share", "added", "capital"]]
        shown = shown.rename(columns={"decision_year": "decided", "online_year": "runs from"})
        out_console.print(rich_table("Projects built", shown, {"share": ".0%"}))
    for line in headline(p):
        out_console.print(line)
    left = p.candidates[~p.candidates["available"]]
    if not left.empty:
        out_console.print(
            "Not candidates: "
            + "; ".join(f"{r.project_id} ({r.reason})" for r in left.itertuples())
        )


def plan_command(
    target: Annotated[
        str, typer.Option("--target", "-t", help="Target scenario: a shipped name or a YAML file.")
    ],
    first_year: Annotated[
        int, typer.Option("--from", help="First plan year (decisions from it).")
    ] = 2025,
    last_year: Annotated[int, typer.Option("--to", help="Last plan year.")] = 2035,
    budget: Annotated[
        float | None, typer.Option("--budget", help="Capital over the plan, USD (undiscounted).")
    ] = None,
    budget_per_year: Annotated[
        float | None, typer.Option("--budget-per-year", help="Capital a decision year, USD.")
    ] = None,
    discount_rate: Annotated[
        float, typer.Option("--discount-rate", help="Discount rate a year (0.05 = 5 %).")
    ] = 0.05,
    relax: Annotated[
        bool, typer.Option("--relax", help="Let lumpy projects be built in part (LP relaxation).")
    ] = False,
    without: Annotated[
        str | None, typer.Option("--without", help="Projects left out, comma-separated ids.")
    ] = None,
    values: Annotated[
        bool,
        typer.Option(
            "--values/--no-values",
            help="Value every candidate and test the projects' cost ranges (one more solve "
            "of the plan per candidate and per range end; --no-values for a quick plan).",
        ),
    ] = True,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for the plan (tables, summary.json, timeline.svg, plan.yaml).",
            callback=output_folder,
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Plan investments: the projects and years that reach a target at least cost."""
    network = load(data)
    scenario = read_scenario(target)
    check_not_an_input(out, data, [(target, scenario.lineage)], scenario_option="--target")
    settings = PathwaySettings(first_year, last_year, discount_rate, budget, budget_per_year, relax)
    done = plan(network, scenario, settings, without=comma_list(without), values=values)
    print_plan(done)
    if out is not None:
        write_plan(done, network, out)
        out_console.print(
            f"plan written to {out} (solve it: corridor solve --scenario {out}/plan.yaml)"
        )
