"""Results of a solve: tidy frames of flows, capacity use, shadow prices, unmet demand, routes.

Every quantity has its unit beside it and no figure adds quantities of different units: flows
are per commodity in its canonical unit (Mt/yr, bcm/yr, TEU/yr); a link's ``used`` is in the
unit of its capacity (commodities converted into it, as the capacity row counts them); money is
in USD per year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor.dataset.network import Network, canonical_units, commodity_factors
from corridor.optimize.build import CAPACITY, LinearProgram
from corridor.optimize.solve import Solution
from corridor.options import SolveOptions
from corridor.results.diagnose import LayerSearch, shortfall_reason
from corridor.results.paths import decompose_paths
from corridor.units import convert

__all__ = ["Results", "extract_results", "per_unit"]

_TOL = 1e-7
_MASS = "Mt/yr"


def per_unit(unit: object) -> str:
    """The quantity a price is per: ``Mt/yr`` -> ``Mt``."""
    return str(unit).removesuffix("/yr") if isinstance(unit, str) else ""


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


def _flow_frame(lp: LinearProgram, x: np.ndarray, units: dict[str, str]) -> pd.DataFrame:
    """Every (arc, layer) column with flow, with what paths and tables need."""
    is_x = lp.col_block == "x"
    arc = lp.col_arc[is_x]
    layer = lp.col_layer[is_x]
    link = lp.arc_link[arc]
    arcs = lp.arcs
    commodity = np.asarray(lp.net.commodities, dtype=object)[lp.col_commodity[is_x]]
    flows = pd.DataFrame(
        {
            "link_id": lp.net.link_ids[link],
            "from_node": arcs["tail"].to_numpy()[arc],
            "to_node": arcs["head"].to_numpy()[arc],
            "reverse": lp.arc_reverse[arc],
            "arc": arc,
            "layer": layer,
            "commodity": commodity,
            "agreement_id": lp.layers["agreement_id"].to_numpy()[layer],
            "flow": x[is_x],
            "delivered": x[is_x] * lp.net.link_efficiency[link],
            "efficiency": lp.net.link_efficiency[link],
            "unit_cost": lp.c[is_x],
            "tariff_usd_per_unit": lp.net.tariff[link, lp.col_commodity[is_x]],
        }
    )
    flows = flows[flows["flow"] > _TOL].reset_index(drop=True)
    flows["unit"] = flows["commodity"].map(units)
    return flows


def _to_mass(network: Network, commodity: str, unit: str) -> float:
    """Mt/yr per unit of ``commodity`` (NaN where no factor converts it to tonnes)."""
    try:
        factors = commodity_factors(network.conversions, network.commodities, commodity)
        return float(convert(1.0, unit, _MASS, **factors))
    except ValueError:
        return float("nan")


def _uncapped_use(network: Network, flows: pd.DataFrame) -> pd.DataFrame:
    """Flow on each arc without a capacity: in its commodities' one unit, or converted to Mt/yr
    when they differ (NaN where a commodity has no factor to tonnes)."""
    by_unit = flows.groupby(["arc", "unit"], as_index=False)["flow"].sum()
    units = by_unit.groupby("arc")["unit"].agg(["first", "nunique"])
    pairs = flows[["commodity", "unit"]].drop_duplicates()
    mass = {
        (c, u): _to_mass(network, c, u)
        for c, u in zip(pairs["commodity"], pairs["unit"], strict=True)
    }
    factor = [mass[(c, u)] for c, u in zip(flows["commodity"], flows["unit"], strict=True)]
    tonnes = (
        (flows["flow"] * np.asarray(factor, dtype=float)).groupby(flows["arc"]).sum(min_count=1)
    )
    single = units["nunique"] == 1
    total = flows.groupby("arc")["flow"].sum()
    used = np.where(single, total.reindex(units.index), tonnes.reindex(units.index))
    unit = np.where(single, units["first"], np.where(np.isnan(used), "", _MASS))
    return pd.DataFrame({"used": used, "unit": unit}, index=units.index)


def _arc_use(
    network: Network, lp: LinearProgram, x: np.ndarray, row_upper: np.ndarray, flows: pd.DataFrame
) -> pd.DataFrame:
    """Per arc (indexed by arc position): capacity, used and unit. ``used`` is in the
    capacity's unit, as its capacity row counts it; see :func:`_uncapped_use` for arcs without
    a capacity."""
    n = len(lp.arc_link)
    cap_rows = np.flatnonzero(lp.row_block == CAPACITY)
    cap_arcs = lp.row_arc[cap_rows]
    capacity = np.full(n, np.nan)
    capacity[cap_arcs] = row_upper[cap_rows]
    used = np.full(n, np.nan)
    used[cap_arcs] = (lp.a[cap_rows] @ x) if len(cap_rows) else 0.0
    unit = lp.net.link_unit[lp.arc_link].astype(object)
    loose = _uncapped_use(network, flows[~np.isin(flows["arc"], cap_arcs)])
    used[loose.index.to_numpy(dtype=int)] = loose["used"].to_numpy()
    unit[loose.index.to_numpy(dtype=int)] = loose["unit"].to_numpy()
    return pd.DataFrame({"capacity": capacity, "used": used, "unit": unit})


def _link_table(
    network: Network, lp: LinearProgram, use: pd.DataFrame, sol: Solution, flows: pd.DataFrame
) -> pd.DataFrame:
    """Capacity use and shadow prices per arc (see :class:`Results`)."""
    arcs = lp.arcs
    capacity, used = use["capacity"].to_numpy(), use["used"].to_numpy()
    cap_rows = np.flatnonzero(lp.row_block == CAPACITY)
    cap_arcs = lp.row_arc[cap_rows]
    shadow = np.full(len(arcs), np.nan)
    shadow[cap_arcs] = -sol.row_dual[cap_rows]
    priority = np.zeros(len(arcs))
    priority[cap_arcs] = -sol.priority_dual[cap_rows]
    full = used >= capacity * (1 - 1e-6) - 1e-9
    scale, unpriced = _arc_prices(lp, flows)
    binding = full & ((shadow > 1e-6 * scale) | (unpriced & (priority > 1e-6)))
    shadow[unpriced & binding] = np.nan
    shadow[~binding & ~np.isnan(capacity)] = 0.0
    table = pd.DataFrame(
        {
            "link_id": arcs["link_id"],
            "name": arcs["link_id"].map(network.links["name"]),
            "from_node": arcs["tail"],
            "to_node": arcs["head"],
            "reverse": arcs["reverse"],
            "capacity": capacity,
            "used": used,
            "unit": use["unit"],
            "utilisation": np.divide(
                used, capacity, out=np.full(len(arcs), np.nan), where=capacity > 0
            ),
            "binding": binding,
            "shadow_price": shadow,
            "shadow_price_unit": np.where(
                np.isnan(capacity), "", "USD/yr per " + use["unit"].astype(str)
            ),
        }
    )
    keep = (np.nan_to_num(used) > _TOL) | ~np.isnan(capacity)
    return table[keep].reset_index(drop=True)


def _arc_prices(lp: LinearProgram, flows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per arc: the highest price (USD per canonical unit) of the commodities flowing on it
    (1 where none), and whether one of them has no price in the year."""
    delivery = np.isin(lp.col_block, ("d", "m"))
    price = pd.Series(lp.col_price[delivery]).groupby(lp.col_commodity[delivery]).max()
    names = np.asarray(lp.net.commodities, dtype=object)
    by_name = pd.Series(price.to_numpy(), index=names[price.index.to_numpy(dtype=int)])
    of_flow = flows["commodity"].map(by_name).astype("float64")
    arcs = flows["arc"].to_numpy(dtype=int)
    scale = np.ones(len(lp.arc_link))
    np.maximum.at(scale, arcs, np.nan_to_num(of_flow.to_numpy(), nan=1.0))
    unpriced = np.zeros(len(lp.arc_link), dtype=bool)
    unpriced[arcs[of_flow.isna().to_numpy()]] = True
    return scale, unpriced


def _node_block(
    lp: LinearProgram,
    x: np.ndarray,
    block: str,
    bound: str | None,
    solved: str,
    units: dict[str, str],
) -> pd.DataFrame:
    """One row per (node, commodity) column of ``block``: its bound and solved value."""
    mask = lp.col_block == block
    frame = pd.DataFrame(
        {
            "node_id": lp.nodes.to_numpy(dtype=object)[lp.col_node[mask]],
            "commodity": np.asarray(lp.net.commodities, dtype=object)[lp.col_commodity[mask]],
        }
    )
    if bound is not None:
        frame[bound] = lp.col_value[mask]
    frame[solved] = x[mask]
    frame["unit"] = frame["commodity"].map(units)
    return frame


def _room(lp: LinearProgram, use: pd.DataFrame, col_upper: np.ndarray) -> np.ndarray:
    """Capacity left on each arc (inf where it has none; 0 where it is full or closed)."""
    capacity, used = use["capacity"].to_numpy(), use["used"].to_numpy()
    left = capacity - np.nan_to_num(used)
    room = np.where(np.isnan(capacity), np.inf, np.where(left > 1e-6 * (1 + capacity), left, 0.0))
    is_x = lp.col_block == "x"
    room[lp.col_arc[is_x][col_upper[is_x] <= 0]] = 0.0
    return room


class _Searches:
    """One reachability search per layer, built when first asked for."""

    def __init__(self, network: Network, lp: LinearProgram, x: np.ndarray, room: np.ndarray):
        self.network, self.lp, self.x, self.room = network, lp, x, room
        self._built: dict[int, LayerSearch] = {}

    def reason(self, layer: int, starts: list[str], targets: list[str]) -> str:
        if layer not in self._built:
            self._built[layer] = LayerSearch.of(self.network, self.lp, layer, self.x, self.room)
        return shortfall_reason(self._built[layer], self.network, starts, targets)


def _unmet_reasons(
    unmet: pd.DataFrame, supply: pd.DataFrame, lp: LinearProgram, searches: _Searches
) -> list[str]:
    """What limits each unmet demand, in words."""
    layer_of = {x.commodity: j for j, x in enumerate(lp.layer_list) if x.kind == "commodity"}
    reasons = []
    for row in unmet.itertuples():
        if row.unmet <= 0:
            reasons.append("")
            continue
        own = supply[supply["commodity"] == row.commodity]
        spare = own[own["unused"] > 1e-6]
        if spare.empty:
            reasons.append(
                f"all {row.commodity} supply of {lp.year} is used"
                if len(own)
                else f"no {row.commodity} supply in {lp.year}"
            )
            continue
        found = searches.reason(layer_of[row.commodity], list(spare["node_id"]), [row.node_id])
        reasons.append(found or "other deliveries come first (the priorities of the solve)")
    return reasons


_AGREEMENT_COLUMNS = [
    "agreement_id", "commodity", "origin", "destinations", "min_volume", "max_volume",
    "delivered", "shortfall", "unit", "route", "links", "countries", "tariff_cost_usd",
    "blocked_by",
]  # fmt: skip


def _agreement_table(
    lp: LinearProgram,
    x: np.ndarray,
    paths: pd.DataFrame,
    flows: pd.DataFrame,
    searches: _Searches,
    units: dict[str, str],
) -> pd.DataFrame:
    """One row per agreement valid in the year (see :class:`Results`)."""
    rows = []
    for col in np.flatnonzero(lp.col_block == "v"):
        layer = int(lp.col_layer[col])
        meta = lp.layer_list[layer]
        target = meta.max_volume if not np.isnan(meta.max_volume) else meta.min_volume
        volume = float(x[col])
        own_paths = paths[paths["layer"] == layer]
        own_flows = flows[flows["layer"] == layer]
        shortfall = max(0.0, (target if not np.isnan(target) else volume) - volume)
        blocked = ""
        if shortfall > 1e-6:
            blocked = searches.reason(layer, [str(meta.origin)], list(meta.destinations)) or (
                f"{meta.commodity} available at {meta.origin} (its supply is used)"
            )
        rows.append(
            {
                "agreement_id": meta.agreement_id,
                "commodity": meta.commodity,
                "origin": meta.origin,
                "destinations": ";".join(meta.destinations),
                "min_volume": meta.min_volume,
                "max_volume": meta.max_volume,
                "delivered": volume,
                "shortfall": shortfall,
                "unit": units[meta.commodity],
                "route": " | ".join(" -> ".join(p) for p in own_paths["nodes"]),
                "links": " | ".join(" > ".join(p) for p in own_paths["links"]),
                "countries": ";".join(dict.fromkeys(c for p in own_paths["countries"] for c in p)),
                "tariff_cost_usd": float(
                    (own_flows["flow"] * own_flows["tariff_usd_per_unit"]).sum()
                ),
                "blocked_by": blocked,
            }
        )
    return pd.DataFrame(rows, columns=_AGREEMENT_COLUMNS)


def _paths(network: Network, lp: LinearProgram, flows: pd.DataFrame) -> pd.DataFrame:
    paths = decompose_paths(flows, network.nodes["country"], network.links["countries"])
    layer = paths["layer"].to_numpy(dtype=int)
    paths["commodity"] = lp.layers["commodity"].to_numpy()[layer]
    paths["agreement_id"] = lp.layers["agreement_id"].to_numpy()[layer]
    return paths


def _transit_table(
    lp: LinearProgram, paths: pd.DataFrame, flows: pd.DataFrame, units: dict[str, str]
) -> pd.DataFrame:
    """Volume through each transit country and its share of known tariff revenue."""
    crossed = paths[["countries", "commodity", "volume"]].assign(
        country=paths["countries"].map(lambda cs: list(cs[1:-1])), usd=0.0
    )
    tariffed = flows[flows["tariff_usd_per_unit"] > 0]
    countries = pd.Series(lp.net.link_countries, index=lp.net.link_ids).map(sorted)
    shares = tariffed["link_id"].map(countries)
    revenue = pd.DataFrame(
        {
            "country": shares,
            "commodity": tariffed["commodity"],
            "volume": 0.0,  # a host of a tariffed link, not a transit
            "usd": tariffed["flow"].to_numpy()
            * tariffed["tariff_usd_per_unit"].to_numpy()
            / np.array([len(c) for c in shares], dtype=float),
        }
    )
    both = pd.concat([crossed.drop(columns="countries"), revenue]).explode("country")
    both = both.dropna(subset=["country"]).astype({"country": object, "commodity": object})
    transit = both.groupby(["country", "commodity"], as_index=False)[["volume", "usd"]].sum()
    transit = transit.rename(columns={"usd": "tariff_revenue_usd"})
    transit["unit"] = transit["commodity"].map(units)
    return transit[["country", "commodity", "volume", "unit", "tariff_revenue_usd"]]


def _cost_table(lp: LinearProgram, x: np.ndarray, flows: pd.DataFrame) -> pd.DataFrame:
    """USD a year by item and commodity: value of deliveries, tariffs, distance tie-break
    (one row per item and modelled commodity; the value is empty for a commodity without a
    price)."""
    names = pd.Index(lp.net.commodities, name="commodity")
    delivery = np.isin(lp.col_block, ("d", "m"))
    worth = pd.Series(lp.col_price[delivery] * x[delivery])
    value = worth.groupby(np.asarray(names)[lp.col_commodity[delivery]]).sum(min_count=1)
    by = flows["commodity"]
    tariffs = (flows["flow"] * flows["tariff_usd_per_unit"]).groupby(by).sum()
    distance = (
        (flows["flow"] * (flows["unit_cost"] - flows["tariff_usd_per_unit"])).groupby(by).sum()
    )
    parts = [
        ("value of deliveries at sourced prices", value.reindex(names)),
        ("tariffs paid (known tariffs)", tariffs.reindex(names, fill_value=0.0)),
        ("distance tie-break (not a cost)", distance.reindex(names, fill_value=0.0)),
    ]
    table = pd.concat(
        [part.rename("value").reset_index().assign(item=item) for item, part in parts]
    )
    table["unit"] = "USD/yr"
    return table[["item", "commodity", "value", "unit"]].reset_index(drop=True)


def _price_table(network: Network, lp: LinearProgram, units: dict[str, str]) -> pd.DataFrame:
    """The price each delivery is valued at, with the row it comes from."""
    delivery = np.isin(lp.col_block, ("d", "m"))
    commodity = np.asarray(lp.net.commodities, dtype=object)[lp.col_commodity[delivery]]
    source = lp.col_price_id[delivery]
    table = pd.DataFrame(
        {
            "node_id": lp.nodes.to_numpy(dtype=object)[lp.col_node[delivery]],
            "commodity": commodity,
            "kind": np.where(lp.col_block[delivery] == "d", "demand", "world market"),
            "usd_per_unit": lp.col_price[delivery],
            "unit": [f"USD per {per_unit(units.get(c))}" for c in commodity],
            "price_id": source,
        }
    )
    prices, demand = network.prices, network.demand
    as_given = pd.concat(
        [
            prices[["value", "unit"]].rename(columns={"value": "price", "unit": "price_unit"}),
            demand[["price", "price_unit"]].dropna(subset=["price"]),
        ]
    )
    table = table.join(as_given, on="price_id")
    return table[
        ["node_id", "commodity", "kind", "price", "price_unit", "usd_per_unit", "unit", "price_id"]
    ]


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
    x = np.where(np.abs(sol.x) < 1e-9, 0.0, sol.x)
    row_upper = lp.row_upper if row_upper is None else row_upper
    col_upper = lp.col_upper if col_upper is None else col_upper
    units = canonical_units(network.commodities)
    flows = _flow_frame(lp, x, units)
    use = _arc_use(network, lp, x, row_upper, flows)
    supply = _node_block(lp, x, "s", "available", "used", units)
    supply.insert(4, "unused", (supply["available"] - supply["used"]).clip(lower=0))
    unmet = _node_block(lp, x, "d", "demand", "delivered", units)
    unmet.insert(4, "unmet", (unmet["demand"] - unmet["delivered"]).clip(lower=0))
    unmet.loc[unmet["unmet"] < 1e-6 * (1 + unmet["demand"]), "unmet"] = 0.0
    searches = _Searches(network, lp, x, _room(lp, use, col_upper))
    unmet["limited_by"] = _unmet_reasons(unmet, supply, lp, searches)
    paths = _paths(network, lp, flows)
    return Results(
        year=lp.year,
        status=sol.status,
        objective=sol.objective,
        solve_seconds=sol.seconds,
        flows=flows.drop(columns=["arc", "layer", "efficiency", "unit_cost"]),
        links=_link_table(network, lp, use, sol, flows),
        unmet=unmet,
        markets=_node_block(lp, x, "m", None, "delivered", units),
        supply=supply,
        agreements=_agreement_table(lp, x, paths, flows, searches, units),
        paths=paths,
        transit=_transit_table(lp, paths, flows, units),
        costs=_cost_table(lp, x, flows),
        prices=_price_table(network, lp, units),
        warnings=lp.warnings,
    )
