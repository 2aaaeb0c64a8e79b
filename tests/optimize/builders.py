"""Write small synthetic datasets (with provenance) for optimisation tests."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pandas as pd

import corridor
from corridor.dataset.network import from_frames
from corridor.schema import TABLES
from tests.conftest import TINY

#: The tables write_tables copies from tests/data/tiny when they are not given.
TINY_TABLES = ("sources", "commodities", "conversions", "groups")

# All synthetic nodes sit around Baku (AZ) so that the country check passes.
BASE_LAT, BASE_LON = 40.40, 49.85


Links = Sequence[tuple[int, int, float | None, float, str]]
Supply = Sequence[tuple[int, str, float]]
Demand = Sequence[tuple[int, str, float] | tuple[int, str, float, float]]


def write_dataset(
    folder: Path,
    n_nodes: int,
    links: Links,
    supply: Supply,
    demand: Demand,
    *,
    agreements: Sequence[dict[str, object]] = (),
    prices: dict[str, float] | None = None,
    strict: bool = True,
) -> corridor.Network:
    """Create and load a dataset (the tables of :func:`dataset_tables`)."""
    tables = dataset_tables(n_nodes, links, supply, demand, agreements=agreements, prices=prices)
    return write_tables(folder, tables, strict=strict)


def build_dataset(
    n_nodes: int,
    links: Links,
    supply: Supply,
    demand: Demand,
) -> corridor.Network:
    """The dataset of :func:`write_dataset`, built in memory for the property tests, which
    solve hundreds of generated datasets: its cells are parsed (``from_frames`` with
    ``check=False``) but no file is written and the cross-table rules are not run, as
    ``write_dataset(..., strict=False)`` would not act on what they find either."""
    tables = complete_tables(dataset_tables(n_nodes, links, supply, demand))
    tables.update({name: _tiny_table(name) for name in TINY_TABLES})
    return from_frames(tables, check=False)


def dataset_tables(
    n_nodes: int,
    links: Links,
    supply: Supply,
    demand: Demand,
    *,
    agreements: Sequence[dict[str, object]] = (),
    prices: dict[str, float] | None = None,
) -> dict[str, pd.DataFrame]:
    """The tables of a small synthetic dataset.

    links: (from, to, capacity in Mt/yr or None, length_km, ";"-joined commodities)
    supply/demand: (node, commodity, value in the commodity's canonical unit); a demand may
    add a fourth item, its price in USD/t
    prices: USD/t of each commodity in 2024, for every node (none: deliveries are unpriced)
    """
    all_commodities = "crude_oil;oil_products;general_freight"
    nodes = pd.DataFrame(
        {
            "node_id": [f"N{i}" for i in range(n_nodes)],
            "name": [f"node {i}" for i in range(n_nodes)],
            "kind": "junction",
            "country": "AZ",
            "other_country": "",
            "lat": [round(BASE_LAT + 0.001 * (i % 10), 3) for i in range(n_nodes)],
            "lon": [round(BASE_LON + 0.001 * (i // 10), 3) for i in range(n_nodes)],
            "commodities": all_commodities,
            "operator": "",
            "note": "",
        }
    )
    link_rows = []
    for k, (a, b, cap, length, commodities) in enumerate(links):
        link_rows.append(
            {
                "link_id": f"L{k}",
                "name": f"link {k}",
                "from_node": f"N{a}",
                "to_node": f"N{b}",
                "mode": "pipeline",
                "commodities": commodities,
                "bidirectional": "false",
                "capacity": "" if cap is None else cap,
                "capacity_unit": "" if cap is None else "Mt/yr",
                "length_km": length,
                "status": "operating",
            }
        )
    unit = {"crude_oil": "Mt/yr", "oil_products": "Mt/yr", "general_freight": "Mt/yr"}
    sup = pd.DataFrame(
        [
            {
                "supply_id": f"SUP{k}",
                "node_id": f"N{n}",
                "commodity": c,
                "year": 2024,
                "value": v,
                "unit": unit[c],
            }
            for k, (n, c, v) in enumerate(supply)
        ]
    )
    dem = pd.DataFrame(
        [
            {
                "demand_id": f"DEM{k}",
                "node_id": f"N{row[0]}",
                "commodity": row[1],
                "year": 2024,
                "value": row[2],
                "unit": unit[row[1]],
                "price": row[3] if len(row) > 3 else "",
                "price_unit": "USD/t" if len(row) > 3 else "",
            }
            for k, row in enumerate(demand)
        ]
    )
    tables = {
        "nodes": nodes,
        "links": pd.DataFrame(link_rows),
        "supply": sup,
        "demand": dem,
        "agreements": pd.DataFrame(list(agreements)),
    }
    if prices:
        tables["prices"] = pd.DataFrame(
            [
                {
                    "price_id": f"PR_{c}",
                    "commodity": c,
                    "year": 2024,
                    "benchmark": "test price",
                    "value": v,
                    "unit": "USD/t",
                }
                for c, v in prices.items()
            ]
        )
    return tables


@cache
def _tiny_table(name: str) -> pd.DataFrame:
    return pd.read_csv(TINY / f"{name}.csv", dtype=str, keep_default_na=False)


def write_tables(
    folder: Path, tables: dict[str, pd.DataFrame], *, strict: bool = True
) -> corridor.Network:
    """Write ``tables`` (plus the tiny fixture's sources, commodities, conversions and groups
    where not given) with a provenance row for every figure, and load the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in TINY_TABLES:
        if name not in tables:
            shutil.copy(TINY / f"{name}.csv", folder / f"{name}.csv")
    for name, frame in complete_tables(tables).items():
        frame.to_csv(folder / TABLES[name].filename, index=False)
    return corridor.load(folder, strict=strict)


def complete_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``tables`` with every column of their spec (blank where not given) and the provenance
    table: a row for every figure."""
    complete, prov = {}, []
    for name, frame in tables.items():
        spec = TABLES[name]
        frame = frame.reindex(columns=list(spec.column_names)).astype(object).fillna("")
        complete[name] = frame
        for column in spec.sourced_columns:
            for row_id, value in zip(frame[spec.id_column], frame[column], strict=True):
                if value != "":
                    prov.append(
                        {
                            "table": name,
                            "row_id": row_id,
                            "column": column,
                            "value": value,
                            "status": "design",
                            "confidence": "H",
                            "source_ids": "S_TEST",
                        }
                    )
    complete["provenance"] = pd.DataFrame(prov).reindex(
        columns=list(TABLES["provenance"].column_names)
    )
    return complete
