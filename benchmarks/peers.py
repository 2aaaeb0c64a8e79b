"""The same synthetic LP built and solved by each tool compared in the flow benchmark.

Each function takes an :class:`~synthetic.Instance` and returns (build_s, solve_s, objective).
Objectives include the constant P * total demand so that all tools report the same number.

linopy and PyPSA hand their model to HiGHS with ``io_api="direct"`` (through highspy, no LP
file); PyPSA stops after the solve (no ``assign_solution``, ``assign_duals`` or
``post_processing``), so its time is its network, its model and the solve.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from synthetic import COMMODITIES, PENALTY, Instance, to_network

PENALTIES = dict.fromkeys(COMMODITIES, PENALTY)


def run_corridor(inst: Instance, method: str = "simplex") -> tuple[float, float, float, float]:
    """corridor: vectorised build from the loaded network, HiGHS through highspy.

    Returns (build_s, solve_s, objective, compile_s): compile_s is the one-off compilation of
    the loaded network to arrays, paid by its first build and cached on the network.
    """
    from corridor.optimize import FlowModel, build_model
    from corridor.options import SolveOptions
    from corridor.routing.compiled import compiled

    net = to_network(inst)
    t0 = time.perf_counter()
    compiled(net)
    compile_s = time.perf_counter() - t0
    opts = SolveOptions(year=2024, unmet_penalty=PENALTIES, method=method)
    t0 = time.perf_counter()
    lp = build_model(net, opts)
    model = FlowModel(lp, method=method)
    t1 = time.perf_counter()
    sol = model.solve()
    return t1 - t0, time.perf_counter() - t1, sol.objective, compile_s


def run_corridor_end_to_end(inst: Instance) -> tuple[float, float, float, float]:
    """corridor: ``corridor.solve`` with every results table, on a network just made.

    Returns (own_s, highs_s, objective, again_s): own_s is everything but HiGHS (the first
    solve of a network compiles it and hashes its tables; then the build, the solution checks
    and the results: flows, links, unmet with reasons, paths, transit, costs, prices); highs_s
    is the HiGHS runs; again_s is a second ``corridor.solve`` of the same network, end to end.
    The objective is the priority stage's: distance plus P * unmet.
    """
    import corridor
    from corridor.options import SolveOptions

    net = to_network(inst)
    opts = SolveOptions(year=2024, unmet_penalty=PENALTIES)
    t0 = time.perf_counter()
    results = corridor.solve(net, options=opts)
    total = time.perf_counter() - t0
    costs = results.costs.set_index("item")["value"]
    distance = float(costs.loc["distance tie-break (not a cost)"].sum())
    objective = distance + PENALTY * float(results.unmet["unmet"].sum())
    t0 = time.perf_counter()
    corridor.solve(net, options=opts)
    again = time.perf_counter() - t0
    return total - results.solve_seconds, results.solve_seconds, objective, again


def run_floor(inst: Instance, method: str = "simplex") -> tuple[float, float, float]:
    """highspy fed pre-built matrices: passModel + run only (the floor)."""
    from corridor.optimize import FlowModel, build_model
    from corridor.options import SolveOptions

    lp = build_model(to_network(inst), SolveOptions(year=2024, unmet_penalty=PENALTIES))
    t0 = time.perf_counter()
    model = FlowModel(lp, method=method)
    t1 = time.perf_counter()
    sol = model.solve()
    return t1 - t0, time.perf_counter() - t1, sol.objective


def _lengths_costs(inst: Instance) -> np.ndarray:
    return inst.length.astype(float)  # distance_cost = 1 per unit-km, no tariffs


def run_linopy(inst: Instance) -> tuple[float, float, float]:
    """linopy + HiGHS: the same LP written with labelled arrays."""
    import linopy
    import xarray as xr

    t0 = time.perf_counter()
    m = linopy.Model()
    n_arcs, ks = len(inst.tail), list(inst.commodities)
    arcs = pd.RangeIndex(n_arcs, name="arc")
    com = pd.Index(ks, name="commodity")
    x = m.add_variables(lower=0, coords=[arcs, com], name="x")
    s_idx = pd.RangeIndex(len(inst.supply), name="s")
    d_idx = pd.RangeIndex(len(inst.demand), name="d")
    s = m.add_variables(
        lower=0, upper=xr.DataArray(inst.supply["value"].to_numpy(), coords=[s_idx]), name="supply"
    )
    d = m.add_variables(
        lower=0, upper=xr.DataArray(inst.demand["value"].to_numpy(), coords=[d_idx]), name="deliver"
    )
    nodes = pd.RangeIndex(inst.n_nodes, name="node")
    head = xr.DataArray(inst.head, coords=[arcs], name="node")
    tail = xr.DataArray(inst.tail, coords=[arcs], name="node")
    inflow = x.groupby(head).sum()
    outflow = x.groupby(tail).sum()
    s_node = xr.DataArray(inst.supply["node"].to_numpy(), coords=[s_idx], name="node")
    d_node = xr.DataArray(inst.demand["node"].to_numpy(), coords=[d_idx], name="node")
    balance = []
    for k in ks:
        sup = s.where(xr.DataArray((inst.supply["commodity"] == k).to_numpy(), coords=[s_idx]))
        dem = d.where(xr.DataArray((inst.demand["commodity"] == k).to_numpy(), coords=[d_idx]))
        expr = (
            inflow.sel(commodity=k).reindex(node=nodes)
            - outflow.sel(commodity=k).reindex(node=nodes)
            + sup.groupby(s_node).sum().reindex(node=nodes)
            - dem.groupby(d_node).sum().reindex(node=nodes)
        )
        balance.append(m.add_constraints(expr == 0, name=f"balance_{k}"))
    m.add_constraints(
        x.sum("commodity") <= xr.DataArray(inst.capacity, coords=[arcs]), name="capacity"
    )
    cost = xr.DataArray(_lengths_costs(inst), coords=[arcs])
    m.add_objective((cost * x).sum() - PENALTY * d.sum())
    t1 = time.perf_counter()
    m.solve(solver_name="highs", io_api="direct", presolve_rule_off=1024, output_flag=False)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, float(m.objective.value) + PENALTY * inst.demand["value"].sum()


def run_pypsa(inst: Instance) -> tuple[float, float, float]:
    """PyPSA: buses per (node, commodity), links per (arc, commodity), a shared-capacity
    constraint through extra_functionality, unmet demand as expensive generators."""
    import logging

    import pypsa

    logging.getLogger("pypsa").setLevel(logging.ERROR)
    logging.getLogger("linopy").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    n = pypsa.Network()
    n.set_snapshots([0])
    ks = list(inst.commodities)
    bus = [f"n{i}_{k}" for k in ks for i in range(inst.n_nodes)]
    n.add("Bus", bus)
    n_arcs = len(inst.tail)
    names = [f"a{a}_{k}" for k in ks for a in range(n_arcs)]
    n.add(
        "Link",
        names,
        bus0=[f"n{inst.tail[a]}_{k}" for k in ks for a in range(n_arcs)],
        bus1=[f"n{inst.head[a]}_{k}" for k in ks for a in range(n_arcs)],
        p_nom=np.tile(inst.capacity, len(ks)),
        marginal_cost=np.tile(_lengths_costs(inst), len(ks)),
        p_min_pu=0.0,
    )
    sup = inst.supply
    n.add(
        "Generator",
        [f"s{i}" for i in range(len(sup))],
        bus=[f"n{a}_{k}" for a, k in zip(sup["node"], sup["commodity"], strict=True)],
        p_nom=sup["value"].to_numpy(),
        marginal_cost=0.0,
    )
    dem = inst.demand
    dbus = [f"n{a}_{k}" for a, k in zip(dem["node"], dem["commodity"], strict=True)]
    n.add("Load", [f"d{i}" for i in range(len(dem))], bus=dbus, p_set=dem["value"].to_numpy())
    n.add(
        "Generator",
        [f"u{i}" for i in range(len(dem))],
        bus=dbus,
        p_nom=dem["value"].to_numpy(),
        marginal_cost=PENALTY,
    )
    # surplus supply must be able to stay unused: generators have p_min_pu 0 already

    def shared_capacity(network: pypsa.Network, snapshots: object) -> None:
        if len(ks) == 1:
            return
        p = network.model["Link-p"]
        import xarray as xr

        groups = xr.DataArray(
            np.tile(np.arange(n_arcs), len(ks)), coords={"name": names}, dims="name"
        )
        total = p.groupby(groups).sum()
        network.model.add_constraints(
            total <= xr.DataArray(inst.capacity, dims="group"), name="shared_capacity"
        )

    if len(ks) > 1:  # each commodity's link may use the whole capacity; the sum is limited
        n.links["p_nom"] = np.tile(inst.capacity, len(ks))
    # n.optimize() without its post-processing: the model, the extra constraint, the solve
    model = n.optimize.create_model()
    shared_capacity(n, n.snapshots)
    t1 = time.perf_counter()
    model.solve(solver_name="highs", io_api="direct", presolve_rule_off=1024, output_flag=False)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, float(model.objective.value)  # unmet generators carry P
