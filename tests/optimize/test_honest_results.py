"""Outputs that read right and are right: no sum of different units, no penalty shown as a price,
no demand dropped, the right reason for what is unmet."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridor
from corridor.dataset.network import commodity_factors
from corridor.options import SolveOptions
from corridor.pipeline import solve
from corridor.results.compare import compare_results
from corridor.units import convert
from tests.conftest import shipped_network
from tests.optimize.builders import write_dataset, write_tables

NET = shipped_network()


def test_a_node_whose_links_carry_other_commodities_keeps_its_demand(tmp_path: Path) -> None:
    # N1 has oil products supply and demand, but its only link carries crude
    net = write_dataset(
        tmp_path,
        2,
        [(0, 1, 10, 10, "crude_oil")],
        [(0, "crude_oil", 5), (1, "oil_products", 4.968)],
        [(1, "crude_oil", 5), (1, "oil_products", 13.061)],
    )
    r = solve(net, year=2024)
    row = r.unmet.set_index(["node_id", "commodity"]).loc[("N1", "oil_products")]
    assert row["delivered"] == pytest.approx(4.968)
    assert row["unmet"] == pytest.approx(13.061 - 4.968)
    assert row["limited_by"] == "all oil_products supply of 2024 is used"


def test_a_route_rule_is_named_as_the_reason_not_a_capacity() -> None:
    r = solve(NET, year=2024, avoid=["RU"])
    makhachkala = r.unmet.set_index("node_id").loc["P_MAKHACHKALA"]
    assert makhachkala["unmet"] == pytest.approx(1.984)
    reason = makhachkala["limited_by"]
    assert reason.startswith("route rules (avoid RU) close") and "P_MAKHACHKALA is in RU" in reason
    assert "L_AKTAU_BERTHS" not in reason and "capacity" not in reason


def test_shadow_prices_are_sourced_values_not_penalties() -> None:
    r = solve(NET, year=2024)
    tap = r.binding.set_index("link_id").loc["L_TAP_B"]
    # one more bcm/yr of TAP reaches Italy, worth the 2024 TTF price: 10.96 USD/MMBtu at
    # 36.33 MMBtu per 1000 m3 = USD 398 million per bcm (no tariff on the way is known)
    assert tap["shadow_price"] == pytest.approx(10.96 * 36.33 * 1e6, rel=1e-6)
    assert tap["shadow_price_unit"] == "USD/yr per bcm/yr"
    assert r.links["shadow_price"].max() < 1e9  # the penalty (1e10) never shows
    costs = r.costs.set_index(["item", "commodity"])["value"]
    assert not any("penalty" in item for item, _ in costs.index)
    assert (r.costs["unit"] == "USD/yr").all()


def test_a_commodity_without_price_has_no_usd_shadow_price() -> None:
    r = solve(NET, year=2030, avoid=["RU"])  # the Caspian crossings bind for freight
    ferries = r.binding.set_index("link_id").loc[["L_AKTAU_ALAT", "L_KURYK_ALAT"]]
    assert ferries["shadow_price"].isna().all()
    assert any("no price for general_freight" in w for w in r.warnings)


def test_prices_carried_forward_are_said() -> None:
    r = solve(NET, year=2024)
    assert "no containers price for 2024 in prices.csv: the 2023 price is used" in r.warnings
    boxes = r.prices[r.prices["commodity"] == "containers"]
    assert (boxes["price_id"] == "PR_TEU_MC_2023").all()
    assert boxes["usd_per_unit"].iloc[0] == pytest.approx(2875 / 2)  # USD/FEU is two TEU


def test_warm_re_solve_results_show_the_new_capacity() -> None:
    from corridor.optimize import FlowModel, build_model
    from corridor.pipeline import solve_model

    opts = SolveOptions(year=2023)
    model = FlowModel(build_model(NET, opts))
    model.set_link_capacity("L_CPC", 0.0)
    closed = solve_model(NET, model, opts).links.set_index("link_id").loc["L_CPC"]
    assert closed["capacity"] == 0 and closed["used"] == pytest.approx(0)


FACTOR = 10.0  # t per TEU in the synthetic datasets


@cache
def _three_nodes() -> pd.DataFrame:
    """Nodes N0, N1, N2 in the fixture's format (loaded once: the same for every example)."""
    with tempfile.TemporaryDirectory() as tmp:
        base = write_dataset(Path(tmp), 3, [], [], [])
    return corridor.io.export.tables_to_csv_frames(base)["nodes"]


def _mixed_dataset(folder: Path, caps: list[float | None], box: list[float], tonnes: list[float]):
    """Two commodities in different units (TEU, Mt) on shared links N0 -> N1 -> N2."""
    nodes = _three_nodes().copy()
    nodes["commodities"] = "containers;general_freight"
    links = pd.DataFrame(
        {
            "link_id": [f"L{i}" for i in range(len(caps))],
            "name": [f"link {i}" for i in range(len(caps))],
            "from_node": [f"N{min(i, 1)}" for i in range(len(caps))],
            "to_node": [f"N{min(i, 1) + 1}" for i in range(len(caps))],
            "mode": "rail",
            "commodities": "containers;general_freight",
            "bidirectional": "false",
            "capacity": ["" if c is None else c for c in caps],
            "capacity_unit": ["" if c is None else "Mt/yr" for c in caps],
            "length_km": 100,
            "status": "operating",
        }
    )
    quantity = {"containers": "TEU/yr", "general_freight": "Mt/yr"}
    rows = [("containers", v) for v in box] + [("general_freight", v) for v in tonnes]
    supply = pd.DataFrame(
        [
            {"supply_id": f"S{k}", "node_id": "N0", "commodity": c, "year": 2024, "value": v,
             "unit": quantity[c]}
            for k, (c, v) in enumerate(rows)
        ]
    )  # fmt: skip
    demand = supply.rename(columns={"supply_id": "demand_id"}).assign(
        node_id="N2", demand_id=[f"D{k}" for k in range(len(rows))]
    )
    conversions = pd.DataFrame(
        [{"conversion_id": "containers:all:TEU->t", "commodity": "containers", "from_unit": "TEU",
          "to_unit": "t", "factor": FACTOR, "status": "design", "confidence": "H",
          "source_ids": "S_TEST"}]
    )  # fmt: skip
    return write_tables(
        folder,
        {"nodes": nodes, "links": links, "supply": supply, "demand": demand,
         "conversions": conversions, "agreements": pd.DataFrame()},
    )  # fmt: skip


def _in_unit(net: corridor.Network, flows: pd.DataFrame, unit: str) -> float:
    factors = {
        c: commodity_factors(net.conversions, net.commodities, c) for c in flows["commodity"]
    }
    return float(
        sum(
            convert(f, u, unit, **factors[c])
            for f, u, c in zip(flows["flow"], flows["unit"], flows["commodity"], strict=True)
        )
    )


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    caps=st.lists(st.one_of(st.none(), st.floats(0.01, 2.0)), min_size=2, max_size=3),
    box=st.lists(st.floats(1, 200_000), min_size=1, max_size=2),
    tonnes=st.lists(st.floats(0.01, 2.0), min_size=0, max_size=2),
)
def test_no_output_table_sums_rows_of_different_units(caps, box, tonnes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        net = _mixed_dataset(Path(tmp), caps, box, tonnes)
    r = solve(net, year=2024)
    # every link direction's use is in one unit: the flows on it, each converted to that unit
    for row in r.links.itertuples():
        on = r.flows[(r.flows["link_id"] == row.link_id) & (r.flows["reverse"] == row.reverse)]
        if pd.isna(row.used) or on.empty:
            continue
        assert row.used == pytest.approx(_in_unit(net, on, row.unit), rel=1e-6, abs=1e-6)
        if on["unit"].nunique() > 1:
            assert row.unit == "Mt/yr"  # several units are only ever added after conversion
    canonical = {"containers": "TEU/yr", "general_freight": "Mt/yr"}
    for table in (r.flows, r.unmet, r.supply, r.markets, r.transit):
        assert (table["unit"] == table["commodity"].map(canonical)).all()
    comparison = compare_results([("a", r), ("b", r)])
    for title in ("Link loadings", "Delivered volumes", "Unmet demand", "Totals by commodity"):
        table = comparison.tables[title]
        assert (table["unit"] == table["commodity"].map(canonical)).all(), title
    flow = comparison.tables["Link loadings"]
    totals = r.flows.groupby(["link_id", "commodity"])["flow"].sum()
    assert np.allclose(flow.groupby(["link_id", "commodity"])["a"].sum().loc[totals.index], totals)


def test_editing_a_network_copy_never_changes_a_solve_of_the_original() -> None:
    net = corridor.load()
    before = solve(net, year=2023)
    copy = net.replace(links=net.links.copy())
    copy.links.loc["L_CPC", "capacity_canonical"] = 0.0
    closed = solve(copy, year=2023)
    assert closed.links.set_index("link_id").loc["L_CPC", "used"] == pytest.approx(0)
    after = solve(net, year=2023)
    pd.testing.assert_frame_equal(before.flows, after.flows)
    pd.testing.assert_frame_equal(before.links, after.links)
