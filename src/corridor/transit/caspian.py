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
- berths for ferries: Kuryk 4, Aktau 1 (its ferry berth) (Astana Times, 2024-09-26); Alat: as
  many as both (no source gives Alat's ferry berths);
- onward rail: the capacity of the Georgian main line out of Böyük Kəsik in the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, cast

import numpy as np

from corridor.dataset.network import Network
from corridor.errors import CorridorError
from corridor.results import Results
from corridor.routing.compiled import active_links, compiled
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
    "CASPIAN_LINKS",
    "FERRIES",
    "HANDLING_FACTOR",
    "HEADWAY_HOURS",
    "MAX_WAIT_HOURS",
    "VOLUME_MT",
    "CaspianSetup",
    "caspian_setup",
    "port_volumes",
]

#: Ferry links of the crossing, by port of loading (all discharge at Alat).
CASPIAN_LINKS = {"P_AKTAU": "L_AKTAU_ALAT", "P_KURYK": "L_KURYK_ALAT"}
DISCHARGE = "P_ALAT"
#: Ferry berths (Astana Times 2024-09-26: Kuryk 4 berths; Aktau one ferry berth).
BERTHS = {"P_AKTAU": 1, "P_KURYK": 4}
ONWARD_FROM = "B_BOYUKKESIK"
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
#: one ferry per line at least, up to 200 (ASCO's ferry fleet is 16);
FERRIES: Final = Limit(len(CASPIAN_LINKS), 200, integer=True)
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


def port_volumes(results: Results) -> dict[str, float]:
    """General-freight tonnes a year on each crossing link in a solve's flows."""
    flows = results.flows
    out = {}
    for port, link in CASPIAN_LINKS.items():
        on = flows[
            (flows["link_id"] == link)
            & (flows["commodity"] == "general_freight")
            & (flows["from_node"] == port)
        ]
        out[port] = float(on["flow"].sum()) * 1e6  # Mt/yr -> t/yr
    return out


def _onward_units_per_day(network: Network, year: int, unit_tonnes: float) -> int | None:
    c = compiled(network)
    running = active_links(c, year) & (c.link_tail == c.nodes.get_loc(ONWARD_FROM))
    caps = c.link_capacity[running]
    caps = caps[~np.isnan(caps)]
    if not len(caps):
        return None
    return max(1, int(caps.sum() * 1e6 / 365.0 / unit_tonnes))


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
    year = results.year
    if volume_mt is not None:
        VOLUME_MT.check(owner, "volume_mt", volume_mt)
    if ferries is not None:
        FERRIES.check(owner, "ferries", ferries)
    HANDLING_FACTOR.check(owner, "handling_factor", handling_factor)
    HEADWAY_HOURS.check(owner, "headway_hours", headway_hours)
    MAX_WAIT_HOURS.check(owner, "max_wait_hours", max_wait_hours)
    volumes = port_volumes(results)
    total = sum(volumes.values())
    if total <= 0 and volume_mt is None:
        raise CorridorError(f"no general freight crosses the Caspian in {year} in the dataset")
    if volume_mt is not None:
        shares = {p: v / total for p, v in volumes.items()} if total > 0 else None
        volumes = {
            p: volume_mt * 1e6 * (shares[p] if shares else 1 / len(volumes)) for p in volumes
        }
    lookup = TransitLookup(network)
    capacity, capacity_id = _ferry_figure(lookup, CASPIAN_LINKS["P_KURYK"], "vessel_capacity")
    dwell, dwell_id = _ferry_figure(lookup, CASPIAN_LINKS["P_KURYK"], "port_dwell")
    slots = int(capacity)
    unit_tonnes = TONNES_PER_CALL / slots
    rate = slots / dwell * handling_factor
    sailing = {
        p: float(network.links.at[link, "transit_time_h"]) for p, link in CASPIAN_LINKS.items()
    }
    fleet_figure, fleet_id = _ferry_figure(lookup, CASPIAN_LINKS["P_KURYK"], "vessels")
    fleet = int(fleet_figure) if ferries is None else ferries
    if fleet < len(CASPIAN_LINKS):  # the dataset's own fleet
        raise CorridorError(f"at least {len(CASPIAN_LINKS)} ferries are needed, got {fleet}")
    weights = {p: volumes[p] * (2 * sailing[p] + 2 * dwell) for p in volumes}
    wsum = sum(weights.values()) or 1.0
    per_port = {p: max(1, round(fleet * w / wsum)) for p, w in weights.items()}
    biggest = max(per_port, key=lambda p: weights[p])
    per_port[biggest] += fleet - sum(per_port.values())
    names = {p: str(network.nodes.at[p, "name"]).split()[0] for p in CASPIAN_LINKS}
    alat = str(network.nodes.at[DISCHARGE, "name"]).split()[0]
    ports = [
        PortParams(
            names[p], annual_tonnes=volumes[p], berths=BERTHS[p], handling_units_per_hour=rate
        )
        for p in CASPIAN_LINKS
    ] + [PortParams(alat, handling_units_per_hour=rate, berths=sum(BERTHS.values()))]
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
        for p in CASPIAN_LINKS
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
    onward = _onward_units_per_day(network, year, unit_tonnes)
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
        "sailing": ", ".join(f"{link}.transit_time_h" for link in CASPIAN_LINKS.values()),
    }
    return CaspianSetup(params, volumes, per_port, basis)
