"""Directed arcs of a network in a year: which links run, in which direction, with what limits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.network import Network

__all__ = ["active_links", "build_arcs", "great_circle_km"]

_EARTH_RADIUS_KM = 6371.0
_FUTURE_STATUSES = ("under_construction", "planned", "proposed")


def active_links(links: pd.DataFrame, year: int) -> pd.Series:
    """Boolean mask of links that can carry flow in ``year``.

    Operating links run within [start_year, end_year] (open ends allowed). Links under
    construction, planned or proposed run only from a given start year. Suspended links do not run.
    """
    start = links["start_year"].astype("float64")
    end = links["end_year"].astype("float64")
    in_years = (start.isna() | (start <= year)) & (end.isna() | (end >= year))
    status = links["status"]
    running = (status == "operating") | (status.isin(_FUTURE_STATUSES) & start.notna())
    return (in_years & running).fillna(False).astype(bool)


def great_circle_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Haversine distance in km."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    distance: np.ndarray = 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return distance


def build_arcs(network: Network, year: int) -> pd.DataFrame:
    """One row per usable direction of each active link.

    Columns: link_id, tail, head (node ids), reverse (bool), capacity (canonical, NaN = no
    limit), canonical_unit, efficiency (1 - loss_fraction), length_km (the link's, else the
    great-circle distance between its ends), countries (frozenset of ISO codes crossed),
    commodities (tuple).
    """
    links = network.links[active_links(network.links, year)]
    nodes = network.nodes
    frm, to = links["from_node"].to_numpy(), links["to_node"].to_numpy()
    crow = great_circle_km(
        nodes.loc[frm, "lat"].to_numpy(float),
        nodes.loc[frm, "lon"].to_numpy(float),
        nodes.loc[to, "lat"].to_numpy(float),
        nodes.loc[to, "lon"].to_numpy(float),
    )
    length = links["length_km"].astype("float64").fillna(pd.Series(crow, index=links.index))
    from_country = nodes["country"].reindex(frm).to_numpy(dtype=object)
    to_country = nodes["country"].reindex(to).to_numpy(dtype=object)
    extra = links["countries"].to_numpy(dtype=object)
    # one frozenset per distinct (from country, to country, crossed) combination
    keys = np.empty(len(frm), dtype=object)
    keys[:] = list(zip(from_country, to_country, extra, strict=True))
    codes, uniques = pd.factorize(keys)
    distinct = np.empty(len(uniques), dtype=object)
    distinct[:] = [frozenset({a, b, *more}) for a, b, more in uniques]
    countries = distinct[codes]
    forward = pd.DataFrame(
        {
            "link_id": links.index.to_numpy(),
            "tail": frm,
            "head": to,
            "reverse": False,
            "capacity": links["capacity_canonical"].astype("float64").to_numpy(),
            "canonical_unit": links["canonical_unit"].to_numpy(),
            "efficiency": 1.0 - links["loss_fraction"].astype("float64").fillna(0.0).to_numpy(),
            "length_km": length.to_numpy(),
            "countries": countries,
            "commodities": links["commodities"].to_numpy(),
            "tariff": links["tariff"].astype("float64").to_numpy(),
            "tariff_unit": links["tariff_unit"].to_numpy(),
        }
    )
    both = links["bidirectional"].fillna(False).to_numpy(dtype=bool)
    backward = forward[both].copy()
    backward[["tail", "head"]] = backward[["head", "tail"]].to_numpy()
    backward["reverse"] = True
    return pd.concat([forward, backward], ignore_index=True)
