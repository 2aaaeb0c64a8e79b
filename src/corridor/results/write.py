"""Write solve results: one CSV and one Parquet file per table, and a JSON summary, atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor.dataset.cells import flatten_lists
from corridor.io.atomic import atomic_write_dir
from corridor.results.extract import Results

__all__ = ["RESULT_TABLES", "results_summary", "write_results"]

RESULT_TABLES = (
    "flows",
    "links",
    "unmet",
    "markets",
    "supply",
    "agreements",
    "paths",
    "transit",
    "costs",
    "prices",
)


def _number(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _by_commodity(frame: pd.DataFrame, value: str) -> dict[str, dict[str, Any]]:
    totals = frame.groupby(["commodity", "unit"])[value].sum()
    return {str(c): {"value": _number(v), "unit": str(u)} for (c, u), v in totals.items()}


def results_summary(results: Results) -> dict[str, Any]:
    """The headline figures of a solve as plain JSON-able data, each with its unit."""
    agreement_columns = [
        "agreement_id", "delivered", "shortfall", "unit", "route", "countries", "blocked_by"
    ]  # fmt: skip
    return {
        "year": results.year,
        "status": results.status,
        "net_value": {"value": results.objective * -1.0, "unit": "USD/yr"},
        "solve_seconds": results.solve_seconds,
        "delivered_to_demand": _by_commodity(results.unmet, "delivered"),
        "unmet": _by_commodity(results.unmet, "unmet"),
        "to_open_markets": _by_commodity(results.markets, "delivered"),
        "unused_supply": _by_commodity(results.supply, "unused"),
        "binding_links": [
            {
                "link_id": r.link_id,
                "capacity": _number(r.capacity),
                "unit": r.unit,
                "shadow_price": _number(r.shadow_price),
                "shadow_price_unit": r.shadow_price_unit,
            }
            for r in results.binding.itertuples()
        ],
        "agreements": [
            {k: _number(v) for k, v in row.items()}
            for row in results.agreements[agreement_columns].to_dict("records")
        ],
        "costs": [
            {k: _number(v) for k, v in row.items()} for row in results.costs.to_dict("records")
        ],
        "warnings": list(results.warnings),
        "provenance": results.provenance,
    }


def write_results(results: Results, folder: Path | str) -> Path:
    """Write every result table as CSV and Parquet plus summary.json into ``folder``.

    The folder is written beside its final place and swapped in at the end: a killed run
    leaves the previous output (or none), never half of it.
    """
    target = Path(folder)

    def write(tmp: Path) -> None:
        for name in RESULT_TABLES:
            frame = flatten_lists(getattr(results, name))
            frame.to_csv(tmp / f"{name}.csv", index=False)
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
        summary = json.dumps(results_summary(results), indent=2, default=str, allow_nan=True)
        (tmp / "summary.json").write_text(summary, encoding="utf-8")

    atomic_write_dir(target, write)
    return target
