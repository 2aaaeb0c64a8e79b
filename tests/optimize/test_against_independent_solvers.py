"""Random networks: corridor's optimum equals networkx's network simplex (one commodity) and an
independent formulation solved by scipy's linprog (several commodities sharing capacity)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from corridor.options import SolveOptions
from corridor.pipeline import solve
from tests.optimize.builders import build_dataset

P = 1000  # unmet penalty per unit (integer so network simplex works on integers)
COMMODITIES = ("crude_oil", "oil_products", "general_freight")


@st.composite
def instances(draw: st.DrawFn, n_commodities: int = 1) -> dict[str, object]:
    n = draw(st.integers(min_value=3, max_value=7))
    n_links = draw(st.integers(min_value=2, max_value=12))
    links = []
    for _ in range(n_links):
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(0, n - 1).filter(lambda v, a=a: v != a))
        cap = draw(st.one_of(st.none(), st.integers(1, 10)))
        links.append((a, b, cap, draw(st.integers(1, 20)), ";".join(COMMODITIES[:n_commodities])))
    commodities = COMMODITIES[:n_commodities]
    supply = [
        (draw(st.integers(0, n - 1)), c, draw(st.integers(1, 10)))
        for c in commodities
        for _ in range(draw(st.integers(1, 2)))
    ]
    demand = [
        (draw(st.integers(0, n - 1)), c, draw(st.integers(1, 10)))
        for c in commodities
        for _ in range(draw(st.integers(1, 2)))
    ]
    return {"n": n, "links": links, "supply": supply, "demand": demand}


def _solve_corridor(inst: dict[str, object]) -> tuple[float, object]:
    net = build_dataset(
        inst["n"],
        inst["links"],
        inst["supply"],
        inst["demand"],  # type: ignore[arg-type]
    )  # not validated: random demand may be unreachable, and that is allowed
    r = solve(net, options=SolveOptions(year=2024, unmet_penalty=dict.fromkeys(COMMODITIES, P)))
    # the priority stage's optimum: distance (the only cost of these networks) plus the
    # penalty of what is unmet; the datasets have no prices
    costs = r.costs.set_index("item")["value"]
    distance = float(costs.loc["distance tie-break (not a cost)"].sum())
    return distance + P * float(r.unmet["unmet"].sum()), r


def _networkx_optimum(inst: dict[str, object]) -> float:
    g = nx.MultiDiGraph()
    total = sum(v for _, _, v in inst["supply"])  # type: ignore[attr-defined]
    demand_total = sum(v for _, _, v in inst["demand"])  # type: ignore[attr-defined]
    g.add_node("S", demand=-demand_total)
    g.add_node("T", demand=demand_total)
    for i in range(inst["n"]):  # type: ignore[call-overload]
        g.add_node(i, demand=0)
    for a, b, cap, length, _ in inst["links"]:  # type: ignore[attr-defined]
        attrs = {"weight": length}
        if cap is not None:
            attrs["capacity"] = cap
        g.add_edge(a, b, **attrs)
    for node, _, value in inst["supply"]:  # type: ignore[attr-defined]
        g.add_edge("S", node, capacity=value, weight=0)
    for node, _, value in inst["demand"]:  # type: ignore[attr-defined]
        g.add_edge(node, "T", capacity=value, weight=0)
    g.add_edge("S", "T", capacity=demand_total, weight=P)  # unmet demand
    assert total > 0
    cost, _ = nx.network_simplex(g)
    return float(cost)


def _linprog_optimum(inst: dict[str, object], commodities: tuple[str, ...]) -> float:
    n, links = inst["n"], inst["links"]
    supply, demand = inst["supply"], inst["demand"]
    n_links, k = len(links), len(commodities)  # type: ignore[arg-type]
    # variables: x[e, c] (e-major), then s per supply row, then d per demand row
    n_x = n_links * k
    n_var = n_x + len(supply) + len(demand)  # type: ignore[arg-type]
    cost = np.zeros(n_var)
    bounds = [(0, None)] * n_x
    a_eq = np.zeros((n * k, n_var))  # type: ignore[operator]
    for e, (a, b, _, length, _) in enumerate(links):  # type: ignore[arg-type]
        for ci in range(k):
            col = e * k + ci
            cost[col] = length
            a_eq[a * k + ci, col] -= 1
            a_eq[b * k + ci, col] += 1
    for r, (node, c, value) in enumerate(supply):  # type: ignore[arg-type]
        col = n_x + r
        a_eq[node * k + commodities.index(c), col] += 1
        bounds.append((0, value))
    for r, (node, c, value) in enumerate(demand):  # type: ignore[arg-type]
        col = n_x + len(supply) + r  # type: ignore[arg-type]
        a_eq[node * k + commodities.index(c), col] -= 1
        cost[col] = -P
        bounds.append((0, value))
    a_ub, b_ub = [], []
    for e, (_, _, cap, _, _) in enumerate(links):  # type: ignore[arg-type]
        if cap is not None:
            row = np.zeros(n_var)
            row[e * k : (e + 1) * k] = 1
            a_ub.append(row)
            b_ub.append(cap)
    res = linprog(
        cost,
        A_ub=np.array(a_ub) if a_ub else None,
        b_ub=b_ub or None,
        A_eq=a_eq,
        b_eq=np.zeros(n * k),
        bounds=bounds,
        method="highs",
    )  # type: ignore[operator]
    assert res.status == 0
    return float(res.fun + P * sum(v for _, _, v in demand))  # type: ignore[attr-defined]


def _check_feasible(r: object, inst: dict[str, object]) -> None:
    links = r.links.set_index("link_id")  # type: ignore[attr-defined]
    for e, (_, _, cap, _, _) in enumerate(inst["links"]):  # type: ignore[attr-defined]
        if cap is not None and f"L{e}" in links.index:
            assert links.loc[f"L{e}", "used"] <= cap + 1e-6


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.slow
@SETTINGS
@given(inst=instances(1))
def test_single_commodity_matches_network_simplex(inst: dict[str, object]) -> None:
    ours, r = _solve_corridor(inst)
    expected = _networkx_optimum(inst)
    assert ours == pytest.approx(expected, rel=1e-6, abs=1e-6)
    _check_feasible(r, inst)


@pytest.mark.slow
@SETTINGS
@given(inst=instances(3))
def test_multi_commodity_matches_linprog(inst: dict[str, object]) -> None:
    ours, r = _solve_corridor(inst)
    expected = _linprog_optimum(inst, COMMODITIES)
    assert ours == pytest.approx(expected, rel=1e-6, abs=1e-6)
    _check_feasible(r, inst)
