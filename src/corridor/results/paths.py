"""Decompose layer flows into routes (paths) with their volumes, countries and costs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from corridor.results.columns import frame, text

__all__ = ["decompose_paths", "end_to_end", "path_rows", "paths_frame"]

_MAX_PATHS = 10_000  # per layer
_COLUMNS = ["layer", "path", "nodes", "links", "volume", "delivered", "countries", "unit_cost"]


class _Layer:
    """One layer's arcs with flow (position ``i`` is the layer's ``i``-th row), and the flow
    still to be assigned to a path on each."""

    def __init__(
        self, tail: list[str], head: list[str], flow: list[float], efficiency: list[float]
    ) -> None:
        self.head, self.efficiency = head, efficiency
        self.remaining = list(flow)
        self.out: dict[str, list[int]] = defaultdict(list)
        inflow: dict[str, float] = defaultdict(float)
        outflow: dict[str, float] = defaultdict(float)
        for i, (t, h, f, e) in enumerate(zip(tail, head, flow, efficiency, strict=True)):
            self.out[t].append(i)
            inflow[h] += f * e
            outflow[t] += f
        self.inflow, self.outflow = inflow, outflow

    def sources(self, tolerance: float) -> list[tuple[str, float]]:
        """Nodes sending more than they receive, in id order, with how much more."""
        inflow, outflow = self.inflow, self.outflow
        excess = [(n, outflow[n] - inflow.get(n, 0.0)) for n in sorted(outflow)]
        return [(n, e) for n, e in excess if e > tolerance]

    def live(self, node: str, tolerance: float) -> list[int]:
        """Arcs leaving ``node`` with flow not yet on a path."""
        remaining = self.remaining
        return [a for a in self.out[node] if remaining[a] > tolerance]

    def walk(self, start: str, tolerance: float) -> list[int]:
        """Arcs from ``start`` along the largest remaining flow, until flow ends or a node
        repeats."""
        node, seen = start, {start}
        arcs: list[int] = []
        while True:
            live = self.live(node, tolerance)
            if not live:
                return arcs
            arc = max(live, key=self.remaining.__getitem__)
            arcs.append(arc)
            node = self.head[arc]
            if node in seen:
                return arcs
            seen.add(node)

    def bottleneck(self, arcs: list[int]) -> float:
        """The largest volume (entering the first arc) that the remaining flow of every arc
        of ``arcs`` can carry, after the losses before it."""
        factor, volume = 1.0, np.inf
        for a in arcs:
            volume = min(volume, self.remaining[a] / factor)
            factor *= self.efficiency[a]
        return float(volume)

    def take(self, arcs: list[int], volume: float) -> float:
        """Take ``volume`` (entering the first arc) off the remaining flow of ``arcs``;
        return what leaves the last."""
        factor = 1.0
        for a in arcs:
            self.remaining[a] -= volume * factor
            factor *= self.efficiency[a]
        return volume * factor


def _column(flows: pd.DataFrame | Mapping[str, Any], name: str) -> list[Any]:
    return list(np.asarray(flows[name]).tolist())


def _lookup(
    table: pd.Series | Mapping[str, Any] | None, keys: list[str], default: Any
) -> dict[str, Any]:
    """``table.get(key, default)`` for each key."""
    if table is None:
        return dict.fromkeys(keys, default)
    if isinstance(table, pd.Series):
        table = dict(zip(table.index.tolist(), table.tolist(), strict=True))
    return {k: table.get(k, default) for k in keys}


def decompose_paths(
    flows: pd.DataFrame | Mapping[str, Any],
    node_country: pd.Series | Mapping[str, Any],
    link_countries: pd.Series | Mapping[str, Any] | None = None,
    tolerance: float = 1e-7,
    *,
    layer_columns: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Split each layer's arc flows into paths from where flow enters to where it leaves.

    From each node that sends more than it receives (in id order), a path follows the arc
    with the largest remaining flow until flow ends or a node repeats, and takes the volume
    that fits all its arcs (after each arc's losses); this repeats while flow leaves the node.

    Parameters
    ----------
    flows
        One row per (arc, layer) with columns layer, link_id, from_node, to_node, flow,
        efficiency, unit_cost (a DataFrame, or a mapping of the columns to arrays).
    node_country
        Country of each node (the nodes table's column, or a mapping of node ids).
    link_countries
        Countries each link crosses beyond its ends, in order (the links table's column, or
        a mapping of link ids).
    layer_columns
        Further columns by the value they have for each layer number (e.g. its commodity).

    Returns
    -------
    DataFrame
        layer, path (int), nodes (tuple), links (tuple), volume (entering the first link),
        delivered (after losses), countries (tuple, in order), unit_cost, and the
        ``layer_columns``.
    """
    return paths_frame(path_rows(flows, node_country, link_countries, tolerance), layer_columns)


def path_rows(
    flows: pd.DataFrame | Mapping[str, Any],
    node_country: pd.Series | Mapping[str, Any],
    link_countries: pd.Series | Mapping[str, Any] | None = None,
    tolerance: float = 1e-7,
) -> dict[str, list[Any]]:
    """The columns of :func:`decompose_paths` (without the layer columns), as lists."""
    layer = np.asarray(flows["layer"])
    link_id, tail, head = (_column(flows, c) for c in ("link_id", "from_node", "to_node"))
    flow, efficiency, cost = (_column(flows, c) for c in ("flow", "efficiency", "unit_cost"))
    country = {k: str(v) for k, v in _lookup(node_country, list({*tail, *head}), "").items()}
    crossed = _lookup(link_countries, list(set(link_id)), ())
    out: dict[str, list[Any]] = {c: [] for c in _COLUMNS}
    for j in np.unique(layer).tolist():
        rows = np.flatnonzero(layer == j).tolist()
        arcs = _Layer(
            [tail[i] for i in rows], [head[i] for i in rows],
            [flow[i] for i in rows], [efficiency[i] for i in rows],
        )  # fmt: skip
        for number, (start, used, volume, delivered) in enumerate(_layer_paths(arcs, tolerance)):
            path = [rows[a] for a in used]
            countries = [country[start]]
            for i in path:
                countries += [*crossed[link_id[i]], country[head[i]]]
            out["layer"].append(j)
            out["path"].append(number)
            out["nodes"].append((start, *(head[i] for i in path)))
            out["links"].append(tuple(link_id[i] for i in path))
            out["volume"].append(volume)
            out["delivered"].append(delivered)
            out["countries"].append(tuple(dict.fromkeys(countries)))
            out["unit_cost"].append(float(sum(cost[i] for i in path)))
    return out


def paths_frame(
    out: dict[str, list[Any]], layer_columns: Mapping[str, np.ndarray] | None = None
) -> pd.DataFrame:
    """The paths table of :func:`path_rows`'s columns and the ``layer_columns``."""
    extra = dict(layer_columns or {})
    if not out["layer"]:
        paths = pd.DataFrame([], columns=_COLUMNS)
        for name, values in extra.items():
            paths[name] = values[np.zeros(0, dtype=int)]
        return paths
    at = np.asarray(out["layer"], dtype=int)
    columns = {name: _typed(name, values) for name, values in out.items()}
    return frame({**columns, **{name: text(values[at]) for name, values in extra.items()}})


def _typed(name: str, values: list[Any]) -> Any:
    """A column of the paths table as the array pandas makes of the list (ints, tuples or
    floats); a list of anything else is left to pandas."""
    if name in ("nodes", "links", "countries"):
        cells = np.empty(len(values), dtype=object)
        for i, cell in enumerate(values):
            cells[i] = cell
        return cells
    if all(type(v) is int for v in values):
        return np.array(values, dtype=np.int64)
    if all(isinstance(v, float) for v in values):
        return np.array(values, dtype=float)
    return values


def _layer_paths(arcs: _Layer, tolerance: float) -> list[tuple[str, list[int], float, float]]:
    """(start, arcs, volume, delivered) of each path of one layer, in order.

    The paths from a node carry what it sends beyond what it receives, no more: flow that
    arrives at a node is carried on by the paths that bring it.
    """
    paths: list[tuple[str, list[int], float, float]] = []
    for start, excess in arcs.sources(tolerance):
        while len(paths) < _MAX_PATHS and excess > tolerance:
            used = arcs.walk(start, tolerance)
            if not used:
                break
            volume = arcs.bottleneck(used)
            if excess < volume - tolerance:  # not where they differ only by rounding
                volume = excess
            paths.append((start, used, volume, arcs.take(used, volume)))
            excess -= volume
    return paths


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
