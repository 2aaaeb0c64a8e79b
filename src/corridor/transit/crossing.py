"""Parameters of the Caspian crossing simulation: ports, vessels, storms and onward rail.

Each is a frozen dataclass that checks itself and raises :class:`~corridor.errors.ParameterError`
(a ``ValueError``) naming the field, the value and what was expected.
:mod:`corridor.transit.simulate` runs them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from corridor.errors import ParameterError

__all__ = [
    "CrossingParams",
    "Limit",
    "OnwardParams",
    "PortParams",
    "VesselParams",
    "WeatherParams",
]

SEASONALITY_TOLERANCE: Final = 0.01

Policy = Literal["fill", "schedule"]
DurationDistribution = Literal["exponential", "fixed"]


def _check(ok: bool, name: str, value: object, expected: str) -> None:
    """Raise ParameterError naming the field, the bad value and what was expected."""
    if not ok:
        raise ParameterError(f"{name} must be {expected}, got {value!r}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_number(
    owner: str, name: str, value: object, *, low: float, strict: bool = False
) -> None:
    """Check that ``value`` is a finite number >= low (> low when strict)."""
    ok = _is_number(value) and (value > low if strict else value >= low)  # type: ignore[operator]
    _check(ok, f"{owner}.{name}", value, f"a finite number {'>' if strict else '>='} {low:g}")


def _check_int(owner: str, name: str, value: object, *, low: int) -> None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
    _check(ok, f"{owner}.{name}", value, f"an integer >= {low}")


def _whole(number: float) -> str:
    """A whole number as text; thousands separated from 10,000 on (years stay 2024)."""
    return f"{int(number):,}" if abs(number) >= 10_000 else str(int(number))


@dataclass(frozen=True)
class Limit:
    """The allowed range of a numeric setting: from ``low`` (above it if ``low_open``) to
    ``high``, a whole number if ``integer``; ``unit`` is shown in the message."""

    low: float
    high: float
    unit: str = ""
    low_open: bool = False
    integer: bool = False

    @property
    def expected(self) -> str:
        """The range in words, e.g. ``a finite number above 0 and at most 20``."""
        unit = f" {self.unit}" if self.unit else ""
        if self.integer:
            return f"a whole number from {_whole(self.low)} to {_whole(self.high)}{unit}"
        if self.low_open:
            return f"a finite number above {self.low:g} and at most {self.high:g}{unit}"
        return f"a finite number from {self.low:g} to {self.high:g}{unit}"

    def contains(self, value: object) -> bool:
        """Whether ``value`` is a number of the right kind within the range."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if isinstance(value, float) and (self.integer or not math.isfinite(value)):
            return False
        above = value > self.low if self.low_open else value >= self.low
        return above and value <= self.high  # exact for ints beyond the float range too

    def check(self, owner: str, name: str, value: object) -> None:
        """Raise ParameterError ``owner.name must be <range>, got <value>`` if out of range."""
        _check(self.contains(value), f"{owner}.{name}", value, self.expected)


def _check_name(owner: str, name: str, value: object) -> None:
    ok = isinstance(value, str) and value.strip() != ""
    _check(ok, f"{owner}.{name}", value, "a non-empty string")


def _check_seasonality(owner: str, value: Sequence[float] | None) -> None:
    if value is None:
        return
    expected = f"12 finite monthly factors >= 0 averaging 1 (within {SEASONALITY_TOLERANCE:g})"
    ok = (
        len(value) == 12
        and all(_is_number(v) and v >= 0 for v in value)
        and abs(sum(value) / 12 - 1.0) <= SEASONALITY_TOLERANCE
    )
    _check(ok, f"{owner}.seasonality", value, expected)


def _as_tuple(value: Sequence[Any] | None) -> tuple[Any, ...] | None:
    return None if value is None else tuple(value)


@dataclass(frozen=True)
class PortParams:
    """A port on either shore of the crossing.

    Parameters
    ----------
    name
        Port name, e.g. ``"Aktau"``.
    annual_tonnes
        Volume arriving for loading, tonnes a year; 0 for a port of discharge only.
    berths
        Berths available for loading and unloading.
    handling_units_per_hour
        Units a berth loads or unloads per hour.
    seasonality
        Optional 12 monthly factors (January first) averaging 1; they are rescaled so that the
        expected annual volume equals ``annual_tonnes`` exactly.
    arrivals_h
        Optional explicit arrival times in hours, replacing the Poisson process (then
        ``annual_tonnes`` must be 0).
    """

    name: str
    annual_tonnes: float = 0.0
    berths: int = 1
    handling_units_per_hour: float = 10.0
    seasonality: Sequence[float] | None = None
    arrivals_h: Sequence[float] | None = None

    def __post_init__(self) -> None:
        owner = "PortParams"
        object.__setattr__(self, "seasonality", _as_tuple(self.seasonality))
        object.__setattr__(self, "arrivals_h", _as_tuple(self.arrivals_h))
        _check_name(owner, "name", self.name)
        _check_number(owner, "annual_tonnes", self.annual_tonnes, low=0.0)
        _check_int(owner, "berths", self.berths, low=1)
        _check_number(
            owner, "handling_units_per_hour", self.handling_units_per_hour, low=0.0, strict=True
        )
        _check_seasonality(owner, self.seasonality)
        if self.arrivals_h is not None:
            times = self.arrivals_h
            ok = all(_is_number(t) and t >= 0 for t in times)
            _check(ok, f"{owner}.arrivals_h", times, "finite times in hours >= 0")
            _check(
                self.annual_tonnes == 0,
                f"{owner}.annual_tonnes",
                self.annual_tonnes,
                "0 when arrivals_h is given",
            )


@dataclass(frozen=True)
class VesselParams:
    """A ferry or Ro-Ro vessel cycling on its home route.

    Parameters
    ----------
    name
        Vessel name, unique in the fleet.
    from_port, to_port
        Port of loading and port of discharge of the home route.
    capacity_units
        Units the vessel carries.
    sailing_hours
        One-way sailing time; the ballast return takes as long.
    policy
        ``"fill"`` sails when full or after ``max_wait_hours`` at berth with a unit aboard;
        ``"schedule"`` sails every ``headway_hours`` with whatever is aboard.
    max_wait_hours
        Longest wait at berth under ``"fill"`` once a unit is aboard.
    headway_hours, schedule_offset_hours
        Departure slots ``schedule_offset_hours + k * headway_hours`` under ``"schedule"``.
    """

    name: str
    from_port: str
    to_port: str
    capacity_units: int
    sailing_hours: float
    policy: Policy = "fill"
    max_wait_hours: float = 48.0
    headway_hours: float = 24.0
    schedule_offset_hours: float = 0.0

    def __post_init__(self) -> None:
        owner = "VesselParams"
        _check_name(owner, "name", self.name)
        _check_name(owner, "from_port", self.from_port)
        _check_name(owner, "to_port", self.to_port)
        _check(
            self.to_port != self.from_port,
            f"{owner}.to_port",
            self.to_port,
            f"a port other than from_port {self.from_port!r}",
        )
        _check_int(owner, "capacity_units", self.capacity_units, low=1)
        _check_number(owner, "sailing_hours", self.sailing_hours, low=0.0, strict=True)
        _check(
            self.policy in ("fill", "schedule"),
            f"{owner}.policy",
            self.policy,
            "one of 'fill', 'schedule'",
        )
        _check_number(owner, "max_wait_hours", self.max_wait_hours, low=0.0)
        _check_number(owner, "headway_hours", self.headway_hours, low=0.0, strict=True)
        _check_number(owner, "schedule_offset_hours", self.schedule_offset_hours, low=0.0)


@dataclass(frozen=True)
class WeatherParams:
    """Storm closures of the crossing.

    Parameters
    ----------
    episodes_per_year
        Mean number of closure episodes a year (0 for none).
    mean_duration_hours
        Mean duration of an episode.
    duration_distribution
        ``"exponential"`` or ``"fixed"`` (every episode lasts ``mean_duration_hours``).
    seasonality
        Optional 12 monthly factors averaging 1 for the episode rate.
    windows_h
        Optional fixed closures ``(start_h, end_h)`` added to the random ones.
    """

    episodes_per_year: float = 0.0
    mean_duration_hours: float = 24.0
    duration_distribution: DurationDistribution = "exponential"
    seasonality: Sequence[float] | None = None
    windows_h: Sequence[tuple[float, float]] = ()

    def __post_init__(self) -> None:
        owner = "WeatherParams"
        object.__setattr__(self, "seasonality", _as_tuple(self.seasonality))
        object.__setattr__(self, "windows_h", tuple(tuple(w) for w in self.windows_h))
        _check_number(owner, "episodes_per_year", self.episodes_per_year, low=0.0)
        _check_number(owner, "mean_duration_hours", self.mean_duration_hours, low=0.0, strict=True)
        _check(
            self.duration_distribution in ("exponential", "fixed"),
            f"{owner}.duration_distribution",
            self.duration_distribution,
            "one of 'exponential', 'fixed'",
        )
        _check_seasonality(owner, self.seasonality)
        ok = all(
            len(w) == 2 and _is_number(w[0]) and _is_number(w[1]) and 0 <= w[0] < w[1]
            for w in self.windows_h
        )
        _check(ok, f"{owner}.windows_h", self.windows_h, "pairs (start_h, end_h), 0 <= start < end")


@dataclass(frozen=True)
class OnwardParams:
    """Onward rail capacity at a port of discharge (e.g. Alat -> Baku-Tbilisi-Kars).

    Parameters
    ----------
    port
        The port of discharge.
    units_per_day
        Units the railway takes away a day; the allowance resets at 00:00 and does not carry over.
    """

    port: str
    units_per_day: int

    def __post_init__(self) -> None:
        _check_name("OnwardParams", "port", self.port)
        _check_int("OnwardParams", "units_per_day", self.units_per_day, low=1)


@dataclass(frozen=True)
class CrossingParams:
    """Everything :func:`simulate` needs: ports, fleet, weather and onward rail.

    Parameters
    ----------
    ports
        Every port a vessel calls at, with its berths and arrivals.
    vessels
        The fleet, at least one vessel.
    weather
        Storm closures; none by default.
    onward
        Onward rail capacity by port of discharge; unlimited where not given.
    unit_tonnes
        Tonnes per unit (a wagon or a TEU-equivalent).
    """

    ports: Sequence[PortParams]
    vessels: Sequence[VesselParams]
    weather: WeatherParams = field(default_factory=WeatherParams)
    onward: Sequence[OnwardParams] = ()
    unit_tonnes: float = 60.0

    def __post_init__(self) -> None:
        owner = "CrossingParams"
        object.__setattr__(self, "ports", tuple(self.ports))
        object.__setattr__(self, "vessels", tuple(self.vessels))
        object.__setattr__(self, "onward", tuple(self.onward))
        _check(
            len(self.ports) > 0 and all(isinstance(p, PortParams) for p in self.ports),
            f"{owner}.ports",
            self.ports,
            "a non-empty sequence of PortParams",
        )
        _check(
            len(self.vessels) > 0 and all(isinstance(v, VesselParams) for v in self.vessels),
            f"{owner}.vessels",
            self.vessels,
            "a non-empty sequence of VesselParams",
        )
        _check(
            isinstance(self.weather, WeatherParams),
            f"{owner}.weather",
            self.weather,
            "a WeatherParams",
        )
        _check(
            all(isinstance(o, OnwardParams) for o in self.onward),
            f"{owner}.onward",
            self.onward,
            "a sequence of OnwardParams",
        )
        _check_number(owner, "unit_tonnes", self.unit_tonnes, low=0.0, strict=True)
        names = [p.name for p in self.ports]
        _check(len(set(names)) == len(names), f"{owner}.ports", names, "unique port names")
        vessels = [v.name for v in self.vessels]
        _check(
            len(set(vessels)) == len(vessels), f"{owner}.vessels", vessels, "unique vessel names"
        )
        for v in self.vessels:
            for end in ("from_port", "to_port"):
                port = getattr(v, end)
                _check(
                    port in names,
                    f"{owner}.vessels[{v.name!r}].{end}",
                    port,
                    f"one of the ports {names}",
                )
        onward = [o.port for o in self.onward]
        for port in onward:
            _check(port in names, f"{owner}.onward.port", port, f"one of the ports {names}")
        _check(
            len(set(onward)) == len(onward),
            f"{owner}.onward",
            onward,
            "at most one OnwardParams per port",
        )
