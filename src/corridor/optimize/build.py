"""Assemble the flow LP as sparse matrices, vectorised from the network's compiled arrays.

Blocks of columns (see docs/formulation.md): flows ``x`` per (arc, layer), supply ``s`` per
(node, commodity), deliveries ``d`` per (node, commodity), agreement volumes ``v`` per agreement,
agreement exits ``e`` per (agreement, destination), free sinks ``z`` per (destination,
commodity) and open markets ``m`` per (node, commodity). Rows: one balance row per (layer, node)
and one capacity row per arc with a capacity (and one per link an agreement must use).

The build is pure numpy on :mod:`corridor.routing.compiled` arrays; the tables that describe
columns, rows, arcs and layers (``lp.cols`` ...) are made only when someone reads them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import breadth_first_order

from corridor.commodities import OTHER, facts
from corridor.dataset.network import Network
from corridor.optimize.prices import delivery_prices
from corridor.options import SolveOptions
from corridor.routing.arcs import arc_ends, arcs_frame, build_arcs
from corridor.routing.compiled import CompiledNetwork, commodity_positions, compiled, node_positions
from corridor.routing.inputs import check_options
from corridor.routing.layers import Layer, allowed_arcs, build_layers, layers_frame

__all__ = [
    "BALANCE",
    "CAPACITY",
    "REQUIRE",
    "LinearProgram",
    "build_model",
]

logger = logging.getLogger(__name__)
BALANCE, CAPACITY, REQUIRE = "balance", "capacity", "require"
_NONE = -1


@dataclass(frozen=True)
class LinearProgram:
    """min c'x + constant  s.t.  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper.

    Each column has a block (x, s, d, v, e, z, m) and, where they apply, an arc, a layer, a
    commodity (position in ``net.commodities``), a node and a bound value (-1 / NaN where
    not); each row a block (balance, capacity, require), a layer, a node, an arc, a link.
    ``cols``, ``rows``, ``arcs`` and ``layers`` show the same as tables.
    """

    c: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    a: sparse.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    constant: float
    year: int
    net: CompiledNetwork
    arc_link: np.ndarray
    arc_reverse: np.ndarray
    layer_list: tuple[Layer, ...]
    col_block: np.ndarray
    col_arc: np.ndarray
    col_layer: np.ndarray
    col_commodity: np.ndarray
    col_node: np.ndarray
    col_value: np.ndarray
    row_block: np.ndarray
    row_layer: np.ndarray
    row_node: np.ndarray
    row_arc: np.ndarray
    row_link: np.ndarray
    c_value: np.ndarray  # costs of the value stage: USD only (no penalty, no tie-break)
    fixed: np.ndarray  # columns held at least at their priority-stage value in the value stage
    col_price: np.ndarray  # USD per canonical unit of each delivery column (NaN: no price)
    col_price_id: np.ndarray  # the price or demand row each delivery's price comes from
    warnings: tuple[str, ...] = ()  # what the year's data lacks (no demand rows, no prices)

    @property
    def nodes(self) -> pd.Index:
        """Node ids (balance rows and node columns point into them)."""
        return self.net.nodes

    @cached_property
    def arcs(self) -> pd.DataFrame:
        """One row per arc (see :func:`corridor.routing.arcs.arcs_frame`)."""
        return arcs_frame(self.net, self.arc_link, self.arc_reverse)

    @cached_property
    def layers(self) -> pd.DataFrame:
        """One row per flow layer."""
        return layers_frame(self.layer_list)

    @cached_property
    def cols(self) -> pd.DataFrame:
        """One row per column: block, arc, layer, commodity, node_id, value_canonical."""
        return pd.DataFrame(
            {
                "block": self.col_block,
                "arc": _nan_where_none(self.col_arc),
                "layer": _nan_where_none(self.col_layer),
                "commodity": _labels(self.net.commodities, self.col_commodity),
                "node_id": _labels(self.net.nodes, self.col_node),
                "value_canonical": self.col_value,
            }
        )

    @cached_property
    def rows(self) -> pd.DataFrame:
        """One row per row: block, layer, node_id, arc, link_id."""
        return pd.DataFrame(
            {
                "block": self.row_block,
                "layer": _nan_where_none(self.row_layer),
                "node_id": _labels(self.net.nodes, self.row_node),
                "arc": _nan_where_none(self.row_arc),
                "link_id": self.row_link,
            }
        )


def _nan_where_none(codes: np.ndarray) -> np.ndarray:
    return np.where(codes == _NONE, np.nan, codes.astype(float))


def _labels(labels: pd.Index | tuple[str, ...], codes: np.ndarray) -> np.ndarray:
    names = np.empty(len(labels) + 1, dtype=object)  # the last name (None) stands for -1
    names[:-1] = list(labels)
    out: np.ndarray = names[np.where(codes == _NONE, len(labels), codes)]
    return out


def _year_totals(
    net: CompiledNetwork,
    node: np.ndarray,
    commodity: np.ndarray,
    year_of: np.ndarray,
    value: np.ndarray,
    year: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of ``year`` summed per (node, commodity), in (node id, commodity) order.

    Returns (keys, node positions, commodity positions, totals); a key is
    node_rank * n_commodities + commodity.
    """
    n_c = max(len(net.commodities), 1)
    take = (year_of == year) & ~np.isnan(value) & (commodity >= 0) & (node >= 0)
    key = net.node_rank[node[take]] * n_c + commodity[take]
    keys, inverse = np.unique(key, return_inverse=True)
    totals = np.bincount(inverse, weights=value[take], minlength=len(keys))
    order = np.argsort(net.node_rank)
    return keys, order[keys // n_c], keys % n_c, totals


def _own_prices(
    net: CompiledNetwork, d_keys: np.ndarray, year: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each delivery column's own price from its demand rows (the last priced row wins)."""
    n_c = max(len(net.commodities), 1)
    usd = np.full(len(d_keys), np.nan)
    ids = np.full(len(d_keys), None, dtype=object)
    priced = np.flatnonzero(
        (net.demand_year == year) & ~np.isnan(net.demand_price) & (net.demand_commodity >= 0)
    )
    if len(priced) and len(d_keys):
        keys = net.node_rank[net.demand_node[priced]] * n_c + net.demand_commodity[priced]
        at = np.searchsorted(d_keys, keys).clip(max=len(d_keys) - 1)
        hit = d_keys[at] == keys
        usd[at[hit]] = net.demand_price[priced][hit]
        ids[at[hit]] = net.demand_ids[priced][hit]
    return usd, ids


def _upstream_efficiency(
    tail: np.ndarray,
    head: np.ndarray,
    eff: np.ndarray,
    in_layer: np.ndarray,
    on_link: np.ndarray,
    n_nodes: int,
) -> float:
    """The smallest efficiency among a layer's arcs that can lead to the arcs ``on_link``
    (1 when none loses anything): what at least reaches the link of what left the origin."""
    cols = np.flatnonzero(in_layer)
    if not len(on_link) or not len(cols):
        return 1.0
    back = sparse.csr_matrix(
        (np.ones(len(cols)), (head[cols], tail[cols])), shape=(n_nodes, n_nodes)
    )
    reach = np.zeros(n_nodes, dtype=bool)
    for start in np.unique(tail[on_link]):
        found = breadth_first_order(back, int(start), directed=True, return_predecessors=False)
        reach[found] = True
    upstream = cols[reach[head[cols]]]
    return float(eff[upstream].min()) if len(upstream) else 1.0


def build_model(network: Network, options: SolveOptions) -> LinearProgram:
    """Build the LP of ``network`` for ``options.year`` under ``options.rules``.

    Raises
    ------
    OptionError
        If the year, a country, group, link or commodity of the options is not in the dataset.
    """
    t0 = time.perf_counter()
    warnings = check_options(network, options)
    year = options.year
    net = compiled(network)
    n_nodes, n_c = len(net.nodes), max(len(net.commodities), 1)
    arc_link, arc_reverse = build_arcs(net, year)
    arc_tail, arc_head = arc_ends(net, arc_link, arc_reverse)
    layers = build_layers(network, net, year, options.rules, options.commodity_rules)
    layer_commodity = commodity_positions(net, [x.commodity for x in layers])
    default_penalty = np.array(
        [float(options.unmet_penalty.get(c, facts(c).unmet_penalty)) for c in net.commodities]
        or [OTHER.unmet_penalty]
    )

    # --- flows x: one column per allowed (arc, layer) pair -----------------------------------
    arc_idx, layer_idx = np.nonzero(allowed_arcs(network, net, arc_link, layers))
    x_link = arc_link[arc_idx]
    x_code = layer_commodity[layer_idx]
    eff = net.link_efficiency[x_link]
    x_cost = (
        options.distance_cost * net.distance_scale[x_code] * net.link_length_km[x_link]
        + net.tariff[x_link, x_code]
    )
    n_x = len(arc_idx)

    # --- supply s and deliveries d for the year -----------------------------------------------
    _, s_node, s_code, s_value = _year_totals(
        net, net.supply_node, net.supply_commodity, net.supply_year, net.supply_value, year
    )
    d_keys, d_node, d_code, d_value = _year_totals(
        net, net.demand_node, net.demand_commodity, net.demand_year, net.demand_value, year
    )
    penalty = default_penalty[d_code] if len(d_code) else np.zeros(0)
    d_prices = delivery_prices(net, d_node, d_code, year, own=_own_prices(net, d_keys, year))

    # --- agreements: volume v, exits e, free sinks z at destinations --------------------------
    g_layer = np.array([j for j, x in enumerate(layers) if x.kind == "agreement"], dtype=np.int64)
    g = [layers[j] for j in g_layer]
    g_code = layer_commodity[g_layer]
    g_origin = node_positions(net, [str(x.origin) for x in g])
    # an agreement without a disclosed volume carries nothing (its route is still checked)
    v_upper = np.nan_to_num(
        np.array([x.max_volume if not np.isnan(x.max_volume) else x.min_volume for x in g]),
        nan=0.0,
    )
    v_reward = -options.agreement_weight * default_penalty[g_code]
    exits = [(j, d, x.commodity) for j, x in zip(g_layer, g, strict=True) for d in x.destinations]
    e_layer = np.array([j for j, _, _ in exits], dtype=np.int64)
    e_node = node_positions(net, [d for _, d, _ in exits])
    e_code = layer_commodity[e_layer] if len(exits) else np.zeros(0, np.int64)
    sinks = list(dict.fromkeys(zip(e_node.tolist(), e_code.tolist(), strict=True)))
    z_node = np.array([n for n, _ in sinks], dtype=np.int64)
    z_code = np.array([k for _, k in sinks], dtype=np.int64)

    # --- open markets: world markets that take any volume of their commodities ------------------
    m_node, m_code = net.market_node, net.market_commodity
    m_prices = delivery_prices(net, m_node, m_code, year)
    m_priced = ~np.isnan(m_prices.usd)
    m_value = np.where(m_priced, -m_prices.usd, -options.market_weight * default_penalty[m_code])

    sizes = {
        "x": n_x, "s": len(s_node), "d": len(d_node), "v": len(g_layer),
        "e": len(exits), "z": len(sinks), "m": len(m_node),
    }  # fmt: skip
    offset = dict(zip(sizes, np.cumsum([0, *sizes.values()])[:-1].tolist(), strict=True))
    n_cols = sum(sizes.values())

    def balance_key(layer: np.ndarray, node: np.ndarray) -> np.ndarray:
        key: np.ndarray = layer.astype(np.int64) * n_nodes + node.astype(np.int64)
        return key

    def cols_of(block: str) -> np.ndarray:
        return np.arange(offset[block], offset[block] + sizes[block])

    commodity_layer = np.full(n_c, _NONE)
    for j, x in enumerate(layers):
        if x.kind == "commodity":
            commodity_layer[layer_commodity[j]] = j
    entries = [  # (balance key, column, coefficient)
        (balance_key(layer_idx, arc_head[arc_idx]), cols_of("x"), eff),
        (balance_key(layer_idx, arc_tail[arc_idx]), cols_of("x"), -np.ones(n_x)),
        (balance_key(commodity_layer[s_code], s_node), cols_of("s"), np.ones(sizes["s"])),
        (balance_key(commodity_layer[d_code], d_node), cols_of("d"), -np.ones(sizes["d"])),
        (balance_key(g_layer, g_origin), cols_of("v"), np.ones(sizes["v"])),
        (balance_key(commodity_layer[g_code], g_origin), cols_of("v"), -np.ones(sizes["v"])),
        (balance_key(e_layer, e_node), cols_of("e"), -np.ones(sizes["e"])),
        (balance_key(commodity_layer[e_code], e_node), cols_of("e"), np.ones(sizes["e"])),
        (balance_key(commodity_layer[z_code], z_node), cols_of("z"), -np.ones(sizes["z"])),
        (balance_key(commodity_layer[m_code], m_node), cols_of("m"), -np.ones(sizes["m"])),
    ]
    keys = np.concatenate([k for k, _, _ in entries])
    row_keys, b_rows = np.unique(keys, return_inverse=True)
    n_balance = len(row_keys)

    # --- capacity rows: one per arc with a capacity --------------------------------------------
    capped = np.flatnonzero(~np.isnan(net.link_capacity[arc_link]))
    cap_row_of_arc = np.full(len(arc_link), _NONE)
    cap_row_of_arc[capped] = np.arange(len(capped))
    in_cap = cap_row_of_arc[arc_idx] >= 0
    k_rows = n_balance + cap_row_of_arc[arc_idx][in_cap]
    k_vals = net.weight[x_link, x_code][in_cap]

    # --- required links of agreements: flow through the link >= eta_min * agreement volume ----
    # (eta_min, the smallest efficiency of the arcs that can lead to the link, allows for losses
    # upstream of it; exact when a route has at most one lossy link, as in the shipped data)
    req_rows, req_cols, req_vals, req_layer, req_link = [], [], [], [], []
    n_rows = n_balance + len(capped)
    x_link_id = net.link_ids[x_link]
    x_tail, x_head = arc_tail[arc_idx], arc_head[arc_idx]
    for gi, (j, layer) in enumerate(zip(g_layer, g, strict=True)):
        in_layer = layer_idx == j
        for link in sorted(layer.rules.require_links):
            on_link = np.flatnonzero(in_layer & (x_link_id == link))
            eta_min = _upstream_efficiency(x_tail, x_head, eff, in_layer, on_link, n_nodes)
            req_rows += [np.full(len(on_link) + 1, n_rows)]
            req_cols += [np.append(on_link, offset["v"] + gi)]
            req_vals += [np.append(np.ones(len(on_link)), -eta_min)]
            req_layer.append(j)
            req_link.append(link)
            n_rows += 1
    n_req = len(req_layer)

    rows_all = np.concatenate([b_rows, k_rows, *req_rows]).astype(np.int64)
    cols_all = np.concatenate(
        [np.concatenate([c for _, c, _ in entries]), np.flatnonzero(in_cap), *req_cols]
    ).astype(np.int64)
    vals_all = np.concatenate([*(v for _, _, v in entries), k_vals, *req_vals]).astype(float)
    a = sparse.csc_matrix((vals_all, (rows_all, cols_all)), shape=(n_rows, n_cols))

    row_upper = np.concatenate(
        [np.zeros(n_balance), net.link_capacity[arc_link[capped]], np.full(n_req, np.inf)]
    )
    row_lower = np.concatenate(
        [np.zeros(n_balance), np.full(len(capped), -np.inf), np.zeros(n_req)]
    )
    n_free = sizes["e"] + sizes["z"]  # exits and sinks: no cost, no bound
    d_worth = np.nan_to_num(d_prices.usd)
    c = np.concatenate(
        [x_cost, np.zeros(sizes["s"]), -penalty - d_worth, v_reward, np.zeros(n_free), m_value]
    )
    # the value stage: USD only (prices less tariffs); deliveries to demand, agreements and
    # unpriced markets keep at least what the priority stage gave them
    c_value = np.concatenate(
        [net.tariff[x_link, x_code], np.zeros(sizes["s"]), -d_worth,
         np.zeros(sizes["v"] + n_free), np.where(m_priced, m_value, 0.0)]
    )  # fmt: skip
    fixed = np.zeros(n_cols, dtype=bool)
    fixed[offset["d"] : offset["e"]] = True
    fixed[cols_of("m")] = ~m_priced
    col_price = np.full(n_cols, np.nan)
    col_price[cols_of("d")] = d_prices.usd
    col_price[cols_of("m")] = m_prices.usd
    col_price_id = np.full(n_cols, None, dtype=object)
    col_price_id[cols_of("d")] = d_prices.price_id
    col_price_id[cols_of("m")] = m_prices.price_id
    col_upper = np.concatenate(
        [np.full(n_x, np.inf), s_value, d_value, v_upper, np.full(n_free + sizes["m"], np.inf)]
    )
    none = np.full(n_cols, _NONE)
    col_arc, col_layer, col_node = none.copy(), none.copy(), none.copy()
    col_arc[cols_of("x")] = arc_idx
    col_layer[cols_of("x")] = layer_idx
    col_layer[cols_of("v")] = g_layer
    col_layer[cols_of("e")] = e_layer
    col_node[offset["s"] : offset["v"]] = np.concatenate([s_node, d_node])
    col_node[cols_of("e")] = e_node
    col_node[offset["z"] :] = np.concatenate([z_node, m_node])
    col_commodity = np.concatenate([x_code, s_code, d_code, g_code, e_code, z_code, m_code])
    col_value = np.full(n_cols, np.nan)
    col_value[offset["s"] : offset["v"]] = np.concatenate([s_value, d_value])
    n_other = n_rows - n_balance
    lp = LinearProgram(
        c=c,
        col_lower=np.zeros(n_cols),
        col_upper=col_upper,
        a=a,
        row_lower=row_lower,
        row_upper=row_upper,
        constant=float(np.dot(penalty, d_value)),
        year=year,
        net=net,
        arc_link=arc_link,
        arc_reverse=arc_reverse,
        layer_list=layers,
        col_block=np.repeat(np.array(list(sizes)), list(sizes.values())),
        col_arc=col_arc,
        col_layer=col_layer,
        col_commodity=np.asarray(col_commodity, dtype=np.int64),
        col_node=col_node,
        col_value=col_value,
        row_block=np.repeat(
            np.array([BALANCE, CAPACITY, REQUIRE]), [n_balance, len(capped), n_req]
        ),
        row_layer=np.concatenate(
            [row_keys // n_nodes, np.full(len(capped), _NONE), np.array(req_layer, np.int64)]
        ),
        row_node=np.concatenate([row_keys % n_nodes, np.full(n_other, _NONE)]),
        row_arc=np.concatenate([np.full(n_balance, _NONE), capped, np.full(n_req, _NONE)]),
        row_link=np.concatenate([np.full(n_rows - n_req, None), np.array(req_link, object)]),
        c_value=c_value,
        fixed=fixed,
        col_price=col_price,
        col_price_id=col_price_id,
        warnings=(*warnings, *dict.fromkeys(d_prices.warnings + m_prices.warnings)),
    )
    logger.info(
        "built LP for %d: %d columns, %d rows, %d non-zeros in %.3f s",
        year,
        n_cols,
        n_rows,
        a.nnz,
        time.perf_counter() - t0,
    )
    return lp
