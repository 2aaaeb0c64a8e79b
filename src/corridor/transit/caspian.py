"""The Caspian crossing of the Middle Corridor as simulation parameters, from the dataset.

Where each figure comes from (docs/transit.md has the calibration and its sources):

- volume per port of loading: the flow engine's general-freight flow on the Aktau-Alat and
  Kuryk-Alat ferry links in the year (2024: 1.284 Mt via Aktau, 3.2 Mt via Kuryk, i.e. the
  Kazakh ministry's 4.484 Mt), optionally scaled to another total;
- sailing times: the links' ``transit_time_h``; ferry capacity (56 wagons) and the time a
  ferry spends in port (14 h): the ``transit`` table;
- tonnes per ferry slot: Kuryk, January-August 2023, 1.5 Mt in 480 ferry calls (MENAFN/Trend,
  2023-11-27), i.e. 3,125 t a call or 55.8 t per slot of a full 56-slot ferry (derived);
- storms: the Kuryk port director's 'closed about half of November-December' (about 30 days)
  and a 4-day closure in May 2022 (Sea-News, 2022-05-09), as episodes of 4 days on average:
  7.5 in November-December and one in the rest of the year (derived);
- the crossing's ports and lines come from the data: the ports of loading are the nodes with a
  ``berths`` row in the transit table (Kuryk 4, Aktau 1: Astana Times, 2024-09-26), its lines the
  ferry links from them, all discharging at one port (Alat: as many berths as both, as no source
  gives Alat's ferry berths);
- onward rail: the capacity of the first links with a capacity that the crossing's freight takes
  after the discharge port in the solve (2024: the Georgian main line out of Böyük Kəsik).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, cast

import numpy as np

from corridor.dataset.network import Network
from corridor.errors import CorridorError
from corridor.results import Results
from corridor.transit.crossing import Limit, Policy
from corridor.transit.lookup import TransitLookup
from corridor.transit.simulate import (
    DAYS_IN_MONTH,
    CrossingParams,
    OnwardParams,
    PortParams,
    VesselParams,
    WeatherParams,
)

__all__ = [
    "FERRIES",
    "HANDLING_FACTOR",
    "HEADWAY_HOURS",
    "MAX_WAIT_HOURS",
    "VOLUME_MT",
    "CaspianSetup",
    "CrossingPlaces",
    "caspian_setup",
    "crossing_places",
    "port_volumes",
]

#: What the crossing carries (its volume is this commodity's flow on the lines).
CARGO = "general_freight"
#: Kuryk, Jan-Aug 2023: 1.5 Mt in 480 ferry calls (MENAFN/Trend 2023-11-27).
TONNES_PER_CALL = 1.5e6 / 480
#: Storm closures: 30 days of closure in Nov-Dec and one 4-day closure in the rest of the year.
STORM_MEAN_H = 96.0
STORMS_NOV_DEC = 30 * 24 / STORM_MEAN_H
STORMS_REST = 1.0

# Ranges of the settings of caspian_setup (the CLI's --volume, --ferries, --handling,
# --headway), from what is physically meaningful:
#: up to 100 Mt/yr, over 20 times the 2024 crossing (4.5 Mt) and twice BTC's oil;
VOLUME_MT: Final = Limit(0, 100, "Mt/yr", low_open=True)
#: one ferry per line (Aktau and Kuryk) at least, up to 200 (ASCO's ferry fleet is 16);
FERRIES: Final = Limit(2, 200, integer=True)
#: handling up to 20 times today's 4 slots an hour;
HANDLING_FACTOR: Final = Limit(0, 20, low_open=True)
#: a departure every hour to one a month;
HEADWAY_HOURS: Final = Limit(1, 720, "h")
#: a ferry waits for cargo at most a month.
MAX_WAIT_HOURS: Final = Limit(0, 720, "h")


@dataclass(frozen=True)
class CaspianSetup:
    """Simulation parameters of the crossing and the figures they came from."""

    params: CrossingParams
    volume_t: dict[str, float]
    ferries: dict[str, int]
    basis: dict[str, str]


def _ferry_figure(lookup: TransitLookup, link_id: str, component: str) -> tuple[float, str]:
    found = lookup.at_link(component, link_id, "ferry")
    if found is None:
        raise CorridorError(f"the dataset's transit table has no {component} for {link_id}")
    return found


@dataclass(frozen=True)
class CrossingPlaces:
    """Where the crossing runs, from the dataset.

    Attributes
    ----------
    lines
        Each port of loading and its ferry link.
    berths
        Ferry berths of each port of loading (transit table, ``berths``).
    discharge
        The port every line discharges at.
    """

    lines: dict[str, str]
    berths: dict[str, int]
    discharge: str


def crossing_places(network: Network) -> CrossingPlaces:
    """The crossing's ports of loading (nodes with ``berths`` in the transit table), their
    operating ferry links and the one port those links discharge at.

    Raises
    ------
    CorridorError
        If no port has berths, a port has no ferry link, or the lines discharge at several ports.
    """
    transit = network.transit
    rows = transit[(transit["component"] == "berths") & transit["node_id"].notna()]
    berths = {str(n): int(v) for n, v in zip(rows["node_id"], rows["value_canonical"], strict=True)}
    links = network.links
    ferries = links[(links["mode"] == "ferry") & (links["status"] == "operating")]
    lines = {
        port: str(ferries.index[ferries["from_node"] == port][0])
        for port in berths
        if (ferries["from_node"] == port).any()
    }
    if not berths or set(lines) != set(berths):
        missing = sorted(set(berths) - set(lines)) or ["(no port has a berths row)"]
        raise CorridorError(
            f"the crossing needs a ferry link from each port with berths: {', '.join(missing)}"
        )
    ends = {str(links.at[link, "to_node"]) for link in lines.values()}
    if len(ends) != 1:
        raise CorridorError(f"the crossing's lines discharge at several ports: {sorted(ends)}")
    return CrossingPlaces(lines, berths, ends.pop())


def port_volumes(results: Results, places: CrossingPlaces) -> dict[str, float]:
    """Tonnes a year of the crossing's cargo on each line in a solve's flows."""
    flows = results.flows
    out = {}
    for port, link in places.lines.items():
        on = flows[
            (flows["link_id"] == link)
            & (flows["commodity"] == CARGO)
            & (flows["from_node"] == port)
        ]
        out[port] = float(on["flow"].sum()) * 1e6  # Mt/yr -> t/yr
    return out


def _onward_links(network: Network, results: Results, discharge: str) -> list[str]:
    """The first links with a capacity the cargo takes after the discharge port in the solve."""
    flows = results.flows[results.flows["commodity"] == CARGO]
    capacity = network.links["capacity_canonical"]
    frontier, seen = {discharge}, set()
    while frontier:
        out = flows[flows["from_node"].isin(frontier)]
        capped = out[out["link_id"].map(capacity).notna()]
        if not capped.empty:
            return sorted(set(capped["link_id"]))
        seen |= frontier
        frontier = set(out["to_node"]) - seen
    return []


def _onward_units_per_day(network: Network, links: list[str], unit_tonnes: float) -> int | None:
    if not links:
        return None
    total = float(network.links.loc[links, "capacity_canonical"].sum())
    return max(1, int(total * 1e6 / 365.0 / unit_tonnes))


def caspian_setup(
    network: Network,
    results: Results,
    *,
    volume_mt: float | None = None,
    ferries: int | None = None,
    handling_factor: float = 1.0,
    max_wait_hours: float = 48.0,
    policy: str = "fill",
    headway_hours: float = 24.0,
    storms: bool = True,
) -> CaspianSetup:
    """Parameters of the Aktau/Kuryk -> Alat ferry crossing in the year of ``results``.

    Parameters
    ----------
    results
        A solve of ``network`` (:func:`corridor.run`): its general-freight flows on the two
        crossings set the volume per port of loading.
    volume_mt
        Total tonnage to carry (Mt/yr); default: the solve's flow. The split between the ports
        stays that of the solve.
    ferries
        Ferries in service on the two lines, shared in proportion to each line's volume and
        cycle time; default: the dataset's ferry fleet (``vessels`` in the transit table:
        ASCO's 16 ferries, ro-ro and ro-pax in 2023).
    handling_factor
        Multiplies the ports' handling rate (2 = handling twice as fast).
    max_wait_hours
        A ferry sails when full, or this long after berthing with cargo aboard (an assumption).
    policy, headway_hours
        ``"fill"`` (the default, as operators describe it) or ``"schedule"``: every ferry sails
        every ``headway_hours`` with what is aboard.
    storms
        Model storm closures (see the module docstring).

    Raises
    ------
    ParameterError
        If a setting is outside its range (:data:`VOLUME_MT`, :data:`FERRIES`,
        :data:`HANDLING_FACTOR`, :data:`HEADWAY_HOURS`, :data:`MAX_WAIT_HOURS`).
    """
    owner = "caspian_setup"
    places = crossing_places(network)
    if volume_mt is not None:
        VOLUME_MT.check(owner, "volume_mt", volume_mt)
    if ferries is not None:
        FERRIES.check(owner, "ferries", ferries)
    HANDLING_FACTOR.check(owner, "handling_factor", handling_factor)
    HEADWAY_HOURS.check(owner, "headway_hours", headway_hours)
    MAX_WAIT_HOURS.check(owner, "max_wait_hours", max_wait_hours)
    volumes = port_volumes(results, places)
    total = sum(volumes.values())
    if total <= 0 and volume_mt is None:
        raise CorridorError(
            f"no general freight crosses the Caspian in {results.year} in the solve"
        )
    if volume_mt is not None:
        shares = {p: v / total for p, v in volumes.items()} if total > 0 else None
        volumes = {
            p: volume_mt * 1e6 * (shares[p] if shares else 1 / len(volumes)) for p in volumes
        }
    lookup = TransitLookup(network)
    first = next(iter(places.lines.values()))  # the lines' vessels and port calls are alike
    capacity, capacity_id = _ferry_figure(lookup, first, "vessel_capacity")
    dwell, dwell_id = _ferry_figure(lookup, first, "port_dwell")
    slots = int(capacity)
    unit_tonnes = TONNES_PER_CALL / slots
    rate = slots / dwell * handling_factor
    sailing = {
        p: float(network.links.at[link, "transit_time_h"]) for p, link in places.lines.items()
    }
    fleet_figure, fleet_id = _ferry_figure(lookup, first, "vessels")
    fleet = int(fleet_figure) if ferries is None else ferries
    if fleet < len(places.lines):  # the dataset's own fleet
        raise CorridorError(f"at least {len(places.lines)} ferries are needed, got {fleet}")
    weights = {p: volumes[p] * (2 * sailing[p] + 2 * dwell) for p in volumes}
    wsum = sum(weights.values()) or 1.0
    per_port = {p: max(1, round(fleet * w / wsum)) for p, w in weights.items()}
    biggest = max(per_port, key=lambda p: weights[p])
    per_port[biggest] += fleet - sum(per_port.values())
    names = {p: str(network.nodes.at[p, "name"]).split()[0] for p in places.lines}
    alat = str(network.nodes.at[places.discharge, "name"]).split()[0]
    ports = [
        PortParams(
            names[p],
            annual_tonnes=volumes[p],
            berths=places.berths[p],
            handling_units_per_hour=rate,
        )
        for p in places.lines
    ] + [PortParams(alat, handling_units_per_hour=rate, berths=sum(places.berths.values()))]
    vessels = [
        VesselParams(
            f"{names[p]}-{i + 1}",
            names[p],
            alat,
            capacity_units=slots,
            sailing_hours=sailing[p],
            policy=cast(Policy, policy),  # VesselParams checks it
            max_wait_hours=max_wait_hours,
            headway_hours=headway_hours,
        )
        for p in places.lines
        for i in range(per_port[p])
    ]
    month_days = np.asarray(DAYS_IN_MONTH, dtype=float)
    per_month = np.where(np.arange(12) >= 10, STORMS_NOV_DEC / 2, STORMS_REST / 10)
    episodes = float(per_month.sum())
    rate_per_day = per_month / month_days
    seasonality = rate_per_day / (rate_per_day @ month_days / month_days.sum())
    weather = (
        WeatherParams(episodes, STORM_MEAN_H, seasonality=[float(s) for s in seasonality])
        if storms
        else WeatherParams()
    )
    onward_links = _onward_links(network, results, places.discharge)
    onward = _onward_units_per_day(network, onward_links, unit_tonnes)
    params = CrossingParams(
        ports=ports,
        vessels=vessels,
        weather=weather,
        onward=[OnwardParams(alat, onward)] if onward else [],
        unit_tonnes=unit_tonnes,
    )
    basis = {
        "volume": "flow engine" if volume_mt is None else "given",
        "ferries": fleet_id if ferries is None else "given",
        "vessel_capacity": capacity_id,
        "port_dwell": dwell_id,
        "sailing": ", ".join(f"{link}.transit_time_h" for link in places.lines.values()),
        "berths": ", ".join(f"{port} (transit table)" for port in places.berths),
        "onward": ", ".join(f"{link}.capacity" for link in onward_links) or "unlimited",
    }
    return CaspianSetup(params, volumes, per_port, basis)
