"""The network of each plan year: the dataset's rows carried forward, the target scenario
applied from its year, and the links of candidate projects held shut until a project opens them.

Rules (docs/pathways.md):

- a supply or demand series (node, commodity) without a row in a year takes its latest earlier
  year's rows (carried forward); a series never runs backwards;
- the target scenario's supply and demand entries apply from its year on; its links, outages,
  expansions (in their years) and route rules apply in every year;
- a link that a candidate project builds (one that does not run today: planned, proposed,
  suspended) runs in every year with capacity 0 until the project adds its increment.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from corridor.dataset.network import Network
from corridor.options import SolveOptions
from corridor.scenario import Scenario, apply_scenario

__all__ = ["PlanYear", "carry_forward", "plan_years"]

_SERIES = ["node_id", "commodity"]


@dataclasses.dataclass(frozen=True)
class PlanYear:
    """One year of a plan: its network (the target applied) and options."""

    year: int
    network: Network
    options: SolveOptions


def carry_forward(frame: pd.DataFrame, years: Sequence[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame`` (supply or demand rows) with rows added for every year of ``years`` that a
    series lacks, copied from its latest earlier year: (the table, the added rows' origin as
    ``row_id``/``from_id``/``from_year``)."""
    if frame.empty:
        return frame, pd.DataFrame(columns=["row_id", "from_id", "from_year"])
    rows = frame.reset_index(names="row_id")
    have = rows[[*_SERIES, "year"]].dropna().drop_duplicates().astype({"year": "int64"})
    wanted = (
        have[_SERIES].drop_duplicates().merge(pd.DataFrame({"plan_year": list(years)}), how="cross")
    )
    wanted = wanted.sort_values("plan_year")
    latest = pd.merge_asof(
        wanted,
        have.rename(columns={"year": "from_year"}).sort_values("from_year"),
        left_on="plan_year",
        right_on="from_year",
        by=_SERIES,
        direction="backward",
    ).dropna(subset=["from_year"])
    latest = latest[latest["from_year"] < latest["plan_year"]]
    latest = latest.astype({"from_year": "int64"}).rename(columns={"from_year": "year"})
    copies = rows.astype({"year": "int64"}).merge(latest, on=[*_SERIES, "year"])
    if copies.empty:
        return frame, pd.DataFrame(columns=["row_id", "from_id", "from_year"])
    origin = pd.DataFrame(
        {
            "row_id": copies["row_id"] + "@" + copies["plan_year"].astype(int).astype(str),
            "from_id": copies["row_id"],
            "from_year": copies["year"].astype(int),
        }
    )
    copies = copies.assign(row_id=origin["row_id"].to_numpy(), year=copies["plan_year"].astype(int))
    added = copies.drop(columns="plan_year").set_index("row_id").rename_axis(frame.index.name)
    return pd.concat([frame, added[frame.columns].astype(frame.dtypes.to_dict())]), origin


def _carried_provenance(provenance: pd.DataFrame, table: str, origin: pd.DataFrame) -> pd.DataFrame:
    """Provenance rows for carried rows: the original row's, noted as carried."""
    prov = provenance[provenance["table"] == table]
    rows = origin.merge(prov, left_on="from_id", right_on="row_id", suffixes=("", "_old"))
    rows["note"] = "carried forward from " + rows["from_year"].astype(str)
    return rows[provenance.columns]


def carried_network(network: Network, years: Sequence[int]) -> tuple[Network, pd.DataFrame]:
    """``network`` with supply and demand carried forward to ``years`` (and their provenance);
    the second value lists every carried row (table, row_id, from_id, from_year)."""
    tables, origins, extra = {}, [], []
    for table in ("supply", "demand"):
        frame, origin = carry_forward(getattr(network, table), years)
        tables[table] = frame
        origins.append(origin.assign(table=table))
        extra.append(_carried_provenance(network.provenance, table, origin))
    provenance = pd.concat([network.provenance, *extra], ignore_index=True)
    carried = pd.concat(origins, ignore_index=True)
    return network.replace(**tables, provenance=provenance), carried


def open_project_links(network: Network, candidates: pd.DataFrame) -> Network:
    """Links of available link projects that do not run today made to run with capacity 0,
    and a zero supply row in every year for supply projects at a node without one."""
    chosen = candidates[candidates["available"]]
    link_ids = sorted(
        {x for ls in chosen.loc[chosen["adds"] == "link_capacity", "links"] for x in ls}
    )
    links = network.links.copy()
    shut = [
        x
        for x in link_ids
        if links.at[x, "status"] != "operating" or pd.isna(links.at[x, "capacity"])
    ]
    if shut:
        links.loc[shut, "status"] = "operating"
        links.loc[shut, "start_year"] = pd.NA
        links.loc[shut, ["capacity", "capacity_canonical"]] = 0.0
    return network.replace(links=links, supply=_zero_supply(network.supply, chosen))


def _zero_supply(supply: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    fields = chosen[chosen["adds"] == "supply"][["node_id", "commodity", "unit"]]
    if fields.empty:
        return supply
    years = sorted(supply["year"].dropna().astype(int).unique())
    grid = fields.merge(pd.DataFrame({"year": years}), how="cross")
    have = supply[["node_id", "commodity", "year"]].drop_duplicates()
    missing = grid.merge(have, how="left", indicator=True).query("_merge == 'left_only'")
    if missing.empty:
        return supply
    ids = (
        "SUP_"
        + missing["node_id"]
        + "_"
        + missing["commodity"]
        + "_"
        + missing["year"].astype(str)
        + "_PLAN"
    )
    rows = pd.DataFrame(
        {
            "node_id": missing["node_id"].to_numpy(),
            "commodity": missing["commodity"].to_numpy(),
            "year": missing["year"].to_numpy(),
            "value": 0.0,
            "unit": missing["unit"].to_numpy(),
            "note": "no supply before the project (corridor plan)",
            "canonical_unit": missing["unit"].to_numpy(),
            "value_canonical": 0.0,
        },
        index=pd.Index(ids.to_numpy(), name=supply.index.name),
    )
    return pd.concat([supply, rows[supply.columns].astype(supply.dtypes.to_dict())])


def _for_year(scenario: Scenario, year: int) -> Scenario:
    """The target scenario as applied in ``year``: before its own year without its supply and
    demand entries (the target is not due yet)."""
    update: dict[str, object] = {"year": year}
    if year < scenario.year:
        update |= {"supply": [], "demand": []}
    return dataclasses.replace(scenario, spec=scenario.spec.model_copy(update=update))


def plan_years(
    network: Network, scenario: Scenario, years: Sequence[int], options: SolveOptions
) -> tuple[list[PlanYear], pd.DataFrame]:
    """Every plan year's network and options (see the module's rules), and the carried rows."""
    carried, origin = carried_network(network, years)
    out = []
    for year in years:
        applied = apply_scenario(_for_year(scenario, year), carried)
        opts = dataclasses.replace(
            options,
            year=year,
            rules=applied.options.rules,
            commodity_rules=applied.options.commodity_rules,
        )
        out.append(PlanYear(year, applied.network, opts))
    return out, origin
