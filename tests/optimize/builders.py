"""Write small synthetic datasets (with provenance) for optimisation tests."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

import corridor
from corridor.schema import TABLES
from tests.conftest import TINY

# All synthetic nodes sit around Baku (AZ) so that the country check passes.
BASE_LAT, BASE_LON = 40.40, 49.85


def write_dataset(
    folder: Path,
    n_nodes: int,
    links: Sequence[tuple[int, int, float | None, float, str]],
    supply: Sequence[tuple[int, str, float]],
    demand: Sequence[tuple[int, str, float] | tuple[int, str, float, float]],
    *,
    agreements: Sequence[dict[str, object]] = (),
    prices: dict[str, float] | None = None,
    strict: bool = True,
) -> corridor.Network:
    """Create and load a dataset.

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
    return write_tables(folder, tables, strict=strict)


def write_tables(
    folder: Path, tables: dict[str, pd.DataFrame], *, strict: bool = True
) -> corridor.Network:
    """Write ``tables`` (plus the tiny fixture's sources, commodities, conversions and groups
    where not given) with a provenance row for every figure, and load the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sources", "commodities", "conversions", "groups"):
        if name not in tables:
            shutil.copy(TINY / f"{name}.csv", folder / f"{name}.csv")
    prov = []
    for name, frame in tables.items():
        spec = TABLES[name]
        frame = frame.reindex(columns=list(spec.column_names)).astype(object).fillna("")
        frame.to_csv(folder / spec.filename, index=False)
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
    pd.DataFrame(prov).reindex(columns=list(TABLES["provenance"].column_names)).to_csv(
        folder / "provenance.csv", index=False
    )
    return corridor.load(folder, strict=strict)
