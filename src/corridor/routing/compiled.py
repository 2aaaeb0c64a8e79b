"""A network compiled once into numpy arrays, so that each LP build is pure array work.

Everything here is independent of the year and the route rules: units are converted, tariffs
turned into USD per canonical unit, distances filled in and country sets factorised. The
compiled arrays are kept per network object (never stored on it) and built afresh for a
changed copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from corridor.commodities import facts
from corridor.dataset.network import (
    Network,
    canonical_units,
    commodity_factors,
    conversion_factor,
    derived,
)
from corridor.geo.distance import great_circle_km
from corridor.units import UNITS, convert

__all__ = [
    "CompiledNetwork",
    "active_links",
    "commodity_positions",
    "compile_network",
    "compiled",
    "incidence",
    "node_positions",
    "usd_per_canonical_unit",
    "valid_in",
]

#: Statuses of links that run from their start_year (projects, when the data has one).
FUTURE_STATUSES = ("under_construction", "planned", "proposed")
_PRICE_BASE = {  # USD per ... -> (annual unit of that base, its size in that unit)
    "USD/bbl": ("bbl/yr", 1.0),
    "USD/t": ("t/yr", 1.0),
    "USD/t-km": ("t/yr", 1.0),
    "USD/1000m3": ("mcm/yr", 1e-3),
    "USD/MMBtu": ("mcm/yr", 1e-6),  # per m3, times the gas's MMBtu per m3 (conversions)
    "USD/TEU": ("TEU/yr", 1.0),
    "USD/FEU": ("TEU/yr", 2.0),  # a forty-foot equivalent unit is two TEU
}


@dataclass(frozen=True)
class CompiledNetwork:
    """Year-independent arrays of a network (positions index ``nodes`` and ``commodities``).

    ``link_*`` arrays have one entry per row of ``network.links``; ``[L, C]`` matrices add one
    column per commodity carried by some link (the order of the flow layers).
    """

    nodes: pd.Index
    node_rank: np.ndarray  # each node's position in sorted id order
    commodities: tuple[str, ...]
    link_ids: np.ndarray
    link_tail: np.ndarray
    link_head: np.ndarray
    link_capacity: np.ndarray
    link_unit: np.ndarray
    link_efficiency: np.ndarray
    link_length_km: np.ndarray
    link_start: np.ndarray
    link_end: np.ndarray
    link_can_run: np.ndarray
    link_bidirectional: np.ndarray
    link_countries: np.ndarray
    link_commodities: np.ndarray
    link_tariff: np.ndarray
    link_tariff_unit: np.ndarray
    carries: np.ndarray  # [L, C] bool
    weight: np.ndarray  # [L, C] units of link capacity per canonical unit of the commodity
    tariff: np.ndarray  # [L, C] USD per canonical unit of the commodity (0 where none)
    countries: tuple[str, ...]
    crosses: np.ndarray  # [L, countries] bool
    distance_scale: np.ndarray  # [C]
    supply_node: np.ndarray
    supply_commodity: np.ndarray  # position in commodities, -1 if no link carries it
    supply_year: np.ndarray
    supply_value: np.ndarray
    demand_node: np.ndarray
    demand_commodity: np.ndarray
    demand_year: np.ndarray
    demand_value: np.ndarray
    demand_price: np.ndarray  # USD per canonical unit, NaN where the row gives none
    market_node: np.ndarray
    market_commodity: np.ndarray
    price_ids: np.ndarray
    price_node: np.ndarray  # -1: the commodity's price for every node without its own
    price_commodity: np.ndarray
    price_year: np.ndarray
    price_usd: np.ndarray  # USD per canonical unit (NaN where the unit cannot be converted)
    demand_ids: np.ndarray

    @cached_property
    def node_position(self) -> dict[str, int]:
        """Each node id's position in ``nodes``."""
        return {node: i for i, node in enumerate(self.nodes.tolist())}


def commodity_positions(c: CompiledNetwork, commodities: list[str]) -> np.ndarray:
    """Position of each commodity in ``c.commodities`` (-1 where no link carries it)."""
    where = {name: i for i, name in enumerate(c.commodities)}
    return np.array([where.get(name, -1) for name in commodities], dtype=np.int64)


def node_positions(c: CompiledNetwork, node_ids: list[str]) -> np.ndarray:
    """Position of each node id in ``c.nodes`` (-1 where unknown)."""
    where = c.node_position
    return np.array([where.get(node, -1) for node in node_ids], dtype=np.int64)


def valid_in(start: np.ndarray, end: np.ndarray, year: int) -> np.ndarray:
    """Whether each row's years ``[start, end]`` hold ``year`` (NaN: an open end)."""
    held: np.ndarray = (np.isnan(start) | (start <= year)) & (np.isnan(end) | (end >= year))
    return held


def active_links(c: CompiledNetwork, year: int) -> np.ndarray:
    """Boolean mask of links that can carry flow in ``year``.

    Operating links run within [start_year, end_year] (open ends allowed). Links under
    construction, planned or proposed run only from a given start year. Suspended links do not run.
    """
    mask: np.ndarray = valid_in(c.link_start, c.link_end, year) & c.link_can_run
    return mask


def incidence(cells: pd.Series | np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Boolean (rows x labels) matrix of which labels each collection cell contains.

    Cells are factorised first, so the work grows with the number of distinct cells (a few
    hundred at most), not with the number of rows.
    """
    codes, uniques = pd.factorize(np.asarray(cells, dtype=object))
    labels = tuple(sorted({str(label) for cell in uniques for label in cell}))
    column = {label: j for j, label in enumerate(labels)}
    table = np.zeros((len(uniques), len(labels)), dtype=bool)
    for i, cell in enumerate(uniques):
        table[i, [column[str(label)] for label in cell]] = True
    return table[codes], labels


def _commodity_factors(network: Network, commodity: str) -> dict[str, float | None]:
    return commodity_factors(network.conversions, network.commodities, commodity)


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
    if unit == "USD/MMBtu":
        energy = conversion_factor(network.conversions, commodity, "m3", "MMBtu")
        per_canonical *= float("nan") if energy is None else energy
    return float(price) * float(per_canonical)


def _weights(
    network: Network, unit: np.ndarray, carries: np.ndarray, cs: tuple[str, ...]
) -> np.ndarray:
    """[L, C] units of link capacity one canonical unit of each commodity uses."""
    units = canonical_units(network.commodities)
    weight = np.ones(carries.shape)
    codes, uniques = pd.factorize(unit)  # NaN units (no capacity) get code -1
    containers = _commodity_factors(network, "containers")
    for u_code, u in enumerate(uniques):
        for j, commodity in enumerate(cs):
            rows = (codes == u_code) & carries[:, j]
            if not rows.any() or u not in UNITS or u == units[commodity]:
                continue
            own = _commodity_factors(network, commodity)
            factors = {**containers, **{k: v for k, v in own.items() if v is not None}}
            weight[rows, j] = convert(1.0, units[commodity], str(u), **factors)
    return weight


def _tariffs(
    network: Network,
    cs: tuple[str, ...],
    tariff: np.ndarray,
    unit: np.ndarray,
    length: np.ndarray,
    carries: np.ndarray,
) -> np.ndarray:
    """[L, C] published tariff in USD per canonical unit of each commodity (0 where none)."""
    out = np.zeros(carries.shape)
    for i in np.flatnonzero(~np.isnan(tariff)):
        for j in np.flatnonzero(carries[i]):
            value = usd_per_canonical_unit(network, cs[j], float(tariff[i]), str(unit[i]))
            if unit[i] == "USD/t-km":
                value *= float(length[i])
            out[i, j] = 0.0 if np.isnan(value) else value
    return out


def _modelled(network: Network) -> tuple[str, ...]:
    """Commodities a link carries or a supply, demand or agreement row names: each gets a flow
    layer, so local supply meets local demand even where no link carries the commodity."""
    carried = {str(c) for cs in network.links["commodities"] for c in cs}
    for table in (network.supply, network.demand, network.agreements):
        carried |= set(table["commodity"].dropna().astype(str))
    return tuple(sorted(carried))


def _carries(links: pd.DataFrame, cs: tuple[str, ...]) -> np.ndarray:
    """[L, C] whether each link carries each commodity."""
    table, labels = incidence(links["commodities"])
    at = pd.Index(labels).get_indexer(list(cs))
    carries = np.zeros((len(links), len(cs)), dtype=bool)
    carries[:, at >= 0] = table[:, at[at >= 0]]
    return carries


def _price_usd(network: Network) -> np.ndarray:
    """Each price row in USD per canonical unit of its commodity (NaN where not convertible)."""
    p = network.prices
    return np.array(
        [
            usd_per_canonical_unit(network, str(c), float(v), str(u))
            for c, v, u in zip(p["commodity"], p["value"], p["unit"], strict=True)
        ],
        dtype=float,
    )


def _codes(values: pd.Series, labels: pd.Index) -> np.ndarray:
    return np.asarray(labels.get_indexer(values.astype(object)), dtype=np.int64)


def compile_network(network: Network) -> CompiledNetwork:
    """Compile ``network`` (uncached; :func:`compiled` caches)."""
    nodes = pd.Index(network.nodes.index, name="node_id")
    cs = _modelled(network)
    c_index = pd.Index(cs)
    links = network.links
    tail = _codes(links["from_node"], nodes)
    head = _codes(links["to_node"], nodes)
    lat = network.nodes["lat"].to_numpy(dtype=float)
    lon = network.nodes["lon"].to_numpy(dtype=float)
    crow = great_circle_km(lat[tail], lon[tail], lat[head], lon[head])
    length = links["length_km"].to_numpy(dtype=float, na_value=np.nan)
    length = np.where(np.isnan(length), crow, length)
    carries = _carries(links, cs)
    country = network.nodes["country"].to_numpy(dtype=object)
    keys = np.empty(len(links), dtype=object)
    keys[:] = list(zip(country[tail], country[head], links["countries"], strict=True))
    key_codes, uniques = pd.factorize(keys)
    distinct = np.empty(len(uniques), dtype=object)
    distinct[:] = [frozenset({a, b, *more}) for a, b, more in uniques]
    link_countries = distinct[key_codes]
    crosses, countries = incidence(link_countries)
    status = links["status"].astype(object).to_numpy()
    start = links["start_year"].to_numpy(dtype=float, na_value=np.nan)
    can_run = (status == "operating") | (np.isin(status, FUTURE_STATUSES) & ~np.isnan(start))
    unit = links["canonical_unit"].to_numpy(dtype=object)
    tariff = links["tariff"].to_numpy(dtype=float, na_value=np.nan)
    tariff_unit = links["tariff_unit"].to_numpy(dtype=object)
    t_per_teu = conversion_factor(network.conversions, "containers", "TEU", "t")
    scale = np.array([(t_per_teu or 10.0) / 1e6 if facts(c).tie_break_by_mass else 1.0 for c in cs])

    def rows(frame: pd.DataFrame) -> dict[str, np.ndarray]:
        return {
            "node": _codes(frame["node_id"], nodes),
            "commodity": _codes(frame["commodity"], c_index),
            "year": frame["year"].to_numpy(dtype=float, na_value=np.nan),
            "value": frame["value_canonical"].to_numpy(dtype=float, na_value=np.nan),
        }

    supply, demand = rows(network.supply), rows(network.demand)
    price = np.full(len(network.demand), np.nan)
    priced = np.flatnonzero(network.demand["price"].notna().to_numpy())
    for i in priced:
        r = network.demand.iloc[i]
        price[i] = usd_per_canonical_unit(
            network, str(r["commodity"]), float(r["price"]), str(r["price_unit"])
        )
    is_open = network.nodes["open_market"].fillna(False).to_numpy(dtype=bool)
    open_cells = network.nodes["commodities"].to_numpy(dtype=object)[is_open]
    market_node = np.repeat(np.flatnonzero(is_open), [len(cell) for cell in open_cells])
    market_commodity = c_index.get_indexer([c for cell in open_cells for c in cell])
    market = market_commodity >= 0
    return CompiledNetwork(
        nodes=nodes,
        node_rank=np.argsort(np.argsort(nodes.to_numpy(dtype=str), kind="stable")),
        commodities=cs,
        link_ids=links.index.to_numpy(dtype=object),
        link_tail=tail,
        link_head=head,
        link_capacity=links["capacity_canonical"].to_numpy(dtype=float, na_value=np.nan),
        link_unit=unit,
        link_efficiency=1.0 - links["loss_fraction"].to_numpy(dtype=float, na_value=0.0),
        link_length_km=length,
        link_start=start,
        link_end=links["end_year"].to_numpy(dtype=float, na_value=np.nan),
        link_can_run=can_run,
        link_bidirectional=links["bidirectional"].fillna(False).to_numpy(dtype=bool),
        link_countries=link_countries,
        link_commodities=links["commodities"].to_numpy(dtype=object),
        link_tariff=tariff,
        link_tariff_unit=tariff_unit,
        carries=carries,
        weight=_weights(network, unit, carries, cs),
        tariff=_tariffs(network, cs, tariff, tariff_unit, length, carries),
        countries=countries,
        crosses=crosses,
        distance_scale=scale,
        supply_node=supply["node"],
        supply_commodity=supply["commodity"],
        supply_year=supply["year"],
        supply_value=supply["value"],
        demand_node=demand["node"],
        demand_commodity=demand["commodity"],
        demand_year=demand["year"],
        demand_value=demand["value"],
        demand_price=price,
        market_node=market_node[market],
        market_commodity=market_commodity[market],
        price_ids=network.prices.index.to_numpy(dtype=object),
        price_node=_codes(network.prices["node_id"], nodes),
        price_commodity=_codes(network.prices["commodity"], c_index),
        price_year=network.prices["year"].to_numpy(dtype=float, na_value=np.nan),
        price_usd=_price_usd(network),
        demand_ids=network.demand.index.to_numpy(dtype=object),
    )


def compiled(network: Network) -> CompiledNetwork:
    """The network's compiled arrays, built once per network object (see
    :func:`corridor.dataset.network.derived`); a changed copy compiles afresh."""
    return derived(network, "compiled", compile_network)
