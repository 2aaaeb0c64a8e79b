"""The pathway MILP: one flow LP per year side by side, linked by build decisions.

Columns: every year's flow columns (:mod:`corridor.optimize.build`), then one build column
``b[p, t]`` per candidate project and decision year (binary when lumpy, a share in [0, 1]
when divisible; the project runs from ``t + lead`` for its lifetime), then one shortfall
column per delivery target and year. Rows: every year's rows, with each project's increment
added to the capacity rows of its links (or to its field's supply) in the years it runs; one
build per project; exclusive alternatives; budgets; delivery targets (flow through the
target's links plus the labelled shortfall >= the target); an agreement's free sink taking
at most what its agreements bring (so a target is met by deliveries, not by flow poured
into a sink, which nothing in a solve has reason to do).

Objective (USD-equivalent, discounted to the first year at ``discount_rate``): each year's
priority-stage costs (tariffs, prices of deliveries, unmet demand at its penalty), capital
lump-sum in the decision year, fixed costs in the years a project runs, and each target's
shortfall at the penalty of its commodity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from corridor.errors import SolveError
from corridor.optimize.build import CAPACITY, LinearProgram
from corridor.optimize.solve import new_highs, pass_model

__all__ = [
    "DeliveryGoal",
    "Pathway",
    "PathwaySettings",
    "PathwaySolver",
    "build_pathway",
    "discount_factors",
]


@dataclass(frozen=True)
class PathwaySettings:
    """What a plan optimises over: its years, the discount rate, budgets (USD, undiscounted:
    total and per decision year), and whether lumpy projects may be built in part."""

    first_year: int = 2025
    last_year: int = 2035
    discount_rate: float = 0.05
    budget_usd: float | None = None
    budget_usd_per_year: float | None = None
    relax: bool = False

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


@dataclass(frozen=True)
class DeliveryGoal:
    """Flow through ``links`` (in their canonical capacity unit) of at least ``value`` in every
    year from ``year``."""

    name: str
    links: tuple[str, ...]
    value: float
    unit: str
    year: int
    penalty: float


@dataclass(frozen=True)
class Pathway:
    """The assembled MILP and the index maps that read its solution."""

    c: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray
    a: sparse.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    constant: float
    years: tuple[int, ...]
    col_offset: np.ndarray  # first column of each year's block (and the end)
    row_offset: np.ndarray
    decisions: pd.DataFrame  # project_id, decision_year, online_year, end_year, col, capital
    couplings: pd.DataFrame  # project_id, year, row, kind (capacity | supply), field_col
    goals: pd.DataFrame  # goal, year, row, col (its shortfall column)
    discount: np.ndarray  # discount factor of each year
    columns: pd.DataFrame  # every year's columns (see _column_table)
    capacity: pd.DataFrame  # every year's capacity rows: year, row, link_id, unit


def discount_factors(years: list[int] | tuple[int, ...], rate: float) -> np.ndarray:
    """(1 + rate) ** -(year - first year)."""
    factors: np.ndarray = np.power(1.0 + rate, -(np.asarray(years, dtype=float) - years[0]))
    return factors


def _decisions(candidates: pd.DataFrame, years: list[int], discount: np.ndarray) -> pd.DataFrame:
    """One row per (available project, decision year) whose online year falls in the plan."""
    chosen = candidates[candidates["available"]].reset_index()
    grid = chosen.merge(pd.DataFrame({"decision_year": years}), how="cross")
    grid["online_year"] = grid["decision_year"] + grid["lead_years"]
    keep = (grid["online_year"] <= years[-1]) & (grid["online_year"] >= grid["earliest_year"])
    grid = grid[keep].reset_index(drop=True)
    grid["end_year"] = grid["online_year"] + grid["lifetime_years"]  # first year it no longer runs
    position = (grid["decision_year"] - years[0]).to_numpy(dtype=int)
    grid["capital"] = grid["capital_usd"] * discount[position]
    runs = (np.asarray(years)[None, :] >= grid["online_year"].to_numpy()[:, None]) & (
        np.asarray(years)[None, :] < grid["end_year"].to_numpy()[:, None]
    )
    grid["fixed"] = grid["fixed_usd_per_yr"] * (runs * discount[None, :]).sum(axis=1)
    return grid


def _column_table(
    lps: list[LinearProgram], years: list[int], col_offset: np.ndarray
) -> pd.DataFrame:
    """Every year's columns: year, col (global), block, node_id, commodity, link_id (flows),
    weight (flows: units of link capacity per unit), c_value (the USD-only cost)."""

    def one(lp: LinearProgram, year: int, offset: int) -> pd.DataFrame:
        flow = lp.col_block == "x"
        link = lp.arc_link[np.where(flow, lp.col_arc, 0)]
        commodity = np.maximum(lp.col_commodity, 0)
        return lp.cols[["block", "node_id", "commodity"]].assign(
            year=year,
            col=np.arange(len(lp.c)) + offset,
            link_id=pd.Series(lp.net.link_ids[link]).where(flow),
            weight=np.where(flow, lp.net.weight[link, commodity], np.nan),
            c_value=lp.c_value,
        )

    return pd.concat(
        [one(lp, y, int(o)) for lp, y, o in zip(lps, years, col_offset, strict=False)],
        ignore_index=True,
    )


def _capacity_table(
    lps: list[LinearProgram], years: list[int], row_offset: np.ndarray
) -> pd.DataFrame:
    """Every year's capacity rows: year, row (global), link_id, unit (the link's canonical)."""

    def one(lp: LinearProgram, year: int, offset: int) -> pd.DataFrame:
        rows = np.flatnonzero(lp.row_block == CAPACITY)
        link = lp.arc_link[lp.row_arc[rows]]
        return pd.DataFrame(
            {"year": year, "row": rows + offset, "link_id": lp.net.link_ids[link],
             "unit": lp.net.link_unit[link]}
        )  # fmt: skip

    return pd.concat(
        [one(lp, y, int(o)) for lp, y, o in zip(lps, years, row_offset, strict=False)],
        ignore_index=True,
    )


def _goal_rows(goals: Sequence[DeliveryGoal], years: list[int]) -> pd.DataFrame:
    """One row per goal and year from its year: goal (position), year, value, penalty, links."""
    frame = pd.DataFrame(
        {"goal": range(len(goals)), "from_year": [g.year for g in goals],
         "value": [g.value for g in goals], "penalty": [g.penalty for g in goals],
         "links": [g.links for g in goals]}
    )  # fmt: skip
    grid = frame.merge(pd.DataFrame({"year": years}), how="cross")
    return grid[grid["year"] >= grid["from_year"]].reset_index(drop=True)


def build_pathway(
    lps: list[LinearProgram],
    candidates: pd.DataFrame,
    settings: PathwaySettings,
    goals: Sequence[DeliveryGoal] = (),
) -> Pathway:
    """Assemble the MILP of ``lps`` (one per plan year, in order) and the candidate projects."""
    years = settings.years
    discount = discount_factors(years, settings.discount_rate)
    n_cols = np.array([len(lp.c) for lp in lps])
    n_rows = np.array([len(lp.row_lower) for lp in lps])
    col_offset = np.concatenate([[0], np.cumsum(n_cols)])
    row_offset = np.concatenate([[0], np.cumsum(n_rows)])
    n_flow, n_base_rows = int(col_offset[-1]), int(row_offset[-1])
    c = np.concatenate([d * lp.c for d, lp in zip(discount, lps, strict=True)])
    col_upper = np.concatenate([lp.col_upper for lp in lps])
    row_lower = [np.concatenate([lp.row_lower for lp in lps])]
    row_upper = [np.concatenate([lp.row_upper for lp in lps])]
    constant = float(sum(d * lp.constant for d, lp in zip(discount, lps, strict=True)))

    decisions = _decisions(candidates, years, discount)
    decisions["col"] = n_flow + np.arange(len(decisions))
    n_build = len(decisions)
    entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    next_row = n_base_rows

    def add_rows(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        nonlocal next_row
        rows = np.arange(next_row, next_row + len(lower))
        next_row += len(lower)
        row_lower.append(np.asarray(lower, dtype=float))
        row_upper.append(np.asarray(upper, dtype=float))
        return rows

    # --- a project's increment on its links' capacity rows in the years it runs --------------
    project_links = decisions[decisions["adds"] == "link_capacity"][["project_id", "links"]]
    project_links = project_links.drop_duplicates("project_id").explode("links")
    columns = _column_table(lps, years, col_offset)
    capacity = _capacity_table(lps, years, row_offset)
    cap = capacity.merge(project_links.rename(columns={"links": "link_id"}), on="link_id")
    # --- a supply project: its field's supply column bounded by a row instead ---------------
    fields = decisions[decisions["adds"] == "supply"][["project_id", "node_id", "commodity"]]
    scol = columns[columns["block"] == "s"].merge(
        fields.drop_duplicates("project_id"), on=["node_id", "commodity"]
    )
    field_cols = np.unique(scol["col"].to_numpy(dtype=int))
    s_rows = add_rows(np.full(len(field_cols), -np.inf), col_upper[field_cols])
    entries.append((s_rows, field_cols, np.ones(len(field_cols))))
    col_upper[field_cols] = np.inf
    scol["row"] = s_rows[np.searchsorted(field_cols, scol["col"].to_numpy(dtype=int))]
    keep = ["project_id", "year", "row", "kind", "field_col"]
    couplings = pd.concat(
        [cap.assign(kind="capacity", field_col=-1)[keep],
         scol.assign(kind="supply").rename(columns={"col": "field_col"})[keep]],
        ignore_index=True,
    )  # fmt: skip
    terms = couplings.merge(
        decisions[["project_id", "col", "online_year", "end_year", "increment"]], on="project_id"
    )
    terms = terms[(terms["year"] >= terms["online_year"]) & (terms["year"] < terms["end_year"])]
    entries.append(
        (
            terms["row"].to_numpy(int),
            terms["col"].to_numpy(int),
            -terms["increment"].to_numpy(float),
        )
    )

    # --- one build per project, exclusive alternatives, budgets --------------------------------
    projects = pd.Index(decisions["project_id"].unique())
    one = add_rows(np.full(len(projects), -np.inf), np.ones(len(projects)))
    entries.append(
        (
            one[projects.get_indexer(decisions["project_id"])],
            decisions["col"].to_numpy(int),
            np.ones(n_build),
        )
    )
    pairs = (
        candidates.loc[candidates["available"], ["excludes"]]
        .explode("excludes")
        .dropna()
        .reset_index()
    )
    pairs = pairs[pairs["excludes"].isin(projects) & pairs["project_id"].isin(projects)]
    pairs = pairs[pairs["project_id"] < pairs["excludes"]]
    ex = add_rows(np.full(len(pairs), -np.inf), np.ones(len(pairs)))
    for side in ("project_id", "excludes"):
        joined = (
            pairs.reset_index(drop=True)
            .reset_index()
            .merge(decisions[["project_id", "col"]], left_on=side, right_on="project_id")
        )
        entries.append(
            (ex[joined["index"].to_numpy(int)], joined["col"].to_numpy(int), np.ones(len(joined)))
        )
    if settings.budget_usd is not None:
        total = add_rows(np.array([-np.inf]), np.array([settings.budget_usd]))
        entries.append(
            (
                np.repeat(total, n_build),
                decisions["col"].to_numpy(int),
                decisions["capital_usd"].to_numpy(float),
            )
        )
    if settings.budget_usd_per_year is not None:
        yearly = add_rows(
            np.full(len(years), -np.inf), np.full(len(years), settings.budget_usd_per_year)
        )
        at = (decisions["decision_year"] - years[0]).to_numpy(int)
        entries.append(
            (yearly[at], decisions["col"].to_numpy(int), decisions["capital_usd"].to_numpy(float))
        )

    # --- an agreement's free sink takes no more than its agreements bring there ----------------
    # (in a solve nothing gains from sending free flow into it; a delivery goal would)
    keys = ["year", "node_id", "commodity"]
    sinks = columns[columns["block"] == "z"][[*keys, "col"]].reset_index(drop=True)
    sink_rows = add_rows(np.full(len(sinks), -np.inf), np.zeros(len(sinks)))
    exits = columns[columns["block"] == "e"][[*keys, "col"]].merge(
        sinks.assign(row=sink_rows)[[*keys, "row"]], on=keys
    )
    entries.append((sink_rows, sinks["col"].to_numpy(int), np.ones(len(sinks))))
    entries.append((exits["row"].to_numpy(int), exits["col"].to_numpy(int), -np.ones(len(exits))))

    # --- delivery goals: flow through the links + shortfall >= the goal ------------------------
    goal_rows = _goal_rows(goals, years)
    goal_rows["row"] = add_rows(goal_rows["value"].to_numpy(float), np.full(len(goal_rows), np.inf))
    goal_rows["col"] = n_flow + n_build + np.arange(len(goal_rows))
    on_links = goal_rows[["goal", "year", "row", "links"]].explode("links")
    joined = columns[columns["block"] == "x"].merge(
        on_links.rename(columns={"links": "link_id"}), on=["year", "link_id"]
    )
    entries.append(
        (joined["row"].to_numpy(int), joined["col"].to_numpy(int), joined["weight"].to_numpy(float))
    )
    entries.append(
        (goal_rows["row"].to_numpy(int), goal_rows["col"].to_numpy(int), np.ones(len(goal_rows)))
    )
    year_pos = (goal_rows["year"] - years[0]).to_numpy(int)
    short_cost = discount[year_pos] * goal_rows["penalty"].to_numpy(float)

    base = sparse.block_diag([lp.a for lp in lps], format="coo")
    rows_all = np.concatenate([base.row, *(r for r, _, _ in entries)]).astype(np.int64)
    cols_all = np.concatenate([base.col, *(k for _, k, _ in entries)]).astype(np.int64)
    vals_all = np.concatenate([base.data, *(v for _, _, v in entries)]).astype(float)
    n_total = n_flow + n_build + len(goal_rows)
    a = sparse.csc_matrix((vals_all, (rows_all, cols_all)), shape=(next_row, n_total))
    integrality = np.zeros(n_total, dtype=np.uint8)
    if not settings.relax:
        integrality[decisions.loc[decisions["lumpy"], "col"].to_numpy(int)] = 1
    names = np.array([g.name for g in goals], dtype=object)
    goals_frame = goal_rows.assign(goal=names[goal_rows["goal"].to_numpy(int)])[
        ["goal", "year", "row", "col"]
    ]
    return Pathway(
        c=np.concatenate(
            [c, (decisions["capital"] + decisions["fixed"]).to_numpy(float), short_cost]
        ),
        col_lower=np.zeros(n_total),
        col_upper=np.concatenate([col_upper, np.ones(n_build), np.full(len(goal_rows), np.inf)]),
        integrality=integrality,
        a=a,
        row_lower=np.concatenate(row_lower),
        row_upper=np.concatenate(row_upper),
        constant=constant,
        years=tuple(years),
        col_offset=col_offset,
        row_offset=row_offset,
        decisions=decisions,
        couplings=couplings,
        goals=goals_frame,
        discount=discount,
        columns=columns,
        capacity=capacity,
    )


class PathwaySolver:
    """The MILP held in HiGHS, for the plan and the re-solves that value its projects."""

    def __init__(self, pathway: Pathway, *, time_limit_s: float = 600.0) -> None:
        self.pathway = pathway
        self.highs = new_highs()
        for name, value in {"time_limit": float(time_limit_s), "mip_rel_gap": 1e-9}.items():
            self.highs.setOptionValue(name, value)
        pass_model(self.highs, pathway, pathway.integrality)

    def solve(
        self, upper: dict[int, float] | None = None, lower: dict[int, float] | None = None
    ) -> tuple[np.ndarray, float]:
        """(column values, objective) with some build columns' bounds changed for this solve."""
        p = self.pathway
        changed = sorted({*(upper or {}), *(lower or {})})
        for col in changed:
            lo = (lower or {}).get(col, p.col_lower[col])
            hi = (upper or {}).get(col, p.col_upper[col])
            self.highs.changeColBounds(col, lo, hi)
        self.highs.run()
        status = self.highs.getModelStatus()
        try:
            if status != highspy.HighsModelStatus.kOptimal:
                text = self.highs.modelStatusToString(status)
                raise SolveError(f"HiGHS did not find an optimal plan: {text}")
            x = np.asarray(self.highs.getSolution().col_value)
            return x, float(self.highs.getInfo().objective_function_value)
        finally:
            for col in changed:
                self.highs.changeColBounds(col, p.col_lower[col], p.col_upper[col])
