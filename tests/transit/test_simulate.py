"""The Caspian crossing simulation: hand-checked cases, invariants and input validation."""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.transit.simulate import (
    UNIT_TIME_COLUMNS,
    CrossingParams,
    OnwardParams,
    PortParams,
    SimulationResult,
    VesselParams,
    WeatherParams,
    simulate,
)

TIME_COLUMNS = list(UNIT_TIME_COLUMNS)


def busy_crossing(
    n_vessels: int = 3,
    *,
    tonnes: float = 600_000.0,
    episodes: float = 12.0,
    berths: int = 1,
    onward: int = 40,
) -> CrossingParams:
    """Two ports of loading feeding Alat, with storms and a tight onward railway."""
    vessels = [
        VesselParams(
            f"V{i}",
            "Aktau" if i % 2 == 0 else "Kuryk",
            "Alat",
            capacity_units=30,
            sailing_hours=18.0,
            max_wait_hours=12.0,
        )
        for i in range(n_vessels)
    ]
    return CrossingParams(
        ports=[
            PortParams("Aktau", annual_tonnes=tonnes, berths=berths, handling_units_per_hour=6.0),
            PortParams("Kuryk", annual_tonnes=tonnes / 2, berths=berths, seasonality=[1.0] * 12),
            PortParams("Alat", berths=2, handling_units_per_hour=8.0),
        ],
        vessels=vessels,
        weather=WeatherParams(episodes_per_year=episodes, mean_duration_hours=30.0),
        onward=[OnwardParams("Alat", units_per_day=onward)],
    )


def one_route(
    arrivals: list[float],
    vessel: VesselParams,
    *,
    weather: WeatherParams | None = None,
    onward: list[OnwardParams] | None = None,
) -> CrossingParams:
    """Port A (2 units/h) to port B (4 units/h), one berth each, arrivals given."""
    return CrossingParams(
        ports=[
            PortParams("A", handling_units_per_hour=2.0, arrivals_h=arrivals),
            PortParams("B", handling_units_per_hour=4.0),
        ],
        vessels=[vessel],
        weather=weather or WeatherParams(),
        onward=onward or [],
    )


def column(result: SimulationResult, name: str) -> list[float]:
    return [float(x) for x in result.units[name]]


# --------------------------------------------------------------------------------------------
# Hand-checked cases
# --------------------------------------------------------------------------------------------


def test_schedule_policy_with_a_storm_and_daily_rail_limit_matches_hand_computation() -> None:
    # Slots at 12, 36, 60, ...; a storm closes the crossing from 11 to 14, so the 12:00 sailing
    # leaves at 14 with the unit that arrived at 13 too. Loading takes 0.5 h a unit, unloading
    # 0.25 h, the crossing 5 h. The railway takes 2 units a day, reset at 00:00.
    vessel = VesselParams(
        "V",
        "A",
        "B",
        capacity_units=10,
        sailing_hours=5.0,
        policy="schedule",
        headway_hours=24.0,
        schedule_offset_hours=12.0,
    )
    params = one_route(
        [1.0, 2.0, 3.0, 13.0, 30.0],
        vessel,
        weather=WeatherParams(windows_h=[(11.0, 14.0)]),
        onward=[OnwardParams("B", units_per_day=2)],
    )
    result = simulate(params, years=0.01)

    assert column(result, "boarding_h") == [1.0, 2.0, 3.0, 13.0, 30.0]
    assert column(result, "departure_h") == [14.0, 14.0, 14.0, 14.0, 36.0]
    assert column(result, "arrival_discharge_h") == [19.0, 19.0, 19.0, 19.0, 41.0]
    assert column(result, "unloaded_h") == [19.25, 19.5, 19.75, 20.0, 41.25]
    assert column(result, "onward_departure_h") == [19.25, 19.5, 24.0, 24.0, 48.0]
    assert column(result, "wait_for_vessel_h") == [13.0, 12.0, 11.0, 1.0, 6.0]
    assert column(result, "total_h") == [18.25, 17.5, 21.0, 11.0, 18.0]
    assert result.units_in_system_at_end == 0
    assert list(result.voyages["units"][:2]) == [4, 1]
    assert result.fleet.loc["V", "loading_h"] == pytest.approx(2.5)
    # Ready at the 12:00 slot, held by the storm until 14:00 (half an hour of it loading).
    assert result.fleet.loc["V", "waiting_weather_h"] == pytest.approx(1.5)


def test_fill_policy_sails_when_full_or_after_max_wait_with_a_unit_aboard() -> None:
    # Capacity 2: full at 2.5 h. Back at A at 13 h; the max-wait clock runs out at 23 h with
    # nothing aboard, so the vessel sails as soon as the unit arriving at 30 h is loaded.
    vessel = VesselParams("V", "A", "B", capacity_units=2, sailing_hours=5.0, max_wait_hours=10.0)
    result = simulate(one_route([1.0, 2.0, 30.0], vessel), years=0.01)

    assert column(result, "departure_h") == [2.5, 2.5, 30.5]
    assert column(result, "unloaded_h") == [7.75, 8.0, 35.75]
    assert column(result, "onward_departure_h") == [7.75, 8.0, 35.75]  # unlimited railway
    assert column(result, "onward_wait_h") == [0.0, 0.0, 0.0]


def test_fill_policy_sails_part_loaded_when_max_wait_runs_out() -> None:
    vessel = VesselParams("V", "A", "B", capacity_units=5, sailing_hours=5.0, max_wait_hours=10.0)
    result = simulate(one_route([1.0, 2.0], vessel), years=0.01)

    assert column(result, "departure_h") == [10.0, 10.0]


# --------------------------------------------------------------------------------------------
# Invariants
# --------------------------------------------------------------------------------------------


def check_conservation(result: SimulationResult) -> None:
    units = result.units
    left = units["onward_departure_h"].notna()
    assert len(units) == result.units_arrived  # no warm-up: every unit has a record
    assert int((~left).sum()) == result.units_in_system_at_end
    assert int(left.sum()) + result.units_in_system_at_end == result.units_arrived
    # Events happen in order, and once one is missing every later one is missing too.
    times = units[TIME_COLUMNS].to_numpy()
    assert (np.diff(times, axis=1)[~np.isnan(np.diff(times, axis=1))] >= 0).all()
    seen = ~np.isnan(times)
    assert (seen[:, :-1] >= seen[:, 1:]).all()
    parts = units[["wait_for_vessel_h", "sailing_h", "discharge_wait_h", "onward_wait_h"]]
    done = units[left]
    np.testing.assert_allclose(parts[left].sum(axis=1), done["total_h"])


def test_every_unit_leaves_or_is_counted_in_the_system_at_the_end() -> None:
    result = simulate(busy_crossing(2, tonnes=900_000.0), years=0.1, seed=4)

    assert result.units_in_system_at_end > 0  # congested, so the check has something to count
    check_conservation(result)
    assert result.throughput["units"].sum() == result.units["onward_departure_h"].notna().sum()


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n_vessels=st.integers(1, 4),
    berths=st.integers(1, 2),
    onward=st.integers(1, 60),
    episodes=st.floats(0.0, 40.0),
)
def test_conservation_holds_on_random_crossings(
    seed: int, n_vessels: int, berths: int, onward: int, episodes: float
) -> None:
    params = busy_crossing(
        n_vessels, tonnes=200_000.0, episodes=episodes, berths=berths, onward=onward
    )
    check_conservation(simulate(params, years=0.03, seed=seed))


def test_queue_lengths_are_never_negative_and_match_the_units_left_waiting() -> None:
    result = simulate(busy_crossing(2, tonnes=900_000.0), years=0.1, seed=5)
    queues = result.queues

    assert len(queues) > 0
    assert (queues["units"] >= 0).all()
    assert queues["time_h"].is_monotonic_increasing
    last = queues.groupby(["port", "queue"])["units"].last()
    units = result.units
    on_quay = units["boarding_h"].isna().groupby(units["port"]).sum()
    for port in ("Aktau", "Kuryk"):
        assert last[(port, "quay")] == on_quay[port]


def test_units_board_in_arrival_order_at_each_port() -> None:
    result = simulate(busy_crossing(4, tonnes=900_000.0, berths=2), years=0.1, seed=6)

    for _, group in result.units.groupby("port"):
        boarded = group.sort_values("arrival_h")["boarding_h"].dropna()
        assert boarded.is_monotonic_increasing
        # Units still on the quay arrived after every unit that boarded.
        waiting = group[group["boarding_h"].isna()]
        if len(waiting) and len(boarded):
            assert waiting["arrival_h"].min() >= group.loc[boarded.index, "arrival_h"].max()


def test_same_seed_gives_identical_records_and_another_seed_differs() -> None:
    params = busy_crossing(3)
    first = simulate(params, years=0.05, seed=11)
    again = simulate(params, years=0.05, seed=11)
    other = simulate(params, years=0.05, seed=12)

    pd.testing.assert_frame_equal(first.units, again.units)
    pd.testing.assert_frame_equal(first.queues, again.queues)
    pd.testing.assert_frame_equal(first.fleet, again.fleet)
    pd.testing.assert_frame_equal(first.closures, again.closures)
    assert not first.units[["arrival_h"]].equals(other.units[["arrival_h"]])


def test_arrivals_and_storms_do_not_depend_on_the_fleet() -> None:
    small = simulate(busy_crossing(2), years=0.05, seed=3)
    large = simulate(busy_crossing(5), years=0.05, seed=3)

    pd.testing.assert_frame_equal(
        small.units[["unit", "port", "arrival_h"]], large.units[["unit", "port", "arrival_h"]]
    )
    pd.testing.assert_frame_equal(small.closures, large.closures)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_more_vessels_never_lengthen_the_mean_wait(seed: int) -> None:
    # One berth per port of loading: extra vessels queue for it rather than splitting the cargo
    # between part-loaded vessels (with spare berths, "fill" could wait longer with more ships).
    two = simulate(busy_crossing(2, tonnes=800_000.0), years=0.08, seed=seed)
    four = simulate(busy_crossing(4, tonnes=800_000.0), years=0.08, seed=seed)

    assert four.summary()["mean_wait_h"] <= two.summary()["mean_wait_h"]


def test_ample_fleet_without_storms_waits_only_for_loading() -> None:
    # One-unit vessels sail as soon as loaded; ten of them at ten berths are always at hand.
    params = CrossingParams(
        ports=[
            PortParams("Aktau", annual_tonnes=60_000.0, berths=10, handling_units_per_hour=4.0),
            PortParams("Alat", berths=10, handling_units_per_hour=4.0),
        ],
        vessels=[
            VesselParams(f"V{i}", "Aktau", "Alat", capacity_units=1, sailing_hours=2.0)
            for i in range(10)
        ],
    )
    result = simulate(params, years=0.2, seed=2)

    assert len(result.units) > 100
    np.testing.assert_allclose(result.units["wait_for_vessel_h"].dropna(), 0.25)
    np.testing.assert_allclose(result.units["quay_wait_h"].dropna(), 0.0)


def test_no_vessel_departs_while_the_crossing_is_closed() -> None:
    result = simulate(busy_crossing(3, episodes=60.0), years=0.1, seed=8)
    closures = result.closures

    assert len(closures) > 2
    departures = result.voyages["departure_h"].to_numpy()
    inside = (departures[:, None] > closures["start_h"].to_numpy()) & (
        departures[:, None] < closures["end_h"].to_numpy()
    )
    assert not inside.any()


def test_onward_railway_respects_its_daily_allowance() -> None:
    result = simulate(busy_crossing(4, onward=15), years=0.05, seed=9)
    day = np.floor(result.units["onward_departure_h"].dropna() / 24.0)

    assert day.value_counts().max() == 15


def test_seasonality_with_empty_months_gives_no_arrivals_in_them() -> None:
    params = busy_crossing(2)
    ports = [
        PortParams("Aktau", annual_tonnes=300_000.0, seasonality=[2.0] * 6 + [0.0] * 6),
        *params.ports[1:],
    ]
    params = CrossingParams(ports=ports, vessels=params.vessels)
    result = simulate(params, years=1.0, seed=1)
    aktau = result.units.loc[result.units["port"] == "Aktau", "arrival_h"]

    assert aktau.max() < 181 * 24.0  # 1 January to 30 June is 181 days
    assert len(aktau) == pytest.approx(300_000.0 / 60.0, rel=0.1)


def test_warmup_drops_early_arrivals_and_fleet_shares_sum_to_one() -> None:
    result = simulate(busy_crossing(3), years=0.05, seed=2, warmup_days=5.0)

    assert result.units["arrival_h"].min() >= 120.0
    assert result.units_arrived > len(result.units)
    shares = result.fleet[[c for c in result.fleet if c.endswith("_share") and c != "idle_share"]]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_progress_reports_growing_fractions_ending_at_one() -> None:
    seen: list[float] = []
    simulate(busy_crossing(2), years=0.1, seed=0, progress=seen.append)

    assert len(seen) > 3
    assert all(a < b for a, b in itertools.pairwise(seen))
    assert seen[-1] == 1.0


def test_summary_reports_transit_in_hours_and_days() -> None:
    summary = simulate(busy_crossing(3), years=0.05, seed=1).summary()

    assert summary["p90_transit_h"] >= summary["p50_transit_h"] > 0
    assert summary["p50_transit_days"] == pytest.approx(summary["p50_transit_h"] / 24.0)
    assert summary["throughput_tonnes_per_year"] == pytest.approx(
        summary["throughput_units_per_year"] * 60.0
    )


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

VESSEL: dict[str, Any] = {
    "name": "V",
    "from_port": "A",
    "to_port": "B",
    "capacity_units": 10,
    "sailing_hours": 5.0,
}


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: PortParams("A", annual_tonnes=-1.0), "PortParams.annual_tonnes"),
        (lambda: PortParams("A", berths=0), "PortParams.berths"),
        (
            lambda: PortParams("A", handling_units_per_hour=0.0),
            "PortParams.handling_units_per_hour",
        ),
        (lambda: PortParams("A", seasonality=[1.0] * 11), "PortParams.seasonality"),
        (lambda: PortParams("A", seasonality=[2.0] * 12), "PortParams.seasonality"),
        (lambda: PortParams("A", annual_tonnes=1.0, arrivals_h=[1.0]), "PortParams.annual_tonnes"),
        (lambda: PortParams(""), "PortParams.name"),
        (lambda: VesselParams(**{**VESSEL, "capacity_units": 0}), "VesselParams.capacity_units"),
        (
            lambda: VesselParams(**{**VESSEL, "sailing_hours": float("nan")}),
            "VesselParams.sailing_hours",
        ),
        (lambda: VesselParams(**{**VESSEL, "policy": "whenever"}), "VesselParams.policy"),
        (lambda: VesselParams(**{**VESSEL, "to_port": "A"}), "VesselParams.to_port"),
        (lambda: VesselParams(**{**VESSEL, "headway_hours": 0.0}), "VesselParams.headway_hours"),
        (lambda: WeatherParams(episodes_per_year=-2.0), "WeatherParams.episodes_per_year"),
        (
            lambda: WeatherParams(duration_distribution="gamma"),  # type: ignore[arg-type]
            "WeatherParams.duration_distribution",
        ),
        (lambda: WeatherParams(windows_h=[(5.0, 1.0)]), "WeatherParams.windows_h"),
        (lambda: OnwardParams("B", units_per_day=0), "OnwardParams.units_per_day"),
        (
            lambda: CrossingParams(ports=[PortParams("A")], vessels=[VesselParams(**VESSEL)]),
            "CrossingParams.vessels",
        ),
        (
            lambda: CrossingParams(ports=[PortParams("A")] * 2, vessels=[VesselParams(**VESSEL)]),
            "CrossingParams.ports",
        ),
        (
            lambda: CrossingParams(
                ports=[PortParams("A"), PortParams("B")],
                vessels=[VesselParams(**VESSEL)],
                unit_tonnes=0.0,
            ),
            "CrossingParams.unit_tonnes",
        ),
        (
            lambda: CrossingParams(
                ports=[PortParams("A"), PortParams("B")],
                vessels=[VesselParams(**VESSEL)],
                onward=[OnwardParams("C", 5)],
            ),
            "CrossingParams.onward.port",
        ),
        (lambda: simulate(busy_crossing(), years=0.0), "simulate.years"),
        (lambda: simulate(busy_crossing(), warmup_days=-1.0), "simulate.warmup_days"),
    ],
)
def test_invalid_parameters_raise_value_error_naming_the_field(make: Any, field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{re.escape(field)}(\[| must)"):
        make()
