"""A scenario edits the network's typed tables and checks what it changed: the tables are those
parsing their text gives, solving them gives the same results, and a scenario that breaks the
dataset is refused with the messages a full validation gives."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

import corridor
from corridor.dataset.network import Network, from_frames
from corridor.io.export import tables_to_csv_frames
from corridor.pipeline import solve
from corridor.scenario import ScenarioError, apply_scenario, read_scenario, shipped_scenarios
from tests.conftest import edit_csv
from tests.scenario.test_scenarios import GOOD_HEAD, write

SHIPPED = [p.stem for p in shipped_scenarios()]


@cache
def base() -> Network:
    return corridor.load()


def through_text(network: Network) -> Network:
    """The old route: the tables written as text, parsed and validated again in full."""
    return from_frames(tables_to_csv_frames(network))


@pytest.mark.parametrize("name", SHIPPED)
def test_a_scenario_s_tables_are_those_its_text_parses_to(name: str) -> None:
    run = apply_scenario(read_scenario(name), base())
    reference = through_text(run.network)  # raises if the full validation finds an error
    for table, frame in run.network.tables.items():
        pdt.assert_frame_equal(frame, reference.tables[table], obj=table)
    assert run.network.path == base().path


@pytest.mark.parametrize("name", ["tanap-31", "turkmen-gas-via-azerbaijan", "cpc-storm-2022"])
def test_solving_a_scenario_gives_what_solving_its_parsed_text_gives(name: str) -> None:
    run = apply_scenario(read_scenario(name), base())
    found = solve(run.network, options=run.options)
    expected = solve(through_text(run.network), options=run.options)
    for table in ("flows", "links", "unmet", "agreements", "costs"):
        pdt.assert_frame_equal(getattr(found, table), getattr(expected, table), obj=table)


def test_applying_a_scenario_leaves_the_network_as_it_was() -> None:
    before = {name: frame.copy() for name, frame in base().tables.items()}
    apply_scenario(read_scenario("turkmen-gas-via-azerbaijan"), base())
    apply_scenario(read_scenario("tcgp-30"), base())
    for name, frame in base().tables.items():
        pdt.assert_frame_equal(frame, before[name], obj=name)


BROKEN = {
    "links:\n  - {link_id: L_X, name: X, from_node: F_SD, to_node: C_TBILISI, mode: hovercraft,"
    " commodities: [natural_gas], capacity: 3, capacity_unit: furlongs, countries: [GE, XX],"
    " sources: [S_BP_BTC]}\n": [
        (
            "links[0]",
            "not-allowed: 1 value(s) in 'mode' are not among the allowed values: L_X (use one "
            "of: pipeline, rail, road, ferry, tanker, sea, swap)",
        ),
        (
            "links[0]",
            "not-allowed: 1 value(s) in 'capacity_unit' are not among the allowed values: L_X "
            "(use one of: Mt/yr, kt/yr, t/yr, t/month, b/d, mb/d, bbl/yr, million bbl/yr, bcm/yr,"
            " mcm/yr, mcm/d, TEU/yr)",
        ),
        (
            "",
            "unknown-country: 1 value(s) in links.countries are not ISO 3166-1 alpha-2 codes "
            "(write two-letter codes such as AZ, GE, TR, KZ)",
        ),
        (
            "links[0]",
            "commodity-not-handled: 1 link end(s) carry a commodity their node cannot handle: "
            "L_X (add the commodity to the node's commodities, or remove it from the link)",
        ),
    ],
    "agreements:\n  add:\n    - {agreement_id: A_X, name: X, parties: [P], commodity: crude_oil,"
    " origin: F_ACG, destinations: [C_XIAN], max_volume: 1, unit: Mt/yr, start_year: 2030,"
    " end_year: 2020, sources: [S_BP_BTC]}\n": [
        (
            "agreements.add[0]",
            "inverted-range: 1 row(s) have start_year greater than end_year: A_X (swap "
            "start_year and end_year)",
        ),
        (
            "agreements.add[0]",
            "unconnected-agreement: 1 agreement(s) have no route from origin to any destination:"
            " A_X (add links carrying the agreement's commodity between origin and destination)",
        ),
    ],
    "link_changes:\n  - {link: L_BTC, commodities: [natural_gas]}\n"
    "  - {link: L_SCP, bidirectional: true, status: suspended}\n": [
        (
            "link_changes[0]",
            "unit-mismatch: 1 row(s) measure a commodity in a unit of the wrong kind: L_BTC "
            "(crude and products: Mt/yr, kt/yr, b/d; gas: bcm/yr, mcm/d; containers: TEU/yr or "
            "Mt/yr; general freight: Mt/yr)",
        ),
        (
            "link_changes[0]",
            "commodity-not-handled: 1 link end(s) carry a commodity their node cannot handle: "
            "L_BTC (add the commodity to the node's commodities, or remove it from the link)",
        ),
        (
            "",
            "unconnected-agreement: 3 agreement(s) have no route from origin to any destination:"
            " A_KMG_SOCAR_2022, A_KMG_SOCAR_2024, A_KASHAGAN_2025 (add links carrying the "
            "agreement's commodity between origin and destination)",
        ),
    ],
    "nodes:\n  - {node_id: T_X, name: '  ', kind: castle, country: GE, lat: 41.7, lon: 44.8,"
    " commodities: [crude_oil, nope], sources: [S_BP_BTC]}\n"
    "demand:\n  - {node: T_X, commodity: crude_oil, value: 1, unit: Mt/yr,"
    " sources: [S_BP_BTC]}\n": [
        (
            "nodes[0]",
            "missing-value: 1 row(s) have no 'name', which is required: T_X (fill in name: "
            "Human-readable name.)",
        ),
        (
            "nodes[0]",
            "not-allowed: 1 value(s) in 'kind' are not among the allowed values: T_X (use one "
            "of: field, terminal, port, junction, border_crossing, market, city, refinery, "
            "storage)",
        ),
        (
            "nodes[0]",
            "unknown-commodity: 1 value(s) in nodes.commodities are not in "
            "commodities.commodity_id: T_X (use an existing commodity_id from commodities.csv, "
            "or add the missing row there)",
        ),
        (
            "",
            "unreachable-demand: 1 demand row(s) sit at nodes no supply of the commodity can "
            "reach: DEM_T_X_crude_oil_2024_SCENARIO (add the missing links (or the commodity on "
            "existing links), or a supply row)",
        ),
    ],
    "expansions:\n  - {link: L_BTC, capacity: .inf, year: 2020, sources: [S_BP_BTC]}\n"
    "supply:\n  - {node: F_ACG, commodity: crude_oil, add: -100, unit: Mt/yr,"
    " sources: [S_BP_ACG]}\n": [
        (
            "expansions[0]",
            "bad-value: 1 value(s) in column 'capacity' are not a finite number: L_BTC (write a "
            "finite number, or leave the cell empty if unknown)",
        ),
        (
            "",
            "out-of-range: 1 value(s) in 'value' are below 0: SUP_ACG_2024 (value must be at "
            "least 0)",
        ),
        (
            "",
            "bad-value: 1 value(s) in column 'value' are not a finite number (write a finite "
            "number)",
        ),
    ],
    "agreements:\n  remove: [A_KMG_SOCAR_2024]\n  change:\n"
    "    - {id: A_SD2_TR, min_volume: 50, max_volume: 10, sources: [S_BP_BTC]}\n": [
        (
            "agreements.change[0]",
            "inverted-range: 1 row(s) have min_volume greater than max_volume: A_SD2_TR (swap "
            "min_volume and max_volume)",
        ),
    ],
}


@pytest.mark.parametrize("body", list(BROKEN))
def test_a_scenario_that_breaks_the_dataset_gets_the_full_validation_s_messages(
    tmp_path: Path, body: str
) -> None:
    with pytest.raises(ScenarioError) as err:
        apply_scenario(write(tmp_path, GOOD_HEAD + body), base())
    found = [(p.key, p.message) for p in err.value.problems]
    assert found == [(key, f"the changed dataset fails {m}") for key, m in BROKEN[body]]


def test_a_year_too_large_for_a_whole_number_is_out_of_range_not_a_crash(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        GOOD_HEAD + "agreements:\n  change:\n    - {id: A_KMG_SOCAR_2024, "
        "start_year: 1000000000000000000000000000000, sources: [S_BP_BTC]}\n",
    )
    with pytest.raises(ScenarioError) as err:
        apply_scenario(file, base())
    problem = err.value.problems[0]
    assert (problem.key, problem.line) == ("agreements.change[0]", 6)
    assert "out-of-range: 1 value(s) in 'start_year' are above 2100" in problem.message


def test_a_warning_of_the_changed_rows_is_in_the_network_s_report(tmp_path: Path) -> None:
    url = base().sources.at["S_BP_BTC", "url"]
    text = GOOD_HEAD + (
        f"sources:\n  - {{id: S_SAME, publisher: P, title: T, url: '{url}', date: 2024}}\n"
        "tariffs:\n  - {link: L_BTC, tariff: 5, unit: USD/t, sources: [S_SAME]}\n"
    )
    run = apply_scenario(write(tmp_path, text), base())
    assert run.network.report is not None and run.network.report.ok
    assert "duplicate-source" in run.network.report.codes()


def test_a_network_with_errors_is_checked_in_full(shipped_copy: Path) -> None:
    edit_csv(
        shipped_copy,
        "links",
        lambda f: f.assign(to_node=f["to_node"].mask(f["link_id"] == "L_BTC", "N_NOPE")),
    )
    lenient = corridor.load(shipped_copy, strict=False)
    assert lenient.report is not None and not lenient.report.ok
    with pytest.raises(ScenarioError) as err:
        apply_scenario("cpc-closed", lenient)  # changes nothing near L_BTC
    messages = [p.message for p in err.value.problems]
    assert any("fails unknown-node" in m and "L_BTC" in m for m in messages), messages


def test_a_scenario_keeps_the_loaded_tables_of_what_it_does_not_change() -> None:
    run = apply_scenario(read_scenario("cpc-closed"), base())
    assert run.network.links is base().links  # the outage closes L_CPC by a route rule
    assert not run.network.sources.equals(base().sources)  # it adds two sources
    assert isinstance(run.network.provenance.index, pd.RangeIndex)
