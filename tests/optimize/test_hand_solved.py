"""Tiny networks whose optimum is worked out by hand: flows, unmet demand and duals."""

from __future__ import annotations

from pathlib import Path

import pytest

import corridor
from corridor.options import SolveOptions
from corridor.pipeline import solve
from tests.optimize.builders import write_dataset

P = 1e6  # unmet penalty per Mt, small enough to read the duals by eye
OPTS = SolveOptions(
    year=2024, unmet_penalty={"crude_oil": P, "general_freight": P, "oil_products": P}
)
USD_T = 100.0  # the test price of crude and freight: 100 USD/t = 1e8 USD per Mt
PRICES = {"crude_oil": USD_T, "general_freight": USD_T}


def _agreement(**fields: object) -> dict[str, object]:
    """An agreement row of the test datasets: 2 Mt/yr of crude from N0, in force, with
    ``fields`` (destinations, routes, years) added."""
    return {
        "agreement_id": "A_X",
        "name": "deal",
        "parties": "a;b",
        "commodity": "crude_oil",
        "origin": "N0",
        "max_volume": 2,
        "unit": "Mt/yr",
        "status": "in_force",
        **fields,
    }


def test_bottleneck_sets_unmet_demand_and_its_shadow_price(tmp_path: Path) -> None:
    # N0 --(cap 10, 100 km)--> N1 --(cap 4, 50 km)--> N2 ; supply 8 at N0, demand 6 at N2
    net = write_dataset(
        tmp_path,
        3,
        [(0, 1, 10, 100, "crude_oil"), (1, 2, 4, 50, "crude_oil")],
        [(0, "crude_oil", 8)],
        [(2, "crude_oil", 6)],
        prices=PRICES,
    )
    r = solve(net, options=OPTS)
    flows = r.flows.set_index("link_id")["flow"]
    assert flows["L0"] == pytest.approx(4) and flows["L1"] == pytest.approx(4)
    unmet = r.unmet.set_index("node_id")
    assert unmet.loc["N2", "unmet"] == pytest.approx(2)
    assert unmet.loc["N2", "limited_by"] == "capacity of L1"
    links = r.links.set_index("link_id")
    # one more Mt through L1 serves one more Mt of demand, worth its price: 100 USD/t a year per
    # Mt/yr of capacity (the penalty of unmet demand is a priority, never part of the price)
    assert links.loc["L1", "shadow_price"] == pytest.approx(USD_T * 1e6)
    assert links.loc["L1", "shadow_price_unit"] == "USD/yr per Mt/yr"
    assert bool(links.loc["L1", "binding"]) and not bool(links.loc["L0", "binding"])
    assert links.loc["L0", "shadow_price"] == pytest.approx(0)
    # objective: the value of the 4 Mt delivered, as a cost (no tariffs)
    assert r.objective == pytest.approx(-4 * USD_T * 1e6)
    assert r.supply.set_index("node_id").loc["N0", "unused"] == pytest.approx(4)


def test_cheapest_route_wins_and_parallel_route_takes_the_rest(tmp_path: Path) -> None:
    # two routes N0->N2: short (cap 3, 10+10 km) and long via N3 (cap 10, 50+50 km); demand 5
    net = write_dataset(
        tmp_path,
        4,
        [
            (0, 1, 3, 10, "crude_oil"),
            (1, 2, None, 10, "crude_oil"),
            (0, 3, 10, 50, "crude_oil"),
            (3, 2, None, 50, "crude_oil"),
        ],
        [(0, "crude_oil", 9)],
        [(2, "crude_oil", 5)],
        prices=PRICES,
    )
    r = solve(net, options=OPTS)
    flows = r.flows.set_index("link_id")["flow"]
    assert flows["L0"] == pytest.approx(3) and flows["L2"] == pytest.approx(2)
    assert r.unmet["unmet"].sum() == pytest.approx(0)
    # the short route is full, but distance only breaks ties: more of it is worth no USD
    short = r.links.set_index("link_id").loc["L0"]
    assert short["utilisation"] == pytest.approx(1)
    assert short["shadow_price"] == pytest.approx(0) and not bool(short["binding"])
    routes = {p.links: p.volume for p in r.paths.itertuples()}
    assert routes == {("L0", "L1"): pytest.approx(3), ("L2", "L3"): pytest.approx(2)}


def test_shared_capacity_across_commodities(tmp_path: Path) -> None:
    # one link of 5 Mt/yr carries crude and freight; demands 4 + 3 -> 2 Mt/yr unmet in total
    net = write_dataset(
        tmp_path,
        2,
        [(0, 1, 5, 10, "crude_oil;general_freight")],
        [(0, "crude_oil", 10), (0, "general_freight", 10)],
        [(1, "crude_oil", 4), (1, "general_freight", 3)],
        prices=PRICES,
    )
    r = solve(net, options=OPTS)
    assert r.links.set_index("link_id").loc["L0", "used"] == pytest.approx(5)
    assert r.unmet["unmet"].sum() == pytest.approx(2)
    assert r.links.set_index("link_id").loc["L0", "shadow_price"] == pytest.approx(USD_T * 1e6)


def test_agreement_traced_and_route_rules(tmp_path: Path) -> None:
    # N0 -> N2 directly (crosses nothing else) or via N1; avoid link L0 forces the detour
    agreement = _agreement(destinations="N2", start_year=2024, avoid_links="L0")
    net = write_dataset(
        tmp_path,
        3,
        [(0, 2, 10, 10, "crude_oil"), (0, 1, 10, 10, "crude_oil"), (1, 2, 10, 10, "crude_oil")],
        [(0, "crude_oil", 5)],
        [(2, "crude_oil", 5)],
        agreements=[agreement],
    )
    r = solve(net, options=OPTS)
    a = r.agreements.set_index("agreement_id").loc["A_X"]
    assert a["delivered"] == pytest.approx(2) and a["shortfall"] == pytest.approx(0)
    assert a["links"] == "L1 > L2"
    assert r.unmet["unmet"].sum() == pytest.approx(0)
    free = r.flows[r.flows["agreement_id"].isna()].set_index("link_id")["flow"]
    assert free["L0"] == pytest.approx(3)


def test_agreement_blocked_by_rules_reports_why(tmp_path: Path) -> None:
    agreement = _agreement(destinations="N1", avoid_links="L0")
    net = write_dataset(
        tmp_path,
        2,
        [(0, 1, 10, 10, "crude_oil")],
        [(0, "crude_oil", 5)],
        [(1, "crude_oil", 1)],
        agreements=[agreement],
    )
    r = solve(net, options=OPTS)
    a = r.agreements.set_index("agreement_id").loc["A_X"]
    assert a["shortfall"] == pytest.approx(2)
    assert a["blocked_by"] == "route rules (avoid links L0) close L0"


def test_outage_re_solves_warm_with_the_same_answer_as_a_rebuild(tmp_path: Path) -> None:
    from corridor.optimize import FlowModel, build_model
    from corridor.pipeline import solve_model
    from corridor.routing.compiled import compiled

    net = write_dataset(
        tmp_path,
        3,
        [(0, 1, 10, 10, "crude_oil"), (1, 2, 10, 10, "crude_oil"), (0, 2, 3, 50, "crude_oil")],
        [(0, "crude_oil", 8)],
        [(2, "crude_oil", 8)],
    )
    model = FlowModel(build_model(net, OPTS))
    first = solve_model(net, model, OPTS)
    assert first.unmet["unmet"].sum() == pytest.approx(0)
    model.set_link_capacities({"L1": 0.0})
    warm = solve_model(net, model, OPTS)
    assert warm.unmet["unmet"].sum() == pytest.approx(5)  # only L2's 3 Mt/yr get through
    closed = net.replace(
        links=net.links.assign(
            capacity_canonical=net.links["capacity_canonical"].where(net.links.index != "L1", 0.0)
        )
    )
    assert compiled(closed) is not compiled(net)  # a changed copy compiles afresh, never stale
    assert compiled(closed).link_capacity[1] == 0 and compiled(net).link_capacity[1] == 10
    cold = solve(closed, options=OPTS)
    assert warm.objective == pytest.approx(cold.objective)


def test_avoid_country_rule_for_the_whole_run(tmp_path: Path) -> None:
    net = write_dataset(
        tmp_path, 2, [(0, 1, 10, 10, "crude_oil")], [(0, "crude_oil", 5)], [(1, "crude_oil", 5)]
    )
    r = solve(net, options=OPTS, avoid=["AZ"])
    assert r.unmet["unmet"].sum() == pytest.approx(5)
    assert r.unmet["limited_by"].iloc[0] != ""


def test_a_corrupted_solution_fails_the_checks(tmp_path: Path) -> None:
    from corridor.errors import SolveError
    from corridor.optimize import FlowModel, build_model
    from corridor.optimize.check import check_solution

    net = write_dataset(
        tmp_path, 2, [(0, 1, 10, 10, "crude_oil")], [(0, "crude_oil", 5)], [(1, "crude_oil", 5)]
    )
    model = FlowModel(build_model(net, OPTS))
    sol = model.solve()
    check_solution(model.lp, sol.x, col_upper=model.col_upper, row_upper=model.row_upper)
    broken = sol.x.copy()
    broken[0] += 1.0  # one more unit on the link than the supply sent: not conserved
    with pytest.raises(SolveError, match="not conserved"):
        check_solution(model.lp, broken, col_upper=model.col_upper, row_upper=model.row_upper)


def test_demand_prices_decide_who_is_served(tmp_path: Path) -> None:
    # N0 -(cap 5)-> N1, then N1 -> N2 (100 USD/t) and N1 -> N3 (50 USD/t); 5 Mt each wanted.
    # The 5 Mt/yr go to N2 (demand met in full); one more Mt/yr of capacity would serve N3:
    # worth 50 USD/t = 5e7 USD per Mt (the distance tie-break is not a price).
    net = write_dataset(
        tmp_path,
        4,
        [(0, 1, 5, 10, "crude_oil"), (1, 2, None, 10, "crude_oil"), (1, 3, None, 10, "crude_oil")],
        [(0, "crude_oil", 20)],
        [(2, "crude_oil", 5, 100.0), (3, "crude_oil", 5, 50.0)],
    )
    r = solve(net, options=OPTS)
    unmet = r.unmet.set_index("node_id")["unmet"]
    assert unmet["N2"] == pytest.approx(0) and unmet["N3"] == pytest.approx(5)
    assert r.links.set_index("link_id").loc["L0", "shadow_price"] == pytest.approx(5e7)


def test_a_lossy_link_downstream_does_not_excuse_the_required_link(tmp_path: Path) -> None:
    """All of an agreement's volume crosses its required link when nothing upstream of that
    link loses gas: a lossy link elsewhere in the layer (here after the destination) does not
    let part of it take a shorter way round."""
    from tests.optimize.builders import dataset_tables, write_tables

    agreement = _agreement(destinations="N2", start_year=2024, require_links="L0")
    links = [
        (0, 1, 10, 100, "crude_oil"),  # L0, required
        (1, 2, 10, 100, "crude_oil"),  # L1
        (0, 2, 10, 10, "crude_oil"),  # L2, the short way round
        (2, 3, 10, 10, "crude_oil"),  # L3, loses half, after the destination
    ]
    tables = dataset_tables(
        4,
        links,
        [(0, "crude_oil", 5)],
        [(2, "crude_oil", 2), (3, "crude_oil", 1)],
        agreements=[agreement],
    )
    tables["links"]["loss_fraction"] = ["", "", "", 0.5]
    net = write_tables(tmp_path, tables)
    r = solve(net, options=OPTS)
    on_required = r.flows[(r.flows["agreement_id"] == "A_X") & (r.flows["link_id"] == "L0")]
    assert on_required["flow"].sum() == pytest.approx(2)
    assert r.agreements.set_index("agreement_id").at["A_X", "delivered"] == pytest.approx(2)


def test_a_full_required_link_is_named_as_what_holds_the_agreement_back(tmp_path: Path) -> None:
    agreement = _agreement(destinations="N2", start_year=2024, require_links="L0")
    net = write_dataset(
        tmp_path,
        3,
        [(0, 1, 1, 10, "crude_oil"), (1, 2, 10, 10, "crude_oil"), (0, 2, 10, 10, "crude_oil")],
        [(0, "crude_oil", 5)],
        [(2, "crude_oil", 5)],
        agreements=[agreement],
    )
    a = solve(net, options=OPTS).agreements.set_index("agreement_id").loc["A_X"]
    assert a["delivered"] == pytest.approx(1) and a["shortfall"] == pytest.approx(1)
    assert a["blocked_by"] == "capacity of L0, which the agreement must use"


def test_an_agreement_whose_origin_has_no_supply_says_so(tmp_path: Path) -> None:
    agreement = _agreement(destinations="N1")
    net = write_dataset(
        tmp_path,
        3,
        [(0, 1, 10, 10, "crude_oil"), (2, 1, 10, 10, "crude_oil")],
        [(2, "crude_oil", 5)],
        [(1, "crude_oil", 1)],
        agreements=[agreement],
    )
    a = solve(net, options=OPTS).agreements.set_index("agreement_id").loc["A_X"]
    assert a["shortfall"] == pytest.approx(2)
    assert a["blocked_by"] == "no crude_oil supply at N0 in 2024"


def test_a_link_without_a_capacity_is_closed_and_reopened(tmp_path: Path) -> None:
    # N0 --L0 (no capacity)--> N1 and N0 --L1 (2 Mt/yr)--> N1; demand 4 at N1
    from corridor.optimize import FlowModel, build_model
    from corridor.pipeline import solve_model

    net = write_dataset(
        tmp_path,
        2,
        [(0, 1, None, 10, "crude_oil"), (0, 1, 2, 20, "crude_oil")],
        [(0, "crude_oil", 5)],
        [(1, "crude_oil", 4)],
    )
    model = FlowModel(build_model(net, OPTS))
    intact = solve_model(net, model, OPTS)
    model.set_link_capacity("L0", 0.0)
    closed = solve_model(net, model, OPTS)
    assert closed.unmet["unmet"].sum() == pytest.approx(2)  # only L1's 2 get through
    model.set_link_capacity("L0", float("inf"))
    reopened = solve_model(net, model, OPTS)
    assert reopened.unmet["unmet"].sum() == pytest.approx(0)
    assert reopened.objective == pytest.approx(intact.objective)
    with pytest.raises(corridor.SolveError, match="only closing it"):
        model.set_link_capacity("L0", 3.0)
