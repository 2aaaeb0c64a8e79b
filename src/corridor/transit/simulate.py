"""Discrete-event simulation of the Caspian Sea crossing of the Middle Corridor.

Units (wagons or TEU-equivalents of ``unit_tonnes`` each) arrive at ports of loading, queue FIFO on
the quay, board a vessel of the fleet, cross the sea, are unloaded at the port of discharge and
leave on the onward railway (e.g. Alat -> Baku-Tbilisi-Kars) as its daily capacity allows. Storms
close the crossing: no vessel leaves port while it is closed.

Inside the model every time is in hours from 00:00 on 1 January of the first simulated year; a
year is 365 days and the months have their calendar lengths (no leap years).

Assumptions
-----------
- Arrivals follow a non-homogeneous Poisson process whose rate is constant within each calendar
  month (``annual_tonnes / unit_tonnes`` units a year, scaled by the month's seasonality factor),
  or are given explicitly as ``PortParams.arrivals_h``.
- Every vessel starts empty at its port of loading at time 0, carries cargo only on its home route
  and returns in ballast (eastbound cargo is not modelled).
- A vessel holds a berth while it loads and while it waits to sail; it loads one unit at a time
  at the port's handling rate and unloads the same way at the port of discharge.
- ``"fill"``: the vessel sails when full, or once ``max_wait_hours`` have passed since it berthed
  and at least one unit is aboard. ``"schedule"``: it sails at the first slot
  ``schedule_offset_hours + k * headway_hours`` at or after berthing, with whatever is aboard
  (possibly nothing); boarding stops at the slot and the unit being loaded is finished first.
- Storm closures are a Poisson process of episodes (optionally seasonal) with exponential or fixed
  durations, plus optional fixed windows; overlapping episodes merge. A vessel ready to sail
  while the crossing is closed waits in port (at berth, still loading if there is room); vessels
  already at sea are not affected.
- Onward rail is a token bucket: each day at 00:00 the allowance is reset to ``units_per_day`` and
  unloaded units leave in unload order as long as the allowance lasts. A port of discharge without
  :class:`OnwardParams` has unlimited onward capacity.
- Arrivals and weather are drawn up front from their own random streams (spawned from
  ``numpy.random.default_rng(seed)``) and the fleet uses no randomness, so two runs with the same
  seed see the same arrivals and storms whatever the fleet (common random numbers).
- Statistics cover ``years`` after an optional warm-up: units arriving during the warm-up are
  dropped from the unit records, and utilisation, voyages and throughput count only the time after
  it.

Example
-------
>>> params = CrossingParams(
...     ports=[PortParams("Aktau", annual_tonnes=1.0e6, berths=2), PortParams("Alat", berths=2)],
...     vessels=[VesselParams("Barda", "Aktau", "Alat", capacity_units=50, sailing_hours=18.0)],
...     onward=[OnwardParams("Alat", units_per_day=60)],
... )
>>> result = simulate(params, years=0.25, seed=1)
>>> sorted(result.summary())[:3]
['mean_transit_days', 'mean_transit_h', 'mean_wait_h']
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
import simpy

from corridor.errors import ParameterError
from corridor.transit.crossing import (
    CrossingParams,
    Limit,
    OnwardParams,
    PortParams,
    VesselParams,
    WeatherParams,
)
from corridor.units import DAYS_PER_YEAR

__all__ = [
    "MAX_UNITS",
    "SEED",
    "WARMUP_DAYS",
    "YEARS",
    "CrossingParams",
    "OnwardParams",
    "PortParams",
    "SimulationResult",
    "VesselParams",
    "WeatherParams",
    "check_run",
    "simulate",
]

logger = logging.getLogger(__name__)

HOURS_PER_DAY: Final = 24.0
HOURS_PER_YEAR: Final = DAYS_PER_YEAR * HOURS_PER_DAY
HOURS_PER_WEEK: Final = 7 * HOURS_PER_DAY
DAYS_IN_MONTH: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

FloatArray = npt.NDArray[np.float64]
SimGenerator = Generator[simpy.Event, Any, None]

# Vessel states, in the order of the utilisation table's columns.
SAILING: Final = "sailing"
LOADING: Final = "loading"
UNLOADING: Final = "unloading"
WAITING_BERTH: Final = "waiting_berth"
WAITING_CARGO: Final = "waiting_cargo"
WAITING_SCHEDULE: Final = "waiting_schedule"
WAITING_WEATHER: Final = "waiting_weather"
VESSEL_STATES: Final = (
    SAILING,
    LOADING,
    UNLOADING,
    WAITING_BERTH,
    WAITING_CARGO,
    WAITING_SCHEDULE,
    WAITING_WEATHER,
)
IDLE_STATES: Final = (WAITING_BERTH, WAITING_CARGO, WAITING_SCHEDULE, WAITING_WEATHER)

QUAY: Final = "quay"
ONWARD: Final = "onward"

#: Years simulated after the warm-up: long enough for any question a fixed fleet and volume
#: can answer.
YEARS: Final = Limit(0, 50, "years", low_open=True)
#: Warm-up left out of the statistics: at most a year (the queues settle within weeks).
WARMUP_DAYS: Final = Limit(0, 365, "days")
#: Seeds numpy accepts that also fit the int64 seed column of a sweep's table.
SEED: Final = Limit(0, 2**63 - 1, integer=True)
#: Most units a run may expect (warm-up included): each takes about 1 kB of memory and 30 us,
#: so this many need about 5 GB and a few minutes (the 2024 volume is ~80,000 a year).
MAX_UNITS: Final = 5_000_000

UNIT_TIME_COLUMNS: Final = (
    "arrival_h",
    "boarding_h",
    "departure_h",
    "arrival_discharge_h",
    "unloaded_h",
    "onward_departure_h",
)


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Tidy output of :func:`simulate`.

    Attributes
    ----------
    units
        One row per unit arriving after the warm-up: ``unit``, ``port``, ``vessel``, the event
        times ``arrival_h`` ... ``onward_departure_h`` (NaN for events after the horizon) and the
        components ``wait_for_vessel_h`` (arrival to sailing: quay queue, loading and waiting
        aboard), ``sailing_h``, ``discharge_wait_h`` (berth wait and unloading), ``onward_wait_h``
        and ``total_h``, which add up; ``quay_wait_h`` is the part of the wait before boarding.
    queues
        Queue length after every change: ``time_h``, ``port``, ``queue`` (``"quay"`` for units
        waiting to board, ``"onward"`` for unloaded units waiting for the railway) and ``units``.
    fleet
        One row per vessel: hours and share of time in each state after the warm-up, with
        ``idle_share`` summing the waiting states, ``voyages`` and ``units_carried``.
    voyages
        One row per loaded crossing departing after the warm-up.
    throughput
        Units and tonnes leaving on the onward railway per year after the warm-up (the last year
        may be partial; ``tonnes_per_year`` annualises it).
    closures
        Storm closures (overlapping episodes merged): ``start_h``, ``end_h``, ``duration_h``.
    horizon_h, warmup_h, unit_tonnes
        Simulated horizon (warm-up included), warm-up length and tonnes per unit.
    units_arrived
        Units that arrived over the whole horizon, warm-up included.
    units_in_system_at_end
        Units on the quay, aboard, being handled or waiting for the railway at the horizon,
        counted from the state of the simulation.
    """

    units: pd.DataFrame
    queues: pd.DataFrame
    fleet: pd.DataFrame
    voyages: pd.DataFrame
    throughput: pd.DataFrame
    closures: pd.DataFrame
    horizon_h: float
    warmup_h: float
    unit_tonnes: float
    units_arrived: int
    units_in_system_at_end: int

    def summary(self) -> dict[str, float]:
        """Headline figures: transit-time percentiles, mean wait, throughput, units in system.

        Transit times are over the units that completed the trip (a long backlog at the horizon
        biases them low; look at ``units_in_system_at_end``). ``mean_wait_h`` is over every unit
        that arrived, those still waiting at the horizon counting their wait so far.
        """
        done = self.units["total_h"].dropna().to_numpy(dtype=float)
        # a unit still waiting at the horizon counts the wait it has had so far (a lower bound),
        # so that runs with different fleets compare the same units
        departed = self.units["departure_h"].fillna(self.horizon_h)
        wait = (departed - self.units["arrival_h"]).to_numpy(dtype=float)
        years = (self.horizon_h - self.warmup_h) / HOURS_PER_YEAR
        units_out = float(self.throughput["units"].sum())

        def stat(values: FloatArray, fn: Callable[[FloatArray], float]) -> float:
            return float(fn(values)) if values.size else math.nan

        p50 = stat(done, lambda x: float(np.percentile(x, 50)))
        p90 = stat(done, lambda x: float(np.percentile(x, 90)))
        mean = stat(done, lambda x: float(np.mean(x)))
        return {
            "p50_transit_h": p50,
            "p90_transit_h": p90,
            "mean_transit_h": mean,
            "p50_transit_days": p50 / HOURS_PER_DAY,
            "p90_transit_days": p90 / HOURS_PER_DAY,
            "mean_transit_days": mean / HOURS_PER_DAY,
            "mean_wait_h": stat(wait, lambda x: float(np.mean(x))),
            "throughput_units_per_year": units_out / years,
            "throughput_tonnes_per_year": units_out * self.unit_tonnes / years,
            "units_arrived": float(len(self.units)),
            "units_delivered": float(len(done)),
            "units_in_system_at_end": float(self.units_in_system_at_end),
        }


# --------------------------------------------------------------------------------------------
# Random inputs: arrivals and closures, drawn up front from their own streams
# --------------------------------------------------------------------------------------------


def _month_segments(horizon_h: float) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int64]]:
    """Start, end and month index (0-11) of every calendar month overlapping [0, horizon_h)."""
    n_years = max(1, math.ceil(horizon_h / HOURS_PER_YEAR))
    lengths = np.tile(np.asarray(DAYS_IN_MONTH, dtype=float) * HOURS_PER_DAY, n_years)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    keep = starts < horizon_h
    month = np.tile(np.arange(12), n_years)
    return starts[keep], np.minimum(ends[keep], horizon_h), month[keep]


def _monthly_factors(seasonality: Sequence[float] | None) -> FloatArray:
    """Seasonality factors rescaled so that their day-weighted annual mean is exactly 1."""
    if seasonality is None:
        return np.ones(12)
    factors = np.asarray(seasonality, dtype=float)
    days = np.asarray(DAYS_IN_MONTH, dtype=float)
    mean = float(factors @ days / days.sum())
    return factors / mean if mean > 0 else factors


def _poisson_times(
    rng: np.random.Generator,
    per_year: float,
    seasonality: Sequence[float] | None,
    horizon_h: float,
) -> FloatArray:
    """Sorted event times of a Poisson process with a piecewise-constant monthly rate."""
    starts, ends, month = _month_segments(horizon_h)
    rate = per_year / HOURS_PER_YEAR * _monthly_factors(seasonality)[month]
    counts = rng.poisson(rate * (ends - starts))
    lo = np.repeat(starts, counts)
    hi = np.repeat(ends, counts)
    return np.sort(rng.uniform(lo, hi))


def _draw_closures(
    rng: np.random.Generator, weather: WeatherParams, horizon_h: float
) -> tuple[FloatArray, FloatArray]:
    """Merged, disjoint closure intervals (starts, ends), sorted."""
    starts = _poisson_times(rng, weather.episodes_per_year, weather.seasonality, horizon_h)
    if weather.duration_distribution == "exponential":
        durations = rng.exponential(weather.mean_duration_hours, size=starts.size)
    else:
        durations = np.full(starts.size, weather.mean_duration_hours)
    fixed = np.asarray(weather.windows_h, dtype=float).reshape(-1, 2)
    s = np.concatenate([starts, fixed[:, 0]])
    e = np.concatenate([starts + durations, fixed[:, 1]])
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    if s.size == 0:
        return s, e
    # An interval starts a new closure when it begins after every earlier one has ended.
    reach = np.maximum.accumulate(e)
    new = np.ones(s.size, dtype=bool)
    new[1:] = s[1:] > reach[:-1]
    group = np.cumsum(new) - 1
    merged_end = np.zeros(int(group[-1]) + 1)
    np.maximum.at(merged_end, group, e)
    return s[new], merged_end


# --------------------------------------------------------------------------------------------
# The simulation
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Unit:
    """One unit's trip; times are NaN until the event happens."""

    id: int
    port: str
    arrival: float
    vessel: str = ""
    boarding: float = math.nan
    departure: float = math.nan
    arrival_discharge: float = math.nan
    unloaded: float = math.nan
    onward: float = math.nan


class _Clock:
    """Accumulates a vessel's hours per state, counting only time after the warm-up."""

    def __init__(self, env: simpy.Environment, warmup_h: float) -> None:
        self.env = env
        self.warmup_h = warmup_h
        self.state = WAITING_BERTH
        self.since = 0.0
        self.hours = dict.fromkeys(VESSEL_STATES, 0.0)

    def enter(self, state: str) -> None:
        now = float(self.env.now)
        self.hours[self.state] += max(0.0, now - max(self.since, self.warmup_h))
        self.state, self.since = state, now


class _Crossing:
    """SimPy processes and the records they write."""

    def __init__(
        self,
        params: CrossingParams,
        arrivals: dict[str, FloatArray],
        closures: tuple[FloatArray, FloatArray],
        horizon_h: float,
        warmup_h: float,
    ) -> None:
        self.params = params
        self.horizon_h = horizon_h
        self.warmup_h = warmup_h
        self.env = simpy.Environment()
        self.closure_starts, self.closure_ends = closures
        self.ports = {p.name: p for p in params.ports}
        self.berths = {p.name: simpy.Resource(self.env, capacity=p.berths) for p in params.ports}
        self.quay = {p.name: simpy.Store(self.env) for p in params.ports}
        self.picker = {p.name: simpy.PriorityResource(self.env, capacity=1) for p in params.ports}
        self.quay_count = dict.fromkeys(self.ports, 0)
        self.onward_store = {p.name: simpy.Store(self.env) for p in params.ports}
        self.onward_count = dict.fromkeys(self.ports, 0)
        self.onward_limit = {o.port: o.units_per_day for o in params.onward}
        self.aboard: dict[str, list[_Unit]] = {v.name: [] for v in params.vessels}
        self.clocks = {v.name: _Clock(self.env, warmup_h) for v in params.vessels}
        self.holding: dict[str, _Unit] = {}  # units the railway took but has no allowance for
        self.units: list[_Unit] = []
        self.queue_log: list[tuple[float, str, str, int]] = []
        self.voyage_log: list[tuple[str, str, str, float, float, int]] = []
        self._start(arrivals)

    def _start(self, arrivals: dict[str, FloatArray]) -> None:
        times = np.concatenate(list(arrivals.values()))
        order = np.argsort(times, kind="stable")
        ids = np.empty(order.size, dtype=np.int64)
        ids[order] = np.arange(order.size)  # ids in order of arrival across all ports
        offset = 0
        for name, t in arrivals.items():
            self.env.process(self._arrive(name, t, ids[offset : offset + t.size]))
            offset += t.size
        for port in self.ports:
            self.env.process(self._dispatch_onward(port))
        for vessel in self.params.vessels:
            self.env.process(self._sail(vessel))

    # -- helpers ------------------------------------------------------------------------------

    def next_open(self, t: float) -> float:
        """The first time at or after ``t`` when the crossing is open."""
        i = int(np.searchsorted(self.closure_starts, t, side="right")) - 1
        if i >= 0 and t < self.closure_ends[i]:
            return float(self.closure_ends[i])
        return t

    def _log_queue(self, port: str, queue: str, units: int) -> None:
        self.queue_log.append((float(self.env.now), port, queue, units))

    def _wait_until(self, t: float) -> simpy.Timeout:
        return self.env.timeout(max(0.0, t - float(self.env.now)))

    # -- processes ----------------------------------------------------------------------------

    def _arrive(self, port: str, times: FloatArray, ids: npt.NDArray[np.int64]) -> SimGenerator:
        """Put units on the quay at the given times."""
        store = self.quay[port]
        for t, uid in zip(times.tolist(), ids.tolist(), strict=True):
            yield self._wait_until(t)
            unit = _Unit(id=uid, port=port, arrival=float(self.env.now))
            self.units.append(unit)
            self.quay_count[port] += 1
            self._log_queue(port, QUAY, self.quay_count[port])
            yield store.put(unit)

    def _sail(self, v: VesselParams) -> SimGenerator:
        """Cycle a vessel: load, wait for weather, cross, unload, return in ballast."""
        clock = self.clocks[v.name]
        env = self.env
        while True:
            clock.enter(WAITING_BERTH)
            with self.berths[v.from_port].request() as berth:
                yield berth
                ready_at = yield from self._load(v)
                if v.policy == "schedule" and ready_at > env.now:
                    clock.enter(WAITING_SCHEDULE)
                    yield self._wait_until(ready_at)
                clock.enter(WAITING_WEATHER)
                yield self._wait_until(self.next_open(float(env.now)))
            cargo = self.aboard[v.name]
            now = float(env.now)
            for unit in cargo:
                unit.departure = now
            if now >= self.warmup_h:
                arrival = now + v.sailing_hours
                self.voyage_log.append((v.name, v.from_port, v.to_port, now, arrival, len(cargo)))
            clock.enter(SAILING)
            yield env.timeout(v.sailing_hours)
            yield from self._unload(v)
            clock.enter(WAITING_WEATHER)
            yield self._wait_until(self.next_open(float(env.now)))
            clock.enter(SAILING)
            yield env.timeout(v.sailing_hours)

    def _slot(self, v: VesselParams, t: float) -> float:
        """The first schedule slot at or after ``t``."""
        k = max(0.0, math.ceil((t - v.schedule_offset_hours) / v.headway_hours))
        return v.schedule_offset_hours + k * v.headway_hours

    def _load(self, v: VesselParams) -> Generator[simpy.Event, Any, float]:
        """Board units FIFO until the vessel is full or may sail; return its policy's ready time."""
        env, clock = self.env, self.clocks[v.name]
        store, cargo = self.quay[v.from_port], self.aboard[v.name]
        berthed = float(env.now)
        ready_at = self._slot(v, berthed) if v.policy == "schedule" else berthed + v.max_wait_hours
        load_time = 1.0 / self.ports[v.from_port].handling_units_per_hour
        while len(cargo) < v.capacity_units:
            now = float(env.now)
            may_sail = v.policy == "schedule" or len(cargo) > 0
            if now >= ready_at and may_sail:
                stop_at = self.next_open(now)  # ready: keep loading only while it is closed
                if stop_at <= now:
                    return ready_at
                clock.enter(WAITING_WEATHER)
            else:
                stop_at = ready_at if now < ready_at else math.inf
                clock.enter(WAITING_CARGO)
            # the vessel that berthed first takes the next unit (scarce cargo is not split)
            picker = self.picker[v.from_port]
            turn = picker.request(priority=berthed)  # type: ignore[arg-type]  # any order works
            yield turn if math.isinf(stop_at) else turn | self._wait_until(stop_at)
            if not turn.triggered:
                turn.cancel()
                continue
            get = store.get()
            yield get if math.isinf(stop_at) else get | self._wait_until(stop_at)
            picker.release(turn)
            if not get.triggered:
                get.cancel()
                continue
            unit = cast(_Unit, get.value)
            unit.boarding, unit.vessel = float(env.now), v.name
            self.quay_count[v.from_port] -= 1
            self._log_queue(v.from_port, QUAY, self.quay_count[v.from_port])
            cargo.append(unit)
            clock.enter(LOADING)
            yield env.timeout(load_time)
        return ready_at

    def _unload(self, v: VesselParams) -> SimGenerator:
        """Unload unit by unit at the port of discharge and hand each to the railway."""
        env, clock = self.env, self.clocks[v.name]
        cargo = self.aboard[v.name]
        for unit in cargo:
            unit.arrival_discharge = float(env.now)
        clock.enter(WAITING_BERTH)
        with self.berths[v.to_port].request() as berth:
            yield berth
            clock.enter(UNLOADING)
            unload_time = 1.0 / self.ports[v.to_port].handling_units_per_hour
            while cargo:
                yield env.timeout(unload_time)
                unit = cargo.pop(0)
                unit.unloaded = float(env.now)
                self.onward_count[v.to_port] += 1
                self._log_queue(v.to_port, ONWARD, self.onward_count[v.to_port])
                yield self.onward_store[v.to_port].put(unit)

    def _dispatch_onward(self, port: str) -> SimGenerator:
        """Send unloaded units onward in unload order, within the daily allowance if any."""
        limit = self.onward_limit.get(port)
        tokens = None
        if limit is not None:
            tokens = simpy.Container(self.env, capacity=limit, init=limit)
            self.env.process(self._refill(tokens))
        store = self.onward_store[port]
        while True:
            unit: _Unit = yield store.get()
            if tokens is not None:
                self.holding[port] = unit
                yield tokens.get(1)
                del self.holding[port]
            unit.onward = float(self.env.now)
            self.onward_count[port] -= 1
            self._log_queue(port, ONWARD, self.onward_count[port])

    def _refill(self, tokens: simpy.Container) -> SimGenerator:
        """Reset the onward allowance to full at 00:00 every day."""
        while True:
            yield self._wait_until((math.floor(self.env.now / HOURS_PER_DAY) + 1) * HOURS_PER_DAY)
            missing = tokens.capacity - tokens.level
            if missing > 0:
                yield tokens.put(missing)

    def progress(self, callback: Callable[[float], None]) -> SimGenerator:
        """Report the fraction of simulated time done every simulated week."""
        while self.env.now + HOURS_PER_WEEK < self.horizon_h:
            yield self.env.timeout(HOURS_PER_WEEK)
            callback(float(self.env.now) / self.horizon_h)

    def units_in_system(self) -> int:
        """Units on the quay, aboard or waiting for the railway, from the processes' state."""
        quay = sum(len(s.items) for s in self.quay.values())
        aboard = sum(len(c) for c in self.aboard.values())
        onward = sum(len(s.items) for s in self.onward_store.values()) + len(self.holding)
        return quay + aboard + onward


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def _units_frame(units: list[_Unit], warmup_h: float) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "unit": np.array([u.id for u in units], dtype=np.int64),
            "port": pd.array([u.port for u in units], dtype="string"),
            "vessel": pd.array([u.vessel or None for u in units], dtype="string"),
            "arrival_h": np.array([u.arrival for u in units], dtype=float),
            "boarding_h": np.array([u.boarding for u in units], dtype=float),
            "departure_h": np.array([u.departure for u in units], dtype=float),
            "arrival_discharge_h": np.array([u.arrival_discharge for u in units], dtype=float),
            "unloaded_h": np.array([u.unloaded for u in units], dtype=float),
            "onward_departure_h": np.array([u.onward for u in units], dtype=float),
        }
    )
    frame = frame[frame["arrival_h"] >= warmup_h].sort_values("unit", kind="stable")
    frame = frame.reset_index(drop=True)
    frame["quay_wait_h"] = frame["boarding_h"] - frame["arrival_h"]
    frame["wait_for_vessel_h"] = frame["departure_h"] - frame["arrival_h"]
    frame["sailing_h"] = frame["arrival_discharge_h"] - frame["departure_h"]
    frame["discharge_wait_h"] = frame["unloaded_h"] - frame["arrival_discharge_h"]
    frame["onward_wait_h"] = frame["onward_departure_h"] - frame["unloaded_h"]
    frame["total_h"] = frame["onward_departure_h"] - frame["arrival_h"]
    return frame


def _fleet_frame(
    sim: _Crossing, vessels: Sequence[VesselParams], voyages: pd.DataFrame
) -> pd.DataFrame:
    observed = sim.horizon_h - sim.warmup_h
    hours = pd.DataFrame(
        [sim.clocks[v.name].hours for v in vessels],
        index=pd.Index([v.name for v in vessels], name="vessel"),
        columns=list(VESSEL_STATES),
    )
    frame = hours.add_suffix("_h")
    for state in VESSEL_STATES:
        frame[f"{state}_share"] = hours[state] / observed
    frame["idle_share"] = hours[list(IDLE_STATES)].sum(axis=1) / observed
    by_vessel = voyages.groupby("vessel")["units"]
    frame["voyages"] = by_vessel.size().reindex(frame.index, fill_value=0).astype(np.int64)
    frame["units_carried"] = by_vessel.sum().reindex(frame.index, fill_value=0).astype(np.int64)
    return frame


def _throughput_frame(units: list[_Unit], sim: _Crossing, unit_tonnes: float) -> pd.DataFrame:
    onward = np.array([u.onward for u in units], dtype=float)
    onward = onward[np.isfinite(onward) & (onward >= sim.warmup_h)]
    n_years = max(1, math.ceil((sim.horizon_h - sim.warmup_h) / HOURS_PER_YEAR - 1e-9))
    year = np.floor((onward - sim.warmup_h) / HOURS_PER_YEAR).astype(np.int64)
    counts = np.bincount(np.minimum(year, n_years - 1), minlength=n_years)
    start = sim.warmup_h + np.arange(n_years) * HOURS_PER_YEAR
    end = np.minimum(start + HOURS_PER_YEAR, sim.horizon_h)
    return pd.DataFrame(
        {
            "year": np.arange(n_years),
            "start_h": start,
            "end_h": end,
            "units": counts.astype(np.int64),
            "tonnes": counts * unit_tonnes,
            "tonnes_per_year": counts * unit_tonnes * HOURS_PER_YEAR / (end - start),
        }
    )


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def _arrivals(params: CrossingParams) -> tuple[float, int]:
    """Units expected a year from the Poisson arrivals, and units given as explicit times."""
    per_year = sum(p.annual_tonnes for p in params.ports) / params.unit_tonnes
    given = sum(len(p.arrivals_h) for p in params.ports if p.arrivals_h is not None)
    return per_year, given


def check_run(params: CrossingParams, *, years: float, seed: int, warmup_days: float) -> None:
    """Raise ParameterError if a run's settings are out of range or it would simulate more
    units (warm-up included) than fit in memory (:data:`MAX_UNITS`)."""
    YEARS.check("simulate", "years", years)
    WARMUP_DAYS.check("simulate", "warmup_days", warmup_days)
    SEED.check("simulate", "seed", seed)
    per_year, given = _arrivals(params)
    warmup_years = warmup_days / DAYS_PER_YEAR
    units = per_year * (years + warmup_years) + given
    if units <= MAX_UNITS:
        return
    longest = (MAX_UNITS - given) / per_year - warmup_years if per_year > 0 else 0.0
    advice = (
        f"simulate at most {longest:.3g} years at this volume, or a smaller volume"
        if longest > 0
        else "give fewer arrivals or a smaller volume"
    )
    raise ParameterError(
        f"simulate.years: {years:g} years and {warmup_days:g} warm-up days at "
        f"{per_year * params.unit_tonnes / 1e6:.4g} Mt/yr make about {units:,.0f} units, more "
        f"than the {MAX_UNITS:,} that fit in memory (about 1 kB each); {advice}"
    )


def simulate(
    params: CrossingParams,
    *,
    years: float = 1.0,
    seed: int = 0,
    warmup_days: float = 0.0,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Simulate the Caspian crossing for ``years`` after a warm-up of ``warmup_days``.

    Parameters
    ----------
    params
        Ports, fleet, weather and onward rail.
    years
        Simulated years after the warm-up.
    seed
        Seed of ``numpy.random.default_rng``; the same seed gives identical results, and the
        arrivals and storms do not depend on the fleet.
    warmup_days
        Days simulated first whose arrivals and vessel time are left out of the statistics.
    progress
        Called with the fraction of simulated time done every simulated week and at the end.

    Returns
    -------
    SimulationResult
        Unit records, queues, fleet utilisation, voyages, throughput and closures.

    Raises
    ------
    ParameterError
        If ``years`` (:data:`YEARS`), ``warmup_days`` (:data:`WARMUP_DAYS`) or ``seed``
        (:data:`SEED`) is out of range, or the run would simulate more than :data:`MAX_UNITS`
        units (a ``ValueError``).
    """
    check_run(params, years=years, seed=seed, warmup_days=warmup_days)
    warmup_h = warmup_days * HOURS_PER_DAY
    horizon_h = warmup_h + years * HOURS_PER_YEAR

    # One stream for the weather, one per port (in the order given), so that the arrivals and
    # the storms are the same whatever the fleet.
    weather_rng, *port_rngs = np.random.default_rng(seed).spawn(1 + len(params.ports))
    closures = _draw_closures(weather_rng, params.weather, horizon_h)
    arrivals: dict[str, FloatArray] = {}
    for port, rng in zip(params.ports, port_rngs, strict=True):
        if port.arrivals_h is not None:
            times = np.sort(np.asarray(port.arrivals_h, dtype=float))
            arrivals[port.name] = times[times < horizon_h]
        else:
            per_year = port.annual_tonnes / params.unit_tonnes
            arrivals[port.name] = _poisson_times(rng, per_year, port.seasonality, horizon_h)

    sim = _Crossing(params, arrivals, closures, horizon_h, warmup_h)
    if progress is not None:
        sim.env.process(sim.progress(progress))
    sim.env.run(until=horizon_h)
    for clock in sim.clocks.values():
        clock.enter(clock.state)  # close the open interval at the horizon
    if progress is not None:
        progress(1.0)

    starts, ends = closures
    keep = ends > warmup_h
    closure_frame = pd.DataFrame(
        {"start_h": starts[keep], "end_h": ends[keep], "duration_h": (ends - starts)[keep]}
    )
    voyages = pd.DataFrame(
        sim.voyage_log,
        columns=["vessel", "from_port", "to_port", "departure_h", "arrival_h", "units"],
    )
    capacity = voyages["vessel"].map({v.name: v.capacity_units for v in params.vessels})
    voyages["load_factor"] = voyages["units"] / capacity.astype(float)
    queues = pd.DataFrame(sim.queue_log, columns=["time_h", "port", "queue", "units"])
    queues = queues[queues["time_h"] >= warmup_h].reset_index(drop=True)
    result = SimulationResult(
        units=_units_frame(sim.units, warmup_h),
        queues=queues,
        fleet=_fleet_frame(sim, params.vessels, voyages),
        voyages=voyages,
        throughput=_throughput_frame(sim.units, sim, params.unit_tonnes),
        closures=closure_frame,
        horizon_h=horizon_h,
        warmup_h=warmup_h,
        unit_tonnes=params.unit_tonnes,
        units_arrived=len(sim.units),
        units_in_system_at_end=sim.units_in_system(),
    )
    logger.info(
        "simulated %.2f years: %d units arrived, %d in the system at the end",
        years,
        result.units_arrived,
        result.units_in_system_at_end,
    )
    return result
