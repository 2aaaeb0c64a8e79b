"""Read a solved pathway: what is built when, what each year delivers, what each target gets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.pathway.model import Pathway

__all__ = ["builds", "capacity_timeline", "deliveries", "goal_table", "usd_by_year"]

_BUILT = 1e-6  # a build share below this is not built


def builds(p: Pathway, x: np.ndarray, candidates: pd.DataFrame) -> pd.DataFrame:
    """One row per project built (a share of it when divisible): its years, size and cost."""
    d = p.decisions.assign(share=x[p.decisions["col"].to_numpy(int)])
    d = d[d["share"] > _BUILT].copy()
    d["capacity_added"] = d["increment"] * d["share"]
    d["capital_usd"] = d["capital_usd"] * d["share"]
    d["capital_discounted_usd"] = d["capital"] * d["share"]
    columns = [
        "project_id", "name", "adds", "decision_year", "online_year", "share", "capacity_added",
        "unit", "capital_usd", "capital_discounted_usd",
    ]  # fmt: skip
    return d[columns].sort_values(["online_year", "project_id"]).reset_index(drop=True)


def capacity_timeline(p: Pathway, x: np.ndarray) -> pd.DataFrame:
    """Capacity each project adds in each plan year: project_id, year, capacity_added, unit.
    0 before it runs, after its lifetime, and in years its links or field are not in the
    network (e.g. past a link's end year)."""
    d = p.decisions.assign(share=x[p.decisions["col"].to_numpy(int)])
    d = d[d["share"] > _BUILT]
    grid = d.merge(pd.DataFrame({"year": list(p.years)}), how="cross")
    coupled = p.couplings[["project_id", "year"]].drop_duplicates().assign(coupled=True)
    grid = grid.merge(coupled, on=["project_id", "year"], how="left")
    runs = (grid["year"] >= grid["online_year"]) & (grid["year"] < grid["end_year"])
    runs &= grid["coupled"].eq(True)
    grid["capacity_added"] = np.where(runs, grid["increment"] * grid["share"], 0.0)
    out = grid.groupby(["project_id", "year", "unit"], as_index=False)["capacity_added"].sum()
    return out[["project_id", "year", "capacity_added", "unit"]]


_TO = {"d": "demand", "m": "market", "z": "agreement"}


def deliveries(p: Pathway, x: np.ndarray, units: dict[str, str]) -> pd.DataFrame:
    """Deliveries of every plan year: to demand (with demand and unmet), to open markets and
    to agreements' destinations (beyond any demand there)."""
    cols = p.columns[p.columns["block"].isin(list(_TO))]
    at = cols["col"].to_numpy(int)
    out = cols[["year", "node_id", "commodity"]].assign(
        to=cols["block"].map(_TO),
        demand=np.where(cols["block"] == "d", p.col_upper[at], np.nan),
        delivered=np.where(np.abs(x[at]) > 1e-9, x[at], 0.0),
        unit=cols["commodity"].map(units),
    )
    unmet = (out["demand"] - out["delivered"]).clip(lower=0.0)
    out["unmet"] = unmet.where(unmet >= 1e-9, 0.0)
    rank = out["to"].map({"demand": 0, "market": 1, "agreement": 2})
    out = out.assign(rank=rank).sort_values(["year", "rank"], kind="stable")
    columns = ["year", "to", "node_id", "commodity", "demand", "delivered", "unmet", "unit"]
    return out[columns].reset_index(drop=True)


def goal_table(p: Pathway, x: np.ndarray, goals: dict[str, tuple[float, str]]) -> pd.DataFrame:
    """Each delivery target's years: target, achieved, short (its labelled shortfall), unit."""
    g = p.goals.copy()
    g["short"] = x[g["col"].to_numpy(int)] if len(g) else []
    g["target"] = [goals[n][0] for n in g["goal"]]
    g["unit"] = [goals[n][1] for n in g["goal"]]
    g["short"] = g["short"].where(g["short"] > 1e-9, 0.0)
    g["achieved"] = g["target"] - g["short"]
    return g[["goal", "year", "target", "achieved", "short", "unit"]]


def usd_by_year(p: Pathway, x: np.ndarray) -> pd.DataFrame:
    """USD a year by item (undiscounted): capital spent, tariffs paid, value of priced
    deliveries; penalties and priority weights are not in it."""
    d = p.decisions
    spent = (x[d["col"].to_numpy(int)] * d["capital_usd"]).groupby(d["decision_year"]).sum()
    cols = p.columns
    usd = cols["c_value"].to_numpy(float) * x[cols["col"].to_numpy(int)]
    flow = (cols["block"] == "x").to_numpy()
    frame = (
        pd.DataFrame(
            {
                "capital": spent.reindex(list(p.years), fill_value=0.0),
                "tariffs": pd.Series(np.where(flow, usd, 0.0)).groupby(cols["year"]).sum(),
                "delivery_value": pd.Series(np.where(flow, 0.0, -usd)).groupby(cols["year"]).sum(),
            }
        )
        .rename_axis("year")
        .reset_index()
    )
    out = frame.melt(id_vars="year", var_name="item", value_name="usd_per_yr")
    out["unit"] = "USD/yr"
    return out.sort_values(["year", "item"]).reset_index(drop=True)


def added_bounds(p: Pathway, x: np.ndarray) -> pd.DataFrame:
    """The capacity (or supply) the plan's builds add to each coupled row of each year:
    year, row (global), kind, field_col (a supply project's column, else -1), added."""
    terms = p.couplings.merge(
        p.decisions[["project_id", "col", "online_year", "end_year", "increment"]], on="project_id"
    )
    runs = (terms["year"] >= terms["online_year"]) & (terms["year"] < terms["end_year"])
    terms = terms[runs].assign(added=lambda t: t["increment"] * x[t["col"].to_numpy(int)])
    return terms.groupby(["year", "row", "kind", "field_col"], as_index=False)["added"].sum()
