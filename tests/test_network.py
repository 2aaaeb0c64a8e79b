"""Loading a dataset into a Network: indexes, canonical units, immutability, GeoPandas views."""

from __future__ import annotations

from pathlib import Path

import pytest

import corridor
from corridor.errors import ValidationError
from tests.conftest import TINY, edit_csv


def test_tables_are_indexed_by_id_and_typed() -> None:
    net = corridor.load(TINY)
    assert net.nodes.index.name == "node_id"
    assert net.links.loc["L_AB", "commodities"] == ("crude_oil",)
    assert bool(net.links.loc["L_AB", "bidirectional"]) is False
    assert net.agreements.loc["A_1", "avoid_countries"] == ("RU",)
    assert net.links.loc["L_AB", "start_year"] == 2006


def test_quantities_get_canonical_units() -> None:
    net = corridor.load(TINY)
    # 100,000 b/d x 365 / 7.3 bbl/t = 5.0 Mt/yr
    assert net.links.loc["L_BC", "capacity_canonical"] == pytest.approx(5.0)
    assert net.links.loc["L_BC", "canonical_unit"] == "Mt/yr"
    assert net.supply.loc["SUP_A", "value_canonical"] == pytest.approx(8.0)


def test_replace_returns_a_new_network() -> None:
    net = corridor.load(TINY)
    fewer = net.replace(links=net.links.drop(index="L_BC"))
    assert len(fewer.links) == 1 and len(net.links) == 2


def test_invalid_dataset_raises_with_the_whole_report(tiny_copy: Path) -> None:
    edit_csv(tiny_copy, "links", lambda f: f.assign(to_node=["NOPE", "ALSO_NOPE"]))
    with pytest.raises(ValidationError) as caught:
        corridor.load(tiny_copy)
    assert "unknown-node" in caught.value.report.codes()
    assert isinstance(caught.value, ValueError)
    lenient = corridor.load(tiny_copy, strict=False)
    assert lenient.report is not None and not lenient.report.ok


def test_geodataframes() -> None:
    net = corridor.load(TINY)
    nodes = corridor.nodes_to_geodataframe(net)
    links = corridor.links_to_geodataframe(net)
    assert nodes.crs.to_epsg() == 4326 and links.crs.to_epsg() == 4326
    assert nodes.loc["F_A"].geometry.x == pytest.approx(49.87)
    line = links.loc["L_AB"].geometry
    assert list(line.coords) == [(49.87, 40.41), (44.79, 41.72)]


def test_a_dataset_may_declare_its_own_commodity(tiny_copy: Path) -> None:
    # add "grain" in Mt/yr on the existing links and nodes
    (tiny_copy / "commodities.csv").write_text(
        (tiny_copy / "commodities.csv").read_text() + "grain,Grain,Mt/yr,,bulk grain\n"
    )
    edit_csv(tiny_copy, "nodes", lambda f: f.assign(commodities="crude_oil;grain"))
    # L_AB is in Mt/yr and may carry grain; L_BC is in b/d, a unit grain cannot be measured in
    edit_csv(tiny_copy, "links", lambda f: f.assign(commodities=["crude_oil;grain", "crude_oil"]))
    net = corridor.load(tiny_copy)
    assert net.commodities.loc["grain", "canonical_unit"] == "Mt/yr"
    edit_csv(tiny_copy, "links", lambda f: f.assign(commodities=["crude_oil;grain"] * 2))
    assert "unit-mismatch" in corridor.validate(tiny_copy)[0].codes()
    edit_csv(tiny_copy, "links", lambda f: f.assign(commodities="crude_oil;barley"))
    assert "unknown-commodity" in corridor.validate(tiny_copy)[0].codes()
