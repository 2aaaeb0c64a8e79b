"""The data of one report run as JSON-able dicts: links, nodes, Sankey flows, sources."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor.dataset.network import Network, canonical_units
from corridor.errors import ReportError
from corridor.formats import format_usd, short_name
from corridor.results import Results
from corridor.results.extract import per_unit
from corridor.results.paths import end_to_end

__all__ = [
    "SourceIndex",
    "build_run_data",
    "link_records",
    "node_records",
    "sankey_data",
    "source_records",
    "to_json_value",
    "worth_text",
]

_TOL = 1e-9


def to_json_value(value: Any) -> Any:
    """A pandas/numpy value as a plain JSON value: NaN and NA become None, tuples lists."""
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [to_json_value(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    return str(value)


def _text(value: Any) -> str:
    """A cell as text, '' for missing values."""
    return (
        ""
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
        else str(value)
    )


@dataclass(frozen=True)
class SourceIndex:
    """Source ids of each (table, row id) of a network's provenance table."""

    by_row: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_network(cls, network: Network) -> SourceIndex:
        """Collect every row's source ids (a tuple per provenance row once loaded)."""
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        prov = network.provenance
        for table, row_id, ids in zip(
            prov["table"], prov["row_id"], prov["source_ids"], strict=True
        ):
            found[(str(table), str(row_id))].update(ids)
        return cls({key: tuple(sorted(ids)) for key, ids in found.items()})

    def of(self, table: str, row_id: str) -> tuple[str, ...]:
        """Source ids of one row ('()' if none)."""
        return self.by_row.get((table, row_id), ())

    def of_rows(self, table: str, row_ids: Iterable[str]) -> tuple[str, ...]:
        """Union of the source ids of several rows, sorted."""
        return tuple(sorted({s for r in row_ids for s in self.of(table, r)}))


def _link_flows(results: Results) -> pd.DataFrame:
    """Flow per link, commodity and unit (both directions and all agreements summed)."""
    flows = results.flows
    if flows.empty:
        return pd.DataFrame(columns=["link_id", "commodity", "unit", "flow"])
    return flows.groupby(["link_id", "commodity", "unit"], as_index=False)["flow"].sum()


def _link_capacity(results: Results) -> pd.DataFrame:
    """Per link with a capacity: capacity, unit, used and utilisation of its busiest
    direction; its highest shadow price (USD/yr per unit); whether any direction binds."""
    capped = results.links.dropna(subset=["capacity"])
    table = capped.sort_values("utilisation", ascending=False, na_position="last")
    busiest = table.drop_duplicates("link_id").set_index("link_id")
    grouped = table.groupby("link_id")
    out = busiest[["capacity", "unit", "used", "utilisation"]].copy()
    out["shadow_price"] = grouped["shadow_price"].max()
    out["binding"] = grouped["binding"].any()
    return out


def worth_text(binding: bool, shadow_price: float, unit: object) -> str:
    """What one more unit of a link's capacity is worth, in words with its unit."""
    if not binding:
        return "nothing more: the capacity does not bind"
    if pd.isna(shadow_price):
        return "no USD value: it carries a commodity without a price"
    return f"{format_usd(float(shadow_price))}/yr per {per_unit(unit)}/yr"


def link_records(network: Network, results: Results, sources: SourceIndex) -> list[dict[str, Any]]:
    """One dict per link of the network whose end nodes have coordinates.

    ``share`` (0-1) sets the line width: the link's flow relative to the largest link flow in
    the same unit (Mt/yr, bcm/yr and TEU/yr are not added up); utilisation is in the tooltip and
    binding links get a halo.
    """
    nodes = network.nodes
    flows = _link_flows(results)
    max_by_unit = flows.groupby("unit")["flow"].max()
    capacity = _link_capacity(results)
    flows_by_link = {k: g for k, g in flows.groupby("link_id")}
    records = []
    for link_id, link in network.links.iterrows():
        ends = (link["from_node"], link["to_node"])
        if not all(n in nodes.index for n in ends):
            continue
        coords = [[float(nodes.at[n, "lon"]), float(nodes.at[n, "lat"])] for n in ends]
        if any(math.isnan(c) for xy in coords for c in xy):
            continue
        own = flows_by_link.get(link_id, flows.iloc[:0])
        cap = capacity.loc[link_id] if link_id in capacity.index else None
        utilisation = None if cap is None else to_json_value(cap["utilisation"])
        share = max(
            (f / max_by_unit[u] for f, u in zip(own["flow"], own["unit"], strict=True)),
            default=0.0,
        )
        records.append(
            {
                "id": str(link_id),
                "name": _text(link["name"]),
                "mode": _text(link["mode"]),
                "status": _text(link["status"]),
                "from": str(ends[0]),
                "to": str(ends[1]),
                "coords": coords,
                "commodities": to_json_value(link["commodities"]) or [],
                "flows": [
                    {"commodity": str(c), "flow": float(f), "unit": str(u)}
                    for c, u, f in zip(own["commodity"], own["unit"], own["flow"], strict=True)
                ],
                "used": bool(own["flow"].sum() > _TOL) if not own.empty else False,
                "capacity": None if cap is None else to_json_value(cap["capacity"]),
                "unit": None if cap is None else to_json_value(cap["unit"]),
                "capacity_used": None if cap is None else to_json_value(cap["used"]),
                "utilisation": utilisation,
                "shadow_price": None if cap is None else to_json_value(cap["shadow_price"]),
                "shadow_price_unit": None if cap is None else f"USD/yr per {cap['unit']}",
                "worth": "–"
                if cap is None
                else worth_text(bool(cap["binding"]), cap["shadow_price"], cap["unit"]),
                "binding": False if cap is None else bool(cap["binding"]),
                "share": float(share),
                "sources": list(sources.of("links", str(link_id))),
            }
        )
    return records


def _path_ends(results: Results) -> set[str]:
    """First and last nodes of every path with volume: the suppliers and markets."""
    paths = results.paths
    if paths.empty:
        return set()
    used = paths[paths["volume"] > _TOL]
    return {str(n[0]) for n in used["nodes"]} | {str(n[-1]) for n in used["nodes"]}


def _node_weight(network: Network, results: Results) -> dict[str, float]:
    """How much passes a node: the flow of its links, each relative to the largest flow of
    the same unit, summed (orders labels by importance)."""
    flows = _link_flows(results)
    if flows.empty:
        return {}
    flows = flows.assign(rel=flows["flow"] / flows.groupby("unit")["flow"].transform("max"))
    ends = network.links[["from_node", "to_node"]]
    flows = flows.join(ends, on="link_id")
    weight = pd.concat(
        [flows.groupby("from_node")["rel"].sum(), flows.groupby("to_node")["rel"].sum()]
    )
    return {str(k): float(v) for k, v in weight.groupby(level=0).sum().items()}


def node_records(network: Network, results: Results, sources: SourceIndex) -> list[dict[str, Any]]:
    """One dict per node with coordinates; ``major`` marks suppliers, markets and the ends of
    binding links (they get a label)."""
    major = _path_ends(results)
    binding = results.binding
    major |= set(binding["from_node"].astype(str)) | set(binding["to_node"].astype(str))
    nodes = network.nodes.dropna(subset=["lat", "lon"])
    weight = _node_weight(network, results)
    return [
        {
            "id": str(node_id),
            "name": _text(row["name"]),
            "label": short_name(_text(row["name"])),
            "kind": _text(row["kind"]),
            "country": _text(row["country"]),
            "lon": float(row["lon"]),
            "lat": float(row["lat"]),
            "major": str(node_id) in major,
            "weight": weight.get(str(node_id), 0.0),
            "sources": list(sources.of("nodes", str(node_id))),
        }
        for node_id, row in nodes.iterrows()
    ]


def transit_label(countries: Iterable[str], first: str, last: str) -> str:
    """Transit countries of a route, e.g. 'AZ · GE · TR', or 'direct' when there are none."""
    seen: list[str] = []
    for code in countries:
        if code not in (first, last) and code not in seen:
            seen.append(code)
    return " · ".join(seen) if seen else "direct"


def sankey_data(network: Network, results: Results) -> dict[str, dict[str, Any]]:
    """Per commodity: supplier → transit countries → market nodes and bands, by volume.

    Routes run end to end: gas handed over under an agreement and carried on is shown from its
    supplier to where it finally goes (:func:`corridor.results.paths.end_to_end`).
    """
    supply = results.supply[results.supply["available"] > _TOL]
    paths = end_to_end(results.paths, set(zip(supply["node_id"], supply["commodity"], strict=True)))
    if paths.empty:
        return {}
    units = canonical_units(network.commodities)
    names = network.nodes["name"]
    countries = network.nodes["country"]
    rows = []
    for nodes, route, volume, commodity in zip(
        paths["nodes"], paths["countries"], paths["volume"], paths["commodity"], strict=True
    ):
        if volume <= _TOL or len(nodes) == 0:
            continue
        first, last = str(nodes[0]), str(nodes[-1])
        rows.append(
            {
                "commodity": str(commodity),
                "supplier": _text(names.get(first, first)),
                "transit": transit_label(
                    route, _text(countries.get(first, "")), _text(countries.get(last, ""))
                ),
                "market": _text(names.get(last, last)),
                "volume": float(volume),
            }
        )
    if not rows:
        return {}
    frame = pd.DataFrame(rows)
    out: dict[str, dict[str, Any]] = {}
    for commodity, group in frame.groupby("commodity", sort=True):
        bands = []
        for left, right, prefix in (
            ("supplier", "transit", ("s", "t")),
            ("transit", "market", ("t", "m")),
        ):
            agg = group.groupby([left, right], as_index=False)["volume"].sum()
            bands += [
                {"source": f"{prefix[0]}:{a}", "target": f"{prefix[1]}:{b}", "value": float(v)}
                for a, b, v in zip(agg[left], agg[right], agg["volume"], strict=True)
            ]
        nodes_ = [
            {
                "id": f"{key[0]}:{name}",
                "name": str(name),
                "label": short_name(str(name), 34),
                "column": col,
                "value": float(v),
            }
            for col, key in enumerate(("supplier", "transit", "market"))
            for name, v in group.groupby(key)["volume"].sum().sort_values(ascending=False).items()
        ]
        out[str(commodity)] = {
            "unit": units.get(str(commodity), ""),
            "nodes": nodes_,
            "links": bands,
        }
    return out


def shown_rows(network: Network, results: Results) -> dict[str, list[str]]:
    """Row ids of each provenance table that the report's figures and tables show."""
    year = results.year
    return {
        "links": [str(i) for i in network.links.index],
        "nodes": [str(i) for i in network.nodes.index],
        "supply": [str(i) for i in network.supply.index[network.supply["year"] == year]],
        "demand": [str(i) for i in network.demand.index[network.demand["year"] == year]],
        "agreements": [str(i) for i in results.agreements["agreement_id"]],
        "observations": [
            str(i) for i in network.observations.index[network.observations["year"] == year]
        ],
    }


def source_records(
    network: Network, results: Results, sources: SourceIndex, extra: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Every source behind a row the report shows, plus ``extra``, sorted by id.

    Raises
    ------
    ReportError
        If an id is not in ``network.sources``.
    """
    ids = set(extra)
    for table, rows in shown_rows(network, results).items():
        ids.update(sources.of_rows(table, rows))
    missing = sorted(ids - {str(i) for i in network.sources.index})
    if missing:
        raise ReportError(
            f"source ids {missing} are not in network.sources; add them to the sources table"
        )
    table = network.sources
    return [
        {
            "id": sid,
            "publisher": _text(table.at[sid, "publisher"]),
            "title": _text(table.at[sid, "title"]),
            "date": _text(table.at[sid, "date"]),
            "url": _text(table.at[sid, "url"]),
        }
        for sid in sorted(ids)
    ]


def build_run_data(
    name: str,
    network: Network,
    results: Results,
    index: SourceIndex,
    extra_sources: Iterable[str] = (),
) -> dict[str, Any]:
    """Everything the page's scripts draw for one run, JSON-able."""
    return {
        "name": name,
        "year": int(results.year),
        "status": str(results.status),
        "links": link_records(network, results, index),
        "nodes": node_records(network, results, index),
        "sankey": sankey_data(network, results),
        "sources": source_records(network, results, index, extra_sources),
    }
