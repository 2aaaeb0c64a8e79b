"""Route skims: a network whose times are worked out by hand, and the shipped corridor."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import corridor
from corridor.options import RouteRules
from corridor.transit.skims import SkimError, skim
from tests.conftest import shipped_network
from tests.optimize.builders import BASE_LAT, BASE_LON, write_tables

FREIGHT = "general_freight"


def _network(folder: Path) -> corridor.Network:
    """N0 -rail 100 km-> N1 (border) -rail 50 km-> N2 (port) =ferry 10 h=> N3 (port)
    -rail 200 km-> N4, and a direct rail line N0 -> N4 of 3,000 km."""
    kinds = ["city", "border_crossing", "port", "port", "city"]
    names = ["Origin", "Border", "Aktau test port", "Alat test port", "Destination"]
    nodes = pd.DataFrame(
        {
            "node_id": [f"N{i}" for i in range(5)],
            "name": names,
            "kind": kinds,
            "country": "AZ",
            "lat": [round(BASE_LAT + 0.001 * i, 3) for i in range(5)],
            "lon": BASE_LON,
            "commodities": FREIGHT,
        }
    )
    rows = [  # id, from, to, mode, length, transit_time_h
        ("L0", 0, 1, "rail", 100, ""),
        ("L1", 1, 2, "rail", 50, ""),
        ("L2", 2, 3, "ferry", 40, 10),  # tariff 200 USD/TEU
        ("L3", 3, 4, "rail", 200, ""),
        ("L4", 0, 4, "rail", 3000, ""),
        ("L5", 0, 4, "road", 10, ""),  # no road speed in the data: never used
    ]
    links = pd.DataFrame(
        [
            {
                "link_id": i, "name": i, "from_node": f"N{a}", "to_node": f"N{b}", "mode": m,
                "commodities": FREIGHT, "bidirectional": "false", "length_km": km,
                "transit_time_h": t, "status": "operating",
                "tariff": 200 if i == "L2" else "", "tariff_unit": "USD/TEU" if i == "L2" else "",
            }
            for i, a, b, m, km, t in rows
        ]
    )  # fmt: skip
    transit = pd.DataFrame(
        [
            ("T_RAIL", "speed", "rail", "", "", 50, "km/h"),
            ("T_BORDER", "border_crossing", "", "N1", "", 6, "h"),
            ("T_DWELL", "port_dwell", "ferry", "", "", 5, "h"),
            ("T_WAIT", "ferry_wait", "ferry", "", "", 20, "h"),
            ("T_GAUGE", "gauge_change", "", "N3", "", 3, "h"),
            ("T_RAIL_COST", "cost_rate", "rail", "", "", 0.5, "USD/TEU-km"),
            ("T_BORDER_COST", "border_cost", "", "N1", "", 100, "USD"),
        ],
        columns=["param_id", "component", "mode", "node_id", "link_id", "value", "unit"],
    )
    supply = pd.DataFrame(
        [{"supply_id": "S0", "node_id": "N0", "commodity": FREIGHT, "year": 2024, "value": 1,
          "unit": "Mt/yr"}]
    )  # fmt: skip
    demand = pd.DataFrame(
        [{"demand_id": "D0", "node_id": "N4", "commodity": FREIGHT, "year": 2024, "value": 1,
          "unit": "Mt/yr"}]
    )  # fmt: skip
    tables = {"nodes": nodes, "links": links, "transit": transit, "supply": supply}
    return write_tables(folder, {**tables, "demand": demand, "agreements": pd.DataFrame()})


def test_route_times_match_the_hand_computation(tmp_path: Path) -> None:
    net = _network(tmp_path)
    s = skim(net, "N0", "N4", k=5, commodity=FREIGHT)
    first, second = s.routes.iloc[0], s.routes.iloc[1]
    # via the ferry: rail (100 + 50 + 200) km / 50 km/h = 7 h; sailing 10 h; border at N1 6 h;
    # boarding at N2: dwell 5 h + wait 20 h; leaving at N3: dwell 5 h + gauge change 3 h
    assert first["links"] == "L0 > L1 > L2 > L3"
    assert first["line_haul_h"] == pytest.approx(7.0)
    assert first["sailing_h"] == pytest.approx(10.0)
    assert first["border_crossing_h"] == pytest.approx(6.0)
    assert first["port_dwell_h"] == pytest.approx(10.0)
    assert first["ferry_wait_h"] == pytest.approx(20.0)
    assert first["gauge_change_h"] == pytest.approx(3.0)
    assert first["total_h"] == pytest.approx(56.0)
    assert first["family"] == "Middle Corridor via Aktau"
    # the direct line: 3,000 km / 50 km/h = 60 h; the road link has no speed and is not used
    assert second["links"] == "L4"
    assert second["total_h"] == pytest.approx(60.0)
    assert second["family"] == "Overland"
    assert len(s.routes) == 2
    # cost per TEU: rail 350 km x 0.5 USD = 175, border fee 100, ferry tariff 200; no figure
    # for port charges or the gauge change, so those are listed as gaps
    assert first["known_cost_usd_per_teu"] == pytest.approx(475.0)
    assert first["cost_gaps"] == "N2:port_dwell; N3:gauge_change; N3:port_dwell"
    assert second["known_cost_usd_per_teu"] == pytest.approx(1500.0)  # 3,000 km x 0.5
    assert second["cost_gaps"] == ""
    steps = s.steps[s.steps["rank"] == 1]
    assert steps["hours"].sum() == pytest.approx(56.0)
    assert set(steps.loc[steps["place"] == "N2", "basis"]) == {"T_DWELL", "T_WAIT"}


def test_route_rules_apply_to_skims(tmp_path: Path) -> None:
    net = _network(tmp_path)
    s = skim(net, "N0", "N4", rules=RouteRules(avoid_links=frozenset({"L2"})), commodity=FREIGHT)
    assert list(s.routes["links"]) == ["L4"]
    with pytest.raises(SkimError, match="no general_freight route"):
        no_az = RouteRules(avoid_countries=frozenset({"AZ"}))
        skim(net, "N0", "N4", rules=no_az, commodity=FREIGHT)
    with pytest.raises(SkimError, match="unknown origin"):
        skim(net, "NOPE", "N4", commodity=FREIGHT)


def test_shipped_corridor_skims_xian_to_duisburg() -> None:
    net = shipped_network()
    s = skim(net, "C_XIAN", "C_DUISBURG", k=3, one_per_family=True)
    by_family = s.routes.set_index("family")
    # Northern: one link with a sourced 13-day transit time (Xi'an-Duisburg, DHL via Index1520)
    assert by_family.loc["Northern (through Russia)", "total_h"] == pytest.approx(312.0)
    mc = by_family.loc["Middle Corridor via Aktau"]
    # borders: Khorgos 37.3 h (CAREC corridor 1) + Böyük Kəsik 40.6 h (CAREC average)
    assert mc["border_crossing_h"] == pytest.approx(37.3 + 40.6)
    # Khorgos gauge change 0.92 h; ferry dwell 14 h at Aktau and at Alat; wait 96 h at Aktau
    assert mc["gauge_change_h"] == pytest.approx(0.92)
    assert mc["port_dwell_h"] == pytest.approx(28.0)
    assert mc["ferry_wait_h"] == pytest.approx(96.0)
    # sailing: Aktau-Alat 22 h + Batumi-Constanța great-circle km at the sea speed 23.4 km/h
    assert mc["sailing_h"] > 22.0
    assert mc["total_h"] / 312.0 == pytest.approx(1.55, abs=0.05)


def test_transit_parameters_are_validated(tmp_path: Path) -> None:
    from corridor.dataset import validate_dataset

    _network(tmp_path)
    transit = pd.read_csv(tmp_path / "transit.csv", dtype=str)
    transit.loc[0, "node_id"] = "N1"  # a speed given both for a mode and a node
    transit.loc[1, "unit"] = "km/h"  # a border time in km/h
    transit.loc[2, "node_id"] = "N_NOWHERE"
    transit.loc[2, "mode"] = None
    transit.loc[3, "value"] = "30"  # differs from its provenance row (20)
    transit.to_csv(tmp_path / "transit.csv", index=False)
    report, _ = validate_dataset(tmp_path)
    found = {(i.code, i.table) for i in report.errors}
    assert ("bad-transit-target", "transit") in found
    assert ("unit-mismatch", "transit") in found
    assert ("unknown-node", "transit") in found
    assert ("provenance-mismatch", "provenance") in found


def test_transit_units_convert_to_hours_and_km_per_hour(tmp_path: Path) -> None:
    net = _network(tmp_path)
    assert net.transit.loc["T_RAIL", "value_canonical"] == pytest.approx(50.0)
    from corridor.units import TRANSIT_UNITS

    assert 941 * TRANSIT_UNITS["km/d"][1] == pytest.approx(39.208, abs=1e-3)  # KTZ 941 km/day
    assert 4 * TRANSIT_UNITS["d"][1] == pytest.approx(96.0)
    shipped = shipped_network().transit
    assert shipped.loc["T_SPEED_RAIL_KZ", "value_canonical"] == pytest.approx(941 / 24)


def test_a_repeated_transit_target_is_reported_and_the_first_row_used(tmp_path: Path) -> None:
    from corridor.dataset import validate_dataset

    _network(tmp_path)
    transit = pd.read_csv(tmp_path / "transit.csv", dtype=str)
    prov = pd.read_csv(tmp_path / "provenance.csv", dtype=str)
    twin = transit.iloc[[0]].assign(param_id="T_RAIL_AGAIN", value="25")
    twin_prov = prov[prov["row_id"] == "T_RAIL"].assign(row_id="T_RAIL_AGAIN", value="25")
    pd.concat([transit, twin]).to_csv(tmp_path / "transit.csv", index=False)
    pd.concat([prov, twin_prov]).to_csv(tmp_path / "provenance.csv", index=False)
    report, _ = validate_dataset(tmp_path)
    warned = [i for i in report.warnings if i.code == "duplicate-transit-target"]
    assert report.ok and len(warned) == 1 and list(warned[0].ids) == ["T_RAIL_AGAIN"]
    from corridor.transit.lookup import TransitLookup

    assert TransitLookup(corridor.load(tmp_path)).of_mode("speed", "rail") == (50.0, "T_RAIL")
