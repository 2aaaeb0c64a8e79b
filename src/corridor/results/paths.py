"""Decompose layer flows into routes (paths) with their volumes, countries and costs."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["decompose_paths", "end_to_end"]

_MAX_PATHS = 10_000


def decompose_paths(
    flows: pd.DataFrame,
    node_country: pd.Series,
    link_countries: pd.Series | None = None,
    tolerance: float = 1e-7,
) -> pd.DataFrame:
    """Split each layer's arc flows into paths from where flow enters to where it leaves.

    Parameters
    ----------
    flows
        One row per (arc, layer) with columns layer, link_id, from_node, to_node, flow,
        efficiency, unit_cost.
    node_country
        Country of each node.
    link_countries
        Countries each link crosses beyond its ends, in order (the links table's column).

    Returns
    -------
    DataFrame
        layer, path (int), nodes (tuple), links (tuple), volume (entering the first link),
        delivered (after losses), countries (tuple, in order), unit_cost.
    """
    out = []
    for layer, group in flows.groupby("layer", sort=True):
        remaining = dict(zip(group.index, group["flow"].to_numpy(), strict=True))
        out_arcs: dict[str, list[int]] = defaultdict(list)
        inflow: dict[str, float] = defaultdict(float)
        for idx, row in group.iterrows():
            out_arcs[row["from_node"]].append(idx)
            inflow[row["to_node"]] += row["flow"] * row["efficiency"]
        outflow = group.groupby("from_node")["flow"].sum()
        # sources: nodes sending more than they receive
        starts = [n for n, f in outflow.items() if f > inflow.get(n, 0.0) + tolerance]
        path_no = 0
        for start in starts:
            while path_no < _MAX_PATHS:
                node, arcs_used, seen = start, [], {start}
                while True:
                    live = [a for a in out_arcs[node] if remaining[a] > tolerance]
                    if not live:
                        break
                    arc = max(live, key=lambda a: remaining[a])
                    arcs_used.append(arc)
                    node = group.at[arc, "to_node"]
                    if node in seen:
                        break
                    seen.add(node)
                if not arcs_used:
                    break
                # volume that can ride the whole path, measured at its start
                factor, volume = 1.0, np.inf
                for a in arcs_used:
                    volume = min(volume, remaining[a] / factor)
                    factor *= group.at[a, "efficiency"]
                factor = 1.0
                for a in arcs_used:
                    remaining[a] -= volume * factor
                    factor *= group.at[a, "efficiency"]
                nodes = [start] + [group.at[a, "to_node"] for a in arcs_used]
                countries = [str(node_country.get(start, ""))]
                for a in arcs_used:
                    if link_countries is not None:
                        countries += list(link_countries.get(group.at[a, "link_id"], ()))
                    countries.append(str(node_country.get(group.at[a, "to_node"], "")))
                out.append(
                    {
                        "layer": layer,
                        "path": path_no,
                        "nodes": tuple(nodes),
                        "links": tuple(group.at[a, "link_id"] for a in arcs_used),
                        "volume": volume,
                        "delivered": volume * factor,
                        "countries": tuple(dict.fromkeys(countries)),
                        "unit_cost": float(sum(group.at[a, "unit_cost"] for a in arcs_used)),
                    }
                )
                path_no += 1
                if remaining_out(out_arcs[start], remaining, tolerance) <= 0:
                    break
    columns = ["layer", "path", "nodes", "links", "volume", "delivered", "countries", "unit_cost"]
    return pd.DataFrame(out, columns=columns)


def remaining_out(arcs: list[int], remaining: dict[int, float], tolerance: float) -> float:
    """Flow still leaving a node on ``arcs``."""
    return sum(remaining[a] for a in arcs if remaining[a] > tolerance)


def end_to_end(paths: pd.DataFrame, supply_nodes: set[tuple[str, str]]) -> pd.DataFrame:
    """Routes from where flow is supplied to where it finally goes.

    An agreement's volume rejoins the commodity's free flows at its destination, so a free path
    may start there rather than at a supply. Such a path is joined to the agreement paths that
    arrive at its start, in proportion to what they deliver there; what they deliver beyond it
    stays as their own route. ``supply_nodes`` holds (node, commodity) pairs with supply.

    Returns the columns of :func:`decompose_paths` (``layer`` and ``path`` of the first leg)
    plus ``commodity`` and ``agreement_id`` (of the first leg); ``volume`` is what enters the
    last leg, ``delivered`` what arrives at the end.
    """
    if paths.empty:
        return paths
    rows: list[dict[str, Any]] = paths.to_dict("records")
    arrivals: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if isinstance(row["agreement_id"], str):
            arrivals[(str(row["nodes"][-1]), str(row["commodity"]))].append(row)
    left = {id(r): float(r["delivered"]) for rs in arrivals.values() for r in rs}
    out = []
    for row in rows:
        if isinstance(row["agreement_id"], str):
            continue  # added below, with what it delivers beyond the free paths it feeds
        start = (str(row["nodes"][0]), str(row["commodity"]))
        feeders = arrivals.get(start, [])
        if start in supply_nodes or not feeders:
            out.append(row)
            continue
        available = sum(left[id(f)] for f in feeders)
        volume = float(row["volume"])
        share = min(1.0, available / volume) if volume > 0 else 0.0
        for feeder in feeders:
            part = volume * share * left[id(feeder)] / available if available > 0 else 0.0
            if part <= 0:
                continue
            ratio = part / volume
            out.append(
                {
                    **feeder,
                    "nodes": feeder["nodes"] + row["nodes"][1:],
                    "links": feeder["links"] + row["links"],
                    "countries": tuple(dict.fromkeys(feeder["countries"] + row["countries"])),
                    "volume": part,
                    "delivered": float(row["delivered"]) * ratio,
                    "unit_cost": float(feeder["unit_cost"]) + float(row["unit_cost"]),
                }
            )
            left[id(feeder)] -= part
        if share < 1.0:  # more left the node than agreements handed over there
            rest = 1.0 - share
            out.append({**row, "volume": volume * rest, "delivered": row["delivered"] * rest})
    for rs in arrivals.values():
        for feeder in rs:
            delivered = float(feeder["delivered"])
            rest = left[id(feeder)] / delivered if delivered > 0 else 0.0
            if rest > 1e-9:
                out.append(
                    {**feeder, "volume": feeder["volume"] * rest, "delivered": left[id(feeder)]}
                )
    return pd.DataFrame(out, columns=list(paths.columns))
