"""corridor.plan: which candidate projects, built in which year, reach a target at least cost.

network = corridor.load()
done = corridor.plan(network, "eu-20bcm-2027")   # a shipped target scenario, or a file
done.builds, done.deliveries, done.values, done.would_take
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.dataset.network import Network, canonical_units
from corridor.errors import OptionError, SolveError
from corridor.options import SolveOptions
from corridor.pathway import solution
from corridor.pathway.candidates import candidate_projects
from corridor.pathway.gaps import what_it_would_take
from corridor.pathway.model import (
    DeliveryGoal,
    Pathway,
    PathwaySettings,
    PathwaySolver,
    build_pathway,
)
from corridor.pathway.values import (
    SENSITIVITY_COLUMNS,
    VALUE_COLUMNS,
    project_values,
    range_sensitivity,
)
from corridor.pathway.years import PlanYear, open_project_links, plan_years
from corridor.pipeline import Held, hold, solve_model
from corridor.results import Results
from corridor.scenario import Scenario, read_scenario
from corridor.units import UNITS, convert

__all__ = ["Plan", "delivery_goals", "hold_years", "plan"]

_GOAL_PENALTY = 1e10  # per canonical unit short, as unmet demand (corridor.commodities)


@dataclass(frozen=True)
class Plan:
    """A pathway: the projects chosen and what the network then delivers, year by year.

    Tables (units beside every number): ``builds`` (each project built: decision and first
    year, share, capacity added, capital USD), ``timeline`` (capacity each adds each year),
    ``deliveries`` (each year's deliveries to demand and to world markets, with unmet demand),
    ``goals`` (delivery targets: achieved and the labelled shortfall), ``costs`` (USD a year:
    capital, tariffs, value of priced deliveries), ``values`` (each candidate's worth),
    ``shadow_prices`` (USD a year per unit of a built project's capacity, in the years it
    binds), ``sensitivity`` (choices that turn on one uncertain figure), ``would_take``
    (capacity beyond the plan that closes what stays short: not part of the plan),
    ``candidates`` (every project, available or why not).
    """

    target: str
    target_year: int
    settings: PathwaySettings
    objective: float
    relaxation_gap: float | None
    builds: pd.DataFrame
    timeline: pd.DataFrame
    deliveries: pd.DataFrame
    goals: pd.DataFrame
    costs: pd.DataFrame
    values: pd.DataFrame
    shadow_prices: pd.DataFrame
    sensitivity: pd.DataFrame
    would_take: pd.DataFrame
    candidates: pd.DataFrame
    carried: pd.DataFrame
    scenario: Scenario = field(repr=False)
    years: tuple[PlanYear, ...] = field(repr=False)
    results: tuple[Results, ...] = field(repr=False)
    seconds: float = 0.0

    @property
    def unmet(self) -> pd.DataFrame:
        """Deliveries to demand that fall short, by year."""
        d = self.deliveries
        return d[(d["to"] == "demand") & (d["unmet"] > 0)].reset_index(drop=True)


def _check_settings(settings: PathwaySettings, scenario: Scenario) -> None:
    problems = []
    if settings.first_year > settings.last_year:
        problems.append(f"--from {settings.first_year} is after --to {settings.last_year}")
    if not 0 <= settings.discount_rate < 1:
        problems.append(
            f"--discount-rate {settings.discount_rate:g}: give a rate in [0, 1), e.g. 0.05"
        )
    for name, value in (
        ("--budget", settings.budget_usd),
        ("--budget-per-year", settings.budget_usd_per_year),
    ):
        if value is not None and not value >= 0:  # NaN too
            problems.append(f"{name} {value:g}: a budget is a non-negative amount of USD")
    if not settings.first_year <= scenario.year <= settings.last_year:
        problems.append(
            f"the target {scenario.name} is for {scenario.year}, outside the plan's years "
            f"{settings.first_year}-{settings.last_year}; widen --from/--to"
        )
    if problems:
        raise OptionError(problems)


def delivery_goals(
    scenario: Scenario, network: Network
) -> tuple[list[DeliveryGoal], dict[str, tuple[float, str]]]:
    """The scenario's delivery targets in the links' canonical unit."""
    goals, shown = [], {}
    for i, t in enumerate(scenario.spec.targets):
        name = t.name or f"target-{i + 1}"
        units = {str(network.links.at[x, "canonical_unit"]) for x in t.links}
        unit = units.pop() if len(units) == 1 else None
        if unit is None or t.unit not in UNITS or UNITS[t.unit].dimension != UNITS[unit].dimension:
            raise OptionError(
                [
                    f"scenario {scenario.name}: targets[{i}].unit {t.unit!r}: the links "
                    f"{', '.join(t.links)} count capacity in {unit or 'different units'}; give the "
                    "target in that unit"
                ]
            )
        value = float(convert(t.value, t.unit, unit))
        goals.append(
            DeliveryGoal(name, tuple(t.links), value, unit, t.year or scenario.year, _GOAL_PENALTY)
        )
        shown[name] = (value, unit)
    return goals, shown


def hold_years(years: list[PlanYear], candidates: pd.DataFrame) -> list[Held]:
    """Each plan year's network (project links open at 0) and its flow model, through the
    pipeline."""
    return [hold(open_project_links(y.network, candidates), options=y.options) for y in years]


def _year_results(p: Pathway, x: np.ndarray, held: list[Held]) -> list[Results]:
    """Each year solved by the flow engine with the plan's capacities (USD shadow prices)."""
    added = solution.added_bounds(p, x)
    out = []
    for i, h in enumerate(held):
        lp, mine = h.model.lp, added[added["year"] == p.years[i]]
        cap, sup = mine[mine["kind"] == "capacity"], mine[mine["kind"] == "supply"]
        rows = cap["row"].to_numpy(int) - p.row_offset[i]
        cols = sup["field_col"].to_numpy(int) - p.col_offset[i]
        h.model.set_bounds(
            rows, lp.row_upper[rows] + cap["added"].to_numpy(float),
            cols, lp.col_upper[cols] + sup["added"].to_numpy(float),
        )  # fmt: skip
        out.append(solve_model(h.network, h.model, h.options))
    return out


def _shadow_prices(
    builds: pd.DataFrame, candidates: pd.DataFrame, results: list[Results]
) -> pd.DataFrame:
    """USD a year per unit of a built link project's capacity (the sum over its links, in
    their forward direction), in each year from its first."""
    columns = ["project_id", "year", "binding", "shadow_price", "shadow_price_unit"]
    links = pd.concat([r.links.assign(year=r.year) for r in results], ignore_index=True)
    links = links[~links["reverse"].astype(bool)]
    own = (
        builds[["project_id", "online_year", "unit"]]
        .assign(link_id=builds["project_id"].map(candidates["links"]))
        .explode("link_id")
    )
    hit = own.merge(links, on="link_id")
    hit = hit[hit["year"] >= hit["online_year"]]
    if hit.empty:
        return pd.DataFrame(columns=columns)
    out = hit.groupby(["project_id", "year", "unit_x"], as_index=False).agg(
        binding=("binding", "any"), shadow_price=("shadow_price", lambda v: v.sum(min_count=1))
    )
    out["shadow_price_unit"] = "USD/yr per " + out["unit_x"]
    return out[columns]


def _chosen(p: Pathway, x: np.ndarray) -> frozenset[str]:
    d = p.decisions
    return frozenset(d.loc[x[d["col"].to_numpy(int)] > 1e-6, "project_id"])


def _ranges(network: Network, candidates: pd.DataFrame) -> pd.DataFrame:
    prov = network.provenance
    take = (prov["table"] == "projects") & prov["column"].isin(["capital_cost", "increment"])
    take &= (
        prov["low"].notna()
        & prov["high"].notna()
        & prov["row_id"].isin(candidates.index[candidates["available"]])
    )
    return prov[take]


def _without(candidates: pd.DataFrame, without: Iterable[str]) -> pd.DataFrame:
    """The candidates with ``without`` made unavailable (each must be a project of the data)."""
    ids = list(dict.fromkeys(without))
    unknown = [x for x in ids if x not in candidates.index]
    if unknown:
        known = [str(i) for i in candidates.index]
        raise OptionError(
            [
                f"--without {x}: no project with this id in projects.csv"
                + (
                    f"; did you mean {', '.join(close)}?"
                    if (close := difflib.get_close_matches(x, known, n=2))
                    else ""
                )
                for x in unknown
            ]
        )
    out = candidates.copy()
    out.loc[ids, "reason"] = "left out (--without)"
    out.loc[ids, "available"] = False
    return out


def plan(
    network: Network,
    target: Scenario | str | Path,
    settings: PathwaySettings | None = None,
    options: SolveOptions | None = None,
    *,
    without: Iterable[str] = (),
    values: bool = True,
) -> Plan:
    """Choose the projects and years that reach ``target`` (a scenario: its demand from its
    year, its delivery targets) at least discounted cost over ``settings.years``.

    Raises
    ------
    ScenarioError
        If the target cannot be read or applied.
    OptionError
        If a setting is out of range or the target's year is outside the plan.
    SolveError
        If HiGHS finds no optimal plan (an unreachable target is not an error: it is reported
        as unmet demand or a target's shortfall, with what it would take).
    """
    t0 = time.perf_counter()
    settings = settings or PathwaySettings()
    scenario = target if isinstance(target, Scenario) else read_scenario(target)
    _check_settings(settings, scenario)
    years, carried = plan_years(network, scenario, settings.years, options or SolveOptions())
    applied = years[0].network  # the target's links and project changes hold in every year
    goals, goal_units = delivery_goals(scenario, applied)
    candidates = _without(candidate_projects(applied, settings.first_year), without)
    held = hold_years(years, candidates)
    lps = [h.model.lp for h in held]
    units = canonical_units(network.commodities)

    def assemble(cands: pd.DataFrame, s: PathwaySettings) -> Pathway:
        return build_pathway(lps, cands, s, goals)

    p = assemble(candidates, settings)
    solver = PathwaySolver(p)
    x, objective = solver.solve()
    gap = _relaxation_gap(p, x, objective) if settings.relax else None

    def flows(v: np.ndarray) -> pd.DataFrame:
        return solution.deliveries(p, v, units)

    def usd(v: np.ndarray) -> float:
        """Sourced USD over the plan (undiscounted): delivery value less tariffs and capital."""
        costs = solution.usd_by_year(p, v).pivot(index="year", columns="item", values="usd_per_yr")
        return float((costs["delivery_value"] - costs["tariffs"] - costs["capital"]).sum())

    builds = solution.builds(p, x, candidates)
    deliveries = flows(x)
    goal_frame = solution.goal_table(p, x, goal_units)
    short = (deliveries["unmet"] > 1e-6).any() or (goal_frame["short"] > 1e-6).any()
    results = _year_results(p, x, held)
    table_values = pd.DataFrame(columns=list(VALUE_COLUMNS))  # not computed: no rows
    sensitivity = pd.DataFrame(columns=list(SENSITIVITY_COLUMNS))
    if values:
        table_values = project_values(solver, x, objective, flows, usd)
        chosen = _chosen(p, x)

        def again(pid: str, column: str, value: float) -> frozenset[str]:
            changed = _without(
                _with_figure(applied, pid, column, value, settings.first_year), without
            )
            q = assemble(changed, settings)
            return _chosen(q, PathwaySolver(q).solve()[0])

        sensitivity = range_sensitivity(_ranges(applied, candidates), chosen, again)
    return Plan(
        target=scenario.name,
        target_year=scenario.year,
        settings=settings,
        objective=objective,
        relaxation_gap=gap,
        builds=builds,
        timeline=solution.capacity_timeline(p, x),
        deliveries=deliveries,
        goals=goal_frame,
        costs=solution.usd_by_year(p, x),
        values=table_values,
        shadow_prices=_shadow_prices(builds, candidates, results),
        sensitivity=sensitivity,
        would_take=what_it_would_take(p, x, units)
        if short
        else pd.DataFrame(columns=["year", "what", "id", "added", "unit"]),
        candidates=candidates.reset_index(),
        carried=carried,
        scenario=scenario,
        years=tuple(years),
        results=tuple(results),
        seconds=time.perf_counter() - t0,
    )


def _with_figure(network: Network, pid: str, column: str, value: float, first: int) -> pd.DataFrame:
    """The candidates with one project figure (capital_cost or increment) set to ``value``."""
    projects = network.projects.copy()
    projects.at[pid, column] = value
    return candidate_projects(network.replace(projects=projects), first)


def _relaxation_gap(p: Pathway, x: np.ndarray, relaxed: float) -> float | None:
    """How far the relaxed plan's objective is below the plan with every lumpy share rounded
    (a feasible integer plan): (rounded - relaxed) / |relaxed|; None if rounding breaks a limit."""
    d = p.decisions
    cols = d["col"].to_numpy(int)
    shares = np.where(d["lumpy"].to_numpy(bool), np.round(x[cols]), x[cols])
    fixed = dict(zip(cols.tolist(), shares.tolist(), strict=True))
    try:
        _, rounded = PathwaySolver(p).solve(upper=fixed, lower=fixed)
    except SolveError:
        return None
    return (rounded - relaxed) / max(abs(relaxed), 1.0)
