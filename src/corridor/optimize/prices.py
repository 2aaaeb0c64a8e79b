"""What a delivery is worth: the sourced price of the commodity where and when it is delivered.

A delivery to demand takes the demand row's own price if it has one; otherwise (and for world
markets) the node's row in the prices table, else the commodity's row without a node. A year
without a row takes the latest earlier year's price, and says so. A commodity without any price
has no value in USD: its deliveries are ordered by priority only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from corridor.routing.compiled import CompiledNetwork

__all__ = ["DeliveryPrices", "delivery_prices"]


@dataclass(frozen=True)
class DeliveryPrices:
    """One entry per delivery column: USD per canonical unit (NaN: no price) and its origin."""

    usd: np.ndarray
    price_id: np.ndarray  # id of the price or demand row (None: no price)
    price_year: np.ndarray  # year of that row (NaN: no price)
    warnings: tuple[str, ...]


def _lookup(net: CompiledNetwork, node: np.ndarray, code: np.ndarray, year: int) -> pd.DataFrame:
    """The best price row for each (node, commodity): own node first, then the latest year."""
    rows = pd.DataFrame(
        {
            "node": net.price_node,
            "code": net.price_commodity,
            "year": net.price_year,
            "usd": net.price_usd,
            "price_id": net.price_ids,
        }
    )
    rows = rows[(rows["year"] <= year) & rows["usd"].notna() & (rows["code"] >= 0)]
    wanted = pd.DataFrame({"want_node": node, "code": code, "at": np.arange(len(node))})
    pairs = wanted.merge(rows, on="code")
    pairs = pairs[(pairs["node"] == pairs["want_node"]) | (pairs["node"] < 0)]
    pairs = pairs.assign(own=pairs["node"] >= 0)
    best = pairs.sort_values(["at", "own", "year"], ascending=[True, False, False])
    return best.drop_duplicates("at").set_index("at").reindex(np.arange(len(node)))


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
    usd = found["usd"].to_numpy(dtype=float)
    price_id = found["price_id"].to_numpy(dtype=object)
    price_year = found["year"].to_numpy(dtype=float)
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
