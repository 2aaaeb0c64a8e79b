"""Every numeric setting of the Caspian simulation has a finite range, checked in the library
before any work starts, with the setting, the value and the range in the message."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

import corridor
from corridor.errors import OptionError, ParameterError
from corridor.pipeline import solve
from corridor.transit.caspian import (
    FERRIES,
    HANDLING_FACTOR,
    HEADWAY_HOURS,
    MAX_WAIT_HOURS,
    VOLUME_MT,
    caspian_setup,
)
from corridor.transit.crossing import Limit, PortParams, VesselParams
from corridor.transit.simulate import (
    MAX_UNITS,
    SEED,
    WARMUP_DAYS,
    YEARS,
    CrossingParams,
    check_run,
    simulate,
)
from corridor.transit.sweep import MAX_CASES, WORKERS, sweep
from tests.conftest import shipped_network
from tests.transit.test_simulate import one_route

NAN, INF = math.nan, math.inf


@pytest.fixture(scope="module")
def net() -> corridor.Network:
    return shipped_network()


@pytest.fixture(scope="module")
def solved(net: corridor.Network) -> corridor.Results:
    return solve(net, year=2024)


def quiet_route() -> CrossingParams:
    """Three units and one ferry: any horizon simulates in no time."""
    vessel = VesselParams("V", "A", "B", capacity_units=2, sailing_hours=10.0)
    return one_route([1.0, 2.0, 3.0], vessel)


def raises_naming(name: str, value: object, limit: Limit) -> Any:
    """pytest.raises for ``name must be <limit's range>, got <value>``."""
    text = f"{name} must be {limit.expected}, got {value!r}"
    return pytest.raises(ParameterError, match=f"^{re.escape(text)}$")


@pytest.mark.parametrize(
    ("limit", "inside", "outside"),
    [
        (YEARS, [1e-9, 1.0, 50], [0, -1.0, 50.001, NAN, INF, 1e6, True, "1"]),
        (WARMUP_DAYS, [0, 30.0, 365], [-1e-9, 365.5, NAN, INF, 1e9]),
        (SEED, [0, 2**63 - 1], [-1, 2**63, 10**400, 1.0, NAN]),
        (VOLUME_MT, [1e-6, 4.5, 100], [0, -1.0, 100.1, NAN, INF, float("1e400")]),
        (FERRIES, [2, 16, 200], [1, 0, 201, 10**8, 16.0]),
        (HANDLING_FACTOR, [0.01, 1.0, 20], [0, -2.0, 20.5, 1e300, NAN]),
        (HEADWAY_HOURS, [1, 24.0, 720], [0.5, 721, 1e300, NAN]),
        (MAX_WAIT_HOURS, [0, 48.0, 720], [-1.0, 721, INF]),
        (WORKERS, [1, 64], [0, 65, 1000]),
    ],
)
def test_each_limit_is_finite_and_holds_its_ends(
    limit: Limit, inside: list[object], outside: list[object]
) -> None:
    assert math.isfinite(limit.low) and math.isfinite(limit.high) and limit.low < limit.high
    assert all(limit.contains(v) for v in inside), inside
    assert not any(limit.contains(v) for v in outside), outside


@pytest.mark.parametrize(
    ("name", "value", "limit"),
    [
        ("years", NAN, YEARS),
        ("years", INF, YEARS),
        ("years", 1e6, YEARS),
        ("warmup_days", 1e9, WARMUP_DAYS),
        ("warmup_days", NAN, WARMUP_DAYS),
        ("seed", 2**63, SEED),
    ],
)
def test_simulate_refuses_settings_out_of_range(name: str, value: object, limit: Limit) -> None:
    settings: dict[str, Any] = {"years": 1.0, "warmup_days": 0.0, "seed": 0, name: value}
    with raises_naming(f"simulate.{name}", value, limit):
        simulate(quiet_route(), **settings)


def test_simulate_runs_at_the_ends_of_its_ranges() -> None:
    result = simulate(quiet_route(), years=YEARS.high, warmup_days=WARMUP_DAYS.high, seed=SEED.high)
    assert result.horizon_h == pytest.approx((YEARS.high * 365 + WARMUP_DAYS.high) * 24)


def test_a_run_that_would_not_fit_in_memory_is_refused_before_it_starts() -> None:
    def crossing(units_a_year: float) -> CrossingParams:
        ports = [PortParams("A", annual_tonnes=60.0 * units_a_year), PortParams("B")]
        vessels = [VesselParams("V", "A", "B", capacity_units=2, sailing_hours=10.0)]
        return CrossingParams(ports=ports, vessels=vessels, unit_tonnes=60.0)

    check_run(crossing(MAX_UNITS), years=1.0, seed=0, warmup_days=0.0)  # exactly the limit
    with pytest.raises(ParameterError, match=f"more than the {MAX_UNITS:,} that fit in memory"):
        check_run(crossing(MAX_UNITS + 1), years=1.0, seed=0, warmup_days=0.0)
    with pytest.raises(ParameterError, match=r"^simulate\.years: .* at most 0\.5 years"):
        check_run(crossing(MAX_UNITS), years=1.0, seed=0, warmup_days=WARMUP_DAYS.high / 2)
    with pytest.raises(ParameterError, match="fit in memory"):  # a trillion units
        simulate(crossing(1e12), years=1.0)


@pytest.mark.parametrize(
    ("name", "value", "limit"),
    [
        ("volume_mt", NAN, VOLUME_MT),
        ("volume_mt", INF, VOLUME_MT),
        ("volume_mt", 0.0, VOLUME_MT),
        ("volume_mt", 100.5, VOLUME_MT),
        ("ferries", 201, FERRIES),
        ("ferries", 1, FERRIES),
        ("handling_factor", 0.0, HANDLING_FACTOR),
        ("handling_factor", 1e300, HANDLING_FACTOR),
        ("headway_hours", 1e300, HEADWAY_HOURS),
        ("headway_hours", 0.1, HEADWAY_HOURS),
        ("max_wait_hours", INF, MAX_WAIT_HOURS),
    ],
)
def test_caspian_setup_refuses_settings_out_of_range(
    net: corridor.Network, solved: corridor.Results, name: str, value: object, limit: Limit
) -> None:
    with raises_naming(f"caspian_setup.{name}", value, limit):
        caspian_setup(net, solved, **{name: value})


@pytest.mark.parametrize("year", [99999, 1800])
def test_the_crossing_of_a_year_without_data_is_refused(net: corridor.Network, year: int) -> None:
    # the year is the solve's, whose flows set the volume: checked against the dataset's years
    with pytest.raises(OptionError, match=f"year {year}: no supply or demand"):
        solve(net, year=year)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"volumes_mt": []}, "sweep.volumes_mt must hold at least one value"),
        ({"ferries": []}, "sweep.ferries must hold at least one value"),
        ({"handling": []}, "sweep.handling must hold at least one value"),
        ({"seeds": []}, "sweep.seeds must hold at least one value"),
        ({"volumes_mt": [4.5, NAN]}, "sweep.volumes_mt[1] must be a finite number above 0"),
        ({"ferries": [16, 10**8]}, "sweep.ferries[1] must be a whole number from 2 to 200"),
        ({"handling": [21.0]}, "sweep.handling[0] must be a finite number above 0"),
        ({"seeds": [-1]}, "sweep.seeds[0] must be a whole number from 0"),
        ({"workers": 1000}, "sweep.workers must be a whole number from 1 to 64"),
        ({"years": 1e6}, "sweep.years must be a finite number above 0 and at most 50"),
        ({"warmup_days": 1e9}, "sweep.warmup_days must be a finite number from 0 to 365"),
        ({"seeds": list(range(MAX_CASES + 1))}, f"at most {MAX_CASES:,} are run"),
        ({"volumes_mt": [100.0], "years": 50.0}, "fit in memory"),
    ],
)
def test_sweep_refuses_bad_settings_before_it_starts_a_cluster(
    net: corridor.Network, solved: corridor.Results, change: dict[str, Any], message: str
) -> None:
    settings: dict[str, Any] = {"volumes_mt": [4.5], "ferries": [16], **change}
    with pytest.raises(ParameterError, match=re.escape(message)):
        sweep(net, solved, **settings)
