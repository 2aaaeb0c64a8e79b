"""The same synthetic investment pathway planned by corridor and by PyPSA's multi-investment-
period optimisation (benchmarks/run_pathway.py).

The instance (seeded): a synthetic network of one commodity (benchmarks/synthetic.py), supply
and demand that grow every year, and candidate projects, each adding capacity to one existing link
(lumpy or divisible, capital in USD, a lead time, a lifetime beyond the plan).

corridor plans it with ``corridor.plan`` (a target scenario with no entries: the dataset's
yearly demand is the target). PyPSA gets the same problem: one investment period per year
with one snapshot each, period weights = corridor's discount factors, the existing links
fixed, and each candidate as one extendable Link per year it could come online (in parallel
with its link, same cost per unit of flow), its capital cost spread so that PyPSA's
period-weighted capital equals corridor's lump sum discounted from the decision year (online
year less lead time), a constraint that a project's copies add at most its increment (one
build per project), lumpy ones modular (``p_nom_mod`` = increment: a MILP), unmet demand as
generators at the penalty. PyPSA stops after the solve (no ``assign_solution``), as in peers.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from synthetic import PENALTY, Instance, make_instance, to_network

from corridor.dataset.network import Network

YEARS = tuple(range(2025, 2035))
GROWTH = 0.08  # supply and demand growth a year
RATE = 0.05  # discount rate
LIFETIME = 40  # years: beyond the plan
BUILT = 1e-6  # a share (corridor) or capacity (PyPSA) above this is a build


@dataclass(frozen=True)
class PathwayInstance:
    """A synthetic pathway: the network's arrays, yearly supply and demand, the candidates."""

    inst: Instance
    years: tuple[int, ...]
    supply: pd.DataFrame  # node, commodity, year, value
    demand: pd.DataFrame  # node, commodity, year, value
    projects: pd.DataFrame  # project_id, arc, increment, capital_musd, lead, lumpy


def grown(rows: pd.DataFrame, years: tuple[int, ...], growth: float) -> pd.DataFrame:
    """``rows`` (node, commodity, value) grown by ``growth`` a year from the first year, one row
    per year (3 decimals)."""
    grid = rows.merge(pd.DataFrame({"year": list(years)}), how="cross")
    factor = (1.0 + growth) ** (grid["year"] - years[0])
    return grid.assign(value=(grid["value"] * factor).round(3))


def congested_arcs(
    inst: Instance, supply: pd.DataFrame, demand: pd.DataFrame, year: int
) -> np.ndarray:
    """Arcs whose capacity binds with a positive dual in ``year``, most valuable first."""
    from corridor.optimize import FlowModel, build_model
    from corridor.optimize.build import CAPACITY
    from corridor.options import SolveOptions

    opts = SolveOptions(year=year, unmet_penalty={c: PENALTY for c in inst.commodities})
    net = to_network(
        inst, supply=supply[supply["year"] == year], demand=demand[demand["year"] == year]
    )
    lp = build_model(net, opts)
    dual = FlowModel(lp).solve().priority_dual
    rows = np.flatnonzero(lp.row_block == CAPACITY)
    ids = lp.net.link_ids[lp.arc_link[lp.row_arc[rows]]].astype(str)
    arcs = np.char.lstrip(ids, "L").astype(int)  # link L<i> is arc i
    order = np.argsort(dual[rows])  # most negative first: capacity worth most
    return np.asarray(arcs[order][dual[rows][order] < -1e-9])


def candidates(inst: Instance, arcs: np.ndarray, n: int, seed: int) -> pd.DataFrame:
    """``n`` projects on distinct arcs drawn from the 2n most congested (the rest at random):
    increment 0.3-1.0 of the link's capacity, capital USD 1,000-20,000 per Mt/yr (seeded),
    lead 0-2 years, every other one lumpy."""
    rng = np.random.default_rng(seed)
    pool = arcs[: 2 * n]
    if len(pool) < n:
        others = np.setdiff1d(np.arange(len(inst.tail)), pool)
        pool = np.concatenate([pool, rng.choice(others, n - len(pool), replace=False)])
    chosen = np.sort(rng.choice(pool, n, replace=False))
    increment = np.round(inst.capacity[chosen] * rng.uniform(0.3, 1.0, n), 1)
    per_unit = rng.uniform(0.001, 0.02, n)  # million USD per Mt/yr
    return pd.DataFrame(
        {
            "project_id": [f"P_{i:02d}" for i in range(n)],
            "arc": chosen,
            "increment": increment,
            "capital_musd": np.round(increment * per_unit, 4),
            "lead": rng.integers(0, 3, n),
            "lumpy": np.arange(n) % 2 == 0,
        }
    )


def make_pathway(
    n_nodes: int = 250, n_candidates: int = 50, years: tuple[int, ...] = YEARS, seed: int = 0
) -> PathwayInstance:
    """The seeded synthetic pathway: one commodity, supply and demand growing by GROWTH a
    year, candidates on the links congested in the last year."""
    inst = make_instance(n_nodes, 1, seed)
    supply, demand = grown(inst.supply, years, GROWTH), grown(inst.demand, years, GROWTH)
    arcs = congested_arcs(inst, supply, demand, years[-1])
    return PathwayInstance(inst, years, supply, demand, candidates(inst, arcs, n_candidates, seed))


def projects_table(pi: PathwayInstance) -> pd.DataFrame:
    """The candidates as a corridor projects table (file format)."""
    p = pi.projects
    return pd.DataFrame(
        {
            "project_id": p["project_id"],
            "name": p["project_id"],
            "adds": "link_capacity",
            "link_ids": "L" + p["arc"].astype(str),
            "increment": p["increment"],
            "unit": "Mt/yr",
            "capital_cost": p["capital_musd"],
            "cost_unit": "million USD",
            "cost_year": pi.years[0],
            "lifetime_years": LIFETIME,
            "lead_time_years": p["lead"],
            "lumpy": np.where(p["lumpy"], "true", "false"),
            "status": "planned",
        }
    )


def pathway_network(pi: PathwayInstance) -> Network:
    """The pathway as a corridor Network: yearly supply and demand, the projects table."""
    return to_network(pi.inst, supply=pi.supply, demand=pi.demand, projects=projects_table(pi))


def target_file(folder: Path, pi: PathwayInstance) -> Path:
    """A target scenario with no entries, for the first year: the data's demand is the target."""
    path = folder / "synthetic-growth.yaml"
    path.write_text(
        "title: Synthetic demand growth\n"
        f"description: Supply and demand grow {GROWTH:.0%} a year; the data's rows are it.\n"
        f"year: {pi.years[0]}\n",
        encoding="utf-8",
    )
    return path


def _builds(project: pd.Series, online: pd.Series, share: pd.Series) -> list[list[object]]:
    """Builds as sorted [project, online year, share (6 decimals)] (JSON-friendly)."""
    rows = zip(project.astype(str), online.astype(int), share.astype(float), strict=True)
    return sorted([p, int(y), round(float(s), 6)] for p, y, s in rows)


def _settings(pi: PathwayInstance):  # type: ignore[no-untyped-def]
    from corridor.pathway.model import PathwaySettings

    return PathwaySettings(pi.years[0], pi.years[-1], discount_rate=RATE)


def _options(pi: PathwayInstance):  # type: ignore[no-untyped-def]
    from corridor.options import SolveOptions

    return SolveOptions(unmet_penalty={c: PENALTY for c in pi.inst.commodities})


def run_corridor_plan(pi: PathwayInstance, folder: Path, *, values: bool) -> dict[str, object]:
    """``corridor.plan`` end to end on the network just made (every table of the plan)."""
    import corridor

    net = pathway_network(pi)
    target = target_file(folder, pi)
    t0 = time.perf_counter()
    done = corridor.plan(net, target, _settings(pi), _options(pi), values=values)
    seconds = time.perf_counter() - t0
    builds = _builds(done.builds["project_id"], done.builds["online_year"], done.builds["share"])
    return {"seconds": seconds, "objective": done.objective, "builds": builds}


def run_corridor_milp(pi: PathwayInstance, folder: Path) -> dict[str, object]:
    """corridor's MILP alone: build (candidates, each year's network and LP, the MILP,
    passModel) and solve (HiGHS), the steps of ``corridor.plan`` before its tables."""
    from corridor.pathway.candidates import candidate_projects
    from corridor.pathway.model import PathwaySolver, build_pathway
    from corridor.pathway.plan import hold_years
    from corridor.pathway.years import plan_years
    from corridor.scenario import read_scenario

    net, settings = pathway_network(pi), _settings(pi)
    scenario = read_scenario(target_file(folder, pi))
    t0 = time.perf_counter()
    cands = candidate_projects(net, settings.first_year)
    years, _ = plan_years(net, scenario, settings.years, _options(pi))
    p = build_pathway([h.model.lp for h in hold_years(years, cands)], cands, settings)
    solver = PathwaySolver(p)
    t1 = time.perf_counter()
    x, objective = solver.solve()
    t2 = time.perf_counter()
    d = p.decisions
    share = x[d["col"].to_numpy(int)]
    built = d[share > BUILT].assign(share=share[share > BUILT])
    builds = _builds(built["project_id"], built["online_year"], built["share"])
    size = {"columns": len(p.c), "rows": len(p.row_lower), "integers": int(p.integrality.sum())}
    return {"build": t1 - t0, "solve": t2 - t1, "objective": objective, "builds": builds, **size}


def _copies(pi: PathwayInstance, discount: np.ndarray) -> pd.DataFrame:
    """One row per candidate and year it could come online: its PyPSA capital cost per unit of
    capacity, so that the period-weighted sum over the years it runs equals corridor's capital
    discounted from the decision year (online year less lead time)."""
    first = pi.years[0]
    grid = pi.projects.merge(pd.DataFrame({"online": list(pi.years)}), how="cross")
    grid = grid[grid["online"] - grid["lead"] >= first].reset_index(drop=True)
    at = (grid["online"] - first).to_numpy(int)
    running = np.cumsum(discount[::-1])[::-1][at]  # sum of the weights from the online year
    lump = 1e6 * grid["capital_musd"].to_numpy(float) * discount[at - grid["lead"].to_numpy(int)]
    grid["capital_cost"] = lump / running / grid["increment"].to_numpy(float)
    grid["name"] = grid["project_id"] + "@" + grid["online"].astype(str)
    return grid


def _buses(names: np.ndarray | pd.Index) -> list[str]:
    return [f"n{a}" for a in names]


def _add_links(n, pi: PathwayInstance, discount: np.ndarray) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The existing links (fixed) and one extendable copy of each candidate per online year."""
    inst = pi.inst
    n.add("Link", [f"a{a}" for a in range(len(inst.tail))],
          bus0=_buses(inst.tail), bus1=_buses(inst.head),
          p_nom=inst.capacity, marginal_cost=inst.length.astype(float))  # fmt: skip
    copies = _copies(pi, discount)
    arcs, increment = copies["arc"].to_numpy(int), copies["increment"].to_numpy(float)
    n.add("Link", copies["name"].tolist(),
          bus0=_buses(inst.tail[arcs]), bus1=_buses(inst.head[arcs]),
          p_nom=0.0, p_nom_extendable=True, p_nom_max=increment,
          p_nom_mod=np.where(copies["lumpy"].to_numpy(bool), increment, 0.0),
          build_year=copies["online"].to_numpy(int), lifetime=float(LIFETIME),
          capital_cost=copies["capital_cost"].to_numpy(float),
          marginal_cost=inst.length[arcs].astype(float))  # fmt: skip
    return copies


def _add_supply_demand(n, pi: PathwayInstance) -> None:  # type: ignore[no-untyped-def]
    """Supply as generators (p_max_pu: each year's supply), loads, unmet demand at PENALTY."""
    sup = pi.supply.pivot(index="year", columns="node", values="value")
    top, names = sup.max(), [f"s{a}" for a in sup.columns]
    p_max_pu = pd.DataFrame((sup / top).to_numpy(float), index=n.snapshots, columns=names)
    n.add("Generator", names, bus=_buses(sup.columns), p_nom=top.to_numpy(float),
          p_max_pu=p_max_pu)  # fmt: skip
    load = pi.demand.pivot(index="year", columns="node", values="value")
    names = [f"d{a}" for a in load.columns]
    p_set = pd.DataFrame(load.to_numpy(float), index=n.snapshots, columns=names)
    n.add("Load", names, bus=_buses(load.columns), p_set=p_set)
    n.add("Generator", [f"u{a}" for a in load.columns], bus=_buses(load.columns),
          p_nom=load.max().to_numpy(float), marginal_cost=PENALTY)  # fmt: skip


def _pypsa_network(pi: PathwayInstance):  # type: ignore[no-untyped-def]
    """The pathway as a PyPSA network: one investment period per year, one snapshot each,
    period weights = corridor's discount factors."""
    import pypsa

    from corridor.pathway.model import discount_factors

    discount = discount_factors(list(pi.years), RATE)
    n = pypsa.Network()
    n.set_snapshots([0])
    n.set_investment_periods(list(pi.years))
    n.investment_period_weightings["objective"] = discount
    n.investment_period_weightings["years"] = 1.0
    n.add("Bus", _buses(range(pi.inst.n_nodes)))  # type: ignore[arg-type]
    copies = _add_links(n, pi, discount)
    _add_supply_demand(n, pi)
    return n, copies


def _one_build(n, copies: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    """A project's copies add at most its increment (corridor: one build per project)."""
    import xarray as xr

    p_nom = n.model["Link-p_nom"].sel(name=copies["name"].tolist())
    project = xr.DataArray(
        copies["project_id"].to_numpy(), coords={"name": copies["name"].to_numpy()},
        dims="name", name="project",
    )  # fmt: skip
    limit = copies.groupby("project_id")["increment"].first().rename_axis("project")
    n.model.add_constraints(
        p_nom.groupby(project).sum() <= xr.DataArray.from_series(limit), name="one_build"
    )


def run_pypsa_pathway(pi: PathwayInstance) -> dict[str, object]:
    """PyPSA multi-period: network, model (+ the one-build constraint) and the solve."""
    import logging

    for name in ("pypsa", "linopy"):
        logging.getLogger(name).setLevel(logging.ERROR)
    t0 = time.perf_counter()
    n, copies = _pypsa_network(pi)
    model = n.optimize.create_model(multi_investment_periods=True)
    _one_build(n, copies)
    t1 = time.perf_counter()
    model.solve(solver_name="highs", io_api="direct", mip_rel_gap=1e-9, output_flag=False)
    t2 = time.perf_counter()
    cap = model["Link-p_nom"].solution.to_series().reindex(copies["name"]).to_numpy()
    built = copies.assign(share=cap / copies["increment"].to_numpy(float))[cap > BUILT]
    builds = _builds(built["project_id"], built["online"], built["share"])
    size = {"columns": model.nvars, "rows": model.ncons, "integers": int(copies["lumpy"].sum())}
    objective = float(model.objective.value)
    return {"build": t1 - t0, "solve": t2 - t1, "objective": objective, "builds": builds, **size}
