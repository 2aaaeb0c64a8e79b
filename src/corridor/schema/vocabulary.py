"""Allowed values of the dataset's categorical columns, named once."""

from __future__ import annotations

from typing import Final

from corridor.units import CANONICAL_UNIT, UNITS

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
CONVERSION_UNITS: Final = ("t", "bbl", "TEU")
SOURCED_TABLES: Final = ("nodes", "links", "supply", "demand", "agreements")
