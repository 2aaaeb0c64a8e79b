"""What a scenario file may say: pydantic models of its YAML keys.

A scenario changes the shipped dataset (or another scenario) for one year: outages, expansions,
new nodes and links, supply and demand, tariffs, route rules and agreements. Every figure it
introduces names its sources, so the changed dataset keeps a provenance row for each number.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from corridor.dataset.cells import url_problem

__all__ = [
    "AgreementChange",
    "Agreements",
    "DeliveryTarget",
    "Expansion",
    "LinkChange",
    "NewAgreement",
    "NewLink",
    "NewNode",
    "NewSource",
    "Outage",
    "ProjectChange",
    "QuantityChange",
    "ScenarioRules",
    "ScenarioSpec",
    "TariffChange",
]

_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_ID = r"^[A-Za-z0-9_.:\-]+$"
_LinkStatus = Literal["operating", "under_construction", "planned", "proposed", "suspended"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Strict):
    """Provenance of the figures an entry introduces."""

    sources: list[str] = Field(min_length=1, description="Source ids (dataset's or scenario's).")
    status: Literal["design", "actual", "plan", "contract"] = "plan"
    confidence: Literal["H", "M", "L"] = "M"
    note: str | None = None


class NewSource(_Strict):
    """A source the scenario cites that the dataset does not have yet."""

    id: str = Field(pattern=_ID)
    publisher: str
    title: str
    url: str = Field(description="Absolute http:// or https:// address with a host.")
    date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY[-MM[-DD]]")
    note: str | None = None

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        """The same rule as the dataset's sources.url (validation code bad-url)."""
        problem = url_problem(value)
        if problem is not None:
            raise ValueError(f"not an absolute http:// or https:// URL with a host: {problem}")
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> object:
        """YAML reads 2022-03-28 as a date and 2022 as a number: keep them as text."""
        return (
            value.isoformat()
            if isinstance(value, dt.date)
            else (str(value) if isinstance(value, int) else value)
        )


class Outage(Sourced):
    """A link closed, or its capacity cut by a percentage, for the whole year or a period of it.

    The model is annual: a cut of ``cut_percent`` for a share ``s`` of the year leaves
    ``1 - cut_percent/100 * s`` of the link's annual capacity. A full closure for the whole
    year removes the link from every route (also links without a sourced capacity).
    """

    link: str
    cut_percent: float = Field(100.0, gt=0, le=100)
    start: str | None = Field(None, description="First day, MM-DD.")
    end: str | None = Field(None, description="Last day, MM-DD (inclusive).")
    days: float | None = Field(None, gt=0, le=365)
    status: Literal["design", "actual", "plan", "contract"] = "actual"

    @field_validator("start", "end")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None and not _MONTH_DAY.match(value):
            raise ValueError(f"expected a day as MM-DD (e.g. 03-22), got {value!r}")
        return value

    @model_validator(mode="after")
    def _one_period(self) -> Outage:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end (MM-DD), or neither")
        if self.days is not None and self.start is not None:
            raise ValueError("give either days or start/end, not both")
        return self


class RecordedOutage(Sourced):
    """An outage added to the dataset's outage history (outages.csv), which Monte Carlo draws
    from: a link fails as often a year as its outages of the record's years say."""

    link: str
    start: dt.date = Field(description="First day, YYYY-MM-DD, within the record's years.")
    days: float = Field(gt=0, le=366)
    cut_percent: float = Field(100.0, gt=0, le=100)
    cause: Literal["storm", "attack", "earthquake", "maintenance", "technical", "political"]


class Expansion(Sourced):
    """New capacity of a link from the year it arrives: a new total or an addition."""

    link: str
    year: int = Field(ge=1990, le=2100, description="Year the capacity arrives.")
    capacity: float | None = Field(None, ge=0, description="New total capacity.")
    add: float | None = Field(None, gt=0, description="Capacity added to today's.")
    unit: str | None = Field(None, description="Unit of capacity/add; default the link's unit.")

    @model_validator(mode="after")
    def _one_amount(self) -> Expansion:
        if (self.capacity is None) == (self.add is None):
            raise ValueError("give exactly one of capacity (new total) or add (increase)")
        return self


class DeliveryTarget(Sourced):
    """A volume that must pass through links in every year from ``year`` (a planning target,
    e.g. freight across the Caspian): ``corridor plan`` holds it, a solve reports it."""

    links: list[str] = Field(min_length=1, description="Links whose flow counts (any direction).")
    value: float = Field(gt=0)
    unit: str = Field(description="Unit of value: the links' capacity unit (e.g. Mt/yr).")
    year: int | None = Field(None, ge=1990, le=2100, description="Default: the scenario's year.")
    name: str | None = Field(None, pattern=_ID)


class ProjectChange(Sourced):
    """A candidate project's cost, size or timing (e.g. a cost the data does not publish):
    ``corridor plan`` chooses among the projects as the scenario leaves them."""

    id: str
    capital_cost: float | None = Field(None, ge=0, description="In cost_unit.")
    fixed_cost: float | None = Field(None, ge=0, description="A year, in cost_unit.")
    cost_unit: str | None = Field(None, description="Default: the project's (e.g. million USD).")
    cost_year: int | None = Field(None, ge=1990, le=2100, description="Year of the estimate.")
    increment: float | None = Field(None, gt=0, description="In the project's unit.")
    lead_time_years: float | None = Field(None, ge=0, le=50)
    earliest_year: int | None = Field(None, ge=1990, le=2100)
    lifetime_years: float | None = Field(None, gt=0, le=200)
    lumpy: bool | None = None

    @model_validator(mode="after")
    def _says_something(self) -> ProjectChange:
        if not self.model_dump(exclude={"id", "sources", "status", "confidence", "note"},
                               exclude_none=True):  # fmt: skip
            raise ValueError("give at least one of the project's figures to change")
        return self


class QuantityChange(Sourced):
    """A supply or demand of a node and commodity in the scenario year: set, scaled or added to."""

    node: str
    commodity: str
    value: float | None = Field(None, ge=0, description="New volume (needs unit).")
    change_percent: float | None = Field(None, ge=-100, description="Change of today's volume.")
    add: float | None = Field(None, description="Volume added (needs unit).")
    unit: str | None = None
    status: Literal["design", "actual", "plan", "contract"] = "plan"

    @model_validator(mode="after")
    def _one_change(self) -> QuantityChange:
        given = [x for x in (self.value, self.change_percent, self.add) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of value, change_percent or add")
        if (self.value is not None or self.add is not None) and self.unit is None:
            raise ValueError("value and add need a unit (e.g. bcm/yr, Mt/yr, TEU/yr)")
        return self


class TariffChange(Sourced):
    """A link's tariff."""

    link: str
    tariff: float = Field(ge=0)
    unit: Literal["USD/bbl", "USD/t", "USD/1000m3", "USD/TEU", "USD/t-km"]


class NewNode(Sourced):
    """A node the dataset does not have (e.g. a planned terminal)."""

    node_id: str = Field(pattern=_ID)
    name: str
    kind: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    commodities: list[str] = Field(min_length=1)
    open_market: bool = False
    operator: str | None = None


class NewLink(Sourced):
    """A link the dataset does not have (e.g. the Trans-Caspian Gas Pipeline)."""

    link_id: str = Field(pattern=_ID)
    name: str
    from_node: str
    to_node: str
    mode: str
    commodities: list[str] = Field(min_length=1)
    capacity: float | None = Field(None, ge=0)
    capacity_unit: str | None = None
    length_km: float | None = Field(None, gt=0)
    start_year: int | None = Field(None, ge=1900, le=2100)
    end_year: int | None = Field(None, ge=1900, le=2100)
    link_status: Literal["operating", "under_construction", "planned", "proposed"] = "planned"
    bidirectional: bool = False
    countries: list[str] = []
    operator: str | None = None


class LinkChange(_Strict):
    """A link's non-numeric settings: its status, direction, or the commodities it carries."""

    link: str
    status: _LinkStatus | None = None
    bidirectional: bool | None = None
    commodities: list[str] | None = None
    note: str | None = None


class NewAgreement(Sourced):
    """An agreement the dataset does not have."""

    agreement_id: str = Field(pattern=_ID)
    name: str
    parties: list[str] = Field(min_length=1)
    commodity: str
    origin: str
    destinations: list[str] = Field(min_length=1)
    min_volume: float | None = Field(None, ge=0)
    max_volume: float | None = Field(None, ge=0)
    unit: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    signed_date: str | None = None
    avoid_countries: list[str] = []
    only_groups: list[str] = []
    require_links: list[str] = []
    avoid_links: list[str] = []
    agreement_status: Literal["signed", "in_force", "expired", "mou"] = "signed"


class AgreementChange(_Strict):
    """Changed terms of an agreement of the dataset; numbers need sources."""

    id: str
    min_volume: float | None = Field(None, ge=0)
    max_volume: float | None = Field(None, ge=0)
    unit: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    avoid_countries: list[str] | None = None
    require_links: list[str] | None = None
    avoid_links: list[str] | None = None
    sources: list[str] = []
    status: Literal["design", "actual", "plan", "contract"] = "plan"
    confidence: Literal["H", "M", "L"] = "M"
    note: str | None = None

    @model_validator(mode="after")
    def _sourced(self) -> AgreementChange:
        numbers = (self.min_volume, self.max_volume, self.start_year, self.end_year)
        if any(x is not None for x in numbers) and not self.sources:
            raise ValueError("changed volumes or years need sources")
        return self


class Agreements(_Strict):
    """Agreements added, changed or removed."""

    add: list[NewAgreement] = []
    change: list[AgreementChange] = []
    remove: list[str] = []


class ScenarioRules(_Strict):
    """Route rules: for every flow, or only for the listed commodities."""

    avoid_countries: list[str] = []
    only_groups: list[str] = []
    avoid_links: list[str] = []
    commodities: list[str] = Field([], description="Commodities the rules apply to (default all).")


class ScenarioSpec(_Strict):
    """One scenario file."""

    name: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9\-_.]*$")
    title: str
    description: str = Field(min_length=20)
    year: int | None = Field(None, ge=1990, le=2100)
    extends: str | None = None
    cites: list[str] = Field([], description="Sources the description rests on (ids).")
    sources: list[NewSource] = []
    outages: list[Outage] = []
    outage_history: list[RecordedOutage] = []
    expansions: list[Expansion] = []
    nodes: list[NewNode] = []
    links: list[NewLink] = []
    link_changes: list[LinkChange] = []
    supply: list[QuantityChange] = []
    demand: list[QuantityChange] = []
    tariffs: list[TariffChange] = []
    rules: list[ScenarioRules] = []
    agreements: Agreements = Agreements()
    targets: list[DeliveryTarget] = []
    projects: list[ProjectChange] = []
