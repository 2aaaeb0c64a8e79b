"""Scenario files: every shipped one applies and solves, the region's logic holds, bad files are
reported by file, key and line, and comparisons subtract correctly."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from corridor.dataset.network import Network
from corridor.pipeline import solve_scenario
from corridor.results import Results
from corridor.results.compare import compare_inputs, compare_results
from corridor.scenario import (
    AppliedScenario,
    ScenarioError,
    apply_scenario,
    outage_factor,
    read_scenario,
    shipped_scenarios,
)
from corridor.scenario.model import Outage
from tests.conftest import shipped_network

SHIPPED = [p.stem for p in shipped_scenarios()]


@cache
def base() -> Network:
    return shipped_network()


@cache
def applied(name: str) -> AppliedScenario:
    """A shipped scenario applied to the shipped dataset, once: applying re-validates it all."""
    return apply_scenario(read_scenario(name), base())


@cache
def solved(name: str) -> Results:
    return solve_scenario(applied(name))


def used(results: Results, link: str) -> float:
    return float(results.links.loc[results.links["link_id"] == link, "used"].sum())


def binds(results: Results, link: str) -> bool:
    return bool(results.links.loc[results.links["link_id"] == link, "binding"].any())


def tariffs(results: Results) -> float:
    costs = results.costs
    return float(costs.loc[costs["item"] == "tariffs paid (known tariffs)", "value"].sum())


def delivered(results: Results, node: str, commodity: str) -> float:
    d = results.unmet[
        (results.unmet["node_id"] == node) & (results.unmet["commodity"] == commodity)
    ]
    m = results.markets[
        (results.markets["node_id"] == node) & (results.markets["commodity"] == commodity)
    ]
    return float(d["delivered"].sum() + m["delivered"].sum())


def test_the_issue_s_scenarios_are_shipped() -> None:
    assert len(SHIPPED) >= 16
    for name in ("baseline-2023", "baseline-2024", "cpc-closed", "tanap-31", "tcgp-10", "tcgp-30"):
        assert name in SHIPPED


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_applies_solves_and_cites_sources(name: str) -> None:
    scenario = read_scenario(name)
    assert len(scenario.spec.description) > 100, "each scenario has a one-paragraph description"
    run = applied(name)
    assert run.network.report is not None and run.network.report.ok
    known = set(run.network.sources.index)
    assert set(run.source_ids) <= known
    if not name.startswith("baseline"):  # the baselines are the dataset, sourced row by row
        assert run.source_ids, "a what-if scenario names its sources"
    results = solved(name)
    assert results.status == "Optimal"
    assert results.year == scenario.year
    # every figure the scenario set or changed has a provenance row naming a scenario
    keys = ["table", "row_id", "column", "value"]
    old = base().provenance[keys].astype(str).agg("|".join, axis=1)
    new = run.network.provenance
    changed = new[~new[keys].astype(str).agg("|".join, axis=1).isin(set(old))]
    lineage = tuple(f"scenario {p.stem}" for p in scenario.lineage)
    assert all(str(note).startswith(lineage) for note in changed["note"].fillna(""))


def test_cpc_closure_raises_aktau_and_azerbaijan_transit_and_cuts_kazakh_exports() -> None:
    before, after = solved("baseline-2023"), solved("cpc-closed")
    assert used(after, "L_CPC") == 0 and used(before, "L_CPC") > 40
    assert used(after, "L_AKTAU_BERTHS") > used(before, "L_AKTAU_BERTHS") + 3
    assert binds(after, "L_AKTAU_BERTHS") and not binds(before, "L_AKTAU_BERTHS")
    assert used(after, "L_BTC") >= used(before, "L_BTC") - 1e-6
    az = {
        name: r.transit.query("country == 'AZ' and commodity == 'crude_oil'")["volume"].sum()
        for name, r in (("before", before), ("after", after))
    }
    assert az["after"] > az["before"] + 3
    kazakh_fields = ["L_TENGIZ_ATY", "L_KASH_ATY", "L_KARACH_ATY"]
    exported_before = sum(used(before, link) for link in kazakh_fields)
    exported_after = sum(used(after, link) for link in kazakh_fields)
    assert exported_after < exported_before - 20


def test_the_2022_storm_cuts_cpc_capacity_by_its_share_of_the_year() -> None:
    run = applied("cpc-storm-2022")
    expected = 72.5 * (1 - 0.67 * 46 / 365)
    assert run.network.links.at["L_CPC", "capacity"] == pytest.approx(expected)
    prov = run.network.provenance
    row = prov[(prov["row_id"] == "L_CPC") & (prov["column"] == "capacity")].iloc[0]
    assert row["value"] == pytest.approx(expected)
    assert "S_ARGUS_CPC_20220328" in row["source_ids"]


def test_tanap_expansion_helps_europe_only_as_far_as_tap_allows() -> None:
    today, tanap, tap20 = solved("eu-20bcm-2027"), solved("tanap-31"), solved("tap-20")
    europe = {
        n: delivered(r, "M_MELENDUGNO", "natural_gas")
        for n, r in (("today", today), ("tanap", tanap), ("tap20", tap20))
    }
    tap = base().links.at["L_TAP_C", "capacity_canonical"]
    assert europe["today"] == pytest.approx(tap)  # TAP full at 10 bcm/yr
    assert europe["tanap"] == pytest.approx(europe["today"])  # more TANAP, TAP still binds
    assert binds(tanap, "L_TAP_A") or binds(tanap, "L_TAP_B") or binds(tanap, "L_TAP_C")
    assert tap < europe["tap20"] <= 20 + 1e-6  # doubling TAP lets the expansion through


def test_tap_expansion_alone_is_held_back_by_tanap_phase_1() -> None:
    today, tap12 = solved("eu-20bcm-2027"), solved("tap-plus-1.2")
    assert delivered(tap12, "M_MELENDUGNO", "natural_gas") == pytest.approx(
        delivered(today, "M_MELENDUGNO", "natural_gas")
    )
    assert binds(tap12, "L_TANAP_1")


def test_northern_route_rule_applies_to_freight_only() -> None:
    closed = solved("northern-closed-eu-freight")
    assert used(closed, "L_NORTHERN") == 0
    assert used(closed, "L_CPC") > 0  # crude may still cross Russia
    boxes = closed.markets.query("commodity == 'containers'")["delivered"].sum()
    assert boxes == pytest.approx(
        solved("baseline-2024").markets.query("commodity == 'containers'")["delivered"].sum()
    )  # all 2024 boxes still move


def test_trans_caspian_gas_reaches_sangachal_only_when_built() -> None:
    assert used(solved("eu-20bcm-2027"), "L_TCGP") == 0
    assert used(solved("tcgp-30"), "L_TCGP") > 0


def test_outage_share_of_the_year() -> None:
    assert outage_factor(Outage(link="L", sources=["S"])) == (0.0, 365)
    factor, days = outage_factor(Outage(link="L", sources=["S"], cut_percent=50, days=73))
    assert days == 73 and factor == pytest.approx(0.9)
    factor, days = outage_factor(
        Outage(link="L", sources=["S"], start="12-01", end="01-31")  # over the new year
    )
    assert days == 62 and factor == pytest.approx(1 - 62 / 365)


def test_extends_merges_the_parent_first(tmp_path: Path) -> None:
    file = tmp_path / "child.yaml"
    file.write_text(
        "title: Child\ndescription: TANAP-31 plus a 10% cut of BTC for the whole year, as a test\n"
        "extends: tanap-31\noutages:\n  - {link: L_BTC, cut_percent: 10, sources: [S_BP_BTC]}\n",
        encoding="utf-8",
    )
    scenario = read_scenario(file)
    assert scenario.year == 2027
    assert [p.stem for p in scenario.lineage] == [
        "baseline-2024",
        "eu-20bcm-2027",
        "tanap-31",
        "child",
    ]
    run = apply_scenario(scenario, base())
    assert run.network.links.at["L_TANAP_0", "capacity"] == 31
    assert run.network.links.at["L_BTC", "capacity"] == pytest.approx(45)


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    return file


GOOD_HEAD = "title: T\ndescription: a scenario written to test error messages here\nyear: 2024\n"


@pytest.mark.parametrize(
    ("body", "key", "line", "words"),
    [
        (
            "outages:\n  - {link: L_CPC, cut_percent: lots, sources: [S_BP_BTC]}\n",
            "outages[0].cut_percent",
            5,
            "number",
        ),
        (
            "outages:\n  - link: L_CPC\n    cut_percent: 150\n    sources: [S_BP_BTC]\n",
            "outages[0].cut_percent",
            6,
            "less than or equal to 100",
        ),
        ("expansion:\n  - {link: L_TAP_A}\n", "expansion", 4, "unknown key"),
        (
            "expansions:\n  - {link: L_TAP_A, year: 2026, sources: [S_BP_BTC]}\n",
            "expansions[0]",
            5,
            "exactly one of capacity",
        ),
        ("outages:\n  - {link: L_NOPE, sources: [S_BP_BTC]}\n", "outages[0].link", 5, "no link"),
        ("outages:\n  - {link: L_CPC, sources: [S_NOPE]}\n", "outages[0].sources", 5, "no source"),
        (
            "outages:\n  - {link: L_CPC, start: 3-22, end: 04-20, sources: [S_BP_BTC]}\n",
            "outages[0].start",
            5,
            "MM-DD",
        ),
        (
            "supply:\n  - {node: F_SD, commodity: natural_gas, value: 3, sources: [S_BP_BTC]}\n",
            "supply[0]",
            5,
            "need a unit",
        ),
        ("rules:\n  - {avoid_countries: [XX]}\n", "rules[0].avoid_countries", 5, "country"),
        ("agreements:\n  remove: [A_NOPE]\n", "agreements.remove[0]", 5, "no agreement"),
        ("cites:\n  - S_BP_BTC\n  - S_NOPE\n", "cites[1]", 6, "no source"),
    ],
)
def test_bad_scenarios_name_file_key_and_line(
    tmp_path: Path, body: str, key: str, line: int, words: str
) -> None:
    file = write(tmp_path, GOOD_HEAD + body)
    with pytest.raises(ScenarioError) as err:
        apply_scenario(read_scenario(file), base())
    problem = err.value.problems[0]
    assert problem.file == file.resolve() and problem.key == key and problem.line == line, problem
    assert words in problem.message + str(problem.value), problem


def test_yaml_syntax_errors_and_missing_parents_are_reported(tmp_path: Path) -> None:
    broken = write(tmp_path, GOOD_HEAD + "outages: [\n")
    with pytest.raises(ScenarioError) as err:
        read_scenario(broken)
    assert "not valid YAML" in str(err.value) and err.value.problems[0].line is not None
    orphan = write(tmp_path, GOOD_HEAD + "extends: no-such-scenario\n", "orphan.yaml")
    with pytest.raises(ScenarioError) as err:
        read_scenario(orphan)
    assert err.value.problems[0].key == "extends" and err.value.problems[0].line == 4
    loop = write(tmp_path, GOOD_HEAD + "extends: loop.yaml\n", "loop.yaml")
    with pytest.raises(ScenarioError, match="extends itself"):
        read_scenario(loop)


def test_a_scenario_that_breaks_the_dataset_fails_its_validation(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        GOOD_HEAD + "links:\n  - {link_id: L_X, name: X, from_node: F_SD, to_node: C_DUISBURG,"
        " mode: pipeline, commodities: [containers], sources: [S_BP_BTC]}\n",
    )
    with pytest.raises(ScenarioError, match="changed dataset fails") as err:
        apply_scenario(read_scenario(file), base())
    assert err.value.problems[0].key == "links[0]"


def test_comparison_deltas_are_differences_from_the_first() -> None:
    names = ["baseline-2023", "cpc-closed", "baku-supsa-restart"]
    comparison = compare_results([(n, solved(n)) for n in names])
    loads = comparison.tables["Link loadings"].set_index("link_id")
    for name in names[1:]:
        assert (loads[f"Δ {name}"] == loads[name] - loads[names[0]]).all()
    assert loads.at["L_CPC", "Δ cpc-closed"] == pytest.approx(
        -used(solved("baseline-2023"), "L_CPC")
    )
    binding = comparison.tables["Binding links (shadow price)"].set_index("link_id")
    assert binding.at["L_AKTAU_BERTHS", "binds in"] == "cpc-closed, baku-supsa-restart"
    changed = comparison.changed("Delivered volumes")
    assert "T_SUPSA" in set(changed["node_id"]) and "F_SD" not in set(changed["node_id"])
    with pytest.raises(ValueError, match="at least two"):
        compare_results([(names[0], solved(names[0]))])
    html = comparison._repr_html_()  # what Jupyter shows
    assert "<h4>Link loadings</h4>" in html and "L_CPC" in html and "no change" in html


def test_input_comparison_shows_what_each_scenario_changed() -> None:
    runs = [applied(n) for n in ("baseline-2024", "northern-closed-eu-freight", "tanap-31")]
    inputs = compare_inputs([(r.name, r.network, r.options) for r in runs])
    cell = inputs.set_index(["table", "row_id", "column"])
    assert list(cell.loc[("links", "L_TANAP_1", "capacity")]) == ["11.5", "11.5", "26.5"]
    assert list(cell.loc[("run", "", "year")]) == ["2024", "2024", "2027"]
    assert list(cell.loc[("run", "containers", "avoid_countries")]) == [
        "(absent)",
        "RU",
        "(absent)",
    ]
    new_supply = cell.loc[("supply", "SUP_F_SD_natural_gas_2027_SCENARIO", "(row)")]
    assert list(new_supply) == ["(absent)", "(absent)", "F_SD natural_gas 2027 28 bcm/yr"]
    assert ("links", "L_BTC", "capacity") not in cell.index  # unchanged cells stay out


NEW_TERMINAL = """title: A new Black Sea oil outlet
description: a hypothetical terminal with a rail link, to test new nodes and links
extends: cpc-closed
nodes:
  - {{node_id: T_TEST_KULEVI, name: Kulevi oil terminal, kind: terminal, country: GE,
     lat: {lat}, lon: {lon}, commodities: [crude_oil], open_market: true, sources: [S_BP_BTC]}}
links:
  - {{link_id: L_TEST_KULEVI, name: Rail to Kulevi, from_node: C_TBILISI, to_node: T_TEST_KULEVI,
     mode: rail, commodities: [crude_oil], capacity: 1, capacity_unit: Mt/yr,
     link_status: operating, countries: [GE], sources: [S_BP_BTC]}}
"""


def test_new_nodes_and_links_carry_flow_with_their_provenance(tmp_path: Path) -> None:
    file = write(tmp_path, NEW_TERMINAL.format(lat=42.27, lon=41.65))
    run = apply_scenario(file, base())
    assert run.changes[:2] == (
        "new node T_TEST_KULEVI (Kulevi oil terminal)",
        "new link L_TEST_KULEVI (Rail to Kulevi)",
    )
    prov = run.network.provenance.set_index(["row_id", "column"])
    assert prov.at[("T_TEST_KULEVI", "lat"), "source_ids"] == ("S_BP_BTC",)
    assert prov.at[("L_TEST_KULEVI", "capacity"), "note"].startswith("scenario bad:")
    results = solve_scenario(run)
    assert used(results, "L_TEST_KULEVI") == pytest.approx(1.0)  # full: a shorter outlet
    # ... but Aktau's oil berths limit what reaches Georgia: more of it would only shorten
    # routes, and distance is a tie-break, not a price
    assert not binds(results, "L_TEST_KULEVI") and binds(results, "L_AKTAU_BERTHS")


def test_a_new_node_outside_its_country_fails_the_coordinate_check(tmp_path: Path) -> None:
    file = write(tmp_path, NEW_TERMINAL.format(lat=39.9, lon=32.8))  # Ankara, not Georgia
    with pytest.raises(ScenarioError, match="fails wrong-country") as err:
        apply_scenario(file, base())
    problem = err.value.problems[0]
    assert (problem.key, problem.line) == ("nodes[0]", 5) and "T_TEST_KULEVI" in problem.message


EVERY_KIND = """title: Every kind of change
description: tariffs, group rules, a new agreement, demand in percent and supply added
extends: baseline-2024
tariffs:
  - {link: L_SCP, tariff: 20, unit: USD/1000m3, sources: [S_SGC_SCP]}
rules:
  - {only_groups: [OTS], commodities: [containers]}
demand:
  - {node: M_MELENDUGNO, commodity: natural_gas, change_percent: 10, sources: [S_TREND_20240111]}
supply:
  - {node: F_ACG, commodity: natural_gas, add: 0.5, unit: bcm/yr, sources: [S_BP_ACG]}
agreements:
  add:
    - {agreement_id: A_TEST_GE, name: Test supply to Georgia, parties: [SOCAR, GOGC],
       commodity: natural_gas, origin: F_SD, destinations: [J_GARDABANI], max_volume: 0.5,
       unit: bcm/yr, start_year: 2024, sources: [S_BP_ACG]}
"""


def test_tariffs_group_rules_new_agreements_and_quantity_changes(tmp_path: Path) -> None:
    run = apply_scenario(write(tmp_path, EVERY_KIND), base())
    net = run.network
    assert net.links.at["L_SCP", "tariff"] == 20
    eu = net.demand[(net.demand["node_id"] == "M_MELENDUGNO") & (net.demand["year"] == 2024)]
    assert eu["value"].iloc[0] == pytest.approx(11.9 * 1.1)
    acg = net.supply[
        (net.supply["node_id"] == "F_ACG")
        & (net.supply["year"] == 2024)
        & (net.supply["commodity"] == "natural_gas")
    ]
    assert acg["value"].iloc[0] == pytest.approx(3.0)
    assert run.options.commodity_rules["containers"].only_groups == frozenset({"OTS"})
    results = solve_scenario(run)
    boxes = results.flows.query("commodity == 'containers'")
    assert boxes.empty or boxes["flow"].sum() == 0  # China is not an OTS member or observer
    assert used(results, "L_XIAN_KHORGOS") == pytest.approx(1.284)  # general freight still goes
    assert used(results, "L_BTC") > 0  # the rule is for containers only
    agreement = results.agreements.set_index("agreement_id").loc["A_TEST_GE"]
    assert agreement["delivered"] == pytest.approx(0.5)
    assert agreement["route"] == "F_SD -> T_SANGACHAL -> J_GARDABANI"
    scp = results.flows.query("link_id == 'L_SCP'")["flow"].sum()
    bcm_to_usd = 20 * 1e6  # 20 USD per 1000 m3 = 20 million USD per bcm
    assert tariffs(results) == pytest.approx(
        tariffs(solved("baseline-2024")) + scp * bcm_to_usd, rel=1e-6
    )


def test_an_addition_keeps_the_old_sources_and_shifts_the_range() -> None:
    run = apply_scenario("tap-plus-1.2", base())
    prov = run.network.provenance.set_index(["table", "row_id", "column"])
    row = prov.loc[("links", "L_TAP_A", "capacity")]
    assert (row["value"], row["low"], row["high"]) == pytest.approx((12.7, 11.2, 12.7))
    # the shipped row's sources (TAP AG's 2022 flow, its firm 10 and the +1.2) are kept
    assert set(row["source_ids"]) == {"S_TREND_20230313", "S_ARGUMENTUM_TAP", "S_TREND_20240123"}
    new_total = (
        apply_scenario("tanap-31", base())
        .network.provenance.set_index(["table", "row_id", "column"])
        .loc[("links", "L_TANAP_0", "capacity")]
    )
    assert new_total["value"] == 31 and pd.isna(new_total["low"])  # a new figure: its own sources
    assert set(new_total["source_ids"]) == {"S_TREND_20250106", "S_AZERNEWS_204598"}
