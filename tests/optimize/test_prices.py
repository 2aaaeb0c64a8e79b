"""The price of a delivery: its node's own row before the commodity's row without a node, then
the latest year up to the solve's, then the first listed (a direct search as the reference)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from corridor.optimize.prices import delivery_prices

YEAR = 2024


def _reference(net: SimpleNamespace, node: int, code: int) -> int:
    """The row a delivery at (node, code) takes, by reading every row; -1 where none."""
    best, rank = -1, None
    for i in range(len(net.price_ids)):
        usable = net.price_year[i] <= YEAR and not np.isnan(net.price_usd[i])
        if net.price_commodity[i] != code or not usable:
            continue
        if net.price_node[i] not in (node, -1):
            continue
        key = (net.price_node[i] == node, net.price_year[i])  # own node, then the latest
        if rank is None or key > rank:
            best, rank = i, key
    return best


@st.composite
def price_tables(draw: st.DrawFn) -> tuple[SimpleNamespace, np.ndarray, np.ndarray]:
    n_nodes, n_rows = draw(st.integers(1, 4)), draw(st.integers(0, 10))

    def column(values: st.SearchStrategy[object]) -> np.ndarray:
        return np.array(draw(st.lists(values, min_size=n_rows, max_size=n_rows)))

    net = SimpleNamespace(
        nodes=pd.Index([f"N{i}" for i in range(n_nodes)]),
        commodities=("c0", "c1"),
        price_node=column(st.integers(-1, n_nodes - 1)),
        price_commodity=column(st.integers(-1, 1)),
        price_year=column(st.sampled_from([2020.0, 2023.0, 2024.0, 2025.0, np.nan])),
        price_usd=column(st.sampled_from([1.0, 2.5, np.nan])),
        price_ids=np.array([f"P{i}" for i in range(n_rows)], dtype=object),
    )
    k = draw(st.integers(0, 6))
    nodes = np.array(draw(st.lists(st.integers(0, n_nodes - 1), min_size=k, max_size=k)), int)
    codes = np.array(draw(st.lists(st.integers(0, 1), min_size=k, max_size=k)), int)
    return net, nodes, codes


@given(price_tables())
def test_each_delivery_takes_the_row_a_direct_search_finds(
    case: tuple[SimpleNamespace, np.ndarray, np.ndarray],
) -> None:
    net, nodes, codes = case
    found = delivery_prices(net, nodes, codes, YEAR)  # type: ignore[arg-type]
    for i, (node, code) in enumerate(zip(nodes, codes, strict=True)):
        row = _reference(net, int(node), int(code))
        if row < 0:
            assert np.isnan(found.usd[i]) and not isinstance(found.price_id[i], str)
        else:
            assert found.price_id[i] == net.price_ids[row]
            assert found.usd[i] == net.price_usd[row]
            assert found.price_year[i] == net.price_year[row]
