"""`corridor backtest`: the model's flows against the observed ones (observations.csv)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from corridor.cli.console import (
    DataOption,
    check_not_an_input,
    out_console,
    output_folder,
    refuse_year_with_scenario,
)
from corridor.cli.tables import rich_table
from corridor.dataset.network import Network, load
from corridor.formats import format_quantity, quantity_with_unit
from corridor.io.atomic import atomic_write_dir
from corridor.pipeline import backtest as run_backtest
from corridor.pipeline import backtest_years
from corridor.results.backtest import TOLERANCE_PERCENT, backtest_summary


def _number(value: float) -> str:
    return "" if math.isnan(value) else format_quantity(value)


def _percent(value: float) -> str:
    return "" if math.isnan(value) else f"{value:+.1f} %"


def _short_verdict(verdict: str) -> str:
    """``within``, ``outside``, ``part year`` or ``no model``."""
    if verdict.startswith("not compared: covers"):
        return "part year"
    return "no model" if verdict.startswith("not compared") else verdict


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    """The backtest table as the terminal shows it: observed, model and error in the unit
    beside them."""
    return pd.DataFrame(
        {
            "item": table["obs_id"],
            "observed": table["observed"].map(_number),
            "model": table["model"].map(_number),
            "error": table["error"].map(_number),
            "unit": table["unit"],
            "error %": table["error_percent"].map(_percent),
            "verdict": table["verdict"].map(_short_verdict),
        }
    )


def _summary_lines(table: pd.DataFrame, summary: dict[str, Any]) -> list[str]:
    """The summary in words: items within the tolerance, median error, the worst items, and
    the part-year figures listed but not compared."""
    median = summary["median_absolute_error"]["value"]
    lines = [
        f"Within ±{TOLERANCE_PERCENT:g} %: {summary['within']} of {summary['compared']} compared "
        f"item(s); {summary['items'] - summary['compared']} listed, not compared",
        "Median absolute error: " + ("n/a" if median is None else f"{median:.1f} %"),
    ]
    for w in summary["worst"]:
        model = quantity_with_unit(w["model"]["value"], w["model"]["unit"])
        observed = format_quantity(w["observed"]["value"])
        lines.append(
            f"  worst: {w['obs_id']}: {model} against {observed} ({w['error']['value']:+.1f} %)"
        )
    partial = table[table["period"] != ""]
    lines += [
        f"  part year: {i} covers {p} only (never annualised)"
        for i, p in zip(partial["obs_id"], partial["period"], strict=True)
    ]
    return lines


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Each backtest row as JSON-able data, quantities as ``{value, unit}``."""

    def q(value: float, unit: str) -> dict[str, Any]:
        return {"value": None if math.isnan(value) else float(value), "unit": unit}

    return [
        {
            "obs_id": r.obs_id,
            "year": int(r.year),
            "period": r.period or None,
            "kind": r.kind,
            "target": r.target,
            "commodity": r.commodity,
            "observed": q(r.observed, r.unit),
            "model": q(r.model, r.unit),
            "error": q(r.error, r.unit),
            "error_percent": q(r.error_percent, "%"),
            "tolerance": q(r.tolerance_percent, "%"),
            "verdict": r.verdict,
            "sources": r.sources.split(";") if r.sources else [],
        }
        for r in table.itertuples()
    ]


def _write(table: pd.DataFrame, summary: dict[str, Any], out: Path) -> None:
    """backtest.csv and summary.json into ``out``, swapped in whole."""

    def write(tmp: Path) -> None:
        table.to_csv(tmp / "backtest.csv", index=False)
        text = json.dumps(summary, indent=2, allow_nan=False)
        (tmp / "summary.json").write_text(text, encoding="utf-8")

    atomic_write_dir(out, write, option="--out")


def _scenario_backtest(
    network: Network, scenario: str, year: list[int] | None, out: Path | None, data: Path | None
) -> tuple[pd.DataFrame, str]:
    """The backtest of one scenario's solve, and how the title names it."""
    from corridor.scenario import apply_scenario  # pydantic: only for a scenario

    refuse_year_with_scenario(year)
    applied = apply_scenario(scenario, network)
    check_not_an_input(out, data, [(scenario, applied.scenario.lineage)])
    table = run_backtest(network, scenario=applied)
    return table, f"of scenario {applied.name} ({applied.options.year})"


def backtest(
    year: Annotated[
        list[int] | None,
        typer.Option(
            "--year",
            "-y",
            help="Year to check (repeat for more; default: every observed year that solves).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the table as JSON.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder to write backtest.csv and summary.json.",
            callback=output_folder,
        ),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            "-s",
            help="Check a scenario's solve (it sets its own year): name or YAML file.",
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Check the model against observed flows: error and verdict per observation."""
    network = load(data)
    if scenario is not None:
        table, shown = _scenario_backtest(network, scenario, year, out, data)
    else:
        check_not_an_input(out, data)
        years = backtest_years(network, year or None, label="--year")
        table, shown = run_backtest(network, years), ", ".join(map(str, years))
    summary = backtest_summary(table)
    if as_json:
        typer.echo(json.dumps({"backtest": _records(table), "summary": summary}, indent=2))
    else:
        title = f"Backtest {shown}: the model (in the observed unit) and the record"
        out_console.print(
            rich_table(
                title,
                _shown(table),
                {"observed": "", "model": "", "error": "", "error %": ""},
                optional=("error",),
            )
        )
        for line in _summary_lines(table, summary):
            out_console.print(line, highlight=False, markup=False)
    if out is not None:
        _write(table, summary, out)
        if not as_json:
            out_console.print(f"backtest written to {out}")
