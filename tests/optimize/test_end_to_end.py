"""End-to-end routes: agreement handovers joined to the free flows that carry them on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import corridor
from corridor.results.paths import end_to_end
from tests.conftest import shipped_network

COLUMNS = [
    "layer",
    "path",
    "nodes",
    "links",
    "volume",
    "delivered",
    "countries",
    "unit_cost",
    "commodity",
    "agreement_id",
]


def frame(*rows: tuple[tuple[str, ...], float, str | float]) -> pd.DataFrame:
    records = [
        (
            i,
            0,
            nodes,
            tuple(f"L{j}" for j in range(len(nodes) - 1)),
            volume,
            volume,
            tuple(n[0] for n in nodes),
            1.0,
            "gas",
            agreement,
        )
        for i, (nodes, volume, agreement) in enumerate(rows)
    ]
    return pd.DataFrame(records, columns=COLUMNS)


def test_handover_carried_on_becomes_one_route_and_the_rest_stays() -> None:
    paths = frame(
        (("S", "X", "D"), 6.0, "A1"), (("D", "M"), 4.0, np.nan), (("S", "N"), 1.0, np.nan)
    )
    routes = end_to_end(paths, {("S", "gas")})
    by_nodes = dict(zip(routes["nodes"], routes["delivered"], strict=True))
    assert by_nodes == {("S", "X", "D", "M"): 4.0, ("S", "N"): 1.0, ("S", "X", "D"): 2.0}
    joined = routes[routes["nodes"] == ("S", "X", "D", "M")].iloc[0]
    assert joined["agreement_id"] == "A1" and joined["unit_cost"] == 2.0
    assert joined["countries"] == ("S", "X", "D", "M")


def test_more_leaving_than_handed_over_keeps_the_rest_from_the_handover_node() -> None:
    paths = frame((("S", "D"), 3.0, "A1"), (("S", "D"), 1.0, "A2"), (("D", "M"), 5.0, np.nan))
    routes = end_to_end(paths, {("S", "gas")})
    volumes = routes.groupby(routes["nodes"].map(lambda n: n[0]))["volume"].sum()
    assert volumes["S"] == pytest.approx(4.0) and volumes["D"] == pytest.approx(1.0)
    shares = routes[routes["nodes"] == ("S", "D", "M")].set_index("agreement_id")["volume"]
    assert shares.to_dict() == pytest.approx({"A1": 3.0, "A2": 1.0})


def test_shipped_2024_routes_start_at_supplies_and_deliver_what_markets_receive() -> None:
    results = corridor.solve(shipped_network(), year=2024)
    supply = results.supply[results.supply["available"] > 0]
    supplies = set(zip(supply["node_id"], supply["commodity"], strict=True))
    routes = end_to_end(results.paths, supplies)
    starts = set(zip(routes["nodes"].map(lambda n: n[0]), routes["commodity"], strict=True))
    assert starts <= supplies  # no route starts at a handover such as TANAP's Thrace offtake
    gas = routes[routes["commodity"] == "natural_gas"]
    to_italy = gas[gas["nodes"].map(lambda n: n[-1]) == "M_MELENDUGNO"]["delivered"].sum()
    assert to_italy == pytest.approx(
        results.unmet.set_index("node_id").at["M_MELENDUGNO", "delivered"]
    )
