"""Summaries of a network for people: counts by kind, mode, status and country; main capacities."""

from __future__ import annotations

import pandas as pd

from corridor.dataset.network import Network

__all__ = ["count_by", "main_capacities"]


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
