"""The Caspian crossing built from the shipped dataset, its simulation and sweeps."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import pytest

import corridor
from corridor.errors import CorridorError
from corridor.pipeline import solve
from corridor.transit.caspian import caspian_setup, crossing_places
from corridor.transit.simulate import simulate
from corridor.transit.sweep import sweep
from tests.conftest import shipped_network


@pytest.fixture(scope="module")
def net() -> corridor.Network:
    return shipped_network()


@pytest.fixture(scope="module")
def solved(net: corridor.Network) -> corridor.Results:
    """The 2024 solve whose Caspian flows set the crossing's volume."""
    return solve(net, year=2024)


def test_setup_takes_volumes_from_the_flow_engine_and_figures_from_the_dataset(
    net: corridor.Network,
    solved: corridor.Results,
) -> None:
    s = caspian_setup(net, solved)
    # 2024 general freight: 3.2 Mt Kazakh exports (Kuryk) + 1.284 Mt from China (Aktau)
    assert s.volume_t["P_KURYK"] == pytest.approx(3.2e6)
    assert s.volume_t["P_AKTAU"] == pytest.approx(1.284e6)
    assert sum(s.ferries.values()) == 16  # ASCO's ferry and ro-ro fleet, 2023
    # one slot: Kuryk 2023, 1.5 Mt in 480 calls = 3,125 t a call, over 56 slots
    assert s.params.unit_tonnes == pytest.approx(1.5e6 / 480 / 56)
    assert {v.capacity_units for v in s.params.vessels} == {56}
    assert {v.sailing_hours for v in s.params.vessels} == {21.0, 22.0}
    # 56 slots in 14 h of port time
    assert s.params.ports[0].handling_units_per_hour == pytest.approx(4.0)
    # storms: 7.5 episodes of 4 days in Nov-Dec (30 days closed) and one in the rest of the year
    assert s.params.weather.episodes_per_year == pytest.approx(8.5)
    scaled = caspian_setup(net, solved, volume_mt=11.0, ferries=32, handling_factor=2.0)
    assert sum(scaled.volume_t.values()) == pytest.approx(11e6)
    assert scaled.volume_t["P_KURYK"] / scaled.volume_t["P_AKTAU"] == pytest.approx(3.2 / 1.284)
    assert sum(scaled.ferries.values()) == 32
    assert scaled.params.ports[0].handling_units_per_hour == pytest.approx(8.0)
    with pytest.raises(CorridorError, match=r"caspian_setup\.ferries must be a whole number"):
        caspian_setup(net, solved, ferries=1)


def test_more_ferries_never_lengthen_the_wait_on_the_calibrated_crossing(
    net: corridor.Network,
    solved: corridor.Results,
) -> None:
    waits = [
        simulate(caspian_setup(net, solved, ferries=n).params, years=0.2, seed=3).summary()[
            "mean_wait_h"
        ]
        for n in (6, 10, 16)
    ]
    assert waits[0] >= waits[1] >= waits[2]
    assert waits[0] > 2 * waits[2]  # six ferries cannot carry the 2024 volume


@contextlib.contextmanager
def _port_taken(port: int) -> Iterator[None]:
    """Hold ``port`` (Dask's default dashboard port) unless something else holds it already."""
    with socket.socket() as sock:
        with contextlib.suppress(OSError):  # taken already: as good
            sock.bind(("", port))
            sock.listen()
        yield


@pytest.mark.dask
def test_sweep_on_dask_matches_direct_runs(net: corridor.Network, solved: corridor.Results) -> None:
    with _port_taken(8787):  # the sweep's cluster takes free ports, never a fixed one
        table = sweep(
            net,
            solved,
            volumes_mt=[0.5],
            ferries=[4, 8],
            years=0.05,
            seeds=[1],
            warmup_days=0,
        )
    assert list(table["ferries"]) == [4, 8]
    direct = simulate(
        caspian_setup(net, solved, volume_mt=0.5, ferries=8).params,
        years=0.05,
        seed=1,
        warmup_days=0,
    ).summary()
    row = table[table["ferries"] == 8].iloc[0]
    assert row["mean_wait_h"] == pytest.approx(direct["mean_wait_h"])
    assert row["units_arrived"] == direct["units_arrived"]


def test_the_crossing_s_places_come_from_the_data(
    net: corridor.Network, solved: corridor.Results
) -> None:
    places = crossing_places(net)
    assert places.lines == {"P_AKTAU": "L_AKTAU_ALAT", "P_KURYK": "L_KURYK_ALAT"}
    assert places.berths == {"P_AKTAU": 1, "P_KURYK": 4} and places.discharge == "P_ALAT"
    setup = caspian_setup(net, solved)
    assert setup.basis["onward"] == "L_GE_RAIL_2025.capacity"  # the Georgian line in 2024
    assert [p.berths for p in setup.params.ports] == [1, 4, 5]
    no_berths = net.replace(transit=net.transit[net.transit["component"] != "berths"])
    with pytest.raises(CorridorError, match="needs a ferry link from each port with berths"):
        crossing_places(no_berths)
