"""Candidate projects as the planner sees them: increments in canonical units, capital in USD,
whole lead times, and why a project cannot be chosen.

Costs are converted from their source's currency with the dataset's exchange rate of the cost
year (``exchange_rates.csv``); they are not inflated to another year's money.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.commodities import CANONICAL_BY_DIMENSION
from corridor.dataset.network import Network, canonical_units, to_canonical
from corridor.units import UNITS

__all__ = ["CANDIDATE_COLUMNS", "candidate_projects"]

CANDIDATE_COLUMNS = (
    "name", "adds", "links", "node_id", "commodity", "increment", "unit", "capital_usd",
    "fixed_usd_per_yr", "lead_years", "earliest_year", "lifetime_years", "lumpy", "excludes",
    "status", "available", "reason",
)  # fmt: skip


def _tuples(cells: pd.Series) -> pd.Series:
    """List cells as tuples (empty cells as ())."""
    return cells.map(lambda c: tuple(c) if isinstance(c, (list, tuple)) else ())


def _currency(projects: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The scale (``million``) and currency of each ``cost_unit``."""
    parts = projects["cost_unit"].str.split(" ", n=1)
    return parts.str[0], parts.str[1]


def _usd_per_cost_unit(network: Network, projects: pd.DataFrame) -> pd.Series:
    """USD per unit of each project's ``cost_unit`` in its cost year (NaN: no rate)."""
    scale, currency = _currency(projects)
    rates = network.exchange_rates.reset_index()[["currency", "year", "usd_per_unit"]]
    key = pd.DataFrame({"currency": currency, "year": projects["cost_year"]}, index=projects.index)
    rate = (
        key.reset_index()
        .merge(rates, on=["currency", "year"], how="left")
        .set_index(key.index.name)
    )
    usd = rate["usd_per_unit"].where(currency != "USD", 1.0)
    return usd * np.where(scale == "million", 1e6, 1.0)


def _increments(network: Network, projects: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each project's increment in canonical units, and that unit (NaN where it cannot be
    converted)."""
    first_link = projects["link_ids"].map(
        lambda ls: ls[0] if isinstance(ls, (list, tuple)) and ls else None
    )
    link_commodity = first_link.map(network.links["commodities"].map(lambda cs: cs[0]))
    supply = projects["adds"] == "supply"
    commodity = projects["commodity"].where(supply, link_commodity)
    dimension = projects["unit"].map(lambda u: UNITS[u].dimension if u in UNITS else None)
    target = commodity.map(canonical_units(network.commodities)).where(
        supply, dimension.map(CANONICAL_BY_DIMENSION)
    )
    increment = to_canonical(
        projects["increment"], projects["unit"], target, commodity,
        network.conversions, network.commodities,
    )  # fmt: skip
    return increment, target.fillna(projects["unit"])


def _reasons(projects: pd.DataFrame, increment: pd.Series, usd: pd.Series) -> pd.Series:
    """Why each project is not a candidate ('' where it is), the first reason that applies."""
    currency = _currency(projects)[1].astype(str)
    unit, year = projects["unit"].astype(str), projects["cost_year"].astype(str)
    untimed = projects["lead_time_years"].isna() & projects["earliest_year"].isna()
    checks = [
        (projects["adds"] == "vessels", "the data gives no capacity per vessel on the crossing"),
        (increment.isna(), "cannot convert " + unit + " to a canonical unit"),
        (projects["capital_cost"].isna(), "no published capital cost"),
        (usd.isna(), "no exchange rate for " + currency + " in " + year),
        (untimed, "no published timing"),
    ]
    reason = pd.Series("", index=projects.index, dtype=object)
    for failed, text in reversed(checks):  # the first check that fails wins
        reason = reason.mask(failed, text)
    return reason


def candidate_projects(network: Network, first_year: int) -> pd.DataFrame:
    """One row per project of ``network.projects`` (see :data:`CANDIDATE_COLUMNS`).

    A project needs an increment the planner can count, a capital cost in USD (through the
    dataset's exchange rate of its cost year) and a lead time or an earliest year; with only
    one of those, the other does not restrict it. A missing lifetime is longer than any plan.
    ``reason`` says why a project is unavailable.
    """
    p = network.projects
    increment, unit = _increments(network, p)
    usd = _usd_per_cost_unit(network, p)
    reason = _reasons(p, increment, usd)
    frame = pd.DataFrame(
        {
            "name": p["name"],
            "adds": p["adds"],
            "links": _tuples(p["link_ids"]),
            "node_id": p["node_id"].astype(object).where(p["node_id"].notna(), None),
            "commodity": p["commodity"].astype(object).where(p["commodity"].notna(), None),
            "increment": increment,
            "unit": unit,
            "capital_usd": p["capital_cost"].astype(float) * usd,
            "fixed_usd_per_yr": (p["fixed_cost"].astype(float) * usd).fillna(0.0),
            "lead_years": np.ceil(p["lead_time_years"].astype(float).fillna(0.0)).astype(int),
            "earliest_year": p["earliest_year"].astype(float).fillna(first_year).astype(int),
            "lifetime_years": p["lifetime_years"].astype(float).fillna(np.inf),
            "lumpy": p["lumpy"].astype(bool),
            "excludes": _tuples(p["excludes"]),
            "status": p["status"],
            "available": reason == "",
            "reason": reason,
        },
        index=p.index.rename("project_id"),
    )
    return frame[list(CANDIDATE_COLUMNS)]
