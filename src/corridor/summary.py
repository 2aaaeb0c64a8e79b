"""Summaries of a network for people: counts by kind, mode, status and country; main capacities."""

from __future__ import annotations

import pandas as pd

from corridor.network import Network

__all__ = [
    "count_by",
    "format_quantity",
    "format_usd",
    "main_capacities",
    "quantity_with_unit",
    "short_name",
]


def count_by(frame: pd.DataFrame, column: str) -> pd.Series:
    """Counts of rows by the values of ``column`` (list cells count once per item)."""
    values = (
        frame[column].explode()
        if any(isinstance(v, tuple) for v in frame[column])
        else frame[column]
    )
    return values.fillna("(none)").value_counts().rename("count")


def main_capacities(network: Network, *, per_commodity: int = 6) -> pd.DataFrame:
    """The largest sourced link capacities for each commodity a link carries (canonical units).

    Columns: commodity, link_id, name, mode, status, capacity, capacity_unit,
    capacity_canonical, canonical_unit, countries.
    """
    links = network.links[network.links["capacity_canonical"].notna()].copy()
    links["countries"] = links["countries"].map(";".join)
    links = links.reset_index().explode("commodities").rename(columns={"commodities": "commodity"})
    columns = [
        "commodity",
        "link_id",
        "name",
        "mode",
        "status",
        "capacity",
        "capacity_unit",
        "capacity_canonical",
        "canonical_unit",
        "countries",
    ]
    top = (
        links.sort_values(["commodity", "capacity_canonical"], ascending=[True, False])
        .groupby("commodity", sort=True)
        .head(per_commodity)
    )
    return top[columns].reset_index(drop=True)


def format_quantity(value: float) -> str:
    """A readable number: thousands separators for large values, 4 significant digits else."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


def quantity_with_unit(value: float, unit: str) -> str:
    """``18.2 Mt/yr``, ``56,500 TEU/yr``."""
    return f"{format_quantity(value)} {unit}".strip()


def format_usd(value: float) -> str:
    """Money for readers: ``USD 398 million``, ``USD 1.21 billion``, ``USD 1,438``."""
    size = abs(value)
    if size >= 1e9:
        return f"USD {value / 1e9:,.3g} billion"
    if size >= 1e6:
        return f"USD {value / 1e6:,.3g} million"
    return f"USD {value:,.0f}"


def short_name(name: str, limit: int = 30) -> str:
    """A node name cut for labels: 'Ceyhan (Haydar Aliyev) marine terminal' -> 'Ceyhan'."""
    cut = name
    for mark in (" (", ";", " / ", ", "):
        cut = cut.split(mark)[0]
    cut = cut.strip() or name
    return cut if len(cut) <= limit else cut[: limit - 1].rstrip() + "…"
