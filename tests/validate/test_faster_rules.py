"""The provenance, reachability and conversion checks and the unit conversion of ``load`` give
what their reference implementations (tests/validate/reference.py) give: on the shipped dataset
and on random damage to it."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pandas.testing as pdt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridor
from corridor.dataset.network import (
    CANONICAL_INPUTS,
    canonical_columns,
    conversion_factor,
    to_canonical,
)
from corridor.dataset.rules import Tables, check_conversions, check_provenance, check_reachability
from corridor.dataset.validate import typed_cell, validate_dataset
from corridor.schema import TABLES
from corridor.units import UNITS
from tests.validate import reference
from tests.validate.test_changes import GARBAGE

#: The columns the checks and conversions read, damaged at random.
DAMAGED = {
    "provenance": ("table", "row_id", "column", "value", "low", "high"),
    "nodes": ("node_id", "lat", "lon"),
    "links": (
        "link_id",
        "from_node",
        "to_node",
        "commodities",
        "bidirectional",
        "capacity",
        "capacity_unit",
    ),
    "supply": ("supply_id", "node_id", "commodity", "value", "unit"),
    "demand": ("demand_id", "node_id", "commodity", "value", "unit"),
    "agreements": ("agreement_id", "commodity", "origin", "destinations", "min_volume", "unit"),
    "conversions": ("commodity", "grade", "from_unit", "to_unit", "factor"),
}


@cache
def shipped() -> Tables:
    report, tables = validate_dataset()
    assert report.ok
    return tables


def pool(table: str, column: str) -> list[Any]:
    values = shipped()[table][column].tolist()[:40]
    for name in ("nodes", "links", "supply", "demand", "agreements"):
        values += shipped()[name][str(TABLES[name].id_column)].tolist()[:10]
    return values + GARBAGE + list(UNITS) + ["natural_gas", "containers", ("containers", "x")]


@st.composite
def damaged(draw: st.DrawFn) -> Tables:
    tables = {name: frame.copy() for name, frame in shipped().items()}
    for _ in range(draw(st.integers(1, 5))):
        name = draw(st.sampled_from(sorted(DAMAGED)))
        frame = tables[name]
        position = draw(st.integers(0, len(frame) - 1))
        action = draw(st.sampled_from(["set", "set", "set", "drop", "repeat"]))
        if action == "drop":
            tables[name] = frame.drop(index=position).reset_index(drop=True)
        elif action == "repeat":
            tables[name] = pd.concat([frame, frame.iloc[[position]]], ignore_index=True)
        else:
            column = draw(st.sampled_from(DAMAGED[name]))
            value = draw(st.sampled_from(pool(name, column)))
            frame.at[position, column] = typed_cell(TABLES[name].column(column), value)
    return tables


def test_the_shipped_dataset_gives_the_reference_issues() -> None:
    t = shipped()
    assert check_provenance(t) == reference.check_provenance(t)
    assert check_reachability(t) == reference.check_reachability(t)
    assert check_conversions(t) == reference.check_conversions(t)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(t=damaged())
def test_damaged_tables_give_the_reference_issues(t: Tables) -> None:
    assert check_provenance(t) == reference.check_provenance(t)
    assert check_reachability(t) == reference.check_reachability(t)
    assert check_conversions(t) == reference.check_conversions(t)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(t=damaged(), grade=st.sampled_from([None, "azeri_light", "cpc_blend", "nope"]))
def test_conversion_factors_and_canonical_values_match_the_reference(
    t: Tables, grade: str | None
) -> None:
    conversions = t["conversions"].set_index("conversion_id")
    commodities = t["commodities"].set_index("commodity_id")
    for commodity in ("crude_oil", "oil_products", "containers", "natural_gas", "nope"):
        for units in (("t", "bbl"), ("bbl", "t"), ("TEU", "t"), ("t", "TEU"), ("t", "m3")):
            found = conversion_factor(conversions, commodity, *units, grade)
            expected = reference.conversion_factor(conversions, commodity, *units, grade)
            assert found == expected or (
                found is not None and np.isnan(found) and np.isnan(expected)
            )
    for name in CANONICAL_INPUTS:
        frame = t[name].set_index(TABLES[name].id_column)
        frame = frame[~frame.index.duplicated()]  # the reference fails on repeated ids
        found = canonical_columns(name, frame, commodities, conversions)
        quantity = next((c for c in found if c.endswith("_canonical")), None)
        if name == "transit" or quantity is None:
            continue
        values = frame[quantity.removesuffix("_canonical")]
        units = frame["capacity_unit" if name == "links" else "unit"]
        commodity = (
            frame["commodities"].map(lambda cs: cs[0] if len(cs) else None)
            if name == "links"
            else frame["commodity"]
        )
        expected = reference._to_canonical(
            values.astype("float64"),
            units,
            found["canonical_unit"],
            commodity,
            conversions,
            commodities,
        )
        pdt.assert_series_equal(found[quantity], expected, check_names=False)
        new = to_canonical(
            values, units, found["canonical_unit"], commodity, conversions, commodities
        )
        assert np.array_equal(new.to_numpy(), expected.to_numpy(), equal_nan=True)


def test_the_loaded_network_s_canonical_values_match_the_reference() -> None:
    net = corridor.load()
    links = net.links
    expected = reference._to_canonical(
        links["capacity"],
        links["capacity_unit"],
        links["canonical_unit"],
        links["commodities"].map(lambda cs: cs[0] if len(cs) else None),
        net.conversions,
        net.commodities,
    )
    pdt.assert_series_equal(links["capacity_canonical"], expected, check_names=False)
    for name in ("supply", "demand"):
        frame = getattr(net, name)
        expected = reference._to_canonical(
            frame["value"],
            frame["unit"],
            frame["canonical_unit"],
            frame["commodity"],
            net.conversions,
            net.commodities,
        )
        pdt.assert_series_equal(frame["value_canonical"], expected, check_names=False)
