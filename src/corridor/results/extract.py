"""Results of a solve: tidy frames of flows, capacity use, shadow prices, unmet demand, routes.

Every quantity has its unit beside it and no figure adds quantities of different units: flows
are per commodity in its canonical unit (Mt/yr, bcm/yr, TEU/yr); a link's ``used`` is in the
unit of its capacity (commodities converted into it, as the capacity row counts them); money is
in USD per year.

The tables are computed from the LP's arrays with numpy and plain loops over the rows with
flow; a DataFrame is made once per table. What depends on the network alone (canonical units,
factors to tonnes) is computed once per network (:class:`PerNetwork`).
"""

from __future__ import annotations

import itertools
import weakref
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from corridor.commodities import CANONICAL_BY_DIMENSION
from corridor.dataset.network import Network, canonical_units, commodity_factors, derived
from corridor.optimize.build import CAPACITY, LinearProgram
from corridor.optimize.solve import Solution
from corridor.options import SolveOptions
from corridor.results.columns import TEXT, as_stored, frame, listed, strings, text
from corridor.results.diagnose import LayerSearch, shortfall_reason
from corridor.results.paths import path_rows, paths_frame
from corridor.routing.arcs import arc_ends
from corridor.units import MASS, convert

__all__ = ["PerNetwork", "Results", "extract_results", "per_unit"]

T = TypeVar("T")

_TOL = 1e-7
_MASS = CANONICAL_BY_DIMENSION[MASS]  # uncapped links with mixed units show tonnes
_DELIVERY = ("d", "m")  # column blocks of deliveries to demand and to world markets


def per_unit(unit: object) -> str:
    """The quantity a price is per: ``Mt/yr`` -> ``Mt``."""
    return str(unit).removesuffix("/yr") if isinstance(unit, str) else ""


class PerNetwork(Generic[T]):
    """A value derived from a network, computed once per :class:`Network` object.

    Held by :func:`corridor.dataset.network.derived` (by the network's identity, outside the
    network, dropped when the network is garbage-collected); each PerNetwork has its own key.
    """

    _made = itertools.count()

    def __init__(self, compute: Callable[[Network], T]) -> None:
        self._compute = compute
        self._key = ("PerNetwork", getattr(compute, "__qualname__", ""), next(self._made))

    def __call__(self, network: Network) -> T:
        return derived(network, self._key, self._compute)


class _NetworkData:
    """What the tables read from a network's own tables: canonical units, Mt/yr per unit
    (each looked up when first asked for), node and link countries, and the sourced prices.

    Made once per network (:data:`_network_data`); it holds tables of the network, never the
    network itself, which its cache entry must not keep alive.
    """

    def __init__(self, network: Network) -> None:
        self.conversions, self.commodities = network.conversions, network.commodities
        self.canonical = canonical_units(network.commodities)
        self._mass: dict[str, float] = {}
        nodes, links = network.nodes, network.links
        self.node_country = dict(zip(nodes.index.tolist(), nodes["country"].tolist(), strict=True))
        self.link_countries = dict(
            zip(links.index.tolist(), links["countries"].tolist(), strict=True)
        )
        self.link_names = links["name"].array
        prices, demand = network.prices, network.demand
        priced = demand[demand["price"].notna()]
        self.price_unit_dtype = prices["unit"].dtype
        self.given: dict[str, tuple[float, Any]] = {
            **dict(
                zip(
                    priced.index.tolist(),
                    zip(priced["price"].tolist(), priced["price_unit"].tolist(), strict=True),
                    strict=True,
                )
            ),
            **dict(
                zip(
                    prices.index.tolist(),
                    zip(prices["value"].tolist(), prices["unit"].tolist(), strict=True),
                    strict=True,
                )
            ),
        }  # a price row wins over a demand row of the same id

    def column(self, commodities: Iterable[Any]) -> pd.Series:
        """The canonical unit of each commodity (NaN where it has none), as text."""
        return pd.Series(self.units(commodities), dtype=TEXT)

    def units(self, commodities: Iterable[Any]) -> Any:
        """The canonical unit of each commodity (NaN where it has none), as a text array."""
        canonical = self.canonical
        return strings([canonical.get(c) for c in commodities])

    def to_mass(self, commodity: str) -> float:
        """Mt/yr per canonical unit of ``commodity`` (NaN where no factor converts it)."""
        if commodity not in self._mass:
            try:
                factors = commodity_factors(self.conversions, self.commodities, commodity)
                mass = float(convert(1.0, self.canonical[commodity], _MASS, **factors))
            except ValueError:
                mass = float("nan")
            self._mass[commodity] = mass
        return self._mass[commodity]

    def given_prices(self, ids: np.ndarray) -> tuple[list[float], Any]:
        """The price and unit as sourced of each price or demand row id (NaN and NA where an
        id is None or names no row with a price)."""
        found = [
            self.given.get(i, (np.nan, pd.NA)) if isinstance(i, str) else (np.nan, pd.NA)
            for i in ids
        ]
        price = [p for p, _ in found]
        unit = pd.array([u for _, u in found], dtype=self.price_unit_dtype)
        return price, unit


_network_data = PerNetwork(_NetworkData)


def _compensated_sums(
    groups: Iterable[Hashable], values: Iterable[float]
) -> tuple[dict[Any, float], dict[Any, int]]:
    """Sum and count of the non-NaN ``values`` of each group, in row order, with Kahan's
    compensation (as pandas' groupby sums unsorted groups): 0.1 + 0.2 + 0.3 gives 0.6, not
    0.6000000000000001."""
    total: dict[Any, float] = {}
    error: dict[Any, float] = {}
    count: dict[Any, int] = {}
    for g, v in zip(groups, values, strict=True):
        if v != v:  # NaN
            continue
        s = total.get(g, 0.0)
        y = v - error.get(g, 0.0)
        t = s + y
        e = t - s - y
        error[g] = 0.0 if e != e else e  # an infinite value leaves the sum infinite
        total[g] = t
        count[g] = count.get(g, 0) + 1
    return total, count


@dataclass(frozen=True)
class Results:
    """What a solve found, as tidy DataFrames.

    Attributes
    ----------
    flows
        One row per link, direction, commodity and agreement with flow: link_id, from_node,
        to_node, commodity, agreement_id (empty for free flows), flow, delivered, unit,
        tariff_usd_per_unit.
    links
        One row per link direction with a capacity or with flow: capacity and ``used`` in
        ``unit`` (the capacity's unit, into which shared commodities are converted; a link
        without a capacity shows its flow when its commodities share one unit or convert to
        Mt/yr, else none), utilisation, binding, and ``shadow_price`` in
        ``shadow_price_unit`` (USD a year for one more unit of annual capacity: the sourced
        value of what it would let reach demand or a market, less known tariffs; empty when
        the link carries a commodity without a price).
    unmet
        One row per demand: demand, delivered, unmet (its own unit), and what limits it.
    markets
        Volume delivered to each open (world) market node, by commodity.
    supply
        One row per supply: available, used, unused.
    agreements
        One row per agreement valid in the year: target, delivered, shortfall, route, countries,
        tariff cost, and what blocks it.
    paths
        Path decomposition of every layer: route, volume, countries, cost.
    transit
        Volume crossing each transit country (not where the route starts or ends), by
        commodity; and the tariff revenue of each country's share of tariffed links (the
        tariff split equally over the countries a link crosses), where tariffs are known.
    costs
        USD a year by item and commodity: the value of deliveries at sourced prices, the
        tariffs paid, and the distance tie-break (not a cost: it orders equal routes).
    prices
        The price each delivery is valued at: node, commodity, the price as sourced, in USD per
        canonical unit, and the price or demand row it comes from.
    warnings
        What the year's data lacks (no demand rows, prices carried forward or missing).

    Every table is computed when the results are made (none is lazy).
    """

    year: int
    status: str
    objective: float
    solve_seconds: float
    flows: pd.DataFrame
    links: pd.DataFrame
    unmet: pd.DataFrame
    markets: pd.DataFrame
    supply: pd.DataFrame
    agreements: pd.DataFrame
    paths: pd.DataFrame
    transit: pd.DataFrame
    costs: pd.DataFrame
    prices: pd.DataFrame = field(default_factory=pd.DataFrame)
    provenance: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def binding(self) -> pd.DataFrame:
        """Links whose capacity limits the result, by shadow price (highest first)."""
        b = self.links[self.links["binding"]]
        return b.sort_values("shadow_price", ascending=False, na_position="last")

    @property
    def total_unmet(self) -> pd.Series:
        """Unmet demand by commodity (each in its own unit)."""
        return self.unmet.groupby("commodity")["unmet"].sum()


@dataclass(frozen=True)
class _Columns:
    """Positions (``at``) and the id columns of a set of LP columns or arcs: each id array
    with whether it holds text (then a table's column of any rows of it is text)."""

    at: np.ndarray
    ids: dict[str, np.ndarray]
    is_text: dict[str, bool]

    @classmethod
    def of(cls, at: np.ndarray, ids: dict[str, np.ndarray]) -> _Columns:
        is_text = {k: infer_dtype(v, skipna=True) == "string" for k, v in ids.items()}
        return cls(at, ids, is_text)

    def column(self, name: str, rows: np.ndarray) -> Any:
        """The rows of an id column, as a table's column of them."""
        values = self.ids[name][rows]
        return strings(values) if self.is_text[name] else values


def _x_columns(lp: LinearProgram, node_ids: np.ndarray, layer_agreement: np.ndarray) -> _Columns:
    """The flow columns (block x): their ids by column, positions in the LP's columns."""
    cols = np.flatnonzero(lp.col_block == "x")
    arc, layer, code = lp.col_arc[cols], lp.col_layer[cols], lp.col_commodity[cols]
    tail, head = arc_ends(lp.net, lp.arc_link, lp.arc_reverse)
    ids = {
        "link_id": lp.net.link_ids[lp.arc_link[arc]],
        "from_node": node_ids[tail[arc]],
        "to_node": node_ids[head[arc]],
        "commodity": np.asarray(lp.net.commodities, dtype=object)[code],
        "agreement_id": layer_agreement[layer],
    }
    return _Columns.of(cols, ids)


def _arc_columns(lp: LinearProgram, node_ids: np.ndarray) -> _Columns:
    """The arcs: their link and end node ids, by arc."""
    tail, head = arc_ends(lp.net, lp.arc_link, lp.arc_reverse)
    ids = {
        "link_id": lp.net.link_ids[lp.arc_link],
        "from_node": node_ids[tail],
        "to_node": node_ids[head],
    }
    return _Columns.of(np.arange(len(lp.arc_link)), ids)


@dataclass(frozen=True)
class _ModelData:
    """What the tables read from an LP alone, not from its solution."""

    node_ids: np.ndarray  # by node position, as objects
    commodities: np.ndarray  # by commodity position, as objects
    layer_commodity: np.ndarray  # by layer, as the values of lp.layers["commodity"]
    layer_agreement: np.ndarray  # by layer, as the values of lp.layers["agreement_id"]
    delivery: np.ndarray  # columns of deliveries to demand and to world markets
    blocks: dict[str, tuple[np.ndarray, Any, Any, Any]]  # s, d, m: columns, node, commodity, unit
    prices: pd.DataFrame
    x: _Columns  # the flow columns
    arcs: _Columns

    @classmethod
    def of(cls, lp: LinearProgram, data: _NetworkData) -> _ModelData:
        def layer_column(name: str) -> np.ndarray:
            return as_stored([getattr(x, name) for x in lp.layer_list])

        node_ids = np.asarray(lp.nodes.tolist(), dtype=object)
        commodities = np.asarray(lp.net.commodities, dtype=object)
        delivery = np.isin(lp.col_block, _DELIVERY)
        blocks = {}
        for block in ("s", "d", "m"):
            mask = lp.col_block == block
            names = commodities[lp.col_commodity[mask]]
            node = text(node_ids[lp.col_node[mask]])
            blocks[block] = (mask, node, text(names), data.units(names))
        layer_agreement = layer_column("agreement_id")
        return cls(
            node_ids=node_ids,
            commodities=commodities,
            layer_commodity=layer_column("commodity"),
            layer_agreement=layer_agreement,
            delivery=delivery,
            blocks=blocks,
            prices=_price_table(lp, data, node_ids, commodities, delivery),
            x=_x_columns(lp, node_ids, layer_agreement),
            arcs=_arc_columns(lp, node_ids),
        )


def _model_data(network: Network, lp: LinearProgram, data: _NetworkData) -> _ModelData:
    """The LP's :class:`_ModelData`, made once per LP whose arrays are read-only (the LPs the
    pipeline keeps per network and options), else for this extraction only."""
    if lp.c.flags.writeable:
        return _ModelData.of(lp, data)
    made: dict[int, _ModelData] = derived(network, "results_model_data", lambda _: {})
    if id(lp) not in made:
        made[id(lp)] = _ModelData.of(lp, data)
        weakref.finalize(lp, made.pop, id(lp), None)
    return made[id(lp)]


@dataclass(frozen=True)
class _Solved:
    """A solved LP and what several tables read from it, computed once."""

    network: Network
    lp: LinearProgram
    x: np.ndarray  # the flows, with |x| < 1e-9 set to 0
    data: _NetworkData
    model: _ModelData

    @classmethod
    def of(cls, network: Network, lp: LinearProgram, x: np.ndarray) -> _Solved:
        data = _network_data(network)
        return cls(network, lp, x, data, _model_data(network, lp, data))

    @property
    def node_ids(self) -> np.ndarray:
        return self.model.node_ids

    @property
    def commodities(self) -> np.ndarray:
        return self.model.commodities

    @property
    def layer_commodity(self) -> np.ndarray:
        return self.model.layer_commodity

    @property
    def layer_agreement(self) -> np.ndarray:
        return self.model.layer_agreement

    @property
    def delivery(self) -> np.ndarray:
        return self.model.delivery


@dataclass(frozen=True)
class _FlowRows:
    """The (arc, layer) columns with flow, one entry per row of the flows table."""

    arc: np.ndarray
    layer: np.ndarray
    code: np.ndarray  # commodity position in lp.net.commodities
    link_id: np.ndarray
    from_node: np.ndarray
    to_node: np.ndarray
    flow: np.ndarray
    efficiency: np.ndarray
    unit_cost: np.ndarray
    tariff: np.ndarray  # USD per unit (0 where none is known)

    def columns(self) -> dict[str, np.ndarray]:
        """What :func:`~corridor.results.paths.decompose_paths` reads."""
        return {
            "layer": self.layer,
            "link_id": self.link_id,
            "from_node": self.from_node,
            "to_node": self.to_node,
            "flow": self.flow,
            "efficiency": self.efficiency,
            "unit_cost": self.unit_cost,
        }


def _flow_rows(s: _Solved) -> tuple[pd.DataFrame, _FlowRows]:
    """Every (arc, layer) column with flow: the flows table and the same rows as arrays."""
    lp, x = s.lp, s.model.x
    cols = x.at
    flow = s.x[cols]
    keep = np.flatnonzero(flow > _TOL)
    cols_kept = cols[keep]
    arc, layer, code = lp.col_arc[cols_kept], lp.col_layer[cols_kept], lp.col_commodity[cols_kept]
    link = lp.arc_link[arc]
    efficiency = lp.net.link_efficiency[link]
    tariff = lp.net.tariff[link, code]
    ids = {name: values[keep] for name, values in x.ids.items()}
    flow = flow[keep]
    table = frame(
        {
            **{name: x.column(name, keep) for name in ("link_id", "from_node", "to_node")},
            "reverse": lp.arc_reverse[arc],
            **{name: x.column(name, keep) for name in ("commodity", "agreement_id")},
            "flow": flow,
            "delivered": flow * efficiency,
            "tariff_usd_per_unit": tariff,
            "unit": s.data.units(ids["commodity"]),
        }
    )
    rows = _FlowRows(
        arc=arc,
        layer=layer,
        code=code,
        link_id=ids["link_id"],
        from_node=ids["from_node"],
        to_node=ids["to_node"],
        flow=flow,
        efficiency=efficiency,
        unit_cost=lp.c[cols_kept],
        tariff=tariff,
    )
    return table, rows


def _uncapped_use(
    s: _Solved, f: _FlowRows, rows: np.ndarray
) -> tuple[list[int], list[float], list[str]]:
    """Flow on each arc without a capacity (``rows`` of ``f``): in its commodities' one unit,
    or converted to Mt/yr when they differ (NaN where a commodity has no factor to tonnes).

    Returns (arcs, used, unit) for the arcs whose flows have a unit.
    """
    names = s.lp.net.commodities
    unit_of = [s.data.canonical.get(c) for c in names]
    arc, code, flow = f.arc[rows].tolist(), f.code[rows].tolist(), f.flow[rows].tolist()
    kinds: dict[int, set[str]] = defaultdict(set)
    for a, c in zip(arc, code, strict=True):
        if unit_of[c] is not None:
            kinds[a].add(str(unit_of[c]))
    arcs = sorted(kinds)
    total, _ = _compensated_sums(arc, flow)
    mixed = {a for a in arcs if len(kinds[a]) > 1}
    tonnes: dict[int, float] = {}
    if mixed:
        on = [i for i, a in enumerate(arc) if a in mixed]
        mass = [flow[i] * s.data.to_mass(names[code[i]]) for i in on]
        tonnes, _ = _compensated_sums([arc[i] for i in on], mass)  # none where none converts
    used = [tonnes.get(a, np.nan) if a in mixed else total[a] for a in arcs]
    unit = [
        ("" if np.isnan(u) else _MASS) if a in mixed else next(iter(kinds[a]))
        for a, u in zip(arcs, used, strict=True)
    ]
    return arcs, used, unit


@dataclass(frozen=True)
class _ArcUse:
    """Per arc (by position): capacity, used (in ``unit``) and unit."""

    capacity: np.ndarray
    used: np.ndarray
    unit: np.ndarray


def _arc_use(s: _Solved, row_upper: np.ndarray, f: _FlowRows) -> _ArcUse:
    """``used`` is in the capacity's unit, as its capacity row counts it; see
    :func:`_uncapped_use` for arcs without a capacity."""
    lp = s.lp
    n = len(lp.arc_link)
    cap_rows = np.flatnonzero(lp.row_block == CAPACITY)
    cap_arcs = lp.row_arc[cap_rows]
    capacity = np.full(n, np.nan)
    capacity[cap_arcs] = row_upper[cap_rows]
    used = np.full(n, np.nan)
    used[cap_arcs] = (lp.a @ s.x)[cap_rows] if len(cap_rows) else 0.0
    unit = lp.net.link_unit[lp.arc_link].astype(object)
    capped = np.zeros(n, dtype=bool)
    capped[cap_arcs] = True
    loose, loose_used, loose_unit = _uncapped_use(s, f, np.flatnonzero(~capped[f.arc]))
    used[loose] = loose_used
    unit[loose] = loose_unit
    return _ArcUse(capacity, used, unit)


def _link_table(s: _Solved, use: _ArcUse, sol: Solution, f: _FlowRows) -> pd.DataFrame:
    """Capacity use and shadow prices per arc (see :class:`Results`)."""
    lp = s.lp
    n = len(lp.arc_link)
    capacity, used = use.capacity, use.used
    cap_rows = np.flatnonzero(lp.row_block == CAPACITY)
    cap_arcs = lp.row_arc[cap_rows]
    shadow = np.full(n, np.nan)
    shadow[cap_arcs] = -sol.row_dual[cap_rows]
    priority = np.zeros(n)
    priority[cap_arcs] = -sol.priority_dual[cap_rows]
    full = used >= capacity * (1 - 1e-6) - 1e-9
    scale, unpriced = _arc_prices(s, f)
    binding = full & ((shadow > 1e-6 * scale) | (unpriced & (priority > 1e-6)))
    shadow[unpriced & binding] = np.nan
    shadow[~binding & ~np.isnan(capacity)] = 0.0
    keep = np.flatnonzero((np.nan_to_num(used) > _TOL) | ~np.isnan(capacity))
    arcs = s.model.arcs
    per_unit_of = np.array(  # an arc with a capacity has the unit of its capacity
        ["" if np.isnan(c) else f"USD/yr per {u}" for c, u in zip(capacity, use.unit, strict=True)],
        dtype=object,
    )
    utilisation = np.divide(used, capacity, out=np.full(n, np.nan), where=capacity > 0)
    return frame(
        {
            "link_id": arcs.column("link_id", keep),
            "name": s.data.link_names.take(lp.arc_link[keep]),
            "from_node": arcs.column("from_node", keep),
            "to_node": arcs.column("to_node", keep),
            "reverse": lp.arc_reverse[keep],
            "capacity": capacity[keep],
            "used": used[keep],
            "unit": text(use.unit, keep),
            "utilisation": utilisation[keep],
            "binding": binding[keep],
            "shadow_price": shadow[keep],
            "shadow_price_unit": text(per_unit_of, keep),
        }
    )


def _arc_prices(s: _Solved, f: _FlowRows) -> tuple[np.ndarray, np.ndarray]:
    """Per arc: the highest price (USD per canonical unit) of the commodities flowing on it
    (1 where none), and whether one of them has no price in the year."""
    lp = s.lp
    price = np.full(max(len(lp.net.commodities), 1), np.nan)  # highest, NaN where none
    np.fmax.at(price, lp.col_commodity[s.delivery], lp.col_price[s.delivery])
    of_flow = price[f.code]
    scale = np.ones(len(lp.arc_link))
    np.maximum.at(scale, f.arc, np.nan_to_num(of_flow, nan=1.0))
    unpriced = np.zeros(len(lp.arc_link), dtype=bool)
    unpriced[f.arc[np.isnan(of_flow)]] = True
    return scale, unpriced


def _node_columns(
    s: _Solved, block: str, values: tuple[str | None, str, str | None], tolerance: float = 0.0
) -> dict[str, Any]:
    """One row per (node, commodity) column of ``block``: its bound, solved value and what is
    left (``values`` names them; None leaves one out), then its unit. What is left is the
    bound less the solved value where that exceeds ``tolerance`` * (1 + bound), else 0."""
    bound, solved, left = values
    lp = s.lp
    mask, node_id, commodity, unit = s.model.blocks[block]
    columns: dict[str, Any] = {"node_id": node_id, "commodity": commodity}
    if bound is not None:
        columns[bound] = lp.col_value[mask]
    columns[solved] = s.x[mask]
    if bound is not None and left is not None:
        rest = lp.col_value[mask] - s.x[mask]
        rest = np.where(rest < 0, 0.0, rest)
        columns[left] = np.where(rest < tolerance * (1 + lp.col_value[mask]), 0.0, rest)
    columns["unit"] = unit
    return columns


def _room(lp: LinearProgram, use: _ArcUse, col_upper: np.ndarray) -> np.ndarray:
    """Capacity left on each arc (inf where it has none; 0 where it is full or closed)."""
    capacity, used = use.capacity, use.used
    left = capacity - np.nan_to_num(used)
    room = np.where(np.isnan(capacity), np.inf, np.where(left > 1e-6 * (1 + capacity), left, 0.0))
    is_x = lp.col_block == "x"
    room[lp.col_arc[is_x][col_upper[is_x] <= 0]] = 0.0
    return room


class _Searches:
    """One reachability search per layer, built when first asked for."""

    def __init__(self, s: _Solved, room: np.ndarray):
        self.s, self.room = s, room
        self._built: dict[int, LayerSearch] = {}
        self._positions = {n: i for i, n in enumerate(s.node_ids.tolist())}

    def reason(self, layer: int, starts: list[str], targets: list[str]) -> str:
        s = self.s
        if layer not in self._built:
            self._built[layer] = LayerSearch.of(
                s.network, s.lp, layer, s.x, self.room, positions=self._positions
            )
        return shortfall_reason(self._built[layer], s.network, starts, targets)


def _unmet_reasons(
    unmet: dict[str, Any],
    supply: dict[str, Any],
    markets: dict[str, Any],
    s: _Solved,
    searches: _Searches,
) -> list[str]:
    """What limits each unmet demand, in words (``unmet``, ``supply``, ``markets``: the tables'
    columns). The search starts from spare supply and from what world markets take, since a
    demand comes first and would take that volume if a way to it were open."""
    lp = s.lp
    layer_of = {x.commodity: j for j, x in enumerate(lp.layer_list) if x.kind == "commodity"}
    s_commodity = np.concatenate(
        [
            np.asarray(supply["commodity"], dtype=object),
            np.asarray(markets["commodity"], dtype=object),
        ]
    )
    s_node = np.concatenate(
        [np.asarray(supply["node_id"], dtype=object), np.asarray(markets["node_id"], dtype=object)]
    )
    s_unused = np.concatenate([np.asarray(supply["unused"]), np.asarray(markets["delivered"])])
    reasons = []
    for node, commodity, short in zip(
        unmet["node_id"].tolist(),
        unmet["commodity"].tolist(),
        unmet["unmet"].tolist(),
        strict=True,
    ):
        if short <= 0:
            reasons.append("")
            continue
        own = s_commodity == commodity
        spare = own & (s_unused > 1e-6)
        if not spare.any():
            reasons.append(
                f"all {commodity} supply of {lp.year} is used"
                if own.any()
                else f"no {commodity} supply in {lp.year}"
            )
            continue
        found = searches.reason(layer_of[commodity], list(s_node[spare]), [node])
        reasons.append(found or "other deliveries come first (the priorities of the solve)")
    return reasons


_AGREEMENT_COLUMNS = [
    "agreement_id", "commodity", "origin", "destinations", "min_volume", "max_volume",
    "delivered", "shortfall", "unit", "route", "links", "countries", "tariff_cost_usd",
    "blocked_by",
]  # fmt: skip


def _origin_short(s: _Solved, origin: str, commodity: str) -> str:
    """Why an agreement with an open route is short: its origin's supply is all used, or the
    year has none there."""
    mask, node_id, node_commodity, _ = s.model.blocks["s"]
    here = (np.asarray(node_id) == origin) & (np.asarray(node_commodity) == commodity)
    if float(s.lp.col_value[mask][here].sum()) <= 0:
        return f"no {commodity} supply at {origin} in {s.lp.year}"
    return f"{commodity} available at {origin} (its supply is used)"


def _agreement_row(
    s: _Solved, col: int, own_paths: list[tuple[Any, Any, Any]], paid: float, searches: _Searches
) -> dict[str, Any]:
    """The agreement of volume column ``col`` (see :class:`Results`)."""
    meta = s.lp.layer_list[int(s.lp.col_layer[col])]
    target = meta.max_volume if not np.isnan(meta.max_volume) else meta.min_volume
    volume = float(s.x[col])
    shortfall = max(0.0, (target if not np.isnan(target) else volume) - volume)
    blocked = ""
    if shortfall > 1e-6:
        layer = int(s.lp.col_layer[col])
        blocked = searches.reason(
            layer, [str(meta.origin)], list(meta.destinations)
        ) or _origin_short(s, str(meta.origin), str(meta.commodity))
    return {
        "agreement_id": meta.agreement_id,
        "commodity": meta.commodity,
        "origin": meta.origin,
        "destinations": ";".join(meta.destinations),
        "min_volume": meta.min_volume,
        "max_volume": meta.max_volume,
        "delivered": volume,
        "shortfall": shortfall,
        "unit": s.data.canonical[meta.commodity],
        "route": " | ".join(" -> ".join(p) for p, _, _ in own_paths),
        "links": " | ".join(" > ".join(p) for _, p, _ in own_paths),
        "countries": ";".join(dict.fromkeys(c for _, _, p in own_paths for c in p)),
        "tariff_cost_usd": paid,
        "blocked_by": blocked,
    }


def _agreement_table(
    s: _Solved, paths: dict[str, list[Any]], f: _FlowRows, searches: _Searches
) -> pd.DataFrame:
    """One row per agreement valid in the year (see :class:`Results`); ``paths``: the paths'
    columns."""
    by_layer: dict[int, list[tuple[Any, Any, Any]]] = defaultdict(list)
    for layer, nodes, links, countries in zip(
        paths["layer"], paths["nodes"], paths["links"], paths["countries"], strict=True
    ):
        by_layer[int(layer)].append((nodes, links, countries))
    paid = f.flow * f.tariff
    table: dict[str, list[Any]] = {c: [] for c in _AGREEMENT_COLUMNS}
    for col in np.flatnonzero(s.lp.col_block == "v").tolist():
        layer = int(s.lp.col_layer[col])
        own = float(paid[f.layer == layer].sum())
        row = _agreement_row(s, col, by_layer.get(layer, []), own, searches)
        for name, value in row.items():
            table[name].append(value)
    if not table["agreement_id"]:
        return pd.DataFrame([], columns=_AGREEMENT_COLUMNS)
    return frame({name: listed(values) for name, values in table.items()})


def _paths(s: _Solved, f: _FlowRows) -> tuple[pd.DataFrame, dict[str, list[Any]]]:
    """The paths table, and its columns as lists (with each path's commodity)."""
    rows = path_rows(f.columns(), s.data.node_country, s.data.link_countries)
    layers = {"commodity": s.layer_commodity, "agreement_id": s.layer_agreement}
    table = paths_frame(rows, layer_columns=layers)
    return table, {**rows, "commodity": [s.layer_commodity[j] for j in rows["layer"]]}


def _transit_table(
    s: _Solved, paths: dict[str, list[Any]], f: _FlowRows, volume_dtype: Any
) -> pd.DataFrame:
    """Volume through each transit country and its share of known tariff revenue
    (``paths``: the paths' columns; ``volume_dtype``: that of the paths table's volume)."""
    keys: list[tuple[str, str]] = []
    volume: list[float] = []
    usd: list[float] = []
    for countries, commodity, v in zip(
        paths["countries"], paths["commodity"], paths["volume"], strict=True
    ):
        for country in countries[1:-1]:
            keys.append((country, commodity))
            volume.append(v)
            usd.append(0.0)
    tariffed = np.flatnonzero(f.tariff > 0)
    lp = s.lp
    link_countries = dict(zip(lp.net.link_ids.tolist(), lp.net.link_countries, strict=True))
    for link_id, code, paid in zip(
        f.link_id[tariffed].tolist(),
        f.code[tariffed].tolist(),
        (f.flow * f.tariff)[tariffed].tolist(),
        strict=True,
    ):
        shares = sorted(link_countries[link_id])
        for country in shares:
            if not pd.isna(country):
                keys.append((country, lp.net.commodities[code]))
                volume.append(0.0)  # a host of a tariffed link, not a transit
                usd.append(paid / len(shares))
    crossing, _ = _compensated_sums(keys, volume)
    revenue, _ = _compensated_sums(keys, usd)
    order = sorted(crossing)
    if not order:  # the dtypes of the empty table made from empty parts
        return pd.DataFrame(
            {
                "country": pd.Series(dtype=object),
                "commodity": pd.Series(dtype=object),
                "volume": pd.Series(dtype=volume_dtype),
                "unit": pd.Series(dtype=TEXT),
                "tariff_revenue_usd": pd.Series(dtype=float),
            }
        )
    return frame(
        {
            "country": listed([k[0] for k in order]),
            "commodity": listed([k[1] for k in order]),
            "volume": listed([crossing[k] for k in order]),
            "unit": s.data.units(k[1] for k in order),
            "tariff_revenue_usd": listed([revenue[k] for k in order]),
        }
    )


def _cost_table(s: _Solved, f: _FlowRows) -> pd.DataFrame:
    """USD a year by item and commodity: value of deliveries, tariffs, distance tie-break
    (one row per item and modelled commodity; the value is empty for a commodity without a
    price)."""
    lp, delivery = s.lp, s.delivery
    names = list(lp.net.commodities)
    value, count = _compensated_sums(
        lp.col_commodity[delivery].tolist(), (lp.col_price[delivery] * s.x[delivery]).tolist()
    )
    code = f.code.tolist()
    tariffs, _ = _compensated_sums(code, (f.flow * f.tariff).tolist())
    distance, _ = _compensated_sums(code, (f.flow * (f.unit_cost - f.tariff)).tolist())
    items = {
        "value of deliveries at sourced prices": [
            value[c] if count.get(c) else np.nan for c in range(len(names))
        ],
        "tariffs paid (known tariffs)": [tariffs.get(c, 0.0) for c in range(len(names))],
        "distance tie-break (not a cost)": [distance.get(c, 0.0) for c in range(len(names))],
    }
    n = len(names) * len(items)
    return frame(
        {
            "item": listed([item for item in items for _ in names]),
            "commodity": listed(names * len(items)),
            "value": listed([v for values in items.values() for v in values]),
            "unit": listed(["USD/yr"] * n) if n else "USD/yr",
        }
    )


def _price_table(
    lp: LinearProgram,
    data: _NetworkData,
    node_ids: np.ndarray,
    commodities: np.ndarray,
    delivery: np.ndarray,
) -> pd.DataFrame:
    """The price each delivery is valued at, with the row it comes from."""
    commodity = commodities[lp.col_commodity[delivery]]
    source = lp.col_price_id[delivery]
    price, price_unit = data.given_prices(source)
    canonical = data.canonical
    kind = np.where(lp.col_block[delivery] == "d", "demand", "world market")
    return frame(
        {
            "node_id": text(node_ids[lp.col_node[delivery]]),
            "commodity": text(commodity),
            "kind": strings(kind.tolist()) if len(kind) else kind,
            "price": listed(price),
            "price_unit": price_unit,
            "usd_per_unit": lp.col_price[delivery],
            "unit": listed([f"USD per {per_unit(canonical.get(c))}" for c in commodity]),
            # the row ids as joining them with the price rows left them: text or NaN
            "price_id": pd.Series(
                [v if isinstance(v, str) else np.nan for v in source], dtype=object
            ),
        }
    )


def extract_results(
    network: Network,
    lp: LinearProgram,
    sol: Solution,
    options: SolveOptions,
    *,
    row_upper: np.ndarray | None = None,
    col_upper: np.ndarray | None = None,
) -> Results:
    """Turn a checked solution into :class:`Results`; ``row_upper`` and ``col_upper`` are the
    bounds the model was solved with (a warm re-solve may have changed capacities)."""
    s = _Solved.of(network, lp, np.where(np.abs(sol.x) < 1e-9, 0.0, sol.x))
    row_upper = lp.row_upper if row_upper is None else row_upper
    col_upper = lp.col_upper if col_upper is None else col_upper
    flows, f = _flow_rows(s)
    use = _arc_use(s, row_upper, f)
    supply = _node_columns(s, "s", ("available", "used", "unused"))
    unmet = _node_columns(s, "d", ("demand", "delivered", "unmet"), tolerance=1e-6)
    markets = _node_columns(s, "m", (None, "delivered", None))
    searches = _Searches(s, _room(lp, use, col_upper))
    unmet["limited_by"] = listed(_unmet_reasons(unmet, supply, markets, s, searches))
    paths, path_columns = _paths(s, f)
    return Results(
        year=lp.year,
        status=sol.status,
        objective=sol.objective,
        solve_seconds=sol.seconds,
        flows=flows,
        links=_link_table(s, use, sol, f),
        unmet=frame(unmet),
        markets=frame(markets),
        supply=frame(supply),
        agreements=_agreement_table(s, path_columns, f, searches),
        paths=paths,
        transit=_transit_table(s, path_columns, f, paths["volume"].dtype),
        costs=_cost_table(s, f),
        prices=s.model.prices.copy(),
        warnings=lp.warnings,
    )
