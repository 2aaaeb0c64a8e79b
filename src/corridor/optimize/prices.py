"""What a delivery is worth: the sourced price of the commodity where and when it is delivered.

A delivery to demand takes the demand row's own price if it has one; otherwise (and for world
markets) the node's row in the prices table, else the commodity's row without a node. A year
without a row takes the latest earlier year's price, and says so. A commodity without any price
has no value in USD: its deliveries are ordered by priority only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corridor.routing.compiled import CompiledNetwork

__all__ = ["DeliveryPrices", "delivery_prices"]


@dataclass(frozen=True)
class DeliveryPrices:
    """One entry per delivery column: USD per canonical unit (NaN: no price) and its origin."""

    usd: np.ndarray
    price_id: np.ndarray  # id of the price or demand row (None: no price)
    price_year: np.ndarray  # year of that row (NaN: no price)
    warnings: tuple[str, ...]


def _lookup(net: CompiledNetwork, node: np.ndarray, code: np.ndarray, year: int) -> np.ndarray:
    """The best price row for each (node, commodity), -1 where none: the node's own row
    before the commodity's row without a node, then the latest year, then the first listed."""
    valid = np.flatnonzero(
        (net.price_year <= year) & ~np.isnan(net.price_usd) & (net.price_commodity >= 0)
    )
    stride = len(net.nodes) + 1  # a key per (commodity, node), node -1 (none) included
    pair = net.price_commodity[valid] * stride + net.price_node[valid] + 1
    ranked = np.lexsort((valid, -net.price_year[valid], pair))
    pair, row = pair[ranked], valid[ranked]
    first = np.r_[True, pair[1:] != pair[:-1]] if len(pair) else np.zeros(0, dtype=bool)
    best_pair, best_row = pair[first], row[first]

    def best(key: np.ndarray) -> np.ndarray:
        if not len(best_pair):
            return np.full(len(key), -1)
        at = np.searchsorted(best_pair, key).clip(max=len(best_pair) - 1)
        return np.where(best_pair[at] == key, best_row[at], -1)

    own = best(code * stride + node + 1)
    return np.where(own >= 0, own, best(code * stride))


def _pick(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``values[rows]``, NaN where a row is -1."""
    found = rows >= 0
    picked = np.full(len(rows), np.nan, dtype=object if values.dtype == object else float)
    picked[found] = values[rows[found]]
    return picked


def delivery_prices(
    net: CompiledNetwork,
    node: np.ndarray,
    code: np.ndarray,
    year: int,
    own: tuple[np.ndarray, np.ndarray] | None = None,
) -> DeliveryPrices:
    """Prices of deliveries at (``node``, ``code``) positions in ``year``.

    ``own`` gives each delivery's own price (a demand row's, USD per canonical unit; NaN where
    it has none) and the id of the row it comes from; an own price wins over the table.
    """
    found = _lookup(net, node, code, year)
    usd = _pick(net.price_usd, found)
    price_id = _pick(net.price_ids, found)
    price_year = _pick(net.price_year, found)
    if own is not None:
        own_usd, own_id = own
        mine = ~np.isnan(own_usd)
        usd = np.where(mine, own_usd, usd)
        price_id = np.where(mine, own_id, price_id)
        price_year = np.where(mine, year, price_year)
    names = np.asarray(net.commodities, dtype=object)
    late = ~np.isnan(price_year) & (price_year < year)
    carried = sorted(set(zip(names[code[late]], price_year[late].astype(int), strict=True)))
    warnings = [
        f"no {commodity} price for {year} in prices.csv: the {used} price is used"
        for commodity, used in carried
    ]
    missing = sorted({str(names[c]) for c in code[np.isnan(usd)]})
    if missing:
        warnings.append(
            f"no price for {', '.join(missing)} in the dataset: deliveries of it have no value "
            "in USD and links that carry it have no USD shadow price"
        )
    return DeliveryPrices(usd, price_id, price_year, tuple(warnings))
