"""Seeded synthetic corridor networks for benchmarks: Delaunay graphs, K commodities sharing
each link's capacity, sources and sinks per commodity, deliberately congested.

Follows the description in the project's solver notes: a random spanning tree kept in both
directions plus the other Delaunay edges in one direction (about 4N arcs for N nodes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay

from corridor.dataset.network import Network, from_frames

#: synthetic commodities, all measured in Mt/yr (declared in the network's commodities table)
COMMODITIES = tuple(f"c{i}" for i in range(10))
PENALTY = 1e4


@dataclass(frozen=True)
class Instance:
    """Arrays of one synthetic instance (shared by every tool benchmarked)."""

    n_nodes: int
    tail: np.ndarray
    head: np.ndarray
    capacity: np.ndarray
    length: np.ndarray
    supply: pd.DataFrame  # node, commodity, value
    demand: pd.DataFrame  # node, commodity, value
    commodities: tuple[str, ...]


def make_instance(n_nodes: int, n_commodities: int, seed: int = 0) -> Instance:
    """Build the arrays of a synthetic instance with about 4 * n_nodes directed arcs."""
    rng = np.random.default_rng(seed)
    pts = rng.random((n_nodes, 2))
    simplices = Delaunay(pts).simplices
    pairs = np.concatenate([simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]])
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    weights = rng.random(len(pairs)) + 0.01
    graph = coo_matrix((weights, (pairs[:, 0], pairs[:, 1])), shape=(n_nodes, n_nodes))
    tree = minimum_spanning_tree(graph).tocoo()
    in_tree = set(zip(tree.row.tolist(), tree.col.tolist(), strict=True))
    tree_mask = np.array([(a, b) in in_tree or (b, a) in in_tree for a, b in pairs])
    t_pairs, o_pairs = pairs[tree_mask], pairs[~tree_mask]
    flip = rng.random(len(o_pairs)) < 0.5
    o_pairs = np.where(flip[:, None], o_pairs[:, ::-1], o_pairs)
    arcs = np.concatenate([t_pairs, t_pairs[:, ::-1], o_pairs])
    length = np.round(np.hypot(*(pts[arcs[:, 0]] - pts[arcs[:, 1]]).T) * 1000 + 1, 1)
    commodities = COMMODITIES[:n_commodities]
    rows_s, rows_d = [], []
    for c in commodities:
        nodes = rng.permutation(n_nodes)
        k = max(1, n_nodes // 20)
        rows_s.append(
            pd.DataFrame(
                {"node": nodes[:k], "commodity": c, "value": np.round(rng.uniform(50, 100, k), 1)}
            )
        )
        rows_d.append(
            pd.DataFrame(
                {
                    "node": nodes[k : 2 * k],
                    "commodity": c,
                    "value": np.round(rng.uniform(20, 60, k), 1),
                }
            )
        )
    capacity = np.round(rng.uniform(5, 40, len(arcs)) * n_commodities, 1)
    return Instance(
        n_nodes,
        arcs[:, 0],
        arcs[:, 1],
        capacity,
        length,
        pd.concat(rows_s, ignore_index=True),
        pd.concat(rows_d, ignore_index=True),
        commodities,
    )


def _rows(rows: pd.DataFrame, ids: np.ndarray, id_column: str, prefix: str) -> pd.DataFrame:
    """Supply or demand rows (node, commodity, year, value) as a corridor table, in Mt/yr."""
    return pd.DataFrame(
        {
            id_column: [f"{prefix}{i}" for i in range(len(rows))],
            "node_id": ids[rows["node"]],
            "commodity": rows["commodity"],
            "year": rows["year"],
            "value": rows["value"],
            "unit": "Mt/yr",
        }
    )


def to_network(
    inst: Instance,
    *,
    supply: pd.DataFrame | None = None,
    demand: pd.DataFrame | None = None,
    projects: pd.DataFrame | None = None,
) -> Network:
    """The instance as a corridor Network (parsed, rule checks skipped for speed).

    ``supply`` and ``demand`` (node, commodity, year, value) replace the instance's rows (for
    2024); ``projects`` is a projects table in the file format.
    """
    ids = np.char.add("N", np.arange(inst.n_nodes).astype(str))
    nodes = pd.DataFrame(
        {
            "node_id": ids,
            "name": ids,
            "kind": "junction",
            "country": "AZ",
            "lat": 40.0,
            "lon": 49.0,
            "commodities": ";".join(COMMODITIES),
        }
    )
    lid = np.char.add("L", np.arange(len(inst.tail)).astype(str))
    links = pd.DataFrame(
        {
            "link_id": lid,
            "name": lid,
            "from_node": ids[inst.tail],
            "to_node": ids[inst.head],
            "mode": "pipeline",
            "commodities": ";".join(inst.commodities),
            "bidirectional": "false",
            "capacity": inst.capacity,
            "capacity_unit": "Mt/yr",
            "length_km": inst.length,
            "status": "operating",
        }
    )
    supply = inst.supply.assign(year=2024) if supply is None else supply
    demand = inst.demand.assign(year=2024) if demand is None else demand
    supply_rows = _rows(supply, ids, "supply_id", "S")
    demand_rows = _rows(demand, ids, "demand_id", "D")
    commodities = pd.DataFrame(
        {"commodity_id": list(COMMODITIES), "name": list(COMMODITIES), "canonical_unit": "Mt/yr"}
    )
    frames = {
        "nodes": nodes,
        "links": links,
        "supply": supply_rows,
        "demand": demand_rows,
        "commodities": commodities,
    }
    return from_frames(frames | ({} if projects is None else {"projects": projects}), check=False)
