"""Path decomposition: each layer's flows split into routes from where flow enters to where it
leaves, covering every arc's flow exactly (after losses)."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridor
from corridor.dataset.network import Network, from_frames
from corridor.options import SolveOptions
from corridor.pipeline import solve_scenario
from corridor.results import Results
from corridor.results.paths import decompose_paths
from corridor.scenario import apply_scenario

TOL = 1e-6


def _flows(*rows: tuple[int, str, str, str, float, float]) -> pd.DataFrame:
    """(layer, link_id, from_node, to_node, flow, efficiency), unit cost 1 per link."""
    frame = pd.DataFrame(
        rows, columns=["layer", "link_id", "from_node", "to_node", "flow", "efficiency"]
    )
    return frame.assign(unit_cost=1.0)


def test_a_hand_checked_split_follows_the_largest_flow_first_and_sources_in_id_order() -> None:
    flows = _flows(
        (0, "L_SA", "S", "A", 6.0, 0.95),  # 5.7 reaches A
        (0, "L_SB", "S", "B", 4.0, 1.0),
        (0, "L_AT", "A", "T", 5.7, 1.0),
        (0, "L_BT", "B", "T", 4.0, 1.0),
        (1, "L_XM", "X", "M", 2.0, 1.0),  # listed first, but W comes first by id
        (1, "L_WM", "W", "M", 3.0, 1.0),
    )
    country = pd.Series({"S": "KZ", "A": "KZ", "B": "AZ", "T": "TR", "X": "KZ", "W": "KZ"})
    crossed = pd.Series({"L_BT": ("GE",)})
    paths = decompose_paths(flows, country, crossed)
    assert paths["layer"].tolist() == [0, 0, 1, 1]
    assert paths["path"].tolist() == [0, 1, 0, 1]
    assert paths["nodes"].tolist() == [("S", "A", "T"), ("S", "B", "T"), ("W", "M"), ("X", "M")]
    assert paths["links"].tolist() == [("L_SA", "L_AT"), ("L_SB", "L_BT"), ("L_WM",), ("L_XM",)]
    assert paths["volume"].tolist() == pytest.approx([6.0, 4.0, 3.0, 2.0])
    assert paths["delivered"].tolist() == pytest.approx([5.7, 4.0, 3.0, 2.0])
    assert paths["countries"].tolist() == [
        ("KZ", "TR"),
        ("KZ", "AZ", "GE", "TR"),
        ("KZ", ""),
        ("KZ", ""),
    ]
    assert paths["unit_cost"].tolist() == [2.0, 2.0, 1.0, 1.0]


def test_a_source_that_also_receives_flow_starts_only_what_it_adds() -> None:
    # N5 supplies 2 and passes on the 1.96 that arrives from N6: its own path carries 2, and
    # N6's path runs on through N5 to N1 (it used to stop at N5, where nothing is consumed)
    flows = _flows((0, "L8", "N6", "N5", 2.0, 0.98), (0, "L10", "N5", "N1", 3.96, 1.0))
    paths = decompose_paths(flows, pd.Series(dtype=object))
    assert paths["nodes"].tolist() == [("N5", "N1"), ("N6", "N5", "N1")]
    assert paths["volume"].tolist() == pytest.approx([2.0, 2.0])
    assert paths["delivered"].tolist() == pytest.approx([2.0, 1.96])


def test_columns_given_per_layer_are_added_to_its_paths() -> None:
    flows = _flows((0, "L1", "S", "T", 1.0, 1.0), (2, "L1", "S", "T", 2.0, 1.0))
    columns = {"commodity": np.array(["gas", "oil", "gas"], dtype=object)}
    paths = decompose_paths(flows, pd.Series(dtype=object), layer_columns=columns)
    assert paths["commodity"].tolist() == ["gas", "gas"]
    empty = decompose_paths(flows.iloc[:0], pd.Series(dtype=object), layer_columns=columns)
    assert empty.empty and list(empty.columns)[-1] == "commodity"


def _arc_flows(network: Network, results: Results) -> dict[tuple[object, ...], float]:
    """Flow on each (commodity, agreement, link, from, to) of the solve."""
    f = results.flows
    columns = ["commodity", "agreement_id", "link_id", "from_node", "to_node"]
    keys = f[columns].fillna({"agreement_id": ""}).itertuples(index=False, name=None)
    return dict(zip(keys, f["flow"], strict=True))


def _covered(network: Network, results: Results) -> dict[tuple[object, ...], float]:
    """What the paths put on each arc: a path's volume times the efficiencies before it."""
    efficiency = 1.0 - network.links["loss_fraction"].astype(float).fillna(0.0)
    covered: dict[tuple[object, ...], float] = defaultdict(float)
    for row in results.paths.itertuples():
        agreement = row.agreement_id if isinstance(row.agreement_id, str) else ""
        volume = row.volume
        for link, tail, head in zip(row.links, row.nodes[:-1], row.nodes[1:], strict=True):
            covered[(row.commodity, agreement, link, tail, head)] += volume
            volume *= efficiency[link]
    return covered


def _layer_balance(results: Results) -> dict[tuple[object, object, object], float]:
    """Per (commodity, agreement, node): flow leaving less flow arriving (after losses)."""
    f = results.flows.assign(agreement=results.flows["agreement_id"].fillna(""))
    out = f.groupby(["commodity", "agreement", "from_node"])["flow"].sum()
    into = f.groupby(["commodity", "agreement", "to_node"])["delivered"].sum()
    out.index.names = into.index.names = ["commodity", "agreement", "node"]
    return out.sub(into, fill_value=0.0).to_dict()


def check_paths(network: Network, results: Results) -> None:
    """Every arc's flow is covered by its layer's paths, and nothing else is; paths start
    where flow enters the layer (a node sending more than it receives) and carry no more
    than enters there, and end where flow leaves it, delivering no more than leaves there."""
    flows, covered = _arc_flows(network, results), _covered(network, results)
    assert set(covered) <= set(flows)
    for arc, flow in flows.items():
        assert covered.get(arc, 0.0) == pytest.approx(flow, rel=TOL, abs=TOL), arc
    balance = _layer_balance(results)
    started: dict[tuple[object, object, object], float] = defaultdict(float)
    ended: dict[tuple[object, object, object], float] = defaultdict(float)
    for row in results.paths.itertuples():
        agreement = row.agreement_id if isinstance(row.agreement_id, str) else ""
        assert row.volume > 0
        started[(row.commodity, agreement, row.nodes[0])] += row.volume
        ended[(row.commodity, agreement, row.nodes[-1])] += row.delivered
    for node, volume in started.items():
        assert volume <= balance[node] + TOL, node
    for node, delivered in ended.items():
        assert delivered <= -balance[node] + TOL, node


@cache
def _shipped() -> Network:
    return corridor.load()


@pytest.mark.parametrize("year", [2023, 2024, 2030])
def test_shipped_paths_cover_the_flows_of_every_layer(year: int) -> None:
    network = _shipped()
    check_paths(network, corridor.solve(network, year=year))


@pytest.mark.parametrize("scenario", ["cpc-closed", "tcgp-30", "turkmen-gas-via-iran"])
def test_scenario_paths_cover_the_flows_of_every_layer(scenario: str) -> None:
    applied = apply_scenario(scenario, _shipped())
    check_paths(applied.network, solve_scenario(applied))


@st.composite
def lossy_networks(draw: st.DrawFn) -> Network:
    """Random networks of two commodities, with losses and bidirectional links."""
    n = draw(st.integers(3, 8))
    ids = [f"N{i}" for i in range(n)]
    links = []
    for k in range(draw(st.integers(2, 14))):
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(0, n - 1).filter(lambda v, a=a: v != a))
        links.append(
            {
                "link_id": f"L{k}",
                "name": f"link {k}",
                "from_node": ids[a],
                "to_node": ids[b],
                "mode": "pipeline",
                "commodities": draw(st.sampled_from(["c0", "c1", "c0;c1"])),
                "bidirectional": draw(st.sampled_from(["true", "false"])),
                "capacity": draw(st.sampled_from(["", 2, 5, 10])),
                "capacity_unit": "Mt/yr",
                "length_km": draw(st.integers(1, 30)),
                "loss_fraction": draw(st.sampled_from([0, 0.02, 0.1])),
                "status": "operating",
            }
        )
    links_frame = pd.DataFrame(links)
    links_frame["capacity_unit"] = np.where(links_frame["capacity"] == "", "", "Mt/yr")

    def rows(prefix: str) -> pd.DataFrame:
        cells = [
            (draw(st.integers(0, n - 1)), c, draw(st.integers(1, 9)))
            for c in ("c0", "c1")
            for _ in range(draw(st.integers(1, 2)))
        ]
        return pd.DataFrame(
            {
                f"{prefix}_id": [f"{prefix[0].upper()}{i}" for i in range(len(cells))],
                "node_id": [ids[node] for node, _, _ in cells],
                "commodity": [c for _, c, _ in cells],
                "year": 2024,
                "value": [v for _, _, v in cells],
                "unit": "Mt/yr",
            }
        )

    nodes = pd.DataFrame(
        {
            "node_id": ids,
            "name": ids,
            "kind": "junction",
            "country": "AZ",
            "lat": [40.0 + 0.01 * i for i in range(n)],
            "lon": 49.0,
            "commodities": "c0;c1",
        }
    )
    commodities = pd.DataFrame(
        {"commodity_id": ["c0", "c1"], "name": ["c0", "c1"], "canonical_unit": "Mt/yr"}
    )
    frames = {"nodes": nodes, "links": links_frame, "supply": rows("supply")}
    frames |= {"demand": rows("demand"), "commodities": commodities}
    return from_frames(frames, check=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lossy_networks())
def test_random_lossy_networks_paths_cover_the_flows(network: Network) -> None:
    penalties = {"c0": 1e4, "c1": 1e4}
    results = corridor.solve(network, options=SolveOptions(year=2024, unmet_penalty=penalties))
    check_paths(network, results)
