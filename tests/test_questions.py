"""The questions the shipped data must answer (issue: flow engine §6), each checked against
figures derived by hand from the dataset. The arithmetic is in the comments."""

from __future__ import annotations

import pytest

import corridor
from corridor.optimize import FlowModel, build_model
from corridor.options import SolveOptions
from corridor.pipeline import solve_model
from tests.conftest import shipped_network

KZ_FIELDS = {"F_TENGIZ", "F_KASHAGAN", "F_KARACH", "F_KZ_OTHER"}


@pytest.fixture(scope="module")
def net() -> corridor.Network:
    return shipped_network()


def test_a_kmg_socar_2024_fits_in_btc_next_to_azerbaijani_crude(net: corridor.Network) -> None:
    # 2024 supply into Sangachal, whose only running outlet is BTC (Supsa and Novorossiysk
    # stopped in 2022): ACG 16.8, Shah Deniz condensate 4.2, SOCAR's exports 2.8, Absheron
    # condensate 0.6 (Energy Ministry), Turkmen crude 3.849 (2023's, carried forward), and the
    # March 2024 deal's 2.2 Mt of Tengiz crude (KazTransOil). BTC = 50 Mt/yr (SOCAR).
    # Used 16.8 + 4.2 + 2.8 + 0.6 + 3.849 + 2.2 = 30.449; room 50 - 30.449 = 19.551 Mt/yr.
    r = corridor.solve(net, year=2024)
    btc = r.links.set_index("link_id").loc["L_BTC"]
    assert btc["used"] == pytest.approx(30.449)
    assert btc["capacity"] - btc["used"] == pytest.approx(19.551)
    deal = r.agreements.set_index("agreement_id").loc["A_KMG_SOCAR_2024"]
    assert deal["delivered"] == pytest.approx(2.2) and deal["shortfall"] == pytest.approx(0)
    assert "L_BTC" in deal["links"] and "RU" not in deal["countries"].split(";")
    assert deal["countries"] == "KZ;AZ;GE;TR"


def test_b_with_cpc_closed_kazakh_crude_reaching_markets(net: corridor.Network) -> None:
    # 2023 Kazakh supply: Tengiz 28.52 + Kashagan 17.898 + Karachaganak 9.619 (CPC intake, and
    # Tengiz's Aktau shipments) + the other fields 14.463 = 70.5 Mt, the country's exports.
    # With CPC open all of it reaches a market. CPC closed (warm re-solve): Atyrau-Samara 8.6
    # (the transit schedule), the Aktau oil berths 7.5 (Makhachkala 1.984, BTC 1.5, the rest by
    # rail to Batumi) and Kenkiyak-Atyrau 6 Mt/yr towards China (the Kazakhstan-China pipeline's
    # 20 Mt/yr has room beside 9.979 Mt of Russian transit). 8.6 + 7.5 + 6 = 22.1 Mt reach
    # markets; 70.5 - 22.1 = 48.4 Mt stay unused. Russian crude entering CPC in Russia still loads.
    opts = SolveOptions(year=2023)
    model = FlowModel(build_model(net, opts))
    before = solve_model(net, model, opts)
    model.set_link_capacity("L_CPC", 0.0)
    after = solve_model(net, model, opts)

    def kazakh_to_markets(res: corridor.Results) -> float:
        p = res.paths[(res.paths["commodity"] == "crude_oil")]
        return float(p.loc[p["nodes"].map(lambda n: n[0] in KZ_FIELDS), "volume"].sum())

    assert kazakh_to_markets(before) == pytest.approx(70.5)
    assert kazakh_to_markets(after) == pytest.approx(22.1)
    unused = after.supply[after.supply["node_id"].isin(KZ_FIELDS)]["unused"].sum()
    assert unused == pytest.approx(48.4)
    binding = set(after.binding["link_id"])
    assert {"L_ATY_SAM", "L_AKTAU_BERTHS", "L_KEN_ATASU"} <= binding
    ends = after.paths[after.paths["nodes"].map(lambda n: n[0] in KZ_FIELDS)]["nodes"].map(
        lambda n: n[-1]
    )
    assert {"C_SAMARA", "R_DUSHANZI", "T_CEYHAN", "P_MAKHACHKALA", "T_BATUMI_OIL"} <= set(ends)
    loaded = after.markets.set_index(["node_id", "commodity"]).loc[("T_CPC", "crude_oil")]
    assert loaded["delivered"] == pytest.approx(7.474)
    # the same answer from a cold rebuild with the rule "avoid link L_CPC"
    cold = corridor.solve(
        net,
        options=SolveOptions(
            year=2023, rules=corridor.RouteRules(avoid_links=frozenset({"L_CPC"}))
        ),
    )
    assert cold.objective == pytest.approx(after.objective, rel=1e-9)


def test_c_azerbaijan_gas_commitments_and_one_more_bcm_to_europe(net: corridor.Network) -> None:
    # 2024 demand: Georgia 2.4 (own offtake), Türkiye 53.5 (consumption) of which Russia
    # 21.572, Iran 7.043, LNG 12.107 and Sakarya 2.3 supply 43.022, leaving 10.478 for
    # Azerbaijan; Bulgaria 1.0; the rest of Europe 11.9. SCP (23.4 bcm/yr) has room for
    # 10.478 + 1.0 + 11.9 = 23.378, but TANAP phase 0 (17.1, what it carried in 2022) and TAP
    # (11.5) bind: Europe beyond Bulgaria gets 11.5, 0.4 short, and the Shah Deniz 2 allocation
    # to Türkiye gets 17.1 - 11.5 = 5.6 of its 6 over TANAP (the Energy Ministry: 5.6 in 2024).
    r = corridor.solve(net, year=2024)
    unmet = r.unmet.set_index("node_id")["unmet"]
    assert unmet["J_GARDABANI"] == pytest.approx(0)
    assert unmet["M_TR_GAS"] == pytest.approx(0)
    assert unmet["J_STARAZAGORA"] == pytest.approx(0)
    assert unmet["M_MELENDUGNO"] == pytest.approx(0.4)
    assert set(r.binding["link_id"]) & {"L_TANAP_0", "L_TAP_A", "L_TAP_B", "L_TAP_C"}
    sd2 = r.agreements.set_index("agreement_id").loc["A_SD2_TR"]
    assert sd2["delivered"] == pytest.approx(5.6)
    assert sd2["blocked_by"] == "capacity of L_TANAP_0, which the agreement must use"
    # One more bcm/yr to Europe: demand 12.9. With TANAP and TAP unbounded, SCP binds:
    # 23.4 - 10.478 - 1.0 = 11.922 reaches Italy, 0.978 short; SCP would need
    # 10.478 + 1.0 + 12.9 = 24.378 bcm/yr, i.e. 0.978 more than its 23.4.
    demand = net.demand.copy()
    demand.loc["DEM_EU_GAS_2024", "value_canonical"] += 1.0
    links = net.links.copy()
    pipes = ["L_TANAP_0", "L_TANAP_1", "L_TAP_A", "L_TAP_B", "L_TAP_C"]
    links.loc[pipes, "capacity_canonical"] = 1e6
    more = corridor.solve(net.replace(demand=demand, links=links), year=2024)
    assert more.unmet.set_index("node_id").loc["M_MELENDUGNO", "unmet"] == pytest.approx(0.978)
    assert "L_SCP" in set(more.binding["link_id"])
    links.loc["L_SCP", "capacity_canonical"] = 10.478 + 1.0 + 12.9
    enough = corridor.solve(net.replace(demand=demand, links=links), year=2024)
    assert enough.unmet.set_index("node_id").loc["M_MELENDUGNO", "unmet"] == pytest.approx(0)
    # Nakhchivan needs 280 mcm/yr (SOCAR: 260-300). In 2024 it comes through Iran, which keeps
    # ~20%: 0.28 / 0.8 = 0.35 bcm leaves Azerbaijan at Astara. From 2025 the Iğdır pipeline
    # (0.73 bcm/yr; first gas 5 March 2025) also serves it, so even avoiding Iran it is met.
    assert unmet["C_NAKHCHIVAN"] == pytest.approx(0)
    via_iran = r.paths[r.paths["nodes"].map(lambda n: n[-1] == "C_NAKHCHIVAN")]
    assert via_iran["volume"].sum() == pytest.approx(0.35)
    assert (via_iran["links"].map(lambda links: "L_SWAP_AZ_NAKH" in links)).all()
    later = corridor.solve(net, year=2025, avoid=["IR"])
    assert later.unmet.set_index("node_id").loc["C_NAKHCHIVAN", "unmet"] == pytest.approx(0)
    routes = later.paths[later.paths["nodes"].map(lambda n: n[-1] == "C_NAKHCHIVAN")]["links"]
    assert routes.map(lambda links: "L_IGDIR_NAKH" in links).all()
    nakh = corridor.solve(net, year=2025).agreements.set_index("agreement_id")
    assert nakh.loc["A_AZ_NAKH_VIA_TR", "blocked_by"] == ""


def test_d_middle_corridor_freight_around_russia_and_china(net: corridor.Network) -> None:
    # 2024 supply: Kazakh exports via TITR 3.2 Mt (Kazinform), Chinese-origin 4.484 - 3.2 =
    # 1.284 Mt, and 56,500 TEU of containers. No Middle Corridor link has a capacity below
    # these volumes on the routes taken (Kuryk ferries 6 Mt/yr, Georgian rail 27 Mt/yr), so
    # around Russia all of it fits; the Northern route (12,000 km, OECD) is not used.
    r = corridor.solve(net, year=2024, avoid=["RU"])
    freight = r.supply[r.supply["commodity"].isin(["general_freight", "containers"])]
    assert (freight["unused"] < 1e-6).all()
    assert "L_NORTHERN" not in set(r.flows["link_id"])
    caspian = {"L_KURYK_ALAT", "L_AKTAU_ALAT", "L_TMB_ALAT"}
    assert caspian & set(r.flows.loc[r.flows["commodity"] == "general_freight", "link_id"])
    # Chinese-origin freight's Middle Corridor route is shorter than the Northern route's
    # 12,000 km (distance tie-break = km per Mt with no tariffs in the data)
    cn = r.paths[
        (r.paths["commodity"] == "general_freight")
        & r.paths["nodes"].map(lambda n: n[0] == "C_XIAN")
    ]
    assert (cn["unit_cost"] < 12_000).all() and len(cn)
    # Around Russia and China: only Kazakh-origin freight can avoid China; it all fits, and
    # the 1.284 Mt and 56,500 TEU that start in China stay unused (reported, not a crash).
    both = corridor.solve(net, year=2024, avoid=["RU", "CN"])
    s = both.supply.set_index(["node_id", "commodity"])
    assert s.loc[("J_MOYINTY", "general_freight"), "used"] == pytest.approx(3.2)
    assert s.loc[("C_XIAN", "general_freight"), "unused"] == pytest.approx(1.284)
    assert s.loc[("C_XIAN", "containers"), "unused"] == pytest.approx(56_500)


def test_e_which_single_failure_strands_most(net: corridor.Network) -> None:
    # 2024, each link and infrastructure node out for the year in turn (warm re-solves).
    # Oil: everything Kazakh passes Atyrau: 27.9 + 17.898 + 9.619 + 14.463 = 69.88 Mt/yr.
    # CPC carries 69.88 - 8.6 (Samara) - 1.984 (Makhachkala) - 1.2 (China) - 2.2 (BTC deal)
    # = 55.896; without it Kenkiyak-Atyrau adds 6 - 1.2 = 4.8 towards China and the Aktau berths
    # 7.5 - 1.984 - 2.2 = 3.316, so 55.896 - 4.8 - 3.316 = 47.78 Mt/yr are lost.
    # Gas: SCP carries Türkiye's 10.478 + Bulgaria's 1.0 + Europe's 11.5 = 22.978 bcm/yr;
    # Sangachal also feeds Georgia (2.4) and Nakhchivan through Iran (0.28): 25.658.
    # Freight: the 3.2 Mt/yr of Kazakh freight all enter at Moyinty and land at Alat.
    from corridor.resilience import outage_criticality

    c = outage_criticality(net, options=SolveOptions(year=2024))
    oil, gas = c.most_stranded("crude_oil"), c.most_stranded("natural_gas")
    assert (oil["outage"], oil["lost"]) == ("C_ATYRAU", pytest.approx(69.88))
    assert (gas["outage"], gas["lost"]) == ("T_SANGACHAL", pytest.approx(25.658))
    freight = c.lost[c.lost["commodity"] == "general_freight"].set_index("outage")["lost"]
    assert freight.max() == pytest.approx(3.2)  # where it enters the model, and its landing
    assert set(freight.index[freight > 3.2 - 1e-6]) == {"J_MOYINTY", "P_ALAT"}
    assert "containers" not in set(c.lost["commodity"])
    kinds = c.ranking.set_index("outage")["kind"]
    links = c.lost[c.lost["outage"].map(kinds) == "link"]
    top = links.sort_values("lost", ascending=False).groupby("commodity").head(1)
    top = top.set_index("commodity")
    assert (top.at["crude_oil", "outage"], top.at["crude_oil", "lost"]) == (
        "L_CPC",
        pytest.approx(47.78),
    )
    assert (top.at["natural_gas", "outage"], top.at["natural_gas", "lost"]) == (
        "L_SCP",
        pytest.approx(22.978),
    )
    assert "general_freight" not in set(links["commodity"])


def test_f_how_likely_a_gas_shortfall_in_italy_in_2027_is(net: corridor.Network) -> None:
    # eu-20bcm-2027: 19 bcm/yr asked at Melendugno; TAP carries 10-11.5 (its sourced range), so
    # Italy is short in every draw, by 19 - 11.5 = 7.5 at least and 19 - 10 = 9 at most unless
    # an SCP or Shah Deniz outage cuts more. tap-20: the intact year is already 0.62 short
    # (Absheron's 4 mcm/d line binds); outages upstream of Sangachal make it worse in some draws.
    from corridor.resilience import monte_carlo

    today = monte_carlo(net, "eu-20bcm-2027", draws=2000, workers=1)
    italy = today.shortfall.set_index("node_id").loc["M_MELENDUGNO"]
    assert today.year == 2027 and italy["unit"] == "bcm/yr"
    assert italy["shortfall_probability"] == 1.0 and italy["intact_unmet"] == pytest.approx(7.5)
    assert 7.5 < italy["unmet_mean"] < 9.0
    expanded = monte_carlo(net, "tap-20", draws=2000, workers=1)
    italy = expanded.shortfall.set_index("node_id").loc["M_MELENDUGNO"]
    assert italy["shortfall_probability"] == 1.0 and italy["intact_unmet"] == pytest.approx(0.62)
    assert 0.25 < italy["worse_probability"] < 0.5
    critical = expanded.criticality.set_index("link_id")["criticality_index"]
    assert set(critical.index[critical > 0]) == {"L_SD_SANG", "L_SCP"}
