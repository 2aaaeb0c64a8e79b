"""Candidate projects as the planner sees them: increments in canonical units, capital in USD,
whole lead times, and why a project cannot be chosen.

Costs are converted from their source's currency with the dataset's exchange rate of the cost
year (``exchange_rates.csv``); they are not inflated to another year's money.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from corridor.commodities import CANONICAL_BY_DIMENSION
from corridor.dataset.network import Network, canonical_units, commodity_factors
from corridor.units import UNITS, convert

__all__ = ["CANDIDATE_COLUMNS", "candidate_projects", "usd_per_unit"]

CANDIDATE_COLUMNS = (
    "name", "adds", "links", "node_id", "commodity", "increment", "unit", "capital_usd",
    "fixed_usd_per_yr", "lead_years", "earliest_year", "lifetime_years", "lumpy", "excludes",
    "status", "available", "reason",
)  # fmt: skip


def usd_per_unit(network: Network, currency: str, year: int) -> float | None:
    """USD per unit of ``currency`` in ``year`` from the dataset (1 for USD; None if absent)."""
    if currency == "USD":
        return 1.0
    rates = network.exchange_rates
    hit = rates[(rates["currency"] == currency) & (rates["year"] == year)]
    return float(hit["usd_per_unit"].iloc[0]) if len(hit) else None


def _capital_usd(network: Network, row: pd.Series) -> tuple[float, float, str]:
    """(capital USD, fixed USD a year, why not available or '')."""
    if pd.isna(row["capital_cost"]):
        return math.nan, 0.0, "no published capital cost"
    scale, currency = str(row["cost_unit"]).split()
    rate = usd_per_unit(network, currency, int(row["cost_year"]))
    if rate is None:
        return math.nan, 0.0, f"no exchange rate for {currency} in {int(row['cost_year'])}"
    per = rate * (1e6 if scale == "million" else 1.0)
    fixed = 0.0 if pd.isna(row["fixed_cost"]) else float(row["fixed_cost"]) * per
    return float(row["capital_cost"]) * per, fixed, ""


def _increment(network: Network, row: pd.Series) -> tuple[float, str, str]:
    """(increment in canonical units, the canonical unit, why not available or '')."""
    unit = str(row["unit"])
    if row["adds"] == "vessels":
        return math.nan, unit, "the data gives no capacity per vessel on the crossing"
    if row["adds"] == "supply":
        commodity = str(row["commodity"])
        target = canonical_units(network.commodities)[commodity]
    else:
        commodity = str(network.links.at[row["link_ids"][0], "commodities"][0])
        target = CANONICAL_BY_DIMENSION[UNITS[unit].dimension]
    factors = commodity_factors(network.conversions, network.commodities, commodity)
    try:
        value = float(convert(float(row["increment"]), unit, target, **factors))
    except ValueError:
        return math.nan, target, f"cannot convert {unit} to {target} (no factor)"
    return value, target, ""


def candidate_projects(network: Network, first_year: int) -> pd.DataFrame:
    """One row per project of ``network.projects`` (see :data:`CANDIDATE_COLUMNS`).

    A project needs an increment the planner can count, a capital cost in USD (through the
    dataset's exchange rate of its cost year) and a lead time or an earliest year; with only
    one of those, the other does not restrict it. A missing lifetime is longer than any plan.
    ``reason`` says why a project is unavailable.
    """
    rows = []
    for pid, row in network.projects.iterrows():
        capital, fixed, no_cost = _capital_usd(network, row)
        increment, unit, no_size = _increment(network, row)
        lead = row["lead_time_years"]
        earliest = row["earliest_year"]
        life = row["lifetime_years"]
        no_timing = "" if pd.notna(lead) or pd.notna(earliest) else "no published timing"
        reason = no_size or no_cost or no_timing
        rows.append(
            {
                "project_id": pid,
                "name": row["name"],
                "adds": row["adds"],
                "links": tuple(row["link_ids"])
                if isinstance(row["link_ids"], (list, tuple))
                else (),
                "node_id": row["node_id"] if pd.notna(row["node_id"]) else None,
                "commodity": row["commodity"] if pd.notna(row["commodity"]) else None,
                "increment": increment,
                "unit": unit,
                "capital_usd": capital,
                "fixed_usd_per_yr": fixed,
                "lead_years": 0 if pd.isna(lead) else math.ceil(float(lead)),
                "earliest_year": first_year if pd.isna(earliest) else int(earliest),
                "lifetime_years": np.inf if pd.isna(life) else float(life),
                "lumpy": bool(row["lumpy"]),
                "excludes": tuple(row["excludes"])
                if isinstance(row["excludes"], (list, tuple))
                else (),
                "status": row["status"],
                "available": not reason,
                "reason": reason,
            }
        )
    frame = pd.DataFrame(rows, columns=["project_id", *CANDIDATE_COLUMNS])
    return frame.set_index("project_id")
