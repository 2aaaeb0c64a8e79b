"""The shipped dataset: valid, covering what the brief asks for, every figure traced to a source."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import corridor
from corridor.dataset import validate_dataset
from corridor.schema import TABLES
from corridor.schema.vocabulary import SOURCED_TABLES
from tests.conftest import edit_csv, shipped_network


@pytest.fixture(scope="module")
def net() -> corridor.Network:
    return shipped_network()


def test_shipped_dataset_has_no_errors() -> None:
    report, _ = validate_dataset()
    errors = report.to_frame()
    assert report.ok, errors[errors["severity"] == "error"][["code", "message", "ids"]]


def test_every_numeric_cell_traces_to_a_source_row(net: corridor.Network) -> None:
    prov = net.provenance.set_index(["table", "row_id", "column"])
    known_sources = set(net.sources.index)
    n = 0
    for name in SOURCED_TABLES:
        frame = getattr(net, name)
        for column in TABLES[name].sourced_columns:
            for row_id, value in frame[column].dropna().items():
                entry = prov.loc[(name, str(row_id), column)]
                assert entry["value"] == pytest.approx(float(value))
                assert entry["source_ids"] and set(entry["source_ids"]) <= known_sources
                assert entry["status"] in ("design", "actual", "plan", "contract")
                n += 1
    assert n > 300


def test_every_source_has_publisher_url_and_date(net: corridor.Network) -> None:
    s = net.sources
    assert s["publisher"].notna().all() and s["url"].notna().all() and s["date"].notna().all()
    assert s["url"].str.match(r"^https?://").all()


REQUIRED_NODES = [
    # oil
    "F_ACG",
    "F_TENGIZ",
    "F_KASHAGAN",
    "F_KARACH",
    "T_SANGACHAL",
    "T_DUBENDI",
    "T_CEYHAN",
    "T_SUPSA",
    "T_CPC",
    "T_NOVOROSSIYSK",
    "P_BATUMI",
    "P_MAKHACHKALA",
    "P_AKTAU",
    "P_KURYK",
    "R_STAR",
    # gas
    "F_SD",
    "F_ABS",
    "J_GARDABANI",
    "J_ESKISEHIR",
    "B_KIPOI",
    "J_KOMOTINI",
    "M_MELENDUGNO",
    "J_STARAZAGORA",
    "C_IGDIR",
    "C_NAKHCHIVAN",
    "B_SARAKHS",
    "B_GURBULAK",
    "J_BELEK",
    # freight
    "B_KHORGOS",
    "B_DOSTYK",
    "P_ALAT",
    "P_POTI",
    "P_ANAKLIA",
    "J_AKHALKALAKI",
    "C_KARS",
    "C_ISTANBUL",
    "P_CONSTANTA",
]


def test_required_nodes_are_present(net: corridor.Network) -> None:
    missing = sorted(set(REQUIRED_NODES) - set(net.nodes.index))
    assert not missing


def test_main_corridors_and_their_countries(net: corridor.Network) -> None:
    links = net.links
    btc = links.loc["L_BTC"]
    assert set(btc["countries"]) == {"AZ", "GE", "TR"}
    assert btc["capacity_canonical"] == pytest.approx(50, rel=0.25)  # 1.2 mb/d or 50 Mt/yr
    assert links.loc["L_CPC", "status"] == "operating"
    assert links.loc["L_TCGP", "status"] == "proposed"
    modes = set(links["mode"])
    assert {"pipeline", "rail", "ferry", "tanker", "sea", "swap"} <= modes


def test_every_commodity_has_supply_and_demand_for_2023_and_2024(net: corridor.Network) -> None:
    for commodity in ("crude_oil", "natural_gas"):
        for year in (2023, 2024):
            s = net.supply[(net.supply["commodity"] == commodity) & (net.supply["year"] == year)]
            d = net.demand[(net.demand["commodity"] == commodity) & (net.demand["year"] == year)]
            assert len(s) and len(d), (commodity, year)
    freight = net.supply[net.supply["commodity"].isin(["containers", "general_freight"])]
    assert {2023, 2024} <= set(freight["year"])


def test_agreements_of_the_brief(net: corridor.Network) -> None:
    a = net.agreements
    text = (a["name"] + " " + a["note"].fillna("")).str.lower()
    for needle in ("tengiz", "kashagan", "bulgar", "shah deniz", "swap", "türkmengaz|turkmengaz"):
        assert text.str.contains(needle).any(), needle
    kmg = a[text.str.contains("2.2|march 2024")]
    assert not kmg.empty
    assert (a.loc[kmg.index, "max_volume"].astype(float) == 2.2).any()


def test_groups_cover_the_network_countries(net: corridor.Network) -> None:
    groups = set(net.groups["group_id"])
    assert {"OTS", "EU", "ECO", "OIC", "CAREC", "TITR", "NAM"} <= groups
    ots = set(net.groups.loc[net.groups["group_id"] == "OTS", "country"])
    assert {"AZ", "KZ", "TR", "UZ", "KG", "TM", "HU"} <= ots


def test_crude_conversion_factors(net: corridor.Network) -> None:
    conv = net.conversions
    crude = conv[(conv["commodity"] == "crude_oil") & (conv["to_unit"] == "bbl")]
    assert crude["factor"].between(7.0, 8.2).all() and len(crude) >= 2


# Broken copies of the shipped dataset fail with clear messages.
def _swap_coordinates(node: str):  # type: ignore[no-untyped-def]
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        i = frame.index[frame["node_id"] == node][0]
        frame.loc[i, ["lat", "lon"]] = frame.loc[i, ["lon", "lat"]].to_numpy()
        return frame

    return change


def test_broken_shipped_copy_is_reported(shipped_copy: Path) -> None:
    edit_csv(shipped_copy, "nodes", _swap_coordinates("P_AKTAU"))
    edit_csv(
        shipped_copy,
        "links",
        lambda f: f.assign(to_node=f["to_node"].where(f["link_id"] != "L_BTC", "T_CEYHAM")),
    )
    edit_csv(shipped_copy, "sources", lambda f: f.iloc[1:])
    report, _ = validate_dataset(shipped_copy)
    codes = report.codes()
    assert {"wrong-country", "unknown-node", "unknown-source", "provenance-mismatch"} <= codes
    unknown = next(i for i in report.issues if i.code == "unknown-node")
    assert "T_CEYHAM" in unknown.values and "L_BTC" in unknown.ids
