"""`corridor transit`: door-to-door route skims and the Caspian crossing simulation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from corridor.cli.console import (
    DataOption,
    check_not_an_input,
    comma_list,
    err_console,
    out_console,
    output_folder,
    route_rules,
)
from corridor.cli.tables import rich_table
from corridor.dataset.network import Network, load
from corridor.errors import CorridorError, ParameterError
from corridor.io.atomic import atomic_write_dir
from corridor.options import SolveOptions
from corridor.routing.inputs import check_year

if TYPE_CHECKING:
    from corridor.results import Results
    from corridor.transit.simulate import SimulationResult

# The engines (networkx, SimPy, matplotlib, Dask) are imported by the commands that use them:
# every other corridor command starts faster without them.

app = typer.Typer(
    help="Transit time: route skims and the Caspian crossing simulation.", no_args_is_help=True
)

AvoidOption = Annotated[
    str | None, typer.Option("--avoid", help="Countries no route may cross, e.g. RU,CN.")
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Folder to write results.", callback=output_folder),
]


def _items(text: str, name: str) -> list[str]:
    """The comma-separated items of a sweep option; at least one."""
    items = comma_list(text)
    if not items:
        raise ParameterError(
            f"--{name} needs at least one value (separated by commas), got {text!r}"
        )
    return items


def _solved(network: Network, year: int) -> Results:
    """The year's flows, whose Caspian crossings set the simulated volume (one solve)."""
    from corridor.pipeline import run  # the solver: only for the commands that simulate

    check_year(network, year, label="--year")
    return run(network, options=SolveOptions(year=year)).results


def _floats(text: str, name: str) -> list[float]:
    items = _items(text, name)
    try:
        return [float(t) for t in items]
    except ValueError as err:
        raise CorridorError(f"--{name} takes numbers separated by commas, got {text!r}") from err


def _ints(text: str, name: str) -> list[int]:
    """Whole numbers only: ``--ferries 2.7`` is refused, not run as 2."""
    items = _items(text, name)
    try:
        return [int(t) for t in items]
    except ValueError as err:
        raise CorridorError(
            f"--{name} takes whole numbers separated by commas, got {text!r}"
        ) from err


@app.command()
def skim(
    origin: Annotated[str, typer.Option("--from", help="Origin node id, e.g. C_XIAN.")],
    destination: Annotated[str, typer.Option("--to", help="Destination node id.")],
    year: Annotated[int, typer.Option("--year", "-y", help="Year of the network.")] = 2024,
    avoid: AvoidOption = None,
    only_groups: Annotated[
        str | None, typer.Option("--only-groups", help="Only cross countries of these groups.")
    ] = None,
    avoid_links: Annotated[
        str | None, typer.Option("--avoid-links", help="Links no route may use.")
    ] = None,
    k: Annotated[int, typer.Option("--k", help="Routes to show.")] = 3,
    by_family: Annotated[
        bool, typer.Option("--by-family", help="Only the fastest route of each route family.")
    ] = False,
    out: OutOption = None,
    data: DataOption = None,
) -> None:
    """Door-to-door time of the fastest routes between two nodes, broken into components."""
    if k < 1:
        raise CorridorError(f"--k must be 1 or more, got {k}")
    network = load(data)
    check_not_an_input(out, data)
    rules = route_rules(network, avoid, only_groups, avoid_links)
    from corridor.transit.skims import skim as run_skim

    skims = run_skim(
        network, origin, destination, year=year, rules=rules, k=k, one_per_family=by_family
    )
    routes = skims.routes.copy()
    short = {
        "line_haul_h": "land",
        "sailing_h": "sea",
        "border_crossing_h": "border",
        "gauge_change_h": "gauge",
        "port_dwell_h": "port",
        "ferry_wait_h": "wait",
    }
    for c, name in short.items():
        routes[name] = routes[c] / 24
    routes["days"] = routes["total_days"]
    routes["km"] = routes["distance_km"]
    routes["USD/TEU*"] = routes["known_cost_usd_per_teu"]
    shown = ["rank", "family", "days", "km", *short.values(), "USD/TEU*"]
    formats = dict.fromkeys(shown[2:], ".1f") | {"km": ",.0f", "USD/TEU*": ",.0f"}
    out_console.print(
        rich_table(
            f"Routes {origin} → {destination} ({year}): days in total and by component",
            routes[shown],
            formats,
        )
    )
    for row in routes.itertuples():
        out_console.print(f"[bold]{row.rank}[/] {row.family}: {row.nodes}")
        if row.gaps:
            out_console.print(f"   [yellow]no sourced time for[/] {row.gaps}")
        missing = [g for g in str(row.cost_gaps).split("; ") if g]
        if missing:
            shown_gaps = "; ".join(missing[:6]) + (" …" if len(missing) > 6 else "")
            label = f"no sourced cost for {len(missing)} steps:"
            out_console.print(f"   [yellow]{label}[/] {shown_gaps}")
    out_console.print(
        "Times and costs are the dataset's sourced figures (`--out DIR` writes every step with "
        "its source); places with no figure add nothing. *USD/TEU: the known part of the cost."
    )
    if out is not None:

        def write(tmp: Path) -> None:
            skims.routes.to_csv(tmp / "routes.csv", index=False)
            skims.steps.to_csv(tmp / "steps.csv", index=False)

        atomic_write_dir(out, write, option="--out")
        out_console.print(f"wrote {out}/routes.csv and steps.csv")


def _print_simulation(result: SimulationResult, title: str) -> None:
    s = result.summary()
    out_console.print(f"[bold]{title}[/]")
    summary = pd.DataFrame(
        {
            "figure": [
                "mean wait for a ferry (h, incl. loading)",
                "door-to-door across the Caspian, P50 (h)",
                "door-to-door across the Caspian, P90 (h)",
                "throughput (Mt/yr)",
                "units arrived",
                "units still in the system at the end",
            ],
            "value": [
                s["mean_wait_h"],
                s["p50_transit_h"],
                s["p90_transit_h"],
                s["throughput_tonnes_per_year"] / 1e6,
                s["units_arrived"],
                s["units_in_system_at_end"],
            ],
        }
    )
    out_console.print(rich_table("Caspian crossing", summary, {"value": ",.2f"}))
    units = result.units
    by_port = (
        units.groupby("port")
        .agg(
            units=("unit", "size"),
            mean_wait_h=("wait_for_vessel_h", "mean"),
            p90_total_h=("total_h", lambda x: x.quantile(0.9)),
        )
        .reset_index()
    )
    formats = {"mean_wait_h": ".1f", "p90_total_h": ".1f", "units": ","}
    out_console.print(rich_table("By port of loading", by_port, formats))
    fleet = result.fleet
    shares = [c for c in fleet.columns if c.endswith("_share")]
    out_console.print(
        rich_table(
            "Fleet: mean share of time per state",
            fleet[shares].mean().rename("share").rename_axis("state").reset_index(),
            {"share": ".0%"},
        )
    )


@app.command()
def simulate(
    year: Annotated[
        int, typer.Option("--year", "-y", help="Year whose flows set the volume.")
    ] = 2024,
    ferries: Annotated[
        int | None, typer.Option("--ferries", help="Ferries on the Aktau and Kuryk lines (16).")
    ] = None,
    volume: Annotated[
        float | None, typer.Option("--volume", help="Mt/yr to carry (default: the year's flow).")
    ] = None,
    handling: Annotated[
        float, typer.Option("--handling", help="Port handling speed factor (2 = twice as fast).")
    ] = 1.0,
    years: Annotated[float, typer.Option("--years", help="Years simulated.")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    warmup_days: Annotated[float, typer.Option("--warmup-days", help="Warm-up left out.")] = 30.0,
    storms: Annotated[bool, typer.Option("--storms/--no-storms", help="Storm closures.")] = True,
    policy: Annotated[
        str, typer.Option("--policy", help="fill: sail when full; schedule: every --headway h.")
    ] = "fill",
    headway: Annotated[float, typer.Option("--headway", help="Hours between sailings.")] = 24.0,
    out: OutOption = None,
    data: DataOption = None,
) -> None:
    """Simulate the Aktau/Kuryk → Alat ferry crossing: waits, queues, fleet use, throughput."""
    network = load(data)
    check_not_an_input(out, data)
    from corridor.transit.caspian import caspian_setup
    from corridor.transit.simulate import check_run
    from corridor.transit.simulate import simulate as run_simulation

    results = _solved(network, year)
    setup = caspian_setup(
        network, results, volume_mt=volume, ferries=ferries, handling_factor=handling,
        storms=storms, policy=policy, headway_hours=headway,
    )  # fmt: skip
    check_run(setup.params, years=years, seed=seed, warmup_days=warmup_days)  # before any output
    volumes = ", ".join(f"{p} {v / 1e6:.3f} Mt/yr" for p, v in setup.volume_t.items())
    fleet = ", ".join(f"{p} {n}" for p, n in setup.ferries.items())
    out_console.print(f"volume: {volumes}; ferries: {fleet}; sources: {setup.basis}")
    with Progress(
        TextColumn("simulating"), BarColumn(), TimeRemainingColumn(), console=err_console,
        transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("sim", total=1.0)
        result = run_simulation(
            setup.params,
            years=years,
            seed=seed,
            warmup_days=warmup_days,
            progress=lambda f: bar.update(task, completed=f),
        )
    _print_simulation(result, f"Caspian crossing, {years:g} year(s), seed {seed}")
    if out is not None:

        def write(tmp: Path) -> None:
            for name in ("units", "queues", "fleet", "voyages", "throughput", "closures"):
                getattr(result, name).to_csv(tmp / f"{name}.csv", index=False)
            pd.Series(result.summary()).to_json(tmp / "summary.json", indent=2)
            from corridor.transit.charts import save_charts

            save_charts(result, tmp)

        atomic_write_dir(out, write, option="--out")
        out_console.print(f"wrote {out}: tables as CSV, summary.json, transit_time.png, queues.png")


@app.command()
def sweep(
    volume: Annotated[str, typer.Option("--volume", help="Mt/yr values, e.g. 4.5,7,11.")],
    ferries: Annotated[str, typer.Option("--ferries", help="Fleet sizes, e.g. 16,24,32.")] = "16",
    handling: Annotated[str, typer.Option("--handling", help="Handling factors, e.g. 1,2.")] = "1",
    year: Annotated[
        int, typer.Option("--year", "-y", help="Year whose flows set the split.")
    ] = 2024,
    years: Annotated[float, typer.Option("--years", help="Years simulated per case.")] = 1.0,
    seeds: Annotated[str, typer.Option("--seeds", help="Seeds, e.g. 0,1,2.")] = "0",
    workers: Annotated[int, typer.Option("--workers", help="Dask worker processes.")] = 2,
    out: OutOption = None,
    data: DataOption = None,
) -> None:
    """Simulate every combination of volume, fleet and handling speed (Dask distributed)."""
    network = load(data)
    check_not_an_input(out, data)
    fleet = _ints(ferries, "ferries")
    with Progress(
        TextColumn("cases"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        console=err_console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("cases", total=None)
        from corridor.transit.sweep import sweep as run_sweep

        table = run_sweep(
            network,
            _solved(network, year),
            volumes_mt=_floats(volume, "volume"),
            ferries=fleet,
            handling=_floats(handling, "handling"),
            years=years,
            seeds=_ints(seeds, "seeds"),
            workers=workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    shown = table.groupby(["volume_mt", "ferries", "handling"], as_index=False)[
        ["mean_wait_h", "p90_transit_h", "throughput_tonnes_per_year", "units_in_system_at_end"]
    ].mean()
    shown["throughput_mt"] = shown.pop("throughput_tonnes_per_year") / 1e6
    out_console.print(
        rich_table(
            "Caspian crossing by volume, fleet and handling (mean over seeds)",
            shown,
            {
                "mean_wait_h": ",.1f",
                "p90_transit_h": ",.1f",
                "throughput_mt": ".2f",
                "units_in_system_at_end": ",.0f",
                "volume_mt": ".2f",
                "handling": ".2f",
            },
        )
    )
    if out is not None:
        atomic_write_dir(
            out, lambda tmp: table.to_csv(tmp / "sweep.csv", index=False), option="--out"
        )
        out_console.print(f"wrote {out}/sweep.csv")
