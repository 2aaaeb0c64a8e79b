"""The tables of a corridor dataset and their columns."""

from __future__ import annotations

from typing import Final

from corridor.schema.spec import Column, TableSpec
from corridor.schema.vocabulary import (
    AGREEMENT_STATUSES,
    CONFIDENCES,
    CONVERSION_UNITS,
    COST_UNITS,
    CURRENCIES,
    FIGURE_STATUSES,
    GROUP_ROLES,
    LINK_STATUSES,
    MODES,
    NODE_KINDS,
    OBSERVATION_KINDS,
    OUTAGE_CAUSES,
    OUTAGE_RECORD_YEARS,
    PRICE_UNITS,
    PROJECT_KINDS,
    PROJECT_STATUSES,
    QUANTITY_UNITS,
    RANGE_KINDS,
    SOURCED_TABLES,
    TARIFF_UNITS,
    TRANSIT_COMPONENTS,
    TRANSIT_UNIT_NAMES,
)

__all__ = ["TABLES", "TABLE_ORDER"]

FIRST_YEAR = 1900
LAST_YEAR = 2100


STATUS_COLUMN = Column(
    "status", "str", "design, actual, plan or contract.", required=True, allowed=FIGURE_STATUSES
)


def _year_columns(start: str, end: str) -> tuple[Column, Column]:
    """Sourced ``start_year`` and ``end_year`` columns with the given descriptions."""
    return tuple(  # type: ignore[return-value]
        Column(name, "int", text, sourced=True, minimum=FIRST_YEAR, maximum=LAST_YEAR)
        for name, text in (("start_year", start), ("end_year", end))
    )


SOURCES = TableSpec(
    "sources",
    "Publications every figure is traced to.",
    "source_id",
    (
        Column("source_id", "str", "Unique id, `S_` prefix.", required=True),
        Column("publisher", "str", "Who published it (and whom they cite).", required=True),
        Column("title", "str", "Title or short description of the page."),
        Column("url", "str", "Address as retrieved.", required=True),
        Column(
            "date", "date", "Publication date: YYYY-MM-DD, YYYY-MM, YYYY or n.d.", required=True
        ),
        Column("note", "str", "Free text."),
    ),
)

NODES = TableSpec(
    "nodes",
    "Places where flows enter, leave, meet or change mode.",
    "node_id",
    (
        Column(
            "node_id",
            "str",
            "Unique id with a kind prefix (F_, T_, P_, J_, B_, M_, C_, R_, S_).",
            required=True,
        ),
        Column("name", "str", "Human-readable name.", required=True),
        Column("kind", "str", "What the node is.", required=True, allowed=NODE_KINDS),
        Column(
            "country",
            "str",
            "ISO 3166-1 alpha-2 code of the country the point is in.",
            required=True,
        ),
        Column("other_country", "str", "Other side of a border crossing (ISO alpha-2)."),
        Column(
            "lat",
            "float",
            "Latitude, WGS84.",
            required=True,
            unit="degree",
            minimum=-90,
            maximum=90,
            sourced=True,
        ),
        Column(
            "lon",
            "float",
            "Longitude, WGS84.",
            required=True,
            unit="degree",
            minimum=-180,
            maximum=180,
            sourced=True,
        ),
        Column(
            "commodities",
            "list",
            "Commodities the node can handle.",
            required=True,
            references="commodities.commodity_id",
        ),
        Column(
            "open_market",
            "bool",
            "A world market: takes any volume of its commodities that reaches it (export "
            "terminals, sea ports); empty means false.",
        ),
        Column("operator", "str", "Owner or operator."),
        Column("note", "str", "Free text."),
    ),
)

LINKS = TableSpec(
    "links",
    "Pipelines, railways, roads, shipping lines and swaps between two nodes.",
    "link_id",
    (
        Column("link_id", "str", "Unique id, `L_` prefix.", required=True),
        Column("name", "str", "Human-readable name.", required=True),
        Column("from_node", "str", "Start node.", required=True, references="nodes.node_id"),
        Column("to_node", "str", "End node.", required=True, references="nodes.node_id"),
        Column("mode", "str", "Transport mode.", required=True, allowed=MODES),
        Column(
            "commodities",
            "list",
            "Commodities the link carries (sharing one capacity).",
            required=True,
            references="commodities.commodity_id",
        ),
        Column(
            "bidirectional",
            "bool",
            "true: full capacity usable in each direction; false: from_node -> to_node only.",
            required=True,
        ),
        Column(
            "capacity",
            "float",
            "Usable annual capacity (per direction).",
            unit="@capacity_unit",
            minimum=0,
            sourced=True,
        ),
        Column("capacity_unit", "str", "Unit of `capacity`.", allowed=QUANTITY_UNITS),
        Column("length_km", "float", "Route length.", unit="km", minimum=0, sourced=True),
        Column(
            "tariff",
            "float",
            "Published tariff or cost per unit.",
            unit="@tariff_unit",
            minimum=0,
            sourced=True,
        ),
        Column("tariff_unit", "str", "Unit of `tariff`.", allowed=TARIFF_UNITS),
        Column(
            "loss_fraction",
            "float",
            "Share of the volume lost or paid in kind on the way (swap fee, transit gas).",
            minimum=0,
            maximum=1,
            sourced=True,
        ),
        Column(
            "transit_time_h",
            "float",
            "Typical transit time end to end.",
            unit="h",
            minimum=0,
            sourced=True,
        ),
        Column("status", "str", "Current status.", required=True, allowed=LINK_STATUSES),
        *_year_columns(
            "First year of operation (empty: long in operation).",
            "Last year of operation (licence or contract end).",
        ),
        Column("operator", "str", "Owner or operator."),
        Column(
            "countries",
            "list",
            "Countries crossed (ISO alpha-2), given when more than the endpoints' countries.",
        ),
        Column("note", "str", "Free text."),
    ),
    notes=(
        "A link that runs both ways is one row with `bidirectional = true`; its capacity applies "
        "to each direction separately.",
        "`capacity` is in the unit the source gives; `corridor.load` adds `capacity_canonical` "
        "and `canonical_unit` (Mt/yr for mass and crude volumes, bcm/yr for gas, TEU/yr).",
        "An empty capacity means no source gives one: validation warns, and it is not a zero.",
    ),
)

COMMODITY_TABLE = TableSpec(
    "commodities",
    "The commodities and the unit each is measured in.",
    "commodity_id",
    (
        Column(
            "commodity_id",
            "str",
            "Commodity id (built in: crude_oil, oil_products, natural_gas, containers, "
            "general_freight; a dataset may add its own).",
            required=True,
        ),
        Column("name", "str", "Human-readable name.", required=True),
        Column(
            "canonical_unit",
            "str",
            "Unit quantities are converted to on load.",
            required=True,
            allowed=QUANTITY_UNITS,
        ),
        Column("default_grade", "str", "Grade whose conversion factors apply by default."),
        Column("description", "str", "What the commodity covers."),
    ),
)

CONVERSIONS = TableSpec(
    "conversions",
    "Physical conversion factors that depend on the commodity or grade (bbl per t, t per TEU).",
    "conversion_id",
    (
        Column("conversion_id", "str", "Unique id `commodity:grade:from->to`.", required=True),
        Column(
            "commodity", "str", "Commodity.", required=True, references="commodities.commodity_id"
        ),
        Column("grade", "str", "Grade (empty: all grades)."),
        Column("from_unit", "str", "Unit converted from.", required=True, allowed=CONVERSION_UNITS),
        Column("to_unit", "str", "Unit converted to.", required=True, allowed=CONVERSION_UNITS),
        Column("factor", "float", "to_unit per from_unit (default).", required=True, minimum=0),
        Column("low", "float", "Lowest sourced value.", minimum=0),
        Column("high", "float", "Highest sourced value.", minimum=0),
        STATUS_COLUMN,
        Column("confidence", "str", "H, M or L.", required=True, allowed=CONFIDENCES),
        Column("source_ids", "list", "Sources.", required=True, references="sources.source_id"),
        Column("note", "str", "How the factor was obtained."),
    ),
)


def _quantity_table(
    name: str, prefix: str, description: str, extra: tuple[Column, ...]
) -> TableSpec:
    return TableSpec(
        name,
        description,
        f"{name}_id",
        (
            Column(f"{name}_id", "str", f"Unique id, `{prefix}` prefix.", required=True),
            Column("node_id", "str", "Node.", required=True, references="nodes.node_id"),
            Column(
                "commodity",
                "str",
                "Commodity.",
                required=True,
                references="commodities.commodity_id",
            ),
            Column(
                "year",
                "int",
                "Year the figure is for.",
                required=True,
                minimum=FIRST_YEAR,
                maximum=LAST_YEAR,
            ),
            Column(
                "value",
                "float",
                "Annual quantity (default of the sourced range).",
                required=True,
                unit="@unit",
                minimum=0,
                sourced=True,
            ),
            Column("unit", "str", "Unit of `value`.", required=True, allowed=QUANTITY_UNITS),
            *extra,
            Column("note", "str", "Free text."),
        ),
    )


SUPPLY = _quantity_table(
    "supply", "SUP_", "What a node can put into the network in a year (production, exports).", ()
)
DEMAND = _quantity_table(
    "demand",
    "DEM_",
    "What a market node takes from the network in a year.",
    (
        Column(
            "price",
            "float",
            "Value of a unit delivered here (empty: the node's or commodity's row in prices).",
            unit="@price_unit",
            minimum=0,
            sourced=True,
        ),
        Column("price_unit", "str", "Unit of `price`.", allowed=PRICE_UNITS),
    ),
)

AGREEMENTS = TableSpec(
    "agreements",
    "Contracts and intergovernmental deals that move a commodity from an origin to destinations.",
    "agreement_id",
    (
        Column("agreement_id", "str", "Unique id, `A_` prefix.", required=True),
        Column("name", "str", "Human-readable name.", required=True),
        Column("parties", "list", "Signatories.", required=True),
        Column(
            "commodity", "str", "Commodity.", required=True, references="commodities.commodity_id"
        ),
        Column("origin", "str", "Origin node.", required=True, references="nodes.node_id"),
        Column(
            "destinations",
            "list",
            "Destination node(s).",
            required=True,
            references="nodes.node_id",
        ),
        Column(
            "min_volume", "float", "Minimum annual volume.", unit="@unit", minimum=0, sourced=True
        ),
        Column(
            "max_volume", "float", "Maximum annual volume.", unit="@unit", minimum=0, sourced=True
        ),
        Column("unit", "str", "Unit of the volumes.", allowed=QUANTITY_UNITS),
        *_year_columns("First year valid.", "Last year valid."),
        Column("signed_date", "date", "Date signed."),
        Column("avoid_countries", "list", "Countries the route must not cross (ISO alpha-2)."),
        Column(
            "only_groups",
            "list",
            "Route only through countries in these groups.",
            references="groups.group_id",
        ),
        Column("require_links", "list", "Links the route must use.", references="links.link_id"),
        Column("avoid_links", "list", "Links the route must not use.", references="links.link_id"),
        Column(
            "status",
            "str",
            "signed, in_force, expired or mou.",
            required=True,
            allowed=AGREEMENT_STATUSES,
        ),
        Column("note", "str", "Free text."),
    ),
)

GROUPS = TableSpec(
    "groups",
    "Country groups used in route rules (one row per membership).",
    None,
    (
        Column("group_id", "str", "Group id (OTS, EU, ECO, OIC, CAREC, TITR, NAM).", required=True),
        Column("group_name", "str", "Full name.", required=True),
        Column("country", "str", "Member or observer (ISO alpha-2).", required=True),
        Column("role", "str", "member or observer.", required=True, allowed=GROUP_ROLES),
        Column("note", "str", "Sources as `sources: S_X;S_Y`, and remarks."),
    ),
)

PROVENANCE = TableSpec(
    "provenance",
    "Where every numeric figure comes from: one row per numeric cell of the sourced tables.",
    None,
    (
        Column("table", "str", "Table of the figure.", required=True, allowed=SOURCED_TABLES),
        Column("row_id", "str", "Id of the row in that table.", required=True),
        Column("column", "str", "Column of the figure.", required=True),
        Column("value", "float", "The default value (must equal the table cell).", required=True),
        Column("low", "float", "Lowest value across sources, when they disagree."),
        Column("high", "float", "Highest value across sources, when they disagree."),
        Column(
            "range_kind",
            "str",
            "With `low` or `high` (and only then): `uncertain` when estimates of the same figure "
            "disagree (Monte Carlo draws within the range), `alternatives` when low or high is "
            "another basis, a plan or an option (never drawn).",
            allowed=RANGE_KINDS,
        ),
        Column("year", "int", "Year the figure refers to.", minimum=FIRST_YEAR, maximum=LAST_YEAR),
        STATUS_COLUMN,
        Column(
            "confidence",
            "str",
            "H (operator/official), M (official via media), L (other).",
            required=True,
            allowed=CONFIDENCES,
        ),
        Column("source_ids", "list", "Sources.", required=True, references="sources.source_id"),
        Column(
            "note",
            "str",
            "Why this default; conversions made (marked 'derived').",
        ),
    ),
)

TRANSIT = TableSpec(
    "transit",
    "Time parameters of route skims and of the Caspian crossing simulation, each sourced.",
    "param_id",
    (
        Column("param_id", "str", "Unique id, `T_` prefix.", required=True),
        Column(
            "component",
            "str",
            "What it measures: " + ", ".join(TRANSIT_COMPONENTS) + ".",
            required=True,
            allowed=tuple(TRANSIT_COMPONENTS),
        ),
        Column("mode", "str", "Applies to every link of this mode (speeds).", allowed=MODES),
        Column("country", "str", "With `mode`: only in this country (ISO alpha-2)."),
        Column(
            "node_id", "str", "Applies at this node (border, port).", references="nodes.node_id"
        ),
        Column("link_id", "str", "Applies to this link (fleet).", references="links.link_id"),
        Column("value", "float", "The default value.", unit="@unit", minimum=0, sourced=True),
        Column("unit", "str", "Unit of `value`.", required=True, allowed=TRANSIT_UNIT_NAMES),
        Column("note", "str", "Free text."),
    ),
    required_file=False,
    notes=(
        "Each row applies to exactly one of `mode` (with an optional `country`), `node_id` or "
        "`link_id`; a node's or country's own value wins over the mode's.",
        "Line-haul and sailing times of single links are the links' `transit_time_h`.",
        "`corridor.load` adds `value_canonical` in h, km/h, vessels, wagons or TEU.",
    ),
)

PRICES = TableSpec(
    "prices",
    "What a unit delivered is worth: world-market prices and freight rates by commodity and year.",
    "price_id",
    (
        Column("price_id", "str", "Unique id, `PR_` prefix.", required=True),
        Column(
            "commodity", "str", "Commodity.", required=True, references="commodities.commodity_id"
        ),
        Column(
            "year",
            "int",
            "Year the price is for (an annual average).",
            required=True,
            minimum=FIRST_YEAR,
            maximum=LAST_YEAR,
        ),
        Column(
            "node_id",
            "str",
            "Only deliveries to this node (empty: every node without a price of its own).",
            references="nodes.node_id",
        ),
        Column(
            "benchmark", "str", "What the price is (Brent, TTF, a freight rate).", required=True
        ),
        Column(
            "value",
            "float",
            "Price (default of the sourced range).",
            required=True,
            unit="@unit",
            minimum=0,
            sourced=True,
        ),
        Column("unit", "str", "Unit of `value`.", required=True, allowed=PRICE_UNITS),
        Column("note", "str", "Free text."),
    ),
    required_file=False,
    notes=(
        "A delivery is worth its node's price of the year, else the commodity's price without a "
        "node; a demand row's own `price` wins over both. A year without a price row takes the "
        "latest earlier year's (the solve says so).",
        "Prices value what reaches demand and world markets, so that a link's shadow price reads "
        "in USD a year per unit of capacity; a commodity without a price has no USD shadow price.",
        "`USD/MMBtu` needs a `natural_gas` conversion `m3` -> `MMBtu`; `USD/FEU` is 2 TEU.",
    ),
)

OBSERVATIONS = TableSpec(
    "observations",
    "What the corridor actually carried: published figures the model is checked against.",
    "obs_id",
    (
        Column("obs_id", "str", "Unique id, `O_` prefix.", required=True),
        Column(
            "kind",
            "str",
            "What was measured (link_throughput: the flow on a link, all directions; "
            "terminal_loading: what leaves the network at a node, such as a terminal's loadings).",
            required=True,
            allowed=OBSERVATION_KINDS,
        ),
        Column(
            "target",
            "str",
            "The link (link_throughput) or node (terminal_loading) measured.",
            required=True,
        ),
        Column(
            "commodity", "str", "Commodity.", required=True, references="commodities.commodity_id"
        ),
        Column(
            "year",
            "int",
            "Year the figure is for.",
            required=True,
            minimum=FIRST_YEAR,
            maximum=LAST_YEAR,
        ),
        Column(
            "period",
            "str",
            "Months covered, `YYYY-MM/YYYY-MM` (empty: the whole calendar year).",
        ),
        Column(
            "value",
            "float",
            "The figure (for a period: the average rate over its months, never a year's total).",
            required=True,
            unit="@unit",
            minimum=0,
            sourced=True,
        ),
        Column("unit", "str", "Unit of `value`.", required=True, allowed=QUANTITY_UNITS),
        STATUS_COLUMN,
        Column("confidence", "str", "H, M or L.", required=True, allowed=CONFIDENCES),
        Column("sources", "list", "Sources.", required=True, references="sources.source_id"),
        Column("note", "str", "Free text."),
    ),
    required_file=False,
    notes=(
        "A figure for part of a year keeps its `period`; `corridor backtest` lists it but never "
        "compares it with an annual model value.",
        "`unit` is a rate (Mt/yr, bcm/yr, million bbl/yr): a period's published total divided "
        "by its length in years (6.53 bcm in January-July is `11.19`, `bcm/yr`); write the "
        "published total in `note`.",
        "Every `value` has a provenance row like the other sourced tables.",
    ),
)

OUTAGES = TableSpec(
    "outages",
    "Recorded outages of links: when, how long, how much capacity they took (Monte Carlo's "
    "outage history).",
    "outage_id",
    (
        Column("outage_id", "str", "Unique id, `X_` prefix.", required=True),
        Column(
            "link_id", "str", "The link that failed.", required=True, references="links.link_id"
        ),
        Column("start", "date", "First day of the outage (`YYYY-MM-DD`).", required=True),
        Column(
            "days",
            "float",
            "How long it lasted, in days (default of the sourced range).",
            required=True,
            unit="days",
            minimum=0,
            maximum=366,
            sourced=True,
        ),
        Column(
            "cut_percent",
            "float",
            "Share of the link's capacity it took, in % (100: nothing flowed).",
            required=True,
            unit="%",
            minimum=0,
            maximum=100,
            sourced=True,
        ),
        Column("cause", "str", "What caused it.", required=True, allowed=OUTAGE_CAUSES),
        Column("note", "str", "Free text."),
    ),
    required_file=False,
    notes=(
        f"The table records the outages of {OUTAGE_RECORD_YEARS[0]}-{OUTAGE_RECORD_YEARS[1]}: "
        "each starts in those years, and `corridor resilience monte-carlo` gives a link as many "
        "outages a year, on average, as it had in them (a link without a row never fails).",
        "Every `days` and `cut_percent` has a provenance row like the other sourced tables.",
    ),
)

PROJECTS = TableSpec(
    "projects",
    "Candidate investments: what each adds, what it costs and when it can run (for pathways).",
    "project_id",
    (
        Column("project_id", "str", "Unique id, `P_` prefix.", required=True),
        Column("name", "str", "Name.", required=True),
        Column("adds", "str", "What it adds.", required=True, allowed=PROJECT_KINDS),
        Column(
            "link_ids",
            "list",
            "The links it adds capacity or vessels to (`link_capacity`, `vessels`), each by "
            "`increment` (the sections of one pipeline).",
            references="links.link_id",
        ),
        Column(
            "node_id", "str", "The node it adds supply at (`supply`).", references="nodes.node_id"
        ),
        Column(
            "commodity",
            "str",
            "The commodity of the supply it adds (`supply`).",
            references="commodities.commodity_id",
        ),
        Column(
            "increment",
            "float",
            "What it adds, in `unit`.",
            required=True,
            unit="@unit",
            minimum=0,
            sourced=True,
        ),
        Column("unit", "str", "Unit of `increment`.", required=True),
        Column(
            "capital_cost",
            "float",
            "Capital cost in `cost_unit` (empty: no published cost).",
            unit="@cost_unit",
            minimum=0,
            sourced=True,
        ),
        Column("cost_unit", "str", "Unit of `capital_cost`.", allowed=COST_UNITS),
        Column(
            "cost_year",
            "int",
            "Year of the cost estimate (its price level).",
            minimum=FIRST_YEAR,
            maximum=LAST_YEAR,
            sourced=True,
        ),
        Column(
            "fixed_cost",
            "float",
            "Fixed operating cost a year, in `cost_unit` (empty: none published).",
            unit="@cost_unit",
            minimum=0,
            sourced=True,
        ),
        Column(
            "lifetime_years",
            "float",
            "Years it serves once built (empty: none published).",
            unit="years",
            minimum=0,
            sourced=True,
        ),
        Column(
            "earliest_year",
            "int",
            "First year it can run (operator's or government's schedule).",
            minimum=FIRST_YEAR,
            maximum=LAST_YEAR,
            sourced=True,
        ),
        Column(
            "lead_time_years",
            "float",
            "Years from the decision to build to operation.",
            unit="years",
            minimum=0,
            sourced=True,
        ),
        Column("lumpy", "bool", "All or nothing (true) or divisible (false).", required=True),
        Column("status", "str", "Where it stands.", required=True, allowed=PROJECT_STATUSES),
        Column(
            "excludes",
            "list",
            "Projects it excludes (alternatives: one or the other).",
            references="projects.project_id",
        ),
        Column("note", "str", "Free text."),
    ),
    required_file=False,
    notes=(
        "`link_capacity` and `vessels` name `link_ids`; `supply` names a `node_id` and a "
        "`commodity`. On a link that does not run in a year (planned, proposed) the project "
        "opens it with `increment` as its capacity. A project without a published cost keeps "
        "`capital_cost` empty: a planner treats it as unavailable unless a scenario gives a "
        "cost. Costs stay in the currency of their source (no exchange rate is assumed).",
        "`unit` is a quantity unit of the link's or supply's commodity (Mt/yr, bcm/yr, TEU/yr, "
        "mcm/d) or `vessels`.",
        "Every figure has a provenance row like the other sourced tables.",
    ),
)

EXCHANGE_RATES = TableSpec(
    "exchange_rates",
    "What a unit of a currency was worth in US dollars in a year (annual averages), to put "
    "project costs in USD.",
    "rate_id",
    (
        Column("rate_id", "str", "Unique id, `FX_` prefix.", required=True),
        Column("currency", "str", "Currency converted.", required=True, allowed=CURRENCIES),
        Column(
            "year",
            "int",
            "Year the rate is for (an annual average).",
            required=True,
            minimum=FIRST_YEAR,
            maximum=LAST_YEAR,
        ),
        Column(
            "usd_per_unit",
            "float",
            "US dollars per unit of `currency`.",
            required=True,
            unit="USD",
            minimum=0,
            sourced=True,
        ),
        Column("note", "str", "Free text."),
    ),
    required_file=False,
    notes=(
        "A project's cost is converted with the rate of its `cost_year`; a cost year without "
        "a rate leaves the project unavailable to the planner (no rate is assumed).",
        "Costs are not inflated: a 2006 estimate stays in 2006 dollars.",
    ),
)

TABLES: Final[dict[str, TableSpec]] = {
    t.name: t
    for t in (
        SOURCES,
        COMMODITY_TABLE,
        CONVERSIONS,
        NODES,
        LINKS,
        SUPPLY,
        DEMAND,
        AGREEMENTS,
        GROUPS,
        TRANSIT,
        PRICES,
        OBSERVATIONS,
        OUTAGES,
        PROJECTS,
        EXCHANGE_RATES,
        PROVENANCE,
    )
}
TABLE_ORDER: Final = tuple(TABLES)
