"""Assemble the flow LP as sparse matrices, vectorised from the tables.

Blocks of columns (see docs/formulation.md): flows ``x`` per (arc, layer), supply ``s`` per
(node, commodity), deliveries ``d`` per (node, commodity), agreement volumes ``v`` per agreement,
agreement exits ``e`` per (agreement, destination) and free sinks ``z`` per (destination,
commodity). Rows: one balance row per (layer, node) and one capacity row per arc with a capacity.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from corridor.network import Network, canonical_units, conversion_factor
from corridor.optimize.arcs import build_arcs
from corridor.optimize.layers import allowed_arcs, build_layers
from corridor.optimize.options import SolveOptions
from corridor.units import UNITS, convert

__all__ = ["LinearProgram", "build_model"]

logger = logging.getLogger(__name__)
BALANCE, CAPACITY, REQUIRE = "balance", "capacity", "require"


@dataclass(frozen=True)
class LinearProgram:
    """min c'x + constant  s.t.  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper.

    ``cols`` and ``rows`` describe each column and row (block, arc, layer, node, ...);
    ``arcs``, ``layers`` and ``nodes`` are the index tables they point into.
    """

    c: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    a: sparse.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    constant: float
    cols: pd.DataFrame
    rows: pd.DataFrame
    arcs: pd.DataFrame
    layers: pd.DataFrame
    nodes: pd.Index
    year: int


def _commodity_factors(network: Network, commodity: str) -> dict[str, float | None]:
    grade = network.commodities["default_grade"].get(commodity)
    grade = grade if isinstance(grade, str) else None
    return {
        "bbl_per_t": conversion_factor(network.conversions, commodity, "t", "bbl", grade),
        "t_per_teu": conversion_factor(network.conversions, commodity, "TEU", "t", grade),
    }


def _distance_scale(network: Network) -> dict[str, float]:
    """Distance tie-break per canonical unit, as a share of the cost per Mt-km.

    Containers count in TEU: one TEU weighs t_per_teu tonnes, so its tie-break is that share
    of a Mt's (1e-5 if the dataset has no factor). Other canonical units (Mt, bcm) count as 1.
    """
    t_per_teu = conversion_factor(network.conversions, "containers", "TEU", "t")
    return {"containers": (t_per_teu or 10.0) / 1e6}


def _capacity_weights(network: Network, arcs: pd.DataFrame, commodity: pd.Series) -> np.ndarray:
    """Units of link capacity one canonical unit of each flow's commodity uses."""
    weights = np.ones(len(commodity))
    units = canonical_units(network.commodities)
    pairs = pd.DataFrame({"c": commodity.to_numpy(), "u": arcs["canonical_unit"].to_numpy()})
    for (c, unit), idx in pairs.groupby(["c", "u"]).groups.items():
        if unit not in UNITS or unit == units[str(c)]:
            continue
        factors = {
            **_commodity_factors(network, "containers"),
            **{k: v for k, v in _commodity_factors(network, str(c)).items() if v is not None},
        }
        weights[np.asarray(idx)] = convert(1.0, units[str(c)], str(unit), **factors)
    return weights


_PRICE_BASE = {  # USD per ... -> (annual unit of that base, its size in that unit)
    "USD/bbl": ("bbl/yr", 1.0),
    "USD/t": ("t/yr", 1.0),
    "USD/t-km": ("t/yr", 1.0),
    "USD/1000m3": ("mcm/yr", 1e-3),
    "USD/TEU": ("TEU/yr", 1.0),
}


def usd_per_canonical_unit(network: Network, commodity: str, price: float, unit: str) -> float:
    """A price in ``unit`` (USD/bbl, USD/t, USD/1000m3, USD/TEU) per canonical unit of the
    commodity (e.g. USD/t -> USD per Mt); NaN where no conversion applies."""
    base = _PRICE_BASE.get(unit)
    if base is None:
        return float("nan")
    units = canonical_units(network.commodities)
    try:
        per_canonical = (
            convert(1.0, units[commodity], base[0], **_commodity_factors(network, commodity))
            / base[1]
        )
    except (ValueError, KeyError):
        return float("nan")
    return float(price) * float(per_canonical)


def tariff_per_unit(network: Network, arcs: pd.DataFrame, commodity: pd.Series) -> np.ndarray:
    """Published tariff in USD per canonical unit of the commodity (0 where none)."""
    out = np.zeros(len(commodity))
    for i in np.flatnonzero(arcs["tariff"].notna().to_numpy()):
        unit = str(arcs["tariff_unit"].iloc[i])
        value = usd_per_canonical_unit(
            network, str(commodity.iloc[i]), float(arcs["tariff"].iloc[i]), unit
        )
        if unit == "USD/t-km":
            value *= float(arcs["length_km"].iloc[i])
        out[i] = 0.0 if np.isnan(value) else value
    return out


def _year_rows(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = frame[(frame["year"] == year) & frame["value_canonical"].notna()]
    return rows.groupby(["node_id", "commodity"], as_index=False)["value_canonical"].sum()


def _demand_penalties(
    network: Network, demand: pd.DataFrame, year: int, defaults: dict[str, float]
) -> np.ndarray:
    """Value per canonical unit of each (node, commodity) demand: the row's own price where the
    dataset gives one, else the commodity's unmet penalty."""
    penalty: np.ndarray = (
        demand["commodity"].map(defaults).astype("float64").fillna(1e10).to_numpy(copy=True)
    )
    rows = network.demand[(network.demand["year"] == year) & network.demand["price"].notna()]
    for r in rows.itertuples():
        value = usd_per_canonical_unit(network, str(r.commodity), float(r.price), str(r.price_unit))
        hit = ((demand["node_id"] == r.node_id) & (demand["commodity"] == r.commodity)).to_numpy()
        if not np.isnan(value):
            penalty[hit] = value
    return np.asarray(penalty, dtype=float)


def build_model(network: Network, options: SolveOptions) -> LinearProgram:
    """Build the LP of ``network`` for ``options.year`` under ``options.rules``."""
    t0 = time.perf_counter()
    year = options.year
    arcs = build_arcs(network, year)
    layers = build_layers(network, year, options.rules)
    nodes = pd.Index(network.nodes.index, name="node_id")
    n_nodes = len(nodes)
    layer_of_commodity = {
        c: i
        for i, (k, c) in enumerate(zip(layers["kind"], layers["commodity"], strict=True))
        if k == "commodity"
    }

    # --- flows x: one column per allowed (arc, layer) pair -----------------------------------
    allowed = allowed_arcs(network, arcs, layers)
    arc_idx, layer_idx = np.nonzero(allowed)
    x_commodity = layers["commodity"].to_numpy()[layer_idx]
    x_arcs = arcs.iloc[arc_idx]
    tail = nodes.get_indexer(x_arcs["tail"])
    head = nodes.get_indexer(x_arcs["head"])
    eff = x_arcs["efficiency"].to_numpy()
    distance_scale = pd.Series(x_commodity).map(_distance_scale(network)).fillna(1.0).to_numpy()
    x_cost = options.distance_cost * distance_scale * x_arcs["length_km"].to_numpy() + (
        tariff_per_unit(network, x_arcs, pd.Series(x_commodity))
    )
    n_x = len(arc_idx)

    # --- supply s and deliveries d for the year -----------------------------------------------
    supply = _year_rows(network.supply, year)
    supply = supply[supply["commodity"].isin(layer_of_commodity)]
    demand = _year_rows(network.demand, year)
    demand = demand[demand["commodity"].isin(layer_of_commodity)]
    penalty = _demand_penalties(network, demand, year, options.unmet_penalty)

    # --- agreements: volume v, exits e, free sinks z at destinations --------------------------
    agreements = layers[layers["kind"] == "agreement"]
    exits = agreements[["destinations", "commodity"]].explode("destinations").dropna()
    exits = exits.rename(columns={"destinations": "node_id"}).reset_index()
    sinks = exits[["node_id", "commodity"]].drop_duplicates().reset_index(drop=True)
    # an agreement without a disclosed volume carries nothing (its route is still checked)
    v_upper = agreements["max_volume"].fillna(agreements["min_volume"]).fillna(0.0).to_numpy()
    v_reward = (
        -options.agreement_weight
        * agreements["commodity"].map(options.unmet_penalty).fillna(1e10).to_numpy()
    )

    # --- open markets: world markets that take any volume of their commodities ------------------
    open_nodes = network.nodes[network.nodes["open_market"].fillna(False).astype(bool)]
    markets = (
        open_nodes["commodities"]
        .explode()
        .dropna()
        .rename("commodity")
        .rename_axis("node_id")
        .reset_index()
    )
    markets = markets[markets["commodity"].isin(layer_of_commodity)].reset_index(drop=True)
    m_value = (
        -options.market_weight
        * markets["commodity"].map(options.unmet_penalty).fillna(1e10).to_numpy()
    )

    blocks = [
        ("x", n_x),
        ("s", len(supply)),
        ("d", len(demand)),
        ("v", len(agreements)),
        ("e", len(exits)),
        ("z", len(sinks)),
        ("m", len(markets)),
    ]
    offset = dict(
        zip([b for b, _ in blocks], np.cumsum([0] + [n for _, n in blocks])[:-1], strict=True)
    )
    n_cols = sum(n for _, n in blocks)

    def balance_key(layer: np.ndarray, node: np.ndarray) -> np.ndarray:
        return layer.astype(np.int64) * n_nodes + node.astype(np.int64)

    def c_layer(commodity: pd.Series) -> np.ndarray:
        return np.array([layer_of_commodity[c] for c in commodity], dtype=np.int64)

    entries = [  # (balance key, column, coefficient)
        (balance_key(layer_idx, head), np.arange(n_x), eff),
        (balance_key(layer_idx, tail), np.arange(n_x), -np.ones(n_x)),
        (
            balance_key(c_layer(supply["commodity"]), nodes.get_indexer(supply["node_id"])),
            offset["s"] + np.arange(len(supply)),
            np.ones(len(supply)),
        ),
        (
            balance_key(c_layer(demand["commodity"]), nodes.get_indexer(demand["node_id"])),
            offset["d"] + np.arange(len(demand)),
            -np.ones(len(demand)),
        ),
    ]
    g_layer = agreements.index.to_numpy()
    g_origin = nodes.get_indexer(agreements["origin"])
    v_cols = offset["v"] + np.arange(len(agreements))
    entries += [
        (balance_key(g_layer, g_origin), v_cols, np.ones(len(agreements))),
        (
            balance_key(c_layer(agreements["commodity"]), g_origin),
            v_cols,
            -np.ones(len(agreements)),
        ),
    ]
    e_cols = offset["e"] + np.arange(len(exits))
    e_node = nodes.get_indexer(exits["node_id"])
    entries += [
        (balance_key(exits["layer"].to_numpy(), e_node), e_cols, -np.ones(len(exits))),
        (balance_key(c_layer(exits["commodity"]), e_node), e_cols, np.ones(len(exits))),
        (
            balance_key(c_layer(sinks["commodity"]), nodes.get_indexer(sinks["node_id"])),
            offset["z"] + np.arange(len(sinks)),
            -np.ones(len(sinks)),
        ),
        (
            balance_key(c_layer(markets["commodity"]), nodes.get_indexer(markets["node_id"])),
            offset["m"] + np.arange(len(markets)),
            -np.ones(len(markets)),
        ),
    ]
    keys = np.concatenate([k for k, _, _ in entries])
    b_cols = np.concatenate([col for _, col, _ in entries])
    b_vals = np.concatenate([v for _, _, v in entries])
    row_keys, b_rows = np.unique(keys, return_inverse=True)
    n_balance = len(row_keys)

    # --- capacity rows: one per arc with a capacity --------------------------------------------
    capped = np.flatnonzero(arcs["capacity"].notna().to_numpy())
    cap_row_of_arc = np.full(len(arcs), -1)
    cap_row_of_arc[capped] = np.arange(len(capped))
    in_cap = cap_row_of_arc[arc_idx] >= 0
    weights = _capacity_weights(network, x_arcs, pd.Series(x_commodity))
    k_rows = n_balance + cap_row_of_arc[arc_idx][in_cap]
    k_cols = np.flatnonzero(in_cap)
    k_vals = weights[in_cap]

    # --- required links of agreements: flow through the link >= eta_min * agreement volume ----
    # (eta_min, the smallest efficiency the layer may meet, allows for losses upstream of the
    # link; exact when a route has at most one lossy link, as in the shipped data)
    req_rows, req_cols, req_vals, req_meta = [], [], [], []
    n_rows = n_balance + len(capped)
    for j, (g, layer) in enumerate(agreements.iterrows()):
        in_layer = layer_idx == g
        eta_min = float(eff[in_layer].min()) if in_layer.any() else 1.0
        for link in sorted(layer["rules"].require_links):
            on_link = np.flatnonzero(in_layer & (x_arcs["link_id"].to_numpy() == link))
            req_rows += [np.full(len(on_link) + 1, n_rows)]
            req_cols += [np.append(on_link, v_cols[j])]
            req_vals += [np.append(np.ones(len(on_link)), -eta_min)]
            req_meta.append({"block": REQUIRE, "layer": g, "link_id": link})
            n_rows += 1

    rows_all = np.concatenate([b_rows, k_rows, *req_rows]).astype(np.int64)
    cols_all = np.concatenate([b_cols, k_cols, *req_cols]).astype(np.int64)
    vals_all = np.concatenate([b_vals, k_vals, *req_vals]).astype(float)
    a = sparse.csc_matrix((vals_all, (rows_all, cols_all)), shape=(n_rows, n_cols))

    row_lower = np.concatenate(
        [np.zeros(n_balance), np.full(len(capped), -np.inf), np.zeros(len(req_meta))]
    )
    row_upper = np.concatenate(
        [np.zeros(n_balance), arcs["capacity"].to_numpy()[capped], np.full(len(req_meta), np.inf)]
    )

    c = np.concatenate(
        [
            x_cost,
            np.zeros(len(supply)),
            -penalty,
            v_reward,
            np.zeros(len(exits)),
            np.zeros(len(sinks)),
            m_value,
        ]
    )
    col_lower = np.zeros(n_cols)
    col_upper = np.concatenate(
        [
            np.full(n_x, np.inf),
            supply["value_canonical"].to_numpy(),
            demand["value_canonical"].to_numpy(),
            v_upper,
            np.full(len(exits) + len(sinks) + len(markets), np.inf),
        ]
    )
    cols = pd.concat(
        [
            pd.DataFrame(
                {"block": "x", "arc": arc_idx, "layer": layer_idx, "commodity": x_commodity}
            ),
            supply.assign(block="s"),
            demand.assign(block="d"),
            pd.DataFrame(
                {"block": "v", "layer": g_layer, "commodity": agreements["commodity"].to_numpy()}
            ),
            exits.assign(block="e"),
            sinks.assign(block="z"),
            markets.assign(block="m"),
        ],
        ignore_index=True,
    )
    rows = pd.concat(
        [
            pd.DataFrame(
                {
                    "block": BALANCE,
                    "layer": row_keys // n_nodes,
                    "node_id": nodes[row_keys % n_nodes],
                }
            ),
            pd.DataFrame({"block": CAPACITY, "arc": capped}),
            pd.DataFrame(req_meta, columns=["block", "layer", "link_id"]),
        ],
        ignore_index=True,
    )
    constant = float(np.dot(penalty, demand["value_canonical"].to_numpy()))
    logger.info(
        "built LP for %d: %d columns, %d rows, %d non-zeros in %.3f s",
        year,
        n_cols,
        n_rows,
        a.nnz,
        time.perf_counter() - t0,
    )
    return LinearProgram(
        c,
        col_lower,
        col_upper,
        a,
        row_lower,
        row_upper,
        constant,
        cols,
        rows,
        arcs,
        layers,
        nodes,
        year,
    )
