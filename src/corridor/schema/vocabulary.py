"""Allowed values of the dataset's categorical columns, named once."""

from __future__ import annotations

from typing import Final

from corridor.commodities import CANONICAL_UNIT
from corridor.units import TRANSIT_UNITS, UNITS

COMMODITIES: Final = tuple(CANONICAL_UNIT)
NODE_KINDS: Final = (
    "field",
    "terminal",
    "port",
    "junction",
    "border_crossing",
    "market",
    "city",
    "refinery",
    "storage",
)
MODES: Final = ("pipeline", "rail", "road", "ferry", "tanker", "sea", "swap")
LINK_STATUSES: Final = ("operating", "under_construction", "planned", "proposed", "suspended")
FIGURE_STATUSES: Final = ("design", "actual", "plan", "contract")
CONFIDENCES: Final = ("H", "M", "L")
AGREEMENT_STATUSES: Final = ("signed", "in_force", "expired", "mou")
GROUP_ROLES: Final = ("member", "observer")
QUANTITY_UNITS: Final = tuple(UNITS)
TARIFF_UNITS: Final = ("USD/bbl", "USD/t", "USD/1000m3", "USD/TEU", "USD/t-km")
#: Units of what a delivered unit is worth (prices, freight rates).
PRICE_UNITS: Final = ("USD/bbl", "USD/t", "USD/1000m3", "USD/MMBtu", "USD/TEU", "USD/FEU")
CONVERSION_UNITS: Final = ("t", "bbl", "TEU", "m3", "MMBtu")
SOURCED_TABLES: Final = (
    "nodes",
    "links",
    "supply",
    "demand",
    "agreements",
    "transit",
    "prices",
    "observations",
    "outages",
    "projects",
    "exchange_rates",
)
#: What a low-high range of a provenance row is: ``uncertain``, estimates of the same figure
#: that disagree (Monte Carlo samples within them); ``alternatives``, a low or high that is
#: another basis, a plan or an option (never sampled as uncertainty).
RANGE_KINDS: Final = ("uncertain", "alternatives")
#: What a candidate project adds: capacity on a link (existing or not yet built), supply at a
#: node (a field's new phase), or vessels on a sea crossing.
PROJECT_KINDS: Final = ("link_capacity", "supply", "vessels")
PROJECT_STATUSES: Final = ("proposed", "planned", "under_construction")
#: Currencies of project costs (exchange_rates.csv converts them to USD).
CURRENCIES: Final = ("EUR", "AZN", "KZT", "TRY")
COST_UNITS: Final = ("million USD", "million EUR", "million AZN", "million KZT", "million TRY")
#: What caused a recorded outage.
OUTAGE_CAUSES: Final = ("storm", "attack", "earthquake", "maintenance", "technical", "political")
#: The years whose outages outages.csv records (a link's outage rate is its events over them).
OUTAGE_RECORD_YEARS: Final = (2022, 2025)
#: What an observation measures (see docs/backtest.md for how the model side is read).
OBSERVATION_KINDS: Final = ("link_throughput", "terminal_loading")
#: The table an observation's target is in, by kind.
OBSERVATION_TARGETS: Final = {"link_throughput": "links", "terminal_loading": "nodes"}
#: What a transit parameter measures, and the canonical units it may be given in.
TRANSIT_COMPONENTS: Final[dict[str, tuple[str, ...]]] = {
    "speed": ("km/h",),  # line-haul commercial speed of a mode (in a country)
    "border_crossing": ("h",),  # time to clear a border crossing point
    "gauge_change": ("h",),  # transshipment or bogie exchange between track gauges
    "port_dwell": ("h",),  # time in port per call (handling, formalities)
    "ferry_wait": ("h",),  # waiting for a vessel at a port of loading
    "vessels": ("vessels",),  # vessels serving a sea link
    "berths": ("berths",),  # berths of a port for the vessels of a crossing (ferry berths)
    "vessel_capacity": ("wagons", "TEU"),  # capacity of one vessel on a sea link
    "cost_rate": ("USD/TEU-km",),  # line-haul cost of a mode (in a country)
    "border_cost": ("USD",),  # fees of one border crossing
    "gauge_cost": ("USD",),  # cost of one gauge change
    "port_cost": ("USD",),  # port charges of one call (loading or unloading)
}
TRANSIT_UNIT_NAMES: Final = tuple(TRANSIT_UNITS)
